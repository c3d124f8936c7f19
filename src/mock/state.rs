//! The shared state of one running mock: configuration, registered clients, issued tokens and
//! the replay cache.

use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;

use jsonwebtoken::{DecodingKey, EncodingKey};

use super::error::MockError;
use super::pki::{ClientPki, MockPki};
use super::replay::ReplayCache;
use super::{Fault, MockOptions};

/// Scopes the mock supports.
pub const SUPPORTED_SCOPES: [&str; 2] = ["accounts", "profile"];
/// The scope granted to every client.
pub const GRANTED_SCOPE: &str = "accounts";
/// Access token lifetime, seconds.
pub const TOKEN_TTL: i64 = 600;
/// Upper bound on remembered access tokens before expired ones are purged.
const TOKEN_STORE_MAX: usize = 100_000;

/// How a registered client authenticates.
pub enum ClientAuth {
    PrivateKeyJwt {
        kid: String,
        /// The RSA public key (PS256/RS256 verification).
        key: DecodingKey,
        /// The SPKI PEM bytes, used only by `accept-hs256-public-key`.
        public_pem: String,
    },
    TlsClientAuth {
        subject_dn: String,
    },
}

/// A client registered at the mock.
pub struct RegisteredClient {
    pub client_id: String,
    pub auth: ClientAuth,
    pub scopes: BTreeSet<String>,
}

impl RegisteredClient {
    fn from_pki(pki: &ClientPki) -> Result<RegisteredClient, MockError> {
        let auth = match &pki.signing {
            Some(signing) => ClientAuth::PrivateKeyJwt {
                kid: signing.kid.clone(),
                key: DecodingKey::from_rsa_components(&signing.n, &signing.e)
                    .map_err(|e| MockError::Key(e.to_string()))?,
                public_pem: signing.public_pem.clone(),
            },
            None => ClientAuth::TlsClientAuth {
                subject_dn: pki.subject_dn.clone(),
            },
        };
        Ok(RegisteredClient {
            client_id: pki.client_id.clone(),
            auth,
            scopes: BTreeSet::from([GRANTED_SCOPE.to_owned()]),
        })
    }
}

impl RegisteredClient {
    fn external(ext: &super::ExternalClient) -> Result<RegisteredClient, MockError> {
        let auth = match &ext.signing_jwk {
            Some(jwk) => {
                let parsed: jsonwebtoken::jwk::Jwk = serde_json::from_value(jwk.clone())
                    .map_err(|e| MockError::Key(format!("signing JWK: {e}")))?;
                ClientAuth::PrivateKeyJwt {
                    kid: parsed.common.key_id.clone().unwrap_or_default(),
                    key: DecodingKey::from_jwk(&parsed)
                        .map_err(|e| MockError::Key(e.to_string()))?,
                    public_pem: String::new(),
                }
            }
            None => ClientAuth::TlsClientAuth {
                subject_dn: super::subject_dn_rfc4514(&ext.transport_cert_der).ok_or_else(
                    || MockError::Key("the external transport certificate does not parse".into()),
                )?,
            },
        };
        Ok(RegisteredClient {
            client_id: ext.client_id.clone(),
            auth,
            scopes: BTreeSet::from([GRANTED_SCOPE.to_owned()]),
        })
    }
}

/// A token the mock issued.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub client_id: String,
    /// `x5t#S256` of the certificate the token is bound to; `None` when unbound.
    pub x5t: Option<String>,
    /// Unix seconds.
    pub expires_at: i64,
}

/// Everything the handlers share.
pub struct MockState {
    pub issuer: String,
    /// Origin of the listener that serves the mTLS endpoint aliases: the issuer's, or with
    /// `require_cert_at_handshake` a second listener that requires a client certificate.
    pub mtls_base: String,
    pub options: MockOptions,
    pub clients: Vec<RegisteredClient>,
    pub as_key: EncodingKey,
    pub as_kid: String,
    pub jwks: serde_json::Value,
    pub replay: Mutex<ReplayCache>,
    pub tokens: Mutex<HashMap<String, IssuedToken>>,
    /// Every secret the server saw or made (access tokens, client assertions), in order, so a
    /// test can prove none of them reaches a report. Bounded like the token store.
    pub secrets_seen: Mutex<Vec<String>>,
    /// WebPKI verdict of every client certificate presented, by `x5t#S256` (filled by the
    /// handshake's `RecordingVerifier`).
    pub cert_verdicts: super::client_cert::CertVerdicts,
    /// Requests answered so far under `options.throttle`'s count.
    pub throttled: std::sync::atomic::AtomicU64,
}

impl MockState {
    /// Builds the state of a server listening as `issuer`.
    pub fn new(
        pki: &MockPki,
        options: MockOptions,
        issuer: String,
    ) -> Result<MockState, MockError> {
        let mut clients = [&pki.client, &pki.second_client, &pki.mtls_client]
            .into_iter()
            .map(RegisteredClient::from_pki)
            .collect::<Result<Vec<_>, _>>()?;
        for ext in &options.extra_clients {
            clients.push(RegisteredClient::external(ext)?);
        }
        let as_key = EncodingKey::from_ec_pem(pki.as_key.private_pem.expose().as_bytes())
            .map_err(|e| MockError::Key(e.to_string()))?;
        let jwks = serde_json::json!({
            "keys": [{
                "kty": "EC",
                "crv": "P-256",
                "x": pki.as_key.x,
                "y": pki.as_key.y,
                "kid": pki.as_key.kid,
                "use": "sig",
                "alg": "ES256",
            }]
        });
        Ok(MockState {
            mtls_base: issuer.clone(),
            issuer,
            options,
            clients,
            as_key,
            as_kid: pki.as_key.kid.clone(),
            jwks,
            replay: Mutex::new(ReplayCache::default()),
            tokens: Mutex::new(HashMap::new()),
            secrets_seen: Mutex::new(Vec::new()),
            cert_verdicts: Default::default(),
            throttled: Default::default(),
        })
    }

    /// The issuer the server advertises and expects as assertion `aud`: its URL, unless a
    /// discovery fault makes it advertise another one.
    pub fn advertised_issuer(&self) -> String {
        if self.fault(Fault::DiscoveryIssuerMismatch) {
            format!("{}/as", self.issuer)
        } else if self.fault(Fault::DiscoveryIssuerNotHttps) {
            self.issuer.replacen("https://", "http://", 1)
        } else {
            self.issuer.clone()
        }
    }

    /// Whether the discovery document advertises `mtls_endpoint_aliases.token_endpoint` (an
    /// alias path, or the certificate-requiring listener).
    pub fn alias_advertised(&self) -> bool {
        self.options.mtls_aliases || self.options.require_cert_at_handshake
    }

    /// Whether `fault` is switched on.
    pub fn fault(&self, fault: Fault) -> bool {
        self.options.faults.contains(&fault)
    }

    /// The registered client with this id.
    pub fn client(&self, client_id: &str) -> Option<&RegisteredClient> {
        self.clients.iter().find(|c| c.client_id == client_id)
    }

    /// Remembers an issued token.
    pub fn remember(&self, token: String, issued: IssuedToken, now: i64) {
        self.remember_secret(&token);
        let mut tokens = self
            .tokens
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if tokens.len() >= TOKEN_STORE_MAX {
            tokens.retain(|_, t| t.expires_at > now);
        }
        tokens.insert(token, issued);
    }

    /// A live token of this client bound to this certificate (for `reuse-access-token`).
    pub fn live_token_of(&self, client_id: &str, x5t: Option<&str>, now: i64) -> Option<String> {
        let tokens = self
            .tokens
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        tokens
            .iter()
            .find(|(_, t)| {
                t.client_id == client_id && t.x5t.as_deref() == x5t && t.expires_at > now
            })
            .map(|(token, _)| token.clone())
    }

    /// The live token with this value.
    pub fn lookup(&self, token: &str, now: i64) -> Option<IssuedToken> {
        let tokens = self
            .tokens
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        tokens.get(token).filter(|t| t.expires_at > now).cloned()
    }
}

/// Current Unix time in seconds.
pub fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

impl MockState {
    /// Remembers a secret for [`MockServer::secrets_seen`](super::MockServer::secrets_seen).
    pub fn remember_secret(&self, secret: &str) {
        let mut seen = self.secrets_seen.lock().unwrap_or_else(|p| p.into_inner());
        if seen.len() < TOKEN_STORE_MAX {
            seen.push(secret.to_owned());
        }
    }
}

impl MockState {
    /// Lifetime of the access tokens this server issues, in seconds.
    pub fn token_ttl(&self) -> i64 {
        self.options.token_ttl_secs.map_or(TOKEN_TTL, i64::from)
    }
}
