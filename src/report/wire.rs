//! The report's wire schema: the types `report.json` is written and read as, apart from the
//! in-memory model (as ripgrep keeps its JSON wire types apart from its printer's). The model
//! may change without breaking readers: a change here is a schema change, and bumps
//! [`SCHEMA_VERSION`](super::model::SCHEMA_VERSION) with a note in the README.

use serde::{Deserialize, Serialize};

use super::model as m;

/// `report.json`, schema version 2.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    pub schema: String,
    pub schema_version: u32,
    pub tool: m::ToolInfo,
    pub run_id: String,
    pub target: m::TargetInfo,
    pub profile: String,
    pub started_at: String,
    pub finished_at: String,
    pub duration_ms: u64,
    pub complete: bool,
    pub summary: Summary,
    pub findings: Vec<Finding>,
    pub notices: Vec<String>,
    #[serde(default)]
    pub run_failures: Vec<String>,
    #[serde(default)]
    pub drift: Vec<m::ScenarioDrift>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub findings_vs_baseline: Option<m::FindingsChange>,
    pub scenarios: Vec<Scenario>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    pub check: String,
    pub title: String,
    pub severity: m::Severity,
    pub expected: Vec<String>,
    pub actual: Vec<String>,
    pub places: Vec<Place>,
    pub refs: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Place {
    pub scenario: String,
    pub steps: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub id: String,
    pub title: String,
    pub category: String,
    pub severity: m::Severity,
    pub refs: Vec<String>,
    pub verdict: m::Verdict,
    pub reason: Option<String>,
    pub duration_ms: u64,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub index: usize,
    pub name: String,
    pub expect: String,
    pub interaction_id: Option<String>,
    pub request: Option<Request>,
    pub outcome: Outcome,
    pub checks: Vec<Check>,
    pub snapshot: Option<serde_json::Value>,
    pub duration_ms: u64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub probes: Vec<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    pub id: String,
    pub title: String,
    pub severity: m::Severity,
    pub status: m::CheckStatus,
    pub expected: String,
    pub actual: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
    pub tls_identity: String,
    pub client_cert: Option<Cert>,
    /// Each time the request was sent again after a 429 or 503 with `Retry-After`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retries: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cert {
    pub subject: String,
    pub x5t_s256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Outcome {
    Response(Response),
    Transport { class: String, message: String },
    Skipped { reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub truncated: bool,
    pub tls: Option<Tls>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tls {
    pub version: Option<String>,
    pub cipher_suite: Option<String>,
    pub server_cert_subject: Option<String>,
}

impl From<&m::Report> for Report {
    fn from(r: &m::Report) -> Report {
        let s = &r.summary;
        Report {
            schema: r.schema.clone(),
            schema_version: r.schema_version,
            tool: r.tool.clone(),
            run_id: r.run_id.clone(),
            target: r.target.clone(),
            profile: r.profile.clone(),
            started_at: r.started_at.clone(),
            finished_at: r.finished_at.clone(),
            duration_ms: r.duration_ms,
            complete: r.complete,
            summary: Summary {
                total: s.total,
                passed: s.passed,
                failed: s.failed,
                warned: s.warned,
                skipped: s.skipped,
                errored: s.errored,
                known_deviations: s.known_deviations,
                drifted: s.drifted,
            },
            findings: r
                .findings
                .iter()
                .map(|f| Finding {
                    check: f.check.clone(),
                    title: f.title.clone(),
                    severity: f.severity,
                    expected: f.expected.clone(),
                    actual: f.actual.clone(),
                    places: f
                        .places
                        .iter()
                        .map(|p| Place {
                            scenario: p.scenario.clone(),
                            steps: p.steps.clone(),
                        })
                        .collect(),
                    refs: f.refs.clone(),
                })
                .collect(),
            notices: r.notices.clone(),
            run_failures: r.run_failures.clone(),
            drift: r.drift.clone(),
            findings_vs_baseline: r.findings_vs_baseline.clone(),
            scenarios: r.scenarios.iter().map(Scenario::from).collect(),
        }
    }
}

impl From<&m::ScenarioResult> for Scenario {
    fn from(s: &m::ScenarioResult) -> Scenario {
        Scenario {
            id: s.id.clone(),
            title: s.title.clone(),
            category: s.category.clone(),
            severity: s.severity,
            refs: s.refs.clone(),
            verdict: s.verdict,
            reason: s.reason.clone(),
            duration_ms: s.duration_ms,
            steps: s
                .steps
                .iter()
                .map(|st| Step {
                    index: st.index,
                    name: st.name.clone(),
                    expect: st.expect.clone(),
                    interaction_id: st.interaction_id.clone(),
                    request: st.request.as_ref().map(|q| Request {
                        method: q.method.clone(),
                        url: q.url.clone(),
                        headers: q.headers.clone(),
                        body: q.body.clone(),
                        tls_identity: q.tls_identity.clone(),
                        client_cert: q.client_cert.as_ref().map(|c| Cert {
                            subject: c.subject.clone(),
                            x5t_s256: c.x5t_s256.clone(),
                        }),
                        retries: q.retries.clone(),
                    }),
                    outcome: match &st.outcome {
                        m::Outcome::Response(r) => Outcome::Response(Response {
                            status: r.status,
                            headers: r.headers.clone(),
                            body: r.body.clone(),
                            truncated: r.truncated,
                            tls: r.tls.as_ref().map(|t| Tls {
                                version: t.version.clone(),
                                cipher_suite: t.cipher_suite.clone(),
                                server_cert_subject: t.server_cert_subject.clone(),
                            }),
                        }),
                        m::Outcome::Transport(t) => Outcome::Transport {
                            class: t.class.clone(),
                            message: t.message.clone(),
                        },
                        m::Outcome::Skipped { reason } => Outcome::Skipped {
                            reason: reason.clone(),
                        },
                    },
                    checks: st
                        .checks
                        .iter()
                        .map(|c| Check {
                            id: c.id.clone(),
                            title: c.title.clone(),
                            severity: c.severity,
                            status: c.status,
                            expected: c.expected.clone(),
                            actual: c.actual.clone(),
                        })
                        .collect(),
                    snapshot: st.snapshot.clone(),
                    duration_ms: st.duration_ms,
                    probes: st.probes.clone(),
                })
                .collect(),
        }
    }
}

impl From<Report> for m::Report {
    fn from(r: Report) -> m::Report {
        let s = r.summary;
        m::Report {
            schema: r.schema,
            schema_version: r.schema_version,
            tool: r.tool,
            run_id: r.run_id,
            target: r.target,
            profile: r.profile,
            started_at: r.started_at,
            finished_at: r.finished_at,
            duration_ms: r.duration_ms,
            complete: r.complete,
            summary: m::Summary {
                total: s.total,
                passed: s.passed,
                failed: s.failed,
                warned: s.warned,
                skipped: s.skipped,
                errored: s.errored,
                known_deviations: s.known_deviations,
                drifted: s.drifted,
            },
            findings: r
                .findings
                .into_iter()
                .map(|f| m::Finding {
                    check: f.check,
                    title: f.title,
                    severity: f.severity,
                    expected: f.expected,
                    actual: f.actual,
                    places: f
                        .places
                        .into_iter()
                        .map(|p| m::Place {
                            scenario: p.scenario,
                            steps: p.steps,
                        })
                        .collect(),
                    refs: f.refs,
                })
                .collect(),
            notices: r.notices,
            run_failures: r.run_failures,
            drift: r.drift,
            findings_vs_baseline: r.findings_vs_baseline,
            scenarios: r
                .scenarios
                .into_iter()
                .map(m::ScenarioResult::from)
                .collect(),
        }
    }
}

impl From<Scenario> for m::ScenarioResult {
    fn from(s: Scenario) -> m::ScenarioResult {
        m::ScenarioResult {
            id: s.id,
            title: s.title,
            category: s.category,
            severity: s.severity,
            refs: s.refs,
            verdict: s.verdict,
            reason: s.reason,
            duration_ms: s.duration_ms,
            steps: s
                .steps
                .into_iter()
                .map(|st| m::StepResult {
                    index: st.index,
                    name: st.name,
                    expect: st.expect,
                    interaction_id: st.interaction_id,
                    request: st.request.map(|q| m::RequestRecord {
                        method: q.method,
                        url: q.url,
                        headers: q.headers,
                        body: q.body,
                        tls_identity: q.tls_identity,
                        client_cert: q.client_cert.map(|c| m::CertInfo {
                            subject: c.subject,
                            x5t_s256: c.x5t_s256,
                        }),
                        retries: q.retries,
                    }),
                    outcome: match st.outcome {
                        Outcome::Response(r) => m::Outcome::Response(m::ResponseRecord {
                            status: r.status,
                            headers: r.headers,
                            body: r.body,
                            truncated: r.truncated,
                            tls: r.tls.map(|t| m::TlsFacts {
                                version: t.version,
                                cipher_suite: t.cipher_suite,
                                server_cert_subject: t.server_cert_subject,
                            }),
                        }),
                        Outcome::Transport { class, message } => {
                            m::Outcome::Transport(m::TransportRecord { class, message })
                        }
                        Outcome::Skipped { reason } => m::Outcome::Skipped { reason },
                    },
                    checks: st
                        .checks
                        .into_iter()
                        .map(|c| m::CheckResult {
                            id: c.id,
                            title: c.title,
                            severity: c.severity,
                            status: c.status,
                            expected: c.expected,
                            actual: c.actual,
                        })
                        .collect(),
                    snapshot: st.snapshot,
                    duration_ms: st.duration_ms,
                    probes: st.probes,
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_round_trips_through_the_wire_types() {
        let model = crate::report::sample_report();
        let wire = Report::from(&model);
        let text = serde_json::to_string(&wire).unwrap();
        let back: Report = serde_json::from_str(&text).unwrap();
        assert_eq!(m::Report::from(back), model);
        // The same bytes as the model's own serialisation: schema 2 is what the model was.
        assert_eq!(text, serde_json::to_string(&model).unwrap());
    }
}
