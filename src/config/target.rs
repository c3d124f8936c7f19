//! The target file: where the authorization server is and which clients to test it with.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use serde::{Deserialize, Serialize};

use super::credentials::{
    Audience, Client, CredentialOrigin, certified_key, read_pem, signing_key,
};
use super::profile::Profile;
use super::toml_error;
use crate::errors::InputError;
use crate::oauth::{AuthMethod, Secret};

/// The target file as written (paths not yet loaded). Serialised by `ofpc mock`.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TargetFile {
    pub name: Option<String>,
    pub profile: Option<String>,
    pub discovery: Option<String>,
    pub issuer: Option<String>,
    pub token_endpoint: Option<String>,
    pub resource: Option<String>,
    pub ca: Option<PathBuf>,
    /// A scope the server supports but does not grant to `[client]` (enables a
    /// req-scope-unauthorized step).
    pub ungranted_scope: Option<String>,
    pub connect_timeout_secs: Option<u64>,
    pub timeout_secs: Option<u64>,
    pub client: ClientFile,
    pub second_client: Option<ClientFile>,
    /// A `tls_client_auth` client, when `[client]` uses `private_key_jwt`.
    pub mtls_client: Option<ClientFile>,
    /// A CA the server trusts for client certificates, with its key (test environments only).
    pub client_ca: Option<ClientCaFile>,
}

/// `[client_ca]`: lets the harness issue trusted client certificates with other subjects
/// (mtls-unregistered-cert, mtls-dn-lookalike) and trusted expired ones.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ClientCaFile {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// A CA the target trusts for client certificates, loaded.
#[derive(Clone)]
pub struct ClientCa {
    pub cert_pem: String,
    pub key_pem: Secret,
}

impl std::fmt::Debug for ClientCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientCa").finish_non_exhaustive()
    }
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ClientFile {
    pub client_id: String,
    pub auth: String,
    pub transport_cert: PathBuf,
    pub transport_key: PathBuf,
    pub signing_key: Option<PathBuf>,
    pub signing_kid: Option<String>,
    pub scope: Option<String>,
    pub audience: Option<String>,
}

/// How the harness finds the server's endpoints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoints {
    /// Fetch the well-known document at this URL.
    Discovery(String),
    /// Given directly.
    Static {
        issuer: String,
        token_endpoint: String,
    },
}

/// A loaded, checked target: ready to be tested, nothing sent yet.
#[derive(Debug, Clone)]
pub struct Target {
    pub name: String,
    pub profile: Profile,
    pub endpoints: Endpoints,
    pub resource: Option<String>,
    /// Extra trust roots (the target file's `ca`, or the mock CA).
    pub extra_roots: Vec<CertificateDer<'static>>,
    /// Trust the system roots as well (false for the mock).
    pub system_roots: bool,
    pub client: Client,
    pub second_client: Option<Client>,
    pub mtls_client: Option<Client>,
    pub ungranted_scope: Option<String>,
    /// `[client_ca]`, or the mock's CA.
    pub client_ca: Option<ClientCa>,
    pub connect_timeout: Duration,
    pub timeout: Duration,
}

impl Target {
    /// The registered clients, primary first.
    pub fn clients(&self) -> impl Iterator<Item = &Client> {
        std::iter::once(&self.client)
            .chain(self.second_client.as_ref())
            .chain(self.mtls_client.as_ref())
    }

    /// The first client using `method`.
    pub fn client_for(&self, method: AuthMethod) -> Option<&Client> {
        self.clients().find(|c| c.auth == method)
    }
}

/// Reads, overrides (`OFPC_*`), parses and checks a target file. Nothing is sent.
pub fn load_target(path: &Path, profile_override: Option<Profile>) -> Result<Target, InputError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        InputError::new(format!("cannot read the target file: {e}"))
            .in_file(path)
            .hint("pass an existing file with --target, or leave --target out to test the built-in mock")
    })?;
    let env: Vec<(String, String)> = std::env::vars()
        .filter(|(k, _)| k.starts_with("OFPC_"))
        .collect();
    parse_target(&text, path, &env, profile_override)
}

/// Applies `OFPC_<KEY>` (top level) and `OFPC_<SECTION>_<KEY>` (client sections) overrides.
fn apply_env(table: &mut toml::Table, env: &[(String, String)]) {
    const SECTIONS: [&str; 3] = ["second_client", "mtls_client", "client"];
    for (name, value) in env {
        let Some(rest) = name.strip_prefix("OFPC_") else {
            continue;
        };
        let rest = rest.to_ascii_lowercase();
        if matches!(rest.as_str(), "target" | "out" | "log") {
            continue;
        }
        let section = SECTIONS.iter().find(|s| rest.starts_with(&format!("{s}_")));
        match section {
            Some(section) => {
                let key = rest[section.len() + 1..].to_string();
                let entry = table
                    .entry(section.to_string())
                    .or_insert_with(|| toml::Value::Table(toml::Table::new()));
                if let toml::Value::Table(t) = entry {
                    t.insert(key, toml::Value::String(value.clone()));
                }
            }
            None => {
                table.insert(rest, toml::Value::String(value.clone()));
            }
        }
    }
}

pub fn parse_target(
    text: &str,
    path: &Path,
    env: &[(String, String)],
    profile_override: Option<Profile>,
) -> Result<Target, InputError> {
    let mut table: toml::Table =
        toml::from_str(text).map_err(|e| toml_error::from_toml(&e, text, path, "target file"))?;
    apply_env(&mut table, env);
    let file: TargetFile = TargetFile::deserialize(toml::Value::Table(table))
        .map_err(|e| toml_error::from_toml(&e, text, path, "target file"))?;
    resolve(file, path, profile_override)
}

fn resolve(
    file: TargetFile,
    path: &Path,
    profile_override: Option<Profile>,
) -> Result<Target, InputError> {
    let base = path.parent().unwrap_or(Path::new("."));
    let profile = match (profile_override, &file.profile) {
        (Some(p), _) => p,
        (None, Some(name)) => Profile::parse(name).ok_or_else(|| {
            InputError::new(format!("unknown profile `{name}`"))
                .in_file(path)
                .hint(format!("valid profiles: {}", Profile::names().join(", ")))
        })?,
        (None, None) => Profile::Ofm,
    };
    let endpoints = match (&file.discovery, &file.issuer, &file.token_endpoint) {
        (Some(url), None, None) => Endpoints::Discovery(check_url(url, "discovery", path)?),
        (None, Some(issuer), Some(token)) => Endpoints::Static {
            issuer: check_url(issuer, "issuer", path)?,
            token_endpoint: check_url(token, "token_endpoint", path)?,
        },
        _ => {
            return Err(InputError::new(
                "the target file must give either `discovery`, or both `issuer` and `token_endpoint`",
            )
            .in_file(path)
            .hint("discovery = \"https://as.example/.well-known/openid-configuration\""));
        }
    };
    if let Some(resource) = &file.resource {
        check_url(resource, "resource", path)?;
    }
    let extra_roots = match &file.ca {
        Some(ca) => {
            let ca_path = base.join(ca);
            let pem = read_pem(&ca_path, "ca", path)?;
            let roots: Vec<CertificateDer<'static>> =
                CertificateDer::pem_slice_iter(pem.as_bytes())
                    .collect::<Result<_, _>>()
                    .map_err(|e| {
                        InputError::new(format!("`ca` = {} is not PEM: {e}", ca_path.display()))
                            .in_file(path)
                    })?;
            if roots.is_empty() {
                return Err(InputError::new(format!(
                    "`ca` = {} holds no CERTIFICATE block",
                    ca_path.display()
                ))
                .in_file(path));
            }
            roots
        }
        None => Vec::new(),
    };
    let client = load_client(&file.client, "client", base, path)?;
    let second_client = file
        .second_client
        .as_ref()
        .map(|c| load_client(c, "second_client", base, path))
        .transpose()?;
    let mtls_client = file
        .mtls_client
        .as_ref()
        .map(|c| load_client(c, "mtls_client", base, path))
        .transpose()?;
    if let Some(m) = &mtls_client
        && m.auth != AuthMethod::TlsClientAuth
    {
        return Err(InputError::new("`mtls_client.auth` must be `tls_client_auth`").in_file(path));
    }
    let client_ca = match &file.client_ca {
        Some(ca) => Some(ClientCa {
            cert_pem: read_pem(&base.join(&ca.cert), "client_ca.cert", path)?,
            key_pem: Secret::new(read_pem(&base.join(&ca.key), "client_ca.key", path)?),
        }),
        None => None,
    };
    Ok(Target {
        name: file.name.unwrap_or_else(|| {
            path.file_stem()
                .map_or("target".into(), |s| s.to_string_lossy().into_owned())
        }),
        profile,
        endpoints,
        resource: file.resource,
        extra_roots,
        system_roots: true,
        client,
        second_client,
        mtls_client,
        ungranted_scope: file.ungranted_scope,
        client_ca,
        connect_timeout: Duration::from_secs(file.connect_timeout_secs.unwrap_or(5)),
        timeout: Duration::from_secs(file.timeout_secs.unwrap_or(15)),
    })
}

fn check_url(url: &str, key: &str, path: &Path) -> Result<String, InputError> {
    if url.starts_with("https://") && url.len() > "https://".len() {
        Ok(url.to_string())
    } else {
        Err(
            InputError::new(format!("`{key}` must be an https:// URL, found `{url}`"))
                .in_file(path),
        )
    }
}

fn load_client(
    c: &ClientFile,
    section: &str,
    base: &Path,
    path: &Path,
) -> Result<Client, InputError> {
    let auth = AuthMethod::parse(&c.auth).ok_or_else(|| {
        InputError::new(format!("unknown `{section}.auth` = `{}`", c.auth))
            .in_file(path)
            .hint("valid choices: private_key_jwt, tls_client_auth")
    })?;
    let cert_path = base.join(&c.transport_cert);
    let key_path = base.join(&c.transport_key);
    let cert_pem = read_pem(&cert_path, &format!("{section}.transport_cert"), path)?;
    let key_pem = Secret::new(read_pem(
        &key_path,
        &format!("{section}.transport_key"),
        path,
    )?);
    let origin = CredentialOrigin {
        target_file: path.to_path_buf(),
        cert_key: format!("{section}.transport_cert"),
        key_key: format!("{section}.transport_key"),
    };
    let identity = certified_key(&cert_pem, &key_pem, &origin)?;
    let signing = match (auth, &c.signing_key, &c.signing_kid) {
        (AuthMethod::PrivateKeyJwt, Some(key), Some(kid)) => {
            let key_path = base.join(key);
            let pem = Secret::new(read_pem(
                &key_path,
                &format!("{section}.signing_key"),
                path,
            )?);
            Some(signing_key(
                pem,
                kid.clone(),
                &format!("{section}.signing_key"),
                path,
            )?)
        }
        (AuthMethod::PrivateKeyJwt, None, _) => {
            return Err(InputError::new(format!(
                "`{section}` uses private_key_jwt but has no `signing_key`"
            ))
            .in_file(path)
            .hint("add signing_key = \"path/to/signing.key\" (the key registered in your JWKS)"));
        }
        (AuthMethod::PrivateKeyJwt, Some(_), None) => {
            return Err(InputError::new(format!(
                "`{section}` uses private_key_jwt but has no `signing_kid`"
            ))
            .in_file(path)
            .hint(
                "add signing_kid = \"...\" (the `kid` of the signing key in your registered JWKS)",
            ));
        }
        (AuthMethod::TlsClientAuth, _, _) => None,
    };
    Ok(Client::new(
        c.client_id.clone(),
        auth,
        identity,
        signing,
        c.scope.clone().unwrap_or_else(|| "accounts".to_string()),
        Audience::parse(c.audience.as_deref().unwrap_or("issuer")),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_names_file_line_and_nearest_key() {
        let text = "discovery = \"https://as.example/.well-known/openid-configuration\"\n[client]\nclient_id = \"x\"\nauth = \"tls_client_auth\"\ntransport_cert = \"a.pem\"\ntransport_key = \"a.key\"\nscpoe = \"accounts\"\n";
        let err = parse_target(text, Path::new("t.toml"), &[], None).unwrap_err();
        assert!(
            err.render().starts_with("error: t.toml:"),
            "{}",
            err.render()
        );
        assert!(
            err.message.contains("unknown field `scpoe`"),
            "{}",
            err.message
        );
        assert_eq!(
            err.hints.first().map(String::as_str),
            Some("did you mean `scope`?")
        );
    }

    #[test]
    fn missing_pem_names_the_key_and_path() {
        let text = "discovery = \"https://as.example/.well-known/openid-configuration\"\n[client]\nclient_id = \"x\"\nauth = \"tls_client_auth\"\ntransport_cert = \"missing.pem\"\ntransport_key = \"missing.key\"\n";
        let err = parse_target(text, Path::new("/nonexistent/t.toml"), &[], None).unwrap_err();
        assert!(
            err.message.contains("`client.transport_cert`"),
            "{}",
            err.message
        );
        assert!(
            err.message.contains("/nonexistent/missing.pem"),
            "{}",
            err.message
        );
    }

    #[test]
    fn env_overrides_section_keys() {
        let mut table: toml::Table = toml::from_str("[client]\nclient_id = \"a\"\n").unwrap();
        apply_env(
            &mut table,
            &[
                ("OFPC_CLIENT_CLIENT_ID".into(), "b".into()),
                ("OFPC_SECOND_CLIENT_SCOPE".into(), "s".into()),
            ],
        );
        assert_eq!(table["client"]["client_id"].as_str(), Some("b"));
        assert_eq!(table["second_client"]["scope"].as_str(), Some("s"));
    }
}
