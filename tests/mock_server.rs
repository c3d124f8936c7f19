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

// ---------------------------------------------------------------------------------------------
// Fault matrix: for every fault, one request whose answer changes when the fault is switched on.
// A fault probed by a request of its own has an arm in `observe` and `expected`; every other
// one runs the catalogue scenario its row in the fault table (`src/mock/faults.rs`) names.

fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn claims(server: &MockServer, client: &MockClient) -> serde_json::Value {
    serde_json::json!({
        "iss": client.client_id,
        "sub": client.client_id,
        "aud": server.materials().issuer,
        "jti": uuid::Uuid::new_v4().to_string(),
        "iat": now(),
        "exp": now() + 60,
    })
}

fn sign_with(client: &MockClient, alg: Algorithm, claims: &serde_json::Value) -> String {
    let mut header = Header::new(alg);
    header.kid = client.signing_kid.clone();
    let pem = client.signing_key_pem.as_deref().expect("signing key");
    let key = match alg {
        Algorithm::HS256 => {
            use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey, LineEnding};
            let private = rsa::PrivateKey::from_pkcs8_pem(pem).expect("rsa key");
            let public_pem = private
                .to_public_key()
                .to_public_key_pem(LineEnding::LF)
                .expect("public pem");
            EncodingKey::from_secret(public_pem.as_bytes()).expect("hmac key")
        }
        _ => EncodingKey::from_rsa_pem(pem.as_bytes()).expect("key"),
    };
    jsonwebtoken::encode(&header, claims, &key).expect("sign")
}

fn with(mut claims: serde_json::Value, name: &str, value: serde_json::Value) -> serde_json::Value {
    if let Some(map) = claims.as_object_mut() {
        if value.is_null() {
            map.remove(name);
        } else {
            map.insert(name.to_owned(), value);
        }
    }
    claims
}

/// The status of a form-encoded private_key_jwt token request carrying `assertion`.
async fn post_assertion(
    http: &reqwest::Client,
    token_url: &str,
    client: &MockClient,
    assertion: &str,
) -> String {
    send(
        http,
        reqwest::Method::POST,
        token_url,
        FORM,
        jwt_form(client, assertion),
    )
    .await
    .status()
    .as_u16()
    .to_string()
}

async fn send(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    content_type: &str,
    body: String,
) -> reqwest::Response {
    http.request(method, url)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("request")
}

const FORM: &str = "application/x-www-form-urlencoded";

/// Sends the probe of `fault` and describes the answer in a few words.
async fn observe(fault: Fault, server: &MockServer) -> String {
    let m = server.materials().clone();
    let one = &m.client;
    let pk = http(server, Some(one));
    let token_url = m.token_endpoint.clone();
    let status = |r: reqwest::Response| r.status().as_u16().to_string();
    let pk_claims = || claims(server, one);
    let mtls_form = |id: &str| format!("grant_type=client_credentials&client_id={id}");
    match fault {
        Fault::AcceptAlgNone => {
            let jwt = format!(
                "{}.{}.",
                b64(br#"{"alg":"none","typ":"JWT"}"#),
                b64(pk_claims().to_string().as_bytes())
            );
            post_assertion(&pk, &token_url, one, &jwt).await
        }
        Fault::AcceptRs256 => {
            let jwt = sign_with(one, Algorithm::RS256, &pk_claims());
            post_assertion(&pk, &token_url, one, &jwt).await
        }
        Fault::AcceptHs256PublicKey => {
            let jwt = sign_with(one, Algorithm::HS256, &pk_claims());
            post_assertion(&pk, &token_url, one, &jwt).await
        }
        Fault::SkipSignatureCheck => {
            let jwt = sign_with(one, Algorithm::PS256, &pk_claims());
            let (input, _) = jwt.rsplit_once('.').expect("compact");
            let forged = format!("{input}.{}", b64(&[7u8; 256]));
            post_assertion(&pk, &token_url, one, &forged).await
        }
        Fault::SkipIssCheck => {
            let jwt = sign_with(
                one,
                Algorithm::PS256,
                &with(pk_claims(), "iss", "someone-else".into()),
            );
            post_assertion(&pk, &token_url, one, &jwt).await
        }
        Fault::SkipSubCheck => {
            let jwt = sign_with(
                one,
                Algorithm::PS256,
                &with(pk_claims(), "sub", "someone-else".into()),
            );
            post_assertion(&pk, &token_url, one, &jwt).await
        }
        Fault::SkipAudCheck => {
            let jwt = sign_with(
                one,
                Algorithm::PS256,
                &with(pk_claims(), "aud", m.token_endpoint.clone().into()),
            );
            post_assertion(&pk, &token_url, one, &jwt).await
        }
        Fault::AllowMissingExp => {
            let jwt = sign_with(
                one,
                Algorithm::PS256,
                &with(pk_claims(), "exp", serde_json::Value::Null),
            );
            post_assertion(&pk, &token_url, one, &jwt).await
        }
        Fault::SkipExpCheck => {
            let jwt = sign_with(
                one,
                Algorithm::PS256,
                &with(pk_claims(), "exp", (now() - 300).into()),
            );
            post_assertion(&pk, &token_url, one, &jwt).await
        }
        Fault::SkipNbfIatCheck => {
            let c = with(pk_claims(), "nbf", (now() + 120).into());
            let jwt = sign_with(one, Algorithm::PS256, &with(c, "exp", (now() + 180).into()));
            post_assertion(&pk, &token_url, one, &jwt).await
        }
        Fault::AllowMissingJti => {
            let jwt = sign_with(
                one,
                Algorithm::PS256,
                &with(pk_claims(), "jti", serde_json::Value::Null),
            );
            post_assertion(&pk, &token_url, one, &jwt).await
        }
        Fault::SkipJtiReplayCheck => {
            let jwt = sign_with(one, Algorithm::PS256, &pk_claims());
            let _ = send(
                &pk,
                reqwest::Method::POST,
                &token_url,
                FORM,
                jwt_form(one, &jwt),
            )
            .await;
            post_assertion(&pk, &token_url, one, &jwt).await
        }
        Fault::SkipClientIdMatch => {
            // client_id = client 1, a valid assertion of client 2.
            let two = &m.second_client;
            let jwt = sign_with(two, Algorithm::PS256, &claims(server, two));
            post_assertion(&pk, &token_url, one, &jwt).await
        }
        Fault::RejectPrivateKeyJwt => {
            let jwt = sign_with(one, Algorithm::PS256, &pk_claims());
            post_assertion(&pk, &token_url, one, &jwt).await
        }
        Fault::RejectTlsClientAuth => {
            let mtls = http(server, Some(&m.mtls_client));
            status(
                send(
                    &mtls,
                    reqwest::Method::POST,
                    &token_url,
                    FORM,
                    mtls_form(&m.mtls_client.client_id),
                )
                .await,
            )
        }
        Fault::IssueUnboundToken => {
            let jwt = sign_with(one, Algorithm::PS256, &pk_claims());
            let bare = http(server, None);
            status(
                send(
                    &bare,
                    reqwest::Method::POST,
                    &token_url,
                    FORM,
                    jwt_form(one, &jwt),
                )
                .await,
            )
        }
        Fault::SkipClientCaCheck | Fault::SkipClientCertValidity => {
            // The registered subject, from a CA nobody trusts / from the mock CA but expired.
            use ofp_conformance::pki::generate::{LeafKey, TestCa};
            let now = time::OffsetDateTime::now_utc();
            let day = time::Duration::days(1);
            let subject = &server.pki().mtls_client.subject;
            let subject: Vec<(rcgen::DnType, &str)> = subject
                .iter()
                .map(|(t, v)| (t.clone(), v.as_str()))
                .collect();
            let cert = if fault == Fault::SkipClientCaCheck {
                let rogue = TestCa::generate("rogue").expect("ca");
                rogue.issue_client_cert_with_key(&subject, now - day, now + day, LeafKey::EcdsaP256)
            } else {
                server.pki().ca.issue_client_cert_with_key(
                    &subject,
                    now - day * 30,
                    now - day,
                    LeafKey::EcdsaP256,
                )
            }
            .expect("cert");
            let client = MockClient {
                cert_pem: cert.cert_pem.clone(),
                key_pem: cert.key.expose().to_owned(),
                ..m.mtls_client.clone()
            };
            let presenter = http(server, Some(&client));
            status(
                send(
                    &presenter,
                    reqwest::Method::POST,
                    &token_url,
                    FORM,
                    mtls_form(&m.mtls_client.client_id),
                )
                .await,
            )
        }
        Fault::AcceptMtlsWithoutCert => {
            let bare = http(server, None);
            status(
                send(
                    &bare,
                    reqwest::Method::POST,
                    &token_url,
                    FORM,
                    mtls_form(&m.mtls_client.client_id),
                )
                .await,
            )
        }
        Fault::SkipMtlsSubjectMatch => status(
            send(
                &pk,
                reqwest::Method::POST,
                &token_url,
                FORM,
                mtls_form(&m.mtls_client.client_id),
            )
            .await,
        ),
        Fault::SkipScopeCheck => {
            let jwt = sign_with(one, Algorithm::PS256, &pk_claims());
            let form = jwt_form(one, &jwt).replace("scope=accounts", "scope=profile");
            status(send(&pk, reqwest::Method::POST, &token_url, FORM, form).await)
        }
        Fault::DefaultGrantType => {
            let jwt = sign_with(one, Algorithm::PS256, &pk_claims());
            let form = jwt_form(one, &jwt).replace("grant_type=client_credentials&", "");
            status(send(&pk, reqwest::Method::POST, &token_url, FORM, form).await)
        }
        Fault::AcceptPasswordGrant => {
            let jwt = sign_with(one, Algorithm::PS256, &pk_claims());
            let form =
                jwt_form(one, &jwt).replace("client_credentials", "password&username=u&password=p");
            status(send(&pk, reqwest::Method::POST, &token_url, FORM, form).await)
        }
        Fault::AcceptAnyMethod => {
            let jwt = sign_with(one, Algorithm::PS256, &pk_claims());
            let url = format!("{token_url}?{}", jwt_form(one, &jwt));
            status(send(&pk, reqwest::Method::GET, &url, FORM, String::new()).await)
        }
        Fault::SkipContentTypeCheck => {
            let jwt = sign_with(one, Algorithm::PS256, &pk_claims());
            status(
                send(
                    &pk,
                    reqwest::Method::POST,
                    &token_url,
                    "application/json",
                    jwt_form(one, &jwt),
                )
                .await,
            )
        }
        Fault::AllowRepeatedParams => {
            let jwt = sign_with(one, Algorithm::PS256, &pk_claims());
            let form = format!("grant_type=client_credentials&{}", jwt_form(one, &jwt));
            status(send(&pk, reqwest::Method::POST, &token_url, FORM, form).await)
        }
        Fault::PlainEndpointUnboundToken => {
            // The mTLS client asks the plain token_endpoint (not the advertised alias), then
            // presents the token without a certificate.
            assert_ne!(m.mtls_token_endpoint.as_deref(), Some(token_url.as_str()));
            let mtls = http(server, Some(&m.mtls_client));
            let answer = post_token(&mtls, server, mtls_form(&m.mtls_client.client_id)).await;
            let token = answer.body["access_token"]
                .as_str()
                .expect("token")
                .to_owned();
            let none = http(server, None);
            get_resource(&none, server, &token).await.to_string()
        }
        Fault::SkipRsBindingCheck => {
            let jwt = sign_with(one, Algorithm::PS256, &pk_claims());
            let answer = post_token(&pk, server, jwt_form(one, &jwt)).await;
            let token = answer.body["access_token"]
                .as_str()
                .expect("token")
                .to_owned();
            let other = http(server, Some(&m.second_client));
            get_resource(&other, server, &token).await.to_string()
        }
        Fault::OmitCacheControl => {
            let jwt = sign_with(one, Algorithm::PS256, &pk_claims());
            let r = send(
                &pk,
                reqwest::Method::POST,
                &token_url,
                FORM,
                jwt_form(one, &jwt),
            )
            .await;
            format!(
                "{} cache-control={:?}",
                r.status().as_u16(),
                r.headers().get("cache-control")
            )
        }
        Fault::NoInteractionIdEcho => {
            let r = pk
                .get(&m.discovery_url)
                .header("x-fapi-interaction-id", "id-1")
                .send()
                .await
                .expect("discovery");
            format!("{:?}", r.headers().get("x-fapi-interaction-id"))
        }
        Fault::DiscoveryNotJson
        | Fault::DiscoveryWrongContentType
        | Fault::DiscoveryNoTokenEndpoint
        | Fault::DiscoveryIssuerMismatch
        | Fault::DiscoveryIssuerNotHttps
        | Fault::DiscoverySchemaViolation
        | Fault::DiscoveryMissingAuthMethod
        | Fault::DiscoveryWeakAuthMethods
        | Fault::DiscoveryAdvertiseAlgNone
        | Fault::DiscoveryNoBoundTokensFlag
        | Fault::DiscoveryNoClientCredentialsGrant
        | Fault::DiscoveryAdvertisePasswordGrant
        | Fault::DiscoveryBadAliases
        | Fault::DiscoveryHttpRegistrationEndpoint
        | Fault::DiscoveryBadScopes
        | Fault::DiscoveryStatus503
        | Fault::DiscoveryNoFapiAuthMethod
        | Fault::DiscoveryNoFapiSigningAlg
        | Fault::DiscoveryExtraSigningAlg
        | Fault::DiscoveryAdvertiseImplicit
        | Fault::DiscoveryUnknownMember
        | Fault::JwksUriHttp => {
            let r = http(server, None)
                .get(&m.discovery_url)
                .send()
                .await
                .expect("discovery");
            if fault == Fault::DiscoveryStatus503 {
                return r.status().as_u16().to_string();
            }
            let content_type = r.headers()["content-type"]
                .to_str()
                .unwrap_or_default()
                .to_owned();
            let bytes = r.bytes().await.expect("body");
            let Ok(doc) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
                return format!("{content_type}, not JSON");
            };
            // Port-free projections of the member each fault changes.
            let scheme = |v: &serde_json::Value| {
                v.as_str().map_or("absent".to_owned(), |s| {
                    s.split(':').next().unwrap_or("").to_owned()
                })
            };
            match fault {
                Fault::DiscoveryWrongContentType => content_type,
                Fault::DiscoveryNotJson => "JSON".to_owned(),
                Fault::DiscoveryNoTokenEndpoint => scheme(&doc["token_endpoint"]),
                Fault::DiscoveryIssuerMismatch => (doc["issuer"] == m.issuer.as_str()).to_string(),
                Fault::DiscoveryIssuerNotHttps => scheme(&doc["issuer"]),
                Fault::DiscoverySchemaViolation => {
                    doc["code_challenge_methods_supported"].to_string()
                }
                Fault::DiscoveryMissingAuthMethod
                | Fault::DiscoveryWeakAuthMethods
                | Fault::DiscoveryNoFapiAuthMethod => {
                    doc["token_endpoint_auth_methods_supported"].to_string()
                }
                Fault::DiscoveryAdvertiseAlgNone
                | Fault::DiscoveryNoFapiSigningAlg
                | Fault::DiscoveryExtraSigningAlg => {
                    doc["token_endpoint_auth_signing_alg_values_supported"].to_string()
                }
                Fault::DiscoveryNoBoundTokensFlag => {
                    doc["tls_client_certificate_bound_access_tokens"].to_string()
                }
                Fault::DiscoveryNoClientCredentialsGrant
                | Fault::DiscoveryAdvertisePasswordGrant
                | Fault::DiscoveryAdvertiseImplicit => doc["grant_types_supported"].to_string(),
                Fault::DiscoveryUnknownMember => doc["x_vendor_feature"].to_string(),
                Fault::JwksUriHttp => scheme(&doc["jwks_uri"]),
                Fault::DiscoveryBadAliases => doc["mtls_endpoint_aliases"]
                    .as_object()
                    .map_or("absent".to_owned(), |a| {
                        a.keys().cloned().collect::<Vec<_>>().join(",")
                    }),
                Fault::DiscoveryHttpRegistrationEndpoint => scheme(&doc["registration_endpoint"]),
                _ => doc["scopes_supported"].to_string(),
            }
        }
        Fault::JwksPrivateKey
        | Fault::JwksSymmetricKey
        | Fault::JwksDuplicateKid
        | Fault::JwksSmallKey
        | Fault::JwksUnusableKey
        | Fault::JwksNotJson => {
            let r = http(server, None)
                .get(format!("{}/jwks", m.issuer))
                .send()
                .await
                .expect("jwks");
            if fault == Fault::JwksNotJson {
                return r.headers()["content-type"]
                    .to_str()
                    .unwrap_or_default()
                    .to_owned();
            }
            let jwks = r.json_or_value().await;
            let keys = jwks["keys"].as_array().cloned().unwrap_or_default();
            keys.iter()
                .map(|k| {
                    format!(
                        "{}{}{}",
                        k["kty"].as_str().unwrap_or("?"),
                        if k.get("d").is_some() { "+d" } else { "" },
                        if k["kty"] == "RSA" && k.get("n").is_none() {
                            "-n"
                        } else {
                            ""
                        }
                    )
                })
                .collect::<Vec<_>>()
                .join(",")
        }
        Fault::WrongErrorStatus => {
            let jwt = sign_with(one, Algorithm::RS256, &pk_claims());
            post_assertion(&pk, &token_url, one, &jwt).await
        }
        // Every other fault: the catalogue scenario its row in the fault table names.
        other => match other.breaks().probe_scenario() {
            Some(id) => scenario_verdict(server, id).await,
            None => panic!("no probe for {other}"),
        },
    }
}

/// The verdict of one catalogue scenario against `server` (profile ofm).
async fn scenario_verdict(server: &MockServer, id: &str) -> String {
    use ofp_conformance::app::mock_target;
    use ofp_conformance::config::Profile;
    use ofp_conformance::plan::{Filters, plan};
    use ofp_conformance::run::{RunInput, run};
    let target = mock_target(server.materials(), Profile::Ofm).expect("mock target");
    let scenarios: Vec<_> = ofp_conformance::app::load_scenarios(None)
        .expect("catalogue")
        .into_iter()
        .filter(|s| s.id == id)
        .collect();
    let cases = plan(scenarios, &target, Profile::Ofm, &Filters::default());
    let outcome = run(
        RunInput {
            target,
            profile: Profile::Ofm,
            cases,
            interrupted: std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false)),
            jobs: 1,
        },
        |_| {},
    )
    .await;
    outcome
        .results
        .iter()
        .map(|r| format!("{id}={}", r.verdict.as_str()))
        .collect()
}

/// (answer of the strict mock, answer with the fault on).
fn expected(fault: Fault) -> (&'static str, &'static str) {
    match fault {
        Fault::RejectPrivateKeyJwt | Fault::RejectTlsClientAuth => ("200", "401"),
        Fault::IssueUnboundToken
        | Fault::SkipScopeCheck
        | Fault::DefaultGrantType
        | Fault::AcceptPasswordGrant
        | Fault::SkipContentTypeCheck
        | Fault::AllowRepeatedParams => ("400", "200"),
        Fault::AcceptAnyMethod => ("405", "200"),
        Fault::OmitCacheControl => (
            "200 cache-control=Some(\"no-store\")",
            "200 cache-control=None",
        ),
        Fault::NoInteractionIdEcho => ("Some(\"id-1\")", "None"),
        Fault::WrongErrorStatus => ("401", "403"),
        Fault::DiscoveryNotJson => ("JSON", "text/html; charset=utf-8, not JSON"),
        Fault::DiscoveryWrongContentType => ("application/json", "text/plain"),
        Fault::DiscoveryNoTokenEndpoint => ("https", "absent"),
        Fault::DiscoveryIssuerMismatch => ("true", "false"),
        Fault::DiscoveryIssuerNotHttps => ("https", "http"),
        Fault::DiscoverySchemaViolation => ("null", "\"S256\""),
        Fault::DiscoveryMissingAuthMethod => (
            r#"["private_key_jwt","tls_client_auth"]"#,
            r#"["private_key_jwt"]"#,
        ),
        Fault::DiscoveryWeakAuthMethods => (
            r#"["private_key_jwt","tls_client_auth"]"#,
            r#"["private_key_jwt","tls_client_auth","client_secret_basic","client_secret_post"]"#,
        ),
        Fault::DiscoveryAdvertiseAlgNone => (r#"["PS256","ES256"]"#, r#"["PS256","ES256","none"]"#),
        Fault::DiscoveryNoBoundTokensFlag => ("true", "null"),
        Fault::DiscoveryNoClientCredentialsGrant => {
            (r#"["client_credentials"]"#, r#"["authorization_code"]"#)
        }
        Fault::DiscoveryAdvertisePasswordGrant => (
            r#"["client_credentials"]"#,
            r#"["client_credentials","password"]"#,
        ),
        Fault::DiscoveryBadAliases => (
            "token_endpoint",
            "authorization_endpoint,revocation_endpoint,token_endpoint",
        ),
        Fault::DiscoveryHttpRegistrationEndpoint => ("absent", "http"),
        Fault::DiscoveryBadScopes => (
            r#"["accounts","profile"]"#,
            r#"["accounts","profile","open banking"]"#,
        ),
        Fault::JwksPrivateKey => ("EC", "EC+d"),
        Fault::JwksSymmetricKey => ("EC", "EC,oct"),
        Fault::JwksDuplicateKid => ("EC", "EC,EC"),
        Fault::JwksSmallKey => ("EC", "EC,RSA"),
        Fault::JwksUnusableKey => ("EC", "EC,RSA-n"),
        Fault::JwksNotJson => ("application/json", "text/html; charset=utf-8"),
        Fault::JwksUriHttp => ("https", "http"),
        Fault::DiscoveryStatus503 => ("200", "503"),
        Fault::DiscoveryNoFapiAuthMethod => (
            r#"["private_key_jwt","tls_client_auth"]"#,
            r#"["self_signed_tls_client_auth"]"#,
        ),
        Fault::DiscoveryNoFapiSigningAlg => (r#"["PS256","ES256"]"#, r#"["RS256"]"#),
        Fault::DiscoveryExtraSigningAlg => (r#"["PS256","ES256"]"#, r#"["PS256","ES256","RS256"]"#),
        Fault::DiscoveryAdvertiseImplicit => (
            r#"["client_credentials"]"#,
            r#"["client_credentials","implicit"]"#,
        ),
        Fault::DiscoveryUnknownMember => ("null", "true"),
        Fault::AcceptAlgNone
        | Fault::AcceptRs256
        | Fault::AcceptHs256PublicKey
        | Fault::SkipSignatureCheck
        | Fault::SkipIssCheck
        | Fault::SkipSubCheck
        | Fault::SkipAudCheck
        | Fault::AllowMissingExp
        | Fault::SkipExpCheck
        | Fault::SkipNbfIatCheck
        | Fault::AllowMissingJti
        | Fault::SkipJtiReplayCheck
        | Fault::SkipClientIdMatch
        | Fault::AcceptMtlsWithoutCert
        | Fault::SkipMtlsSubjectMatch
        | Fault::SkipClientCaCheck
        | Fault::SkipClientCertValidity
        | Fault::SkipRsBindingCheck
        | Fault::PlainEndpointUnboundToken => ("401", "200"),
        other => expected_verdicts(other),
    }
}

/// (strict, faulty) verdicts of the scenario that probes `fault` (the fault table's probe): a
/// warn-only fault makes it warn, any other fail.
fn expected_verdicts(fault: Fault) -> (&'static str, &'static str) {
    let id = fault.breaks().probe_scenario().expect("probe");
    let warn = fault.breaks().warns_only;
    let strict: &'static str = Box::leak(format!("{id}=pass").into_boxed_str());
    let faulty: &'static str =
        Box::leak(format!("{id}={}", if warn { "warn" } else { "fail" }).into_boxed_str());
    (strict, faulty)
}

#[tokio::test]
async fn every_fault_changes_the_answer_of_its_probe() {
    let strict = start(MockOptions::default()).await;
    let mut failures = Vec::new();
    for &fault in Fault::ALL {
        let faulty = start(MockOptions {
            faults: vec![fault],
            ..MockOptions::default()
        })
        .await;
        let (want_strict, want_faulty) = expected(fault);
        let got_strict = observe(fault, &strict).await;
        let got_faulty = observe(fault, &faulty).await;
        if got_strict != want_strict || got_faulty != want_faulty {
            failures.push(format!(
                "{fault}: strict {got_strict} (want {want_strict}), faulty {got_faulty} (want {want_faulty})"
            ));
        }
        faulty.shutdown().await;
    }
    strict.shutdown().await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// Further behaviour.

#[tokio::test]
async fn jwt_access_tokens_verify_against_the_jwks_and_carry_cnf() {
    let server = start(MockOptions {
        token_format: ofp_conformance::mock::TokenFormat::Jwt,
        ..MockOptions::default()
    })
    .await;
    let m = server.materials().clone();
    let pk = http(&server, Some(&m.client));
    let answer = post_token(
        &pk,
        &server,
        jwt_form(&m.client, &assertion(&server, &m.client)),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let token = answer.body["access_token"]
        .as_str()
        .expect("token")
        .to_owned();

    let jwks = pk
        .get(format!("{}/jwks", m.issuer))
        .send()
        .await
        .expect("jwks")
        .json_or_value()
        .await;
    let jwk = &jwks["keys"][0];
    assert!(jwk.get("d").is_none(), "private part published");
    let key = jsonwebtoken::DecodingKey::from_ec_components(
        jwk["x"].as_str().expect("x"),
        jwk["y"].as_str().expect("y"),
    )
    .expect("key");
    let header = jsonwebtoken::decode_header(&token).expect("header");
    assert_eq!(header.typ.as_deref(), Some("at+jwt"));
    assert_eq!(header.kid.as_deref(), jwk["kid"].as_str());
    let mut validation = jsonwebtoken::Validation::new(Algorithm::ES256);
    validation.set_issuer(&[&m.issuer]);
    validation.set_audience(&[&m.resource_url]);
    let claims = jsonwebtoken::decode::<serde_json::Value>(&token, &key, &validation)
        .expect("verifies")
        .claims;
    use rustls_pki_types::pem::PemObject;
    let der = rustls_pki_types::CertificateDer::from_pem_slice(m.client.cert_pem.as_bytes())
        .expect("cert");
    assert_eq!(
        claims["cnf"]["x5t#S256"],
        ofp_conformance::pki::x5t_s256(&der)
    );
    assert_eq!(claims["client_id"], m.client.client_id);
    assert_eq!(get_resource(&pk, &server, &token).await, 200);
    server.shutdown().await;
}

#[tokio::test]
async fn mtls_alias_serves_the_token_endpoint() {
    let server = start(MockOptions {
        mtls_aliases: true,
        ..MockOptions::default()
    })
    .await;
    let m = server.materials().clone();
    let mtls = http(&server, Some(&m.mtls_client));
    let response = send(
        &mtls,
        reqwest::Method::POST,
        &format!("{}/mtls/token", m.issuer),
        FORM,
        format!(
            "grant_type=client_credentials&client_id={}",
            m.mtls_client.client_id
        ),
    )
    .await;
    assert_eq!(response.status().as_u16(), 200);
    server.shutdown().await;
}

/// `plain-endpoint-unbound-token` concerns the plain `token_endpoint` only: the alias still
/// binds its tokens, and without an advertised alias there is no plain endpoint to break.
#[tokio::test]
async fn plain_endpoint_fault_leaves_the_alias_bound() {
    let form = |m: &ofp_conformance::mock::MockMaterials| {
        format!(
            "grant_type=client_credentials&client_id={}",
            m.mtls_client.client_id
        )
    };
    for mtls_aliases in [true, false] {
        let server = start(MockOptions {
            mtls_aliases,
            faults: vec![Fault::PlainEndpointUnboundToken],
            ..MockOptions::default()
        })
        .await;
        let m = server.materials().clone();
        let mtls = http(&server, Some(&m.mtls_client));
        let none = http(&server, None);
        let url = m
            .mtls_token_endpoint
            .clone()
            .unwrap_or(m.token_endpoint.clone());
        assert_eq!(mtls_aliases, m.mtls_token_endpoint.is_some());
        let answer = send(&mtls, reqwest::Method::POST, &url, FORM, form(&m)).await;
        assert_eq!(answer.status().as_u16(), 200, "{url}");
        let body: serde_json::Value =
            serde_json::from_slice(&answer.bytes().await.expect("body")).expect("json");
        let token = body["access_token"].as_str().expect("token").to_owned();
        assert_eq!(get_resource(&none, &server, &token).await, 401, "{url}");
        assert_eq!(get_resource(&mtls, &server, &token).await, 200, "{url}");
        server.shutdown().await;
    }
}

#[tokio::test]
async fn resource_refusals_carry_www_authenticate() {
    let server = start(MockOptions::default()).await;
    let m = server.materials().clone();
    let mtls = http(&server, Some(&m.mtls_client));
    let form = format!(
        "grant_type=client_credentials&client_id={}",
        m.mtls_client.client_id
    );
    let token = post_token(&mtls, &server, form).await.body["access_token"]
        .as_str()
        .expect("token")
        .to_owned();

    let in_query = mtls
        .get(format!("{}?access_token={token}", m.resource_url))
        .send()
        .await
        .expect("request");
    assert_eq!(in_query.status().as_u16(), 401);
    assert_eq!(in_query.headers()["www-authenticate"], "Bearer");

    let unknown = mtls
        .get(&m.resource_url)
        .header("authorization", "Bearer not-a-token")
        .send()
        .await
        .expect("request");
    assert_eq!(unknown.status().as_u16(), 401);
    assert_eq!(
        unknown.headers()["www-authenticate"],
        "Bearer error=\"invalid_token\""
    );
    server.shutdown().await;
}

#[tokio::test]
async fn strict_refusals_without_faults() {
    let server = start(MockOptions::default()).await;
    let m = server.materials().clone();
    let one = &m.client;
    let pk = http(&server, Some(one));
    let refused = |claims: serde_json::Value| sign_with(one, Algorithm::PS256, &claims);
    let cases = [
        (
            "aud array",
            refused(with(
                claims(&server, one),
                "aud",
                serde_json::json!([m.issuer]),
            )),
        ),
        (
            "exp a day ahead",
            refused(with(claims(&server, one), "exp", (now() + 86_400).into())),
        ),
        (
            "aud trailing slash",
            refused(with(
                claims(&server, one),
                "aud",
                format!("{}/", m.issuer).into(),
            )),
        ),
        (
            "client 2 key",
            sign_with(&m.second_client, Algorithm::PS256, &claims(&server, one)),
        ),
    ];
    for (name, jwt) in cases {
        let answer = post_token(&pk, &server, jwt_form(one, &jwt)).await;
        assert_eq!(
            (answer.status, answer.body["error"].as_str()),
            (401, Some("invalid_client")),
            "{name}"
        );
    }
    // A private_key_jwt client presenting only its certificate.
    let answer = post_token(
        &pk,
        &server,
        format!("grant_type=client_credentials&client_id={}", one.client_id),
    )
    .await;
    assert_eq!(answer.status, 401, "{}", answer.body);
    // The content type may carry parameters.
    let ok = send(
        &pk,
        reqwest::Method::POST,
        &m.token_endpoint,
        "Application/X-WWW-Form-Urlencoded; charset=UTF-8",
        jwt_form(one, &assertion(&server, one)),
    )
    .await;
    assert_eq!(ok.status().as_u16(), 200);
    server.shutdown().await;
}

#[tokio::test]
async fn handshake_requires_a_certificate_when_asked() {
    let server = start(MockOptions {
        require_cert_at_handshake: true,
        ..MockOptions::default()
    })
    .await;
    let m = server.materials().clone();
    // The discovery document stays public; the advertised mTLS alias requires a certificate.
    let bare = http(&server, None);
    let doc = bare
        .get(&m.discovery_url)
        .send()
        .await
        .expect("discovery")
        .json_or_value()
        .await;
    let alias = m.mtls_token_endpoint.clone().expect("an mTLS alias");
    assert_eq!(
        doc["mtls_endpoint_aliases"]["token_endpoint"],
        alias.as_str()
    );
    assert_ne!(alias, m.token_endpoint);
    let form = format!(
        "grant_type=client_credentials&client_id={}",
        m.mtls_client.client_id
    );
    let result = bare
        .post(&alias)
        .header("content-type", FORM)
        .body(form.clone())
        .send()
        .await;
    assert!(result.is_err(), "handshake without a certificate succeeded");
    let with_cert = http(&server, Some(&m.mtls_client));
    let response = send(&with_cert, reqwest::Method::POST, &alias, FORM, form).await;
    assert_eq!(response.status().as_u16(), 200);
    server.shutdown().await;
}

#[tokio::test]
async fn start_generates_its_own_pki() {
    let server = MockServer::start(MockOptions::default())
        .await
        .expect("starts");
    assert_ne!(server.materials().ca_pem, pki().ca.cert_pem());
    assert_eq!(
        server.materials().mtls_client.subject_dn.as_deref(),
        Some("CN=ofpc-client-mtls,O=ofpc test,C=MY")
    );
    server.shutdown().await;
}
