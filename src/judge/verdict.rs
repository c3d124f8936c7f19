//! From check results to a scenario verdict.

use crate::model::{CheckStatus, Outcome, StepResult, Verdict};

/// Fail beats Error beats Warn beats Pass; a scenario whose steps were all skipped is Skip.
pub fn scenario_verdict(steps: &[StepResult]) -> Verdict {
    let checks = || steps.iter().flat_map(|s| s.checks.iter());
    if checks().any(|c| c.status == CheckStatus::Fail) {
        return Verdict::Fail;
    }
    let errored = steps
        .iter()
        .any(|s| matches!(s.outcome, Outcome::Transport(_)) && s.checks.is_empty());
    if errored {
        return Verdict::Error;
    }
    if checks().any(|c| c.status == CheckStatus::Warn) {
        return Verdict::Warn;
    }
    if steps
        .iter()
        .all(|s| matches!(s.outcome, Outcome::Skipped { .. }))
    {
        return Verdict::Skip;
    }
    Verdict::Pass
}
