//! ofpc: conformance harness for the FAPI 2.0 token endpoint of Open Finance Malaysia's platform
//! (PayNet OFP). Data flow (design.md): scenario -> plan -> execute -> judge -> report, driven by
//! `run`; every module imports only from layers below it (`.ci/layers` checks), down to `model`.

pub mod app;
pub mod cli;
pub mod config;
pub mod errors;
pub mod evidence;
pub mod execute;
pub mod exit_codes;
pub mod jose;
pub mod judge;
pub mod mock;
pub mod model;
pub mod net;
pub mod oauth;
pub mod onboard;
pub mod pki;
pub mod plan;
pub mod report;
pub mod run;
pub mod scenario;
pub mod snapshot;
pub mod tlsprobe;
