//! Onboarding, the pure parts of `ofpc pki`, `ofpc doctor` and `ofpc token`: credentials made
//! to the platform's certificate rules, the rules checks, JWKS entries, the doctor's checklist
//! and the hints matched to a token endpoint's answer. No I/O here; `app/` reads and writes.

pub mod checklist;
pub mod hints;
pub mod init;
pub mod jwk;
pub mod rules;
pub mod token_view;
