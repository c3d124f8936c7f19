//! The run loop: resolve endpoints, execute every case step by step, judge each exchange, and
//! emit events. The one place where execution and judgement meet.

use std::sync::{Arc, Mutex};

use futures_util::{StreamExt, stream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use crate::config::{DocumentCert, Profile, Target};
use crate::execute::discovery::{Resolved, resolve};
use crate::execute::identities::IdentityFactory;
use crate::execute::redact::Redactor;
use crate::execute::request::ScenarioState;
use crate::execute::transport::Transport;
use crate::execute::transport::url_lite::Url;
use crate::execute::{ExchangeCtx, exchange};
use crate::judge::{JudgeInput, judge_step, scenario_verdict, server_cert_check};
use crate::model::{
    CheckResult, CheckStatus, Outcome, RunEvent, ScenarioResult, StepResult, TransportFailure,
    TransportKind, TransportRecord, Verdict, WireResponse,
};
use crate::net::{ConnectError, ProxyFailure};
use crate::plan::{Case, missing, missing_resolved};
use crate::scenario::{Endpoint, Expect, Probe, Scenario, Step};
use crate::tlsprobe::{ProbeOutcome, ProbeTarget, TransportCheck, run_check_via};

/// Everything a run needs.
pub struct RunInput {
    pub target: Target,
    pub profile: Profile,
    pub cases: Vec<Case>,
    /// Set by Ctrl-C: finish the scenarios in progress, then stop.
    pub interrupted: Arc<AtomicBool>,
    /// Scenarios run at the same time (at least 1).
    pub jobs: usize,
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

/// Runs every case, up to `input.jobs` scenarios at a time (an `exclusive` scenario alone);
/// events and results come in catalogue order whatever finishes first.
pub async fn run(input: RunInput, mut on_event: impl FnMut(RunEvent<'_>)) -> RunOutcome {
    let transport = Transport::for_target(&input.target);
    let redactor = Redactor::default();
    let identities = IdentityFactory::new(input.target.client_ca.clone());
    let mut notices = Vec::new();
    let endpoint = first_endpoint(&input.target);
    notices.extend(
        endpoint
            .as_ref()
            .and_then(|u| input.target.network.route_notice(&u.host, u.port)),
    );
    // A proxy that refuses the tunnel is one Error for the run, found before anything else.
    let proxy_refused = match &endpoint {
        Some(u) => proxy_check(&input.target, u).await,
        None => None,
    };
    notices.extend(proxy_refused.clone());
    // With an unusable document (not JSON, no token_endpoint, ...) the discovery scenarios
    // still run against a stand-in and report what they received, and the others are
    // skipped. Unreachable means every scenario is an Error; so does an unusable document
    // when no discovery scenario runs (e.g. `--only 'jwt-*'`), as nothing would report it.
    let mut unusable = None;
    let mut discovery_notice = None;
    let discovered = match proxy_refused {
        Some(_) => None,
        None => Some(resolve(&input.target, &transport).await),
    };
    let resolved = match discovered {
        None => None,
        Some(Ok(r)) => {
            if r.documents_with_cert && input.target.discovery_client_cert == DocumentCert::Auto {
                notices.push(crate::execute::documents::NOTICE.to_string());
            }
            Some(r)
        }
        Some(Err(failure)) => {
            discovery_notice = Some(failure.reason.clone());
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
    let shared = Shared {
        input: &input,
        transport: &transport,
        redactor: &redactor,
        identities: &identities,
        resolved: resolved.as_ref(),
        unusable: unusable.as_ref(),
        discovery_notice: discovery_notice.as_deref(),
        proxy_refused: Mutex::new(proxy_refused.is_some()),
    };
    let jobs = input.jobs.max(1);
    let mut results = Vec::new();
    let mut complete = true;
    'batches: for batch in batches(&input.cases) {
        let width = if batch.len() == 1 { 1 } else { jobs };
        // Built up front (futures do nothing until polled): a closure in `map` would trip
        // the compiler's Send check for callers that spawn the run.
        let pending: Vec<_> = batch
            .into_iter()
            .map(|(index, case)| shared.case(index, case))
            .collect();
        let mut finished = stream::iter(pending).buffered(width);
        while let Some(done) = finished.next().await {
            let Some((index, result)) = done else {
                complete = false;
                break 'batches;
            };
            on_event(RunEvent::ScenarioFinished {
                index,
                result: &result,
            });
            results.push(result);
        }
    }
    RunOutcome {
        resolved,
        notices,
        results,
        complete,
    }
}

/// The cases in runs that may overlap, each `exclusive` scenario a run of its own.
fn batches(cases: &[Case]) -> Vec<Vec<(usize, &Case)>> {
    let mut out: Vec<Vec<(usize, &Case)>> = Vec::new();
    let mut open = false;
    for (index, case) in cases.iter().enumerate() {
        if case.scenario.exclusive {
            out.push(vec![(index, case)]);
            open = false;
        } else if open {
            out.last_mut().expect("an open batch").push((index, case));
        } else {
            out.push(vec![(index, case)]);
            open = true;
        }
    }
    out
}

/// The first URL the run fetches: discovery, or the static token endpoint.
fn first_endpoint(target: &Target) -> Option<Url> {
    let url = match &target.endpoints {
        crate::config::Endpoints::Discovery(url) => url,
        crate::config::Endpoints::Static { token_endpoint, .. } => token_endpoint,
    };
    Url::parse(url).ok()
}

/// Opens one tunnel to `url`'s host when a proxy applies; the proxy's refusal, with a hint.
async fn proxy_check(target: &Target, url: &Url) -> Option<String> {
    target.network.route_notice(&url.host, url.port)?;
    match target
        .network
        .connect(&url.host, url.port, target.connect_timeout)
        .await
    {
        Err(e) if e.is_proxy() => Some(proxy_refusal(&e)),
        _ => None,
    }
}

/// The run-level notice for a proxy failure: what happened and how to fix it (chosen by the
/// failure's type, never its text).
fn proxy_refusal(e: &ConnectError) -> String {
    let hint = match e {
        ConnectError::Proxy {
            failure: ProxyFailure::Status(407),
            ..
        } => "put the proxy's credentials in its URL (http://user:password@host:port)",
        _ => "check the proxy setting, or exempt the target with NO_PROXY",
    };
    format!("{e}; nothing was sent to the target (hint: {hint})")
}

/// The reason of every scenario a refusing proxy kept from running.
const NOT_RUN_PROXY: &str = "not run: the proxy refused the connection (see the notice)";

/// What every case of a run shares, for cases running at the same time.
struct Shared<'a> {
    input: &'a RunInput,
    transport: &'a Transport,
    redactor: &'a Redactor,
    identities: &'a IdentityFactory,
    resolved: Option<&'a Resolved>,
    unusable: Option<&'a Resolved>,
    discovery_notice: Option<&'a str>,
    /// Set when our proxy refused a tunnel: the rest of the run is not sent.
    proxy_refused: Mutex<bool>,
}

impl Shared<'_> {
    /// One case's result, or `None` when Ctrl-C came before it started.
    async fn case(&self, index: usize, case: &Case) -> Option<(usize, ScenarioResult)> {
        if self.input.interrupted.load(Ordering::SeqCst) {
            return None;
        }
        let refused = *self.proxy_refused.lock().unwrap_or_else(|p| p.into_inner());
        if refused && case.skip.is_none() {
            let reason = NOT_RUN_PROXY.to_string();
            return Some((index, skipped(&case.scenario, reason, Verdict::Error)));
        }
        let notice = || self.discovery_notice.unwrap_or("discovery failed");
        // A target that stopped answering: the rest of the run is an Error without waiting.
        let not_answering = self.transport.liveness().any_dead();
        let ctx = |resolved| Ctx {
            input: self.input,
            exchange: ExchangeCtx {
                target: &self.input.target,
                resolved,
                transport: self.transport,
                redactor: self.redactor,
                identities: self.identities,
            },
        };
        let result = match (&case.skip, self.resolved) {
            (Some(reason), _) => skipped(&case.scenario, reason.clone(), Verdict::Skip),
            (None, _) if not_answering.is_some() => skipped(
                &case.scenario,
                not_answering.clone().unwrap_or_default(),
                Verdict::Error,
            ),
            (None, None) => match self.unusable {
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
        // A proxy that refuses later in the run (it was fine at the start): what is not
        // started yet is not sent.
        if result.steps.iter().any(|s| {
            matches!(&s.outcome, Outcome::Transport(t) if t.class == TransportKind::Proxy.class())
        }) {
            *self.proxy_refused.lock().unwrap_or_else(|p| p.into_inner()) = true;
        }
        Some((index, result))
    }
}

/// What every step of a run shares.
struct Ctx<'a> {
    input: &'a RunInput,
    exchange: ExchangeCtx<'a>,
}

async fn run_scenario(ctx: &Ctx<'_>, scenario: &Scenario) -> ScenarioResult {
    let started = Instant::now();
    let mut state = ScenarioState::default();
    let mut steps = Vec::new();
    for (i, step) in scenario.steps.iter().enumerate() {
        let record = match step.probe {
            Some(probe) => probe_step(ctx, scenario, step, i, probe, &mut state).await,
            None => run_step(ctx, scenario, step, i, &mut state).await.0,
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

/// A step's result, and the raw outcome it was judged on (None when nothing was sent).
async fn run_step(
    ctx: &Ctx<'_>,
    scenario: &Scenario,
    step: &Step,
    i: usize,
    state: &mut ScenarioState,
) -> (StepResult, Option<Result<WireResponse, TransportFailure>>) {
    let input = ctx.input;
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
        let result = StepResult {
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
        };
        (result, None)
    };
    if let Some(reason) = step.requires.iter().find_map(|cap| {
        missing(&input.target, *cap).or_else(|| {
            missing_resolved(ctx.exchange.resolved.mtls_token_endpoint.as_deref(), *cap)
        })
    }) {
        return skip(reason, state);
    }
    let sent = match exchange(&ctx.exchange, scenario, step, state, now_secs()).await {
        Ok(sent) => sent,
        Err(reason) => {
            // A request the harness could not build or sign: an Error, never a Skip.
            let (mut result, _) = skip(String::new(), state);
            result.outcome =
                Outcome::Transport(TransportFailure::new(TransportKind::NotSent, reason).record());
            return (result, None);
        }
    };
    let checks = if expect == Expect::Metadata {
        metadata_checks(input, scenario, step, &sent.outcome)
    } else {
        judge_step(&JudgeInput {
            expect,
            errors: &errors,
            statuses: &statuses,
            severity: profile_override
                .and_then(|o| o.severity)
                .unwrap_or(scenario.severity),
            profile: input.profile,
            outcome: &sent.outcome,
            cert_thumbprint: sent.built.cert_thumbprint.as_deref(),
            requested_scope: sent.built.requested_scope.as_deref(),
            interaction_id: sent.built.interaction_id.as_deref(),
            earlier_tokens: &state.tokens,
            authorization_sent: sent.authorization_sent(),
        })
    };
    state.tokens.push(sent.token);
    state.assertions.push(sent.built.assertion.clone());
    let result = StepResult {
        index: i + 1,
        name: step_name(step, i),
        expect: expect.as_str().to_string(),
        interaction_id: sent.built.interaction_id.clone(),
        request: Some(sent.request),
        outcome: sent.record,
        checks,
        snapshot: None,
        duration_ms: started.elapsed().as_millis() as u64,
        probes: Vec::new(),
    };
    (result, Some(sent.outcome))
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
    let urls = token_authorities(ctx.exchange.resolved);
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
        ctx.exchange.transport.pace().await;
        let out = run_check_via(
            &ctx.input.target.network,
            check,
            &target,
            ctx.input.target.timeout,
        )
        .await;
        let at = target.authority();
        let liveness = ctx.exchange.transport.liveness();
        for p in &out.probes {
            liveness.record(&at, p.outcome == ProbeOutcome::Timeout);
        }
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
    let (mut result, outcome) = run_step(ctx, scenario, step, i, state).await;
    let resolved = ctx.exchange.resolved;
    let at = |url: &str| {
        Url::parse(url)
            .map(|u| format!("{}:{}", u.host, u.port))
            .unwrap_or_default()
    };
    let mut checks: Vec<CheckResult> = Vec::new();
    checks.extend(
        outcome
            .as_ref()
            .and_then(|o| server_cert_check(o, &at(resolved.token_url()))),
    );
    if let Some(alias) = &resolved.mtls_token_endpoint {
        let plain = &resolved.token_endpoint;
        if at(alias) != at(plain) {
            let mut other_step = step.clone();
            other_step.endpoint = Endpoint::TokenEndpoint;
            let mut scratch = ScenarioState::default();
            let (_, other) = run_step(ctx, scenario, &other_step, i, &mut scratch).await;
            checks.extend(
                other
                    .as_ref()
                    .and_then(|o| server_cert_check(o, &at(plain))),
            );
        }
    }
    // Only the certificate check decides: the request is a carrier.
    result.checks = checks;
    result
}

/// The discovery checks of the scenario's `metadata_check`, on a fetched document. A
/// transport failure leaves nothing to judge (the scenario is an Error).
fn metadata_checks(
    input: &RunInput,
    scenario: &Scenario,
    step: &Step,
    outcome: &Result<WireResponse, TransportFailure>,
) -> Vec<CheckResult> {
    use crate::judge::discovery::{Document, Fetched, MetadataInput, judge_metadata};
    let (Ok(resp), Some(row)) = (outcome, scenario.metadata_check) else {
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
        row,
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
