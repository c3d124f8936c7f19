//! End-to-end tests of the built-in mock OFP over real HTTPS on 127.0.0.1.

use std::sync::{Arc, OnceLock};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use ofp_conformance::mock::{Fault, MockClient, MockOptions, MockPki, MockServer};

fn pki() -> Arc<MockPki> {
    static PKI: OnceLock<Arc<MockPki>> = OnceLock::new();
    PKI.get_or_init(|| Arc::new(MockPki::generate().expect("mock pki")))
        .clone()
}

async fn start(opts: MockOptions) -> MockServer {
    MockServer::start_with_pki(pki(), opts)
        .await
        .expect("mock starts")
}

/// An HTTPS client trusting the mock CA, presenting `identity`'s certificate if given.
fn http(server: &MockServer, identity: Option<&MockClient>) -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let ca = reqwest::Certificate::from_pem(server.materials().ca_pem.as_bytes()).expect("ca");
    let mut builder = reqwest::Client::builder().tls_certs_only([ca]);
    if let Some(client) = identity {
        let pem = format!("{}\n{}", client.cert_pem, client.key_pem);
        builder = builder.identity(reqwest::Identity::from_pem(pem.as_bytes()).expect("identity"));
    }
    builder.build().expect("client")
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .expect("clock")
}

fn assertion(server: &MockServer, client: &MockClient) -> String {
    let mut header = Header::new(Algorithm::PS256);
    header.kid = client.signing_kid.clone();
    let claims = serde_json::json!({
        "iss": client.client_id,
        "sub": client.client_id,
        "aud": server.materials().issuer,
        "jti": uuid::Uuid::new_v4().to_string(),
        "iat": now(),
        "nbf": now(),
        "exp": now() + 60,
    });
    let pem = client.signing_key_pem.as_deref().expect("signing key");
    let key = EncodingKey::from_rsa_pem(pem.as_bytes()).expect("key");
    jsonwebtoken::encode(&header, &claims, &key).expect("sign")
}

fn jwt_form(client: &MockClient, assertion: &str) -> String {
    format!(
        "grant_type=client_credentials&scope=accounts&client_id={}\
         &client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer\
         &client_assertion={assertion}",
        client.client_id
    )
}

struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: serde_json::Value,
}

async fn post_token(http: &reqwest::Client, server: &MockServer, form: String) -> Answer {
    let response = http
        .post(&server.materials().token_endpoint)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .expect("token request");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.expect("body");
    let body = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    Answer {
        status,
        headers,
        body,
    }
}

async fn get_resource(http: &reqwest::Client, server: &MockServer, token: &str) -> u16 {
    http.get(&server.materials().resource_url)
        .header("authorization", format!("bEARER {token}"))
        .send()
        .await
        .expect("resource request")
        .status()
        .as_u16()
}

#[tokio::test]
async fn discovery_document_lists_the_fapi_metadata() {
    let server = start(MockOptions {
        mtls_aliases: true,
        ..MockOptions::default()
    })
    .await;
    let m = server.materials().clone();
    let response = http(&server, None)
        .get(&m.discovery_url)
        .header("x-fapi-interaction-id", "abc-123")
        .send()
        .await
        .expect("discovery");
    assert_eq!(response.headers()["x-fapi-interaction-id"], "abc-123");
    let doc = response.json_or_value().await;
    assert_eq!(doc["issuer"], m.issuer);
    assert_eq!(doc["token_endpoint"], m.token_endpoint);
    assert_eq!(doc["jwks_uri"], format!("{}/jwks", m.issuer));
    assert_eq!(
        doc["token_endpoint_auth_methods_supported"],
        serde_json::json!(["private_key_jwt", "tls_client_auth"])
    );
    assert_eq!(doc["tls_client_certificate_bound_access_tokens"], true);
    assert_eq!(
        doc["mtls_endpoint_aliases"]["token_endpoint"],
        format!("{}/mtls/token", m.issuer)
    );
    assert!(m.issuer.starts_with("https://127.0.0.1:"));
    server.shutdown().await;
}

trait JsonOrValue {
    async fn json_or_value(self) -> serde_json::Value;
}

impl JsonOrValue for reqwest::Response {
    async fn json_or_value(self) -> serde_json::Value {
        let bytes = self.bytes().await.expect("body");
        serde_json::from_slice(&bytes).expect("json body")
    }
}

#[tokio::test]
async fn private_key_jwt_happy_path_then_replay_is_refused() {
    let server = start(MockOptions::default()).await;
    let client = server.materials().client.clone();
    let http = http(&server, Some(&client));
    let jwt = assertion(&server, &client);

    let first = post_token(&http, &server, jwt_form(&client, &jwt)).await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.headers["cache-control"], "no-store");
    assert_eq!(first.headers["pragma"], "no-cache");
    assert_eq!(first.body["token_type"], "Bearer");
    assert_eq!(first.body["expires_in"], 600);
    assert_eq!(first.body["scope"], "accounts");
    assert!(first.body.get("refresh_token").is_none());
    assert!(first.headers.contains_key("x-fapi-interaction-id"));

    let replay = post_token(&http, &server, jwt_form(&client, &jwt)).await;
    assert_eq!(replay.status, 401);
    assert_eq!(replay.body["error"], "invalid_client");
    assert_eq!(
        replay.headers["www-authenticate"],
        "Basic realm=\"ofp-mock\""
    );
    assert_eq!(replay.headers["cache-control"], "no-store");
    server.shutdown().await;
}

#[tokio::test]
async fn skip_jti_replay_check_accepts_the_replay() {
    let server = start(MockOptions {
        faults: vec![Fault::SkipJtiReplayCheck],
        ..MockOptions::default()
    })
    .await;
    let client = server.materials().client.clone();
    let http = http(&server, Some(&client));
    let jwt = assertion(&server, &client);
    assert_eq!(
        post_token(&http, &server, jwt_form(&client, &jwt))
            .await
            .status,
        200
    );
    assert_eq!(
        post_token(&http, &server, jwt_form(&client, &jwt))
            .await
            .status,
        200
    );
    server.shutdown().await;
}

#[tokio::test]
async fn private_key_jwt_without_certificate_is_invalid_request() {
    let server = start(MockOptions::default()).await;
    let client = server.materials().client.clone();
    let answer = post_token(
        &http(&server, None),
        &server,
        jwt_form(&client, &assertion(&server, &client)),
    )
    .await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.body["error"], "invalid_request");
    assert!(answer.body.get("access_token").is_none());
    server.shutdown().await;
}

#[tokio::test]
async fn tls_client_auth_token_is_bound_to_its_certificate() {
    let server = start(MockOptions::default()).await;
    let m = server.materials().clone();
    let mtls = http(&server, Some(&m.mtls_client));
    let form = format!(
        "grant_type=client_credentials&scope=accounts&client_id={}",
        m.mtls_client.client_id
    );
    let answer = post_token(&mtls, &server, form).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let token = answer.body["access_token"]
        .as_str()
        .expect("token")
        .to_owned();

    assert_eq!(get_resource(&mtls, &server, &token).await, 200);
    let other = http(&server, Some(&m.second_client));
    assert_eq!(get_resource(&other, &server, &token).await, 401);
    let none = http(&server, None);
    assert_eq!(get_resource(&none, &server, &token).await, 401);
    server.shutdown().await;
}

#[tokio::test]
async fn wrong_method_gets_405_and_counts_connections() {
    let server = start(MockOptions::default()).await;
    assert_eq!(server.connections(), 0);
    let response = http(&server, None)
        .get(&server.materials().token_endpoint)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 405);
    assert_eq!(response.headers()["allow"], "POST");
    assert!(server.connections() >= 1);
    server.shutdown().await;
}
