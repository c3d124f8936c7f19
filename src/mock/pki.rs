//! Everything the mock generates once (CA, server certificate, AS key, client credentials); it
//! can be shared by many servers.

use rcgen::DnType;
use time::{Duration, OffsetDateTime};

use super::error::MockError;
use crate::pki::generate::{
    EcSigningKey, IssuedCert, PkiError, RsaSigningKey, TestCa, generate_ec_signing_key,
    generate_rsa_signing_key,
};
use crate::pki::subject_dn_rfc4514;

/// Credentials of one registered client.
#[derive(Debug, Clone)]
pub struct ClientPki {
    /// UUID v4.
    pub client_id: String,
    /// Transport certificate (RSA-2048, ClientAuth).
    pub transport: IssuedCert,
    /// RFC 4514 subject DN of the transport certificate.
    pub subject_dn: String,
    /// The same subject in certificate order (for issuing look-alike or foreign-CA certificates).
    pub subject: Vec<(DnType, String)>,
    /// Assertion signing key (`private_key_jwt` clients only).
    pub signing: Option<RsaSigningKey>,
}

/// The mock's generated PKI.
#[derive(Debug)]
pub struct MockPki {
    pub ca: TestCa,
    /// Server certificate for `localhost` and `127.0.0.1`.
    pub server: IssuedCert,
    /// The AS's own signing key (P-256, ES256) for JWT access tokens, published at `/jwks`.
    pub as_key: EcSigningKey,
    /// `private_key_jwt` client.
    pub client: ClientPki,
    /// Second `private_key_jwt` client.
    pub second_client: ClientPki,
    /// `tls_client_auth` client.
    pub mtls_client: ClientPki,
}

fn client(ca: &TestCa, cn: &str, jwt: bool) -> Result<ClientPki, MockError> {
    let now = OffsetDateTime::now_utc();
    let subject = [
        (DnType::CountryName, "MY"),
        (DnType::OrganizationName, "ofpc test"),
        (DnType::CommonName, cn),
    ];
    let transport =
        ca.issue_client_cert(&subject, now - Duration::days(1), now + Duration::days(365))?;
    let subject_dn = subject_dn_rfc4514(&transport.cert_der)
        .ok_or_else(|| MockError::Key("generated client certificate does not parse".into()))?;
    let signing = if jwt {
        Some(generate_rsa_signing_key()?)
    } else {
        None
    };
    Ok(ClientPki {
        client_id: uuid::Uuid::new_v4().to_string(),
        transport,
        subject_dn,
        subject: subject
            .iter()
            .map(|(k, v)| (k.clone(), (*v).to_owned()))
            .collect(),
        signing,
    })
}

impl MockPki {
    /// Generates a fresh PKI. RSA key generation is slow, so the three clients are made on
    /// separate threads.
    pub fn generate() -> Result<MockPki, MockError> {
        let ca = TestCa::generate("ofpc mock ca")?;
        let server = ca.issue_server_cert(&["localhost", "127.0.0.1"])?;
        let as_key = generate_ec_signing_key()?;
        let (one, two, mtls) = std::thread::scope(|s| {
            let one = s.spawn(|| client(&ca, "ofpc-client-one", true));
            let two = s.spawn(|| client(&ca, "ofpc-client-two", true));
            let mtls = client(&ca, "ofpc-client-mtls", false);
            let join = |h: std::thread::ScopedJoinHandle<'_, Result<ClientPki, MockError>>| {
                h.join().unwrap_or_else(|_| {
                    Err(MockError::Pki(PkiError::RsaKey(
                        "key generation thread panicked".into(),
                    )))
                })
            };
            (join(one), join(two), mtls)
        });
        Ok(MockPki {
            ca,
            server,
            as_key,
            client: one?,
            second_client: two?,
            mtls_client: mtls?,
        })
    }
}
