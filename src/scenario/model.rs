//! The scenario model, which is also the TOML format (every struct rejects unknown keys).

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::model::check_id::MetadataCheck;
use crate::model::{AssertionAlg, ErrorCode, Severity};

/// One scenario file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub id: String,
    pub title: String,
    pub category: String,
    pub severity: Severity,
    #[serde(default)]
    pub requires: Vec<Capability>,
    #[serde(default)]
    pub refs: Vec<String>,
    /// The discovery check its `expect = "metadata"` steps run (catalogue §6.2).
    pub metadata_check: Option<MetadataCheck>,
    /// Profiles the scenario applies to; empty means all.
    #[serde(default)]
    pub profiles: Vec<String>,
    /// Runs alone under `--jobs`: no other scenario overlaps it (its verdict depends on state
    /// the server keeps between its steps).
    #[serde(default)]
    pub exclusive: bool,
    #[serde(rename = "step")]
    pub steps: Vec<Step>,
    /// Where the scenario came from (`scenarios/client-auth-jwt/jwt-exp-past.toml`).
    #[serde(skip)]
    pub source: String,
}

impl Scenario {
    /// Whether every step fetches a metadata document itself (the discovery scenarios): such a
    /// scenario runs even when the run's own discovery failed, and reports what it received.
    pub fn fetches_own_documents(&self) -> bool {
        self.steps.iter().all(|s| s.endpoint.is_document())
    }
}

/// What a scenario or step needs from the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Capability {
    /// A `private_key_jwt` client.
    PrivateKeyJwt,
    /// A `tls_client_auth` client.
    TlsClientAuth,
    /// A second registered client.
    SecondClient,
    /// A resource URL to present tokens at.
    Resource,
    /// A scope the server supports but does not grant to the client.
    UngrantedScope,
    /// A discovery URL (the target file's `discovery`), for the discovery scenarios.
    Discovery,
    /// A CA the target trusts for client certificates, with its key (`[client_ca]`), so the
    /// harness can issue trusted certificates with unregistered or look-alike subjects.
    ClientCa,
    /// An advertised `mtls_endpoint_aliases.token_endpoint` (RFC 8705 §5). Known only once the
    /// discovery document is read: a target with static endpoints has none.
    MtlsAlias,
}

impl Capability {
    pub fn as_str(self) -> &'static str {
        match self {
            Capability::PrivateKeyJwt => "private_key_jwt",
            Capability::TlsClientAuth => "tls_client_auth",
            Capability::SecondClient => "second_client",
            Capability::Resource => "resource",
            Capability::UngrantedScope => "ungranted_scope",
            Capability::Discovery => "discovery",
            Capability::ClientCa => "client_ca",
            Capability::MtlsAlias => "mtls_alias",
        }
    }
}

/// A registered client (or none) by its role in the target file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Identity {
    /// The scenario's main client: the `private_key_jwt` client for scenarios requiring it, the
    /// `tls_client_auth` client for those requiring that, else `[client]`.
    Client,
    SecondClient,
    MtlsClient,
    /// No TLS client certificate at all.
    None,
    /// TLS only, generated once per run from the registered client's subject: the same subject
    /// issued by a fresh CA nobody trusts.
    UntrustedCa,
    /// The registered subject, expired yesterday (issued by `[client_ca]` when given, else
    /// by a harness-made CA).
    Expired,
    /// The registered subject, valid only from tomorrow (issuer as for `expired`).
    NotYetValid,
    /// The registered subject, self-signed.
    SelfSigned,
    /// A subject registered to no client, issued by `[client_ca]`.
    Unregistered,
    /// The registered subject plus an extra OU attribute, issued by `[client_ca]`.
    DnSuperset,
    /// The registered subject's attributes in reverse order, issued by `[client_ca]`.
    DnReordered,
    /// The registered subject with its values upper-cased, issued by `[client_ca]`.
    DnCaseVariant,
}

impl Identity {
    pub fn as_str(self) -> &'static str {
        match self {
            Identity::Client => "client",
            Identity::SecondClient => "second-client",
            Identity::MtlsClient => "mtls-client",
            Identity::None => "none",
            Identity::UntrustedCa => "untrusted-ca",
            Identity::Expired => "expired",
            Identity::NotYetValid => "not-yet-valid",
            Identity::SelfSigned => "self-signed",
            Identity::Unregistered => "unregistered",
            Identity::DnSuperset => "dn-superset",
            Identity::DnReordered => "dn-reordered",
            Identity::DnCaseVariant => "dn-case-variant",
        }
    }

    /// True for the certificates the harness makes itself (TLS identities only).
    pub fn is_generated(self) -> bool {
        !matches!(
            self,
            Identity::Client | Identity::SecondClient | Identity::MtlsClient | Identity::None
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Endpoint {
    #[default]
    Token,
    Resource,
    /// `GET` the target's discovery URL, without a client certificate.
    Discovery,
    /// `GET` the `jwks_uri` named by the discovery document an earlier step of the scenario
    /// fetched (else the run's), without a client certificate.
    Jwks,
    /// `mtls_endpoint_aliases.token_endpoint` when advertised, else `token_endpoint` (the same
    /// as `token`, named for clarity in alias scenarios).
    MtlsAlias,
    /// The metadata's `token_endpoint` itself, even when an mTLS alias is advertised.
    TokenEndpoint,
    /// `http://` + the token endpoint's host, port and path: the request without TLS.
    PlainHttp,
}

impl Endpoint {
    /// Whether the step fetches a public metadata document rather than calling the AS or RS.
    pub fn is_document(self) -> bool {
        matches!(self, Endpoint::Discovery | Endpoint::Jwks)
    }
}

/// A transport check run instead of an HTTP exchange (`probe = "..."` on a step).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Probe {
    /// Raw-ClientHello rows (`tlsprobe`), against the token endpoint and a distinct alias.
    #[serde(rename = "tls-10-refused")]
    Tls10Refused,
    #[serde(rename = "tls-11-refused")]
    Tls11Refused,
    #[serde(rename = "tls-12-bcp195-ok")]
    Tls12Bcp195Ok,
    #[serde(rename = "tls-13-supported")]
    Tls13Supported,
    #[serde(rename = "tls-13-preferred")]
    Tls13Preferred,
    #[serde(rename = "tls12-only-recommended-suites")]
    Tls12OnlyRecommendedSuites,
    #[serde(rename = "tls12-dhe-suites")]
    Tls12DheSuites,
    /// A full rustls handshake validating the server's chain and name against the trusted roots.
    ServerCert,
}

/// What a step expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Expect {
    /// A token is issued: every success check runs.
    Granted,
    /// An RFC 6749 §5.2 error: every error check runs.
    Rejected,
    /// A TLS-level refusal (alert, reset) and no HTTP answer.
    Refused,
    /// Either of the two.
    RejectedOrRefused,
    /// An error, or a token whose granted scope leaves out what was asked (RFC 6749 §3.3).
    RejectedOrNarrowed,
    /// Anything but a token, with a status from `statuses` (e.g. a 405 for a wrong method).
    NotGranted,
    /// Either a token or an RFC 6749 §5.2 error, whichever the server chooses: the answer is
    /// recorded, and the checks of the branch taken run (rows the standards leave open).
    GrantedOrRejected,
    /// A token, an RFC 6749 §5.2 error or a TLS-level refusal, whichever the server chooses:
    /// recorded as for `granted-or-rejected` (e.g. a plain endpoint that may refuse mTLS).
    GrantedRejectedOrRefused,
    /// Resource server answers 200.
    ResourceOk,
    /// Resource server refuses (401 `invalid_token` preferred; any 4xx tolerated).
    ResourceDenied,
    /// A metadata document (discovery or JWKS): the judge runs the checks of the catalogue row
    /// named by the scenario id (`judge::discovery`).
    Metadata,
    /// Never a token: a refused, closed or reset connection, a non-HTTP answer, or an HTTP
    /// answer without a token all pass (tls-no-plaintext).
    NoToken,
    /// The probe's own checks decide (steps with `probe`).
    ProbeChecks,
}

impl Expect {
    pub fn as_str(self) -> &'static str {
        match self {
            Expect::Granted => "granted",
            Expect::Rejected => "rejected",
            Expect::Refused => "refused",
            Expect::RejectedOrRefused => "rejected-or-refused",
            Expect::RejectedOrNarrowed => "rejected-or-narrowed",
            Expect::NotGranted => "not-granted",
            Expect::GrantedOrRejected => "granted-or-rejected",
            Expect::GrantedRejectedOrRefused => "granted-rejected-or-refused",
            Expect::ResourceOk => "resource-ok",
            Expect::ResourceDenied => "resource-denied",
            Expect::Metadata => "metadata",
            Expect::NoToken => "no-token",
            Expect::ProbeChecks => "probe-checks",
        }
    }
}

/// One request and what it must produce. Starts from the valid baseline request and changes
/// only what it names.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// What the step does, in a few words.
    pub name: Option<String>,
    /// Whose credentials go in the request (client_id, assertion). Default: `client`.
    #[serde(default = "default_identity")]
    pub client: Identity,
    /// Which certificate the TLS handshake presents. Default: the same as `client`.
    pub tls: Option<Identity>,
    #[serde(default)]
    pub endpoint: Endpoint,
    /// Run this transport check instead of sending a request (use with `expect = "probe-checks"`).
    pub probe: Option<Probe>,
    /// HTTP method; default POST for the token endpoint, GET for the resource.
    pub method: Option<String>,
    /// Send the form parameters in the query string instead of the body.
    #[serde(default)]
    pub form_in_query: bool,
    /// Replace the Content-Type header; `""` removes it.
    pub content_type: Option<String>,
    /// Headers to set (added or replaced).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Headers to remove.
    #[serde(default)]
    pub remove_headers: Vec<String>,
    /// Form parameters to set. Values may use `{issuer}`, `{token_endpoint}`,
    /// `{mtls_token_endpoint}` (the advertised alias, else empty), `{client_id}`,
    /// `{second_client_id}`, `{scope}`, `{ungranted_scope}`.
    #[serde(default)]
    pub form: BTreeMap<String, String>,
    /// Form parameters to remove.
    #[serde(default)]
    pub remove_form: Vec<String>,
    /// Form parameters to send twice.
    #[serde(default)]
    pub repeat_form: Vec<String>,
    /// Form parameters moved from the body into the URL query string (the rest stays in the body).
    #[serde(default)]
    pub move_to_query: Vec<String>,
    /// A raw body replacing the form entirely.
    pub body: Option<String>,
    /// Changes to the client assertion (`private_key_jwt` only).
    #[serde(default)]
    pub assertion: AssertionSpec,
    /// Resource calls: use the access token granted in this (1-based) step.
    pub token_from: Option<usize>,
    /// Resource calls: the authorization scheme as written (default `Bearer`).
    pub auth_scheme: Option<String>,
    /// Resource calls: put the token in the query string instead of the header.
    #[serde(default)]
    pub token_in_query: bool,
    pub expect: Expect,
    /// Acceptable `error` codes for a rejection.
    #[serde(default)]
    pub errors: Vec<ErrorCode>,
    /// Acceptable HTTP statuses, where the default rule does not apply.
    #[serde(default)]
    pub statuses: Vec<u16>,
    /// What this step needs beyond the scenario's `requires`; without it the step is skipped.
    #[serde(default)]
    pub requires: Vec<Capability>,
    /// Per-profile changes of the expectation.
    #[serde(default)]
    pub profile: BTreeMap<String, StepOverride>,
}

fn default_identity() -> Identity {
    Identity::Client
}

/// How the client assertion is built or broken.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssertionSpec {
    /// The `alg` to sign with (default: the key's own).
    pub alg: Option<AssertionAlg>,
    /// Which key signs: the step client's own, a fresh unregistered one, or the second client's.
    pub key: Option<KeyChoice>,
    /// The `kid` header; default the signing key's registered kid.
    pub kid: Option<String>,
    /// Claims to set. Times accept `now`, `now-300s`, `now+1d`; strings accept placeholders.
    #[serde(default)]
    pub claims: BTreeMap<String, toml::Value>,
    /// Claims to remove.
    #[serde(default)]
    pub remove_claims: Vec<String>,
    /// Flip one byte of the signature.
    #[serde(default)]
    pub tamper_signature: bool,
    /// Resend the assertion built in this (1-based) step.
    pub reuse_from: Option<usize>,
    /// Extra or changed JOSE header members.
    #[serde(default)]
    pub header: HeaderSpec,
}

/// JOSE header members a step adds to the assertion (RFC 7515 §4.1).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeaderSpec {
    /// `jwk`: embed the public key of the signer. `attacker` signs with a fresh unregistered key
    /// and embeds its public JWK.
    pub jwk: Option<EmbeddedKey>,
    /// `jku`: a JWK Set URL.
    pub jku: Option<String>,
    /// `x5u`: an X.509 URL.
    pub x5u: Option<String>,
    /// `crit`: the names listed; each is also added as a header member (`true`).
    #[serde(default)]
    pub crit: Vec<String>,
    /// `typ` in place of the default `JWT`.
    pub typ: Option<String>,
}

impl HeaderSpec {
    /// Whether the step changes the header at all.
    pub fn is_empty(&self) -> bool {
        *self == HeaderSpec::default()
    }
}

/// Whose public key goes in the `jwk` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EmbeddedKey {
    /// A fresh key registered nowhere, which also signs the assertion.
    Attacker,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyChoice {
    Client,
    SecondClient,
    Unregistered,
}

/// A per-profile change of a step's expectation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepOverride {
    pub expect: Option<Expect>,
    pub errors: Option<Vec<ErrorCode>>,
    pub statuses: Option<Vec<u16>>,
    /// The severity of this step's checks under the profile (`warn` where the profile only
    /// recommends).
    pub severity: Option<Severity>,
}
