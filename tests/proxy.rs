//! Connections through an HTTP CONNECT proxy: tunnelled bytes arrive, credentials go as Basic
//! `Proxy-Authorization`, `NO_PROXY` bypasses the proxy, and a refused CONNECT is one typed error
//! that names the proxy, never its credentials.

#[path = "support/connect_proxy.rs"]
mod connect_proxy;

use std::time::Duration;

use connect_proxy::{ConnectProxy, ProxyMode};
use ofp_conformance::net::{ConnectError, Network, ProxyFailure, ProxySettings, ProxySource};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const LIMIT: Duration = Duration::from_secs(5);

/// A TCP peer that answers every line with the same bytes.
async fn echo_server() -> (u16, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buf = [0u8; 64];
                while let Ok(n) = s.read(&mut buf).await {
                    if n == 0 || s.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    (port, accepted)
}

fn network(proxy: &str, no_proxy: &str) -> Network {
    Network::with_proxy(ProxySettings::new(proxy, no_proxy, ProxySource::TargetKey).unwrap())
}

async fn round_trip(net: &Network, port: u16) -> Result<Vec<u8>, ConnectError> {
    let mut stream = net.connect("127.0.0.1", port, LIMIT).await?;
    stream.write_all(b"ping").await.unwrap();
    let mut buf = [0u8; 4];
    stream.read_exact(&mut buf).await.unwrap();
    Ok(buf.to_vec())
}

#[tokio::test]
async fn bytes_go_through_the_tunnel() {
    let (port, accepted) = echo_server().await;
    let proxy = ConnectProxy::start(ProxyMode::Open).await;
    let net = network(&proxy.url(), "");
    assert_eq!(net.proxy_for("127.0.0.1", port), Some(proxy.url()));
    assert_eq!(round_trip(&net, port).await.unwrap(), b"ping");
    assert_eq!(proxy.tunnel_count(), 1);
    assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), 1);
    assert_eq!(
        proxy.destinations.lock().unwrap().as_slice(),
        [format!("127.0.0.1:{port}")]
    );
}

#[tokio::test]
async fn credentials_go_as_basic_proxy_authorization() {
    let (port, _) = echo_server().await;
    // user "ofpc", password "pa ss" (percent-encoded in the URL).
    let proxy = ConnectProxy::start(ProxyMode::RequireAuth("Basic b2ZwYzpwYSBzcw==".into())).await;
    let with = network(&format!("http://ofpc:pa%20ss@{}", proxy.addr), "");
    assert_eq!(round_trip(&with, port).await.unwrap(), b"ping");
    let without = network(&proxy.url(), "");
    let err = round_trip(&without, port).await.unwrap_err();
    assert_eq!(
        err,
        ConnectError::Proxy {
            proxy: proxy.url(),
            addr: format!("127.0.0.1:{port}"),
            failure: ProxyFailure::Status(407),
        }
    );
    assert_eq!(proxy.tunnel_count(), 1);
}

#[tokio::test]
async fn no_proxy_bypasses_the_proxy() {
    let (port, accepted) = echo_server().await;
    let proxy = ConnectProxy::start(ProxyMode::Open).await;
    let net = network(&proxy.url(), "localhost,127.0.0.1");
    assert_eq!(net.proxy_for("127.0.0.1", port), None);
    assert_eq!(round_trip(&net, port).await.unwrap(), b"ping");
    assert_eq!(proxy.request_count(), 0);
    assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_refused_connect_is_one_clear_error_without_secrets() {
    let (port, accepted) = echo_server().await;
    let proxy = ConnectProxy::start(ProxyMode::Refuse(403)).await;
    let net = network(&format!("http://u:hunter2@{}", proxy.addr), "");
    let err = round_trip(&net, port).await.unwrap_err();
    assert!(err.is_proxy());
    assert_eq!(
        err.to_string(),
        format!(
            "the proxy {} refused the CONNECT to 127.0.0.1:{port}: 403 Forbidden",
            proxy.url()
        )
    );
    assert!(!format!("{err:?}").contains("hunter2"));
    assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), 0);
}

#[tokio::test]
async fn an_unreachable_proxy_is_named() {
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let closed_port = closed.local_addr().unwrap().port();
    drop(closed);
    let net = network(&format!("http://127.0.0.1:{closed_port}"), "");
    let err = round_trip(&net, 443).await.unwrap_err();
    assert!(
        err.to_string().starts_with(&format!(
            "cannot reach the proxy http://127.0.0.1:{closed_port}: connection to 127.0.0.1:{closed_port} refused"
        )),
        "{err}"
    );
}
