//! Misbehaving targets for the end-to-end tests: a TLS-terminating front (tokio-rustls, the
//! mock PKI's server certificate) that forwards to a plain-HTTP wiremock server, and raw TCP
//! or TLS peers for faults HTTP cannot express. Every peer counts the connections it accepts.
// Each test binary uses its own subset of these helpers.
#![allow(dead_code)]
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use rustls::pki_types::{CertificateDer, PrivateKeyDer, pem::PemObject};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

/// A listener that counts what it accepted.
pub struct Peer {
    pub addr: SocketAddr,
    pub connections: Arc<AtomicUsize>,
}

impl Peer {
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    pub fn origin(&self) -> String {
        format!("https://127.0.0.1:{}", self.addr.port())
    }
}

/// TLS with the mock PKI's server certificate (valid for 127.0.0.1, issued by the mock CA,
/// which the target file names with `ca`). No client certificate is asked for.
pub fn acceptor() -> TlsAcceptor {
    let pki = super::pki();
    let chain = vec![
        CertificateDer::from(pki.server.cert_der.clone()),
        CertificateDer::from(pki.ca.cert_der()),
    ];
    let key = PrivateKeyDer::from_pem_slice(pki.server.key.expose().as_bytes()).expect("key");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .expect("server config");
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    TlsAcceptor::from(Arc::new(config))
}

/// Accepts TCP connections on 127.0.0.1 and hands each to `handle` in its own task.
pub async fn tcp_peer<F, Fut>(handle: F) -> Peer
where
    F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let connections = Arc::new(AtomicUsize::new(0));
    let count = connections.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(handle(tcp));
        }
    });
    Peer { addr, connections }
}

/// Like [`tcp_peer`], after a completed TLS handshake (failed handshakes are dropped).
pub async fn tls_peer<F, Fut>(handle: F) -> Peer
where
    F: Fn(TlsStream<TcpStream>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let acceptor = acceptor();
    let handle = Arc::new(handle);
    tcp_peer(move |tcp| {
        let acceptor = acceptor.clone();
        let handle = handle.clone();
        async move {
            if let Ok(tls) = acceptor.accept(tcp).await {
                handle(tls).await;
            }
        }
    })
    .await
}

/// The TLS front: terminates TLS and copies bytes both ways to `backend` (wiremock's plain
/// address).
pub async fn tls_front(backend: SocketAddr) -> Peer {
    tls_peer(move |mut tls| async move {
        if let Ok(mut plain) = TcpStream::connect(backend).await {
            let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
        }
    })
    .await
}

/// Reads the request head (up to the blank line, at most 64 KiB) and its body when it
/// announces a length, so that the answer comes after the request.
pub async fn read_request<S: tokio::io::AsyncRead + Unpin>(stream: &mut S) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while head.len() < 64 * 1024 && !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte).await {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let text = String::from_utf8_lossy(&head).to_ascii_lowercase();
    let length = text
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length.min(1024 * 1024)];
    let _ = stream.read_exact(&mut body).await;
}

/// Writes `head` then `total` bytes of `fill` after `prefix`, stopping at the first error
/// (the client hanging up).
pub async fn stream_body<S: tokio::io::AsyncWrite + Unpin>(
    stream: &mut S,
    head: &str,
    prefix: &[u8],
    total: usize,
) {
    if stream.write_all(head.as_bytes()).await.is_err() || stream.write_all(prefix).await.is_err() {
        return;
    }
    let chunk = vec![b'a'; 64 * 1024];
    let mut sent = prefix.len();
    while sent < total {
        let n = chunk.len().min(total - sent);
        if stream.write_all(&chunk[..n]).await.is_err() {
            return;
        }
        sent += n;
    }
    let _ = stream.shutdown().await;
}

/// A port on 127.0.0.1 with nothing listening.
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}
