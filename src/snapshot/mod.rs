//! Snapshots: normalise and redact a step's response; compare a run with a baseline.

pub mod baseline;
pub mod diff;
pub mod normalise;
pub mod origin;
