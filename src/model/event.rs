//! What listeners (reporters) hear while a run goes on.

use super::result::ScenarioResult;

/// What the terminal (or any listener) hears while the run goes on.
pub enum RunEvent<'a> {
    Started {
        total: usize,
        notices: &'a [String],
    },
    ScenarioFinished {
        index: usize,
        result: &'a ScenarioResult,
    },
}
