//! How discovery shapes a run: the mTLS alias receives the token requests, an unusable
//! document fails the discovery scenarios and skips the rest, an unreachable target errors,
//! and a target without a discovery URL skips the discovery scenarios.

use std::sync::Arc;

use ofp_conformance::app::mock_target;
use ofp_conformance::config::{Endpoints, Profile, Target};
use ofp_conformance::mock::{Fault, MockOptions, MockPki, MockServer};
use ofp_conformance::model::{CheckStatus, Outcome, ScenarioResult, Verdict};
use ofp_conformance::plan::Filters;
use ofp_conformance::run::RunOutcome;

fn pki() -> Arc<MockPki> {
    static PKI: std::sync::OnceLock<Arc<MockPki>> = std::sync::OnceLock::new();
    PKI.get_or_init(|| Arc::new(MockPki::generate().expect("mock pki")))
        .clone()
}

async fn start(options: MockOptions) -> MockServer {
    let _ = rustls::crypto::ring::default_provider().install_default();
    MockServer::start_with_pki(pki(), options)
        .await
        .expect("mock starts")
}

async fn run_target(target: Target) -> RunOutcome {
    ofp_conformance::app::run_catalogue(target, &Filters::default())
        .await
        .expect("catalogue")
}

fn target(server: &MockServer) -> Target {
    mock_target(server.materials(), Profile::Ofm).expect("mock target")
}

fn step_urls(r: &ScenarioResult) -> Vec<String> {
    r.steps
        .iter()
        .filter_map(|s| s.request.as_ref().map(|q| q.url.clone()))
        .collect()
}

fn result<'a>(outcome: &'a RunOutcome, id: &str) -> &'a ScenarioResult {
    outcome
        .results
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("no result for {id}"))
}

#[tokio::test]
async fn token_requests_go_to_the_mtls_alias() {
    let server = start(MockOptions {
        mtls_aliases: true,
        ..MockOptions::default()
    })
    .await;
    let m = server.materials().clone();
    let alias = m.mtls_token_endpoint.clone().expect("alias advertised");
    assert_eq!(alias, format!("{}/mtls/token", m.issuer));
    let outcome = run_target(target(&server)).await;
    server.shutdown().await;
    let resolved = outcome.resolved.as_ref().expect("resolved");
    // The report's target info shows `token_url()`.
    assert_eq!(resolved.token_url(), alias);
    assert_eq!(resolved.token_endpoint, m.token_endpoint);
    for id in ["jwt-happy", "mtls-happy", "req-grant-password"] {
        assert_eq!(step_urls(result(&outcome, id)), vec![alias.clone()], "{id}");
    }
    assert_eq!(
        step_urls(result(&outcome, "disc-jwks")),
        vec![m.discovery_url.clone(), format!("{}/jwks", m.issuer)]
    );
    // mtls-alias-routing asks the alias, then the plain token_endpoint on purpose.
    assert_eq!(
        step_urls(result(&outcome, "mtls-alias-routing")),
        vec![
            alias.clone(),
            m.token_endpoint.clone(),
            m.resource_url.clone()
        ]
    );
    let every_token_url: Vec<String> = outcome
        .results
        .iter()
        .filter(|r| r.category != "discovery" && r.id != "mtls-alias-routing")
        .flat_map(step_urls)
        .filter(|u| !u.starts_with(&m.resource_url))
        .collect();
    assert!(!every_token_url.is_empty());
    // tls-no-plaintext sends the same request over http://.
    let without_scheme = |u: &str| {
        u.split_once("://")
            .map_or(u.to_string(), |(_, r)| r.to_string())
    };
    assert!(
        every_token_url
            .iter()
            .all(|u| without_scheme(u).starts_with(&without_scheme(&alias))),
        "{every_token_url:?}"
    );
    assert!(outcome.results.iter().all(|r| r.verdict == Verdict::Pass));
}

#[tokio::test]
async fn a_certificate_required_at_the_handshake_is_a_refusal_that_passes() {
    let server = start(MockOptions {
        require_cert_at_handshake: true,
        ..MockOptions::default()
    })
    .await;
    let outcome = run_target(target(&server)).await;
    server.shutdown().await;
    for id in ["mtls-no-cert", "bind-hok-required"] {
        let r = result(&outcome, id);
        assert_eq!(r.verdict, Verdict::Pass, "{id}: {r:?}");
        assert!(
            matches!(r.steps[0].outcome, Outcome::Transport(_)),
            "{id}: expected a TLS refusal, got {:?}",
            r.steps[0].outcome
        );
    }
}

#[tokio::test]
async fn an_unusable_document_fails_discovery_and_skips_the_rest() {
    let server = start(MockOptions {
        faults: vec![Fault::DiscoveryNotJson],
        ..MockOptions::default()
    })
    .await;
    let outcome = run_target(target(&server)).await;
    server.shutdown().await;
    assert_eq!(outcome.notices.len(), 1, "{:?}", outcome.notices);
    let notice = &outcome.notices[0];
    assert!(notice.contains("did not return JSON"), "{notice}");
    for r in &outcome.results {
        if r.category == "discovery" {
            assert_ne!(r.verdict, Verdict::Pass, "{}", r.id);
            assert_ne!(r.verdict, Verdict::Skip, "{}", r.id);
            let received = r
                .steps
                .iter()
                .flat_map(|s| s.checks.iter())
                .find(|c| c.status != CheckStatus::Pass)
                .map(|c| c.actual.clone())
                .unwrap_or_default();
            assert!(
                received.contains("text/html") || received.contains("<html>"),
                "{}: {received}",
                r.id
            );
        } else {
            assert_eq!(r.verdict, Verdict::Skip, "{}", r.id);
            assert_eq!(
                r.reason.as_deref(),
                Some(format!("not run: {notice}").as_str())
            );
        }
    }
}

#[tokio::test]
async fn an_unusable_document_without_discovery_scenarios_is_an_error() {
    let server = start(MockOptions {
        faults: vec![Fault::DiscoveryNoTokenEndpoint],
        ..MockOptions::default()
    })
    .await;
    let target = target(&server);
    let only = Filters::new(&["jwt-*".to_string()], &[]).expect("filters");
    let outcome = ofp_conformance::app::run_catalogue(target, &only)
        .await
        .expect("catalogue");
    server.shutdown().await;
    assert_eq!(outcome.notices.len(), 1, "{:?}", outcome.notices);
    assert!(!outcome.results.is_empty());
    // No discovery scenario would report the bad document, so nothing passes silently.
    for r in &outcome.results {
        assert_eq!(r.verdict, Verdict::Error, "{}", r.id);
    }
}

#[tokio::test]
async fn an_unreachable_target_errors_everything() {
    let server = start(MockOptions::default()).await;
    let target = target(&server);
    server.shutdown().await;
    let outcome = run_target(target).await;
    assert_eq!(outcome.notices.len(), 1, "{:?}", outcome.notices);
    assert!(outcome.resolved.is_none());
    assert!(!outcome.results.is_empty());
    for r in &outcome.results {
        assert_eq!(r.verdict, Verdict::Error, "{}", r.id);
    }
}

#[tokio::test]
async fn without_a_discovery_url_the_discovery_scenarios_are_skipped() {
    let server = start(MockOptions::default()).await;
    let m = server.materials().clone();
    let mut target = target(&server);
    target.endpoints = Endpoints::Static {
        issuer: m.issuer.clone(),
        token_endpoint: m.token_endpoint.clone(),
    };
    let outcome = run_target(target).await;
    server.shutdown().await;
    for r in &outcome.results {
        if r.category == "discovery" {
            assert_eq!(r.verdict, Verdict::Skip, "{}", r.id);
            assert_eq!(
                r.reason.as_deref(),
                Some(
                    "needs a discovery URL (`discovery`); the target gives its endpoints directly"
                )
            );
        } else if ["jwt-aud-mtls-alias", "mtls-alias-routing"].contains(&r.id.as_str()) {
            // Only a discovery document can advertise an mTLS alias.
            assert_eq!(r.verdict, Verdict::Skip, "{}", r.id);
            assert!(
                r.reason
                    .as_deref()
                    .is_some_and(|x| x.starts_with("needs an mTLS alias")),
                "{}: {:?}",
                r.id,
                r.reason
            );
        } else {
            assert_eq!(r.verdict, Verdict::Pass, "{}: {:?}", r.id, r.reason);
        }
    }
}
