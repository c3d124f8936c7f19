//! Named faults: each switches off one check of the mock or breaks one behaviour, so that the
//! scenario which detects it can be shown to fail.
//!
//! The table below describes every fault once: its name, what it breaks (the doc line), the
//! scenarios that must stop passing and the step checks that must fail or warn when it is on.
//! The fault matrix (`tests/faults.rs`) and the mock's own tests (`tests/mock_server.rs`) read
//! it. To add a fault: add a line to the table, handle the variant where the mock checks what
//! it breaks, and run both tests (see [`Breaks`] for what an entry says).

use std::fmt;

use crate::model::CheckId;

pub use super::fault_groups::{
    DISCOVERY, GRANTED, INVALID_CLIENT, NO_FAULT, OTHER_ERROR_ANSWERS, PROVEN_ELSEWHERE,
};

/// What a fault is meant to break, as `breaks(&[scenario ids])` (or a group such as
/// `breaks(GRANTED)`) followed by the optional `.also(..)`, `.except(..)`, `.checks(..)`,
/// `.warns_only()`, `.skips_the_rest()` and `.probe(..)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Breaks {
    /// The scenarios that must not pass with the fault on (under the `ofm` profile); every
    /// other scenario must pass. [`Breaks::listed`] applies `also` and `except`.
    pub scenarios: Scenarios,
    /// Up to two lists of scenarios added to a group
    /// (`breaks(INVALID_CLIENT).also(OTHER_ERROR_ANSWERS).also(&["req-method"])`).
    pub also: [&'static [&'static str]; 2],
    /// Scenarios taken out of a group (`breaks(GRANTED).except(&["req-scope-omitted"])`).
    pub except: &'static [&'static str],
    /// Step check ids that must fail or warn somewhere in the run. Together the table's checks
    /// and [`NO_FAULT`] cover every check id the strict mock's run produces.
    pub checks: &'static [CheckId],
    /// Every victim is a warn-severity (SHOULD-level) row: `ofpc run --fault NAME` reports
    /// warnings and exits 0, and 1 under `--strict`. Otherwise it exits 1.
    pub warns_only: bool,
    /// The fault leaves the run without usable endpoints: every scenario outside the discovery
    /// category must be Skip (not Fail or Error).
    pub skips_the_rest: bool,
    /// The scenario the mock's own test runs to see the fault when it has no direct probe there;
    /// `None` means the first listed scenario.
    pub probe: Option<&'static str>,
}

/// The scenarios a fault must make stop passing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenarios {
    /// Exactly these scenario ids.
    Listed(&'static [&'static str]),
    /// Every scenario that sends a token or resource request and gets an HTTP answer: all but
    /// the discovery rows (public metadata) and the transport rows in [`PROVEN_ELSEWHERE`].
    AllHttp,
}

/// A fault that breaks exactly `scenarios`.
const fn breaks(scenarios: &'static [&'static str]) -> Breaks {
    Breaks {
        scenarios: Scenarios::Listed(scenarios),
        also: [&[], &[]],
        except: &[],
        checks: &[],
        warns_only: false,
        skips_the_rest: false,
        probe: None,
    }
}

/// A fault that breaks every scenario with an HTTP answer ([`Scenarios::AllHttp`]).
const fn all_http() -> Breaks {
    Breaks {
        scenarios: Scenarios::AllHttp,
        ..breaks(&[])
    }
}

impl Breaks {
    const fn also(mut self, ids: &'static [&'static str]) -> Breaks {
        if self.also[0].is_empty() {
            self.also[0] = ids;
        } else if self.also[1].is_empty() {
            self.also[1] = ids;
        } else {
            panic!("a fault takes at most two `.also` lists");
        }
        self
    }

    const fn except(self, except: &'static [&'static str]) -> Breaks {
        Breaks { except, ..self }
    }

    const fn checks(self, checks: &'static [CheckId]) -> Breaks {
        Breaks { checks, ..self }
    }

    const fn warns_only(self) -> Breaks {
        Breaks {
            warns_only: true,
            ..self
        }
    }

    const fn skips_the_rest(self) -> Breaks {
        Breaks {
            skips_the_rest: true,
            ..self
        }
    }

    const fn probe(self, scenario: &'static str) -> Breaks {
        Breaks {
            probe: Some(scenario),
            ..self
        }
    }

    /// The scenario ids that must not pass: the listed ones and `also`, less `except`; `None`
    /// for [`Scenarios::AllHttp`], which only the catalogue can spell out.
    pub fn listed(&self) -> Option<Vec<&'static str>> {
        let Scenarios::Listed(ids) = self.scenarios else {
            return None;
        };
        Some(
            ids.iter()
                .chain(self.also.iter().copied().flatten())
                .copied()
                .filter(|id| !self.except.contains(id))
                .collect(),
        )
    }

    /// The scenario the mock's own test runs for this fault: [`Breaks::probe`] or the first
    /// listed scenario.
    pub fn probe_scenario(&self) -> Option<&'static str> {
        self.probe
            .or_else(|| self.listed().and_then(|ids| ids.first().copied()))
    }
}

macro_rules! faults {
    ($( $(#[doc = $doc:literal])* $variant:ident = $name:literal => $breaks:expr ),+ $(,)?) => {
        /// A deliberate defect of the mock.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Fault {
            $( $(#[doc = $doc])* $variant, )+
        }

        impl Fault {
            /// Every fault, in declaration order.
            pub const ALL: &'static [Fault] = &[$(Fault::$variant),+];

            /// The name used on the command line (`--fault NAME`).
            pub fn name(self) -> &'static str {
                match self { $(Fault::$variant => $name,)+ }
            }

            /// One line saying what the fault breaks.
            pub fn description(self) -> &'static str {
                match self { $(Fault::$variant => concat!($($doc),+).trim_ascii(),)+ }
            }

            /// The scenarios and checks the fault is meant to break.
            pub fn breaks(self) -> &'static Breaks {
                match self {
                    $(Fault::$variant => {
                        const BREAKS: Breaks = $breaks;
                        &BREAKS
                    })+
                }
            }
        }
    };
}

// One entry per fault: `/// description`, `Variant = "cli-name" => breaks(...)...`.
faults! {
    /// Accept client assertions with `alg: none` (no signature).
    AcceptAlgNone = "accept-alg-none" => breaks(&["jwt-alg-none"]),
    /// Accept RS256-signed client assertions (only PS256/ES256 are allowed).
    AcceptRs256 = "accept-rs256" => breaks(&["jwt-alg-rs256"]),
    /// Verify HS256 assertions with the client's public key PEM as the MAC key (key confusion).
    AcceptHs256PublicKey = "accept-hs256-public-key" => breaks(&["jwt-alg-hmac-confusion"]),
    /// Do not verify the assertion signature at all.
    SkipSignatureCheck = "skip-signature-check"
        => breaks(&["jwt-bad-signature", "jwt-embedded-key", "jwt-unregistered-key"]),
    /// Do not check that `iss` equals the client_id.
    SkipIssCheck = "skip-iss-check"
        => breaks(&["jwt-no-iss", "jwt-wrong-iss"])
        .checks(&[CheckId::ErrStatus, CheckId::ErrCode, CheckId::ErrNoToken]),
    /// Do not check that `sub` equals the client_id.
    SkipSubCheck = "skip-sub-check" => breaks(&["jwt-no-sub", "jwt-wrong-sub"]),
    /// Do not check `aud`.
    SkipAudCheck = "skip-aud-check"
        => breaks(&[
            "jwt-aud-array", "jwt-aud-lookalike", "jwt-aud-single-array", "jwt-no-aud",
            "jwt-wrong-aud",
        ]),
    /// Accept assertions without `exp`.
    AllowMissingExp = "allow-missing-exp" => breaks(&["jwt-no-exp"]),
    /// Accept assertions whose `exp` has passed.
    SkipExpCheck = "skip-exp-check" => breaks(&["jwt-exp-past"]),
    /// Accept `iat`/`nbf` far in the future (no clock-skew limit).
    SkipNbfIatCheck = "skip-nbf-iat-check" => breaks(&["jwt-nbf-future", "jwt-skew-reject-60s"]),
    /// Accept assertions without `jti`.
    AllowMissingJti = "allow-missing-jti" => breaks(&["jwt-no-jti"]),
    /// Accept a `jti` that was already used.
    SkipJtiReplayCheck = "skip-jti-replay-check" => breaks(&["jwt-jti-replay"]),
    /// Do not check that the form `client_id` names the client the assertion authenticates.
    SkipClientIdMatch = "skip-client-id-match" => breaks(&["jwt-client-id-mismatch"]),
    /// Reject every private_key_jwt client authentication (breaks the happy path).
    // Every scenario that needs a private_key_jwt grant to succeed (jwt-iat-stale records a
    // rejection too; req-scope-malformed expects a scope refusal after authentication).
    RejectPrivateKeyJwt = "reject-private-key-jwt"
        => breaks(&[
            "bind-at-unique", "bind-rs-no-cert", "bind-rs-other-cert", "bind-rs-scheme-case",
            "bind-rs-token-in-query", "jwt-client-id-omitted", "jwt-happy", "jwt-jti-replay",
            "jwt-skew-accept-10s", "jwt-typ", "req-empty-param", "req-scope-malformed",
            "req-scope-omitted", "req-scope-unauthorized", "req-unknown-param",
        ])
        .checks(&[CheckId::Resp200]),
    /// Reject every tls_client_auth client authentication (breaks the happy path).
    RejectTlsClientAuth = "reject-tls-client-auth" => breaks(&["mtls-alias-routing", "mtls-happy"]),
    /// Issue an unbound token to a private_key_jwt client that presented no certificate.
    IssueUnboundToken = "issue-unbound-token" => breaks(&["bind-hok-required"]),
    /// With an mTLS alias advertised, the plain token_endpoint issues unbound tokens, and the resource server accepts unbound tokens as plain bearer tokens.
    // The plain token_endpoint's unbound token is accepted without a certificate.
    PlainEndpointUnboundToken = "plain-endpoint-unbound-token"
        => breaks(&["mtls-alias-routing"]).checks(&[CheckId::ResourceDenied]),
    /// Authenticate a tls_client_auth client by its client_id alone when no certificate is presented.
    AcceptMtlsWithoutCert = "accept-mtls-without-cert" => breaks(&["mtls-no-cert"]),
    /// Accept client certificates from an untrusted CA, and self-signed ones.
    SkipClientCaCheck = "skip-client-ca-check"
        => breaks(&["mtls-untrusted-ca", "mtls-self-signed-for-pki"]),
    /// Accept expired and not-yet-valid client certificates.
    SkipClientCertValidity = "skip-client-cert-validity" => breaks(&["mtls-expired-cert"]),
    /// Do not match the certificate subject against the tls_client_auth client's registered DN.
    SkipMtlsSubjectMatch = "skip-mtls-subject-match"
        => breaks(&["mtls-other-client-cert", "mtls-unregistered-cert", "mtls-dn-lookalike"]),
    /// Grant whatever scope is requested.
    SkipScopeCheck = "skip-scope-check"
        => breaks(&["req-scope-malformed", "req-scope-unauthorized"])
        .checks(&[CheckId::ReqScopeNarrowed]),
    /// Treat a missing grant_type as client_credentials.
    DefaultGrantType = "default-grant-type" => breaks(&["req-grant-missing", "req-grant-unknown"]),
    /// Issue tokens for the resource owner password credentials grant.
    AcceptPasswordGrant = "accept-password-grant" => breaks(&["req-grant-password"]),
    /// Serve the token endpoint for any HTTP method (GET reads the query).
    AcceptAnyMethod = "accept-any-method" => breaks(&["req-method"]),
    /// Accept token requests whose body is not application/x-www-form-urlencoded.
    SkipContentTypeCheck = "skip-content-type-check" => breaks(&["req-content-type"]).warns_only(),
    /// Accept repeated form parameters (the last one wins).
    AllowRepeatedParams = "allow-repeated-params" => breaks(&["req-duplicate-param"]),
    /// Resource server: accept a token presented with another certificate (or none).
    SkipRsBindingCheck = "skip-rs-binding-check"
        => breaks(&["bind-rs-no-cert", "bind-rs-other-cert", "mtls-alias-routing"])
        .checks(&[CheckId::ResourceDenied]),
    /// Omit `Cache-Control: no-store` on token responses.
    OmitCacheControl = "omit-cache-control" => breaks(GRANTED).checks(&[CheckId::RespCacheControl]),
    /// Do not echo `x-fapi-interaction-id`.
    // Every scenario gets an HTTP answer, and the ofm profile requires the echo.
    NoInteractionIdEcho = "no-interaction-id-echo"
        => all_http().checks(&[CheckId::RespInteractionId]),
    /// Answer invalid_client with HTTP 403 instead of 400/401.
    // Every scenario whose rejection is (or may be) invalid_client. Without a client certificate
    // any 4xx is tolerated with a warning (E.hok.mtls), so mtls-no-cert warns rather than fails.
    WrongErrorStatus = "wrong-error-status" => breaks(INVALID_CLIENT).checks(&[CheckId::ErrStatus]),
    /// Authenticate a private_key_jwt client by its client_id and any certificate, with no assertion.
    SkipAuthMethodCheck = "skip-auth-method-check"
        => breaks(&["jwt-missing-assertion", "mtls-method-confusion", "req-creds-in-query"]),
    /// Accept a missing, empty or wrong client_assertion_type.
    SkipAssertionTypeCheck = "skip-assertion-type-check" => breaks(&["jwt-assertion-type-bad"]),
    /// Read only the first compact JWS of client_assertion and ignore what follows it.
    ParseFirstJws = "parse-first-jws" => breaks(&["jwt-assertion-malformed"]),
    /// Accept assertions signed with PS384, PS512, RS384 or RS512 (outside the FAPI set).
    AcceptNonFapiAlg = "accept-non-fapi-alg" => breaks(&["jwt-alg-nonfapi"]),
    /// Look up the verification key by kid among all clients, not only the assertion's client.
    KeyLookupByKid = "key-lookup-by-kid" => breaks(&["jwt-cross-client-key"]),
    /// Verify the assertion with the key in its own `jwk` header.
    TrustEmbeddedJwk = "trust-embedded-jwk" => breaks(&["jwt-embedded-key"]),
    /// Ignore the `crit` header of assertions.
    IgnoreCrit = "ignore-crit" => breaks(&["jwt-crit-unknown"]),
    /// Accept any `typ` header on assertions (dpop+jwt, at+jwt).
    SkipTypCheck = "skip-typ-check" => breaks(&["jwt-typ"]).warns_only(),
    /// Reject private_key_jwt requests without a client_id parameter (RFC 7521 §4.2 makes it optional).
    RequireClientId = "require-client-id" => breaks(&["jwt-client-id-omitted"]).warns_only(),
    /// Accept an `aud` array that contains the issuer.
    AcceptAudArray = "accept-aud-array" => breaks(&["jwt-aud-array", "jwt-aud-single-array"]),
    /// Compare `aud` with the issuer ignoring case, a trailing slash and the port.
    LenientAudMatch = "lenient-aud-match" => breaks(&["jwt-aud-lookalike"]),
    /// Accept assertions whose exp lies more than an hour ahead.
    AllowLongLivedAssertion = "allow-long-lived-assertion"
        => breaks(&["jwt-exp-far-future"]).warns_only(),
    /// Allow no clock skew: reject an iat or nbf even a few seconds in the future.
    NoClockSkew = "no-clock-skew" => breaks(&["jwt-skew-accept-10s"]),
    /// Ignore the Authorization header of token requests.
    IgnoreAuthorizationHeader = "ignore-authorization-header" => breaks(&["jwt-plus-basic"]),
    /// Accept any client secret (client_secret_basic or client_secret_post) for a known client_id.
    AcceptClientSecret = "accept-client-secret" => breaks(&["jwt-client-secret", "jwt-plus-basic"]),
    /// Identify a tls_client_auth client by its certificate when client_id is missing or unknown.
    IdentifyClientByCert = "identify-client-by-cert"
        => breaks(&["mtls-no-client-id", "mtls-unknown-client-id", "req-creds-in-query"]),
    /// Resource server: read the access token from the `access_token` query parameter.
    AcceptTokenInQuery = "accept-token-in-query" => breaks(&["bind-rs-token-in-query"]),
    /// Resource server: accept only the exact scheme `Bearer` (RFC 9110 makes it case-insensitive).
    CaseSensitiveBearer = "case-sensitive-bearer"
        => breaks(&["bind-rs-scheme-case"]).checks(&[CheckId::ResourceOk]),
    /// Resource server: serve requests that carry no access token.
    RsAllowAnonymous = "rs-allow-anonymous"
        => breaks(&["bind-rs-no-token", "bind-rs-token-in-query"]),
    /// Treat any grant_type other than password as client_credentials.
    AcceptAnyGrantType = "accept-any-grant-type"
        => breaks(&["req-grant-not-allowed", "req-grant-unknown"]).probe("req-grant-unknown"),
    /// Reject token requests carrying parameters the mock does not know.
    RejectUnknownParams = "reject-unknown-params" => breaks(&["req-unknown-param"]),
    /// Merge URL query parameters into the form of a POST token request.
    ReadQueryParams = "read-query-params" => breaks(&["req-creds-in-query"]).warns_only(),
    /// Ignore the `resource` parameter (RFC 8707) instead of checking it.
    IgnoreResourceParam = "ignore-resource-param"
        => breaks(&["req-resource-indicator"]).warns_only(),
    /// Token responses declare Content-Type text/plain.
    SuccessWrongContentType = "success-wrong-content-type"
        => breaks(GRANTED).checks(&[CheckId::RespJson]).probe("jwt-happy"),
    /// Omit `Pragma: no-cache` on token responses.
    OmitPragma = "omit-pragma"
        => breaks(GRANTED).checks(&[CheckId::RespPragma]).warns_only().probe("jwt-happy"),
    /// Issue short, low-entropy access tokens.
    ShortAccessToken = "short-access-token"
        => breaks(GRANTED).checks(&[CheckId::RespAtEntropy]).probe("jwt-happy"),
    /// Answer token_type MAC.
    TokenTypeMac = "token-type-mac"
        => breaks(GRANTED).checks(&[CheckId::BindTokenType]).probe("jwt-happy"),
    /// Leave token_type out of token responses.
    OmitTokenType = "omit-token-type"
        => breaks(GRANTED)
        .checks(&[CheckId::RespAccessToken, CheckId::BindTokenType])
        .probe("jwt-happy"),
    /// Leave expires_in out of token responses.
    OmitExpiresIn = "omit-expires-in"
        => breaks(GRANTED).checks(&[CheckId::RespExpiresIn]).warns_only().probe("jwt-happy"),
    /// Send expires_in as a JSON string.
    ExpiresInString = "expires-in-string"
        => breaks(GRANTED).checks(&[CheckId::RespExpiresIn]).probe("jwt-happy"),
    /// Issue a refresh_token with client credentials.
    IssueRefreshToken = "issue-refresh-token"
        => breaks(GRANTED).checks(&[CheckId::RespNoRefresh]).warns_only().probe("jwt-happy"),
    /// Issue an id_token with client credentials.
    IssueIdToken = "issue-id-token"
        => breaks(GRANTED).checks(&[CheckId::RespNoIdToken]).probe("jwt-happy"),
    /// Return a scope wider than the one requested.
    // GRANTED less the two scenarios that request no scope.
    GrantExtraScope = "grant-extra-scope"
        => breaks(GRANTED)
        .except(&["req-empty-param", "req-scope-omitted"])
        .checks(&[CheckId::RespScope])
        .probe("jwt-happy"),
    /// Error responses are text/plain, not JSON.
    ErrorNotJson = "error-not-json"
        => breaks(INVALID_CLIENT)
        .also(OTHER_ERROR_ANSWERS)
        .checks(&[CheckId::ErrJson])
        .probe("jwt-client-secret"),
    /// error_description carries characters outside RFC 6749 A.8.
    ErrorBadDescriptionChars = "error-bad-description-chars"
        => breaks(INVALID_CLIENT)
        .also(OTHER_ERROR_ANSWERS)
        .checks(&[CheckId::ErrDescription])
        .probe("jwt-client-secret"),
    /// Error responses carry an error_uri that is not a URI.
    ErrorBadUri = "error-bad-uri"
        => breaks(INVALID_CLIENT)
        .also(OTHER_ERROR_ANSWERS)
        .checks(&[CheckId::ErrUri])
        .probe("jwt-client-secret"),
    /// Error responses carry an access_token.
    // ...and req-method, whose 405 must carry no token either.
    ErrorWithToken = "error-with-token"
        => breaks(INVALID_CLIENT)
        .also(OTHER_ERROR_ANSWERS)
        .also(&["req-method"])
        .checks(&[CheckId::ErrNoToken])
        .probe("jwt-client-secret"),
    /// 401 answers of the token endpoint carry no WWW-Authenticate header.
    // The same scenarios: a warning, and a failure where the client sent an Authorization header.
    OmitWwwAuthenticate = "omit-www-authenticate"
        => breaks(INVALID_CLIENT).checks(&[CheckId::ErrWwwAuthenticate]).probe("jwt-client-secret"),
    /// Issue JWT access tokens whose cnf.x5t#S256 names another certificate (JWT format forced).
    // Forces JWT access tokens, so bind-cnf-x5t becomes observable.
    WrongCnf = "wrong-cnf" => breaks(GRANTED).checks(&[CheckId::BindCnfX5t]).probe("jwt-happy"),
    /// Hand a client the access token it was granted before while that one is live.
    // mtls-alias-routing asks twice with one certificate (alias, then plain endpoint).
    ReuseAccessToken = "reuse-access-token"
        => breaks(&["bind-at-unique", "mtls-alias-routing"])
        .checks(&[CheckId::RespAtUnique])
        .warns_only(),
    /// Serve an HTML page instead of the discovery document (the run can test nothing else).
    // The discovery document is unusable: every discovery scenario fails with what it
    // received; every other scenario is Skipped (`skips_the_rest`).
    DiscoveryNotJson = "discovery-not-json"
        => breaks(DISCOVERY)
        .checks(&[CheckId::DiscDocument, CheckId::DiscFetchContentType, CheckId::DiscFetchJson])
        .skips_the_rest(),
    /// Serve the discovery document as text/plain.
    DiscoveryWrongContentType = "discovery-wrong-content-type"
        => breaks(&["disc-fetch"]).checks(&[CheckId::DiscFetchContentType]),
    /// Leave token_endpoint out of the discovery document (the run can test nothing else).
    // The advertised mTLS alias then names an endpoint absent at top level (RFC 8705 §5).
    DiscoveryNoTokenEndpoint = "discovery-no-token-endpoint"
        => breaks(&["disc-mtls-aliases", "disc-token-endpoint"])
        .checks(&[CheckId::DiscTokenEndpoint])
        .skips_the_rest(),
    /// Advertise an issuer other than the one the discovery URL implies (and use it as such).
    DiscoveryIssuerMismatch = "discovery-issuer-mismatch"
        => breaks(&["disc-issuer-match"]).checks(&[CheckId::DiscIssuerMatch]),
    /// Advertise an http:// issuer (and use it as such).
    DiscoveryIssuerNotHttps = "discovery-issuer-not-https"
        => breaks(&["disc-issuer-match", "disc-issuer-url"])
        .checks(&[CheckId::DiscIssuerMatch, CheckId::DiscIssuerUrl]),
    /// Give a metadata member the wrong JSON type (code_challenge_methods_supported as a string).
    DiscoverySchemaViolation = "discovery-schema-violation"
        => breaks(&["disc-schema"]).checks(&[CheckId::DiscSchema]),
    /// Leave tls_client_auth out of token_endpoint_auth_methods_supported (it is still served).
    DiscoveryMissingAuthMethod = "discovery-missing-auth-method"
        => breaks(&["disc-auth-methods"]).checks(&[CheckId::DiscAuthMethodsUsed]),
    /// Also advertise client_secret_basic and client_secret_post.
    // A warn-severity row: the scenario warns, nothing fails (exit 0 unless --strict).
    DiscoveryWeakAuthMethods = "discovery-weak-auth-methods"
        => breaks(&["disc-auth-methods-weak"]).checks(&[CheckId::DiscAuthMethodsWeak]).warns_only(),
    /// Advertise `none` among the assertion signing algorithms.
    DiscoveryAdvertiseAlgNone = "discovery-advertise-alg-none"
        => breaks(&["disc-auth-signing-algs"]).checks(&[CheckId::DiscAuthSigningAlgsNone]),
    /// Leave out tls_client_certificate_bound_access_tokens (tokens are still bound).
    DiscoveryNoBoundTokensFlag = "discovery-no-bound-tokens-flag"
        => breaks(&["disc-mtls-bound"]).checks(&[CheckId::DiscMtlsBound]),
    /// Leave client_credentials out of grant_types_supported (it is still served).
    DiscoveryNoClientCredentialsGrant = "discovery-no-client-credentials-grant"
        => breaks(&["disc-grant-cc"]).checks(&[CheckId::DiscGrantCc]),
    /// Advertise the password grant (it is still refused).
    DiscoveryAdvertisePasswordGrant = "discovery-advertise-password-grant"
        => breaks(&["disc-grant-no-ropc"]).checks(&[CheckId::DiscGrantNoRopc]),
    /// Advertise mtls_endpoint_aliases with authorization_endpoint and an http:// endpoint absent at top level.
    DiscoveryBadAliases = "discovery-bad-aliases"
        => breaks(&["disc-mtls-aliases"]).checks(&[CheckId::DiscMtlsAliases]),
    /// Advertise an http:// registration_endpoint.
    DiscoveryHttpRegistrationEndpoint = "discovery-http-registration-endpoint"
        => breaks(&["disc-registration-endpoint"]).checks(&[CheckId::DiscRegistrationEndpoint]),
    /// Advertise a scope containing a space.
    DiscoveryBadScopes = "discovery-bad-scopes"
        => breaks(&["disc-scopes-syntax"]).checks(&[CheckId::DiscScopesSyntax]),
    /// Answer discovery with HTTP 503 and a JSON error body (the run can test nothing else).
    // HTTP 503: as unusable as a page that is not JSON.
    DiscoveryStatus503 = "discovery-status-503"
        => breaks(DISCOVERY).checks(&[CheckId::DiscFetch, CheckId::DiscDocument]).skips_the_rest(),
    /// Advertise only self_signed_tls_client_auth: neither private_key_jwt nor tls_client_auth (both are still served).
    DiscoveryNoFapiAuthMethod = "discovery-no-fapi-auth-method"
        => breaks(&["disc-auth-methods"])
        .checks(&[CheckId::DiscAuthMethods, CheckId::DiscAuthMethodsUsed]),
    /// Advertise only RS256 as the assertion signing algorithm (PS256 and ES256 are still accepted).
    DiscoveryNoFapiSigningAlg = "discovery-no-fapi-signing-alg"
        => breaks(&["disc-auth-signing-algs"])
        .checks(&[CheckId::DiscAuthSigningAlgs, CheckId::DiscAuthSigningAlgsOther]),
    /// Also advertise RS256 beside PS256 and ES256 as assertion signing algorithms (it is still refused).
    // Warn-severity checks: the scenario warns, nothing fails (exit 0 unless --strict).
    DiscoveryExtraSigningAlg = "discovery-extra-signing-alg"
        => breaks(&["disc-auth-signing-algs"])
        .checks(&[CheckId::DiscAuthSigningAlgsOther])
        .warns_only(),
    /// Also advertise the implicit grant.
    DiscoveryAdvertiseImplicit = "discovery-advertise-implicit"
        => breaks(&["disc-grant-no-ropc"]).checks(&[CheckId::DiscGrantNoImplicit]).warns_only(),
    /// Add a member no metadata registry defines (`x_vendor_feature`).
    DiscoveryUnknownMember = "discovery-unknown-member"
        => breaks(&["disc-schema"]).checks(&[CheckId::DiscSchemaUnknown]).warns_only(),
    /// Publish a private member (`d`) in the JWKS.
    JwksPrivateKey = "jwks-private-key"
        => breaks(&["disc-jwks"]).checks(&[CheckId::DiscJwksPrivate]),
    /// Publish a symmetric key (kty oct) in the JWKS.
    JwksSymmetricKey = "jwks-symmetric-key"
        => breaks(&["disc-jwks"]).checks(&[CheckId::DiscJwksPrivate]),
    /// Publish two keys with one kid.
    JwksDuplicateKid = "jwks-duplicate-kid"
        => breaks(&["disc-jwks"]).checks(&[CheckId::DiscJwksKid]),
    /// Publish a 1024-bit RSA key.
    JwksSmallKey = "jwks-small-key" => breaks(&["disc-jwks"]).checks(&[CheckId::DiscJwksKeySize]),
    /// Advertise an http:// jwks_uri (the JWKS is still served over https only).
    JwksUriHttp = "jwks-uri-http" => breaks(&["disc-jwks"]).checks(&[CheckId::DiscJwksUri]),
    /// Also publish an RSA key without its modulus `n`.
    JwksUnusableKey = "jwks-unusable-key"
        => breaks(&["disc-jwks"]).checks(&[CheckId::DiscJwksUsable]).warns_only(),
    /// Serve an HTML page instead of the JWKS.
    JwksNotJson = "jwks-not-json" => breaks(&["disc-jwks"]).checks(&[CheckId::DiscJwks]),
}

impl Fault {
    /// Looks a fault up by its command-line name.
    pub fn from_name(name: &str) -> Option<Fault> {
        Fault::ALL.iter().copied().find(|f| f.name() == name)
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut names: Vec<&str> = Fault::ALL.iter().map(|f| f.name()).collect();
        for f in Fault::ALL {
            assert_eq!(Fault::from_name(f.name()), Some(*f));
            assert!(!f.description().is_empty(), "{f} has no description");
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Fault::ALL.len());
    }

    #[test]
    fn groups_with_also_and_except_spell_out_their_scenarios() {
        let with_token = Fault::ErrorWithToken.breaks().listed().expect("listed");
        assert_eq!(
            with_token.len(),
            INVALID_CLIENT.len() + OTHER_ERROR_ANSWERS.len() + 1
        );
        assert_eq!(with_token.last(), Some(&"req-method"));
        let extra_scope = Fault::GrantExtraScope.breaks().listed().expect("listed");
        assert_eq!(extra_scope.len(), GRANTED.len() - 2);
        assert!(!extra_scope.contains(&"req-empty-param"));
        assert!(!extra_scope.contains(&"req-scope-omitted"));
        assert_eq!(Fault::NoInteractionIdEcho.breaks().listed(), None);
        assert_eq!(
            Fault::AcceptAnyGrantType.breaks().probe_scenario(),
            Some("req-grant-unknown")
        );
        assert_eq!(
            Fault::AcceptAlgNone.breaks().probe_scenario(),
            Some("jwt-alg-none")
        );
        assert_eq!(Fault::OmitPragma.breaks().checks, &[CheckId::RespPragma]);
        assert!(Fault::OmitPragma.breaks().warns_only);
    }
}
