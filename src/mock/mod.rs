//! The built-in mock OFP: a strict FAPI 2.0 authorization server and resource server over real
//! TLS on 127.0.0.1, with a named fault for every check it performs.
//!
//! Contract with the harness: [`MockServer::start`] returns a running server whose
//! [`MockMaterials`] describe everything a target file needs.

pub mod assertion;
pub mod client_cert;
pub mod error;
pub mod fault_groups;
pub mod faults;
pub mod form;
pub mod metadata;
pub mod pki;
pub mod replay;
pub mod resource;
pub mod server;
pub mod state;
pub mod token;
pub mod violation;

pub use crate::pki::subject_dn_rfc4514;
pub use error::MockError;
pub use faults::Fault;
pub use pki::{ClientPki, MockPki};
pub use server::MockServer;
pub use violation::Violation;

/// How the mock presents itself where the standards allow several behaviours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TokenFormat {
    /// Random opaque access tokens (what the OFM sandbox issues).
    #[default]
    Opaque,
    /// RFC 9068 JWT access tokens carrying `cnf.x5t#S256`.
    Jwt,
}

/// Options of one mock instance.
#[derive(Debug, Clone)]
pub struct MockOptions {
    /// Port on 127.0.0.1; `None` picks an ephemeral port.
    pub port: Option<u16>,
    /// Faults switched on.
    pub faults: Vec<Fault>,
    pub token_format: TokenFormat,
    /// Advertise `mtls_endpoint_aliases` and serve the token endpoint under an alias path
    /// (default on, so the alias rows apply to the default mock).
    pub mtls_aliases: bool,
    /// Require a client certificate at the TLS handshake instead of answering 401 in JSON. The
    /// discovery document stays public (OFM §1: no mTLS for the well-known), so the certificate-
    /// requiring listener is a second port, advertised in `mtls_endpoint_aliases` (RFC 8705 §5).
    pub require_cert_at_handshake: bool,
    /// Require a client certificate at the TLS handshake on every path, the discovery document
    /// and the JWKS included (`ofpc mock --require-client-cert`): "mTLS on all API connections"
    /// read strictly, which FAPI 2.0 allows.
    pub require_client_cert: bool,
    /// Delay added before every answer, in milliseconds (for `ofpc mock --latency`).
    pub latency_ms: u64,
    /// Access-token lifetime (`expires_in`); `None` means 600 s. Any sane value is conformant,
    /// which makes it the answer tests change to show drift.
    pub token_ttl_secs: Option<u32>,
    /// Clients whose credentials were made elsewhere (e.g. by `ofpc pki init`), registered as
    /// a participant registers at the portal.
    pub extra_clients: Vec<ExternalClient>,
    /// Answer the first requests with 429 or 503 and `Retry-After` (to test a client's pacing).
    pub throttle: Option<Throttle>,
}

/// The mock's rate limiting: the first `first` requests (any path) get `status` with
/// `Retry-After: retry_after` and an RFC 6749-style JSON error body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Throttle {
    pub first: u64,
    /// 429 or 503.
    pub status: u16,
    /// Delay-seconds (`"1"`) or an HTTP-date.
    pub retry_after: String,
}

/// A client registered from outside: its transport certificate is trusted as it is (self-signed
/// ones too, as the sandbox does for an uploaded certificate); with a signing JWK it uses
/// `private_key_jwt` (key found by the JWK's `kid`), without one `tls_client_auth` (bound to
/// the certificate's subject DN).
#[derive(Debug, Clone)]
pub struct ExternalClient {
    pub client_id: String,
    pub transport_cert_der: Vec<u8>,
    /// The public signing JWK (RSA or EC P-256) with its `kid`.
    pub signing_jwk: Option<serde_json::Value>,
}

impl Default for MockOptions {
    fn default() -> MockOptions {
        MockOptions {
            port: None,
            faults: Vec::new(),
            token_format: TokenFormat::default(),
            mtls_aliases: true,
            require_cert_at_handshake: false,
            require_client_cert: false,
            latency_ms: 0,
            token_ttl_secs: None,
            extra_clients: Vec::new(),
            throttle: None,
        }
    }
}

/// A client registered at the mock, with the credentials a target file needs.
/// Key material here is test material generated at start; it is never written to reports.
#[derive(Clone)]
pub struct MockClient {
    pub client_id: String,
    /// `private_key_jwt` or `tls_client_auth`.
    pub auth: String,
    /// Transport (mTLS) certificate, PEM.
    pub cert_pem: String,
    /// Transport private key, PKCS#8 PEM.
    pub key_pem: String,
    /// Assertion signing key (RSA-2048, PKCS#8 PEM), `private_key_jwt` only.
    pub signing_key_pem: Option<String>,
    pub signing_kid: Option<String>,
    /// The scope granted to this client.
    pub scope: String,
    /// Registered subject DN (RFC 4514), `tls_client_auth` only.
    pub subject_dn: Option<String>,
}

impl std::fmt::Debug for MockClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockClient")
            .field("client_id", &self.client_id)
            .field("auth", &self.auth)
            .field("signing_kid", &self.signing_kid)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

/// Everything the harness needs to test the mock: URLs, trust root, clients.
#[derive(Debug, Clone)]
pub struct MockMaterials {
    /// `https://127.0.0.1:PORT`
    pub issuer: String,
    pub discovery_url: String,
    pub token_endpoint: String,
    /// `mtls_endpoint_aliases.token_endpoint`, when advertised (token requests go there).
    pub mtls_token_endpoint: Option<String>,
    /// `https://127.0.0.1:PORT/v1/providers`
    pub resource_url: String,
    /// The mock CA certificate (trust root for the server certificate), PEM.
    pub ca_pem: String,
    /// `private_key_jwt` client (PS256, RSA-2048).
    pub client: MockClient,
    /// A second `private_key_jwt` client, distinct keys and certificate DN.
    pub second_client: MockClient,
    /// A `tls_client_auth` client (bound by subject DN).
    pub mtls_client: MockClient,
    /// A scope the mock supports but grants to no client (`profile`).
    pub ungranted_scope: String,
    /// The mock CA's private key (PKCS#8 PEM, test material): the mock trusts client
    /// certificates from `ca_pem`, so the harness can issue expired, unregistered and
    /// look-alike ones it must reject for those reasons alone.
    pub client_ca_key_pem: Option<String>,
}
