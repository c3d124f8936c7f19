//! Certificate thumbprints (`x5t#S256`) and subject names.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// base64url(SHA-256(DER)), the RFC 8705 §3.1 `x5t#S256` confirmation value.
pub fn x5t_s256(cert_der: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(cert_der))
}

/// The certificate's subject as an RFC 4514 string, or `None` when the DER does not parse.
pub fn cert_subject(cert_der: &[u8]) -> Option<String> {
    let (_, cert) = x509_parser::parse_x509_certificate(cert_der).ok()?;
    Some(cert.subject().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thumbprint_is_base64url_sha256() {
        // SHA-256("abc") from FIPS 180-2, base64url without padding.
        assert_eq!(
            x5t_s256(b"abc"),
            "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0"
        );
    }

    #[test]
    fn garbage_has_no_subject() {
        assert_eq!(cert_subject(b"not a certificate"), None);
    }
}
