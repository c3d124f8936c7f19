//! The report's versioned envelope: schema name and version, tool, target, run facts and the
//! summary around the scenario results of [`crate::model`].

use serde::{Deserialize, Serialize};

pub use crate::model::{
    CertInfo, CheckResult, CheckStatus, Finding, Outcome, Place, RequestRecord, ResponseRecord,
    ScenarioResult, Severity, StepResult, Summary, TlsFacts, TransportRecord, Verdict,
};

/// Name written in every report so a file can be recognised as ours.
pub const SCHEMA_NAME: &str = "ofpc-report";
/// Bumped on every incompatible change of the report layout.
pub const SCHEMA_VERSION: u32 = 2;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// Always [`SCHEMA_NAME`].
    pub schema: String,
    /// Always [`SCHEMA_VERSION`] when written by this build.
    pub schema_version: u32,
    pub tool: ToolInfo,
    /// Folder name of the run under `--out` (e.g. `20261129T010203Z-mock`).
    pub run_id: String,
    pub target: TargetInfo,
    /// `ofm`, `fapi2-final` or `fapi2-id2`.
    pub profile: String,
    /// RFC 3339, UTC.
    pub started_at: String,
    /// RFC 3339, UTC.
    pub finished_at: String,
    pub duration_ms: u64,
    /// False when the run was interrupted (Ctrl-C) before every scenario finished.
    pub complete: bool,
    pub summary: Summary,
    /// The failed and warned checks grouped by check id, most severe and widest first
    /// ([`crate::model::findings`]). New in schema version 2.
    pub findings: Vec<Finding>,
    /// Run-level notices shown once at the top (e.g. "discovery failed: ...").
    pub notices: Vec<String>,
    /// Problems that fail the run although no scenario failed (a stale or expired allow-list
    /// entry, drift under `--fail-on-drift`). Also listed in `notices`.
    #[serde(default)]
    pub run_failures: Vec<String>,
    /// The scenarios whose normalised responses differ from the `--baseline` run, with what
    /// changed (empty without a baseline). A scenario that warned or failed and also drifted keeps
    /// its verdict and is listed here. New in schema version 2.
    #[serde(default)]
    pub drift: Vec<ScenarioDrift>,
    /// The findings compared with the `--baseline` run's, by check id (absent without one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub findings_vs_baseline: Option<FindingsChange>,
    pub scenarios: Vec<ScenarioResult>,
}

/// The differences of one scenario between the baseline and the current run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioDrift {
    pub id: String,
    /// One readable line per change (`step 2: status 401 -> 400`).
    pub changes: Vec<String>,
}

/// Findings compared by check id: which appeared, which went away, which stayed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FindingsChange {
    pub new: Vec<String>,
    pub fixed: Vec<String>,
    pub unchanged: Vec<String>,
}

impl Report {
    /// True when the scenario `id` drifted from the baseline.
    pub fn drifted(&self, id: &str) -> bool {
        self.drift.iter().any(|d| d.id == id)
    }

    /// Recomputes the summary and the findings after verdicts changed (allow-list, baseline).
    pub fn recount(&mut self) {
        self.summary = crate::model::summarise(&self.scenarios);
        self.findings = crate::model::findings(&self.scenarios);
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToolInfo {
    pub name: String,
    pub version: String,
}

impl TargetInfo {
    /// The target named with its kind, for report headers: `mock (the built-in mock OFP,
    /// faults: x)` or `sandbox (a server under test)`.
    pub fn described(&self) -> String {
        let kind = match (self.mock, self.faults.is_empty()) {
            (true, true) => "the built-in mock OFP".to_owned(),
            (true, false) => format!("the built-in mock OFP, faults: {}", self.faults.join(", ")),
            (false, _) => "a server under test".to_owned(),
        };
        format!("{} ({kind})", self.name)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetInfo {
    /// The target file's `name` (`mock` for the built-in mock).
    pub name: String,
    pub issuer: String,
    pub token_endpoint: String,
    /// True when the run was against the built-in mock OFP.
    pub mock: bool,
    /// Mock faults switched on for this run (empty for real targets).
    pub faults: Vec<String>,
}
