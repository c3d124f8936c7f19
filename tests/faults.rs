//! The detection matrix: every fault of the mock makes exactly its scenarios fail, the strict
//! mock passes everything, and every scenario is caught by at least one fault.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use ofp_conformance::config::{Profile, Target};
use ofp_conformance::execute::{RunInput, run};
use ofp_conformance::mock::{Fault, MockOptions, MockPki, MockServer};
use ofp_conformance::plan::{Filters, plan};
use ofp_conformance::report::model::Verdict;

/// Every scenario that must not pass when the fault is on; all others must pass.
/// `ALL` means every scenario in the catalogue.
const ALL: &[&str] = &["*"];
/// Every scenario that sends a token or resource request and gets an HTTP answer: all but the
/// transport rows and the discovery rows (which fetch public metadata, with no interaction id).
const ALL_HTTP: &[&str] = &["*http"];
/// Transport rows the rustls mock always passes; the named tests prove each can fail.
const PROVEN_ELSEWHERE: &[(&str, &str)] = &[
    (
        "tls-10-refused",
        "tests/tls_probe.rs tls10_server_hello_fails_tls10_refused; tests/transport.rs",
    ),
    (
        "tls-11-refused",
        "tests/tls_probe.rs tls11_server_hello_fails_tls11_refused; tests/transport.rs",
    ),
    (
        "tls-12-bcp195-ok",
        "tests/tls_probe.rs tls12_refused_fails_bcp195_ok; tests/transport.rs",
    ),
    (
        "tls-13-supported",
        "tests/tls_probe.rs tls13_refused_warns_tls13_supported",
    ),
    (
        "tls-13-preferred",
        "tests/tls_probe.rs tls12_chosen_over_tls13_fails_tls13_preferred",
    ),
    (
        "tls12-only-recommended-suites",
        "tests/tls_probe.rs cbc_suite_accepted_fails_only_recommended_suites; tests/transport.rs",
    ),
    (
        "tls12-dhe-suites",
        "tests/tls_probe.rs dhe_suite_accepted_warns",
    ),
    (
        "tls-server-cert",
        "tests/transport.rs server_cert_from_an_untrusted_ca_fails",
    ),
    (
        "tls-no-plaintext",
        "tests/transport.rs plain_http_token_fails_no_plaintext",
    ),
];
const MATRIX: &[(&str, &[&str])] = &[
    ("accept-alg-none", &["jwt-alg-none"]),
    ("accept-rs256", &["jwt-alg-rs256"]),
    ("accept-hs256-public-key", &["jwt-alg-hmac-confusion"]),
    (
        "skip-signature-check",
        &["jwt-bad-signature", "jwt-unregistered-key"],
    ),
    ("skip-iss-check", &["jwt-wrong-iss"]),
    ("skip-sub-check", &["jwt-wrong-sub"]),
    ("skip-aud-check", &["jwt-wrong-aud"]),
    ("allow-missing-exp", &["jwt-no-exp"]),
    ("skip-exp-check", &["jwt-exp-past"]),
    (
        "skip-nbf-iat-check",
        &["jwt-nbf-future", "jwt-skew-reject-60s"],
    ),
    ("allow-missing-jti", &["jwt-no-jti"]),
    ("skip-jti-replay-check", &["jwt-jti-replay"]),
    ("skip-client-id-match", &["jwt-client-id-mismatch"]),
    // Every scenario that needs a private_key_jwt grant to succeed.
    (
        "reject-private-key-jwt",
        &[
            "jwt-happy",
            "jwt-jti-replay",
            "bind-rs-other-cert",
            "req-scope-unauthorized",
        ],
    ),
    ("reject-tls-client-auth", &["mtls-happy"]),
    ("issue-unbound-token", &["bind-hok-required"]),
    ("accept-mtls-without-cert", &["mtls-no-cert"]),
    (
        "skip-mtls-subject-match",
        &[
            "mtls-other-client-cert",
            "mtls-unregistered-cert",
            "mtls-dn-lookalike",
        ],
    ),
    (
        "skip-client-ca-check",
        &["mtls-untrusted-ca", "mtls-self-signed-for-pki"],
    ),
    ("skip-client-cert-validity", &["mtls-expired-cert"]),
    ("skip-scope-check", &["req-scope-unauthorized"]),
    ("default-grant-type", &["req-grant-missing"]),
    ("accept-password-grant", &["req-grant-password"]),
    ("accept-any-method", &["req-method"]),
    ("skip-content-type-check", &["req-content-type"]),
    ("allow-repeated-params", &["req-duplicate-param"]),
    ("skip-rs-binding-check", &["bind-rs-other-cert"]),
    // Every scenario with a granted token-endpoint step.
    (
        "omit-cache-control",
        &[
            "jwt-happy",
            "jwt-jti-replay",
            "mtls-happy",
            "bind-rs-other-cert",
        ],
    ),
    // Every token or resource request gets an HTTP answer, and the ofm profile requires the echo.
    ("no-interaction-id-echo", ALL_HTTP),
    // Every scenario whose rejection is (or may be) invalid_client. Without a client certificate
    // any 4xx is tolerated with a warning (E.hok.mtls), so mtls-no-cert warns rather than fails.
    (
        "wrong-error-status",
        &[
            "jwt-alg-hmac-confusion",
            "jwt-alg-none",
            "jwt-alg-rs256",
            "jwt-bad-signature",
            "jwt-client-id-mismatch",
            "jwt-exp-past",
            "jwt-jti-replay",
            "jwt-nbf-future",
            "jwt-no-exp",
            "jwt-no-jti",
            "jwt-skew-reject-60s",
            "jwt-unregistered-key",
            "jwt-wrong-aud",
            "jwt-wrong-iss",
            "jwt-wrong-sub",
            "mtls-no-cert",
            "mtls-other-client-cert",
            "mtls-untrusted-ca",
            "mtls-self-signed-for-pki",
            "mtls-expired-cert",
            "mtls-unregistered-cert",
            "mtls-dn-lookalike",
        ],
    ),
    // The discovery document is unusable: every discovery scenario fails with what it
    // received; every other scenario is Skipped (see `SKIPS_THE_REST`).
    (
        "discovery-not-json",
        &[
            "disc-auth-methods",
            "disc-auth-methods-weak",
            "disc-auth-signing-algs",
            "disc-fetch",
            "disc-grant-cc",
            "disc-grant-no-ropc",
            "disc-issuer-match",
            "disc-issuer-url",
            "disc-jwks",
            "disc-mtls-aliases",
            "disc-mtls-bound",
            "disc-registration-endpoint",
            "disc-schema",
            "disc-scopes-syntax",
            "disc-token-endpoint",
        ],
    ),
    ("discovery-no-token-endpoint", &["disc-token-endpoint"]),
    ("discovery-wrong-content-type", &["disc-fetch"]),
    ("discovery-issuer-mismatch", &["disc-issuer-match"]),
    (
        "discovery-issuer-not-https",
        &["disc-issuer-match", "disc-issuer-url"],
    ),
    ("discovery-schema-violation", &["disc-schema"]),
    ("discovery-missing-auth-method", &["disc-auth-methods"]),
    // A warn-severity row: the scenario warns, nothing fails (exit 0 unless --strict).
    ("discovery-weak-auth-methods", &["disc-auth-methods-weak"]),
    ("discovery-advertise-alg-none", &["disc-auth-signing-algs"]),
    ("discovery-no-bound-tokens-flag", &["disc-mtls-bound"]),
    ("discovery-no-client-credentials-grant", &["disc-grant-cc"]),
    (
        "discovery-advertise-password-grant",
        &["disc-grant-no-ropc"],
    ),
    ("discovery-bad-aliases", &["disc-mtls-aliases"]),
    (
        "discovery-http-registration-endpoint",
        &["disc-registration-endpoint"],
    ),
    ("discovery-bad-scopes", &["disc-scopes-syntax"]),
    ("jwks-private-key", &["disc-jwks"]),
    ("jwks-symmetric-key", &["disc-jwks"]),
    ("jwks-duplicate-kid", &["disc-jwks"]),
    ("jwks-small-key", &["disc-jwks"]),
];

/// Faults that leave the run without usable endpoints: besides their MATRIX row (which must
/// not pass), every scenario outside the discovery category must be Skip (not Fail or Error).
const SKIPS_THE_REST: &[&str] = &["discovery-not-json", "discovery-no-token-endpoint"];

async fn not_passing(pki: Arc<MockPki>, faults: Vec<Fault>) -> (BTreeSet<String>, usize) {
    let server = MockServer::start_with_pki(
        pki,
        MockOptions {
            faults,
            ..MockOptions::default()
        },
    )
    .await
    .expect("mock starts");
    let target = Target::from_mock(server.materials(), Profile::Ofm).expect("mock target");
    let scenarios = ofp_conformance::app::load_scenarios(None).expect("catalogue");
    let cases = plan(scenarios, &target, Profile::Ofm, &Filters::default());
    let outcome = run(
        RunInput {
            target,
            profile: Profile::Ofm,
            cases,
            interrupted: Arc::new(AtomicBool::new(false)),
        },
        |_| {},
    )
    .await;
    server.shutdown().await;
    let total = outcome.results.len();
    let bad = outcome
        .results
        .into_iter()
        .filter(|r| r.verdict != Verdict::Pass)
        .map(|r| format!("{}={}", r.id, r.verdict.as_str()))
        .collect();
    (bad, total)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_fails_exactly_its_scenarios() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let pki = Arc::new(
        tokio::task::spawn_blocking(MockPki::generate)
            .await
            .unwrap()
            .expect("PKI"),
    );
    let catalogue = ofp_conformance::app::load_scenarios(None).expect("catalogue");
    let all_ids: BTreeSet<String> = catalogue.iter().map(|s| s.id.clone()).collect();
    let discovery: BTreeSet<String> = catalogue
        .iter()
        .filter(|s| s.category == "discovery")
        .map(|s| s.id.clone())
        .collect();
    let non_discovery: BTreeSet<String> = all_ids.difference(&discovery).cloned().collect();

    // Every fault has a row, every row names a fault and known scenarios.
    let rows: BTreeMap<&str, &[&str]> = MATRIX.iter().copied().collect();
    for fault in Fault::ALL {
        assert!(
            rows.contains_key(fault.name()),
            "fault `{fault}` has no row in MATRIX"
        );
    }
    for (name, ids) in MATRIX {
        assert!(
            Fault::from_name(name).is_some(),
            "MATRIX names unknown fault `{name}`"
        );
        for id in ids.iter().filter(|id| !id.starts_with('*')) {
            assert!(
                all_ids.contains(*id),
                "MATRIX row `{name}` names unknown scenario `{id}`"
            );
        }
    }

    let (strict, total) = not_passing(pki.clone(), Vec::new()).await;
    assert!(
        strict.is_empty(),
        "the strict mock must pass everything, not: {strict:?}"
    );
    assert_eq!(total, all_ids.len());

    let mut tasks = Vec::new();
    for (name, _) in MATRIX {
        let fault = Fault::from_name(name).expect("checked above");
        let pki = pki.clone();
        tasks.push((*name, tokio::spawn(not_passing(pki, vec![fault]))));
    }
    let mut caught: BTreeSet<String> = BTreeSet::new();
    let mut mismatches = Vec::new();
    for (name, task) in tasks {
        let (bad, _) = task.await.expect("run task");
        let mut got: BTreeSet<String> = bad
            .iter()
            .map(|b| b.split('=').next().unwrap_or_default().to_string())
            .collect();
        if SKIPS_THE_REST.contains(&name) {
            let wrong: Vec<&String> = non_discovery
                .iter()
                .filter(|id| !bad.contains(&format!("{id}=skip")))
                .collect();
            if !wrong.is_empty() {
                mismatches.push(format!("{name}: expected Skip for {wrong:?}, got {bad:?}"));
            }
            got.retain(|id| !non_discovery.contains(id));
        }
        let expected: BTreeSet<String> = if rows[name] == ALL {
            all_ids.clone()
        } else if rows[name] == ALL_HTTP {
            all_ids
                .iter()
                .filter(|id| !PROVEN_ELSEWHERE.iter().any(|(p, _)| p == id))
                .filter(|id| !discovery.contains(*id))
                .cloned()
                .collect()
        } else {
            rows[name].iter().map(|s| s.to_string()).collect()
        };
        if got != expected {
            mismatches.push(format!(
                "{name}: expected not passing {expected:?}, got {bad:?}"
            ));
        }
        caught.extend(got);
    }
    assert!(
        mismatches.is_empty(),
        "fault matrix mismatches:\n{}",
        mismatches.join("\n")
    );
    let uncaught: Vec<&String> = all_ids
        .iter()
        .filter(|id| !caught.contains(*id) && !PROVEN_ELSEWHERE.iter().any(|(p, _)| p == id))
        .collect();
    assert!(
        uncaught.is_empty(),
        "scenarios no fault can make fail: {uncaught:?}"
    );
}
