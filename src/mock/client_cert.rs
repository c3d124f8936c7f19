//! Client-certificate verification that never fails the handshake: every certificate is
//! accepted (presence is mandatory only with `require_cert_at_handshake`), the WebPKI verdict is
//! recorded per certificate, and the token endpoint answers 401 `invalid_client` in JSON for a
//! certificate that did not verify, unless a fault lets it through.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rustls::client::danger::HandshakeSignatureValid;
use rustls::pki_types::{CertificateDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{CertificateError, DigitallySignedStruct, DistinguishedName, SignatureScheme};

use crate::pki::x5t_s256;

/// Why a presented client certificate did not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertProblem {
    /// Not issued by the mock's CA (unknown issuer, self-signed, bad signature, ...).
    Untrusted(String),
    /// Issued by the mock's CA but expired or not yet valid.
    OutsideValidity(String),
}

/// WebPKI verdicts by `x5t#S256` of the leaf.
pub type CertVerdicts = Arc<Mutex<HashMap<String, Result<(), CertProblem>>>>;

/// Wraps a WebPKI verifier: records its verdict, accepts the certificate.
#[derive(Debug)]
pub struct RecordingVerifier {
    inner: Arc<dyn ClientCertVerifier>,
    mandatory: bool,
    verdicts: CertVerdicts,
}

impl RecordingVerifier {
    pub fn new(
        inner: Arc<dyn ClientCertVerifier>,
        mandatory: bool,
        verdicts: CertVerdicts,
    ) -> RecordingVerifier {
        RecordingVerifier {
            inner,
            mandatory,
            verdicts,
        }
    }
}

fn problem(e: &rustls::Error) -> CertProblem {
    match e {
        rustls::Error::InvalidCertificate(
            CertificateError::Expired
            | CertificateError::ExpiredContext { .. }
            | CertificateError::NotValidYet
            | CertificateError::NotValidYetContext { .. },
        ) => CertProblem::OutsideValidity(e.to_string()),
        other => CertProblem::Untrusted(other.to_string()),
    }
}

impl ClientCertVerifier for RecordingVerifier {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        self.mandatory
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        self.inner.root_hint_subjects()
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        let verdict = self
            .inner
            .verify_client_cert(end_entity, intermediates, now)
            .map(|_| ())
            .map_err(|e| problem(&e));
        self.verdicts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(x5t_s256(end_entity.as_ref()), verdict);
        Ok(ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}
