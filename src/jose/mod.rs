//! JOSE: client assertions, valid and deliberately wrong; JWT inspection without verification.

pub mod assertion;
pub mod inspect;
pub mod ps256;

pub use assertion::{AssertionContext, build_assertion};
