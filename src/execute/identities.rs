//! The client certificates the harness makes itself for the mTLS rows: the registered client's
//! subject from an untrusted CA, expired, not yet valid, self-signed, and (with a CA the target
//! trusts, `[client_ca]`) an unregistered subject and look-alike subjects. Made on first use and
//! kept for the run; only the registered certificate's subject is read from the target.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rcgen::DnType;
use rustls::sign::CertifiedKey;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use time::{Duration, OffsetDateTime};
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::config::ClientCa;
use crate::pki::generate::{IssuedCert, LeafKey, PrivateKeyPem, TestCa, self_signed_client_cert};
use crate::pki::{cert_subject, x5t_s256};
use crate::scenario::Identity;

/// A generated TLS identity with the facts the report shows.
#[derive(Debug)]
pub struct Generated {
    pub identity: Arc<CertifiedKey>,
    pub subject: String,
    pub x5t_s256: String,
}

/// Makes and caches the generated identities of one run.
pub struct IdentityFactory {
    client_ca: Option<ClientCa>,
    own_ca: Mutex<Option<Arc<TestCa>>>,
    cache: Mutex<HashMap<(Identity, String), Arc<Generated>>>,
}

/// An attribute of a subject in certificate order.
type Rdn = (DnType, String);

fn dn_type(oid: &str) -> DnType {
    match oid {
        "2.5.4.3" => DnType::CommonName,
        "2.5.4.6" => DnType::CountryName,
        "2.5.4.7" => DnType::LocalityName,
        "2.5.4.8" => DnType::StateOrProvinceName,
        "2.5.4.10" => DnType::OrganizationName,
        "2.5.4.11" => DnType::OrganizationalUnitName,
        other => DnType::CustomDnType(other.split('.').filter_map(|n| n.parse().ok()).collect()),
    }
}

/// The subject of a DER certificate as (type, value) pairs in certificate order.
pub fn subject_parts(cert_der: &[u8]) -> Result<Vec<Rdn>, String> {
    let (_, cert) = X509Certificate::from_der(cert_der)
        .map_err(|e| format!("the registered certificate does not parse: {e}"))?;
    let mut parts = Vec::new();
    for rdn in cert.subject().iter_rdn() {
        for atv in rdn.iter() {
            let value = atv
                .as_str()
                .map_err(|_| "the registered subject has a non-string value".to_string())?;
            parts.push((dn_type(&atv.attr_type().to_id_string()), value.to_owned()));
        }
    }
    if parts.is_empty() {
        return Err("the registered certificate has an empty subject".into());
    }
    Ok(parts)
}

/// The subject `role` uses, from the registered one.
fn subject_for(role: Identity, registered: &[Rdn]) -> Vec<Rdn> {
    let mut parts = registered.to_vec();
    match role {
        Identity::Unregistered => {
            let suffix = &uuid::Uuid::new_v4().simple().to_string()[..8];
            let cn = format!("ofpc-unregistered-{suffix}");
            match parts.iter_mut().find(|(t, _)| *t == DnType::CommonName) {
                Some(entry) => entry.1 = cn,
                None => parts.push((DnType::CommonName, cn)),
            }
        }
        Identity::DnSuperset => {
            parts.push((DnType::OrganizationalUnitName, "ofpc look-alike".into()));
        }
        Identity::DnReordered => parts.reverse(),
        Identity::DnCaseVariant => {
            for (_, value) in &mut parts {
                let upper = value.to_uppercase();
                *value = if upper == *value {
                    value.to_lowercase()
                } else {
                    upper
                };
            }
        }
        _ => {}
    }
    parts
}

impl IdentityFactory {
    pub fn new(client_ca: Option<ClientCa>) -> IdentityFactory {
        IdentityFactory {
            client_ca,
            own_ca: Mutex::new(None),
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// A CA of the harness's own, trusted by nobody.
    fn own_ca(&self) -> Result<Arc<TestCa>, String> {
        let mut slot = self.own_ca.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(ca) = slot.as_ref() {
            return Ok(ca.clone());
        }
        let ca = Arc::new(
            TestCa::generate("ofpc untrusted harness ca")
                .map_err(|e| format!("cannot make a CA: {e}"))?,
        );
        *slot = Some(ca.clone());
        Ok(ca)
    }

    /// The target's client CA (`[client_ca]`), if given.
    fn trusted_ca(&self) -> Result<Option<TestCa>, String> {
        self.client_ca
            .as_ref()
            .map(|ca| {
                TestCa::from_pem(
                    &ca.cert_pem,
                    &PrivateKeyPem::new(ca.key_pem.expose().to_owned()),
                )
                .map_err(|e| format!("cannot use [client_ca]: {e}"))
            })
            .transpose()
    }

    /// The identity for a generated `role`, built from the registered certificate `registered`.
    pub fn get(&self, role: Identity, registered: &[u8]) -> Result<Arc<Generated>, String> {
        let key = (role, x5t_s256(registered));
        if let Some(found) = self
            .cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&key)
        {
            return Ok(found.clone());
        }
        let subject = subject_for(role, &subject_parts(registered)?);
        let borrowed: Vec<(DnType, &str)> = subject
            .iter()
            .map(|(t, v)| (t.clone(), v.as_str()))
            .collect();
        let now = OffsetDateTime::now_utc();
        let valid = (now - Duration::days(1), now + Duration::days(30));
        let trusted = || -> Result<TestCa, String> {
            self.trusted_ca()?.ok_or_else(|| {
                format!(
                    "the `{}` certificate needs a CA the target trusts ([client_ca])",
                    role.as_str()
                )
            })
        };
        let issue = |ca: &TestCa, (from, to): (OffsetDateTime, OffsetDateTime)| {
            ca.issue_client_cert_with_key(&borrowed, from, to, LeafKey::EcdsaP256)
                .map_err(|e| e.to_string())
        };
        let cert: IssuedCert = match role {
            Identity::UntrustedCa => issue(self.own_ca()?.as_ref(), valid)?,
            Identity::Expired | Identity::NotYetValid => {
                let window = if role == Identity::Expired {
                    (now - Duration::days(30), now - Duration::days(1))
                } else {
                    (now + Duration::days(1), now + Duration::days(30))
                };
                match self.trusted_ca()? {
                    Some(ca) => issue(&ca, window)?,
                    None => issue(self.own_ca()?.as_ref(), window)?,
                }
            }
            Identity::SelfSigned => {
                self_signed_client_cert(&borrowed, valid.0, valid.1).map_err(|e| e.to_string())?
            }
            Identity::Unregistered
            | Identity::DnSuperset
            | Identity::DnReordered
            | Identity::DnCaseVariant => issue(&trusted()?, valid)?,
            Identity::Client | Identity::SecondClient | Identity::MtlsClient | Identity::None => {
                return Err(format!("`{}` is not a generated identity", role.as_str()));
            }
        };
        let key_der = PrivateKeyDer::from_pem_slice(cert.key.expose().as_bytes())
            .map_err(|e| format!("generated key does not parse: {e}"))?;
        let provider = rustls::crypto::ring::default_provider();
        let identity = CertifiedKey::from_der(
            vec![CertificateDer::from(cert.cert_der.clone())],
            key_der,
            &provider,
        )
        .map_err(|e| format!("generated certificate unusable: {e}"))?;
        let generated = Arc::new(Generated {
            identity: Arc::new(identity),
            subject: cert_subject(&cert.cert_der).unwrap_or_default(),
            x5t_s256: x5t_s256(&cert.cert_der),
        });
        self.cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(key, generated.clone());
        Ok(generated)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registered() -> (TestCa, Vec<u8>) {
        let ca = TestCa::generate("t").expect("ca");
        let now = OffsetDateTime::now_utc();
        let leaf = ca
            .issue_client_cert_with_key(
                &[
                    (DnType::CountryName, "MY"),
                    (DnType::OrganizationName, "ofpc test"),
                    (DnType::CommonName, "ofpc-client-mtls"),
                ],
                now - Duration::days(1),
                now + Duration::days(1),
                LeafKey::EcdsaP256,
            )
            .expect("leaf");
        (ca, leaf.cert_der)
    }

    #[test]
    fn subjects_of_each_identity() {
        let (ca, der) = registered();
        let factory = IdentityFactory::new(Some(ClientCa {
            cert_pem: ca.cert_pem(),
            key_pem: crate::oauth::Secret::new(ca.key_pem().expose().to_owned()),
        }));
        let subject = |role| factory.get(role, &der).expect("generated").subject.clone();
        let registered = cert_subject(&der).expect("subject");
        for role in [
            Identity::UntrustedCa,
            Identity::Expired,
            Identity::NotYetValid,
            Identity::SelfSigned,
        ] {
            assert_eq!(subject(role), registered, "{}", role.as_str());
        }
        assert_ne!(subject(Identity::Unregistered), registered);
        assert!(subject(Identity::Unregistered).contains("ofpc-unregistered-"));
        assert!(subject(Identity::DnSuperset).contains("OU=ofpc look-alike"));
        assert!(subject(Identity::DnCaseVariant).contains("OFPC-CLIENT-MTLS"));
        assert_ne!(subject(Identity::DnReordered), registered);
        // Cached: the same certificate every time.
        let a = factory
            .get(Identity::Expired, &der)
            .expect("a")
            .x5t_s256
            .clone();
        let b = factory
            .get(Identity::Expired, &der)
            .expect("b")
            .x5t_s256
            .clone();
        assert_eq!(a, b);
    }

    #[test]
    fn trusted_identities_need_the_client_ca() {
        let (_, der) = registered();
        let factory = IdentityFactory::new(None);
        let err = factory
            .get(Identity::Unregistered, &der)
            .expect_err("no CA");
        assert_eq!(
            err,
            "the `unregistered` certificate needs a CA the target trusts ([client_ca])"
        );
        assert!(factory.get(Identity::Expired, &der).is_ok());
    }
}
