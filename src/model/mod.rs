//! The shared vocabulary at the base of the crate: verdicts, severities, check, step and
//! scenario results, exchange records, transport outcomes, OAuth error codes, assertion
//! algorithms and the check registry. It imports nothing from the crate; everything else may
//! import it.

pub mod algorithm;
pub mod check_id;
pub mod error_code;
pub mod event;
pub mod exchange;
pub mod finding;
mod keyword;
pub mod result;
pub mod verdict;

pub use algorithm::AssertionAlg;
pub use check_id::{Check, CheckId};
pub use error_code::ErrorCode;
pub use event::RunEvent;
pub use exchange::{
    CertInfo, Outcome, RequestRecord, ResponseRecord, TlsFacts, TransportFailure, TransportKind,
    TransportRecord, WireResponse,
};
pub use finding::{Finding, Place, findings};
pub use result::{CheckResult, ScenarioResult, StepResult, Summary, summarise};
pub use verdict::{CheckStatus, Severity, Verdict};
