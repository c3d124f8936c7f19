//! The scenario groups several faults break alike, and what no fault of the mock can break (with
//! where else it is shown), for the fault table in `faults.rs`.

use crate::model::CheckId;

/// Every scenario with a granted token-endpoint step (the response checks run there).
pub const GRANTED: &[&str] = &[
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

/// Every scenario answered with invalid_client.
pub const INVALID_CLIENT: &[&str] = &[
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

/// Every scenario with an RFC 6749 §5.2 error answer other than invalid_client; with
/// [`INVALID_CLIENT`], every scenario where the error checks run.
pub const OTHER_ERROR_ANSWERS: &[&str] = &[
    "bind-hok-required",
    "req-content-type",
    "req-duplicate-param",
    "req-grant-missing",
    "req-grant-not-allowed",
    "req-grant-password",
    "req-grant-unknown",
    "req-resource-indicator",
    "req-scope-malformed",
    "req-scope-unauthorized",
];

/// Every discovery scenario (an unusable discovery document fails them all).
pub const DISCOVERY: &[&str] = &[
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

/// Transport scenarios the rustls mock always passes; the named tests prove each can fail.
pub const PROVEN_ELSEWHERE: &[(&str, &str)] = &[
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

/// Check ids no fault of the mock can break, with the reason (or the test that breaks them).
pub const NO_FAULT: &[(CheckId, &str)] = &[
    (
        CheckId::RespDateHeader,
        "hyper adds a Date header to every answer; the mock cannot leave it out",
    ),
    // The rustls mock cannot negotiate what these probes must refuse; scripted TLS peers do.
    (
        CheckId::Tls10Refused,
        "tests/tls_probe.rs, tests/transport.rs (scripted TLS 1.0 peer)",
    ),
    (
        CheckId::Tls11Refused,
        "tests/tls_probe.rs (scripted TLS 1.1 peer)",
    ),
    (
        CheckId::Tls12Bcp195Ok,
        "tests/tls_probe.rs (peer refusing TLS 1.2)",
    ),
    (
        CheckId::Tls13Supported,
        "tests/tls_probe.rs (peer refusing TLS 1.3)",
    ),
    (
        CheckId::Tls13Preferred,
        "tests/tls_probe.rs (peer choosing 1.2 over 1.3)",
    ),
    (
        CheckId::Tls12OnlyRecommendedSuites,
        "tests/tls_probe.rs (peer accepting a CBC suite)",
    ),
    (
        CheckId::Tls12DheSuites,
        "tests/tls_probe.rs (peer accepting DHE)",
    ),
    (
        CheckId::TlsServerCert,
        "tests/transport.rs (target trusting another CA)",
    ),
    (
        CheckId::DiscFetchUrl,
        "judges the target file's configured discovery URL, not anything the server sends; \
         src/judge/discovery.rs tests::fetch_url_must_have_a_well_known_form",
    ),
    (
        CheckId::ExpectNoToken,
        "tests/transport.rs (plain-HTTP server issuing a token)",
    ),
];
