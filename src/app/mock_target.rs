//! The target for the built-in mock, from the materials it generated: loaded in memory for
//! `ofpc run` without `--target`, or written as a target file (with its credentials) for
//! `ofpc mock`. Both come from the same [`MockMaterials`].

use std::path::{Path, PathBuf};
use std::time::Duration;

use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

use crate::config::credentials::{CredentialOrigin, certified_key, signing_key};
use crate::config::target::{ClientCaFile, ClientFile, TargetFile};
use crate::config::{Audience, Client, ClientCa, Endpoints, Profile, Target};
use crate::errors::InputError;
use crate::mock::{MockClient, MockMaterials};
use crate::net::Network;
use crate::oauth::{AuthMethod, Secret};

/// The client sections of a mock target, in file order.
fn clients(m: &MockMaterials) -> [(&'static str, &MockClient); 3] {
    [
        ("client", &m.client),
        ("second_client", &m.second_client),
        ("mtls_client", &m.mtls_client),
    ]
}

/// Builds the target for the built-in mock from the materials it generated.
pub fn mock_target(m: &MockMaterials, profile: Profile) -> Result<Target, InputError> {
    let ca = CertificateDer::from_pem_slice(m.ca_pem.as_bytes())
        .map_err(|e| InputError::new(format!("mock CA is not PEM: {e}")))?;
    let [client, second_client, mtls_client] = clients(m);
    Ok(Target {
        name: "mock".to_string(),
        profile,
        endpoints: Endpoints::Discovery(m.discovery_url.clone()),
        resource: Some(m.resource_url.clone()),
        extra_roots: vec![ca],
        system_roots: false,
        client: mock_client(client.1, client.0)?,
        second_client: Some(mock_client(second_client.1, second_client.0)?),
        mtls_client: Some(mock_client(mtls_client.1, mtls_client.0)?),
        ungranted_scope: Some(m.ungranted_scope.clone()),
        client_ca: m.client_ca_key_pem.as_ref().map(|key| ClientCa {
            cert_pem: m.ca_pem.clone(),
            key_pem: Secret::new(key.clone()),
        }),
        connect_timeout: Duration::from_secs(5),
        timeout: Duration::from_secs(15),
        max_body_kib: crate::config::DEFAULT_MAX_BODY_KIB,
        discovery_client_cert: crate::config::DocumentCert::Auto,
        // The built-in mock is on loopback: always direct, whatever the environment says.
        network: Network::direct(),
        jobs: None,
        rate: None,
    })
}

fn mock_client(c: &MockClient, section: &str) -> Result<Client, InputError> {
    let origin = CredentialOrigin {
        target_file: PathBuf::from("(built-in mock)"),
        cert_key: format!("{section}.transport_cert"),
        key_key: format!("{section}.transport_key"),
    };
    let identity = certified_key(&c.cert_pem, &Secret::new(c.key_pem.clone()), &origin)?;
    let auth = AuthMethod::parse(&c.auth)
        .ok_or_else(|| InputError::new(format!("mock client has unknown auth `{}`", c.auth)))?;
    let signing = match (&c.signing_key_pem, &c.signing_kid) {
        (Some(pem), Some(kid)) => Some(signing_key(
            Secret::new(pem.clone()),
            kid.clone(),
            &format!("{section}.signing_key"),
            Path::new("(built-in mock)"),
        )?),
        _ => None,
    };
    Ok(Client::new(
        c.client_id.clone(),
        auth,
        identity,
        signing,
        c.scope.clone(),
        Audience::Issuer,
    ))
}

/// A mock target file and the credential files it names, as (file name, contents) pairs.
pub fn mock_target_file(m: &MockMaterials) -> (TargetFile, Vec<(String, String)>) {
    let mut files = vec![("ca.pem".to_string(), m.ca_pem.clone())];
    let mut section = |name: &str, c: &MockClient| {
        files.push((format!("{name}.pem"), c.cert_pem.clone()));
        files.push((format!("{name}.key"), c.key_pem.clone()));
        let signing = c.signing_key_pem.as_ref().map(|key| {
            files.push((format!("{name}-signing.key"), key.clone()));
            PathBuf::from(format!("{name}-signing.key"))
        });
        ClientFile {
            client_id: c.client_id.clone(),
            auth: c.auth.clone(),
            transport_cert: PathBuf::from(format!("{name}.pem")),
            transport_key: PathBuf::from(format!("{name}.key")),
            signing_key: signing,
            signing_kid: c.signing_kid.clone(),
            scope: Some(c.scope.clone()),
            audience: None,
        }
    };
    let [client, second_client, mtls_client] = clients(m).map(|(name, c)| section(name, c));
    let client_ca = m.client_ca_key_pem.as_ref().map(|key| {
        // The mock's CA key, so the harness can issue trusted certificates with other subjects.
        files.push(("client-ca.key".to_string(), key.clone()));
        ClientCaFile {
            cert: PathBuf::from("ca.pem"),
            key: PathBuf::from("client-ca.key"),
        }
    });
    let file = TargetFile {
        name: Some("mock".to_string()),
        profile: Some(Profile::Ofm.as_str().to_string()),
        discovery: Some(m.discovery_url.clone()),
        resource: Some(m.resource_url.clone()),
        ca: Some(PathBuf::from("ca.pem")),
        ungranted_scope: Some(m.ungranted_scope.clone()),
        client,
        second_client: Some(second_client),
        mtls_client: Some(mtls_client),
        client_ca,
        ..TargetFile::default()
    };
    (file, files)
}
