//! Named faults: each switches off one check of the mock or breaks one behaviour, so that the
//! scenario which detects it can be shown to fail.

use std::fmt;

macro_rules! faults {
    ($( $(#[doc = $doc:literal])* $variant:ident = $name:literal ),+ $(,)?) => {
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
        }
    };
}

faults! {
    /// Accept client assertions with `alg: none` (no signature).
    AcceptAlgNone = "accept-alg-none",
    /// Accept RS256-signed client assertions (only PS256/ES256 are allowed).
    AcceptRs256 = "accept-rs256",
    /// Verify HS256 assertions with the client's public key PEM as the MAC key (key confusion).
    AcceptHs256PublicKey = "accept-hs256-public-key",
    /// Do not verify the assertion signature at all.
    SkipSignatureCheck = "skip-signature-check",
    /// Do not check that `iss` equals the client_id.
    SkipIssCheck = "skip-iss-check",
    /// Do not check that `sub` equals the client_id.
    SkipSubCheck = "skip-sub-check",
    /// Do not check `aud`.
    SkipAudCheck = "skip-aud-check",
    /// Accept assertions without `exp`.
    AllowMissingExp = "allow-missing-exp",
    /// Accept assertions whose `exp` has passed.
    SkipExpCheck = "skip-exp-check",
    /// Accept `iat`/`nbf` far in the future (no clock-skew limit).
    SkipNbfIatCheck = "skip-nbf-iat-check",
    /// Accept assertions without `jti`.
    AllowMissingJti = "allow-missing-jti",
    /// Accept a `jti` that was already used.
    SkipJtiReplayCheck = "skip-jti-replay-check",
    /// Do not check that the form `client_id` names the client the assertion authenticates.
    SkipClientIdMatch = "skip-client-id-match",
    /// Reject every private_key_jwt client authentication (breaks the happy path).
    RejectPrivateKeyJwt = "reject-private-key-jwt",
    /// Reject every tls_client_auth client authentication (breaks the happy path).
    RejectTlsClientAuth = "reject-tls-client-auth",
    /// Issue an unbound token to a private_key_jwt client that presented no certificate.
    IssueUnboundToken = "issue-unbound-token",
    /// With an mTLS alias advertised, the plain token_endpoint issues unbound tokens, and the resource server accepts unbound tokens as plain bearer tokens.
    PlainEndpointUnboundToken = "plain-endpoint-unbound-token",
    /// Authenticate a tls_client_auth client by its client_id alone when no certificate is presented.
    AcceptMtlsWithoutCert = "accept-mtls-without-cert",
    /// Accept client certificates from an untrusted CA, and self-signed ones.
    SkipClientCaCheck = "skip-client-ca-check",
    /// Accept expired and not-yet-valid client certificates.
    SkipClientCertValidity = "skip-client-cert-validity",
    /// Do not match the certificate subject against the tls_client_auth client's registered DN.
    SkipMtlsSubjectMatch = "skip-mtls-subject-match",
    /// Grant whatever scope is requested.
    SkipScopeCheck = "skip-scope-check",
    /// Treat a missing grant_type as client_credentials.
    DefaultGrantType = "default-grant-type",
    /// Issue tokens for the resource owner password credentials grant.
    AcceptPasswordGrant = "accept-password-grant",
    /// Serve the token endpoint for any HTTP method (GET reads the query).
    AcceptAnyMethod = "accept-any-method",
    /// Accept token requests whose body is not application/x-www-form-urlencoded.
    SkipContentTypeCheck = "skip-content-type-check",
    /// Accept repeated form parameters (the last one wins).
    AllowRepeatedParams = "allow-repeated-params",
    /// Resource server: accept a token presented with another certificate (or none).
    SkipRsBindingCheck = "skip-rs-binding-check",
    /// Omit `Cache-Control: no-store` on token responses.
    OmitCacheControl = "omit-cache-control",
    /// Do not echo `x-fapi-interaction-id`.
    NoInteractionIdEcho = "no-interaction-id-echo",
    /// Answer invalid_client with HTTP 403 instead of 400/401.
    WrongErrorStatus = "wrong-error-status",
    /// Authenticate a private_key_jwt client by its client_id and any certificate, with no assertion.
    SkipAuthMethodCheck = "skip-auth-method-check",
    /// Accept a missing, empty or wrong client_assertion_type.
    SkipAssertionTypeCheck = "skip-assertion-type-check",
    /// Read only the first compact JWS of client_assertion and ignore what follows it.
    ParseFirstJws = "parse-first-jws",
    /// Accept assertions signed with PS384, PS512, RS384 or RS512 (outside the FAPI set).
    AcceptNonFapiAlg = "accept-non-fapi-alg",
    /// Look up the verification key by kid among all clients, not only the assertion's client.
    KeyLookupByKid = "key-lookup-by-kid",
    /// Verify the assertion with the key in its own `jwk` header.
    TrustEmbeddedJwk = "trust-embedded-jwk",
    /// Ignore the `crit` header of assertions.
    IgnoreCrit = "ignore-crit",
    /// Accept any `typ` header on assertions (dpop+jwt, at+jwt).
    SkipTypCheck = "skip-typ-check",
    /// Reject private_key_jwt requests without a client_id parameter (RFC 7521 §4.2 makes it optional).
    RequireClientId = "require-client-id",
    /// Accept an `aud` array that contains the issuer.
    AcceptAudArray = "accept-aud-array",
    /// Compare `aud` with the issuer ignoring case, a trailing slash and the port.
    LenientAudMatch = "lenient-aud-match",
    /// Accept assertions whose exp lies more than an hour ahead.
    AllowLongLivedAssertion = "allow-long-lived-assertion",
    /// Allow no clock skew: reject an iat or nbf even a few seconds in the future.
    NoClockSkew = "no-clock-skew",
    /// Ignore the Authorization header of token requests.
    IgnoreAuthorizationHeader = "ignore-authorization-header",
    /// Accept any client secret (client_secret_basic or client_secret_post) for a known client_id.
    AcceptClientSecret = "accept-client-secret",
    /// Identify a tls_client_auth client by its certificate when client_id is missing or unknown.
    IdentifyClientByCert = "identify-client-by-cert",
    /// Resource server: read the access token from the `access_token` query parameter.
    AcceptTokenInQuery = "accept-token-in-query",
    /// Resource server: accept only the exact scheme `Bearer` (RFC 9110 makes it case-insensitive).
    CaseSensitiveBearer = "case-sensitive-bearer",
    /// Resource server: serve requests that carry no access token.
    RsAllowAnonymous = "rs-allow-anonymous",
    /// Treat any grant_type other than password as client_credentials.
    AcceptAnyGrantType = "accept-any-grant-type",
    /// Reject token requests carrying parameters the mock does not know.
    RejectUnknownParams = "reject-unknown-params",
    /// Merge URL query parameters into the form of a POST token request.
    ReadQueryParams = "read-query-params",
    /// Ignore the `resource` parameter (RFC 8707) instead of checking it.
    IgnoreResourceParam = "ignore-resource-param",
    /// Token responses declare Content-Type text/plain.
    SuccessWrongContentType = "success-wrong-content-type",
    /// Omit `Pragma: no-cache` on token responses.
    OmitPragma = "omit-pragma",
    /// Issue short, low-entropy access tokens.
    ShortAccessToken = "short-access-token",
    /// Answer token_type MAC.
    TokenTypeMac = "token-type-mac",
    /// Leave token_type out of token responses.
    OmitTokenType = "omit-token-type",
    /// Leave expires_in out of token responses.
    OmitExpiresIn = "omit-expires-in",
    /// Send expires_in as a JSON string.
    ExpiresInString = "expires-in-string",
    /// Issue a refresh_token with client credentials.
    IssueRefreshToken = "issue-refresh-token",
    /// Issue an id_token with client credentials.
    IssueIdToken = "issue-id-token",
    /// Return a scope wider than the one requested.
    GrantExtraScope = "grant-extra-scope",
    /// Error responses are text/plain, not JSON.
    ErrorNotJson = "error-not-json",
    /// error_description carries characters outside RFC 6749 A.8.
    ErrorBadDescriptionChars = "error-bad-description-chars",
    /// Error responses carry an error_uri that is not a URI.
    ErrorBadUri = "error-bad-uri",
    /// Error responses carry an access_token.
    ErrorWithToken = "error-with-token",
    /// 401 answers of the token endpoint carry no WWW-Authenticate header.
    OmitWwwAuthenticate = "omit-www-authenticate",
    /// Issue JWT access tokens whose cnf.x5t#S256 names another certificate (JWT format forced).
    WrongCnf = "wrong-cnf",
    /// Hand a client the access token it was granted before while that one is live.
    ReuseAccessToken = "reuse-access-token",
    /// Serve an HTML page instead of the discovery document (the run can test nothing else).
    DiscoveryNotJson = "discovery-not-json",
    /// Serve the discovery document as text/plain.
    DiscoveryWrongContentType = "discovery-wrong-content-type",
    /// Leave token_endpoint out of the discovery document (the run can test nothing else).
    DiscoveryNoTokenEndpoint = "discovery-no-token-endpoint",
    /// Advertise an issuer other than the one the discovery URL implies (and use it as such).
    DiscoveryIssuerMismatch = "discovery-issuer-mismatch",
    /// Advertise an http:// issuer (and use it as such).
    DiscoveryIssuerNotHttps = "discovery-issuer-not-https",
    /// Give a metadata member the wrong JSON type (code_challenge_methods_supported as a string).
    DiscoverySchemaViolation = "discovery-schema-violation",
    /// Leave tls_client_auth out of token_endpoint_auth_methods_supported (it is still served).
    DiscoveryMissingAuthMethod = "discovery-missing-auth-method",
    /// Also advertise client_secret_basic and client_secret_post.
    DiscoveryWeakAuthMethods = "discovery-weak-auth-methods",
    /// Advertise `none` among the assertion signing algorithms.
    DiscoveryAdvertiseAlgNone = "discovery-advertise-alg-none",
    /// Leave out tls_client_certificate_bound_access_tokens (tokens are still bound).
    DiscoveryNoBoundTokensFlag = "discovery-no-bound-tokens-flag",
    /// Leave client_credentials out of grant_types_supported (it is still served).
    DiscoveryNoClientCredentialsGrant = "discovery-no-client-credentials-grant",
    /// Advertise the password grant (it is still refused).
    DiscoveryAdvertisePasswordGrant = "discovery-advertise-password-grant",
    /// Advertise mtls_endpoint_aliases with authorization_endpoint and an http:// endpoint absent at top level.
    DiscoveryBadAliases = "discovery-bad-aliases",
    /// Advertise an http:// registration_endpoint.
    DiscoveryHttpRegistrationEndpoint = "discovery-http-registration-endpoint",
    /// Advertise a scope containing a space.
    DiscoveryBadScopes = "discovery-bad-scopes",
    /// Answer discovery with HTTP 503 and a JSON error body (the run can test nothing else).
    DiscoveryStatus503 = "discovery-status-503",
    /// Advertise only self_signed_tls_client_auth: neither private_key_jwt nor tls_client_auth (both are still served).
    DiscoveryNoFapiAuthMethod = "discovery-no-fapi-auth-method",
    /// Advertise only RS256 as the assertion signing algorithm (PS256 and ES256 are still accepted).
    DiscoveryNoFapiSigningAlg = "discovery-no-fapi-signing-alg",
    /// Also advertise RS256 beside PS256 and ES256 as assertion signing algorithms (it is still refused).
    DiscoveryExtraSigningAlg = "discovery-extra-signing-alg",
    /// Also advertise the implicit grant.
    DiscoveryAdvertiseImplicit = "discovery-advertise-implicit",
    /// Add a member no metadata registry defines (`x_vendor_feature`).
    DiscoveryUnknownMember = "discovery-unknown-member",
    /// Publish a private member (`d`) in the JWKS.
    JwksPrivateKey = "jwks-private-key",
    /// Publish a symmetric key (kty oct) in the JWKS.
    JwksSymmetricKey = "jwks-symmetric-key",
    /// Publish two keys with one kid.
    JwksDuplicateKid = "jwks-duplicate-kid",
    /// Publish a 1024-bit RSA key.
    JwksSmallKey = "jwks-small-key",
    /// Advertise an http:// jwks_uri (the JWKS is still served over https only).
    JwksUriHttp = "jwks-uri-http",
    /// Also publish an RSA key without its modulus `n`.
    JwksUnusableKey = "jwks-unusable-key",
    /// Serve an HTML page instead of the JWKS.
    JwksNotJson = "jwks-not-json",
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
}
