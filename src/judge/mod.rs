//! Judging: an exchange and its expectation give check results; check results give a verdict.
//! A response that breaks the rules is data here, never an error.

pub mod checks;
pub mod collect;
pub mod discovery;
pub mod document;
pub mod jwks;
pub mod metadata_schema;
pub mod server_cert;
pub mod verdict;

pub use checks::{JudgeInput, judge_step};
pub use server_cert::server_cert_check;
pub use verdict::scenario_verdict;
