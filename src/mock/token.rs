//! The token endpoint: client credentials with `private_key_jwt` or `tls_client_auth`, checked
//! by an ordered pipeline; every refusal goes through the one table in `violation`.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use jsonwebtoken::{Algorithm, Header};

use super::client_cert::CertProblem;
use super::form::{Params, RawForm};
use super::state::{
    ClientAuth, IssuedToken, MockState, RegisteredClient, SUPPORTED_SCOPES, now_unix,
};
use super::violation::{Outcome, Violation};
use super::{Fault, TokenFormat, assertion};
use crate::model::ErrorCode;
use crate::pki::subject_dn_rfc4514;
use crate::pki::x5t_s256;

/// Largest accepted request body.
const MAX_BODY: usize = 64 * 1024;

/// What the transport tells the endpoint besides the HTTP request.
#[derive(Debug, Clone, Copy)]
pub struct TokenRequest<'a> {
    pub method: &'a Method,
    pub headers: &'a HeaderMap,
    pub query: Option<&'a str>,
    pub body: &'a [u8],
    /// DER of the client's leaf certificate, if it presented one.
    pub peer_cert: Option<&'a [u8]>,
    /// The request reached the metadata's `token_endpoint` while an mTLS alias is advertised
    /// (only `plain-endpoint-unbound-token` treats it differently).
    pub plain_endpoint: bool,
}

/// A successful grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub access_token: String,
    pub scope: String,
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| {
            m.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

fn read_params(state: &MockState, req: &TokenRequest<'_>) -> Result<Params, Violation> {
    let (source, from_body) = if req.method == Method::POST {
        (req.body, true)
    } else if !state.fault(Fault::AcceptAnyMethod) {
        return Err(Violation::MethodNotAllowed);
    } else if req.method == Method::GET {
        (req.query.unwrap_or("").as_bytes(), false)
    } else {
        (req.body, true)
    };
    if from_body && !state.fault(Fault::SkipContentTypeCheck) && !is_form(req.headers) {
        return Err(Violation::ContentType);
    }
    let merged;
    let source = match req.query {
        Some(q) if from_body && state.fault(Fault::ReadQueryParams) => {
            merged = [source, b"&", q.as_bytes()].concat();
            merged.as_slice()
        }
        _ => source,
    };
    let form = RawForm::parse(source).map_err(|_| Violation::MalformedBody)?;
    if !state.fault(Fault::AllowRepeatedParams)
        && let Some(name) = form.repeated()
    {
        return Err(Violation::RepeatedParameter(name.to_owned()));
    }
    Ok(form.into_params())
}

fn check_grant_type(state: &MockState, params: &Params) -> Result<(), Violation> {
    match params.get("grant_type") {
        Some("client_credentials") => Ok(()),
        None if state.fault(Fault::DefaultGrantType) => Ok(()),
        None => Err(Violation::MissingGrantType),
        Some("password") if state.fault(Fault::AcceptPasswordGrant) => Ok(()),
        Some("password") => Err(Violation::PasswordGrant),
        Some(_) if state.fault(Fault::AcceptAnyGrantType) => Ok(()),
        Some(_) => Err(Violation::UnsupportedGrantType),
    }
}

fn authenticate_mtls<'s>(
    state: &'s MockState,
    params: &Params,
    peer_cert: Option<&[u8]>,
) -> Result<&'s RegisteredClient, Violation> {
    let named = match params.get("client_id") {
        None => Err(Violation::MissingClientId),
        Some(id) => state.client(id).ok_or(Violation::UnknownClient),
    };
    let client = match named {
        Err(_) if state.fault(Fault::IdentifyClientByCert) => peer_cert
            .and_then(subject_dn_rfc4514)
            .and_then(|dn| {
                state.clients.iter().find(
                    |c| matches!(&c.auth, ClientAuth::TlsClientAuth { subject_dn } if *subject_dn == dn),
                )
            })
            .ok_or(named.err().unwrap_or(Violation::UnknownClient))?,
        other => other?,
    };
    let ClientAuth::TlsClientAuth { subject_dn } = &client.auth else {
        // A private_key_jwt client that sent no assertion.
        if state.fault(Fault::SkipAuthMethodCheck) && peer_cert.is_some() {
            return Ok(client);
        }
        return Err(Violation::MissingAssertion);
    };
    if state.fault(Fault::RejectTlsClientAuth) {
        return Err(Violation::TlsClientAuthRejected);
    }
    match peer_cert {
        None if state.fault(Fault::AcceptMtlsWithoutCert) => Ok(client),
        None => Err(Violation::NoClientCertificate),
        Some(_) if state.fault(Fault::SkipMtlsSubjectMatch) => Ok(client),
        Some(der) => match subject_dn_rfc4514(der) {
            Some(dn) if dn == *subject_dn => Ok(client),
            _ => Err(Violation::SubjectMismatch),
        },
    }
}

/// A presented client certificate must have verified at the handshake (RFC 8705 §2.1: the
/// chain is validated against the trusted CAs), whatever the auth method.
fn check_client_cert(state: &MockState, peer_cert: Option<&[u8]>) -> Result<(), Violation> {
    let Some(der) = peer_cert else {
        return Ok(());
    };
    let verdict = state
        .cert_verdicts
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(&x5t_s256(der))
        .cloned();
    match verdict {
        // Not seen by the verifier (in-process tests): judged by the subject match alone.
        None | Some(Ok(())) => Ok(()),
        Some(Err(CertProblem::Untrusted(_))) if state.fault(Fault::SkipClientCaCheck) => Ok(()),
        Some(Err(CertProblem::Untrusted(_))) => Err(Violation::UntrustedClientCertificate),
        Some(Err(CertProblem::OutsideValidity(_)))
            if state.fault(Fault::SkipClientCertValidity) =>
        {
            Ok(())
        }
        Some(Err(CertProblem::OutsideValidity(_))) => {
            Err(Violation::ClientCertificateOutsideValidity)
        }
    }
}

/// The client named in `Authorization: Basic` (only `accept-client-secret` uses it).
fn basic_client<'s>(state: &'s MockState, value: &HeaderValue) -> Option<&'s RegisteredClient> {
    let (scheme, b64) = value.to_str().ok()?.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, _) = text.split_once(':')?;
    state.client(id)
}

/// Parameters of a client credentials token request the mock knows.
const KNOWN_PARAMS: &[&str] = &[
    "grant_type",
    "client_id",
    "scope",
    "client_assertion",
    "client_assertion_type",
    "client_secret",
    "resource",
];

fn check_params(state: &MockState, params: &Params) -> Result<(), Violation> {
    if state.fault(Fault::RejectUnknownParams)
        && let Some(name) = params.names().find(|n| !KNOWN_PARAMS.contains(n))
    {
        return Err(Violation::UnknownParameter(name.to_owned()));
    }
    // RFC 8707 §2: the only resource this server issues tokens for.
    if let Some(resource) = params.get("resource")
        && resource != format!("{}/v1/providers", state.issuer)
        && !state.fault(Fault::IgnoreResourceParam)
    {
        return Err(Violation::InvalidTarget);
    }
    Ok(())
}

fn authenticate<'s>(
    state: &'s MockState,
    req: &TokenRequest<'_>,
    params: &Params,
    now: i64,
) -> Result<&'s RegisteredClient, Violation> {
    if let Some(value) = req.headers.get(header::AUTHORIZATION)
        && !state.fault(Fault::IgnoreAuthorizationHeader)
    {
        if state.fault(Fault::AcceptClientSecret)
            && let Some(client) = basic_client(state, value)
        {
            return Ok(client);
        }
        return Err(Violation::AuthorizationHeader);
    }
    check_client_cert(state, req.peer_cert)?;
    if params.get("client_secret").is_some() {
        if state.fault(Fault::AcceptClientSecret)
            && let Some(client) = params.get("client_id").and_then(|id| state.client(id))
        {
            return Ok(client);
        }
        return Err(Violation::ClientSecret);
    }
    if let Some(assertion) = params.get("client_assertion") {
        state.remember_secret(assertion);
    }
    let jwt =
        params.get("client_assertion").is_some() || params.get("client_assertion_type").is_some();
    if jwt {
        assertion::authenticate(state, params, now)
    } else {
        authenticate_mtls(state, params, req.peer_cert)
    }
}

fn granted_scope(
    state: &MockState,
    client: &RegisteredClient,
    params: &Params,
) -> Result<String, Violation> {
    let Some(requested) = params.get("scope") else {
        return Ok(client.scopes.iter().cloned().collect::<Vec<_>>().join(" "));
    };
    let wanted: BTreeSet<&str> = requested.split(' ').collect();
    if state.fault(Fault::SkipScopeCheck) {
        return Ok(requested.to_owned());
    }
    let ok = wanted
        .iter()
        .all(|s| SUPPORTED_SCOPES.contains(s) && client.scopes.contains(*s));
    if ok {
        Ok(wanted.into_iter().collect::<Vec<_>>().join(" "))
    } else {
        Err(Violation::InvalidScope)
    }
}

fn random_token() -> Result<String, Violation> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|_| Violation::TokenIssuance)?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

fn jwt_token(
    state: &MockState,
    client: &RegisteredClient,
    scope: &str,
    x5t: Option<&str>,
    now: i64,
) -> Option<String> {
    let mut header = Header::new(Algorithm::ES256);
    header.typ = Some("at+jwt".to_owned());
    header.kid = Some(state.as_kid.clone());
    let mut claims = serde_json::json!({
        "iss": state.advertised_issuer(),
        "sub": client.client_id,
        "client_id": client.client_id,
        "aud": format!("{}/v1/providers", state.issuer),
        "iat": now,
        "exp": now + state.token_ttl(),
        "jti": uuid::Uuid::new_v4().to_string(),
        "scope": scope,
    });
    if let (Some(t), Some(map)) = (x5t, claims.as_object_mut()) {
        map.insert("cnf".to_owned(), serde_json::json!({ "x5t#S256": t }));
    }
    jsonwebtoken::encode(&header, &claims, &state.as_key).ok()
}

/// Runs the whole pipeline.
pub fn process(state: &MockState, req: &TokenRequest<'_>) -> Result<Grant, Violation> {
    let now = now_unix();
    let params = read_params(state, req)?;
    check_grant_type(state, &params)?;
    check_params(state, &params)?;
    let client = authenticate(state, req, &params, now)?;
    let x5t = req.peer_cert.map(x5t_s256);
    // Holder of key: a private_key_jwt client must present a certificate to bind the token to.
    // (A tls_client_auth client has one unless `accept-mtls-without-cert` let it in without.)
    let pkjwt = matches!(client.auth, ClientAuth::PrivateKeyJwt { .. });
    if pkjwt && x5t.is_none() && !state.fault(Fault::IssueUnboundToken) {
        return Err(Violation::UnboundToken);
    }
    let x5t = if req.plain_endpoint && state.fault(Fault::PlainEndpointUnboundToken) {
        None
    } else {
        x5t
    };
    let scope = granted_scope(state, client, &params)?;
    if state.fault(Fault::ReuseAccessToken)
        && let Some(token) = state.live_token_of(&client.client_id, x5t.as_deref(), now)
    {
        return Ok(Grant {
            access_token: token,
            scope,
        });
    }
    let access_token = if state.fault(Fault::WrongCnf) {
        let other = x5t_s256(b"not the presented certificate");
        jwt_token(state, client, &scope, Some(&other), now).ok_or(Violation::TokenIssuance)?
    } else if state.fault(Fault::ShortAccessToken) {
        // 8 base64url characters: 48 bits at most.
        random_token()?.chars().take(8).collect()
    } else {
        match state.options.token_format {
            TokenFormat::Opaque => random_token()?,
            TokenFormat::Jwt => jwt_token(state, client, &scope, x5t.as_deref(), now)
                .ok_or(Violation::TokenIssuance)?,
        }
    };
    state.remember(
        access_token.clone(),
        IssuedToken {
            client_id: client.client_id.clone(),
            x5t,
            expires_at: now + state.token_ttl(),
        },
        now,
    );
    Ok(Grant {
        access_token,
        scope,
    })
}

fn no_store(headers: &mut HeaderMap, state: &MockState) {
    if !state.fault(Fault::OmitCacheControl) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if !state.fault(Fault::OmitPragma) {
        headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    }
}

/// Renders a violation as the JSON error response.
pub fn error_response(state: &MockState, violation: &Violation) -> Response {
    let outcome = Outcome::from(violation);
    let mut status = outcome.status;
    let mut body = serde_json::json!({
        "error": outcome.code.as_str(),
        "error_description": outcome.description,
    });
    if let Some(map) = body.as_object_mut() {
        if state.fault(Fault::ErrorBadDescriptionChars) {
            map.insert(
                "error_description".to_owned(),
                format!("\"{}\" \\ rejected", outcome.description).into(),
            );
        }
        if state.fault(Fault::ErrorBadUri) {
            map.insert("error_uri".to_owned(), "see the docs".into());
        }
        if state.fault(Fault::ErrorWithToken) {
            map.insert("access_token".to_owned(), "ofp-mock-error-token".into());
        }
    }
    let mut response = if state.fault(Fault::ErrorNotJson) {
        let text = format!("error={}", outcome.code.as_str());
        let mut r = (status, text).into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        r
    } else {
        (status, axum::Json(body)).into_response()
    };
    let headers = response.headers_mut();
    // Error responses always carry no-store (the fault only concerns token responses).
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    if *violation == Violation::MethodNotAllowed {
        headers.insert(header::ALLOW, HeaderValue::from_static("POST"));
    }
    if outcome.code == ErrorCode::InvalidClient {
        if state.fault(Fault::WrongErrorStatus) {
            status = StatusCode::FORBIDDEN;
        } else if !state.fault(Fault::OmitWwwAuthenticate) {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"ofp-mock\""),
            );
        }
    }
    *response.status_mut() = status;
    response
}

/// The token response body (RFC 6749 §5.1), with the faults that break it.
fn success_body(state: &MockState, grant: &Grant) -> serde_json::Value {
    let mut body = serde_json::Map::new();
    body.insert("access_token".to_owned(), grant.access_token.clone().into());
    if !state.fault(Fault::OmitTokenType) {
        let token_type = if state.fault(Fault::TokenTypeMac) {
            "MAC"
        } else {
            "Bearer"
        };
        body.insert("token_type".to_owned(), token_type.into());
    }
    if state.fault(Fault::ExpiresInString) {
        body.insert(
            "expires_in".to_owned(),
            state.token_ttl().to_string().into(),
        );
    } else if !state.fault(Fault::OmitExpiresIn) {
        body.insert("expires_in".to_owned(), state.token_ttl().into());
    }
    let scope = if state.fault(Fault::GrantExtraScope) {
        format!("{} profile", grant.scope)
    } else {
        grant.scope.clone()
    };
    body.insert("scope".to_owned(), scope.into());
    if state.fault(Fault::IssueRefreshToken) {
        body.insert("refresh_token".to_owned(), "ofp-mock-refresh".into());
    }
    if state.fault(Fault::IssueIdToken) {
        body.insert("id_token".to_owned(), "eyJhbGciOiJub25lIn0.e30.".into());
    }
    serde_json::Value::Object(body)
}

/// The axum handler of the metadata's `token_endpoint` (any method; the pipeline decides).
pub async fn token_endpoint(State(state): State<Arc<MockState>>, request: Request) -> Response {
    let plain = state.alias_advertised();
    handle(&state, request, plain).await
}

/// The axum handler of the advertised mTLS alias (RFC 8705 §5).
pub async fn mtls_alias_endpoint(
    State(state): State<Arc<MockState>>,
    request: Request,
) -> Response {
    handle(&state, request, false).await
}

async fn handle(state: &MockState, request: Request, plain_endpoint: bool) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_BODY).await else {
        return error_response(state, &Violation::MalformedBody);
    };
    let peer_cert = super::server::peer_leaf(&parts.extensions);
    let req = TokenRequest {
        method: &parts.method,
        headers: &parts.headers,
        query: parts.uri.query(),
        body: &body,
        peer_cert: peer_cert.as_deref(),
        plain_endpoint,
    };
    match process(state, &req) {
        Ok(grant) => {
            let body = success_body(state, &grant);
            let mut response = (StatusCode::OK, axum::Json(body)).into_response();
            no_store(response.headers_mut(), state);
            if state.fault(Fault::SuccessWrongContentType) {
                response.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/plain; charset=utf-8"),
                );
            }
            response
        }
        Err(violation) => error_response(state, &violation),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;

    use super::*;
    use crate::mock::{MockOptions, MockPki};

    fn pki() -> &'static MockPki {
        static PKI: OnceLock<MockPki> = OnceLock::new();
        PKI.get_or_init(|| MockPki::generate().expect("pki"))
    }

    fn state(faults: Vec<Fault>) -> MockState {
        let options = MockOptions {
            faults,
            ..MockOptions::default()
        };
        MockState::new(pki(), options, "https://127.0.0.1:1".into()).expect("state")
    }

    fn der(pem: &str) -> Vec<u8> {
        CertificateDer::from_pem_slice(pem.as_bytes())
            .expect("cert")
            .to_vec()
    }

    fn run(
        state: &MockState,
        method: Method,
        content_type: &str,
        body: &str,
        cert: Option<&[u8]>,
    ) -> Result<Grant, Violation> {
        let mut headers = HeaderMap::new();
        if let Ok(v) = HeaderValue::from_str(content_type) {
            headers.insert(header::CONTENT_TYPE, v);
        }
        process(
            state,
            &TokenRequest {
                method: &method,
                headers: &headers,
                query: None,
                body: body.as_bytes(),
                peer_cert: cert,
                plain_endpoint: false,
            },
        )
    }

    const FORM: &str = "application/x-www-form-urlencoded";

    #[test]
    fn request_checks_come_in_order() {
        let s = state(vec![]);
        let post = |ct: &str, body: &str| run(&s, Method::POST, ct, body, None);
        assert_eq!(
            run(&s, Method::PUT, "text/plain", "", None),
            Err(Violation::MethodNotAllowed)
        );
        assert_eq!(
            post("text/plain", "grant_type=x"),
            Err(Violation::ContentType)
        );
        assert_eq!(post(FORM, "a=%zz"), Err(Violation::MalformedBody));
        assert_eq!(
            post(FORM, "grant_type=x&grant_type=y"),
            Err(Violation::RepeatedParameter("grant_type".into()))
        );
        assert_eq!(post(FORM, "grant_type="), Err(Violation::MissingGrantType));
        assert_eq!(
            post(FORM, "grant_type=password"),
            Err(Violation::PasswordGrant)
        );
        assert_eq!(
            post(FORM, "grant_type=authorization_code"),
            Err(Violation::UnsupportedGrantType)
        );
        assert_eq!(
            post(
                FORM,
                "grant_type=client_credentials&client_id=nobody&resource=https%3A%2F%2Fx.example"
            ),
            Err(Violation::InvalidTarget)
        );
        assert_eq!(
            post(FORM, "grant_type=client_credentials"),
            Err(Violation::MissingClientId)
        );
        assert_eq!(
            post(FORM, "grant_type=client_credentials&client_id=nobody"),
            Err(Violation::UnknownClient)
        );
        assert_eq!(
            post(FORM, "grant_type=client_credentials&client_assertion=foo"),
            Err(Violation::AssertionType)
        );
        assert_eq!(
            post(
                FORM,
                &format!(
                    "grant_type=client_credentials&client_assertion_type={}&client_assertion=foo",
                    assertion::JWT_BEARER
                )
            ),
            Err(Violation::MalformedAssertion)
        );
    }

    #[test]
    fn tls_client_auth_matches_the_registered_subject() {
        let s = state(vec![]);
        let p = pki();
        let form = format!(
            "grant_type=client_credentials&client_id={}",
            p.mtls_client.client_id
        );
        let own = der(&p.mtls_client.transport.cert_pem);
        let other = der(&p.client.transport.cert_pem);
        assert_eq!(
            run(&s, Method::POST, FORM, &form, None),
            Err(Violation::NoClientCertificate)
        );
        assert_eq!(
            run(&s, Method::POST, FORM, &form, Some(&other)),
            Err(Violation::SubjectMismatch)
        );
        let grant = run(&s, Method::POST, FORM, &form, Some(&own)).expect("grant");
        assert_eq!(grant.scope, "accounts");
        let issued = s
            .lookup(&grant.access_token, now_unix())
            .expect("remembered");
        assert_eq!(issued.x5t, Some(x5t_s256(&own)));
        assert_eq!(
            run(
                &s,
                Method::POST,
                FORM,
                &format!("{form}&scope=profile"),
                Some(&own)
            ),
            Err(Violation::InvalidScope)
        );
        assert_eq!(
            run(
                &s,
                Method::POST,
                FORM,
                &format!("{form}&scope=accounts%20"),
                Some(&own)
            ),
            Err(Violation::InvalidScope)
        );
        let pkjwt = format!(
            "grant_type=client_credentials&client_id={}",
            p.client.client_id
        );
        assert_eq!(
            run(&s, Method::POST, FORM, &pkjwt, Some(&other)),
            Err(Violation::MissingAssertion)
        );
    }

    #[test]
    fn invalid_client_is_401_with_basic_challenge_or_403_under_the_fault() {
        let strict = error_response(&state(vec![]), &Violation::UnknownClient);
        assert_eq!(strict.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            strict.headers()[header::WWW_AUTHENTICATE],
            "Basic realm=\"ofp-mock\""
        );
        assert_eq!(strict.headers()[header::CACHE_CONTROL], "no-store");
        let faulty = error_response(
            &state(vec![Fault::WrongErrorStatus]),
            &Violation::UnknownClient,
        );
        assert_eq!(faulty.status(), StatusCode::FORBIDDEN);
        let scope = error_response(&state(vec![]), &Violation::InvalidScope);
        assert_eq!(scope.status(), StatusCode::BAD_REQUEST);
        assert!(!scope.headers().contains_key(header::WWW_AUTHENTICATE));
    }
}
