//! PS256 signatures (RSASSA-PSS, SHA-256, 32-byte salt: RFC 7518 §3.5) with ring's
//! `RsaKeyPair`. Profiled and measured (`cargo bench --bench full_run`, README "Measured"):
//! the rsa crate behind jsonwebtoken's rust_crypto backend was the largest CPU cost of a run,
//! and ring signs the same PS256 several times faster. Parsed keys are kept per PEM, so each
//! signature is only the signing.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use ring::rand::SystemRandom;
use ring::signature::{RSA_PSS_SHA256, RsaKeyPair};
use rustls_pki_types::PrivateKeyDer;
use rustls_pki_types::pem::PemObject;

/// Signs `input` with the RSA private key in `pem` (PKCS#8 or PKCS#1).
pub fn sign(pem: &str, input: &[u8]) -> Result<Vec<u8>, String> {
    let key = key_pair(pem)?;
    let mut signature = vec![0u8; key.public().modulus_len()];
    key.sign(&RSA_PSS_SHA256, &SystemRandom::new(), input, &mut signature)
        .map_err(|_| "ring could not sign".to_string())?;
    Ok(signature)
}

fn key_pair(pem: &str) -> Result<Arc<RsaKeyPair>, String> {
    static KEYS: OnceLock<Mutex<HashMap<String, Arc<RsaKeyPair>>>> = OnceLock::new();
    let keys = KEYS.get_or_init(Mutex::default);
    if let Some(key) = keys.lock().unwrap_or_else(|p| p.into_inner()).get(pem) {
        return Ok(key.clone());
    }
    let parsed = match PrivateKeyDer::from_pem_slice(pem.as_bytes()) {
        Ok(PrivateKeyDer::Pkcs8(der)) => RsaKeyPair::from_pkcs8(der.secret_pkcs8_der()),
        Ok(PrivateKeyDer::Pkcs1(der)) => RsaKeyPair::from_der(der.secret_pkcs1_der()),
        Ok(_) => return Err("not an RSA private key".into()),
        Err(e) => return Err(format!("not a PEM private key: {e}")),
    }
    .map_err(|e| format!("RSA key rejected: {e}"))?;
    let key = Arc::new(parsed);
    keys.lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(pem.to_string(), key.clone());
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ring_signatures_verify_with_jsonwebtoken_and_bad_keys_are_named() {
        use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
        let key = rsa::PrivateKey::new(&mut getrandom::SysRng, 2048).unwrap();
        let pem = key.to_pkcs8_pem(LineEnding::LF).unwrap().to_string();
        let public = key
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .unwrap();
        let input = b"eyJhbGciOiJQUzI1NiJ9.eyJzdWIiOiJ4In0";
        let signature = sign(&pem, input).unwrap();
        let decoding = jsonwebtoken::DecodingKey::from_rsa_pem(public.as_bytes()).unwrap();
        assert!(
            jsonwebtoken::crypto::verify(
                &base64::Engine::encode(
                    &base64::engine::general_purpose::URL_SAFE_NO_PAD,
                    &signature
                ),
                input,
                &decoding,
                jsonwebtoken::Algorithm::PS256
            )
            .unwrap()
        );
        assert_eq!(
            sign("no pem", input).unwrap_err(),
            "not a PEM private key: no items found"
        );
    }
}
