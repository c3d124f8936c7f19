//! `ofpc pki init` without the disk: makes the transport, signing and encryption credentials to
//! the sandbox rules (OFM platform spec §6), self-signed or as CSRs, and the texts that go with
//! them (`jwks.json`, a `target.toml` skeleton, `NEXT-STEPS.md`). The app writes the files.

use rcgen::{
    CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, KeyPair,
    KeyUsagePurpose, PKCS_RSA_SHA256,
};
use rsa::pkcs8::EncodePrivateKey;
use time::{Duration, OffsetDateTime};

use super::jwk::{KeyUse, PublicJwk, jwks_entry};
use crate::pki::generate::{PkiError, PrivateKeyPem};

/// Default validity: 13 months.
pub const DEFAULT_DAYS: u32 = 397;
/// Shortest validity `init` makes: 12 months even across a 29 February.
pub const MIN_DAYS: u32 = 366;
/// RSA sizes offered.
pub const RSA_BITS: [usize; 3] = [2048, 3072, 4096];

/// The kind of keys to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySpec {
    Rsa(usize),
    EcP256,
}

/// What `pki init` was asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitOptions {
    pub client_id: String,
    pub org: Option<String>,
    pub country: String,
    pub days: u32,
    pub key: KeySpec,
    /// Certificate signing requests instead of self-signed certificates.
    pub csr: bool,
}

/// Why the options cannot be honoured (checked before any key is made).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InitOptionError {
    #[error("--days {0} is shorter than the 12 months the platform requires")]
    TooShort(u32),
    #[error("--bits {0} is not offered")]
    Bits(usize),
    #[error("--country `{0}` is not a two-letter country code")]
    Country(String),
    #[error("--client-id must not be empty")]
    ClientId,
}

impl InitOptionError {
    /// The one-line fix.
    pub fn hint(&self) -> String {
        match self {
            InitOptionError::TooShort(_) => {
                format!("use --days {MIN_DAYS} or more (default {DEFAULT_DAYS}, 13 months)")
            }
            InitOptionError::Bits(_) => "use --bits 2048, 3072 or 4096, or --ec for P-256".into(),
            InitOptionError::Country(_) => "e.g. --country MY".into(),
            InitOptionError::ClientId => "pass the client_id PayNet issued, e.g. --client-id 55aa605c-89ef-4473-aa88-47709f0ff383".into(),
        }
    }
}

impl InitOptions {
    pub fn validate(&self) -> Result<(), InitOptionError> {
        if self.client_id.trim().is_empty() {
            return Err(InitOptionError::ClientId);
        }
        if self.days < MIN_DAYS {
            return Err(InitOptionError::TooShort(self.days));
        }
        if let KeySpec::Rsa(bits) = self.key
            && !RSA_BITS.contains(&bits)
        {
            return Err(InitOptionError::Bits(bits));
        }
        if self.country.len() != 2 || !self.country.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(InitOptionError::Country(self.country.clone()));
        }
        Ok(())
    }
}

/// The three credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Transport,
    Signing,
    Encryption,
}

impl Purpose {
    pub const ALL: [Purpose; 3] = [Purpose::Transport, Purpose::Signing, Purpose::Encryption];

    /// The file stem (`transport.pem`, `transport.key`, `transport.csr`).
    pub fn stem(self) -> &'static str {
        match self {
            Purpose::Transport => "transport",
            Purpose::Signing => "signing",
            Purpose::Encryption => "encryption",
        }
    }
}

/// One generated credential.
#[derive(Debug, Clone)]
pub struct Credential {
    pub purpose: Purpose,
    pub key: PrivateKeyPem,
    pub public: PublicJwk,
    /// Self-signed certificate (PEM, DER), unless a CSR was asked for.
    pub cert: Option<(String, Vec<u8>)>,
    /// Certificate signing request (PEM), with `--csr`.
    pub csr: Option<String>,
    /// RFC 4514 subject.
    pub subject: String,
}

/// Everything `pki init` writes, in memory.
#[derive(Debug, Clone)]
pub struct Generated {
    pub transport: Credential,
    pub signing: Credential,
    pub encryption: Credential,
}

impl Generated {
    pub fn all(&self) -> [&Credential; 3] {
        [&self.transport, &self.signing, &self.encryption]
    }
}

fn key_pair(spec: KeySpec) -> Result<KeyPair, PkiError> {
    match spec {
        KeySpec::EcP256 => Ok(KeyPair::generate()?),
        KeySpec::Rsa(bits) => {
            let key = rsa::PrivateKey::new(&mut getrandom::SysRng, bits)
                .map_err(|e| PkiError::RsaKey(e.to_string()))?;
            let der = key
                .to_pkcs8_der()
                .map_err(|e| PkiError::Encode(e.to_string()))?;
            Ok(KeyPair::from_pkcs8_der_and_sign_algo(
                &der.as_bytes().into(),
                &PKCS_RSA_SHA256,
            )?)
        }
    }
}

/// The subject: `C`, `O` (when given), `CN` in certificate order; RFC 4514 prints it reversed.
fn subject(opts: &InitOptions, purpose: Purpose) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CountryName, opts.country.to_ascii_uppercase());
    if let Some(org) = &opts.org {
        dn.push(DnType::OrganizationName, org.as_str());
    }
    let cn = match purpose {
        Purpose::Transport => opts.client_id.clone(),
        other => format!("{} {}", opts.client_id, other.stem()),
    };
    dn.push(DnType::CommonName, cn);
    dn
}

fn credential(
    opts: &InitOptions,
    purpose: Purpose,
    now: OffsetDateTime,
) -> Result<Credential, PkiError> {
    let pair = key_pair(opts.key)?;
    let mut params = CertificateParams::new(Vec::<String>::new())?;
    params.distinguished_name = subject(opts, purpose);
    let rsa = matches!(opts.key, KeySpec::Rsa(_));
    params.key_usages = match purpose {
        Purpose::Transport if rsa => vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ],
        Purpose::Transport | Purpose::Signing => vec![KeyUsagePurpose::DigitalSignature],
        Purpose::Encryption if rsa => vec![KeyUsagePurpose::KeyEncipherment],
        Purpose::Encryption => vec![KeyUsagePurpose::KeyAgreement],
    };
    if purpose == Purpose::Transport {
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    }
    params.not_before = now - Duration::minutes(5);
    params.not_after = now + Duration::days(i64::from(opts.days));
    let public = PublicJwk::from_spki_der(&rcgen::PublicKeyData::subject_public_key_info(&pair))
        .map_err(PkiError::Encode)?;
    // The subject as a certificate prints it (RFC 4514), also for a CSR.
    let cert = params.self_signed(&pair)?;
    let der = cert.der().to_vec();
    let subject = crate::pki::subject_dn_rfc4514(&der)
        .ok_or_else(|| PkiError::Certificate("generated certificate does not parse".into()))?;
    let (cert, csr) = if opts.csr {
        (None, Some(params.serialize_request(&pair)?.pem()?))
    } else {
        (Some((cert.pem(), der)), None)
    };
    Ok(Credential {
        purpose,
        key: PrivateKeyPem::new(pair.serialize_pem()),
        public,
        cert,
        csr,
        subject,
    })
}

/// Makes the three credentials. RSA keys are slow (4096 bits: seconds), so they are made on
/// three threads.
pub fn generate(opts: &InitOptions, now: OffsetDateTime) -> Result<Generated, PkiError> {
    let (t, s, e) = std::thread::scope(|scope| {
        let t = scope.spawn(|| credential(opts, Purpose::Transport, now));
        let s = scope.spawn(|| credential(opts, Purpose::Signing, now));
        let e = credential(opts, Purpose::Encryption, now);
        let join = |h: std::thread::ScopedJoinHandle<'_, Result<Credential, PkiError>>| {
            h.join()
                .unwrap_or_else(|_| Err(PkiError::RsaKey("key generation thread panicked".into())))
        };
        (join(t), join(s), e)
    });
    Ok(Generated {
        transport: t?,
        signing: s?,
        encryption: e?,
    })
}

/// `jwks.json`: the signing (`sig`) and encryption (`enc`) public keys, pretty-printed.
pub fn jwks_json(g: &Generated) -> String {
    let keys: Vec<serde_json::Value> = [(&g.signing, KeyUse::Sig), (&g.encryption, KeyUse::Enc)]
        .iter()
        .map(|(c, key_use)| {
            jwks_entry(
                &c.public,
                *key_use,
                c.cert.as_ref().map(|(_, der)| der.as_slice()),
            )
        })
        .collect();
    let doc = serde_json::json!({ "keys": keys });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

/// Quotes a TOML basic string.
fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

/// `target.toml`: loads as it is (with the placeholder discovery URL); replace the URL with the
/// one PayNet sends.
pub fn target_toml(opts: &InitOptions, g: &Generated) -> String {
    format!(
        "# Target file made by `ofpc pki init`. Replace `discovery` with the sandbox's well-known URL\n\
         # (PayNet sends it on registration), then: ofpc doctor --target target.toml\n\
         name = \"ofm-sandbox\"\n\
         profile = \"ofm\"\n\
         discovery = \"https://auth1.sandbox.example/.well-known/openid-configuration\"\n\
         \n\
         [client]\n\
         client_id = {}\n\
         auth = \"private_key_jwt\"              # or tls_client_auth (then signing_* is unused)\n\
         transport_cert = \"transport.pem\"\n\
         transport_key = \"transport.key\"\n\
         signing_key = \"signing.key\"\n\
         signing_kid = \"{}\"\n\
         scope = \"accounts\"\n\
         audience = \"issuer\"                   # or token_endpoint (see the platform's contradiction C1)\n",
        toml_str(&opts.client_id),
        g.signing.public.thumbprint(),
    )
}

/// `NEXT-STEPS.md`: what to upload where, what to register.
pub fn next_steps(opts: &InitOptions, g: &Generated) -> String {
    let mut s = String::from("# Next steps\n\n");
    if opts.csr {
        s.push_str(
            "1. Send `transport.csr`, `signing.csr` and `encryption.csr` to your CA. Save the \
             certificates it returns as `transport.pem`, `signing.pem` and `encryption.pem` in \
             this folder (PEM), next to their keys.\n\
             2. Make the JWKS again from the issued certificates (`x5c`, `x5t#S256`): \
             `ofpc pki check *.pem *.key` prints each key's thumbprint (`kid`).\n",
        );
    } else {
        s.push_str(
            "1. In the developer portal, upload the certificates (PEM): `transport.pem` for \
             mTLS, `signing.pem` for JWS (also JAR), `encryption.pem` for JWE. Self-signed \
             certificates are accepted in the sandbox only; use `--csr` for production.\n\
             2. Publish or upload `jwks.json` (public keys only) as the client's JWKS.\n",
        );
    }
    s.push_str(&format!(
        "3. For `tls_client_auth`, register this subject DN (RFC 4514):\n\n   `{}`\n\n\
         4. For `private_key_jwt`, the signing key's `kid` is `{}` (its RFC 7638 thumbprint).\n\
         5. Never upload or send the `.key` files: they are your private keys (written 0600).\n\
         6. When PayNet sends the sandbox URLs, put the well-known URL in `target.toml` as \
         `discovery`, then run `ofpc doctor --target target.toml` and \
         `ofpc token --target target.toml`.\n",
        g.transport.subject,
        g.signing.public.thumbprint(),
    ));
    s.push_str(&format!(
        "\nValidity: {} days from today. Check the files any time with \
         `ofpc pki check *.pem *.key`.\n",
        opts.days
    ));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> InitOptions {
        InitOptions {
            client_id: "c-1".into(),
            org: Some("Acme, Sdn Bhd".into()),
            country: "MY".into(),
            days: DEFAULT_DAYS,
            key: KeySpec::EcP256,
            csr: false,
        }
    }

    #[test]
    fn options_are_checked_before_anything_is_made() {
        let too_short = InitOptions {
            days: 300,
            ..opts()
        };
        let err = too_short.validate().unwrap_err();
        assert_eq!(
            err.to_string(),
            "--days 300 is shorter than the 12 months the platform requires"
        );
        assert_eq!(
            err.hint(),
            "use --days 366 or more (default 397, 13 months)"
        );
        let bits = InitOptions {
            key: KeySpec::Rsa(1024),
            ..opts()
        };
        assert_eq!(bits.validate().unwrap_err(), InitOptionError::Bits(1024));
        let country = InitOptions {
            country: "MYS".into(),
            ..opts()
        };
        assert_eq!(
            country.validate().unwrap_err().to_string(),
            "--country `MYS` is not a two-letter country code"
        );
        assert_eq!(opts().validate(), Ok(()));
    }

    #[test]
    fn subject_and_texts() {
        let g = generate(&opts(), OffsetDateTime::now_utc()).unwrap();
        assert_eq!(g.transport.subject, "CN=c-1,O=Acme\\, Sdn Bhd,C=MY");
        assert_eq!(g.signing.subject, "CN=c-1 signing,O=Acme\\, Sdn Bhd,C=MY");
        let jwks: serde_json::Value = serde_json::from_str(&jwks_json(&g)).unwrap();
        let keys = jwks["keys"].as_array().unwrap();
        assert_eq!(keys.len(), 2);
        assert_eq!(keys[0]["use"], "sig");
        assert_eq!(keys[0]["alg"], "ES256");
        assert_eq!(keys[1]["use"], "enc");
        assert!(keys.iter().all(|k| k.get("d").is_none()));
        let toml = target_toml(&opts(), &g);
        assert!(toml.contains("client_id = \"c-1\""), "{toml}");
        let steps = next_steps(&opts(), &g);
        assert!(steps.contains("`CN=c-1,O=Acme\\, Sdn Bhd,C=MY`"), "{steps}");
    }

    #[test]
    fn csr_subject_matches_the_certificate_form() {
        let csr = InitOptions {
            csr: true,
            ..opts()
        };
        let g = generate(&csr, OffsetDateTime::now_utc()).unwrap();
        assert!(g.transport.cert.is_none());
        let pem = g.transport.csr.as_deref().unwrap();
        assert!(pem.starts_with("-----BEGIN CERTIFICATE REQUEST-----"));
        assert_eq!(g.transport.subject, "CN=c-1,O=Acme\\, Sdn Bhd,C=MY");
    }
}
