//! What a run produces: check results, step results, scenario results, and their summary.

use serde::{Deserialize, Serialize};

use super::exchange::{Outcome, RequestRecord};
use super::verdict::{CheckStatus, Severity, Verdict};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckResult {
    /// Catalogue id of the check (`err-status`, `resp-cache-control`, `expect`, ...).
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub status: CheckStatus,
    pub expected: String,
    pub actual: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioResult {
    pub id: String,
    pub title: String,
    pub category: String,
    pub severity: Severity,
    pub refs: Vec<String>,
    pub verdict: Verdict,
    /// Why the scenario was skipped, errored, or accepted as a known deviation.
    pub reason: Option<String>,
    pub duration_ms: u64,
    pub steps: Vec<StepResult>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepResult {
    /// 1-based position in the scenario.
    pub index: usize,
    /// What the step does, in a few words.
    pub name: String,
    /// The expectation (`granted`, `rejected`, `refused`, ...).
    pub expect: String,
    /// The `x-fapi-interaction-id` sent, so an operator can find the request in its logs.
    pub interaction_id: Option<String>,
    /// None when the step was skipped before anything was built.
    pub request: Option<RequestRecord>,
    pub outcome: Outcome,
    pub checks: Vec<CheckResult>,
    /// Normalised, redacted response used for drift detection.
    pub snapshot: Option<serde_json::Value>,
    pub duration_ms: u64,
    /// Transport probe steps: every ClientHello sent and what came back (`tlsprobe::ProbeRecord`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub probes: Vec<serde_json::Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Summary {
    pub total: usize,
    pub passed: usize,
    pub failed: usize,
    pub warned: usize,
    pub skipped: usize,
    pub errored: usize,
    pub known_deviations: usize,
    pub drifted: usize,
}

/// Counts the verdicts of a run's scenarios.
pub fn summarise(results: &[ScenarioResult]) -> Summary {
    let mut s = Summary {
        total: results.len(),
        ..Summary::default()
    };
    for r in results {
        match r.verdict {
            Verdict::Pass => s.passed += 1,
            Verdict::Fail => s.failed += 1,
            Verdict::Warn => s.warned += 1,
            Verdict::Skip => s.skipped += 1,
            Verdict::Error => s.errored += 1,
            Verdict::KnownDeviation => s.known_deviations += 1,
            Verdict::Drift => s.drifted += 1,
        }
    }
    s
}
