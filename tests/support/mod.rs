//! Test support shared by the integration tests that declare `mod support;`.
#![allow(dead_code)]

pub mod connect_proxy;
