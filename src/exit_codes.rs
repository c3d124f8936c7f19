//! Process exit codes, documented in the README.

/// Every scenario passed (warnings allowed unless `--strict`).
pub const OK: u8 = 0;
/// At least one conformance failure.
pub const FAILURES: u8 = 1;
/// Usage or input error; nothing was sent.
pub const INPUT_ERROR: u8 = 2;
/// The target could not be tested (unreachable, every step errored).
pub const UNTESTABLE: u8 = 3;
/// Interrupted; the report of what finished was written.
pub const INTERRUPTED: u8 = 130;
