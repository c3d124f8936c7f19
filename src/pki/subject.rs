//! RFC 4514 rendering of a certificate subject: how `tls_client_auth` DNs are registered and
//! compared exactly (the mock), and printed for onboarding (`ofpc pki`).

use x509_parser::prelude::{FromDer, X509Certificate};

/// Short names for the attribute types RFC 4514 §3 lists (plus the usual extras).
fn short_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "2.5.4.3" => "CN",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.9" => "STREET",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "0.9.2342.19200300.100.1.1" => "UID",
        "0.9.2342.19200300.100.1.25" => "DC",
        _ => return None,
    })
}

/// Escapes an attribute value per RFC 4514 §2.4.
fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let last = value.chars().count().saturating_sub(1);
    for (i, c) in value.chars().enumerate() {
        let special = matches!(c, '"' | '+' | ',' | ';' | '<' | '>' | '\\')
            || (i == 0 && matches!(c, ' ' | '#'))
            || (i == last && c == ' ');
        if special {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The subject of a DER certificate as an RFC 4514 string (last RDN first, `,` separators, no
/// spaces), or `None` when the DER does not parse or a value is not a string.
pub fn subject_dn_rfc4514(cert_der: &[u8]) -> Option<String> {
    let (_, cert) = X509Certificate::from_der(cert_der).ok()?;
    let mut rdns = Vec::new();
    for rdn in cert.subject().iter_rdn() {
        let mut parts = Vec::new();
        for atv in rdn.iter() {
            let oid = atv.attr_type().to_id_string();
            let value = atv.as_str().ok()?;
            let name = short_name(&oid).map_or(oid.clone(), str::to_owned);
            parts.push(format!("{name}={}", escape(value)));
        }
        rdns.push(parts.join("+"));
    }
    rdns.reverse();
    Some(rdns.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_specials() {
        assert_eq!(escape("a,b"), "a\\,b");
        assert_eq!(escape(" x "), "\\ x\\ ");
        assert_eq!(escape("plain"), "plain");
    }

    #[test]
    fn garbage_is_none() {
        assert_eq!(subject_dn_rfc4514(b"nope"), None);
    }
}
