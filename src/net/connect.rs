//! The two ways to a target: a direct TCP connect, or an HTTP CONNECT tunnel through a proxy
//! (hyper's client sends the CONNECT and hands back the upgraded connection). Failures are typed
//! so that the caller can tell "the target refused" from "our proxy refused" and say which.

use std::fmt;
use std::io::ErrorKind;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Empty;
use hyper::upgrade::Upgraded;
use hyper_util::client::proxy::matcher::Intercept;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

use super::proxy::ProxySettings;

/// An open connection to the target: a socket, or a tunnel through a proxy.
#[derive(Debug)]
pub enum NetStream {
    Direct(TcpStream),
    Tunnel(TokioIo<Upgraded>),
}

impl AsyncRead for NetStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            NetStream::Direct(s) => Pin::new(s).poll_read(cx, buf),
            NetStream::Tunnel(s) => Pin::new(s).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for NetStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            NetStream::Direct(s) => Pin::new(s).poll_write(cx, buf),
            NetStream::Tunnel(s) => Pin::new(s).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            NetStream::Direct(s) => Pin::new(s).poll_flush(cx),
            NetStream::Tunnel(s) => Pin::new(s).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            NetStream::Direct(s) => Pin::new(s).poll_shutdown(cx),
            NetStream::Tunnel(s) => Pin::new(s).poll_shutdown(cx),
        }
    }
}

/// Why no connection to the target was opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectError {
    /// The target refused the TCP connection.
    Refused { addr: String },
    /// No connection within the connect timeout.
    Timeout { addr: String, after: Duration },
    /// The host name did not resolve.
    Dns { host: String, detail: String },
    /// Any other socket error.
    Io { addr: String, detail: String },
    /// The proxy could not be reached, refused the tunnel, or broke the CONNECT exchange.
    Proxy {
        proxy: String,
        addr: String,
        failure: ProxyFailure,
    },
}

/// What went wrong with the proxy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProxyFailure {
    Unreachable(String),
    /// A status other than 200 in answer to CONNECT (407 wants credentials, 403 forbids, 502
    /// could not reach the target).
    Status(u16),
    /// The proxy closed the connection or answered something that is not HTTP.
    Broken(String),
}

impl ConnectError {
    /// True when the proxy, not the target, is why nothing was sent.
    pub fn is_proxy(&self) -> bool {
        matches!(self, ConnectError::Proxy { .. })
    }

    /// True for a connect timeout (the target, or the path to it, is silent).
    pub fn is_timeout(&self) -> bool {
        matches!(self, ConnectError::Timeout { .. })
    }
}

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConnectError::Refused { addr } => write!(f, "connection to {addr} refused"),
            ConnectError::Timeout { addr, after } => write!(
                f,
                "TCP connect to {addr} took longer than {} s",
                after.as_secs_f32()
            ),
            ConnectError::Dns { host, detail } => write!(f, "cannot resolve {host}: {detail}"),
            ConnectError::Io { addr, detail } => write!(f, "cannot connect to {addr}: {detail}"),
            ConnectError::Proxy {
                proxy,
                addr,
                failure,
            } => match failure {
                ProxyFailure::Unreachable(detail) => {
                    write!(f, "cannot reach the proxy {proxy}: {detail}")
                }
                ProxyFailure::Status(407) => write!(
                    f,
                    "the proxy {proxy} refused the CONNECT to {addr}: 407 Proxy Authentication Required"
                ),
                ProxyFailure::Status(code) => {
                    let reason = http::StatusCode::from_u16(*code)
                        .ok()
                        .and_then(|s| s.canonical_reason())
                        .unwrap_or("");
                    write!(
                        f,
                        "the proxy {proxy} refused the CONNECT to {addr}: {code} {reason}"
                    )
                }
                ProxyFailure::Broken(detail) => {
                    write!(f, "the proxy {proxy} broke the CONNECT to {addr}: {detail}")
                }
            },
        }
    }
}

/// `host:port` as it names a connection, with brackets for an IPv6 literal (`host` bare).
pub fn authority(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

pub(super) async fn direct(
    host: &str,
    port: u16,
    timeout: Duration,
) -> Result<TcpStream, ConnectError> {
    let addr = authority(host, port);
    let timed_out = |addr: String| ConnectError::Timeout {
        addr,
        after: timeout,
    };
    let deadline = tokio::time::Instant::now() + timeout;
    // Resolve apart from connecting, so that a name that does not resolve is told by type.
    let addrs: Vec<std::net::SocketAddr> =
        match tokio::time::timeout_at(deadline, tokio::net::lookup_host((host, port))).await {
            Err(_) => return Err(timed_out(addr)),
            Ok(Err(e)) => {
                return Err(ConnectError::Dns {
                    host: host.to_string(),
                    detail: e.to_string(),
                });
            }
            Ok(Ok(addrs)) => addrs.collect(),
        };
    let mut last = ConnectError::Dns {
        host: host.to_string(),
        detail: "no address".into(),
    };
    for socket in addrs {
        match tokio::time::timeout_at(deadline, TcpStream::connect(socket)).await {
            Err(_) => return Err(timed_out(addr)),
            Ok(Ok(stream)) => {
                let _ = stream.set_nodelay(true);
                return Ok(stream);
            }
            Ok(Err(e)) => last = classify(&e, addr.clone(), timeout),
        }
    }
    Err(last)
}

fn classify(e: &std::io::Error, addr: String, timeout: Duration) -> ConnectError {
    match e.kind() {
        ErrorKind::ConnectionRefused => ConnectError::Refused { addr },
        ErrorKind::TimedOut => ConnectError::Timeout {
            addr,
            after: timeout,
        },
        _ => ConnectError::Io {
            addr,
            detail: e.to_string(),
        },
    }
}

pub(super) async fn tunnel(
    proxy: &ProxySettings,
    route: Intercept,
    host: &str,
    port: u16,
    timeout: Duration,
) -> Result<NetStream, ConnectError> {
    let addr = authority(host, port);
    let fail = |failure| ConnectError::Proxy {
        proxy: proxy.display(),
        addr: addr.clone(),
        failure,
    };
    let proxy_host = route.uri().host().unwrap_or_default();
    let proxy_host = proxy_host.trim_start_matches('[').trim_end_matches(']');
    let proxy_port = route.uri().port_u16().unwrap_or(80);
    let open = async {
        let tcp = direct(proxy_host, proxy_port, timeout)
            .await
            .map_err(|e| fail(ProxyFailure::Unreachable(e.to_string())))?;
        let (mut sender, conn) =
            hyper::client::conn::http1::handshake::<_, Empty<Bytes>>(TokioIo::new(tcp))
                .await
                .map_err(|e| fail(ProxyFailure::Broken(e.to_string())))?;
        tokio::spawn(async move {
            let _ = conn.with_upgrades().await;
        });
        let mut request = http::Request::builder()
            .method(http::Method::CONNECT)
            .uri(addr.as_str())
            .header(http::header::HOST, addr.as_str());
        if let Some(auth) = route.basic_auth() {
            request = request.header(http::header::PROXY_AUTHORIZATION, auth.clone());
        }
        let request = request
            .body(Empty::new())
            .map_err(|e| fail(ProxyFailure::Broken(format!("bad CONNECT request: {e}"))))?;
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| fail(ProxyFailure::Broken(e.to_string())))?;
        if response.status() != http::StatusCode::OK {
            return Err(fail(ProxyFailure::Status(response.status().as_u16())));
        }
        let upgraded = hyper::upgrade::on(response)
            .await
            .map_err(|e| fail(ProxyFailure::Broken(e.to_string())))?;
        Ok(NetStream::Tunnel(TokioIo::new(upgraded)))
    };
    match tokio::time::timeout(timeout, open).await {
        Err(_) => Err(ConnectError::Timeout {
            addr: format!("{addr} through the proxy {}", proxy.display()),
            after: timeout,
        }),
        Ok(result) => result,
    }
}
