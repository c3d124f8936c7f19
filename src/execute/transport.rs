//! One request over one fresh connection: TCP, TLS (rustls, ring, resumption off, the step's
//! client certificate or none), HTTP/1.1 (hyper), with connect and total timeouts and a size cap.
//! Redirects are never followed: a 3xx is just a response.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use rustls::client::Resumption;
use rustls::sign::CertifiedKey;
use rustls::{ClientConfig, RootCertStore};
use rustls_pki_types::{CertificateDer, ServerName};
use tokio_rustls::TlsConnector;

use super::liveness::Liveness;
use super::rate::{RateLimiter, RetryBudget, retry_after};
use crate::config::Target;
use crate::model::{TlsFacts, TransportFailure, TransportKind, WireResponse};
use crate::net::{ConnectError, Network};

/// A request ready for the wire.
#[derive(Debug, Clone)]
pub struct WireRequest {
    pub method: String,
    pub url: url_lite::Url,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Timeouts and trust for a run.
#[derive(Debug, Clone)]
pub struct TransportSettings {
    pub connect_timeout: Duration,
    pub timeout: Duration,
    /// Largest response body read, in KiB: a larger one is a `TooLarge` failure.
    pub max_body_kib: u64,
    /// How connections are opened: directly or through a proxy.
    pub network: Network,
    /// Most requests per second (`--rate`); `None` is no limit.
    pub rate: Option<u32>,
}

impl TransportSettings {
    /// The target's timeouts, body limit, network and rate.
    pub fn of(target: &Target) -> TransportSettings {
        TransportSettings {
            connect_timeout: target.connect_timeout,
            timeout: target.timeout,
            max_body_kib: target.max_body_kib,
            network: target.network.clone(),
            rate: target.rate,
        }
    }
}

/// Presents exactly one certificate, whatever the server asks for.
#[derive(Debug)]
struct FixedClientCert(Arc<CertifiedKey>);

impl rustls::client::ResolvesClientCert for FixedClientCert {
    fn resolve(
        &self,
        _hints: &[&[u8]],
        _schemes: &[rustls::SignatureScheme],
    ) -> Option<Arc<CertifiedKey>> {
        Some(self.0.clone())
    }

    fn has_certs(&self) -> bool {
        true
    }
}

/// Builds and caches one rustls config per TLS identity.
pub struct Transport {
    roots: Arc<RootCertStore>,
    settings: TransportSettings,
    limiter: Option<RateLimiter>,
    configs: Mutex<HashMap<String, Arc<ClientConfig>>>,
    liveness: Liveness,
}

impl Transport {
    /// `extra_roots` plus, when `system_roots`, the platform's trust store.
    pub fn new(
        extra_roots: &[CertificateDer<'static>],
        system_roots: bool,
        settings: TransportSettings,
    ) -> Transport {
        let mut roots = RootCertStore::empty();
        if system_roots {
            let native = rustls_native_certs::load_native_certs();
            roots.add_parsable_certificates(native.certs);
        }
        roots.add_parsable_certificates(extra_roots.iter().cloned());
        Transport {
            roots: Arc::new(roots),
            limiter: settings.rate.map(RateLimiter::new),
            settings,
            configs: Mutex::new(HashMap::new()),
            liveness: Liveness::default(),
        }
    }

    /// The transport for a target: its trust, timeouts and body limit.
    pub fn for_target(target: &Target) -> Transport {
        Transport::new(
            &target.extra_roots,
            target.system_roots,
            TransportSettings::of(target),
        )
    }

    /// The run's count of consecutive timeouts per host (the TLS probes report theirs too).
    pub fn liveness(&self) -> &Liveness {
        &self.liveness
    }

    fn config(
        &self,
        label: &str,
        identity: Option<&Arc<CertifiedKey>>,
    ) -> Result<Arc<ClientConfig>, TransportFailure> {
        let mut cache = self.configs.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(config) = cache.get(label) {
            return Ok(config.clone());
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| TransportFailure::new(TransportKind::Build, format!("TLS set-up: {e}")))?
            .with_root_certificates(self.roots.clone());
        let mut config = match identity {
            Some(key) => builder.with_client_cert_resolver(Arc::new(FixedClientCert(key.clone()))),
            None => builder.with_no_client_auth(),
        };
        config.resumption = Resumption::disabled();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        let config = Arc::new(config);
        cache.insert(label.to_string(), config.clone());
        Ok(config)
    }

    /// Sends one request over a fresh connection. `identity` is the client certificate to
    /// present; `label` identifies it uniquely (its thumbprint, or `none`) for the config cache.
    pub async fn send(
        &self,
        request: &WireRequest,
        label: &str,
        identity: Option<&Arc<CertifiedKey>>,
    ) -> Result<WireResponse, TransportFailure> {
        self.send_recorded(request, label, identity).await.0
    }

    /// Waits for a turn under `--rate` (for traffic that is not a request: the TLS probes).
    pub async fn pace(&self) {
        if let Some(limiter) = &self.limiter {
            limiter.acquire().await;
        }
    }

    /// [`Transport::send`], paced to `--rate`, sent again after a 429 or 503 with
    /// `Retry-After` while the retry budget lasts (then a `RateLimited` failure); also returns
    /// one line per retry.
    pub async fn send_recorded(
        &self,
        request: &WireRequest,
        label: &str,
        identity: Option<&Arc<CertifiedKey>>,
    ) -> (Result<WireResponse, TransportFailure>, Vec<String>) {
        let mut budget = RetryBudget::default();
        loop {
            self.pace().await;
            let outcome = self.send_once(request, label, identity).await;
            let wait = outcome.as_ref().ok().and_then(|r| {
                retry_after(r.status, &r.headers, time::OffsetDateTime::now_utc())
                    .map(|wait| (r.status, wait))
            });
            let Some((status, wait)) = wait else {
                return (outcome, budget.retries);
            };
            if let Err(reason) = budget.take(status, wait) {
                let failure = TransportFailure::new(TransportKind::RateLimited, reason);
                return (Err(failure), budget.retries);
            }
            tokio::time::sleep(wait).await;
        }
    }

    /// One attempt, within the total timeout; consecutive timeouts per host are counted, and
    /// a host that stopped answering is not sent to again.
    async fn send_once(
        &self,
        request: &WireRequest,
        label: &str,
        identity: Option<&Arc<CertifiedKey>>,
    ) -> Result<WireResponse, TransportFailure> {
        let url = &request.url;
        let authority = crate::net::authority(&url.host, url.port);
        if let Some(reason) = self.liveness.dead(&authority) {
            return Err(TransportFailure::new(TransportKind::NotAnswering, reason));
        }
        let total = self.settings.timeout;
        let result =
            match tokio::time::timeout(total, self.send_inner(request, label, identity)).await {
                Ok(result) => result,
                Err(_) => Err(TransportFailure::new(
                    TransportKind::Timeout,
                    format!("no complete answer within {} s", total.as_secs_f32()),
                )),
            };
        let timed_out = matches!(&result, Err(f) if f.kind.is_timeout());
        self.liveness.record(&authority, timed_out);
        result
    }

    async fn send_inner(
        &self,
        request: &WireRequest,
        label: &str,
        identity: Option<&Arc<CertifiedKey>>,
    ) -> Result<WireResponse, TransportFailure> {
        let url = &request.url;
        let tcp = self
            .settings
            .network
            .connect(&url.host, url.port, self.settings.connect_timeout)
            .await
            .map_err(|e| connect_failure(&e))?;
        if url.scheme == "http" {
            return exchange(TokioIo::new(tcp), request, None, self.settings.max_body_kib).await;
        }
        let config = self.config(label, identity)?;
        let server_name = ServerName::try_from(url.host.clone()).map_err(|e| {
            TransportFailure::new(
                TransportKind::Build,
                format!("invalid server name `{}`: {e}", url.host),
            )
        })?;
        let tls = TlsConnector::from(config)
            .connect(server_name, tcp)
            .await
            .map_err(|e| classify_io(&e, "TLS handshake"))?;
        let (_, conn) = tls.get_ref();
        let facts = TlsFacts {
            version: conn.protocol_version().map(protocol_words),
            cipher_suite: conn
                .negotiated_cipher_suite()
                .map(|s| format!("{:?}", s.suite())),
            server_cert_subject: conn
                .peer_certificates()
                .and_then(|c| c.first())
                .and_then(|c| crate::pki::cert_subject(c.as_ref())),
        };
        let leaf = conn
            .peer_certificates()
            .and_then(|c| c.first())
            .map(|c| c.as_ref().to_vec());
        let mut response = exchange(
            TokioIo::new(tls),
            request,
            Some(facts),
            self.settings.max_body_kib,
        )
        .await?;
        response.server_cert = leaf;
        Ok(response)
    }
}

async fn exchange<T>(
    io: TokioIo<T>,
    request: &WireRequest,
    tls: Option<TlsFacts>,
    max_body_kib: u64,
) -> Result<WireResponse, TransportFailure>
where
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, conn) = hyper::client::conn::http1::handshake::<_, Full<Bytes>>(io)
        .await
        .map_err(|e| classify_hyper(&e))?;
    // The connection's own error says why a request was cancelled (a reset, a close).
    let driver = tokio::spawn(conn);
    let mut builder = http::Request::builder()
        .method(request.method.as_str())
        .uri(request.url.path_and_query.as_str());
    let mut has_host = false;
    for (name, value) in &request.headers {
        has_host |= name.eq_ignore_ascii_case("host");
        builder = builder.header(name.as_str(), value.as_str());
    }
    if !has_host {
        builder = builder.header("host", request.url.authority());
    }
    let req = builder
        .body(Full::new(Bytes::from(request.body.clone())))
        .map_err(|e| {
            TransportFailure::new(
                TransportKind::Build,
                format!("cannot build the request: {e}"),
            )
        })?;
    let response = match sender.send_request(req).await {
        Ok(r) => r,
        Err(e) if e.is_canceled() => {
            return Err(match driver.await {
                Ok(Err(conn)) => classify_hyper(&conn),
                _ => TransportFailure::new(
                    TransportKind::Closed,
                    "connection closed before a complete HTTP response",
                ),
            });
        }
        Err(e) => {
            driver.abort();
            return Err(classify_hyper(&e));
        }
    };
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let limit = usize::try_from(max_body_kib.saturating_mul(1024)).unwrap_or(usize::MAX);
    let over_limit = || {
        driver.abort();
        Err(too_large(max_body_kib))
    };
    let announced = response
        .headers()
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if announced.is_some_and(|n| n > limit as u64) {
        return over_limit();
    }
    let mut body_stream = response.into_body();
    let mut body = Vec::new();
    while let Some(frame) = body_stream.frame().await {
        let frame = frame.map_err(|e| classify_hyper(&e))?;
        if let Ok(data) = frame.into_data() {
            if data.len() > limit.saturating_sub(body.len()) {
                return over_limit();
            }
            body.extend_from_slice(&data);
        }
    }
    driver.abort();
    let truncated = false;
    Ok(WireResponse {
        status,
        headers,
        body,
        truncated,
        tls,
        server_cert: None,
    })
}

/// A body over the limit: not read further, and nothing of it kept.
fn too_large(max_body_kib: u64) -> TransportFailure {
    TransportFailure::new(
        TransportKind::TooLarge {
            limit_kib: max_body_kib,
        },
        format!(
            "the answer's body is larger than the harness's limit of {max_body_kib} KiB (`max_body_kib` in the target file); the rest was not read"
        ),
    )
}

/// A failure to open the connection, by type: the proxy's failures are told apart from the
/// target's.
fn connect_failure(e: &ConnectError) -> TransportFailure {
    let kind = match e {
        ConnectError::Refused { .. } => TransportKind::Refused,
        ConnectError::Timeout { .. } => TransportKind::ConnectTimeout,
        ConnectError::Dns { .. } => TransportKind::Dns,
        ConnectError::Io { .. } => TransportKind::Connect,
        ConnectError::Proxy { .. } => TransportKind::Proxy,
    };
    TransportFailure::new(kind, e.to_string())
}

/// Walks an error's sources for the rustls or io error that says what happened.
fn classify_chain(
    err: &(dyn std::error::Error + 'static),
    during: &str,
) -> Option<TransportFailure> {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = current {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return Some(classify_rustls(tls, during));
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if let Some(inner) = io.get_ref()
                && let Some(tls) = inner.downcast_ref::<rustls::Error>()
            {
                return Some(classify_rustls(tls, during));
            }
            return Some(classify_io_kind(io, during));
        }
        current = e.source();
    }
    None
}

fn classify_rustls(e: &rustls::Error, during: &str) -> TransportFailure {
    match e {
        rustls::Error::AlertReceived(alert) => TransportFailure::new(
            TransportKind::TlsAlert {
                alert: format!("{alert:?}"),
            },
            format!(
                "TLS alert `{}` received during {during}",
                alert_words(&format!("{alert:?}"))
            ),
        ),
        rustls::Error::InvalidCertificate(reason) => TransportFailure::new(
            TransportKind::ServerCert,
            format!(
                "the server's certificate was not accepted: {}",
                describe_cert_error(reason)
            ),
        ),
        other => TransportFailure::new(
            TransportKind::Tls,
            format!("TLS error during {during}: {other}"),
        ),
    }
}

/// `TLSv1_3` -> `TLS 1.3`, as people write it.
fn protocol_words(version: rustls::ProtocolVersion) -> String {
    match version {
        rustls::ProtocolVersion::TLSv1_3 => "TLS 1.3".to_owned(),
        rustls::ProtocolVersion::TLSv1_2 => "TLS 1.2".to_owned(),
        rustls::ProtocolVersion::TLSv1_1 => "TLS 1.1".to_owned(),
        rustls::ProtocolVersion::TLSv1_0 => "TLS 1.0".to_owned(),
        other => format!("protocol 0x{:04x}", u16::from(other)),
    }
}

/// An alert's name as RFC 8446 §6 spells it: `CertificateRequired` -> `certificate_required`.
fn alert_words(debug: &str) -> String {
    let mut out = String::with_capacity(debug.len() + 4);
    for (i, c) in debug.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// A server-certificate problem in words (rustls' own text, names without Rust debug syntax).
fn describe_cert_error(e: &rustls::CertificateError) -> String {
    match e {
        rustls::CertificateError::NotValidForNameContext {
            expected,
            presented,
        } => {
            let names: Vec<String> = presented.iter().map(|n| presented_name(n)).collect();
            let expected = expected.to_str();
            if names.is_empty() {
                format!("it is not valid for `{expected}`: it names no host (no subjectAltName)")
            } else {
                format!(
                    "it is not valid for `{expected}`: it names only {}",
                    names.join(", ")
                )
            }
        }
        rustls::CertificateError::UnknownIssuer => {
            "it is issued by a CA that is not trusted (add it with `ca` in the target file)"
                .to_string()
        }
        other => other.to_string(),
    }
}

/// `DnsName("as.example")` -> `as.example`, `IpAddress(127.0.0.1)` -> `127.0.0.1`.
fn presented_name(debug: &str) -> String {
    for (prefix, suffix) in [
        ("DnsName(\"", "\")"),
        ("IpAddress(", ")"),
        ("UniformResourceIdentifier(\"", "\")"),
    ] {
        if let Some(inner) = debug
            .strip_prefix(prefix)
            .and_then(|r| r.strip_suffix(suffix))
        {
            return format!("`{inner}`");
        }
    }
    debug.to_string()
}

fn classify_io_kind(e: &std::io::Error, during: &str) -> TransportFailure {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted | ErrorKind::BrokenPipe => {
            TransportFailure::new(
                TransportKind::Reset,
                format!("connection reset during {during}"),
            )
        }
        ErrorKind::UnexpectedEof => TransportFailure::new(
            TransportKind::Closed,
            format!("connection closed during {during}"),
        ),
        ErrorKind::TimedOut => TransportFailure::new(
            TransportKind::ReadTimeout,
            format!("timed out during {during}"),
        ),
        _ => TransportFailure::new(TransportKind::Other, format!("{during}: {e}")),
    }
}

fn classify_io(e: &std::io::Error, during: &str) -> TransportFailure {
    classify_chain(e, during).unwrap_or_else(|| classify_io_kind(e, during))
}

fn classify_hyper(e: &hyper::Error) -> TransportFailure {
    if let Some(f) = classify_chain(e, "the HTTP exchange") {
        return f;
    }
    if e.is_incomplete_message() || e.is_closed() {
        return TransportFailure::new(
            TransportKind::Closed,
            "connection closed before a complete HTTP response",
        );
    }
    TransportFailure::new(TransportKind::Other, format!("HTTP error: {e}"))
}

/// A small parsed absolute URL (scheme, host, port, path and query): enough for requests.
pub mod url_lite {
    use std::fmt;

    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Url {
        pub scheme: String,
        pub host: String,
        pub port: u16,
        /// Origin-form request target, always starting with `/`.
        pub path_and_query: String,
    }

    impl Url {
        pub fn parse(s: &str) -> Result<Url, String> {
            let uri: http::Uri = s.parse().map_err(|e| format!("`{s}` is not a URL: {e}"))?;
            let scheme = uri
                .scheme_str()
                .ok_or_else(|| format!("`{s}` has no scheme"))?
                .to_ascii_lowercase();
            if scheme != "https" && scheme != "http" {
                return Err(format!(
                    "`{s}`: only https:// (and http:// for probes) URLs are supported"
                ));
            }
            let host = uri.host().ok_or_else(|| format!("`{s}` has no host"))?;
            let host = host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_string();
            let port = uri
                .port_u16()
                .unwrap_or(if scheme == "https" { 443 } else { 80 });
            let path_and_query = uri
                .path_and_query()
                .map_or("/".to_string(), |p| p.as_str().to_string());
            let path_and_query = if path_and_query.is_empty() {
                "/".to_string()
            } else {
                path_and_query
            };
            Ok(Url {
                scheme,
                host,
                port,
                path_and_query,
            })
        }

        /// `host[:port]` as it goes in the Host header (port omitted when it is the default).
        pub fn authority(&self) -> String {
            let default = if self.scheme == "https" { 443 } else { 80 };
            let host = if self.host.contains(':') {
                format!("[{}]", self.host)
            } else {
                self.host.clone()
            };
            if self.port == default {
                host
            } else {
                format!("{host}:{}", self.port)
            }
        }

        /// The same URL with `query` (already encoded) appended.
        pub fn with_query(&self, query: &str) -> Url {
            let sep = if self.path_and_query.contains('?') {
                '&'
            } else {
                '?'
            };
            Url {
                path_and_query: format!("{}{sep}{query}", self.path_and_query),
                ..self.clone()
            }
        }
    }

    impl fmt::Display for Url {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(
                f,
                "{}://{}{}",
                self.scheme,
                self.authority(),
                self.path_and_query
            )
        }
    }

    #[cfg(test)]
    mod tests {
        use super::Url;

        #[test]
        fn parses_and_prints() {
            let u = Url::parse("https://127.0.0.1:8443/token").unwrap();
            assert_eq!(
                (u.host.as_str(), u.port, u.path_and_query.as_str()),
                ("127.0.0.1", 8443, "/token")
            );
            assert_eq!(u.to_string(), "https://127.0.0.1:8443/token");
            let d = Url::parse("https://as.example").unwrap();
            assert_eq!(d.to_string(), "https://as.example/");
            assert_eq!(d.with_query("a=b").to_string(), "https://as.example/?a=b");
            assert!(Url::parse("ftp://x").is_err());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{classify_rustls, describe_cert_error, protocol_words};

    #[test]
    fn alerts_and_versions_read_as_the_rfcs_write_them() {
        let alert = classify_rustls(
            &rustls::Error::AlertReceived(rustls::AlertDescription::CertificateRequired),
            "TLS handshake",
        );
        assert_eq!(
            alert.message,
            "TLS alert `certificate_required` received during TLS handshake"
        );
        assert_eq!(
            alert.kind,
            crate::model::TransportKind::TlsAlert {
                alert: "CertificateRequired".into()
            }
        );
        assert_eq!(protocol_words(rustls::ProtocolVersion::TLSv1_3), "TLS 1.3");
        assert_eq!(
            protocol_words(rustls::ProtocolVersion::Unknown(0x0305)),
            "protocol 0x0305"
        );
    }

    #[test]
    fn a_wrong_host_name_is_told_in_words() {
        let ip = rustls_pki_types::ServerName::try_from("127.0.0.1").unwrap();
        let err = rustls::CertificateError::NotValidForNameContext {
            expected: ip.to_owned(),
            presented: vec![
                "DnsName(\"localhost\")".to_string(),
                "IpAddress(10.0.0.1)".to_string(),
            ],
        };
        assert_eq!(
            describe_cert_error(&err),
            "it is not valid for `127.0.0.1`: it names only `localhost`, `10.0.0.1`"
        );
    }
}
