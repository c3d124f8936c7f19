//! A registered client's credentials, loaded from PEM and checked: the transport key matches its
//! certificate, the signing key parses for its algorithm.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::sign::CertifiedKey;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use crate::errors::InputError;
use crate::oauth::{AuthMethod, Secret};
use crate::pki::{cert_subject, x5t_s256};

/// What the client puts in the assertion's `aud`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    Issuer,
    TokenEndpoint,
    Url(String),
}

impl Audience {
    pub fn parse(s: &str) -> Audience {
        match s {
            "issuer" => Audience::Issuer,
            "token_endpoint" => Audience::TokenEndpoint,
            url => Audience::Url(url.to_string()),
        }
    }
}

/// The assertion signing key (`private_key_jwt`).
#[derive(Clone)]
pub struct SigningKey {
    /// PEM of the private key (PKCS#8 or PKCS#1 RSA, PKCS#8 EC P-256).
    pub pem: Secret,
    pub kid: String,
    /// `PS256` for RSA keys, `ES256` for EC keys.
    pub alg: jsonwebtoken::Algorithm,
    /// SPKI PEM of the public half (RSA only): the MAC key of the HS256 confusion attack.
    pub public_pem: Option<String>,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .finish_non_exhaustive()
    }
}

/// A registered client with its loaded credentials.
#[derive(Clone)]
pub struct Client {
    pub client_id: String,
    pub auth: AuthMethod,
    /// Transport certificate chain and key, ready for rustls.
    pub identity: Arc<CertifiedKey>,
    pub cert_subject: String,
    pub cert_x5t_s256: String,
    pub signing: Option<SigningKey>,
    pub scope: String,
    pub audience: Audience,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("client_id", &self.client_id)
            .field("auth", &self.auth)
            .field("cert_subject", &self.cert_subject)
            .field("signing", &self.signing)
            .finish_non_exhaustive()
    }
}

/// Loads a PEM file, naming the file and the key in every error.
pub fn read_pem(path: &Path, key: &str, target_file: &Path) -> Result<String, InputError> {
    std::fs::read_to_string(path).map_err(|e| {
        InputError::new(format!("cannot read `{key}` = {}: {e}", path.display()))
            .in_file(target_file)
            .hint(format!(
                "check the path of `{key}` (relative paths resolve against the target file's folder)"
            ))
    })
}

/// Whether a PEM holds an encrypted private key (PKCS#8 `ENCRYPTED PRIVATE KEY`, or a legacy
/// OpenSSL `Proc-Type: 4,ENCRYPTED` block), which ofpc cannot use.
pub fn is_encrypted_key(pem: &str) -> bool {
    pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") || pem.contains("Proc-Type: 4,ENCRYPTED")
}

fn encrypted_key_error(key: &str) -> InputError {
    InputError::new(format!(
        "`{key}` is an encrypted private key (ENCRYPTED PRIVATE KEY); ofpc reads only unencrypted keys"
    ))
    .hint("decrypt it into a file only you can read, e.g. `openssl pkcs8 -in key.enc -out key.pem`, and name that file")
}

/// Whether the certificate's key is one the transport signs with: RSA of 2048 bits or more, or
/// EC P-256. Otherwise what it is, e.g. `an EC P-384 key`.
pub fn unsupported_key_kind(cert_der: &[u8]) -> Option<String> {
    use x509_parser::public_key::PublicKey;
    let (_, cert) = x509_parser::parse_x509_certificate(cert_der).ok()?;
    let spki = cert.public_key();
    let oid = spki.algorithm.algorithm.to_id_string();
    match oid.as_str() {
        // rsaEncryption
        "1.2.840.113549.1.1.1" => match spki.parsed() {
            Ok(PublicKey::RSA(rsa)) if rsa.key_size() < 2048 => {
                Some(format!("an RSA key of {} bits", rsa.key_size()))
            }
            _ => None,
        },
        // id-ecPublicKey, with the curve as parameter
        "1.2.840.10045.2.1" => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|o| o.to_id_string())
                .unwrap_or_default();
            match curve.as_str() {
                "1.2.840.10045.3.1.7" => None,
                "1.3.132.0.34" => Some("an EC P-384 key".to_string()),
                "1.3.132.0.35" => Some("an EC P-521 key".to_string()),
                other => Some(format!("an EC key on curve {other}")),
            }
        }
        "1.3.101.112" => Some("an Ed25519 key".to_string()),
        "1.3.101.113" => Some("an Ed448 key".to_string()),
        "1.2.840.113549.1.1.10" => Some("an RSA-PSS-only key".to_string()),
        other => Some(format!("a key of algorithm {other}")),
    }
}

/// Checks that the certificate is valid at `now` (seconds since the epoch); otherwise says when
/// it was valid, e.g. `expired on 2025-01-01 00:00:00 UTC (valid 2024-01-01 ... to ...)`.
pub fn validity_problem(cert_der: &[u8], now: i64) -> Option<String> {
    let (_, cert) = x509_parser::parse_x509_certificate(cert_der).ok()?;
    let validity = cert.validity();
    let from = validity.not_before.timestamp();
    let to = validity.not_after.timestamp();
    let range = format!(
        "valid from {} to {}",
        utc(validity.not_before),
        utc(validity.not_after)
    );
    if now < from {
        Some(format!("is not valid yet ({range})"))
    } else if now > to {
        Some(format!("expired on {} ({range})", utc(validity.not_after)))
    } else {
        None
    }
}

fn utc(t: x509_parser::time::ASN1Time) -> String {
    t.to_datetime()
        .format(time::macros::format_description!(
            "[year]-[month]-[day] [hour]:[minute]:[second] UTC"
        ))
        .unwrap_or_else(|_| t.to_string())
}

/// Parses certificate chain + key PEM and checks that they belong together.
pub fn certified_key(
    cert_pem: &str,
    key_pem: &Secret,
    origin: &CredentialOrigin,
) -> Result<Arc<CertifiedKey>, InputError> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_pem.as_bytes())
        .collect::<Result<_, _>>()
        .map_err(|e| origin.error(&origin.cert_key, format!("is not a PEM certificate: {e}")))?;
    if chain.is_empty() {
        return Err(origin.error(&origin.cert_key, "holds no CERTIFICATE block".into()));
    }
    if is_encrypted_key(key_pem.expose()) {
        return Err(encrypted_key_error(&origin.key_key).in_file(&origin.target_file));
    }
    if let Some(kind) = unsupported_key_kind(chain[0].as_ref()) {
        return Err(origin
            .error(
                &origin.key_key,
                format!("is {kind}, which the transport does not support"),
            )
            .hint("use an RSA key of 2048 bits or more, or an EC P-256 key, for the transport certificate"));
    }
    let key = PrivateKeyDer::from_pem_slice(key_pem.expose().as_bytes()).map_err(|e| {
        origin
            .error(&origin.key_key, format!("is not a PEM private key: {e}"))
            .hint("RSA keys may be PKCS#8 (BEGIN PRIVATE KEY) or PKCS#1 (BEGIN RSA PRIVATE KEY); EC P-256 keys PKCS#8")
    })?;
    let provider = rustls::crypto::ring::default_provider();
    let certified = CertifiedKey::from_der(chain, key, &provider).map_err(|e| {
        origin
            .error(
                &origin.key_key,
                match e {
                    rustls::Error::InconsistentKeys(_) => format!(
                        "does not match the certificate in `{}`: it is the key of another certificate",
                        origin.cert_key
                    ),
                    other => format!(
                        "does not match the certificate in `{}`: {other}",
                        origin.cert_key
                    ),
                },
            )
            .hint("use the private key that was generated with this certificate")
    })?;
    Ok(Arc::new(certified))
}

/// Where a credential came from, for error messages.
pub struct CredentialOrigin {
    pub target_file: PathBuf,
    /// e.g. `client.transport_cert`
    pub cert_key: String,
    /// e.g. `client.transport_key`
    pub key_key: String,
}

impl CredentialOrigin {
    fn error(&self, key: &str, what: String) -> InputError {
        InputError::new(format!("`{key}` {what}")).in_file(&self.target_file)
    }
}

/// Parses the signing key and works out its algorithm and public half.
pub fn signing_key(
    pem: Secret,
    kid: String,
    origin_key: &str,
    target_file: &Path,
) -> Result<SigningKey, InputError> {
    use rsa::pkcs1::DecodeRsaPrivateKey;
    use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey, LineEnding};

    let text = pem.expose();
    if is_encrypted_key(text) {
        return Err(encrypted_key_error(origin_key).in_file(target_file));
    }
    let rsa_key = rsa::PrivateKey::from_pkcs8_pem(text)
        .ok()
        .or_else(|| rsa::PrivateKey::from_pkcs1_pem(text).ok());
    if let Some(key) = rsa_key {
        let public_pem = key
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .map_err(|e| {
                InputError::new(format!(
                    "cannot encode the public half of `{origin_key}`: {e}"
                ))
            })?;
        return Ok(SigningKey {
            pem,
            kid,
            alg: jsonwebtoken::Algorithm::PS256,
            public_pem: Some(public_pem),
        });
    }
    if p256::SecretKey::from_pkcs8_pem(text).is_ok() {
        return Ok(SigningKey {
            pem,
            kid,
            alg: jsonwebtoken::Algorithm::ES256,
            public_pem: None,
        });
    }
    Err(InputError::new(format!(
        "`{origin_key}` is neither an RSA private key (PKCS#8 or PKCS#1) nor an EC P-256 key (PKCS#8)"
    ))
    .in_file(target_file)
    .hint("FAPI 2.0 client assertions are signed PS256 (RSA >= 2048 bits) or ES256 (P-256)"))
}

impl Client {
    /// A client whose certificate facts (subject, `x5t#S256`) are read off its leaf certificate.
    pub fn new(
        client_id: String,
        auth: AuthMethod,
        identity: Arc<CertifiedKey>,
        signing: Option<SigningKey>,
        scope: String,
        audience: Audience,
    ) -> Client {
        let leaf = identity
            .cert
            .first()
            .map(|c| c.as_ref())
            .unwrap_or_default();
        let cert_subject =
            cert_subject(leaf).unwrap_or_else(|| "(unparsable certificate)".to_string());
        let cert_x5t_s256 = x5t_s256(leaf);
        Client {
            client_id,
            auth,
            identity,
            cert_subject,
            cert_x5t_s256,
            signing,
            scope,
            audience,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::generate::{LeafKey, TestCa};
    use rcgen::DnType;

    fn origin() -> CredentialOrigin {
        CredentialOrigin {
            target_file: PathBuf::from("t.toml"),
            cert_key: "client.transport_cert".into(),
            key_key: "client.transport_key".into(),
        }
    }

    fn issue(key: LeafKey) -> crate::pki::generate::IssuedCert {
        let ca = TestCa::generate("test CA").unwrap();
        let now = time::OffsetDateTime::now_utc();
        ca.issue_client_cert_with_key(
            &[(DnType::CommonName, "c")],
            now - time::Duration::days(1),
            now + time::Duration::days(1),
            key,
        )
        .unwrap()
    }

    #[test]
    fn accepts_rsa_pkcs8_rsa_pkcs1_and_ec_pkcs8() {
        use rsa::pkcs1::EncodeRsaPrivateKey;
        use rsa::pkcs8::{DecodePrivateKey, LineEnding};

        let rsa = issue(LeafKey::Rsa2048);
        certified_key(&rsa.cert_pem, &Secret::new(rsa.key.expose()), &origin())
            .expect("RSA PKCS#8");
        let pkcs1 = rsa::PrivateKey::from_pkcs8_pem(rsa.key.expose())
            .unwrap()
            .to_pkcs1_pem(LineEnding::LF)
            .unwrap();
        assert!(pkcs1.starts_with("-----BEGIN RSA PRIVATE KEY-----"));
        certified_key(&rsa.cert_pem, &Secret::new(pkcs1.to_string()), &origin())
            .expect("RSA PKCS#1");
        let signing = signing_key(
            Secret::new(pkcs1.to_string()),
            "k".into(),
            "client.signing_key",
            Path::new("t.toml"),
        )
        .unwrap();
        assert_eq!(signing.alg, jsonwebtoken::Algorithm::PS256);
        assert!(signing.public_pem.is_some());

        let ec = issue(LeafKey::EcdsaP256);
        certified_key(&ec.cert_pem, &Secret::new(ec.key.expose()), &origin()).expect("EC PKCS#8");
        let signing = signing_key(
            Secret::new(ec.key.expose()),
            "k".into(),
            "client.signing_key",
            Path::new("t.toml"),
        )
        .unwrap();
        assert_eq!(signing.alg, jsonwebtoken::Algorithm::ES256);
    }

    #[test]
    fn unsupported_keys_and_encrypted_keys_are_named() {
        let now = time::OffsetDateTime::now_utc();
        for (alg, kind) in [
            (&rcgen::PKCS_ECDSA_P384_SHA384, "an EC P-384 key"),
            (&rcgen::PKCS_ED25519, "an Ed25519 key"),
        ] {
            let key = rcgen::KeyPair::generate_for(alg).unwrap();
            let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
            params.not_before = now - time::Duration::days(1);
            params.not_after = now + time::Duration::days(1);
            let cert = params.self_signed(&key).unwrap();
            let err = certified_key(&cert.pem(), &Secret::new(key.serialize_pem()), &origin())
                .unwrap_err();
            assert_eq!(
                err.render(),
                format!(
                    "error: t.toml: `client.transport_key` is {kind}, which the transport does not support\n  hint: use an RSA key of 2048 bits or more, or an EC P-256 key, for the transport certificate"
                )
            );
        }
        let rsa = issue(LeafKey::Rsa2048);
        let encrypted =
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n";
        let err = certified_key(
            &rsa.cert_pem,
            &Secret::new(encrypted.to_string()),
            &origin(),
        )
        .unwrap_err();
        assert_eq!(
            err.message,
            "`client.transport_key` is an encrypted private key (ENCRYPTED PRIVATE KEY); ofpc reads only unencrypted keys"
        );
    }

    #[test]
    fn validity_is_told_with_dates() {
        let ca = TestCa::generate("test CA").unwrap();
        let t = |s: i64| time::OffsetDateTime::from_unix_timestamp(s).unwrap();
        let cert = ca
            .issue_client_cert_with_key(
                &[(DnType::CommonName, "c")],
                t(1_700_000_000),
                t(1_800_000_000),
                LeafKey::EcdsaP256,
            )
            .unwrap();
        let der =
            rustls_pki_types::CertificateDer::from_pem_slice(cert.cert_pem.as_bytes()).unwrap();
        assert_eq!(validity_problem(der.as_ref(), 1_750_000_000), None);
        assert_eq!(
            validity_problem(der.as_ref(), 1_900_000_000).as_deref(),
            Some(
                "expired on 2027-01-15 08:00:00 UTC (valid from 2023-11-14 22:13:20 UTC to 2027-01-15 08:00:00 UTC)"
            )
        );
        assert_eq!(
            validity_problem(der.as_ref(), 1_600_000_000).as_deref(),
            Some(
                "is not valid yet (valid from 2023-11-14 22:13:20 UTC to 2027-01-15 08:00:00 UTC)"
            )
        );
    }

    #[test]
    fn a_key_of_another_certificate_is_refused_with_the_keys_named() {
        let one = issue(LeafKey::EcdsaP256);
        let two = issue(LeafKey::EcdsaP256);
        let err =
            certified_key(&one.cert_pem, &Secret::new(two.key.expose()), &origin()).unwrap_err();
        assert!(
            err.message.starts_with(
                "`client.transport_key` does not match the certificate in `client.transport_cert`"
            ),
            "{}",
            err.message
        );
        let err = certified_key("not pem", &Secret::new(two.key.expose()), &origin()).unwrap_err();
        assert_eq!(
            err.message,
            "`client.transport_cert` holds no CERTIFICATE block"
        );
    }
}
