//! Builds a step into the request it sends, as a pipeline: the valid baseline for the target
//! (URL, headers, the client credentials form with the client's authentication), then each of
//! the step's changes in its own small function (form parameters, where the form goes, resource
//! tokens, raw body and headers). Owns the raw parameters, so it can make requests no client
//! library would. Pure: nothing is sent here.

use std::sync::Arc;

use rustls::sign::CertifiedKey;

use super::discovery::Resolved;
use super::transport::{WireRequest, url_lite::Url};
use crate::config::{Audience, Client, Endpoints, Target};
use crate::jose::assertion::{AssertionContext, build_assertion};
use crate::oauth::{AuthMethod, JWT_BEARER, Secret};
use crate::scenario::{Capability, Endpoint, Identity, Placeholders, Scenario, Step};

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

/// The request being built: changed step by step from the baseline.
struct Draft {
    method: String,
    url: Url,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// Sets header `name` (lowercased), replacing any value it had.
fn set_header(headers: &mut Vec<(String, String)>, name: &str, value: String) {
    let name = name.to_ascii_lowercase();
    headers.retain(|(h, _)| *h != name);
    headers.push((name, value));
}

/// The headers every request starts with.
fn base_headers(accept: &str) -> Vec<(String, String)> {
    vec![
        (
            "user-agent".into(),
            concat!("ofpc/", env!("CARGO_PKG_VERSION")).into(),
        ),
        ("accept".into(), accept.into()),
    ]
}

/// The values `{name}` placeholders stand for in this step.
fn placeholders(
    target: &Target,
    resolved: &Resolved,
    client: &Client,
    main: &Client,
) -> Placeholders {
    let mut p = Placeholders::default();
    p.set("issuer", resolved.issuer.clone());
    p.set("issuer_upper", lookalike::upper_origin(&resolved.issuer));
    p.set("issuer_other_port", lookalike::other_port(&resolved.issuer));
    p.set(
        "basic_credentials",
        lookalike::basic_credentials(&client.client_id),
    );
    p.set("token_endpoint", resolved.token_endpoint.clone());
    p.set("token_url", resolved.token_url());
    p.set(
        "mtls_token_endpoint",
        resolved.mtls_token_endpoint.clone().unwrap_or_default(),
    );
    p.set("client_id", main.client_id.clone());
    let id_of = |c: &Option<Client>| c.as_ref().map_or(String::new(), |c| c.client_id.clone());
    p.set("second_client_id", id_of(&target.second_client));
    p.set("mtls_client_id", id_of(&target.mtls_client));
    p.set("scope", client.scope.clone());
    p.set(
        "ungranted_scope",
        target.ungranted_scope.clone().unwrap_or_default(),
    );
    p
}

/// Who takes part in a step: the client whose credentials go in the request, the TLS role and
/// the registered client behind it, and the scenario's main client.
struct Parties<'t> {
    client: &'t Client,
    tls_role: Identity,
    tls_client: Option<&'t Client>,
    main: &'t Client,
}

fn parties<'t>(
    target: &'t Target,
    scenario: &Scenario,
    step: &Step,
) -> Result<Parties<'t>, String> {
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
    Ok(Parties {
        client,
        tls_role,
        tls_client,
        main,
    })
}

/// What a step is built from.
struct Inputs<'a> {
    target: &'a Target,
    resolved: &'a Resolved,
    step: &'a Step,
    state: &'a ScenarioState,
    /// Seconds since the epoch.
    now: i64,
}

/// The client assertion of a `private_key_jwt` step: built from `assertion`, or resent from an
/// earlier step.
fn client_assertion(
    inputs: &Inputs<'_>,
    parties: &Parties<'_>,
    placeholders: &Placeholders,
) -> Result<Secret, String> {
    let Inputs {
        target,
        resolved,
        step,
        state,
        now,
    } = *inputs;
    if let Some(from) = step.assertion.reuse_from {
        return state
            .assertions
            .get(from - 1)
            .cloned()
            .flatten()
            .ok_or_else(|| format!("step {from} sent no assertion to reuse"));
    }
    let client = parties.client;
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
        placeholders,
        own_key,
        main_key: parties.main.signing.as_ref(),
        second_key: target
            .second_client
            .as_ref()
            .and_then(|c| c.signing.as_ref()),
        now,
    };
    build_assertion(&step.assertion, &ctx).map_err(|e| e.to_string())
}

/// The valid token request's form: the client credentials grant, the client's id and scope.
fn baseline_form(client: &Client) -> Vec<(String, String)> {
    vec![
        ("grant_type".into(), "client_credentials".into()),
        ("client_id".into(), client.client_id.clone()),
        ("scope".into(), client.scope.clone()),
    ]
}

/// `form`: sets (or adds) parameters, placeholders filled.
fn set_form(form: &mut Vec<(String, String)>, step: &Step, placeholders: &Placeholders) {
    for (k, v) in &step.form {
        let value = placeholders.fill(v);
        match form.iter_mut().find(|(name, _)| name == k) {
            Some(entry) => entry.1 = value,
            None => form.push((k.clone(), value)),
        }
    }
}

/// `remove_form` drops parameters; `repeat_form` sends one a second time.
fn remove_and_repeat_form(form: &mut Vec<(String, String)>, step: &Step) {
    form.retain(|(k, _)| !step.remove_form.contains(k));
    for name in &step.repeat_form {
        if let Some(entry) = form.iter().find(|(k, _)| k == name).cloned() {
            form.push(entry);
        }
    }
}

/// Where the form goes: `move_to_query` parameters into the URL's query, the rest in the body
/// (or, with `form_in_query`, all in the query and no body).
fn place_form(draft: &mut Draft, form: Vec<(String, String)>, step: &Step) {
    let (to_query, form): (Vec<_>, Vec<_>) = form
        .into_iter()
        .partition(|(k, _)| step.move_to_query.contains(k));
    if !to_query.is_empty() {
        draft.url = draft.url.with_query(&encode(&to_query));
    }
    let encoded = encode(&form);
    if step.form_in_query {
        draft.url = draft.url.with_query(&encoded);
    } else {
        draft.headers.push((
            "content-type".into(),
            "application/x-www-form-urlencoded".into(),
        ));
        draft.body = encoded.into_bytes();
    }
}

/// A token request: the baseline form with the client's authentication, then the step's
/// parameter changes. Returns the assertion sent and the `scope` asked for.
fn token_request(
    draft: &mut Draft,
    inputs: &Inputs<'_>,
    parties: &Parties<'_>,
    placeholders: &mut Placeholders,
) -> Result<(Option<Secret>, Option<String>), String> {
    let step = inputs.step;
    let mut form = baseline_form(parties.client);
    let mut assertion = None;
    if parties.client.auth == AuthMethod::PrivateKeyJwt {
        let jwt = client_assertion(inputs, parties, placeholders)?;
        form.push(("client_assertion_type".into(), JWT_BEARER.into()));
        form.push(("client_assertion".into(), jwt.expose().to_string()));
        placeholders.set("client_assertion", jwt.expose());
        assertion = Some(jwt);
    }
    set_form(&mut form, step, placeholders);
    remove_and_repeat_form(&mut form, step);
    let requested_scope = form
        .iter()
        .find(|(k, _)| k == "scope")
        .map(|(_, v)| v.clone());
    place_form(draft, form, step);
    Ok((assertion, requested_scope))
}

/// A resource call: the token of an earlier step as a bearer header (or in the query).
fn resource_request(draft: &mut Draft, step: &Step, state: &ScenarioState) -> Result<(), String> {
    let Some(from) = step.token_from else {
        return Ok(());
    };
    let token = state
        .tokens
        .get(from - 1)
        .cloned()
        .flatten()
        .ok_or_else(|| format!("step {from} obtained no access token"))?;
    if step.token_in_query {
        draft.url = draft.url.with_query(&encode(&[(
            "access_token".into(),
            token.expose().to_string(),
        )]));
    } else {
        let scheme = step.auth_scheme.as_deref().unwrap_or("Bearer");
        draft.headers.push((
            "authorization".into(),
            format!("{scheme} {}", token.expose()),
        ));
    }
    Ok(())
}

/// `body`, `content_type`, `headers` and `remove_headers`: the raw changes, applied last.
fn raw_changes(draft: &mut Draft, step: &Step, placeholders: &Placeholders) {
    if let Some(raw) = &step.body {
        draft.body = placeholders.fill(raw).into_bytes();
    }
    if let Some(ct) = &step.content_type {
        draft.headers.retain(|(k, _)| k != "content-type");
        if !ct.is_empty() {
            draft.headers.push(("content-type".into(), ct.clone()));
        }
    }
    for (k, v) in &step.headers {
        set_header(&mut draft.headers, k, placeholders.fill(v));
    }
    for k in &step.remove_headers {
        let name = k.to_ascii_lowercase();
        draft.headers.retain(|(h, _)| *h != name);
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
    let parties = parties(target, scenario, step)?;
    let mut placeholders = placeholders(target, resolved, parties.client, parties.main);
    let interaction_id = uuid::Uuid::new_v4().to_string();
    let mut headers = base_headers("application/json");
    headers.push(("x-fapi-interaction-id".into(), interaction_id.clone()));
    let (url, default_method) = match step.endpoint {
        Endpoint::TokenEndpoint => (Url::parse(&resolved.token_endpoint)?, "POST"),
        Endpoint::PlainHttp => (
            Url {
                scheme: "http".into(),
                ..Url::parse(resolved.token_url())?
            },
            "POST",
        ),
        Endpoint::Resource => (
            Url::parse(
                resolved
                    .resource
                    .as_deref()
                    .ok_or("the target has no resource URL")?,
            )?,
            "GET",
        ),
        _ => (Url::parse(resolved.token_url())?, "POST"),
    };
    let mut draft = Draft {
        method: step.method.clone().unwrap_or_else(|| default_method.into()),
        url,
        headers,
        body: Vec::new(),
    };
    let (assertion, requested_scope) = if step.endpoint == Endpoint::Resource {
        resource_request(&mut draft, step, state)?;
        (None, None)
    } else {
        let inputs = Inputs {
            target,
            resolved,
            step,
            state,
            now,
        };
        token_request(&mut draft, &inputs, &parties, &mut placeholders)?
    };
    raw_changes(&mut draft, step, &placeholders);
    let interaction_id = draft
        .headers
        .iter()
        .find(|(k, _)| k == "x-fapi-interaction-id")
        .map(|(_, v)| v.clone())
        .or(step.remove_headers.is_empty().then_some(interaction_id));
    let (tls_label, tls_identity, cert_subject, cert_thumbprint) =
        match (parties.tls_role, parties.tls_client) {
            // Generated identities are filled in by the exchange.
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
            method: draft.method,
            url: draft.url,
            headers: draft.headers,
            body: draft.body,
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
    let mut headers = base_headers(accept);
    for (k, v) in &step.headers {
        set_header(&mut headers, k, v.clone());
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use rcgen::DnType;

    use super::*;
    use crate::config::credentials::{CredentialOrigin, certified_key};
    use crate::config::{Endpoints, Profile};
    use crate::pki::generate::{LeafKey, TestCa};
    use crate::scenario::parse_scenario;

    /// A target whose one client uses tls_client_auth (no signing key to make).
    fn target() -> Target {
        let ca = TestCa::generate("test CA").unwrap();
        let now = time::OffsetDateTime::now_utc();
        let cert = ca
            .issue_client_cert_with_key(
                &[(DnType::CommonName, "c")],
                now - time::Duration::days(1),
                now + time::Duration::days(1),
                LeafKey::EcdsaP256,
            )
            .unwrap();
        let origin = CredentialOrigin {
            target_file: "t.toml".into(),
            cert_key: "client.transport_cert".into(),
            key_key: "client.transport_key".into(),
        };
        let identity = certified_key(
            &cert.cert_pem,
            &Secret::new(cert.key.expose().to_owned()),
            &origin,
        )
        .unwrap();
        let client = Client::new(
            "client-1".into(),
            AuthMethod::TlsClientAuth,
            identity,
            None,
            "accounts".into(),
            Audience::Issuer,
        );
        Target {
            name: "t".into(),
            profile: Profile::Ofm,
            endpoints: Endpoints::Discovery(
                "https://as.example/.well-known/openid-configuration".into(),
            ),
            resource: Some("https://rs.example/v1/providers".into()),
            extra_roots: Vec::new(),
            system_roots: false,
            client,
            second_client: None,
            mtls_client: None,
            ungranted_scope: Some("profile".into()),
            client_ca: None,
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(15),
            max_body_kib: crate::config::DEFAULT_MAX_BODY_KIB,
            discovery_client_cert: crate::config::DocumentCert::Auto,
            network: crate::net::Network::direct(),
            jobs: None,
            rate: None,
        }
    }

    fn resolved() -> Resolved {
        Resolved {
            issuer: "https://as.example".into(),
            token_endpoint: "https://as.example/token".into(),
            mtls_token_endpoint: Some("https://mtls.as.example/token".into()),
            resource: Some("https://rs.example/v1/providers".into()),
            documents_with_cert: false,
            metadata: None,
        }
    }

    /// Builds the last step of a scenario whose first `[[step]]` table is `expect = "granted"`
    /// followed by `step`; the state holds a token from step 1.
    fn build_step(step: &str) -> Built {
        let text = format!(
            "id = \"x\"\ntitle = \"t\"\ncategory = \"request\"\nseverity = \"fail\"\n[[step]]\nexpect = \"granted\"\n{step}"
        );
        let scenario = parse_scenario(&text, "scenarios/request/x.toml").unwrap();
        let state = ScenarioState {
            tokens: vec![Some(Secret::new("at-1".to_string()))],
            ..ScenarioState::default()
        };
        build(
            &target(),
            &resolved(),
            &scenario,
            scenario.steps.last().unwrap(),
            &state,
            1_000,
        )
        .unwrap()
    }

    /// Method, URL, headers without the per-request interaction id and user agent, and body.
    fn shape(built: &Built) -> (String, String, Vec<(String, String)>, String) {
        let headers = built
            .wire
            .headers
            .iter()
            .filter(|(k, _)| k != "x-fapi-interaction-id" && k != "user-agent")
            .cloned()
            .collect();
        (
            built.wire.method.clone(),
            built.wire.url.to_string(),
            headers,
            String::from_utf8(built.wire.body.clone()).unwrap(),
        )
    }

    fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_baseline_is_a_client_credentials_post_to_the_alias() {
        let built = build_step("");
        assert_eq!(
            shape(&built),
            (
                "POST".into(),
                "https://mtls.as.example/token".into(),
                h(&[
                    ("accept", "application/json"),
                    ("content-type", "application/x-www-form-urlencoded"),
                ]),
                "grant_type=client_credentials&client_id=client-1&scope=accounts".into()
            )
        );
        assert_eq!(built.tls_label, "client");
        assert_eq!(built.requested_scope.as_deref(), Some("accounts"));
        let sent_id = built
            .wire
            .headers
            .iter()
            .find(|(k, _)| k == "x-fapi-interaction-id")
            .map(|(_, v)| v.clone());
        assert_eq!(built.interaction_id, sent_id);
    }

    #[test]
    fn form_changes_fill_placeholders_and_move_parameters() {
        let built = build_step(
            "form = { scope = \"{ungranted_scope}\", aud = \"{issuer_upper}\" }\nremove_form = [\"client_id\"]\nrepeat_form = [\"grant_type\"]\nmove_to_query = [\"aud\"]\nendpoint = \"token-endpoint\"",
        );
        assert_eq!(
            shape(&built),
            (
                "POST".into(),
                "https://as.example/token?aud=HTTPS%3A%2F%2FAS.EXAMPLE".into(),
                h(&[
                    ("accept", "application/json"),
                    ("content-type", "application/x-www-form-urlencoded"),
                ]),
                "grant_type=client_credentials&scope=profile&grant_type=client_credentials".into()
            )
        );
        assert_eq!(built.requested_scope.as_deref(), Some("profile"));
    }

    #[test]
    fn form_in_query_sends_no_body_and_raw_changes_come_last() {
        let built = build_step(
            "method = \"GET\"\nform_in_query = true\ncontent_type = \"text/plain\"\nheaders = { Authorization = \"Basic {basic_credentials}\" }\nremove_headers = [\"accept\"]",
        );
        assert_eq!(
            shape(&built),
            (
                "GET".into(),
                "https://mtls.as.example/token?grant_type=client_credentials&client_id=client-1&scope=accounts".into(),
                h(&[
                    ("content-type", "text/plain"),
                    (
                        "authorization",
                        "Basic Y2xpZW50LTE6b2ZwYy1ub3QtYS1zZWNyZXQ="
                    ),
                ]),
                String::new()
            )
        );
    }

    #[test]
    fn a_removed_interaction_id_is_not_recorded() {
        let built = build_step(
            "remove_headers = [\"x-fapi-interaction-id\"]\nbody = \"raw {client_id}\"\ncontent_type = \"\"",
        );
        assert_eq!(
            shape(&built),
            (
                "POST".into(),
                "https://mtls.as.example/token".into(),
                h(&[("accept", "application/json")]),
                "raw client-1".into()
            )
        );
        assert_eq!(built.interaction_id, None);
    }

    #[test]
    fn resource_calls_carry_the_earlier_token() {
        let built = build_step(
            "[[step]]\nexpect = \"resource-ok\"\nendpoint = \"resource\"\ntoken_from = 1\nauth_scheme = \"bearer\"",
        );
        assert_eq!(
            shape(&built),
            (
                "GET".into(),
                "https://rs.example/v1/providers".into(),
                h(&[
                    ("accept", "application/json"),
                    ("authorization", "bearer at-1"),
                ]),
                String::new()
            )
        );
        let built = build_step(
            "[[step]]\nexpect = \"resource-ok\"\nendpoint = \"resource\"\ntoken_from = 1\ntoken_in_query = true",
        );
        assert_eq!(
            built.wire.url.to_string(),
            "https://rs.example/v1/providers?access_token=at-1"
        );
    }

    #[test]
    fn plain_http_keeps_host_port_and_path() {
        let built = build_step("endpoint = \"plain-http\"\ntls = \"none\"");
        assert_eq!(
            built.wire.url.to_string(),
            "http://mtls.as.example:443/token"
        );
        assert_eq!(built.tls_label, "none");
        assert!(built.tls_identity.is_none());
    }
}
