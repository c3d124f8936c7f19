//! Reads a compact JWS's header and claims without verifying it (for reports and binding checks).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

/// The decoded parts of a compact JWS, or `None` if it is not one.
pub fn decode_parts(jws: &str) -> Option<(Value, Value)> {
    let mut parts = jws.split('.');
    let header = parts.next()?;
    let claims = parts.next()?;
    parts.next()?;
    if parts.next().is_some() {
        return None;
    }
    let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).ok()?).ok()?;
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(claims).ok()?).ok()?;
    Some((header, claims))
}

/// The signature part of a compact JWS (the secret bit of an assertion once it is used).
pub fn signature_part(jws: &str) -> Option<&str> {
    let (_, sig) = jws.rsplit_once('.')?;
    (!sig.is_empty()).then_some(sig)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_alg_none_token() {
        let h = URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#);
        let c = URL_SAFE_NO_PAD.encode(br#"{"iss":"a"}"#);
        let (header, claims) = decode_parts(&format!("{h}.{c}.")).unwrap();
        assert_eq!(header["alg"], "none");
        assert_eq!(claims["iss"], "a");
        assert_eq!(signature_part(&format!("{h}.{c}.")), None);
    }

    #[test]
    fn rejects_non_jws() {
        assert!(decode_parts("opaque-token").is_none());
        assert!(decode_parts("a.b.c.d").is_none());
    }
}
