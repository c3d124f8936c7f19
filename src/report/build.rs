//! Assembles the [`Report`] from a finished run.

use super::model::{Report, SCHEMA_NAME, SCHEMA_VERSION, TargetInfo, ToolInfo};
use crate::model::{ScenarioResult, findings, summarise};

/// Everything about a run that is not the scenario results.
pub struct RunFacts {
    pub run_id: String,
    pub target: TargetInfo,
    pub profile: String,
    pub started_at: String,
    pub finished_at: String,
    pub duration_ms: u64,
    pub complete: bool,
    pub notices: Vec<String>,
}

pub fn assemble(facts: RunFacts, scenarios: Vec<ScenarioResult>) -> Report {
    Report {
        schema: SCHEMA_NAME.to_string(),
        schema_version: SCHEMA_VERSION,
        tool: ToolInfo {
            name: "ofpc".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        },
        run_id: facts.run_id,
        target: facts.target,
        profile: facts.profile,
        started_at: facts.started_at,
        finished_at: facts.finished_at,
        duration_ms: facts.duration_ms,
        complete: facts.complete,
        summary: summarise(&scenarios),
        findings: findings(&scenarios),
        notices: facts.notices,
        run_failures: Vec::new(),
        drift: Vec::new(),
        findings_vs_baseline: None,
        scenarios,
    }
}
