//! Bundle signing keys and verification keys: PEM in, DSSE signature bytes out (and back).
//!
//! Algorithms follow JWA (RFC 7518) so the names mean what they mean elsewhere: PS256 is RSA-PSS
//! with SHA-256 and a 32-byte salt, ES256 is ECDSA P-256 with SHA-256 and the fixed 64-byte
//! `r || s` signature (as in the DSSE spec's own test vector), EdDSA is Ed25519. The key id is
//! the RFC 7638 JWK thumbprint of the public key, so `--key` and `--cert` find the same id.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::rand::SystemRandom;
use ring::signature::{self as rsig, KeyPair};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, SubjectPublicKeyInfoDer};
use sha2::{Digest, Sha256};
use x509_parser::prelude::FromDer;

use crate::pki::generate::{ec_jwk_thumbprint, rsa_jwk_thumbprint};

/// Why a key could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("holds no PEM private key")]
    NoPrivateKey,
    #[error("holds no PEM public key or certificate")]
    NoPublicKey,
    #[error("is a SEC1 EC key; only PKCS#8 EC keys are read")]
    Sec1,
    #[error("is an RSA key that cannot sign: {0}")]
    Rsa(String),
    #[error("is neither RSA (2048 bits or more), EC P-256 nor Ed25519")]
    Unsupported,
    #[error("holds a certificate that does not parse")]
    BadCertificate,
    #[error("holds a public key that does not parse")]
    BadPublicKey,
    #[error("cannot sign: {0}")]
    Sign(String),
}

/// The signature algorithm, by its JWA name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alg {
    Ps256,
    Es256,
    EdDsa,
}

impl Alg {
    pub fn as_str(self) -> &'static str {
        match self {
            Alg::Ps256 => "PS256",
            Alg::Es256 => "ES256",
            Alg::EdDsa => "EdDSA",
        }
    }
}

/// A public key that can check a bundle signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicKey {
    /// `RSAPublicKey` DER (PKCS#1) plus its modulus and exponent without leading zeros.
    Rsa {
        der: Vec<u8>,
        n: Vec<u8>,
        e: Vec<u8>,
    },
    /// Uncompressed SEC1 point `04 || x || y`.
    P256 { point: Vec<u8> },
    /// The 32-byte public key.
    Ed25519 { x: Vec<u8> },
}

const OID_RSA: &str = "1.2.840.113549.1.1.1";
const OID_EC: &str = "1.2.840.10045.2.1";
const OID_P256: &str = "1.2.840.10045.3.1.7";
const OID_ED25519: &str = "1.3.101.112";

impl PublicKey {
    /// Reads a `PUBLIC KEY` (SPKI) PEM or a `CERTIFICATE` PEM (its key).
    pub fn from_pem(text: &[u8]) -> Result<PublicKey, KeyError> {
        if let Ok(spki) = SubjectPublicKeyInfoDer::from_pem_slice(text) {
            return PublicKey::from_spki_der(spki.as_ref());
        }
        if let Ok(cert) = CertificateDer::from_pem_slice(text) {
            return PublicKey::from_cert_der(cert.as_ref());
        }
        Err(KeyError::NoPublicKey)
    }

    /// The key of a DER certificate.
    pub fn from_cert_der(der: &[u8]) -> Result<PublicKey, KeyError> {
        let (_, cert) =
            x509_parser::parse_x509_certificate(der).map_err(|_| KeyError::BadCertificate)?;
        PublicKey::from_spki_der(cert.public_key().raw)
    }

    /// Reads a DER `SubjectPublicKeyInfo`.
    pub fn from_spki_der(der: &[u8]) -> Result<PublicKey, KeyError> {
        let (_, spki) = x509_parser::x509::SubjectPublicKeyInfo::from_der(der)
            .map_err(|_| KeyError::BadPublicKey)?;
        let data = spki.subject_public_key.data.to_vec();
        match spki.algorithm.algorithm.to_id_string().as_str() {
            OID_RSA => PublicKey::rsa_from_pkcs1(&data),
            OID_EC => {
                let curve = spki
                    .algorithm
                    .parameters
                    .as_ref()
                    .and_then(|p| p.as_oid().ok())
                    .map(|o| o.to_id_string());
                if curve.as_deref() != Some(OID_P256) || data.len() != 65 || data[0] != 4 {
                    return Err(KeyError::Unsupported);
                }
                Ok(PublicKey::P256 { point: data })
            }
            OID_ED25519 if data.len() == 32 => Ok(PublicKey::Ed25519 { x: data }),
            _ => Err(KeyError::Unsupported),
        }
    }

    fn rsa_from_pkcs1(der: &[u8]) -> Result<PublicKey, KeyError> {
        let (_, key) = x509_parser::public_key::RSAPublicKey::from_der(der)
            .map_err(|_| KeyError::BadPublicKey)?;
        let strip = |b: &[u8]| {
            let start = b.iter().position(|&x| x != 0).unwrap_or(b.len());
            b[start..].to_vec()
        };
        Ok(PublicKey::Rsa {
            der: der.to_vec(),
            n: strip(key.modulus),
            e: strip(key.exponent),
        })
    }

    pub fn alg(&self) -> Alg {
        match self {
            PublicKey::Rsa { .. } => Alg::Ps256,
            PublicKey::P256 { .. } => Alg::Es256,
            PublicKey::Ed25519 { .. } => Alg::EdDsa,
        }
    }

    /// RFC 7638 JWK thumbprint (SHA-256, base64url): the bundle's key id.
    pub fn jwk_thumbprint(&self) -> String {
        let b64 = |b: &[u8]| URL_SAFE_NO_PAD.encode(b);
        match self {
            PublicKey::Rsa { n, e, .. } => rsa_jwk_thumbprint(&b64(n), &b64(e)),
            PublicKey::P256 { point } => ec_jwk_thumbprint(&b64(&point[1..33]), &b64(&point[33..])),
            PublicKey::Ed25519 { x } => {
                // RFC 8037 §2: members crv, kty, x in lexicographic order.
                let canonical = format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{}"}}"#, b64(x));
                URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
            }
        }
    }

    /// Whether `sig` is this key's signature of `message`.
    pub fn verify(&self, message: &[u8], sig: &[u8]) -> bool {
        let (alg, key): (&dyn rsig::VerificationAlgorithm, &[u8]) = match self {
            PublicKey::Rsa { der, .. } => (&rsig::RSA_PSS_2048_8192_SHA256, der),
            PublicKey::P256 { point } => (&rsig::ECDSA_P256_SHA256_FIXED, point),
            PublicKey::Ed25519 { x } => (&rsig::ED25519, x),
        };
        rsig::UnparsedPublicKey::new(alg, key)
            .verify(message, sig)
            .is_ok()
    }
}

/// ring's reason for refusing an RSA key, for people.
fn rsa_refusal(e: ring::error::KeyRejected) -> KeyError {
    KeyError::Rsa(
        match e.to_string().as_str() {
            "TooSmall" => "it is shorter than 2048 bits",
            "TooLarge" => "it is longer than 8192 bits",
            _ => "it does not parse as a valid RSA private key",
        }
        .to_string(),
    )
}

enum Pair {
    Rsa(rsig::RsaKeyPair),
    P256(rsig::EcdsaKeyPair),
    Ed25519(rsig::Ed25519KeyPair),
}

/// A private key that signs bundles. `Debug` shows only the key id.
pub struct Signer {
    pair: Pair,
    public: PublicKey,
    rng: SystemRandom,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("alg", &self.public.alg())
            .field("keyid", &self.keyid())
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// Reads a PKCS#8 PEM (RSA, EC P-256 or Ed25519) or a PKCS#1 RSA PEM.
    pub fn from_pem(text: &[u8]) -> Result<Signer, KeyError> {
        let rng = SystemRandom::new();
        let der = PrivateKeyDer::from_pem_slice(text).map_err(|_| KeyError::NoPrivateKey)?;
        let pair = match &der {
            PrivateKeyDer::Pkcs1(k) => {
                Pair::Rsa(rsig::RsaKeyPair::from_der(k.secret_pkcs1_der()).map_err(rsa_refusal)?)
            }
            PrivateKeyDer::Sec1(_) => return Err(KeyError::Sec1),
            PrivateKeyDer::Pkcs8(k) => {
                let bytes = k.secret_pkcs8_der();
                match rsig::RsaKeyPair::from_pkcs8(bytes) {
                    Ok(pair) => Pair::Rsa(pair),
                    Err(e) if e.to_string() != "WrongAlgorithm" => return Err(rsa_refusal(e)),
                    Err(_) => {
                        if let Ok(pair) = rsig::EcdsaKeyPair::from_pkcs8(
                            &rsig::ECDSA_P256_SHA256_FIXED_SIGNING,
                            bytes,
                            &rng,
                        ) {
                            Pair::P256(pair)
                        } else {
                            Pair::Ed25519(
                                rsig::Ed25519KeyPair::from_pkcs8_maybe_unchecked(bytes)
                                    .map_err(|_| KeyError::Unsupported)?,
                            )
                        }
                    }
                }
            }
            _ => return Err(KeyError::Unsupported),
        };
        let public = match &pair {
            Pair::Rsa(p) => PublicKey::rsa_from_pkcs1(p.public().as_ref())?,
            Pair::P256(p) => PublicKey::P256 {
                point: p.public_key().as_ref().to_vec(),
            },
            Pair::Ed25519(p) => PublicKey::Ed25519 {
                x: p.public_key().as_ref().to_vec(),
            },
        };
        Ok(Signer { pair, public, rng })
    }

    pub fn public(&self) -> &PublicKey {
        &self.public
    }

    /// The DSSE `keyid`: the public key's JWK thumbprint.
    pub fn keyid(&self) -> String {
        self.public.jwk_thumbprint()
    }

    /// Signs `message` (the DSSE pre-authentication encoding).
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        let fail = |e: ring::error::Unspecified| KeyError::Sign(e.to_string());
        match &self.pair {
            Pair::Rsa(p) => {
                let mut sig = vec![0; p.public().modulus_len()];
                p.sign(&rsig::RSA_PSS_SHA256, &self.rng, message, &mut sig)
                    .map_err(fail)?;
                Ok(sig)
            }
            Pair::P256(p) => Ok(p.sign(&self.rng, message).map_err(fail)?.as_ref().to_vec()),
            Pair::Ed25519(p) => Ok(p.sign(message).as_ref().to_vec()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::generate::{generate_ec_signing_key, generate_rsa_signing_key};

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    fn pem(label: &str, der: &[u8]) -> String {
        let body = base64::engine::general_purpose::STANDARD.encode(der);
        format!("-----BEGIN {label}-----\n{body}\n-----END {label}-----\n")
    }

    /// RFC 8032 §7.1 TEST 1 as a PKCS#8 v1 key (RFC 8410 §7 layout).
    fn rfc8032_test1() -> String {
        let mut der = hex("302e020100300506032b657004220420");
        der.extend(hex(
            "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        ));
        pem("PRIVATE KEY", &der)
    }

    #[test]
    fn ed25519_signs_the_rfc_8032_test_vector_and_has_the_rfc_8037_thumbprint() {
        let signer = Signer::from_pem(rfc8032_test1().as_bytes()).unwrap();
        assert_eq!(signer.public().alg(), Alg::EdDsa);
        assert_eq!(
            signer.public(),
            &PublicKey::Ed25519 {
                x: hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
            }
        );
        assert_eq!(
            signer.sign(b"").unwrap(),
            hex(
                "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
            )
        );
        // RFC 8037 Appendix A.3.
        assert_eq!(
            signer.keyid(),
            "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
        );
    }

    #[test]
    fn ps256_signatures_verify_with_the_rsa_crate_and_the_thumbprint_matches_pki() {
        use rsa::pkcs8::DecodePublicKey;
        use rsa::signature::Verifier;

        let key = generate_rsa_signing_key().unwrap();
        let signer = Signer::from_pem(key.private_pem.expose().as_bytes()).unwrap();
        assert_eq!(signer.public().alg(), Alg::Ps256);
        assert_eq!(signer.keyid(), key.kid);
        let sig = signer.sign(b"DSSEv1 0  0 ").unwrap();
        // An independent implementation accepts it as PS256 (salt = 32 bytes).
        let public = rsa::PublicKey::from_public_key_pem(&key.public_pem).unwrap();
        let verifier = rsa::pss::VerifyingKey::<sha2::Sha256>::new(public);
        let sig_obj = rsa::pss::Signature::try_from(sig.as_slice()).unwrap();
        verifier.verify(b"DSSEv1 0  0 ", &sig_obj).unwrap();
        let from_pem = PublicKey::from_pem(key.public_pem.as_bytes()).unwrap();
        assert_eq!(&from_pem, signer.public());
        assert!(from_pem.verify(b"DSSEv1 0  0 ", &sig));
        assert!(!from_pem.verify(b"DSSEv1 0  0!", &sig));
    }

    #[test]
    fn es256_signatures_are_fixed_r_s_and_verify_with_the_p256_crate() {
        use p256::ecdsa::signature::Verifier;
        use p256::pkcs8::DecodePrivateKey;

        let key = generate_ec_signing_key().unwrap();
        let signer = Signer::from_pem(key.private_pem.expose().as_bytes()).unwrap();
        assert_eq!(signer.public().alg(), Alg::Es256);
        assert_eq!(signer.keyid(), key.kid);
        let sig = signer.sign(b"message").unwrap();
        assert_eq!(sig.len(), 64);
        let secret = p256::SecretKey::from_pkcs8_pem(key.private_pem.expose()).unwrap();
        let verifying = p256::ecdsa::VerifyingKey::from(secret.public_key());
        let sig_obj = p256::ecdsa::Signature::from_slice(&sig).unwrap();
        verifying.verify(b"message", &sig_obj).unwrap();
        assert!(signer.public().verify(b"message", &sig));
    }

    #[test]
    fn pkcs1_rsa_is_read_and_other_things_are_refused_with_a_reason() {
        use rsa::pkcs1::EncodeRsaPrivateKey;
        use rsa::pkcs8::{DecodePrivateKey, LineEnding};

        let key = generate_rsa_signing_key().unwrap();
        let pkcs1 = rsa::PrivateKey::from_pkcs8_pem(key.private_pem.expose())
            .unwrap()
            .to_pkcs1_pem(LineEnding::LF)
            .unwrap();
        assert_eq!(Signer::from_pem(pkcs1.as_bytes()).unwrap().keyid(), key.kid);
        let small = rsa::PrivateKey::new(&mut getrandom::SysRng, 1024)
            .unwrap()
            .to_pkcs1_pem(LineEnding::LF)
            .unwrap();
        assert_eq!(
            Signer::from_pem(small.as_bytes()).unwrap_err().to_string(),
            "is an RSA key that cannot sign: it is shorter than 2048 bits"
        );
        assert_eq!(
            Signer::from_pem(key.public_pem.as_bytes())
                .unwrap_err()
                .to_string(),
            "holds no PEM private key"
        );
        assert_eq!(
            PublicKey::from_pem(b"hello").unwrap_err().to_string(),
            "holds no PEM public key or certificate"
        );
    }
}
