//! Builds a step into the request it sends: the valid baseline for the target, changed only
//! where the step says. Owns the raw parameters, so it can make requests no client library would.

use std::sync::Arc;

use rustls::sign::CertifiedKey;

use super::discovery::Resolved;
use super::transport::{WireRequest, url_lite::Url};
use crate::config::{Audience, Client, Endpoints, Target};
use crate::jose::assertion::{AssertionContext, build_assertion, fill};
use crate::oauth::{AuthMethod, JWT_BEARER, Secret};
use crate::scenario::{Capability, Endpoint, Identity, Scenario, Step};

/// What a scenario's earlier steps left behind.
#[derive(Default)]
pub struct ScenarioState {
    /// Access token granted by step i (0-based), if any.
    pub tokens: Vec<Option<Secret>>,
    /// Client assertion sent by step i, if any.
    pub assertions: Vec<Option<Secret>>,
    /// The discovery document the latest discovery step received, if it was a JSON object.
    pub metadata: Option<serde_json::Value>,
}

/// A built step.
pub struct Built {
    pub wire: WireRequest,
    /// Role of the TLS identity presented (`none` = no certificate).
    pub tls_label: &'static str,
    pub tls_identity: Option<Arc<CertifiedKey>>,
    pub cert_subject: Option<String>,
    pub cert_thumbprint: Option<String>,
    pub assertion: Option<Secret>,
    pub interaction_id: Option<String>,
    pub requested_scope: Option<String>,
}

/// The client a role means in this scenario.
pub fn client_for<'t>(
    target: &'t Target,
    scenario: &Scenario,
    identity: Identity,
) -> Option<&'t Client> {
    match identity {
        Identity::Client => {
            if scenario.requires.contains(&Capability::TlsClientAuth) {
                target.client_for(AuthMethod::TlsClientAuth)
            } else if scenario.requires.contains(&Capability::PrivateKeyJwt) {
                target.client_for(AuthMethod::PrivateKeyJwt)
            } else {
                Some(&target.client)
            }
        }
        Identity::SecondClient => target.second_client.as_ref(),
        Identity::MtlsClient => target.client_for(AuthMethod::TlsClientAuth),
        Identity::None => None,
        // Made by the harness (execute::identities), not registered.
        _ => None,
    }
}

fn encode(pairs: &[(String, String)]) -> String {
    let mut ser = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        ser.append_pair(k, v);
    }
    ser.finish()
}

/// Variants of values a step may ask for by placeholder.
mod lookalike {
    use base64::Engine;

    /// The issuer with its scheme and host upper-cased (`HTTPS://AS.EXAMPLE/path`).
    pub fn upper_origin(issuer: &str) -> String {
        let Some((scheme, rest)) = issuer.split_once("://") else {
            return issuer.to_ascii_uppercase();
        };
        let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        format!(
            "{}://{}{path}",
            scheme.to_ascii_uppercase(),
            host.to_ascii_uppercase()
        )
    }

    /// The issuer with an explicit `:443` added, or its explicit port removed.
    pub fn other_port(issuer: &str) -> String {
        let Some((scheme, rest)) = issuer.split_once("://") else {
            return issuer.to_string();
        };
        let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        match host.rsplit_once(':') {
            Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) => {
                format!("{scheme}://{name}{path}")
            }
            _ => format!("{scheme}://{host}:443{path}"),
        }
    }

    /// `client_id:secret` for `Authorization: Basic` (RFC 6749 §2.3.1), with a made-up secret.
    pub fn basic_credentials(client_id: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(format!("{client_id}:ofpc-not-a-secret"))
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn variants() {
            assert_eq!(
                super::upper_origin("https://as.example/p"),
                "HTTPS://AS.EXAMPLE/p"
            );
            assert_eq!(
                super::other_port("https://as.example/p"),
                "https://as.example:443/p"
            );
            assert_eq!(
                super::other_port("https://127.0.0.1:8443"),
                "https://127.0.0.1"
            );
            assert_eq!(
                super::basic_credentials("c"),
                "YzpvZnBjLW5vdC1hLXNlY3JldA=="
            );
        }
    }
}

/// Builds the request of `step`. `Err` says why it cannot run.
pub fn build(
    target: &Target,
    resolved: &Resolved,
    scenario: &Scenario,
    step: &Step,
    state: &ScenarioState,
    now: i64,
) -> Result<Built, String> {
    if step.endpoint.is_document() {
        return build_document(target, resolved, step, state);
    }
    let client = client_for(target, scenario, step.client).ok_or_else(|| {
        format!(
            "the target has no client for the role `{}`",
            step.client.as_str()
        )
    })?;
    let tls_role = step.tls.unwrap_or(step.client);
    let tls_client = client_for(target, scenario, tls_role);
    if tls_role != Identity::None && !tls_role.is_generated() && tls_client.is_none() {
        return Err(format!(
            "the target has no client for the TLS identity `{}`",
            tls_role.as_str()
        ));
    }
    let main = client_for(target, scenario, Identity::Client).unwrap_or(&target.client);
    let mut placeholders: Vec<(&str, String)> = vec![
        ("issuer", resolved.issuer.clone()),
        ("issuer_upper", lookalike::upper_origin(&resolved.issuer)),
        ("issuer_other_port", lookalike::other_port(&resolved.issuer)),
        (
            "basic_credentials",
            lookalike::basic_credentials(&client.client_id),
        ),
        ("token_endpoint", resolved.token_endpoint.clone()),
        ("token_url", resolved.token_url().to_string()),
        (
            "mtls_token_endpoint",
            resolved.mtls_token_endpoint.clone().unwrap_or_default(),
        ),
        ("client_id", main.client_id.clone()),
        (
            "second_client_id",
            target
                .second_client
                .as_ref()
                .map_or(String::new(), |c| c.client_id.clone()),
        ),
        (
            "mtls_client_id",
            target
                .mtls_client
                .as_ref()
                .map_or(String::new(), |c| c.client_id.clone()),
        ),
        ("scope", client.scope.clone()),
        (
            "ungranted_scope",
            target.ungranted_scope.clone().unwrap_or_default(),
        ),
    ];
    let interaction_id = uuid::Uuid::new_v4().to_string();
    let mut headers: Vec<(String, String)> = vec![
        (
            "user-agent".into(),
            concat!("ofpc/", env!("CARGO_PKG_VERSION")).into(),
        ),
        ("accept".into(), "application/json".into()),
        ("x-fapi-interaction-id".into(), interaction_id.clone()),
    ];
    let mut assertion = None;
    let mut requested_scope = None;
    let (method, url, mut body) = match step.endpoint {
        Endpoint::Token | Endpoint::MtlsAlias | Endpoint::TokenEndpoint | Endpoint::PlainHttp => {
            let url = match step.endpoint {
                Endpoint::TokenEndpoint => Url::parse(&resolved.token_endpoint)?,
                Endpoint::PlainHttp => Url {
                    scheme: "http".into(),
                    ..Url::parse(resolved.token_url())?
                },
                _ => Url::parse(resolved.token_url())?,
            };
            let mut form: Vec<(String, String)> = vec![
                ("grant_type".into(), "client_credentials".into()),
                ("client_id".into(), client.client_id.clone()),
                ("scope".into(), client.scope.clone()),
            ];
            if client.auth == AuthMethod::PrivateKeyJwt {
                let jwt = match step.assertion.reuse_from {
                    Some(from) => state
                        .assertions
                        .get(from - 1)
                        .cloned()
                        .flatten()
                        .ok_or_else(|| format!("step {from} sent no assertion to reuse"))?,
                    None => {
                        let own_key = client
                            .signing
                            .as_ref()
                            .ok_or("the client has no signing key")?;
                        let audience = match &client.audience {
                            Audience::Issuer => resolved.issuer.clone(),
                            Audience::TokenEndpoint => resolved.token_endpoint.clone(),
                            Audience::Url(u) => u.clone(),
                        };
                        let ctx = AssertionContext {
                            client_id: &client.client_id,
                            audience: &audience,
                            placeholders: &placeholders,
                            own_key,
                            main_key: main.signing.as_ref(),
                            second_key: target
                                .second_client
                                .as_ref()
                                .and_then(|c| c.signing.as_ref()),
                            now,
                        };
                        build_assertion(&step.assertion, &ctx).map_err(|e| e.to_string())?
                    }
                };
                form.push(("client_assertion_type".into(), JWT_BEARER.into()));
                form.push(("client_assertion".into(), jwt.expose().to_string()));
                placeholders.push(("client_assertion", jwt.expose().to_string()));
                assertion = Some(jwt);
            }
            for (k, v) in &step.form {
                let value = fill(v, &placeholders);
                match form.iter_mut().find(|(name, _)| name == k) {
                    Some(entry) => entry.1 = value,
                    None => form.push((k.clone(), value)),
                }
            }
            form.retain(|(k, _)| !step.remove_form.contains(k));
            for name in &step.repeat_form {
                if let Some(entry) = form.iter().find(|(k, _)| k == name).cloned() {
                    form.push(entry);
                }
            }
            requested_scope = form
                .iter()
                .find(|(k, _)| k == "scope")
                .map(|(_, v)| v.clone());
            let (to_query, form): (Vec<_>, Vec<_>) = form
                .into_iter()
                .partition(|(k, _)| step.move_to_query.contains(k));
            let url = if to_query.is_empty() {
                url
            } else {
                url.with_query(&encode(&to_query))
            };
            let encoded = encode(&form);
            let method = step.method.clone().unwrap_or_else(|| "POST".into());
            if step.form_in_query {
                (method, url.with_query(&encoded), Vec::new())
            } else {
                headers.push((
                    "content-type".into(),
                    "application/x-www-form-urlencoded".into(),
                ));
                (method, url, encoded.into_bytes())
            }
        }
        Endpoint::Discovery | Endpoint::Jwks => {
            return build_document(target, resolved, step, state);
        }
        Endpoint::Resource => {
            let resource = resolved
                .resource
                .as_deref()
                .ok_or("the target has no resource URL")?;
            let mut url = Url::parse(resource)?;
            if let Some(from) = step.token_from {
                let token = state
                    .tokens
                    .get(from - 1)
                    .cloned()
                    .flatten()
                    .ok_or_else(|| format!("step {from} obtained no access token"))?;
                if step.token_in_query {
                    url = url.with_query(&encode(&[(
                        "access_token".into(),
                        token.expose().to_string(),
                    )]));
                } else {
                    let scheme = step.auth_scheme.as_deref().unwrap_or("Bearer");
                    headers.push((
                        "authorization".into(),
                        format!("{scheme} {}", token.expose()),
                    ));
                }
            }
            (
                step.method.clone().unwrap_or_else(|| "GET".into()),
                url,
                Vec::new(),
            )
        }
    };
    if let Some(raw) = &step.body {
        body = fill(raw, &placeholders).into_bytes();
    }
    if let Some(ct) = &step.content_type {
        headers.retain(|(k, _)| k != "content-type");
        if !ct.is_empty() {
            headers.push(("content-type".into(), ct.clone()));
        }
    }
    for (k, v) in &step.headers {
        let name = k.to_ascii_lowercase();
        headers.retain(|(h, _)| *h != name);
        headers.push((name, fill(v, &placeholders)));
    }
    for k in &step.remove_headers {
        let name = k.to_ascii_lowercase();
        headers.retain(|(h, _)| *h != name);
    }
    let interaction_id = headers
        .iter()
        .find(|(k, _)| k == "x-fapi-interaction-id")
        .map(|(_, v)| v.clone())
        .or(if step.remove_headers.is_empty() {
            Some(interaction_id)
        } else {
            None
        });
    let (tls_label, tls_identity, cert_subject, cert_thumbprint) = match (tls_role, tls_client) {
        // Generated identities are filled in by the runner.
        (role, _) if role.is_generated() => (role.as_str(), None, None, None),
        (Identity::None, _) | (_, None) => ("none", None, None, None),
        (role, Some(c)) => (
            role.as_str(),
            Some(c.identity.clone()),
            Some(c.cert_subject.clone()),
            Some(c.cert_x5t_s256.clone()),
        ),
    };
    Ok(Built {
        wire: WireRequest {
            method,
            url,
            headers,
            body,
        },
        tls_label,
        tls_identity,
        cert_subject,
        cert_thumbprint,
        assertion,
        interaction_id,
        requested_scope,
    })
}

/// Builds a `GET` of a public metadata document: the discovery URL, or the `jwks_uri` of the
/// document an earlier step fetched (else the run's). No client certificate, no interaction id.
fn build_document(
    target: &Target,
    resolved: &Resolved,
    step: &Step,
    state: &ScenarioState,
) -> Result<Built, String> {
    let (url, accept) = match step.endpoint {
        Endpoint::Jwks => {
            let metadata = state.metadata.as_ref().or(resolved.metadata.as_ref());
            let uri = metadata
                .and_then(|m| m.get("jwks_uri"))
                .and_then(serde_json::Value::as_str)
                .ok_or("the discovery document names no jwks_uri")?;
            (
                uri.to_string(),
                "application/jwk-set+json, application/json",
            )
        }
        _ => match &target.endpoints {
            Endpoints::Discovery(url) => (url.clone(), "application/json"),
            Endpoints::Static { .. } => {
                return Err("the target gives its endpoints directly (no `discovery` URL)".into());
            }
        },
    };
    let mut headers: Vec<(String, String)> = vec![
        (
            "user-agent".into(),
            concat!("ofpc/", env!("CARGO_PKG_VERSION")).into(),
        ),
        ("accept".into(), accept.into()),
    ];
    for (k, v) in &step.headers {
        let name = k.to_ascii_lowercase();
        headers.retain(|(h, _)| *h != name);
        headers.push((name, v.clone()));
    }
    headers.retain(|(h, _)| {
        !step
            .remove_headers
            .iter()
            .any(|r| r.eq_ignore_ascii_case(h))
    });
    Ok(Built {
        wire: WireRequest {
            method: step.method.clone().unwrap_or_else(|| "GET".into()),
            url: Url::parse(&url)?,
            headers,
            body: Vec::new(),
        },
        tls_label: "none",
        tls_identity: None,
        cert_subject: None,
        cert_thumbprint: None,
        assertion: None,
        interaction_id: None,
        requested_scope: None,
    })
}
