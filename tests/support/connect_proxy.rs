//! A small HTTP CONNECT proxy on 127.0.0.1 for tests (include with `#[path = "support/connect_proxy.rs"] mod connect_proxy;`): counts tunnels, records the
//! `Proxy-Authorization` it saw, and can demand credentials or refuse every CONNECT.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How the proxy answers CONNECT.
#[derive(Debug, Clone)]
pub enum ProxyMode {
    /// Tunnels every CONNECT.
    Open,
    /// Tunnels only with this exact `Proxy-Authorization` value, else 407.
    RequireAuth(String),
    /// Answers every CONNECT with this status.
    Refuse(u16),
}

/// A running proxy; it stops with the runtime.
pub struct ConnectProxy {
    pub addr: SocketAddr,
    /// Tunnels opened (200 sent).
    pub tunnels: Arc<AtomicUsize>,
    /// CONNECT requests received, tunnelled or not.
    pub requests: Arc<AtomicUsize>,
    /// `host:port` of every CONNECT, in order.
    pub destinations: Arc<Mutex<Vec<String>>>,
}

impl ConnectProxy {
    pub async fn start(mode: ProxyMode) -> ConnectProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let proxy = ConnectProxy {
            addr: listener.local_addr().expect("proxy address"),
            tunnels: Arc::default(),
            requests: Arc::default(),
            destinations: Arc::default(),
        };
        let (tunnels, requests, destinations) = (
            proxy.tunnels.clone(),
            proxy.requests.clone(),
            proxy.destinations.clone(),
        );
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let (mode, tunnels, requests, destinations) = (
                    mode.clone(),
                    tunnels.clone(),
                    requests.clone(),
                    destinations.clone(),
                );
                tokio::spawn(async move {
                    let _ = serve(client, mode, tunnels, requests, destinations).await;
                });
            }
        });
        proxy
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn tunnel_count(&self) -> usize {
        self.tunnels.load(Ordering::SeqCst)
    }

    pub fn request_count(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

async fn serve(
    mut client: TcpStream,
    mode: ProxyMode,
    tunnels: Arc<AtomicUsize>,
    requests: Arc<AtomicUsize>,
    destinations: Arc<Mutex<Vec<String>>>,
) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() > 8192 || client.read(&mut byte).await? == 0 {
            return Ok(());
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let mut lines = head.split("\r\n");
    let first: Vec<&str> = lines.next().unwrap_or_default().split(' ').collect();
    if first.len() != 3 || first[0] != "CONNECT" {
        client
            .write_all(b"HTTP/1.1 405 Method Not Allowed\r\ncontent-length: 0\r\n\r\n")
            .await?;
        return Ok(());
    }
    requests.fetch_add(1, Ordering::SeqCst);
    let destination = first[1].to_string();
    destinations.lock().unwrap().push(destination.clone());
    let auth = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(name, _)| name.eq_ignore_ascii_case("proxy-authorization"))
        .map(|(_, v)| v.trim().to_string());
    let refuse = match &mode {
        ProxyMode::Open => None,
        ProxyMode::RequireAuth(expected) => (auth.as_deref() != Some(expected)).then_some(407),
        ProxyMode::Refuse(code) => Some(*code),
    };
    if let Some(code) = refuse {
        let answer = format!("HTTP/1.1 {code} Refused\r\ncontent-length: 0\r\n\r\n");
        client.write_all(answer.as_bytes()).await?;
        return Ok(());
    }
    let mut upstream = match TcpStream::connect(destination.as_str()).await {
        Ok(s) => s,
        Err(_) => {
            client
                .write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n")
                .await?;
            return Ok(());
        }
    };
    upstream.set_nodelay(true)?;
    client.set_nodelay(true)?;
    tunnels.fetch_add(1, Ordering::SeqCst);
    client
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .await?;
    tokio::io::copy_bidirectional(&mut client, &mut upstream).await?;
    Ok(())
}
