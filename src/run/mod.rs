//! The run: plan, execute, judge, and tell listeners, case by case. It sits above execution
//! (I/O) and judgement (pure), which never import each other.

pub mod jobs;
pub mod runner;

pub use crate::model::RunEvent;
pub use jobs::{default_jobs, jobs_for};
pub use runner::{RunInput, RunOutcome, run};
