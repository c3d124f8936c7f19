//! The running mock: HTTPS on 127.0.0.1 (axum + axum-server with rustls), optional client
//! certificates, the interaction-id and latency layer, and a connection counter.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::{any, get};
use axum_server::accept::NoDelayAcceptor;
use axum_server::tls::TlsInfo;
use axum_server::tls_rustls::RustlsConfig;
use http::{Extensions, HeaderValue};
use rustls::RootCertStore;
use rustls::server::WebPkiClientVerifier;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use super::client_cert::RecordingVerifier;
use super::error::MockError;
use super::metadata::{self, MTLS_TOKEN_PATH};
use super::pki::{ClientPki, MockPki};
use super::state::{GRANTED_SCOPE, MockState};
use super::{Fault, MockClient, MockMaterials, MockOptions, resource, token};

const INTERACTION_ID: &str = "x-fapi-interaction-id";

/// A running mock OFP.
pub struct MockServer {
    pki: Arc<MockPki>,
    materials: MockMaterials,
    addr: SocketAddr,
    connections: Arc<AtomicU64>,
    state: Arc<MockState>,
    handle: axum_server::Handle<SocketAddr>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    /// The certificate-requiring listener of `require_cert_at_handshake`.
    mtls: Option<(
        axum_server::Handle<SocketAddr>,
        tokio::task::JoinHandle<std::io::Result<()>>,
    )>,
}

/// The leaf certificate the client presented on this connection, if any.
pub fn peer_leaf(extensions: &Extensions) -> Option<Vec<u8>> {
    extensions
        .get::<Arc<TlsInfo>>()
        .and_then(|info| info.peer_certificates.first().cloned())
}

/// Counts accepted connections: axum-server asks for one service per TCP connection.
#[derive(Clone)]
struct CountingMakeService {
    router: Router,
    count: Arc<AtomicU64>,
}

impl<T> tower_service::Service<T> for CountingMakeService {
    type Response = Router;
    type Error = Infallible;
    type Future = std::future::Ready<Result<Router, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _target: T) -> Self::Future {
        self.count.fetch_add(1, Ordering::Relaxed);
        std::future::ready(Ok(self.router.clone()))
    }
}

/// Echoes (or mints) `x-fapi-interaction-id` and applies the configured latency.
async fn interaction_layer(
    State(state): State<Arc<MockState>>,
    request: Request,
    next: Next,
) -> Response {
    let id = request.headers().get(INTERACTION_ID).cloned();
    if state.options.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(state.options.latency_ms)).await;
    }
    let mut response = match &state.options.throttle {
        Some(t) if state.throttled.fetch_add(1, Ordering::SeqCst) < t.first => throttled(t),
        _ => next.run(request).await,
    };
    if !state.fault(Fault::NoInteractionIdEcho) {
        let value = id.unwrap_or_else(|| {
            HeaderValue::from_str(&uuid::Uuid::new_v4().to_string()).unwrap_or_else(|_| {
                HeaderValue::from_static("00000000-0000-4000-8000-000000000000")
            })
        });
        response.headers_mut().insert(INTERACTION_ID, value);
    }
    response
}

/// A throttled request's answer: the status, `Retry-After`, and a JSON error.
fn throttled(t: &super::Throttle) -> Response {
    let mut response = Response::new(axum::body::Body::from(
        r#"{"error":"temporarily_unavailable","error_description":"slow down"}"#,
    ));
    *response.status_mut() =
        http::StatusCode::from_u16(t.status).unwrap_or(http::StatusCode::TOO_MANY_REQUESTS);
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Ok(value) = HeaderValue::from_str(&t.retry_after) {
        headers.insert(http::header::RETRY_AFTER, value);
    }
    response
}

/// The routes of one listener. `/token` on the issuer's listener is the metadata's
/// `token_endpoint`; on the certificate-requiring listener it is the advertised mTLS alias.
fn router(state: Arc<MockState>, alias_listener: bool) -> Router {
    let plain_token = if alias_listener {
        any(token::mtls_alias_endpoint)
    } else {
        any(token::token_endpoint)
    };
    let mut router = Router::new()
        .route(
            "/.well-known/openid-configuration",
            get(metadata::discovery),
        )
        .route("/jwks", get(metadata::jwks))
        .route("/token", plain_token)
        .route("/v1/providers", any(resource::providers));
    if state.options.mtls_aliases {
        router = router.route(MTLS_TOKEN_PATH, any(token::mtls_alias_endpoint));
    }
    router
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            interaction_layer,
        ))
        .with_state(state)
}

fn tls_config(
    pki: &MockPki,
    require_cert: bool,
    verdicts: super::client_cert::CertVerdicts,
    extra: &[super::ExternalClient],
) -> Result<rustls::ServerConfig, MockError> {
    let tls = |e: &dyn std::fmt::Display| MockError::Tls(e.to_string());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = RootCertStore::empty();
    roots
        .add(CertificateDer::from(pki.ca.cert_der()))
        .map_err(|e| tls(&e))?;
    // Externally made transport certificates are trusted as they are (registered, not issued).
    for ext in extra {
        roots
            .add(CertificateDer::from(ext.transport_cert_der.clone()))
            .map_err(|e| tls(&e))?;
    }
    let webpki = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .allow_unauthenticated()
        .build()
        .map_err(|e| tls(&e))?;
    // Any certificate gets through the handshake; the token endpoint judges the recorded verdict.
    let verifier = Arc::new(RecordingVerifier::new(webpki, require_cert, verdicts));
    let chain = vec![
        CertificateDer::from(pki.server.cert_der.clone()),
        CertificateDer::from(pki.ca.cert_der()),
    ];
    let key =
        PrivateKeyDer::from_pem_slice(pki.server.key.expose().as_bytes()).map_err(|e| tls(&e))?;
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| tls(&e))?
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, key)
        .map_err(|e| tls(&e))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

fn mock_client(pki: &ClientPki) -> MockClient {
    MockClient {
        client_id: pki.client_id.clone(),
        auth: if pki.signing.is_some() {
            "private_key_jwt".to_owned()
        } else {
            "tls_client_auth".to_owned()
        },
        cert_pem: pki.transport.cert_pem.clone(),
        key_pem: pki.transport.key.expose().to_owned(),
        signing_key_pem: pki
            .signing
            .as_ref()
            .map(|s| s.private_pem.expose().to_owned()),
        signing_kid: pki.signing.as_ref().map(|s| s.kid.clone()),
        scope: GRANTED_SCOPE.to_owned(),
        subject_dn: pki.signing.is_none().then(|| pki.subject_dn.clone()),
    }
}

fn materials(pki: &MockPki, state: &MockState) -> MockMaterials {
    let issuer = state.issuer.as_str();
    let mtls_token_endpoint = metadata::discovery_document(state)
        .get("mtls_endpoint_aliases")
        .and_then(|a| a.get("token_endpoint"))
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned);
    MockMaterials {
        issuer: issuer.to_owned(),
        discovery_url: format!("{issuer}/.well-known/openid-configuration"),
        token_endpoint: format!("{issuer}/token"),
        mtls_token_endpoint,
        resource_url: format!("{issuer}/v1/providers"),
        ca_pem: pki.ca.cert_pem(),
        client: mock_client(&pki.client),
        second_client: mock_client(&pki.second_client),
        mtls_client: mock_client(&pki.mtls_client),
        ungranted_scope: "profile".to_owned(),
        client_ca_key_pem: Some(pki.ca.key_pem().expose().to_owned()),
    }
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("addr", &self.addr)
            .field("issuer", &self.materials.issuer)
            .finish_non_exhaustive()
    }
}

impl MockServer {
    /// Starts a mock with a freshly generated PKI.
    pub async fn start(opts: MockOptions) -> Result<MockServer, MockError> {
        let pki = tokio::task::spawn_blocking(MockPki::generate)
            .await
            .map_err(|e| MockError::Key(e.to_string()))??;
        MockServer::start_with_pki(Arc::new(pki), opts).await
    }

    /// Starts a mock that uses an existing PKI (clients, keys and CA are shared).
    pub async fn start_with_pki(
        pki: Arc<MockPki>,
        opts: MockOptions,
    ) -> Result<MockServer, MockError> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let port = opts.port.unwrap_or(0);
        let bind = |e: std::io::Error| MockError::Bind {
            port,
            message: e.to_string(),
        };
        let listener = std::net::TcpListener::bind(("127.0.0.1", port)).map_err(bind)?;
        listener.set_nonblocking(true).map_err(bind)?;
        let addr = listener.local_addr().map_err(bind)?;
        let issuer = format!("https://127.0.0.1:{}", addr.port());

        let mtls_listener = if opts.require_cert_at_handshake {
            let l = std::net::TcpListener::bind(("127.0.0.1", 0)).map_err(bind)?;
            l.set_nonblocking(true).map_err(bind)?;
            Some(l)
        } else {
            None
        };
        let mut state = MockState::new(&pki, opts, issuer.clone())?;
        if let Some(l) = &mtls_listener {
            let port = l.local_addr().map_err(bind)?.port();
            state.mtls_base = format!("https://127.0.0.1:{port}");
        }
        let state = Arc::new(state);
        // The discovery document stays public (only the alias listener requires a certificate),
        // unless `require_client_cert` asks for one on every path.
        // Both listeners set TCP_NODELAY: answers written in several segments must not wait for
        // the client's delayed ACK.
        let config = tls_config(
            &pki,
            state.options.require_client_cert,
            state.cert_verdicts.clone(),
            &state.options.extra_clients,
        )?;
        let connections = Arc::new(AtomicU64::new(0));
        let make = CountingMakeService {
            router: router(state.clone(), false),
            count: connections.clone(),
        };
        let handle = axum_server::Handle::new();
        let server =
            axum_server::from_tcp_rustls(listener, RustlsConfig::from_config(Arc::new(config)))
                .map_err(bind)?
                .map(|tls| tls.acceptor(NoDelayAcceptor::new()))
                .handle(handle.clone());
        let task = tokio::spawn(server.serve(make));
        let mtls = match mtls_listener {
            Some(l) => {
                let config = tls_config(
                    &pki,
                    true,
                    state.cert_verdicts.clone(),
                    &state.options.extra_clients,
                )?;
                let handle = axum_server::Handle::new();
                let server =
                    axum_server::from_tcp_rustls(l, RustlsConfig::from_config(Arc::new(config)))
                        .map_err(bind)?
                        .map(|tls| tls.acceptor(NoDelayAcceptor::new()))
                        .handle(handle.clone());
                let make = CountingMakeService {
                    router: router(state.clone(), true),
                    count: connections.clone(),
                };
                Some((handle, tokio::spawn(server.serve(make))))
            }
            None => None,
        };
        Ok(MockServer {
            materials: materials(&pki, &state),
            pki,
            addr,
            connections,
            state,
            handle,
            task,
            mtls,
        })
    }

    /// What a target file needs to test this mock.
    pub fn materials(&self) -> &MockMaterials {
        &self.materials
    }

    /// The PKI behind this server: its CA can issue more (deliberately bad) client certificates
    /// that the server trusts.
    pub fn pki(&self) -> &Arc<MockPki> {
        &self.pki
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// TCP connections accepted so far.
    pub fn connections(&self) -> u64 {
        self.connections.load(Ordering::Relaxed)
    }

    /// Every access token issued and client assertion received so far (for secret-leak tests).
    pub fn secrets_seen(&self) -> Vec<String> {
        self.state
            .secrets_seen
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Stops the server and waits for it to finish.
    pub async fn shutdown(self) {
        self.handle.graceful_shutdown(Some(Duration::from_secs(1)));
        if let Some((handle, task)) = self.mtls {
            handle.graceful_shutdown(Some(Duration::from_secs(1)));
            let _ = task.await;
        }
        let _ = self.task.await;
    }
}
