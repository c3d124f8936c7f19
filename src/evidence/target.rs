//! `target.json`: what was tested, with no secrets. URLs, client ids, certificate subjects,
//! validity and `x5t#S256`, signing-key thumbprints, the profile: never a key, never a token.

use serde::Serialize;

use super::sign::Signer;
use crate::config::{Audience, Client, Endpoints, Target};
use crate::pki::x5t_s256;

/// The description, made from the loaded target before anything is sent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetDescription {
    pub name: String,
    pub profile: String,
    /// `discovery` URL, or the `issuer` and `token_endpoint` given directly.
    pub endpoints: serde_json::Value,
    pub resource: Option<String>,
    pub ungranted_scope: Option<String>,
    /// Whether the system trust roots were trusted besides `extra_roots`.
    pub system_roots: bool,
    pub extra_roots: Vec<CertFacts>,
    pub clients: Vec<ClientFacts>,
    /// The CA the harness issued test client certificates from (certificate only).
    pub client_ca: Option<CertFacts>,
    pub connect_timeout_secs: u64,
    pub timeout_secs: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClientFacts {
    /// `client`, `second_client` or `mtls_client`, as in the target file.
    pub role: String,
    pub client_id: String,
    pub auth: String,
    pub scope: String,
    pub audience: String,
    pub transport_cert: Option<CertFacts>,
    pub signing_key: Option<SigningKeyFacts>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SigningKeyFacts {
    pub alg: String,
    pub kid: String,
    /// RFC 7638 JWK thumbprint of the public key.
    pub jwk_thumbprint: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertFacts {
    pub subject: String,
    pub issuer: String,
    pub serial: String,
    /// RFC 3339, UTC.
    pub not_before: String,
    pub not_after: String,
    #[serde(rename = "x5t#S256")]
    pub x5t_s256: String,
}

impl CertFacts {
    /// The facts of a DER certificate, or None when it does not parse.
    pub fn of(der: &[u8]) -> Option<CertFacts> {
        let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
        let time = |t: x509_parser::time::ASN1Time| {
            t.to_datetime()
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default()
        };
        Some(CertFacts {
            subject: cert.subject().to_string(),
            issuer: cert.issuer().to_string(),
            serial: cert.raw_serial_as_string(),
            not_before: time(cert.validity().not_before),
            not_after: time(cert.validity().not_after),
            x5t_s256: x5t_s256(der),
        })
    }

    /// The facts of the first certificate in a PEM text.
    pub fn of_pem(pem: &str) -> Option<CertFacts> {
        use rustls_pki_types::CertificateDer;
        use rustls_pki_types::pem::PemObject;
        let der = CertificateDer::from_pem_slice(pem.as_bytes()).ok()?;
        CertFacts::of(der.as_ref())
    }
}

impl TargetDescription {
    pub fn of(target: &Target) -> TargetDescription {
        let endpoints = match &target.endpoints {
            Endpoints::Discovery(url) => serde_json::json!({ "discovery": url }),
            Endpoints::Static {
                issuer,
                token_endpoint,
            } => serde_json::json!({ "issuer": issuer, "token_endpoint": token_endpoint }),
        };
        let roles = ["client", "second_client", "mtls_client"];
        let clients = [
            Some(&target.client),
            target.second_client.as_ref(),
            target.mtls_client.as_ref(),
        ]
        .into_iter()
        .zip(roles)
        .filter_map(|(c, role)| c.map(|c| client_facts(role, c)))
        .collect();
        TargetDescription {
            name: target.name.clone(),
            profile: target.profile.as_str().to_string(),
            endpoints,
            resource: target.resource.clone(),
            ungranted_scope: target.ungranted_scope.clone(),
            system_roots: target.system_roots,
            extra_roots: target
                .extra_roots
                .iter()
                .filter_map(|c| CertFacts::of(c.as_ref()))
                .collect(),
            clients,
            client_ca: target
                .client_ca
                .as_ref()
                .and_then(|ca| CertFacts::of_pem(&ca.cert_pem)),
            connect_timeout_secs: target.connect_timeout.as_secs(),
            timeout_secs: target.timeout.as_secs(),
        }
    }
}

fn client_facts(role: &str, client: &Client) -> ClientFacts {
    ClientFacts {
        role: role.to_string(),
        client_id: client.client_id.clone(),
        auth: client.auth.as_str().to_string(),
        scope: client.scope.clone(),
        audience: match &client.audience {
            Audience::Issuer => "issuer".to_string(),
            Audience::TokenEndpoint => "token_endpoint".to_string(),
            Audience::Url(url) => url.clone(),
        },
        transport_cert: client
            .identity
            .cert
            .first()
            .and_then(|c| CertFacts::of(c.as_ref())),
        signing_key: client.signing.as_ref().map(|s| SigningKeyFacts {
            alg: serde_json::to_value(s.alg)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            kid: s.kid.clone(),
            jwk_thumbprint: Signer::from_pem(s.pem.expose().as_bytes())
                .ok()
                .map(|k| k.keyid()),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::generate::{LeafKey, TestCa};
    use rcgen::DnType;

    #[test]
    fn certificate_facts_name_subject_validity_and_thumbprint() {
        let ca = TestCa::generate("evidence test CA").unwrap();
        let from = time::macros::datetime!(2026-01-02 03:04:05 UTC);
        let to = time::macros::datetime!(2027-01-02 03:04:05 UTC);
        let cert = ca
            .issue_client_cert_with_key(
                &[(DnType::CommonName, "tpp-1")],
                from,
                to,
                LeafKey::EcdsaP256,
            )
            .unwrap();
        let facts = CertFacts::of(&cert.cert_der).unwrap();
        assert_eq!(facts.subject, "CN=tpp-1");
        assert_eq!(facts.issuer, "C=MY, O=ofpc test, CN=evidence test CA");
        assert_eq!(facts.not_before, "2026-01-02T03:04:05Z");
        assert_eq!(facts.not_after, "2027-01-02T03:04:05Z");
        assert_eq!(facts.x5t_s256, x5t_s256(&cert.cert_der));
        assert_eq!(CertFacts::of_pem(&cert.cert_pem), Some(facts));
    }
}
