//! Raw TLS probe: hand-written ClientHellos with exact versions and suites, classified answers.
//!
//! rustls cannot offer TLS 1.0/1.1, CBC, static RSA or DHE (engineering notes §2), so the transport
//! rows (catalogue §1.6, §6.1) write the ClientHello bytes themselves and only look at the first
//! answer: a ServerHello, an alert, a close, a reset, a stall or something that is not TLS.

pub mod checks;
pub mod classify;
pub mod hello;
pub mod record;
pub mod suites;

pub use checks::{CheckOutcome, ProbeRecord, TransportCheck, run_all, run_check, run_check_via};
pub use classify::{ProbeOutcome, alert_name};
pub use hello::{ClientHelloSpec, TlsVersion};
pub use record::{ProbeTarget, probe, probe_via};
