//! One probe on the wire: connect, send the ClientHello, read the first records under a deadline.

use std::io;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::{Instant, timeout_at};

use crate::net::{ConnectError, NetStream, Network};

use super::classify::{ProbeOutcome, Progress, classify, escape};
use super::hello::ClientHelloSpec;

/// Most bytes read from the server for one probe.
pub const READ_CAP: usize = 64 * 1024;

/// Where the probes go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeTarget {
    /// Host name or IP literal (IPv6 with or without brackets).
    pub host: String,
    pub port: u16,
    /// SNI to send; `None` means the host name (never an IP literal).
    pub sni: Option<String>,
}

impl ProbeTarget {
    /// `host:port`, with brackets for IPv6 literals.
    pub fn authority(&self) -> String {
        let bare = self.host.trim_start_matches('[').trim_end_matches(']');
        if bare.contains(':') {
            format!("[{bare}]:{}", self.port)
        } else {
            format!("{bare}:{}", self.port)
        }
    }

    /// The name to put in SNI (IP literals are dropped when the hello is built).
    pub fn server_name(&self) -> Option<String> {
        Some(self.sni.clone().unwrap_or_else(|| self.host.clone()))
    }
}

/// Sends `spec` as a ClientHello to `target` and classifies the answer. `limit` bounds the TCP
/// connect and, separately, the wait for an answer after the hello.
pub async fn probe(target: &ProbeTarget, spec: &ClientHelloSpec, limit: Duration) -> ProbeOutcome {
    probe_via(&Network::direct(), target, spec, limit).await
}

/// [`probe`] over a connection opened through `network` (a proxy tunnel or direct).
pub async fn probe_via(
    network: &Network,
    target: &ProbeTarget,
    spec: &ClientHelloSpec,
    limit: Duration,
) -> ProbeOutcome {
    let mut stream = match network.connect(&target.host, target.port, limit).await {
        Err(ConnectError::Timeout { .. }) => {
            return ProbeOutcome::ConnectFailed(format!(
                "connect to {} timed out after {} ms",
                target.authority(),
                limit.as_millis()
            ));
        }
        Err(e) => return ProbeOutcome::ConnectFailed(e.to_string()),
        Ok(s) => s,
    };
    let deadline = Instant::now() + limit;
    let hello = spec.to_record();
    match timeout_at(deadline, stream.write_all(&hello)).await {
        Err(_) => return ProbeOutcome::Timeout,
        Ok(Err(e)) => return io_outcome(&e, &[]),
        Ok(Ok(())) => {}
    }
    read_answer(&mut stream, deadline).await
}

async fn read_answer(stream: &mut NetStream, deadline: Instant) -> ProbeOutcome {
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    loop {
        let n = match timeout_at(deadline, stream.read(&mut chunk)).await {
            Err(_) => return partial_or(&buf, ProbeOutcome::Timeout),
            Ok(Err(e)) => return io_outcome(&e, &buf),
            Ok(Ok(n)) => n,
        };
        if n == 0 {
            if buf.is_empty() {
                return ProbeOutcome::Closed;
            }
            return ProbeOutcome::Malformed {
                reason: format!(
                    "connection closed after {} bytes of an incomplete TLS record: \"{}\"",
                    buf.len(),
                    escape(&buf)
                ),
            };
        }
        let room = READ_CAP.saturating_sub(buf.len());
        buf.extend_from_slice(&chunk[..n.min(room)]);
        match classify(&buf) {
            Progress::Done(outcome) => return outcome,
            Progress::NeedMore if buf.len() >= READ_CAP => {
                return ProbeOutcome::Malformed {
                    reason: format!("no complete ServerHello in the first {READ_CAP} bytes"),
                };
            }
            Progress::NeedMore => {}
        }
    }
}

/// A timeout after a partial record is still a stall, but the bytes are worth showing.
fn partial_or(buf: &[u8], outcome: ProbeOutcome) -> ProbeOutcome {
    if buf.is_empty() {
        outcome
    } else {
        ProbeOutcome::Malformed {
            reason: format!(
                "stalled after {} bytes of an incomplete TLS record: \"{}\"",
                buf.len(),
                escape(buf)
            ),
        }
    }
}

fn io_outcome(e: &io::Error, buf: &[u8]) -> ProbeOutcome {
    match e.kind() {
        io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted
        | io::ErrorKind::BrokenPipe => ProbeOutcome::Reset,
        _ if buf.is_empty() => ProbeOutcome::Malformed {
            reason: format!("read failed: {e}"),
        },
        _ => ProbeOutcome::Malformed {
            reason: format!("read failed after \"{}\": {e}", escape(buf)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authority_brackets_ipv6() {
        let t = |host: &str| ProbeTarget {
            host: host.to_owned(),
            port: 443,
            sni: None,
        };
        assert_eq!(t("::1").authority(), "[::1]:443");
        assert_eq!(t("[::1]").authority(), "[::1]:443");
        assert_eq!(t("as.example.my").authority(), "as.example.my:443");
    }
}
