//! The run loop: resolve endpoints, execute every case step by step, judge, and emit events.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use super::discovery::{Resolved, resolve};
use super::identities::IdentityFactory;
use super::redact::Redactor;
use super::request::{ScenarioState, build, client_for};
use super::transport::url_lite::Url;
use super::transport::{Transport, TransportSettings};
use crate::config::{Profile, Target};
use crate::judge::{JudgeInput, judge_step, scenario_verdict};
use crate::plan::{Case, missing, missing_resolved};
use crate::report::model::{
    CertInfo, Outcome, RequestRecord, ResponseRecord, ScenarioResult, StepResult, TransportRecord,
    Verdict,
};
use crate::report::model::{CheckResult, CheckStatus, Severity};
use crate::scenario::{Endpoint, Expect, Identity, Probe, Scenario, Step};
use crate::tlsprobe::{ProbeTarget, TransportCheck, run_check};

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

/// A scenario's result: its identity from the file, the rest from the run.
fn result_of(
    scenario: &Scenario,
    verdict: Verdict,
    reason: Option<String>,
    duration_ms: u64,
    steps: Vec<StepResult>,
) -> ScenarioResult {
    ScenarioResult {
        id: scenario.id.clone(),
        title: scenario.title.clone(),
        category: scenario.category.clone(),
        severity: scenario.severity,
        refs: scenario.refs.clone(),
        verdict,
        reason,
        duration_ms,
        steps,
    }
}

fn skipped(scenario: &Scenario, reason: String, verdict: Verdict) -> ScenarioResult {
    result_of(scenario, verdict, Some(reason), 0, Vec::new())
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
    let identities = IdentityFactory::new(input.target.client_ca.clone());
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
        let ctx = |resolved| Ctx {
            input: &input,
            resolved,
            transport: &transport,
            redactor: &redactor,
            identities: &identities,
        };
        let result = match (&case.skip, &resolved) {
            (Some(reason), _) => skipped(&case.scenario, reason.clone(), Verdict::Skip),
            (None, None) => match &unusable {
                Some(stand_in) if case.scenario.fetches_own_documents() => {
                    run_scenario(&ctx(stand_in), &case.scenario).await
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
            (None, Some(resolved)) => match case
                .scenario
                .requires
                .iter()
                .find_map(|cap| missing_resolved(resolved.mtls_token_endpoint.as_deref(), *cap))
            {
                Some(reason) => skipped(&case.scenario, reason, Verdict::Skip),
                None => run_scenario(&ctx(resolved), &case.scenario).await,
            },
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

/// What every step of a run shares.
struct Ctx<'a> {
    input: &'a RunInput,
    resolved: &'a Resolved,
    transport: &'a Transport,
    redactor: &'a Redactor,
    identities: &'a IdentityFactory,
}

async fn run_scenario(ctx: &Ctx<'_>, scenario: &Scenario) -> ScenarioResult {
    let started = Instant::now();
    let mut state = ScenarioState::default();
    let mut steps = Vec::new();
    for (i, step) in scenario.steps.iter().enumerate() {
        let record = match step.probe {
            Some(probe) => probe_step(ctx, scenario, step, i, probe, &mut state).await,
            None => run_step(ctx, scenario, step, i, &mut state).await,
        };
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
    result_of(
        scenario,
        verdict,
        reason,
        started.elapsed().as_millis() as u64,
        steps,
    )
}

fn step_name(step: &Step, i: usize) -> String {
    step.name
        .clone()
        .unwrap_or_else(|| format!("step {}", i + 1))
}

async fn run_step(
    ctx: &Ctx<'_>,
    scenario: &Scenario,
    step: &Step,
    i: usize,
    state: &mut ScenarioState,
) -> StepResult {
    let Ctx {
        input,
        resolved,
        transport,
        redactor,
        identities,
    } = *ctx;
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
            probes: Vec::new(),
        }
    };
    if let Some(reason) = step.requires.iter().find_map(|cap| {
        missing(&input.target, *cap)
            .or_else(|| missing_resolved(resolved.mtls_token_endpoint.as_deref(), *cap))
    }) {
        return skip(reason, state);
    }
    let mut built = match build(&input.target, resolved, scenario, step, state, now_secs()) {
        Ok(b) => b,
        Err(reason) => return skip(format!("not sent: {reason}"), state),
    };
    let tls_role = step.tls.unwrap_or(step.client);
    if tls_role.is_generated() {
        let registered = client_for(&input.target, scenario, Identity::Client)
            .and_then(|c| c.identity.cert.first())
            .map(|c| c.as_ref().to_vec());
        let generated = registered
            .ok_or_else(|| "the target has no registered certificate to copy".to_string())
            .and_then(|der| identities.get(tls_role, &der));
        match generated {
            Ok(g) => {
                built.tls_identity = Some(g.identity.clone());
                built.cert_subject = Some(g.subject.clone());
                built.cert_thumbprint = Some(g.x5t_s256.clone());
            }
            Err(reason) => return skip(format!("not sent: {reason}"), state),
        }
    }
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
            severity: profile_override
                .and_then(|o| o.severity)
                .unwrap_or(scenario.severity),
            profile: input.profile,
            outcome: &outcome,
            cert_thumbprint: built.cert_thumbprint.as_deref(),
            requested_scope: built.requested_scope.as_deref(),
            interaction_id: built.interaction_id.as_deref(),
            earlier_tokens: &state.tokens,
            authorization_sent: built.wire.headers.iter().any(|(k, _)| k == "authorization"),
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
        probes: Vec::new(),
    }
}

fn transport_check(probe: Probe) -> Option<TransportCheck> {
    Some(match probe {
        Probe::Tls10Refused => TransportCheck::Tls10Refused,
        Probe::Tls11Refused => TransportCheck::Tls11Refused,
        Probe::Tls12Bcp195Ok => TransportCheck::Tls12Bcp195Ok,
        Probe::Tls13Supported => TransportCheck::Tls13Supported,
        Probe::Tls13Preferred => TransportCheck::Tls13Preferred,
        Probe::Tls12OnlyRecommendedSuites => TransportCheck::Tls12OnlyRecommendedSuites,
        Probe::Tls12DheSuites => TransportCheck::Tls12DheSuites,
        Probe::ServerCert => return None,
    })
}

/// The token endpoint's `host:port`, and the mTLS alias's when it differs.
fn token_authorities(resolved: &Resolved) -> Vec<Url> {
    let mut urls: Vec<Url> = Vec::new();
    for url in [
        Some(resolved.token_endpoint.as_str()),
        resolved.mtls_token_endpoint.as_deref(),
    ]
    .into_iter()
    .flatten()
    {
        if let Ok(u) = Url::parse(url)
            && !urls.iter().any(|o| o.host == u.host && o.port == u.port)
        {
            urls.push(u);
        }
    }
    urls
}

/// A step with `probe`: a raw-ClientHello transport row (against the token endpoint and a
/// distinct alias), or the server-certificate check.
async fn probe_step(
    ctx: &Ctx<'_>,
    scenario: &Scenario,
    step: &Step,
    i: usize,
    probe: Probe,
    state: &mut ScenarioState,
) -> StepResult {
    let Some(check) = transport_check(probe) else {
        return server_cert_step(ctx, scenario, step, i, state).await;
    };
    let started = Instant::now();
    state.tokens.push(None);
    state.assertions.push(None);
    let urls = token_authorities(ctx.resolved);
    let several = urls.len() > 1;
    let mut checks = Vec::new();
    let mut probes = Vec::new();
    let mut errors = Vec::new();
    let mut answers = Vec::new();
    for url in &urls {
        let target = ProbeTarget {
            host: url.host.clone(),
            port: url.port,
            sni: None,
        };
        let out = run_check(check, &target, ctx.input.target.timeout).await;
        let at = target.authority();
        for mut c in out.checks {
            if several {
                c.title = format!("{} at {at}", c.title);
            }
            checks.push(c);
        }
        for p in &out.probes {
            answers.push(format!("{at} {}: {}", p.label, p.answer));
            probes.push(serde_json::to_value(p).unwrap_or(serde_json::Value::Null));
        }
        if let Some(e) = out.error {
            errors.push(format!("{at}: {e}"));
        }
    }
    let failed = checks.iter().any(|c| c.status == CheckStatus::Fail);
    let outcome = if !errors.is_empty() && !failed {
        // An answer that cannot be judged: Error, naming what was received.
        checks.clear();
        Outcome::Transport(TransportRecord {
            class: "probe-error".into(),
            message: errors.join("; "),
        })
    } else {
        let mut message = answers.join("; ");
        if !errors.is_empty() {
            message.push_str(&format!("; unjudged: {}", errors.join("; ")));
        }
        Outcome::Transport(TransportRecord {
            class: "probe".into(),
            message,
        })
    };
    let _ = scenario;
    StepResult {
        index: i + 1,
        name: step_name(step, i),
        expect: Expect::ProbeChecks.as_str().to_string(),
        interaction_id: None,
        request: None,
        outcome,
        checks,
        snapshot: None,
        duration_ms: started.elapsed().as_millis() as u64,
        probes,
    }
}

/// tls-server-cert: the step's request over a handshake that validates the server's chain and
/// name against the trusted roots (system roots plus the target's `ca`); then the same to the
/// metadata's `token_endpoint` when the alias is on another host:port.
async fn server_cert_step(
    ctx: &Ctx<'_>,
    scenario: &Scenario,
    step: &Step,
    i: usize,
    state: &mut ScenarioState,
) -> StepResult {
    let mut result = run_step(ctx, scenario, step, i, state).await;
    let title = "The server certificate chains to a trusted root and matches the host name";
    let expected = "a chain to a trusted root (system roots plus the target's `ca`) for the host name (RFC 9525)";
    let mut checks = Vec::new();
    let judge = |outcome: &Outcome, at: &str, checks: &mut Vec<CheckResult>| {
        let (ok, actual) = match outcome {
            Outcome::Response(r) => (
                true,
                match &r.tls {
                    Some(t) => format!(
                        "{at}: valid; server certificate {}, {} {}",
                        t.server_cert_subject.as_deref().unwrap_or("(no subject)"),
                        t.version.as_deref().unwrap_or("?"),
                        t.cipher_suite.as_deref().unwrap_or("?")
                    ),
                    None => format!("{at}: valid"),
                },
            ),
            Outcome::Transport(t) if t.class == "tls-server-cert" => {
                (false, format!("{at}: {}", t.message))
            }
            // A refusal after the server's certificate was accepted (e.g. a missing client
            // certificate under TLS 1.2) still proves the chain and name.
            Outcome::Transport(t) if t.class == "tls-refused" && t.message.contains("alert") => {
                (true, format!("{at}: valid (then {})", t.message))
            }
            _ => return,
        };
        checks.push(CheckResult {
            id: "tls-server-cert".into(),
            title: title.into(),
            severity: Severity::Fail,
            status: if ok {
                CheckStatus::Pass
            } else {
                CheckStatus::Fail
            },
            expected: expected.into(),
            actual,
        });
    };
    let at = |url: &str| {
        Url::parse(url)
            .map(|u| format!("{}:{}", u.host, u.port))
            .unwrap_or_default()
    };
    judge(&result.outcome, &at(ctx.resolved.token_url()), &mut checks);
    if let Some(alias) = &ctx.resolved.mtls_token_endpoint {
        let plain = &ctx.resolved.token_endpoint;
        if at(alias) != at(plain) {
            let mut other_step = step.clone();
            other_step.endpoint = crate::scenario::Endpoint::TokenEndpoint;
            let mut scratch = ScenarioState::default();
            let other = run_step(ctx, scenario, &other_step, i, &mut scratch).await;
            judge(&other.outcome, &at(plain), &mut checks);
        }
    }
    // Only the certificate check decides: the request is a carrier.
    result.checks = checks;
    result
}

/// The discovery checks of the row named by the scenario id, on a fetched document. A
/// transport failure leaves nothing to judge (the scenario is an Error).
fn metadata_checks(
    input: &RunInput,
    scenario: &Scenario,
    step: &Step,
    outcome: &Result<super::transport::WireResponse, super::transport::TransportFailure>,
) -> Vec<CheckResult> {
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
