//! Opening the TCP connections the harness speaks over: directly, or through an HTTP CONNECT
//! proxy chosen by the curl conventions (`HTTPS_PROXY`/`https_proxy`, `ALL_PROXY`, `NO_PROXY`) or
//! by the target file's `proxy` key. Every socket has `TCP_NODELAY` set. The request transport
//! and the raw TLS probes both connect through here, so mTLS and the probes run end to end
//! through the tunnel.

mod connect;
mod proxy;

pub use connect::{ConnectError, NetStream, ProxyFailure, authority};
pub use proxy::{ProxyError, ProxySettings, ProxySource};

use std::time::Duration;

/// How connections reach the target.
#[derive(Debug, Clone, Default)]
pub struct Network {
    proxy: Option<ProxySettings>,
}

impl Network {
    /// Straight to the target: no proxy whatever the environment says (the built-in mock).
    pub fn direct() -> Network {
        Network { proxy: None }
    }

    /// Through `proxy` for every destination it does not exempt.
    pub fn with_proxy(proxy: ProxySettings) -> Network {
        Network { proxy: Some(proxy) }
    }

    /// The proxy a connection to `host:port` goes through, printable (credentials removed).
    pub fn proxy_for(&self, host: &str, port: u16) -> Option<String> {
        let proxy = self.proxy.as_ref()?;
        proxy.route(host, port).map(|_| proxy.display())
    }

    /// One line saying how connections to `host:port` go: `None` when directly.
    pub fn route_notice(&self, host: &str, port: u16) -> Option<String> {
        let proxy = self.proxy.as_ref()?;
        let host = host.trim_start_matches('[').trim_end_matches(']');
        proxy.route(host, port).map(|_| {
            format!(
                "connections go through the proxy {} ({})",
                proxy.display(),
                proxy.source
            )
        })
    }

    /// Opens a TCP connection to `host:port` (through the proxy when one applies) within
    /// `timeout`, with `TCP_NODELAY` set.
    pub async fn connect(
        &self,
        host: &str,
        port: u16,
        timeout: Duration,
    ) -> Result<NetStream, ConnectError> {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        match self
            .proxy
            .as_ref()
            .and_then(|p| p.route(host, port).map(|r| (p, r)))
        {
            Some((proxy, route)) => connect::tunnel(proxy, route, host, port, timeout).await,
            None => connect::direct(host, port, timeout)
                .await
                .map(NetStream::Direct),
        }
    }
}
