//! Public keys as JWKs: read off a certificate's or a private key's SubjectPublicKeyInfo, their
//! RFC 7638 thumbprints (the `kid` the platform's portal expects) and the JWKS entries
//! `ofpc pki init` writes (`use`, `alg`, `x5c`, `x5t#S256`).

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use x509_parser::prelude::FromDer;
use x509_parser::public_key::PublicKey;
use x509_parser::x509::SubjectPublicKeyInfo;

use crate::pki::generate::{ec_jwk_thumbprint, rsa_jwk_thumbprint};
use crate::pki::x5t_s256;

/// OID of the P-256 curve (secp256r1).
const OID_P256: &str = "1.2.840.10045.3.1.7";
/// OID of the P-384 curve (secp384r1).
const OID_P384: &str = "1.3.132.0.34";

/// A public key in JWK terms (RFC 7518 §6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicJwk {
    Rsa {
        /// Modulus, base64url, no leading zero bytes.
        n: String,
        /// Exponent, base64url.
        e: String,
        /// Modulus length in bits.
        bits: usize,
    },
    Ec {
        /// `P-256` or `P-384`.
        crv: &'static str,
        x: String,
        y: String,
    },
}

/// What a key is for in a JWKS (RFC 7517 §4.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyUse {
    Sig,
    Enc,
}

impl KeyUse {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyUse::Sig => "sig",
            KeyUse::Enc => "enc",
        }
    }
}

fn strip_zeros(bytes: &[u8]) -> &[u8] {
    let first = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    &bytes[first..]
}

impl PublicJwk {
    /// Reads an RSA or EC (P-256, P-384) public key.
    pub fn from_spki(spki: &SubjectPublicKeyInfo<'_>) -> Result<PublicJwk, String> {
        match spki.parsed() {
            Ok(PublicKey::RSA(rsa)) => {
                let modulus = strip_zeros(rsa.modulus);
                let bits = match modulus.first() {
                    Some(top) => modulus.len() * 8 - top.leading_zeros() as usize,
                    None => 0,
                };
                Ok(PublicJwk::Rsa {
                    n: URL_SAFE_NO_PAD.encode(modulus),
                    e: URL_SAFE_NO_PAD.encode(strip_zeros(rsa.exponent)),
                    bits,
                })
            }
            Ok(PublicKey::EC(point)) => {
                let curve = spki
                    .algorithm
                    .parameters
                    .as_ref()
                    .and_then(|p| p.as_oid().ok())
                    .map(|oid| oid.to_id_string())
                    .unwrap_or_default();
                let (crv, size) = match curve.as_str() {
                    OID_P256 => ("P-256", 32),
                    OID_P384 => ("P-384", 48),
                    other => return Err(format!("an EC key on an unsupported curve ({other})")),
                };
                match point.data() {
                    [4, rest @ ..] if rest.len() == 2 * size => Ok(PublicJwk::Ec {
                        crv,
                        x: URL_SAFE_NO_PAD.encode(&rest[..size]),
                        y: URL_SAFE_NO_PAD.encode(&rest[size..]),
                    }),
                    _ => Err("an EC key that is not an uncompressed point".into()),
                }
            }
            Ok(_) => Err(format!(
                "a key of an unsupported type ({})",
                spki.algorithm.algorithm.to_id_string()
            )),
            Err(e) => Err(format!("an unreadable public key: {e}")),
        }
    }

    /// Reads a DER SubjectPublicKeyInfo.
    pub fn from_spki_der(der: &[u8]) -> Result<PublicJwk, String> {
        let (_, spki) = SubjectPublicKeyInfo::from_der(der)
            .map_err(|e| format!("an unreadable public key: {e}"))?;
        PublicJwk::from_spki(&spki)
    }

    /// RFC 7638 thumbprint (SHA-256, base64url).
    pub fn thumbprint(&self) -> String {
        match self {
            PublicJwk::Rsa { n, e, .. } => rsa_jwk_thumbprint(n, e),
            PublicJwk::Ec { crv: "P-256", x, y } => ec_jwk_thumbprint(x, y),
            PublicJwk::Ec { crv, x, y } => {
                let canonical = format!(r#"{{"crv":"{crv}","kty":"EC","x":"{x}","y":"{y}"}}"#);
                URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
            }
        }
    }

    /// `RSA 2048` or `EC P-256`.
    pub fn describe(&self) -> String {
        match self {
            PublicJwk::Rsa { bits, .. } => format!("RSA {bits}"),
            PublicJwk::Ec { crv, .. } => format!("EC {crv}"),
        }
    }

    /// The JWS or JWE algorithm the platform uses for this key.
    pub fn alg(&self, key_use: KeyUse) -> &'static str {
        match (self, key_use) {
            (PublicJwk::Rsa { .. }, KeyUse::Sig) => "PS256",
            (PublicJwk::Rsa { .. }, KeyUse::Enc) => "RSA-OAEP-256",
            (PublicJwk::Ec { crv: "P-256", .. }, KeyUse::Sig) => "ES256",
            (PublicJwk::Ec { .. }, KeyUse::Sig) => "ES384",
            (PublicJwk::Ec { .. }, KeyUse::Enc) => "ECDH-ES",
        }
    }

    /// The public members (`kty` and the key's parameters).
    fn members(&self) -> serde_json::Map<String, Value> {
        let value = match self {
            PublicJwk::Rsa { n, e, .. } => json!({ "kty": "RSA", "n": n, "e": e }),
            PublicJwk::Ec { crv, x, y } => json!({ "kty": "EC", "crv": crv, "x": x, "y": y }),
        };
        match value {
            Value::Object(map) => map,
            _ => serde_json::Map::new(),
        }
    }
}

/// The SubjectPublicKeyInfo (DER) of the first private key in a PEM text: PKCS#8 (RSA, EC
/// P-256/P-384), PKCS#1 RSA, or SEC1 EC P-256. Other PEM blocks (certificates) are skipped.
pub fn private_key_spki(pem: &str) -> Result<Vec<u8>, String> {
    use rsa::pkcs1::DecodeRsaPrivateKey;
    use rustls_pki_types::PrivateKeyDer;
    use rustls_pki_types::pem::PemObject;

    let key = PrivateKeyDer::from_pem_slice(pem.as_bytes())
        .map_err(|e| format!("no private key found: {e}"))?;
    match key {
        PrivateKeyDer::Pkcs8(der) => rcgen::KeyPair::try_from(der.secret_pkcs8_der())
            .map(|pair| rcgen::PublicKeyData::subject_public_key_info(&pair))
            .map_err(|e| format!("an unsupported PKCS#8 key: {e}")),
        PrivateKeyDer::Pkcs1(der) => {
            use rsa::pkcs8::EncodePublicKey;
            let key = rsa::PrivateKey::from_pkcs1_der(der.secret_pkcs1_der())
                .map_err(|e| format!("an unreadable PKCS#1 RSA key: {e}"))?;
            key.to_public_key()
                .to_public_key_der()
                .map(|d| d.as_bytes().to_vec())
                .map_err(|e| format!("cannot encode the public half: {e}"))
        }
        PrivateKeyDer::Sec1(der) => {
            use p256::pkcs8::EncodePublicKey;
            let key = p256::SecretKey::from_sec1_der(der.secret_sec1_der())
                .map_err(|e| format!("an unsupported SEC1 EC key (P-256 only): {e}"))?;
            key.public_key()
                .to_public_key_der()
                .map(|d| d.as_bytes().to_vec())
                .map_err(|e| format!("cannot encode the public half: {e}"))
        }
        _ => Err("an unsupported private key type".into()),
    }
}

/// One JWKS entry: the public key, `kid` = its RFC 7638 thumbprint, `use`, `alg`, and with a
/// certificate its `x5c` (standard base64 DER) and `x5t#S256`.
pub fn jwks_entry(key: &PublicJwk, key_use: KeyUse, cert_der: Option<&[u8]>) -> Value {
    let mut map = key.members();
    map.insert("kid".into(), Value::from(key.thumbprint()));
    map.insert("use".into(), Value::from(key_use.as_str()));
    map.insert("alg".into(), Value::from(key.alg(key_use)));
    if let Some(der) = cert_der {
        map.insert("x5c".into(), json!([STANDARD.encode(der)]));
        map.insert("x5t#S256".into(), Value::from(x5t_s256(der)));
    }
    Value::Object(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7638_example_through_jwks_entry() {
        // RFC 7638 §3.1 example key.
        let n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
        let key = PublicJwk::Rsa {
            n: n.into(),
            e: "AQAB".into(),
            bits: 2048,
        };
        let entry = jwks_entry(&key, KeyUse::Sig, None);
        assert_eq!(entry["kid"], "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
        assert_eq!(entry["use"], "sig");
        assert_eq!(entry["alg"], "PS256");
        assert_eq!(entry["kty"], "RSA");
        assert!(entry.get("x5c").is_none());
        assert!(entry.get("d").is_none());
    }

    #[test]
    fn reads_generated_rsa_and_ec_keys() {
        let rsa = crate::pki::generate::generate_rsa_signing_key().unwrap();
        let der = {
            use rsa::pkcs8::DecodePublicKey;
            use rsa::pkcs8::EncodePublicKey;
            rsa::PublicKey::from_public_key_pem(&rsa.public_pem)
                .unwrap()
                .to_public_key_der()
                .unwrap()
        };
        let jwk = PublicJwk::from_spki_der(der.as_bytes()).unwrap();
        assert_eq!(jwk.describe(), "RSA 2048");
        assert_eq!(jwk.thumbprint(), rsa.kid);

        let pair = rcgen::KeyPair::generate().unwrap();
        let jwk = PublicJwk::from_spki_der(&rcgen::PublicKeyData::subject_public_key_info(&pair))
            .unwrap();
        assert_eq!(jwk.describe(), "EC P-256");
        assert_eq!(jwk.alg(KeyUse::Sig), "ES256");
        assert_eq!(jwk.alg(KeyUse::Enc), "ECDH-ES");
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(
            PublicJwk::from_spki_der(b"nope")
                .unwrap_err()
                .starts_with("an unreadable public key")
        );
    }
}
