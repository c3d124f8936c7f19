//! One exchange as data: the request as sent, and the response or why none came (records kept
//! in reports), plus the raw response and typed transport failure that execution hands judging.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestRecord {
    pub method: String,
    pub url: String,
    /// Headers as sent, secrets redacted.
    pub headers: Vec<(String, String)>,
    /// Body as sent, secrets redacted (assertion signatures and tokens shown as short hashes).
    pub body: Option<String>,
    /// Which TLS identity was presented: `client`, `second-client`, `none`, ...
    pub tls_identity: String,
    /// The client certificate presented, if any.
    pub client_cert: Option<CertInfo>,
    /// Each time the request was sent again after a 429 or 503 with `Retry-After`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retries: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertInfo {
    pub subject: String,
    /// base64url(SHA-256(DER)), as in `cnf.x5t#S256`.
    pub x5t_s256: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Outcome {
    /// An HTTP response arrived.
    Response(ResponseRecord),
    /// No HTTP response: TLS refusal, reset, timeout, DNS, ...
    Transport(TransportRecord),
    /// The step did not run.
    Skipped { reason: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseRecord {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// Body as text (lossy UTF-8), secrets redacted, cut at the size cap.
    pub body: String,
    pub truncated: bool,
    pub tls: Option<TlsFacts>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransportRecord {
    /// `tls-refused`, `tls-server-cert`, `reset`, `closed`, `timeout`, `connect`, `dns`,
    /// `too-large`, `not-answering`, `not-sent`, `other`.
    pub class: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsFacts {
    pub version: Option<String>,
    pub cipher_suite: Option<String>,
    pub server_cert_subject: Option<String>,
}

/// A response as received, before redaction: what judging reads.
#[derive(Debug, Clone)]
pub struct WireResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub truncated: bool,
    pub tls: Option<TlsFacts>,
    /// The server's leaf certificate (DER), over TLS.
    pub server_cert: Option<Vec<u8>>,
}

/// What kind of thing kept a response from arriving. Judging matches on this, never on text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportKind {
    /// The peer sent a TLS alert (`alert` is its description, e.g. `CertificateRequired`).
    TlsAlert { alert: String },
    /// Another TLS error (a malformed record, a protocol violation, ...).
    Tls,
    /// The server's certificate did not validate (chain or name).
    ServerCert,
    /// The connection was reset or aborted.
    Reset,
    /// The connection was closed before a complete answer.
    Closed,
    /// The TCP connection was refused.
    Refused,
    /// Another failure to connect.
    Connect,
    /// The host name did not resolve.
    Dns,
    /// The TCP connect took longer than the connect timeout.
    ConnectTimeout,
    /// No complete answer within the total timeout.
    Timeout,
    /// A read or write timed out at the socket.
    ReadTimeout,
    /// The request could not be set up (TLS configuration, server name, HTTP framing).
    Build,
    /// The answer's body is larger than the harness keeps (`max_body_kib`); the rest was not read.
    TooLarge { limit_kib: u64 },
    /// Not sent: earlier consecutive timeouts at the same host said the target is not answering.
    NotAnswering,
    /// The request could not be built or signed, so nothing was sent.
    NotSent,
    /// Our own HTTP proxy failed: unreachable, or it refused or broke the CONNECT tunnel. Says
    /// nothing about the target.
    Proxy,
    /// The target kept answering 429 or 503 with `Retry-After` past the retry budget.
    RateLimited,
    /// Anything else the transport reported.
    Other,
}

impl TransportKind {
    /// The class written to reports (`TransportRecord::class`).
    pub fn class(&self) -> &'static str {
        match self {
            TransportKind::TlsAlert { .. } | TransportKind::Tls => "tls-refused",
            TransportKind::ServerCert => "tls-server-cert",
            TransportKind::Reset => "reset",
            TransportKind::Closed => "closed",
            TransportKind::Refused | TransportKind::Connect => "connect",
            TransportKind::Dns => "dns",
            TransportKind::ConnectTimeout | TransportKind::Timeout | TransportKind::ReadTimeout => {
                "timeout"
            }
            TransportKind::TooLarge { .. } => "too-large",
            TransportKind::NotAnswering => "not-answering",
            TransportKind::NotSent => "not-sent",
            TransportKind::Proxy => "proxy",
            TransportKind::RateLimited => "rate-limited",
            TransportKind::Build | TransportKind::Other => "other",
        }
    }

    /// A connect or answer timeout: what counts towards "the target is not answering".
    pub fn is_timeout(&self) -> bool {
        matches!(
            self,
            TransportKind::ConnectTimeout | TransportKind::Timeout | TransportKind::ReadTimeout
        )
    }
}

/// Why no response arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportFailure {
    pub kind: TransportKind,
    pub message: String,
}

impl TransportFailure {
    pub fn new(kind: TransportKind, message: impl Into<String>) -> Self {
        TransportFailure {
            kind,
            message: message.into(),
        }
    }

    /// True when the server (or its TLS terminator) refused the connection at the TLS layer:
    /// an alert, a reset, or a close during the handshake or before any HTTP answer.
    pub fn is_tls_refusal(&self) -> bool {
        matches!(
            self.kind,
            TransportKind::TlsAlert { .. }
                | TransportKind::Tls
                | TransportKind::Reset
                | TransportKind::Closed
        )
    }

    /// The record kept in reports.
    pub fn record(&self) -> TransportRecord {
        TransportRecord {
            class: self.kind.class().to_string(),
            message: self.message.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_and_refusals() {
        let alert = TransportFailure::new(
            TransportKind::TlsAlert {
                alert: "CertificateRequired".into(),
            },
            "TLS alert `CertificateRequired` received during TLS handshake",
        );
        assert_eq!(alert.record().class, "tls-refused");
        assert!(alert.is_tls_refusal());
        let timeout = TransportFailure::new(TransportKind::ConnectTimeout, "slow");
        assert_eq!(
            (timeout.record().class.as_str(), timeout.is_tls_refusal()),
            ("timeout", false)
        );
    }
}
