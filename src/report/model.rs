//! The report: the one data model every output format is rendered from (versioned schema).

use serde::{Deserialize, Serialize};

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

/// Outcome of one scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Pass,
    /// A fail-severity check failed.
    Fail,
    /// Only warn-severity checks failed.
    Warn,
    /// Not applicable to this target (reason given).
    Skip,
    /// The harness could not get an answer (timeout, DNS, connection refused where a response was needed).
    Error,
    /// A failure matched an allow-list entry.
    KnownDeviation,
    /// Passed, but the normalised responses differ from the baseline.
    Drift,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Warn => "warn",
            Verdict::Skip => "skip",
            Verdict::Error => "error",
            Verdict::KnownDeviation => "known-deviation",
            Verdict::Drift => "drift",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    Fail,
    Warn,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Fail => "fail",
            Severity::Warn => "warn",
        }
    }
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestRecord {
    pub method: String,
    pub url: String,
    /// Headers as sent, secrets redacted.
    pub headers: Vec<(String, String)>,
    /// Body as sent, secrets redacted (assertion signatures and tokens shown as short hashes).
    pub body: Option<String>,
    /// Which TLS identity was presented: `client`, `second-client`, `none`, ...
    pub tls_identity: String,
    /// The client certificate presented, if any.
    pub client_cert: Option<CertInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertInfo {
    pub subject: String,
    /// base64url(SHA-256(DER)), as in `cnf.x5t#S256`.
    pub x5t_s256: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Outcome {
    /// An HTTP response arrived.
    Response(ResponseRecord),
    /// No HTTP response: TLS refusal, reset, timeout, DNS, ...
    Transport(TransportRecord),
    /// The step did not run.
    Skipped { reason: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseRecord {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// Body as text (lossy UTF-8), secrets redacted, cut at the size cap.
    pub body: String,
    pub truncated: bool,
    pub tls: Option<TlsFacts>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransportRecord {
    /// `tls-refused`, `reset`, `timeout`, `connect`, `dns`, `too-large`, `other`.
    pub class: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsFacts {
    pub version: Option<String>,
    pub cipher_suite: Option<String>,
    pub server_cert_subject: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckStatus {
    Pass,
    Fail,
    Warn,
    Skip,
}

impl CheckStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Pass => "pass",
            CheckStatus::Fail => "fail",
            CheckStatus::Warn => "warn",
            CheckStatus::Skip => "skip",
        }
    }
}

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
