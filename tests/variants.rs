//! Mock variants where the standards allow several answers (opaque or JWT access tokens, an mTLS
//! endpoint alias or not, a missing client certificate refused at the handshake or answered with
//! a 401 in JSON, a certificate required at the handshake on every path, discovery and JWKS
//! included): the whole catalogue passes against each (or skips for a stated reason), so no
//! scenario fails a server for a choice the standards leave open.

use std::sync::Arc;

use ofp_conformance::app::mock_target;
use ofp_conformance::config::Profile;
use ofp_conformance::mock::{MockOptions, MockPki, MockServer, TokenFormat};
use ofp_conformance::model::{ScenarioResult, Verdict};
use ofp_conformance::plan::Filters;
use ofp_conformance::run::RunOutcome;

async fn run_against(pki: Arc<MockPki>, options: MockOptions) -> RunOutcome {
    let server = MockServer::start_with_pki(pki, options)
        .await
        .expect("mock starts");
    let target = mock_target(server.materials(), Profile::Ofm).expect("mock target");
    let outcome = ofp_conformance::app::run_catalogue(target, &Filters::default())
        .await
        .expect("catalogue");
    server.shutdown().await;
    outcome
}

fn name(o: &MockOptions) -> String {
    format!(
        "tokens={:?} aliases={} cert-at-handshake={} cert-on-every-path={}",
        o.token_format, o.mtls_aliases, o.require_cert_at_handshake, o.require_client_cert
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_variant_passes_the_whole_catalogue() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let pki = Arc::new(
        tokio::task::spawn_blocking(MockPki::generate)
            .await
            .expect("pki task")
            .expect("PKI"),
    );
    let mut variants = Vec::new();
    for token_format in [TokenFormat::Opaque, TokenFormat::Jwt] {
        for mtls_aliases in [false, true] {
            for require_cert_at_handshake in [false, true] {
                variants.push(MockOptions {
                    token_format,
                    mtls_aliases,
                    require_cert_at_handshake,
                    ..MockOptions::default()
                });
            }
        }
    }
    // mTLS on every path: discovery and JWKS are fetched again with [client]'s certificate.
    variants.push(MockOptions {
        require_client_cert: true,
        ..MockOptions::default()
    });
    let tasks: Vec<_> = variants
        .into_iter()
        .map(|o| (name(&o), tokio::spawn(run_against(pki.clone(), o))))
        .collect();
    let mut failures = Vec::new();
    for (variant, task) in tasks {
        let outcome = task.await.expect("run task");
        let expected: Vec<&str> = if variant.ends_with("cert-on-every-path=true") {
            vec![ofp_conformance::execute::documents::NOTICE]
        } else {
            Vec::new()
        };
        assert_eq!(outcome.notices, expected, "{variant}");
        // A scenario may skip where a variant lacks what it needs (e.g. a JWT-only check on
        // opaque tokens), but never because the run itself broke down.
        let acceptable = |r: &ScenarioResult| match r.verdict {
            Verdict::Pass => true,
            Verdict::Skip => !r
                .reason
                .as_deref()
                .unwrap_or_default()
                .starts_with("not run:"),
            _ => false,
        };
        for r in outcome.results.iter().filter(|r| !acceptable(r)) {
            let detail: Vec<String> = r
                .steps
                .iter()
                .flat_map(|s| s.checks.iter())
                .filter(|c| c.status.as_str() != "pass")
                .map(|c| format!("{} {}: {}", c.id, c.status.as_str(), c.actual))
                .collect();
            failures.push(format!(
                "{variant}: {} is {} ({:?}) {detail:?}",
                r.id,
                r.verdict.as_str(),
                r.reason
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The strict mock reads FAPI 2.0 Final (and the platform's documents); under the ID2 profile
/// the one row where ID2 demands what Final forbids fails, and the ID2 "should" rows warn.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn profiles_judge_the_strict_mock_by_their_own_reading() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let server = MockServer::start(MockOptions::default())
        .await
        .expect("mock starts");
    let mut verdicts = std::collections::BTreeMap::new();
    for profile in [Profile::Fapi2Final, Profile::Fapi2Id2] {
        let target = mock_target(server.materials(), profile).expect("mock target");
        let outcome = ofp_conformance::app::run_catalogue(target, &Filters::default())
            .await
            .expect("catalogue");
        let not_passing: Vec<String> = outcome
            .results
            .iter()
            .filter(|r| r.verdict != Verdict::Pass)
            .map(|r| format!("{}={}", r.id, r.verdict.as_str()))
            .collect();
        verdicts.insert(profile.as_str(), not_passing);
    }
    server.shutdown().await;
    assert_eq!(verdicts["fapi2-final"], Vec::<String>::new());
    assert_eq!(
        verdicts["fapi2-id2"],
        vec![
            "jwt-aud-array=fail",
            "jwt-aud-single-array=warn",
            "jwt-aud-token-endpoint=warn"
        ],
    );
}
