//! mTLS on every path: the discovery document and the JWKS are fetched TLS only, as the
//! platform documents them, and again with the `[client]` transport certificate when the
//! server asks for one; `discovery_client_cert` in the target file forces either behaviour.

use std::sync::Arc;

use rustls::sign::CertifiedKey;

use super::transport::{Transport, WireRequest};
use crate::config::{Client, DocumentCert};
use crate::model::{TransportFailure, TransportKind, WireResponse};

/// The notice a run gives once when the server asked for a certificate for its documents.
pub const NOTICE: &str = "the server asked for a client certificate for its discovery document; discovery and the JWKS were fetched with the [client] transport certificate (set `discovery_client_cert` in the target file to force either behaviour)";

/// True when an answer may be asking for a client certificate: a `certificate_required` or
/// `handshake_failure` alert, a 401 or 403, or a reset or close right after the handshake (in
/// TLS 1.3 the server refuses a missing certificate after the client has finished, and its
/// alert is often lost to the close that follows it).
pub fn asks_for_cert(outcome: &Result<WireResponse, TransportFailure>) -> bool {
    match outcome {
        Ok(resp) => matches!(resp.status, 401 | 403),
        Err(f) => match &f.kind {
            TransportKind::TlsAlert { alert } => {
                alert == "CertificateRequired" || alert == "HandshakeFailure"
            }
            TransportKind::Reset | TransportKind::Closed => true,
            _ => false,
        },
    }
}

/// A document's fetch: the outcome, and whether the client's certificate was presented.
pub struct Fetched {
    pub outcome: Result<WireResponse, TransportFailure>,
    pub with_cert: bool,
}

/// Fetches a document: without a certificate, then (in `auto`, when asked) with `client`'s;
/// `always` presents it from the start, `never` never does. `with_cert` starts with it (an
/// earlier fetch of the run was asked for one).
pub async fn fetch(
    transport: &Transport,
    request: &WireRequest,
    mode: DocumentCert,
    client: &Client,
    with_cert: bool,
) -> Fetched {
    let send_with_cert = || {
        let identity: &Arc<CertifiedKey> = &client.identity;
        transport.send(request, &client.cert_x5t_s256, Some(identity))
    };
    if mode == DocumentCert::Always || (with_cert && mode != DocumentCert::Never) {
        return Fetched {
            outcome: send_with_cert().await,
            with_cert: true,
        };
    }
    let outcome = transport.send(request, "none", None).await;
    if mode == DocumentCert::Auto && asks_for_cert(&outcome) {
        return Fetched {
            outcome: send_with_cert().await,
            with_cert: true,
        };
    }
    Fetched {
        outcome,
        with_cert: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16) -> Result<WireResponse, TransportFailure> {
        Ok(WireResponse {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            truncated: false,
            tls: None,
            server_cert: None,
        })
    }

    #[test]
    fn what_asks_for_a_certificate() {
        let alert = |a: &str| {
            Err(TransportFailure::new(
                TransportKind::TlsAlert { alert: a.into() },
                "alert",
            ))
        };
        assert!(asks_for_cert(&alert("CertificateRequired")));
        assert!(asks_for_cert(&alert("HandshakeFailure")));
        assert!(!asks_for_cert(&alert("ProtocolVersion")));
        assert!(asks_for_cert(&answer(401)));
        assert!(asks_for_cert(&answer(403)));
        assert!(!asks_for_cert(&answer(200)));
        for (kind, asks) in [
            (TransportKind::Reset, true),
            (TransportKind::Closed, true),
            (TransportKind::Timeout, false),
            (TransportKind::ServerCert, false),
        ] {
            assert_eq!(
                asks_for_cert(&Err(TransportFailure::new(kind.clone(), "x"))),
                asks,
                "{kind:?}"
            );
        }
    }
}
