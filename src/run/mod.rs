//! The run: plan, execute, judge, and tell listeners, case by case. It sits above execution
//! (I/O) and judgement (pure), which never import each other.

pub mod runner;

pub use runner::{RunEvent, RunInput, RunOutcome, run};
