//! The run loop: resolve endpoints, execute every case step by step, judge, and emit events.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use super::discovery::{Resolved, resolve};
use super::redact::Redactor;
use super::request::{ScenarioState, build};
use super::transport::{Transport, TransportSettings};
use crate::config::{Profile, Target};
use crate::judge::{JudgeInput, judge_step, scenario_verdict};
use crate::plan::{Case, missing};
use crate::report::model::{
    CertInfo, Outcome, RequestRecord, ResponseRecord, ScenarioResult, StepResult, TransportRecord,
    Verdict,
};
use crate::scenario::{Endpoint, Expect, Scenario, Step};

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

/// Everything a run needs.
pub struct RunInput {
    pub target: Target,
    pub profile: Profile,
    pub cases: Vec<Case>,
    /// Set by Ctrl-C: finish the scenario in progress, then stop.
    pub interrupted: Arc<AtomicBool>,
}

/// The run's scenario results and notices.
pub struct RunOutcome {
    pub resolved: Option<Resolved>,
    pub notices: Vec<String>,
    pub results: Vec<ScenarioResult>,
    pub complete: bool,
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn skipped(scenario: &Scenario, reason: String, verdict: Verdict) -> ScenarioResult {
    ScenarioResult {
        id: scenario.id.clone(),
        title: scenario.title.clone(),
        category: scenario.category.clone(),
        severity: scenario.severity,
        refs: scenario.refs.clone(),
        verdict,
        reason: Some(reason),
        duration_ms: 0,
        steps: Vec::new(),
    }
}

/// Runs every case in order.
pub async fn run(input: RunInput, mut on_event: impl FnMut(RunEvent<'_>)) -> RunOutcome {
    let transport = Transport::new(
        &input.target.extra_roots,
        input.target.system_roots,
        TransportSettings {
            connect_timeout: input.target.connect_timeout,
            timeout: input.target.timeout,
        },
    );
    let redactor = Redactor::default();
    let mut notices = Vec::new();
    // With an unusable document (not JSON, no token_endpoint, ...) the discovery scenarios
    // still run against a stand-in and report what they received, and the others are
    // skipped. Unreachable means every scenario is an Error; so does an unusable document
    // when no discovery scenario runs (e.g. `--only 'jwt-*'`), as nothing would report it.
    let mut unusable = None;
    let resolved = match resolve(&input.target, &transport).await {
        Ok(r) => Some(r),
        Err(failure) => {
            notices.push(failure.reason);
            let reported = input
                .cases
                .iter()
                .any(|c| c.skip.is_none() && c.scenario.fetches_own_documents());
            if !failure.unreachable && reported {
                unusable = Some(Resolved::unusable(&input.target));
            }
            None
        }
    };
    on_event(RunEvent::Started {
        total: input.cases.len(),
        notices: &notices,
    });
    let mut results = Vec::new();
    let mut complete = true;
    for (index, case) in input.cases.iter().enumerate() {
        if input.interrupted.load(Ordering::SeqCst) {
            complete = false;
            break;
        }
        let notice = || notices.first().map_or("discovery failed", String::as_str);
        let result = match (&case.skip, &resolved) {
            (Some(reason), _) => skipped(&case.scenario, reason.clone(), Verdict::Skip),
            (None, None) => match &unusable {
                Some(stand_in) if case.scenario.fetches_own_documents() => {
                    run_scenario(&input, stand_in, &transport, &redactor, &case.scenario).await
                }
                Some(_) => skipped(
                    &case.scenario,
                    format!("not run: {}", notice()),
                    Verdict::Skip,
                ),
                None => skipped(
                    &case.scenario,
                    format!("not run: {}", notice()),
                    Verdict::Error,
                ),
            },
            (None, Some(resolved)) => {
                run_scenario(&input, resolved, &transport, &redactor, &case.scenario).await
            }
        };
        on_event(RunEvent::ScenarioFinished {
            index,
            result: &result,
        });
        results.push(result);
    }
    RunOutcome {
        resolved,
        notices,
        results,
        complete,
    }
}

async fn run_scenario(
    input: &RunInput,
    resolved: &Resolved,
    transport: &Transport,
    redactor: &Redactor,
    scenario: &Scenario,
) -> ScenarioResult {
    let started = Instant::now();
    let mut state = ScenarioState::default();
    let mut steps = Vec::new();
    for (i, step) in scenario.steps.iter().enumerate() {
        let record = run_step(
            input, resolved, transport, redactor, scenario, step, i, &mut state,
        )
        .await;
        steps.push(record);
    }
    let verdict = scenario_verdict(&steps);
    let reason = match verdict {
        Verdict::Error => steps.iter().find_map(|s| match &s.outcome {
            Outcome::Transport(t) => Some(t.message.clone()),
            _ => None,
        }),
        Verdict::Skip => steps.iter().find_map(|s| match &s.outcome {
            Outcome::Skipped { reason } => Some(reason.clone()),
            _ => None,
        }),
        _ => None,
    };
    ScenarioResult {
        id: scenario.id.clone(),
        title: scenario.title.clone(),
        category: scenario.category.clone(),
        severity: scenario.severity,
        refs: scenario.refs.clone(),
        verdict,
        reason,
        duration_ms: started.elapsed().as_millis() as u64,
        steps,
    }
}

fn step_name(step: &Step, i: usize) -> String {
    step.name
        .clone()
        .unwrap_or_else(|| format!("step {}", i + 1))
}

#[expect(
    clippy::too_many_arguments,
    reason = "one call site; a context struct would only rename them"
)]
async fn run_step(
    input: &RunInput,
    resolved: &Resolved,
    transport: &Transport,
    redactor: &Redactor,
    scenario: &Scenario,
    step: &Step,
    i: usize,
    state: &mut ScenarioState,
) -> StepResult {
    let started = Instant::now();
    let profile_override = step.profile.get(input.profile.as_str());
    let expect = profile_override
        .and_then(|o| o.expect)
        .unwrap_or(step.expect);
    let errors = profile_override
        .and_then(|o| o.errors.clone())
        .unwrap_or_else(|| step.errors.clone());
    let statuses = profile_override
        .and_then(|o| o.statuses.clone())
        .unwrap_or_else(|| step.statuses.clone());
    let skip = |reason: String, state: &mut ScenarioState| {
        state.tokens.push(None);
        state.assertions.push(None);
        StepResult {
            index: i + 1,
            name: step_name(step, i),
            expect: expect.as_str().to_string(),
            interaction_id: None,
            request: None,
            outcome: Outcome::Skipped { reason },
            checks: Vec::new(),
            snapshot: None,
            duration_ms: 0,
        }
    };
    if let Some(reason) = step
        .requires
        .iter()
        .find_map(|cap| missing(&input.target, *cap))
    {
        return skip(reason, state);
    }
    let built = match build(
        &input.target,
        resolved,
        scenario,
        step,
        i,
        state,
        now_secs(),
    ) {
        Ok(b) => b,
        Err(reason) => return skip(format!("not sent: {reason}"), state),
    };
    if let Some(a) = &built.assertion {
        redactor.add_assertion(a.expose());
    }
    let outcome = transport
        .send(
            &built.wire,
            built.cert_thumbprint.as_deref().unwrap_or("none"),
            built.tls_identity.as_ref(),
        )
        .await;
    let mut token = None;
    if let Ok(resp) = &outcome
        && let Ok(serde_json::Value::Object(map)) =
            serde_json::from_slice::<serde_json::Value>(&resp.body)
    {
        for name in ["access_token", "refresh_token", "id_token"] {
            if let Some(secret) = map.get(name).and_then(|v| v.as_str()) {
                redactor.add(secret, name);
            }
        }
        if resp.status == 200 {
            token = map
                .get("access_token")
                .and_then(|v| v.as_str())
                .map(crate::oauth::Secret::new);
        }
    }
    if step.endpoint == Endpoint::Discovery {
        state.metadata = outcome.as_ref().ok().and_then(|r| {
            serde_json::from_slice::<serde_json::Value>(&r.body)
                .ok()
                .filter(serde_json::Value::is_object)
        });
    }
    let checks = if expect == Expect::Metadata {
        metadata_checks(input, scenario, step, &outcome)
    } else {
        judge_step(&JudgeInput {
            expect,
            errors: &errors,
            statuses: &statuses,
            severity: scenario.severity,
            profile: input.profile,
            outcome: &outcome,
            cert_thumbprint: built.cert_thumbprint.as_deref(),
            requested_scope: built.requested_scope.as_deref(),
            interaction_id: built.interaction_id.as_deref(),
        })
    };
    let request = RequestRecord {
        method: built.wire.method.clone(),
        url: redactor.apply(&built.wire.url.to_string()),
        headers: built
            .wire
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), redactor.apply(v)))
            .collect(),
        body: (!built.wire.body.is_empty())
            .then(|| redactor.apply(&String::from_utf8_lossy(&built.wire.body))),
        tls_identity: built.tls_label.to_string(),
        client_cert: built
            .cert_subject
            .clone()
            .zip(built.cert_thumbprint.clone())
            .map(|(subject, x5t_s256)| CertInfo { subject, x5t_s256 }),
    };
    let outcome_record = match &outcome {
        Ok(resp) => Outcome::Response(ResponseRecord {
            status: resp.status,
            headers: resp
                .headers
                .iter()
                .map(|(k, v)| (k.clone(), redactor.apply(v)))
                .collect(),
            body: redactor.apply(&String::from_utf8_lossy(&resp.body)),
            truncated: resp.truncated,
            tls: resp.tls.clone(),
        }),
        Err(f) => Outcome::Transport(TransportRecord {
            class: f.class.to_string(),
            message: f.message.clone(),
        }),
    };
    state.tokens.push(token);
    state.assertions.push(built.assertion.clone());
    StepResult {
        index: i + 1,
        name: step_name(step, i),
        expect: expect.as_str().to_string(),
        interaction_id: built.interaction_id.clone(),
        request: Some(request),
        outcome: outcome_record,
        checks,
        snapshot: None,
        duration_ms: started.elapsed().as_millis() as u64,
    }
}

/// The discovery checks of the row named by the scenario id, on a fetched document. A
/// transport failure leaves nothing to judge (the scenario is an Error).
fn metadata_checks(
    input: &RunInput,
    scenario: &Scenario,
    step: &Step,
    outcome: &Result<super::transport::WireResponse, super::transport::TransportFailure>,
) -> Vec<crate::report::model::CheckResult> {
    use crate::judge::discovery::{Document, Fetched, MetadataInput, judge_metadata};
    let Ok(resp) = outcome else {
        return Vec::new();
    };
    let discovery_url = match &input.target.endpoints {
        crate::config::Endpoints::Discovery(url) => url.as_str(),
        crate::config::Endpoints::Static { .. } => "",
    };
    let auth_methods: Vec<&str> = {
        let mut m: Vec<&str> = input.target.clients().map(|c| c.auth.as_str()).collect();
        m.sort_unstable();
        m.dedup();
        m
    };
    judge_metadata(&MetadataInput {
        row: &scenario.id,
        document: if step.endpoint == Endpoint::Jwks {
            Document::Jwks
        } else {
            Document::Discovery
        },
        fetched: Fetched {
            status: resp.status,
            content_type: resp
                .headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
                .map(|(_, v)| v.as_str()),
            body: &resp.body,
        },
        discovery_url,
        auth_methods: &auth_methods,
        severity: scenario.severity,
        profile: input.profile,
    })
}
