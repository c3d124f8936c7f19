//! Test PKI generation (rcgen + rsa): CAs, server and client certificates, signing keys.
//!
//! Everything here is test material. Private keys are wrapped in [`PrivateKeyPem`], whose `Debug`
//! never prints the key. The same API makes the good PKI of the mock and the deliberately bad
//! certificates of the harness (expired, wrong DN, untrusted CA).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose,
};
use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
use rsa::traits::PublicKeyParts;
use rustls_pki_types::pem::PemObject;
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};

/// A failure while generating test PKI material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PkiError {
    #[error("failed to generate an RSA key: {0}")]
    RsaKey(String),
    #[error("failed to encode a key: {0}")]
    Encode(String),
    #[error("failed to build a certificate: {0}")]
    Certificate(String),
}

impl From<rcgen::Error> for PkiError {
    fn from(e: rcgen::Error) -> Self {
        PkiError::Certificate(e.to_string())
    }
}

/// A PKCS#8 PEM private key. `Debug` prints only that it is redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct PrivateKeyPem(String);

impl PrivateKeyPem {
    /// Wraps PEM text.
    pub fn new(pem: String) -> Self {
        PrivateKeyPem(pem)
    }

    /// The PEM text (test material only; never write it to a report).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for PrivateKeyPem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PrivateKeyPem([redacted])")
    }
}

/// One certificate with its private key.
#[derive(Debug, Clone)]
pub struct IssuedCert {
    pub cert_pem: String,
    pub cert_der: Vec<u8>,
    pub key: PrivateKeyPem,
}

/// The kind of key a leaf certificate gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeafKey {
    /// RSA-2048 (slow to generate: about 0.1–0.5 s).
    Rsa2048,
    /// ECDSA P-256 (fast).
    EcdsaP256,
}

/// An RSA-2048 signing key for `private_key_jwt`, with its public forms.
#[derive(Debug, Clone)]
pub struct RsaSigningKey {
    /// PKCS#8 PEM private key.
    pub private_pem: PrivateKeyPem,
    /// SPKI PEM (`-----BEGIN PUBLIC KEY-----`, LF line endings).
    pub public_pem: String,
    /// RFC 7638 JWK thumbprint (SHA-256, base64url).
    pub kid: String,
    /// Modulus, base64url.
    pub n: String,
    /// Public exponent, base64url.
    pub e: String,
}

/// Generates an RSA-2048 key as PKCS#8 PEM.
pub fn generate_rsa_key() -> Result<PrivateKeyPem, PkiError> {
    let key = new_rsa()?;
    let pem = key
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| PkiError::Encode(e.to_string()))?;
    Ok(PrivateKeyPem(pem.to_string()))
}

/// Generates an RSA-2048 signing key with its RFC 7638 thumbprint as `kid`.
pub fn generate_rsa_signing_key() -> Result<RsaSigningKey, PkiError> {
    let key = new_rsa()?;
    let private_pem = key
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| PkiError::Encode(e.to_string()))?
        .to_string();
    let public = key.to_public_key();
    let public_pem = public
        .to_public_key_pem(LineEnding::LF)
        .map_err(|e| PkiError::Encode(e.to_string()))?;
    let n = URL_SAFE_NO_PAD.encode(public.n_bytes());
    let e = URL_SAFE_NO_PAD.encode(public.e_bytes());
    Ok(RsaSigningKey {
        private_pem: PrivateKeyPem(private_pem),
        public_pem,
        kid: rsa_jwk_thumbprint(&n, &e),
        n,
        e,
    })
}

/// RFC 7638 thumbprint of an RSA JWK given its base64url `n` and `e`.
pub fn rsa_jwk_thumbprint(n: &str, e: &str) -> String {
    let canonical = format!(r#"{{"e":"{e}","kty":"RSA","n":"{n}"}}"#);
    URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
}

/// RFC 7638 thumbprint of a P-256 JWK given its base64url `x` and `y`.
pub fn ec_jwk_thumbprint(x: &str, y: &str) -> String {
    let canonical = format!(r#"{{"crv":"P-256","kty":"EC","x":"{x}","y":"{y}"}}"#);
    URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
}

/// An ECDSA P-256 key pair as PKCS#8 PEM plus its JWK coordinates.
#[derive(Debug, Clone)]
pub struct EcSigningKey {
    pub private_pem: PrivateKeyPem,
    pub x: String,
    pub y: String,
    /// RFC 7638 thumbprint.
    pub kid: String,
}

/// Generates a P-256 signing key.
pub fn generate_ec_signing_key() -> Result<EcSigningKey, PkiError> {
    let pair = KeyPair::generate()?;
    let raw = pair.public_key_raw();
    // Uncompressed SEC1 point: 0x04 || x (32) || y (32).
    let (x, y) = match (raw.first(), raw.get(1..33), raw.get(33..65)) {
        (Some(4), Some(x), Some(y)) => (URL_SAFE_NO_PAD.encode(x), URL_SAFE_NO_PAD.encode(y)),
        _ => return Err(PkiError::Encode("unexpected P-256 public key form".into())),
    };
    Ok(EcSigningKey {
        private_pem: PrivateKeyPem(pair.serialize_pem()),
        kid: ec_jwk_thumbprint(&x, &y),
        x,
        y,
    })
}

fn new_rsa() -> Result<rsa::PrivateKey, PkiError> {
    rsa::PrivateKey::new(&mut getrandom::SysRng, 2048).map_err(|e| PkiError::RsaKey(e.to_string()))
}

fn leaf_key_pair(kind: LeafKey) -> Result<KeyPair, PkiError> {
    match kind {
        LeafKey::EcdsaP256 => Ok(KeyPair::generate()?),
        LeafKey::Rsa2048 => {
            let der = new_rsa()?
                .to_pkcs8_der()
                .map_err(|e| PkiError::Encode(e.to_string()))?;
            Ok(KeyPair::from_pkcs8_der_and_sign_algo(
                &der.as_bytes().into(),
                &rcgen::PKCS_RSA_SHA256,
            )?)
        }
    }
}

fn distinguished_name(parts: &[(DnType, &str)]) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    for (kind, value) in parts {
        dn.push(kind.clone(), *value);
    }
    dn
}

/// A test certificate authority (ECDSA P-256 when generated; any key rcgen can sign with when
/// loaded from PEM).
pub struct TestCa {
    issuer: Issuer<'static, KeyPair>,
    cert_pem: String,
    cert_der: Vec<u8>,
    key: PrivateKeyPem,
}

impl std::fmt::Debug for TestCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestCa").finish_non_exhaustive()
    }
}

impl TestCa {
    /// A self-signed CA named `CN=<cn>,O=ofpc test,C=MY`, valid from yesterday for ten years.
    pub fn generate(cn: &str) -> Result<TestCa, PkiError> {
        let mut params = CertificateParams::new(Vec::<String>::new())?;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        params.distinguished_name = distinguished_name(&[
            (DnType::CountryName, "MY"),
            (DnType::OrganizationName, "ofpc test"),
            (DnType::CommonName, cn),
        ]);
        let now = OffsetDateTime::now_utc();
        params.not_before = now - Duration::days(1);
        params.not_after = now + Duration::days(3650);
        let pair = KeyPair::generate()?;
        let key = PrivateKeyPem(pair.serialize_pem());
        let certified = CertifiedIssuer::self_signed(params, pair)?;
        TestCa::from_pem(&certified.pem(), &key)
    }

    /// A CA from its certificate and private key (PEM), e.g. a test CA a target trusts for
    /// client certificates.
    pub fn from_pem(cert_pem: &str, key: &PrivateKeyPem) -> Result<TestCa, PkiError> {
        let pair = KeyPair::from_pem(key.expose())?;
        let issuer = Issuer::from_ca_cert_pem(cert_pem, pair)?;
        let cert_der = rustls_pki_types::CertificateDer::from_pem_slice(cert_pem.as_bytes())
            .map_err(|e| PkiError::Certificate(format!("CA certificate is not PEM: {e}")))?
            .to_vec();
        Ok(TestCa {
            issuer,
            cert_pem: cert_pem.to_owned(),
            cert_der,
            key: key.clone(),
        })
    }

    /// The CA certificate, PEM.
    pub fn cert_pem(&self) -> String {
        self.cert_pem.clone()
    }

    /// The CA certificate, DER.
    pub fn cert_der(&self) -> Vec<u8> {
        self.cert_der.clone()
    }

    /// The CA private key (test material: only handed to the harness for the mock).
    pub fn key_pem(&self) -> &PrivateKeyPem {
        &self.key
    }

    /// A TLS server certificate (ECDSA P-256) for `names` (DNS names; IP literals become IP
    /// SANs), valid from yesterday for a year.
    pub fn issue_server_cert(&self, names: &[&str]) -> Result<IssuedCert, PkiError> {
        let sans: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        let mut params = CertificateParams::new(sans)?;
        params.distinguished_name = distinguished_name(&[
            (DnType::OrganizationName, "ofpc test"),
            (
                DnType::CommonName,
                names.first().copied().unwrap_or("localhost"),
            ),
        ]);
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        let now = OffsetDateTime::now_utc();
        params.not_before = now - Duration::days(1);
        params.not_after = now + Duration::days(365);
        self.sign(params, LeafKey::EcdsaP256)
    }

    /// A TLS client certificate with an RSA-2048 key (ClientAuth EKU). `subject` is in
    /// certificate (DER) order, most significant first, e.g. `[(CountryName, "MY"),
    /// (OrganizationName, "ofpc test"), (CommonName, "ofpc-client-one")]`, whose RFC 4514 form is
    /// `CN=ofpc-client-one,O=ofpc test,C=MY`.
    pub fn issue_client_cert(
        &self,
        subject: &[(DnType, &str)],
        not_before: OffsetDateTime,
        not_after: OffsetDateTime,
    ) -> Result<IssuedCert, PkiError> {
        self.issue_client_cert_with_key(subject, not_before, not_after, LeafKey::Rsa2048)
    }

    /// [`TestCa::issue_client_cert`] with a choice of key type.
    pub fn issue_client_cert_with_key(
        &self,
        subject: &[(DnType, &str)],
        not_before: OffsetDateTime,
        not_after: OffsetDateTime,
        key: LeafKey,
    ) -> Result<IssuedCert, PkiError> {
        let mut params = CertificateParams::new(Vec::<String>::new())?;
        params.distinguished_name = distinguished_name(subject);
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ];
        params.not_before = not_before;
        params.not_after = not_after;
        self.sign(params, key)
    }

    fn sign(&self, params: CertificateParams, key: LeafKey) -> Result<IssuedCert, PkiError> {
        let pair = leaf_key_pair(key)?;
        let cert = params.signed_by(&pair, &self.issuer)?;
        Ok(IssuedCert {
            cert_pem: cert.pem(),
            cert_der: cert.der().to_vec(),
            key: PrivateKeyPem(pair.serialize_pem()),
        })
    }
}

/// A self-signed client certificate (not issued by any CA), ECDSA P-256.
pub fn self_signed_client_cert(
    subject: &[(DnType, &str)],
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
) -> Result<IssuedCert, PkiError> {
    let mut params = CertificateParams::new(Vec::<String>::new())?;
    params.distinguished_name = distinguished_name(subject);
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    params.not_before = not_before;
    params.not_after = not_after;
    let pair = KeyPair::generate()?;
    let cert = params.self_signed(&pair)?;
    Ok(IssuedCert {
        cert_pem: cert.pem(),
        cert_der: cert.der().to_vec(),
        key: PrivateKeyPem(pair.serialize_pem()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_keys_never_debug_print() {
        let key = PrivateKeyPem::new("-----BEGIN PRIVATE KEY-----\nsecret".into());
        assert_eq!(format!("{key:?}"), "PrivateKeyPem([redacted])");
    }

    #[test]
    fn rfc7638_example_thumbprint() {
        // RFC 7638 §3.1 example key.
        let n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
        assert_eq!(
            rsa_jwk_thumbprint(n, "AQAB"),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
    }

    #[test]
    fn ca_issues_client_cert_with_subject() {
        let ca = TestCa::generate("ofpc test ca").expect("ca");
        let now = OffsetDateTime::now_utc();
        let leaf = ca
            .issue_client_cert_with_key(
                &[(DnType::CountryName, "MY"), (DnType::CommonName, "x")],
                now,
                now + Duration::days(1),
                LeafKey::EcdsaP256,
            )
            .expect("leaf");
        let subject = crate::pki::cert_subject(&leaf.cert_der).expect("subject");
        assert!(subject.contains("CN=x"), "{subject}");
        assert!(!format!("{leaf:?}").contains("BEGIN PRIVATE KEY"));
    }
}
