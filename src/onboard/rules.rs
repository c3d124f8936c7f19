//! The platform's certificate rules (OFM platform spec §6: RSA of at least 2048 bits or EC,
//! valid for at least 12 months, the transport certificate usable for TLS client
//! authentication), as checks over facts read from a certificate or key. Pure: bytes in,
//! findings out; `ofpc pki check` and `ofpc doctor` print them.

use x509_parser::prelude::{FromDer, X509Certificate};

use super::jwk::PublicJwk;
use crate::pki::x5t_s256;

/// Seconds in a day.
pub const DAY: i64 = 86_400;
/// Warn when a certificate has fewer days left than this.
pub const WARN_DAYS_LEFT: i64 = 30;
/// The shortest total validity `pki check` accepts as "12 months": a CA's one-year certificate.
pub const MIN_VALIDITY_DAYS: i64 = 365;
/// Smallest RSA modulus the platform accepts.
pub const MIN_RSA_BITS: usize = 2048;

/// How a finding reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// A fact, not judged.
    Info,
    Ok,
    Warn,
    Fail,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Ok => "ok",
            Level::Warn => "warn",
            Level::Fail => "FAIL",
        }
    }
}

/// One line of a check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub level: Level,
    pub text: String,
}

impl Finding {
    pub fn new(level: Level, text: impl Into<String>) -> Finding {
        Finding {
            level,
            text: text.into(),
        }
    }
}

/// What a certificate is for, which decides the EKU rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The mTLS certificate: needs the clientAuth extended key usage.
    Transport,
    /// Signing or encryption: no EKU rule.
    Other,
}

impl Role {
    /// `transport*` and `*mtls*` files are transport certificates.
    pub fn from_file_name(name: &str) -> Role {
        let lower = name.to_ascii_lowercase();
        if lower.contains("transport") || lower.contains("mtls") {
            Role::Transport
        } else {
            Role::Other
        }
    }
}

/// The facts of a certificate the rules look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertFacts {
    /// RFC 4514 form, the string to register for `tls_client_auth`.
    pub subject: String,
    pub self_signed: bool,
    pub is_ca: bool,
    pub key: PublicJwk,
    /// Unix seconds.
    pub not_before: i64,
    pub not_after: i64,
    /// `None` without an EKU extension; else whether it allows clientAuth (or any).
    pub client_auth: Option<bool>,
    pub x5t_s256: String,
}

/// Reads the facts of a DER certificate.
pub fn cert_facts(der: &[u8]) -> Result<CertFacts, String> {
    let (_, cert) =
        X509Certificate::from_der(der).map_err(|e| format!("not an X.509 certificate: {e}"))?;
    let key = PublicJwk::from_spki(cert.public_key())?;
    let client_auth = cert
        .extended_key_usage()
        .map_err(|e| format!("an unreadable extended key usage extension: {e}"))?
        .map(|eku| eku.value.client_auth || eku.value.any);
    Ok(CertFacts {
        subject: crate::pki::subject_dn_rfc4514(der).unwrap_or_else(|| cert.subject().to_string()),
        self_signed: cert.subject().as_raw() == cert.issuer().as_raw(),
        is_ca: cert.is_ca(),
        key,
        not_before: cert.validity().not_before.timestamp(),
        not_after: cert.validity().not_after.timestamp(),
        client_auth,
        x5t_s256: x5t_s256(der),
    })
}

/// The key size rule: RSA of at least 2048 bits, or EC P-256/P-384.
pub fn key_finding(key: &PublicJwk) -> Finding {
    match key {
        PublicJwk::Rsa { bits, .. } if *bits >= MIN_RSA_BITS => Finding::new(
            Level::Ok,
            format!("key: RSA {bits} bits (at least {MIN_RSA_BITS})"),
        ),
        PublicJwk::Rsa { bits, .. } => Finding::new(
            Level::Fail,
            format!("key: RSA {bits} bits, the platform requires at least {MIN_RSA_BITS}"),
        ),
        PublicJwk::Ec { crv, .. } => Finding::new(Level::Ok, format!("key: EC {crv}")),
    }
}

/// Days left (or since expiry): fail outside the validity period, warn under 30 days.
pub fn days_left_finding(not_before: i64, not_after: i64, now: i64) -> Finding {
    if now < not_before {
        let days = (not_before - now + DAY - 1) / DAY;
        return Finding::new(
            Level::Fail,
            format!("not valid yet: starts in {days} day(s)"),
        );
    }
    if now >= not_after {
        let days = (now - not_after) / DAY;
        return Finding::new(Level::Fail, format!("expired {days} day(s) ago"));
    }
    let left = (not_after - now) / DAY;
    if left < WARN_DAYS_LEFT {
        Finding::new(
            Level::Warn,
            format!("{left} day(s) left (under {WARN_DAYS_LEFT}): renew it and upload the new one"),
        )
    } else {
        Finding::new(Level::Ok, format!("{left} days left"))
    }
}

/// Every rule for one certificate.
pub fn check_cert(facts: &CertFacts, role: Role, now: i64) -> Vec<Finding> {
    let mut out = vec![
        Finding::new(Level::Info, format!("subject: {}", facts.subject)),
        key_finding(&facts.key),
    ];
    let total = (facts.not_after - facts.not_before) / DAY;
    out.push(if total >= MIN_VALIDITY_DAYS {
        Finding::new(
            Level::Ok,
            format!("validity: {total} days (at least 12 months)"),
        )
    } else {
        Finding::new(
            Level::Fail,
            format!("validity: {total} days, the platform requires at least 12 months"),
        )
    });
    out.push(days_left_finding(facts.not_before, facts.not_after, now));
    match (role, facts.client_auth) {
        (Role::Transport, Some(true)) => {
            out.push(Finding::new(Level::Ok, "extended key usage: clientAuth"));
        }
        (Role::Transport, Some(false)) => out.push(Finding::new(
            Level::Fail,
            "extended key usage: no clientAuth, so it cannot authenticate a TLS client",
        )),
        (Role::Transport, None) => out.push(Finding::new(
            Level::Warn,
            "extended key usage: none (any use allowed); the platform may ask for clientAuth",
        )),
        (Role::Other, eku) => out.push(Finding::new(
            Level::Info,
            match eku {
                Some(true) => "extended key usage: clientAuth",
                Some(false) => "extended key usage: without clientAuth",
                None => "extended key usage: none",
            },
        )),
    }
    if facts.is_ca {
        out.push(Finding::new(
            Level::Warn,
            "a CA certificate (basicConstraints CA:TRUE): clients use end-entity certificates",
        ));
    }
    out.push(Finding::new(
        Level::Info,
        if facts.self_signed {
            "self-signed (accepted in the sandbox only)"
        } else {
            "issued by a CA"
        },
    ));
    out.push(Finding::new(
        Level::Info,
        format!("x5t#S256: {}", facts.x5t_s256),
    ));
    out.push(Finding::new(
        Level::Info,
        format!("JWK thumbprint (kid): {}", facts.key.thumbprint()),
    ));
    out
}

/// The key/certificate match rule.
pub fn match_finding(key: &PublicJwk, cert: &CertFacts, cert_name: &str) -> Finding {
    if *key == cert.key {
        Finding::new(Level::Ok, format!("matches the certificate in {cert_name}"))
    } else {
        Finding::new(
            Level::Fail,
            format!("does not match the certificate in {cert_name}"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rsa(bits: usize) -> PublicJwk {
        PublicJwk::Rsa {
            n: "n".into(),
            e: "AQAB".into(),
            bits,
        }
    }

    #[test]
    fn key_sizes() {
        assert_eq!(
            key_finding(&rsa(2048)),
            Finding::new(Level::Ok, "key: RSA 2048 bits (at least 2048)")
        );
        assert_eq!(
            key_finding(&rsa(1024)),
            Finding::new(
                Level::Fail,
                "key: RSA 1024 bits, the platform requires at least 2048"
            )
        );
    }

    #[test]
    fn days_left() {
        let now = 1_000 * DAY;
        assert_eq!(
            days_left_finding(now - DAY, now + 100 * DAY, now),
            Finding::new(Level::Ok, "100 days left")
        );
        assert_eq!(
            days_left_finding(now - DAY, now + 29 * DAY, now).level,
            Level::Warn
        );
        assert_eq!(
            days_left_finding(now - 400 * DAY, now - 2 * DAY, now),
            Finding::new(Level::Fail, "expired 2 day(s) ago")
        );
        assert_eq!(
            days_left_finding(now + DAY / 2, now + 400 * DAY, now),
            Finding::new(Level::Fail, "not valid yet: starts in 1 day(s)")
        );
    }

    #[test]
    fn transport_rules() {
        let now = 1_000 * DAY;
        let facts = CertFacts {
            subject: "CN=c,C=MY".into(),
            self_signed: true,
            is_ca: false,
            key: rsa(2048),
            not_before: now,
            not_after: now + 200 * DAY,
            client_auth: Some(false),
            x5t_s256: "t".into(),
        };
        let findings = check_cert(&facts, Role::Transport, now);
        let fails: Vec<&str> = findings
            .iter()
            .filter(|f| f.level == Level::Fail)
            .map(|f| f.text.as_str())
            .collect();
        assert_eq!(
            fails,
            [
                "validity: 200 days, the platform requires at least 12 months",
                "extended key usage: no clientAuth, so it cannot authenticate a TLS client"
            ]
        );
        let other = check_cert(&facts, Role::Other, now);
        assert_eq!(other.iter().filter(|f| f.level == Level::Fail).count(), 1);
    }

    #[test]
    fn roles_from_names() {
        assert_eq!(Role::from_file_name("certs/transport.pem"), Role::Transport);
        assert_eq!(Role::from_file_name("MTLS-client.crt"), Role::Transport);
        assert_eq!(Role::from_file_name("signing.pem"), Role::Other);
    }
}
