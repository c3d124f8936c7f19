//! The report's versioned envelope: schema name and version, tool, target, run facts and the
//! summary around the scenario results of [`crate::model`].

use serde::{Deserialize, Serialize};

pub use crate::model::{
    CertInfo, CheckResult, CheckStatus, Outcome, RequestRecord, ResponseRecord, ScenarioResult,
    Severity, StepResult, Summary, TlsFacts, TransportRecord, Verdict,
};

/// Name written in every report so a file can be recognised as ours.
pub const SCHEMA_NAME: &str = "ofpc-report";
/// Bumped on every incompatible change of the report layout.
pub const SCHEMA_VERSION: u32 = 1;

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
    /// Run-level notices shown once at the top (e.g. "discovery failed: ...").
    pub notices: Vec<String>,
    /// Problems that fail the run although no scenario failed (a stale or expired allow-list
    /// entry, drift under `--fail-on-drift`). Also listed in `notices`.
    #[serde(default)]
    pub run_failures: Vec<String>,
    pub scenarios: Vec<ScenarioResult>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToolInfo {
    pub name: String,
    pub version: String,
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
