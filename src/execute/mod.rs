//! Execution: build each step's request, send it over a fresh TLS connection with exactly the
//! step's identity, and record the exchange.

pub mod discovery;
pub mod identities;
pub mod redact;
pub mod request;
pub mod runner;
pub mod transport;

pub use runner::{RunEvent, RunInput, RunOutcome, run};
