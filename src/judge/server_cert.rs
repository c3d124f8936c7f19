//! tls-server-cert: whether a request's handshake validated the server's chain and name.

use crate::model::{
    CheckId, CheckResult, CheckStatus, TransportFailure, TransportKind, WireResponse,
};

const EXPECTED: &str =
    "a chain to a trusted root (system roots plus the target's `ca`) for the host name (RFC 9525)";

/// The check for one authority (`at` is its `host:port`). None when the outcome says nothing
/// about the certificate (the connection failed before or apart from the handshake).
pub fn server_cert_check(
    outcome: &Result<WireResponse, TransportFailure>,
    at: &str,
) -> Option<CheckResult> {
    let (ok, actual) = match outcome {
        Ok(resp) => (
            true,
            match &resp.tls {
                Some(t) => format!(
                    "{at}: valid; server certificate {}, {} {}",
                    t.server_cert_subject.as_deref().unwrap_or("(no subject)"),
                    t.version.as_deref().unwrap_or("?"),
                    t.cipher_suite.as_deref().unwrap_or("?")
                ),
                None => format!("{at}: valid"),
            },
        ),
        Err(f) => match f.kind {
            TransportKind::ServerCert => (false, format!("{at}: {}", f.message)),
            // A refusal after the server's certificate was accepted (e.g. a missing client
            // certificate under TLS 1.2) still proves the chain and name.
            TransportKind::TlsAlert { .. } => (true, format!("{at}: valid (then {})", f.message)),
            _ => return None,
        },
    };
    let check = CheckId::TlsServerCert;
    Some(CheckResult {
        id: check.as_str().into(),
        title: check.title().into(),
        severity: check.severity(),
        status: if ok {
            CheckStatus::Pass
        } else {
            CheckStatus::Fail
        },
        expected: EXPECTED.into(),
        actual,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_alert_after_the_handshake_still_proves_the_chain() {
        let alert = Err(TransportFailure::new(
            TransportKind::TlsAlert {
                alert: "CertificateRequired".into(),
            },
            "TLS alert `CertificateRequired` received during TLS handshake",
        ));
        let check = server_cert_check(&alert, "127.0.0.1:8443").expect("judged");
        assert_eq!(
            (check.status, check.actual.as_str()),
            (
                CheckStatus::Pass,
                "127.0.0.1:8443: valid (then TLS alert `CertificateRequired` received during TLS handshake)"
            )
        );
        let bad = Err(TransportFailure::new(
            TransportKind::ServerCert,
            "the server's certificate was not accepted: UnknownIssuer",
        ));
        let check = server_cert_check(&bad, "h:1").expect("judged");
        assert_eq!(check.status, CheckStatus::Fail);
        let reset = Err(TransportFailure::new(TransportKind::Reset, "reset"));
        assert_eq!(server_cert_check(&reset, "h:1"), None);
    }
}
