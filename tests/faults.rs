//! The detection matrix: every fault of the mock makes exactly its scenarios fail, the strict
//! mock passes everything, and every scenario is caught by at least one fault.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use ofp_conformance::app::exit_code;
use ofp_conformance::app::mock_target;
use ofp_conformance::config::Profile;
use ofp_conformance::mock::{Fault, MockOptions, MockPki, MockServer};
use ofp_conformance::model::{CheckStatus, Verdict};
use ofp_conformance::plan::Filters;
use ofp_conformance::report::build::{RunFacts as ReportFacts, assemble};
use ofp_conformance::report::model::TargetInfo;

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
/// Every scenario with a granted token-endpoint step (the response checks run there).
const GRANTED: &[&str] = &[
    "bind-at-unique",
    "bind-rs-no-cert",
    "bind-rs-other-cert",
    "bind-rs-scheme-case",
    "bind-rs-token-in-query",
    "jwt-client-id-omitted",
    "jwt-happy",
    "jwt-iat-stale",
    "jwt-jti-replay",
    "jwt-skew-accept-10s",
    "jwt-typ",
    "mtls-alias-routing",
    "mtls-happy",
    "req-empty-param",
    "req-scope-omitted",
    "req-unknown-param",
];
/// Every scenario with an RFC 6749 §5.2 error answer (the error checks run there).
const ERROR_ANSWERS: &[&str] = &[
    "bind-hok-required",
    "jwt-alg-hmac-confusion",
    "jwt-alg-none",
    "jwt-alg-nonfapi",
    "jwt-alg-rs256",
    "jwt-assertion-malformed",
    "jwt-assertion-type-bad",
    "jwt-aud-array",
    "jwt-aud-lookalike",
    "jwt-aud-mtls-alias",
    "jwt-aud-single-array",
    "jwt-aud-token-endpoint",
    "jwt-bad-signature",
    "jwt-client-id-mismatch",
    "jwt-client-secret",
    "jwt-crit-unknown",
    "jwt-cross-client-key",
    "jwt-embedded-key",
    "jwt-exp-far-future",
    "jwt-exp-past",
    "jwt-jti-replay",
    "jwt-missing-assertion",
    "jwt-nbf-future",
    "jwt-no-aud",
    "jwt-no-exp",
    "jwt-no-iss",
    "jwt-no-jti",
    "jwt-no-sub",
    "jwt-plus-basic",
    "jwt-skew-reject-60s",
    "jwt-typ",
    "jwt-unregistered-key",
    "jwt-wrong-aud",
    "jwt-wrong-iss",
    "jwt-wrong-sub",
    "mtls-method-confusion",
    "mtls-no-cert",
    "mtls-no-client-id",
    "mtls-other-client-cert",
    "mtls-unknown-client-id",
    "mtls-untrusted-ca",
    "mtls-self-signed-for-pki",
    "mtls-expired-cert",
    "mtls-unregistered-cert",
    "mtls-dn-lookalike",
    "req-content-type",
    "req-creds-in-query",
    "req-duplicate-param",
    "req-grant-missing",
    "req-grant-not-allowed",
    "req-grant-password",
    "req-grant-unknown",
    "req-resource-indicator",
    "req-scope-malformed",
    "req-scope-unauthorized",
];
/// Every scenario answered with invalid_client.
const INVALID_CLIENT: &[&str] = &[
    "jwt-alg-hmac-confusion",
    "jwt-alg-none",
    "jwt-alg-nonfapi",
    "jwt-alg-rs256",
    "jwt-assertion-malformed",
    "jwt-assertion-type-bad",
    "jwt-aud-array",
    "jwt-aud-lookalike",
    "jwt-aud-mtls-alias",
    "jwt-aud-single-array",
    "jwt-aud-token-endpoint",
    "jwt-bad-signature",
    "jwt-client-id-mismatch",
    "jwt-client-secret",
    "jwt-crit-unknown",
    "jwt-cross-client-key",
    "jwt-embedded-key",
    "jwt-exp-far-future",
    "jwt-exp-past",
    "jwt-jti-replay",
    "jwt-missing-assertion",
    "jwt-nbf-future",
    "jwt-no-aud",
    "jwt-no-exp",
    "jwt-no-iss",
    "jwt-no-jti",
    "jwt-no-sub",
    "jwt-plus-basic",
    "jwt-skew-reject-60s",
    "jwt-typ",
    "jwt-unregistered-key",
    "jwt-wrong-aud",
    "jwt-wrong-iss",
    "jwt-wrong-sub",
    "mtls-method-confusion",
    "mtls-no-cert",
    "mtls-no-client-id",
    "mtls-other-client-cert",
    "mtls-unknown-client-id",
    "mtls-untrusted-ca",
    "mtls-self-signed-for-pki",
    "mtls-expired-cert",
    "mtls-unregistered-cert",
    "mtls-dn-lookalike",
    "req-creds-in-query",
];
/// Every discovery scenario (an unusable discovery document fails them all).
const DISCOVERY: &[&str] = &[
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
];
const MATRIX: &[(&str, &[&str])] = &[
    ("accept-alg-none", &["jwt-alg-none"]),
    ("accept-rs256", &["jwt-alg-rs256"]),
    ("accept-hs256-public-key", &["jwt-alg-hmac-confusion"]),
    (
        "skip-signature-check",
        &[
            "jwt-bad-signature",
            "jwt-embedded-key",
            "jwt-unregistered-key",
        ],
    ),
    ("skip-iss-check", &["jwt-no-iss", "jwt-wrong-iss"]),
    ("skip-sub-check", &["jwt-no-sub", "jwt-wrong-sub"]),
    (
        "skip-aud-check",
        &[
            "jwt-aud-array",
            "jwt-aud-lookalike",
            "jwt-aud-single-array",
            "jwt-no-aud",
            "jwt-wrong-aud",
        ],
    ),
    ("allow-missing-exp", &["jwt-no-exp"]),
    ("skip-exp-check", &["jwt-exp-past"]),
    (
        "skip-nbf-iat-check",
        &["jwt-nbf-future", "jwt-skew-reject-60s"],
    ),
    ("allow-missing-jti", &["jwt-no-jti"]),
    ("skip-jti-replay-check", &["jwt-jti-replay"]),
    ("skip-client-id-match", &["jwt-client-id-mismatch"]),
    // Every scenario that needs a private_key_jwt grant to succeed (jwt-iat-stale records a
    // rejection too; req-scope-malformed expects a scope refusal after authentication).
    (
        "reject-private-key-jwt",
        &[
            "bind-at-unique",
            "bind-rs-no-cert",
            "bind-rs-other-cert",
            "bind-rs-scheme-case",
            "bind-rs-token-in-query",
            "jwt-client-id-omitted",
            "jwt-happy",
            "jwt-jti-replay",
            "jwt-skew-accept-10s",
            "jwt-typ",
            "req-empty-param",
            "req-scope-malformed",
            "req-scope-omitted",
            "req-scope-unauthorized",
            "req-unknown-param",
        ],
    ),
    (
        "reject-tls-client-auth",
        &["mtls-alias-routing", "mtls-happy"],
    ),
    ("issue-unbound-token", &["bind-hok-required"]),
    // The plain token_endpoint's unbound token is accepted without a certificate.
    ("plain-endpoint-unbound-token", &["mtls-alias-routing"]),
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
    (
        "skip-scope-check",
        &["req-scope-malformed", "req-scope-unauthorized"],
    ),
    (
        "default-grant-type",
        &["req-grant-missing", "req-grant-unknown"],
    ),
    ("accept-password-grant", &["req-grant-password"]),
    ("accept-any-method", &["req-method"]),
    ("skip-content-type-check", &["req-content-type"]),
    ("allow-repeated-params", &["req-duplicate-param"]),
    (
        "skip-rs-binding-check",
        &[
            "bind-rs-no-cert",
            "bind-rs-other-cert",
            "mtls-alias-routing",
        ],
    ),
    // GRANTED: every scenario with a granted token-endpoint step.
    ("omit-cache-control", GRANTED),
    // Every scenario gets an HTTP answer, and the ofm profile requires the echo.
    ("no-interaction-id-echo", ALL_HTTP),
    // Every scenario whose rejection is (or may be) invalid_client. Without a client certificate
    // any 4xx is tolerated with a warning (E.hok.mtls), so mtls-no-cert warns rather than fails.
    ("wrong-error-status", INVALID_CLIENT),
    (
        "skip-auth-method-check",
        &[
            "jwt-missing-assertion",
            "mtls-method-confusion",
            "req-creds-in-query",
        ],
    ),
    ("skip-assertion-type-check", &["jwt-assertion-type-bad"]),
    ("parse-first-jws", &["jwt-assertion-malformed"]),
    ("accept-non-fapi-alg", &["jwt-alg-nonfapi"]),
    ("key-lookup-by-kid", &["jwt-cross-client-key"]),
    ("trust-embedded-jwk", &["jwt-embedded-key"]),
    ("ignore-crit", &["jwt-crit-unknown"]),
    ("skip-typ-check", &["jwt-typ"]),
    ("require-client-id", &["jwt-client-id-omitted"]),
    (
        "accept-aud-array",
        &["jwt-aud-array", "jwt-aud-single-array"],
    ),
    ("lenient-aud-match", &["jwt-aud-lookalike"]),
    ("allow-long-lived-assertion", &["jwt-exp-far-future"]),
    ("no-clock-skew", &["jwt-skew-accept-10s"]),
    ("ignore-authorization-header", &["jwt-plus-basic"]),
    (
        "accept-client-secret",
        &["jwt-client-secret", "jwt-plus-basic"],
    ),
    (
        "identify-client-by-cert",
        &[
            "mtls-no-client-id",
            "mtls-unknown-client-id",
            "req-creds-in-query",
        ],
    ),
    ("accept-token-in-query", &["bind-rs-token-in-query"]),
    ("case-sensitive-bearer", &["bind-rs-scheme-case"]),
    (
        "rs-allow-anonymous",
        &["bind-rs-no-token", "bind-rs-token-in-query"],
    ),
    (
        "accept-any-grant-type",
        &["req-grant-not-allowed", "req-grant-unknown"],
    ),
    ("reject-unknown-params", &["req-unknown-param"]),
    ("read-query-params", &["req-creds-in-query"]),
    ("ignore-resource-param", &["req-resource-indicator"]),
    ("success-wrong-content-type", GRANTED),
    ("omit-pragma", GRANTED),
    ("short-access-token", GRANTED),
    ("token-type-mac", GRANTED),
    ("omit-token-type", GRANTED),
    ("omit-expires-in", GRANTED),
    ("expires-in-string", GRANTED),
    ("issue-refresh-token", GRANTED),
    ("issue-id-token", GRANTED),
    // GRANTED less the two scenarios that request no scope.
    (
        "grant-extra-scope",
        &[
            "bind-at-unique",
            "bind-rs-no-cert",
            "bind-rs-other-cert",
            "bind-rs-scheme-case",
            "bind-rs-token-in-query",
            "jwt-client-id-omitted",
            "jwt-happy",
            "jwt-iat-stale",
            "jwt-jti-replay",
            "jwt-skew-accept-10s",
            "jwt-typ",
            "mtls-alias-routing",
            "mtls-happy",
            "req-unknown-param",
        ],
    ),
    // ERROR_ANSWERS: every scenario with an RFC 6749 §5.2 error answer.
    ("error-not-json", ERROR_ANSWERS),
    ("error-bad-description-chars", ERROR_ANSWERS),
    ("error-bad-uri", ERROR_ANSWERS),
    // ...and req-method, whose 405 must carry no token either.
    (
        "error-with-token",
        &[
            "bind-hok-required",
            "jwt-alg-hmac-confusion",
            "jwt-alg-none",
            "jwt-alg-nonfapi",
            "jwt-alg-rs256",
            "jwt-assertion-malformed",
            "jwt-assertion-type-bad",
            "jwt-aud-array",
            "jwt-aud-lookalike",
            "jwt-aud-mtls-alias",
            "jwt-aud-single-array",
            "jwt-aud-token-endpoint",
            "jwt-bad-signature",
            "jwt-client-id-mismatch",
            "jwt-client-secret",
            "jwt-crit-unknown",
            "jwt-cross-client-key",
            "jwt-embedded-key",
            "jwt-exp-far-future",
            "jwt-exp-past",
            "jwt-jti-replay",
            "jwt-missing-assertion",
            "jwt-nbf-future",
            "jwt-no-aud",
            "jwt-no-exp",
            "jwt-no-iss",
            "jwt-no-jti",
            "jwt-no-sub",
            "jwt-plus-basic",
            "jwt-skew-reject-60s",
            "jwt-typ",
            "jwt-unregistered-key",
            "jwt-wrong-aud",
            "jwt-wrong-iss",
            "jwt-wrong-sub",
            "mtls-method-confusion",
            "mtls-no-cert",
            "mtls-no-client-id",
            "mtls-other-client-cert",
            "mtls-unknown-client-id",
            "mtls-untrusted-ca",
            "mtls-self-signed-for-pki",
            "mtls-expired-cert",
            "mtls-unregistered-cert",
            "mtls-dn-lookalike",
            "req-content-type",
            "req-creds-in-query",
            "req-duplicate-param",
            "req-grant-missing",
            "req-grant-not-allowed",
            "req-grant-password",
            "req-grant-unknown",
            "req-method",
            "req-resource-indicator",
            "req-scope-malformed",
            "req-scope-unauthorized",
        ],
    ),
    // The same scenarios: a warning, and a failure where the client sent an Authorization header.
    ("omit-www-authenticate", INVALID_CLIENT),
    // Forces JWT access tokens, so bind-cnf-x5t becomes observable.
    ("wrong-cnf", GRANTED),
    // mtls-alias-routing asks twice with one certificate (alias, then plain endpoint).
    (
        "reuse-access-token",
        &["bind-at-unique", "mtls-alias-routing"],
    ),
    // The discovery document is unusable: every discovery scenario fails with what it
    // received; every other scenario is Skipped (see `SKIPS_THE_REST`).
    ("discovery-not-json", DISCOVERY),
    // The advertised mTLS alias then names an endpoint absent at top level (RFC 8705 §5).
    (
        "discovery-no-token-endpoint",
        &["disc-mtls-aliases", "disc-token-endpoint"],
    ),
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
    // HTTP 503: as unusable as a page that is not JSON.
    ("discovery-status-503", DISCOVERY),
    ("discovery-no-fapi-auth-method", &["disc-auth-methods"]),
    ("discovery-no-fapi-signing-alg", &["disc-auth-signing-algs"]),
    // Warn-severity checks: the scenario warns, nothing fails (exit 0 unless --strict).
    ("discovery-extra-signing-alg", &["disc-auth-signing-algs"]),
    ("discovery-advertise-implicit", &["disc-grant-no-ropc"]),
    ("discovery-unknown-member", &["disc-schema"]),
    ("jwks-unusable-key", &["disc-jwks"]),
    ("jwks-uri-http", &["disc-jwks"]),
    ("jwks-not-json", &["disc-jwks"]),
];

/// Faults that leave the run without usable endpoints: besides their MATRIX row (which must
/// not pass), every scenario outside the discovery category must be Skip (not Fail or Error).
const SKIPS_THE_REST: &[&str] = &[
    "discovery-not-json",
    "discovery-no-token-endpoint",
    "discovery-status-503",
];

/// Step checks each fault must make fail or warn somewhere in its run. Together the rows cover
/// every check id the strict run produces (`judge_step`), except those in `NO_FAULT`.
const CHECKS: &[(&str, &[&str])] = &[
    ("reject-private-key-jwt", &["resp-200"]),
    ("success-wrong-content-type", &["resp-json"]),
    ("omit-cache-control", &["resp-cache-control"]),
    ("omit-pragma", &["resp-pragma"]),
    ("omit-token-type", &["resp-access-token", "bind-token-type"]),
    ("short-access-token", &["resp-at-entropy"]),
    ("token-type-mac", &["bind-token-type"]),
    ("omit-expires-in", &["resp-expires-in"]),
    ("expires-in-string", &["resp-expires-in"]),
    ("issue-refresh-token", &["resp-no-refresh"]),
    ("issue-id-token", &["resp-no-id-token"]),
    ("grant-extra-scope", &["resp-scope"]),
    ("wrong-cnf", &["bind-cnf-x5t"]),
    ("reuse-access-token", &["resp-at-unique"]),
    ("no-interaction-id-echo", &["resp-interaction-id"]),
    ("wrong-error-status", &["err-status"]),
    (
        "skip-iss-check",
        &["err-status", "err-code", "err-no-token"],
    ),
    ("error-not-json", &["err-json"]),
    ("error-bad-description-chars", &["err-description"]),
    ("error-bad-uri", &["err-uri"]),
    ("error-with-token", &["err-no-token"]),
    ("omit-www-authenticate", &["err-www-authenticate"]),
    ("skip-scope-check", &["req-scope-narrowed"]),
    ("case-sensitive-bearer", &["resource-ok"]),
    ("skip-rs-binding-check", &["resource-denied"]),
    ("plain-endpoint-unbound-token", &["resource-denied"]),
    (
        "discovery-not-json",
        &[
            "disc-document",
            "disc-fetch-content-type",
            "disc-fetch-json",
        ],
    ),
    ("discovery-wrong-content-type", &["disc-fetch-content-type"]),
    ("discovery-status-503", &["disc-fetch", "disc-document"]),
    ("discovery-no-token-endpoint", &["disc-token-endpoint"]),
    ("discovery-issuer-mismatch", &["disc-issuer-match"]),
    (
        "discovery-issuer-not-https",
        &["disc-issuer-match", "disc-issuer-url"],
    ),
    ("discovery-schema-violation", &["disc-schema"]),
    ("discovery-unknown-member", &["disc-schema-unknown"]),
    ("discovery-missing-auth-method", &["disc-auth-methods-used"]),
    (
        "discovery-no-fapi-auth-method",
        &["disc-auth-methods", "disc-auth-methods-used"],
    ),
    ("discovery-weak-auth-methods", &["disc-auth-methods-weak"]),
    (
        "discovery-advertise-alg-none",
        &["disc-auth-signing-algs-none"],
    ),
    (
        "discovery-no-fapi-signing-alg",
        &["disc-auth-signing-algs", "disc-auth-signing-algs-other"],
    ),
    (
        "discovery-extra-signing-alg",
        &["disc-auth-signing-algs-other"],
    ),
    ("discovery-no-bound-tokens-flag", &["disc-mtls-bound"]),
    ("discovery-no-client-credentials-grant", &["disc-grant-cc"]),
    (
        "discovery-advertise-password-grant",
        &["disc-grant-no-ropc"],
    ),
    ("discovery-advertise-implicit", &["disc-grant-no-implicit"]),
    ("discovery-bad-aliases", &["disc-mtls-aliases"]),
    (
        "discovery-http-registration-endpoint",
        &["disc-registration-endpoint"],
    ),
    ("discovery-bad-scopes", &["disc-scopes-syntax"]),
    ("jwks-uri-http", &["disc-jwks-uri"]),
    ("jwks-not-json", &["disc-jwks"]),
    ("jwks-private-key", &["disc-jwks-private"]),
    ("jwks-symmetric-key", &["disc-jwks-private"]),
    ("jwks-duplicate-kid", &["disc-jwks-kid"]),
    ("jwks-small-key", &["disc-jwks-key-size"]),
    ("jwks-unusable-key", &["disc-jwks-usable"]),
];

/// Check ids no fault of the mock can break, with the reason.
const NO_FAULT: &[(&str, &str)] = &[
    (
        "resp-date-header",
        "hyper adds a Date header to every answer; the mock cannot leave it out",
    ),
    // The rustls mock cannot negotiate what these probes must refuse; scripted TLS peers do.
    (
        "tls-10-refused",
        "tests/tls_probe.rs, tests/transport.rs (scripted TLS 1.0 peer)",
    ),
    (
        "tls-11-refused",
        "tests/tls_probe.rs (scripted TLS 1.1 peer)",
    ),
    (
        "tls-12-bcp195-ok",
        "tests/tls_probe.rs (peer refusing TLS 1.2)",
    ),
    (
        "tls-13-supported",
        "tests/tls_probe.rs (peer refusing TLS 1.3)",
    ),
    (
        "tls-13-preferred",
        "tests/tls_probe.rs (peer choosing 1.2 over 1.3)",
    ),
    (
        "tls12-only-recommended-suites",
        "tests/tls_probe.rs (peer accepting a CBC suite)",
    ),
    (
        "tls12-dhe-suites",
        "tests/tls_probe.rs (peer accepting DHE)",
    ),
    (
        "tls-server-cert",
        "tests/transport.rs (target trusting another CA)",
    ),
    (
        "disc-fetch-url",
        "judges the target file's configured discovery URL, not anything the server sends; \
         src/judge/discovery.rs tests::fetch_url_must_have_a_well_known_form",
    ),
    (
        "expect-no-token",
        "tests/transport.rs (plain-HTTP server issuing a token)",
    ),
];

/// What one run produced.
struct RunFacts {
    /// `id=verdict` of every scenario that did not pass.
    bad: BTreeSet<String>,
    total: usize,
    /// Check ids that failed or warned.
    broken_checks: BTreeSet<String>,
    /// Every check id produced.
    checks: BTreeSet<String>,
    /// `ofpc run`'s exit code for this run, without and with `--strict`.
    exit: (u8, u8),
}

/// Faults whose every victim is a warn-severity (SHOULD-level) row: the run reports warnings and
/// exits 0, and 1 under `--strict`. Every other fault makes `ofpc run --fault NAME` exit 1.
const WARN_ONLY: &[&str] = &[
    "allow-long-lived-assertion",
    "discovery-advertise-implicit",
    "discovery-extra-signing-alg",
    "discovery-unknown-member",
    "discovery-weak-auth-methods",
    "ignore-resource-param",
    "issue-refresh-token",
    "jwks-unusable-key",
    "omit-expires-in",
    "omit-pragma",
    "read-query-params",
    "require-client-id",
    "reuse-access-token",
    "skip-content-type-check",
    "skip-typ-check",
];

async fn not_passing(pki: Arc<MockPki>, faults: Vec<Fault>) -> RunFacts {
    let server = MockServer::start_with_pki(
        pki,
        MockOptions {
            faults,
            ..MockOptions::default()
        },
    )
    .await
    .expect("mock starts");
    let target = mock_target(server.materials(), Profile::Ofm).expect("mock target");
    let outcome = ofp_conformance::app::run_catalogue(target, &Filters::default())
        .await
        .expect("catalogue");
    server.shutdown().await;
    let report = assemble(
        ReportFacts {
            run_id: "matrix".into(),
            target: TargetInfo {
                name: "mock".into(),
                issuer: String::new(),
                token_endpoint: String::new(),
                mock: true,
                faults: Vec::new(),
            },
            profile: "ofm".into(),
            started_at: String::new(),
            finished_at: String::new(),
            duration_ms: 0,
            complete: true,
            notices: Vec::new(),
        },
        outcome.results.clone(),
    );
    let exit = (exit_code(&report, false), exit_code(&report, true));
    let total = outcome.results.len();
    let all_checks = || {
        outcome
            .results
            .iter()
            .flat_map(|r| r.steps.iter())
            .flat_map(|s| s.checks.iter())
    };
    let broken_checks = all_checks()
        .filter(|c| matches!(c.status, CheckStatus::Fail | CheckStatus::Warn))
        .map(|c| c.id.clone())
        .collect();
    let checks = all_checks().map(|c| c.id.clone()).collect();
    let bad = outcome
        .results
        .iter()
        .filter(|r| r.verdict != Verdict::Pass)
        .map(|r| format!("{}={}", r.id, r.verdict.as_str()))
        .collect();
    RunFacts {
        bad,
        total,
        broken_checks,
        checks,
        exit,
    }
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

    let strict = not_passing(pki.clone(), Vec::new()).await;
    assert!(
        strict.bad.is_empty(),
        "the strict mock must pass everything, not: {:?}",
        strict.bad
    );
    assert_eq!(strict.total, all_ids.len());
    // Every check id the strict run produces is broken by some fault (or says why not).
    let covered: BTreeSet<&str> = CHECKS
        .iter()
        .flat_map(|(_, ids)| ids.iter().copied())
        .chain(NO_FAULT.iter().map(|(id, _)| *id))
        .collect();
    let uncovered: Vec<&String> = strict
        .checks
        .iter()
        .filter(|id| !covered.contains(id.as_str()))
        .collect();
    assert!(
        uncovered.is_empty(),
        "check ids no fault breaks (add a CHECKS row): {uncovered:?}"
    );
    let check_rows: BTreeMap<&str, &[&str]> = CHECKS.iter().copied().collect();
    for name in check_rows.keys() {
        assert!(
            rows.contains_key(name),
            "CHECKS names `{name}`, which has no MATRIX row"
        );
    }

    let mut tasks = Vec::new();
    for (name, _) in MATRIX {
        let fault = Fault::from_name(name).expect("checked above");
        let pki = pki.clone();
        tasks.push((*name, tokio::spawn(not_passing(pki, vec![fault]))));
    }
    let mut caught: BTreeSet<String> = BTreeSet::new();
    let mut mismatches = Vec::new();
    for (name, task) in tasks {
        let facts = task.await.expect("run task");
        let expected_exit = if WARN_ONLY.contains(&name) {
            (0, 1)
        } else {
            (1, 1)
        };
        if facts.exit != expected_exit {
            mismatches.push(format!(
                "{name}: `ofpc run --fault {name}` would exit {} ({} with --strict), expected {} ({})",
                facts.exit.0, facts.exit.1, expected_exit.0, expected_exit.1
            ));
        }
        for id in check_rows.get(name).copied().unwrap_or_default() {
            if !facts.broken_checks.contains(*id) {
                mismatches.push(format!(
                    "{name}: check `{id}` should fail or warn, broken were {:?}",
                    facts.broken_checks
                ));
            }
        }
        let bad = facts.bad;
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

/// The `[F]` audience rows under `fapi2-final` (the matrix runs `ofm`, where they only record):
/// the strict mock passes them, and `skip-aud-check` makes both fail.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aud_rows_fail_under_final_when_the_aud_check_is_skipped() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let rows = ["jwt-aud-mtls-alias", "jwt-aud-token-endpoint"];
    for (faults, want) in [
        (Vec::new(), Verdict::Pass),
        (vec![Fault::SkipAudCheck], Verdict::Fail),
    ] {
        let server = MockServer::start(MockOptions {
            faults: faults.clone(),
            ..MockOptions::default()
        })
        .await
        .expect("mock starts");
        let target = mock_target(server.materials(), Profile::Fapi2Final).expect("mock target");
        let only: Vec<String> = rows.iter().map(|r| r.to_string()).collect();
        let filters = Filters::new(&only, &[]).expect("filters");
        let outcome = ofp_conformance::app::run_catalogue(target, &filters)
            .await
            .expect("catalogue");
        server.shutdown().await;
        assert_eq!(outcome.results.len(), rows.len());
        for r in &outcome.results {
            assert_eq!(r.verdict, want, "{faults:?}: {} {:?}", r.id, r.steps);
        }
    }
}
