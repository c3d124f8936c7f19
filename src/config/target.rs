//! The target file: where the authorization server is and which clients to test it with.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use serde::{Deserialize, Serialize};

use toml::de::DeTable;

use super::credentials::{
    Audience, Client, CredentialOrigin, certified_key, read_pem, signing_key, validity_problem,
};
use super::origin::{Origins, apply_env};
use super::profile::Profile;
use super::toml_error;
use super::url::check_https;
use crate::errors::InputError;
use crate::net::{Network, ProxySettings, ProxySource};
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
    /// Largest response body read, in KiB (default 256); a larger one makes the step an Error.
    pub max_body_kib: Option<u64>,
    /// `auto` (default), `always` or `never`: whether the discovery document and the JWKS are
    /// fetched with the `[client]` transport certificate.
    pub discovery_client_cert: Option<String>,
    /// An HTTP proxy (`http://[user:password@]host:port`) for every connection, over the
    /// environment's `HTTPS_PROXY`/`ALL_PROXY`.
    pub proxy: Option<String>,
    /// Scenarios run at the same time (`--jobs` overrides).
    pub jobs: Option<u64>,
    /// Most requests per second to the target (`--rate` overrides).
    pub rate: Option<u64>,
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
    /// Largest response body read, in KiB.
    pub max_body_kib: u64,
    /// Whether discovery and JWKS are fetched with the `[client]` transport certificate.
    pub discovery_client_cert: DocumentCert,
    /// How connections reach the target: directly or through a proxy.
    pub network: Network,
    /// The file's `jobs`, when given.
    pub jobs: Option<usize>,
    /// The file's `rate` (requests per second), when given.
    pub rate: Option<u32>,
}

/// `discovery_client_cert`: the platform documents discovery and JWKS as TLS only, so `auto`
/// fetches them without a certificate and again with `[client]`'s when the server asks for one
/// (a `certificate_required` or `handshake_failure` alert, or a 401/403). `always` and `never`
/// force either behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DocumentCert {
    #[default]
    Auto,
    Always,
    Never,
}

impl DocumentCert {
    pub fn parse(s: &str) -> Option<DocumentCert> {
        match s {
            "auto" => Some(DocumentCert::Auto),
            "always" => Some(DocumentCert::Always),
            "never" => Some(DocumentCert::Never),
            _ => None,
        }
    }
}

/// Largest response body read when the target file does not say (`max_body_kib`).
pub const DEFAULT_MAX_BODY_KIB: u64 = 256;

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

/// What a caller may relax when loading a target file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoadOptions {
    /// `--profile`, over the file's `profile`.
    pub profile: Option<Profile>,
    /// `--allow-invalid-client-cert`: send an expired or not-yet-valid transport certificate as
    /// it is (for someone testing exactly that); otherwise it is an input error.
    pub allow_invalid_client_cert: bool,
}

/// Reads, overrides (`OFPC_*`), parses and checks a target file. Nothing is sent.
pub fn load_target(path: &Path, profile_override: Option<Profile>) -> Result<Target, InputError> {
    load_target_with(
        path,
        LoadOptions {
            profile: profile_override,
            ..LoadOptions::default()
        },
    )
}

/// [`load_target`] with every option.
pub fn load_target_with(path: &Path, options: LoadOptions) -> Result<Target, InputError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        InputError::new(format!("cannot read the target file: {e}"))
            .in_file(path)
            .hint("pass an existing file with --target, or leave --target out to test the built-in mock")
    })?;
    let mut env: Vec<(String, String)> = std::env::vars()
        .filter(|(k, _)| k.starts_with("OFPC_"))
        .collect();
    env.sort();
    parse_target(&text, path, &env, options)
}

pub fn parse_target<'a>(
    text: &'a str,
    path: &Path,
    env: &'a [(String, String)],
    options: LoadOptions,
) -> Result<Target, InputError> {
    let mut root =
        DeTable::parse(text).map_err(|e| toml_error::from_toml(&e, text, path, "target file"))?;
    let overrides = apply_env(root.get_mut(), env, text.len())?;
    let origins = Origins::new(path, text, root.get_ref(), &overrides);
    let file =
        TargetFile::deserialize(toml::de::Deserializer::from(root.clone())).map_err(|e| {
            let by_variable = e
                .span()
                .and_then(|span| overrides.iter().find(|o| o.span.start == span.start));
            match by_variable {
                Some(o) => InputError::new(format!("`{}`: {}", o.key, e.message().trim()))
                    .in_variable(&o.variable),
                None => toml_error::from_toml_in(&e, text, root.get_ref(), path, "target file"),
            }
        })?;
    resolve(file, &origins, options)
}

fn resolve(file: TargetFile, at: &Origins, options: LoadOptions) -> Result<Target, InputError> {
    let path = at.file();
    let base = path.parent().unwrap_or(Path::new("."));
    let profile = match (options.profile, &file.profile) {
        (Some(p), _) => p,
        (None, Some(name)) => Profile::parse(name).ok_or_else(|| {
            at.error("profile", format!("unknown profile `{name}`"))
                .hint(format!("valid profiles: {}", Profile::names().join(", ")))
        })?,
        (None, None) => Profile::Ofm,
    };
    let endpoints = match (&file.discovery, &file.issuer, &file.token_endpoint) {
        (Some(url), None, None) => Endpoints::Discovery(check_url(url, "discovery", at)?),
        (None, Some(issuer), Some(token)) => Endpoints::Static {
            issuer: check_url(issuer, "issuer", at)?,
            token_endpoint: check_url(token, "token_endpoint", at)?,
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
        check_url(resource, "resource", at)?;
    }
    let connect_timeout = seconds(file.connect_timeout_secs, 5, "connect_timeout_secs", at)?;
    let timeout = seconds(file.timeout_secs, 15, "timeout_secs", at)?;
    let discovery_client_cert = match file.discovery_client_cert.as_deref() {
        None => DocumentCert::Auto,
        Some(value) => DocumentCert::parse(value).ok_or_else(|| {
            at.error(
                "discovery_client_cert",
                format!("`discovery_client_cert` = `{value}` is not `auto`, `always` or `never`"),
            )
            .hint("leave it out for `auto`: fetched without a certificate, and with [client]'s when the server asks for one")
        })?,
    };
    let max_body_kib = match file.max_body_kib {
        None => DEFAULT_MAX_BODY_KIB,
        Some(0) => {
            return Err(at
                .error("max_body_kib", "`max_body_kib` is 0; no answer would fit")
                .hint(format!(
                    "leave `max_body_kib` out for the default of {DEFAULT_MAX_BODY_KIB} KiB, or write a number of KiB above 0"
                )));
        }
        Some(n) => n,
    };
    let jobs = at_least_one(file.jobs, "jobs", at)?.map(|n| n as usize);
    let rate = at_least_one(file.rate, "rate", at)?.map(|n| n.min(u64::from(u32::MAX)) as u32);
    let network = network(file.proxy.as_deref(), at, |n| std::env::var(n).ok())?;
    let extra_roots = match &file.ca {
        Some(ca) => {
            let ca_path = base.join(ca);
            let pem = read_pem(&ca_path, "ca", path).map_err(|e| at.place(e, "ca"))?;
            let roots: Vec<CertificateDer<'static>> =
                CertificateDer::pem_slice_iter(pem.as_bytes())
                    .collect::<Result<_, _>>()
                    .map_err(|e| {
                        at.error(
                            "ca",
                            format!("`ca` = {} is not PEM: {e}", ca_path.display()),
                        )
                    })?;
            if roots.is_empty() {
                return Err(at.error(
                    "ca",
                    format!("`ca` = {} holds no CERTIFICATE block", ca_path.display()),
                ));
            }
            roots
        }
        None => Vec::new(),
    };
    let client = load_client(&file.client, "client", base, at, options)?;
    let second_client = file
        .second_client
        .as_ref()
        .map(|c| load_client(c, "second_client", base, at, options))
        .transpose()?;
    let mtls_client = file
        .mtls_client
        .as_ref()
        .map(|c| load_client(c, "mtls_client", base, at, options))
        .transpose()?;
    if let Some(m) = &mtls_client
        && m.auth != AuthMethod::TlsClientAuth
    {
        return Err(at
            .error(
                "mtls_client.auth",
                "`mtls_client.auth` must be `tls_client_auth`",
            )
            .hint(
                "[mtls_client] is the tls_client_auth client used when [client] is private_key_jwt",
            ));
    }
    let client_ca = match &file.client_ca {
        Some(ca) => Some(ClientCa {
            cert_pem: read_pem(&base.join(&ca.cert), "client_ca.cert", path)
                .map_err(|e| at.place(e, "client_ca.cert"))?,
            key_pem: Secret::new(
                read_pem(&base.join(&ca.key), "client_ca.key", path)
                    .map_err(|e| at.place(e, "client_ca.key"))?,
            ),
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
        connect_timeout,
        timeout,
        max_body_kib,
        discovery_client_cert,
        network,
        jobs,
        rate,
    })
}

/// The network of a target file: its `proxy` key, else the environment's proxy variables
/// (`env` looks one up). A value that cannot be used is an input error naming its place.
fn network(
    key: Option<&str>,
    at: &Origins,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Network, InputError> {
    let hint =
        "write the proxy as http://host:port (credentials as http://user:password@host:port)";
    match ProxySettings::resolve(key, env) {
        Ok(Some(proxy)) => Ok(Network::with_proxy(proxy)),
        Ok(None) => Ok(Network::direct()),
        Err(e) => Err(match &e.origin {
            ProxySource::TargetKey => at.error("proxy", e.to_string()).hint(hint),
            ProxySource::Env(name) => InputError::new(e.to_string())
                .in_variable(name)
                .hint(hint)
                .hint(format!("or unset {name} to connect directly")),
        }),
    }
}

/// An optional count that must be at least 1.
fn at_least_one(value: Option<u64>, key: &str, at: &Origins) -> Result<Option<u64>, InputError> {
    match value {
        Some(0) => Err(at
            .error(key, format!("`{key}` is 0; it must be at least 1"))
            .hint(format!("leave `{key}` out for the default"))),
        v => Ok(v),
    }
}

/// A timeout in whole seconds: given and above zero, or the default.
fn seconds(
    value: Option<u64>,
    default: u64,
    key: &str,
    at: &Origins,
) -> Result<Duration, InputError> {
    match value {
        None => Ok(Duration::from_secs(default)),
        Some(0) => Err(at
            .error(key, format!("`{key}` is 0; a timeout must be at least 1 second"))
            .hint(format!("leave `{key}` out for the default of {default} s, or write a number of seconds above 0"))),
        Some(n) => Ok(Duration::from_secs(n)),
    }
}

/// Checks one URL of the target file strictly (see [`super::url`]).
fn check_url(url: &str, key: &str, at: &Origins) -> Result<String, InputError> {
    match check_https(url) {
        Ok(_) => Ok(url.to_string()),
        Err(e) => Err(at
            .error(key, format!("`{key}` = `{url}` {e}"))
            .hint(e.hint())),
    }
}

fn load_client(
    c: &ClientFile,
    section: &str,
    base: &Path,
    at: &Origins,
    options: LoadOptions,
) -> Result<Client, InputError> {
    let path = at.file();
    let key = |k: &str| format!("{section}.{k}");
    if c.client_id.trim().is_empty() {
        return Err(at
            .error(&key("client_id"), format!("`{section}.client_id` is empty"))
            .hint("write the client_id the server registered for this client"));
    }
    let auth = AuthMethod::parse(&c.auth).ok_or_else(|| {
        at.error(
            &key("auth"),
            format!("unknown `{section}.auth` = `{}`", c.auth),
        )
        .hint("valid choices: private_key_jwt, tls_client_auth")
    })?;
    let audience = match c.audience.as_deref().unwrap_or("issuer") {
        "issuer" => Audience::Issuer,
        "token_endpoint" => Audience::TokenEndpoint,
        url => match check_https(url) {
            Ok(_) => Audience::Url(url.to_string()),
            Err(e) => {
                return Err(at
                    .error(
                        &key("audience"),
                        format!("`{section}.audience` = `{url}` is neither `issuer`, `token_endpoint` nor a valid https URL: it {e}"),
                    )
                    .hint("write audience = \"issuer\" (the default), \"token_endpoint\", or the https URL to put in `aud`"));
            }
        },
    };
    let cert_path = base.join(&c.transport_cert);
    let key_path = base.join(&c.transport_key);
    let cert_pem = read_pem(&cert_path, &key("transport_cert"), path)
        .map_err(|e| at.place(e, &key("transport_cert")))?;
    let key_pem = Secret::new(
        read_pem(&key_path, &key("transport_key"), path)
            .map_err(|e| at.place(e, &key("transport_key")))?,
    );
    let origin = CredentialOrigin {
        target_file: path.to_path_buf(),
        cert_key: key("transport_cert"),
        key_key: key("transport_key"),
    };
    let identity = certified_key(&cert_pem, &key_pem, &origin).map_err(|e| {
        let which = if e.message.starts_with(&format!("`{}`", origin.cert_key)) {
            &origin.cert_key
        } else {
            &origin.key_key
        };
        at.place(e, which)
    })?;
    if !options.allow_invalid_client_cert
        && let Some(leaf) = identity.cert.first()
        && let Some(problem) = validity_problem(
            leaf.as_ref(),
            time::OffsetDateTime::now_utc().unix_timestamp(),
        )
    {
        return Err(at
            .error(
                &key("transport_cert"),
                format!("`{section}.transport_cert` {problem}"),
            )
            .hint("renew the certificate, or pass --allow-invalid-client-cert to send it as it is (to test exactly that)"));
    }
    let signing = match (auth, &c.signing_key, &c.signing_kid) {
        (AuthMethod::PrivateKeyJwt, Some(_), Some(kid)) if kid.trim().is_empty() => {
            return Err(at
                .error(
                    &key("signing_kid"),
                    format!("`{section}.signing_kid` is empty"),
                )
                .hint("write the `kid` of the signing key in your registered JWKS"));
        }
        (AuthMethod::PrivateKeyJwt, Some(signing), Some(kid)) => {
            let key_path = base.join(signing);
            let pem = Secret::new(
                read_pem(&key_path, &key("signing_key"), path)
                    .map_err(|e| at.place(e, &key("signing_key")))?,
            );
            Some(
                signing_key(pem, kid.clone(), &key("signing_key"), path)
                    .map_err(|e| at.place(e, &key("signing_key")))?,
            )
        }
        (AuthMethod::PrivateKeyJwt, None, _) => {
            return Err(at
                .error(
                    &key("auth"),
                    format!("`{section}` uses private_key_jwt but has no `signing_key`"),
                )
                .hint(
                    "add signing_key = \"path/to/signing.key\" (the key registered in your JWKS)",
                ));
        }
        (AuthMethod::PrivateKeyJwt, Some(_), None) => {
            return Err(at
                .error(
                    &key("signing_key"),
                    format!("`{section}` uses private_key_jwt but has no `signing_kid`"),
                )
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
        audience,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_names_file_line_and_nearest_key() {
        let text = "discovery = \"https://as.example/.well-known/openid-configuration\"\n[client]\nclient_id = \"x\"\nauth = \"tls_client_auth\"\ntransport_cert = \"a.pem\"\ntransport_key = \"a.key\"\nscpoe = \"accounts\"\n";
        let err = parse_target(text, Path::new("t.toml"), &[], LoadOptions::default()).unwrap_err();
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
        let err = parse_target(
            text,
            Path::new("/nonexistent/t.toml"),
            &[],
            LoadOptions::default(),
        )
        .unwrap_err();
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
    fn a_wrong_type_names_the_key_and_an_override_names_its_variable() {
        let text = "discovery = \"https://as.example/.well-known/openid-configuration\"\ntimeout_secs = \"three\"\n[client]\nclient_id = \"x\"\nauth = \"tls_client_auth\"\ntransport_cert = \"a.pem\"\ntransport_key = \"a.key\"\n";
        let err = parse_target(text, Path::new("t.toml"), &[], LoadOptions::default()).unwrap_err();
        assert_eq!(
            err.render().lines().next(),
            Some(
                "error: t.toml:2:16: `timeout_secs` must be a whole number (without quotes), found string \"three\""
            )
        );
        let fixed = text.replace("\"three\"", "3");
        let env = vec![
            (
                "OFPC_TOKEN_ENDPOINT".to_string(),
                "https://127.0.0.1:99999/token".to_string(),
            ),
            ("OFPC_ISSUER".to_string(), "https://127.0.0.1".to_string()),
        ];
        let err = parse_target(
            &fixed.replace(
                "discovery = \"https://as.example/.well-known/openid-configuration\"\n",
                "",
            ),
            Path::new("t.toml"),
            &env,
            LoadOptions::default(),
        )
        .unwrap_err();
        assert_eq!(
            err.render(),
            "error: OFPC_TOKEN_ENDPOINT: `token_endpoint` = `https://127.0.0.1:99999/token` has port `99999`, which is not a number from 1 to 65535\n  hint: leave the port out for 443, or write a number from 1 to 65535"
        );
    }

    #[test]
    fn a_section_without_auth_is_named() {
        let text = "discovery = \"https://as.example/.well-known/openid-configuration\"\n[client]\nclient_id = \"x\"\ntransport_cert = \"a.pem\"\ntransport_key = \"a.key\"\n";
        let err = parse_target(text, Path::new("t.toml"), &[], LoadOptions::default()).unwrap_err();
        assert_eq!(
            err.render().lines().next(),
            Some("error: t.toml:2:1: `[client]` has no `auth`")
        );
    }

    #[test]
    fn empty_client_id_zero_timeout_and_bad_urls_are_refused_at_their_line() {
        let good = "discovery = \"https://as.example/.well-known/openid-configuration\"\n[client]\nclient_id = \"x\"\nauth = \"tls_client_auth\"\ntransport_cert = \"a.pem\"\ntransport_key = \"a.key\"\n";
        let cases = [
            (
                good.replace("client_id = \"x\"", "client_id = \"\""),
                "error: t.toml:3:1: `client.client_id` is empty",
            ),
            (
                format!("timeout_secs = 0\n{good}"),
                "error: t.toml:1:1: `timeout_secs` is 0; a timeout must be at least 1 second",
            ),
            (
                format!("max_body_kib = 0\n{good}"),
                "error: t.toml:1:1: `max_body_kib` is 0; no answer would fit",
            ),
            (
                format!("discovery_client_cert = \"sometimes\"\n{good}"),
                "error: t.toml:1:1: `discovery_client_cert` = `sometimes` is not `auto`, `always` or `never`",
            ),
            (
                good.replace("https://as.example/", "https:///"),
                "error: t.toml:1:1: `discovery` = `https:///.well-known/openid-configuration` has no host",
            ),
            (
                good.replace("auth = ", "audience = \"not a url\"\nauth = "),
                "error: t.toml:4:1: `client.audience` = `not a url` is neither `issuer`, `token_endpoint` nor a valid https URL: it contains whitespace or control characters",
            ),
        ];
        for (text, first) in cases {
            let err =
                parse_target(&text, Path::new("t.toml"), &[], LoadOptions::default()).unwrap_err();
            assert_eq!(err.render().lines().next(), Some(first), "{text}");
        }
    }
}
