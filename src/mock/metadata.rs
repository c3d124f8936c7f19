//! Discovery (`/.well-known/openid-configuration`) and the AS's public JWKS.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::header;
use serde_json::json;

use super::Fault;
use super::state::{MockState, SUPPORTED_SCOPES};

/// Path of the token endpoint alias for mTLS (RFC 8705 §5).
pub const MTLS_TOKEN_PATH: &str = "/mtls/token";

/// The discovery document of a mock (with the discovery faults applied).
pub fn discovery_document(state: &MockState) -> serde_json::Value {
    let issuer = &state.issuer;
    let mut doc = serde_json::json!({
        "issuer": state.advertised_issuer(),
        "token_endpoint": format!("{issuer}/token"),
        "jwks_uri": format!("{issuer}/jwks"),
        "token_endpoint_auth_methods_supported": ["private_key_jwt", "tls_client_auth"],
        "token_endpoint_auth_signing_alg_values_supported": ["PS256", "ES256"],
        "grant_types_supported": ["client_credentials"],
        "scopes_supported": SUPPORTED_SCOPES,
        "tls_client_certificate_bound_access_tokens": true,
    });
    let Some(map) = doc.as_object_mut() else {
        return doc;
    };
    if state.alias_advertised() {
        let path = if state.options.mtls_aliases {
            MTLS_TOKEN_PATH
        } else {
            "/token"
        };
        map.insert(
            "mtls_endpoint_aliases".to_owned(),
            json!({ "token_endpoint": format!("{}{path}", state.mtls_base) }),
        );
    }
    let fault = |f| state.fault(f);
    if fault(Fault::DiscoveryNoTokenEndpoint) {
        map.remove("token_endpoint");
    }
    if fault(Fault::DiscoverySchemaViolation) {
        map.insert("code_challenge_methods_supported".to_owned(), json!("S256"));
    }
    if fault(Fault::DiscoveryMissingAuthMethod) {
        map.insert(
            "token_endpoint_auth_methods_supported".to_owned(),
            json!(["private_key_jwt"]),
        );
    }
    if fault(Fault::DiscoveryWeakAuthMethods) {
        map.insert(
            "token_endpoint_auth_methods_supported".to_owned(),
            json!([
                "private_key_jwt",
                "tls_client_auth",
                "client_secret_basic",
                "client_secret_post"
            ]),
        );
    }
    if fault(Fault::DiscoveryAdvertiseAlgNone) {
        map.insert(
            "token_endpoint_auth_signing_alg_values_supported".to_owned(),
            json!(["PS256", "ES256", "none"]),
        );
    }
    if fault(Fault::DiscoveryNoBoundTokensFlag) {
        map.remove("tls_client_certificate_bound_access_tokens");
    }
    if fault(Fault::DiscoveryNoClientCredentialsGrant) {
        map.insert(
            "grant_types_supported".to_owned(),
            json!(["authorization_code"]),
        );
    }
    if fault(Fault::DiscoveryAdvertisePasswordGrant) {
        map.insert(
            "grant_types_supported".to_owned(),
            json!(["client_credentials", "password"]),
        );
    }
    if fault(Fault::DiscoveryBadAliases) {
        let aliases = map
            .entry("mtls_endpoint_aliases")
            .or_insert_with(|| json!({}));
        if let Some(aliases) = aliases.as_object_mut() {
            aliases.insert(
                "authorization_endpoint".to_owned(),
                json!(format!("{issuer}/auth")),
            );
            aliases.insert(
                "revocation_endpoint".to_owned(),
                json!(issuer.replacen("https://", "http://", 1) + "/revoke"),
            );
        }
    }
    if fault(Fault::DiscoveryHttpRegistrationEndpoint) {
        map.insert(
            "registration_endpoint".to_owned(),
            json!(issuer.replacen("https://", "http://", 1) + "/register"),
        );
    }
    if fault(Fault::DiscoveryBadScopes) {
        map.insert(
            "scopes_supported".to_owned(),
            json!(["accounts", "profile", "open banking"]),
        );
    }
    if fault(Fault::DiscoveryNoFapiAuthMethod) {
        map.insert(
            "token_endpoint_auth_methods_supported".to_owned(),
            json!(["self_signed_tls_client_auth"]),
        );
    }
    if fault(Fault::DiscoveryNoFapiSigningAlg) {
        map.insert(
            "token_endpoint_auth_signing_alg_values_supported".to_owned(),
            json!(["RS256"]),
        );
    }
    if fault(Fault::DiscoveryExtraSigningAlg) {
        map.insert(
            "token_endpoint_auth_signing_alg_values_supported".to_owned(),
            json!(["PS256", "ES256", "RS256"]),
        );
    }
    if fault(Fault::DiscoveryAdvertiseImplicit) {
        map.insert(
            "grant_types_supported".to_owned(),
            json!(["client_credentials", "implicit"]),
        );
    }
    if fault(Fault::DiscoveryUnknownMember) {
        map.insert("x_vendor_feature".to_owned(), json!(true));
    }
    if fault(Fault::JwksUriHttp) {
        map.insert(
            "jwks_uri".to_owned(),
            json!(issuer.replacen("https://", "http://", 1) + "/jwks"),
        );
    }
    doc
}

/// `GET /.well-known/openid-configuration`
pub async fn discovery(State(state): State<Arc<MockState>>) -> Response {
    if state.fault(Fault::DiscoveryNotJson) {
        return (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<html><body>Service temporarily unavailable</body></html>",
        )
            .into_response();
    }
    if state.fault(Fault::DiscoveryStatus503) {
        return (
            http::StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_TYPE, "application/json")],
            r#"{"error":"temporarily_unavailable"}"#,
        )
            .into_response();
    }
    let body = discovery_document(&state).to_string();
    let content_type = if state.fault(Fault::DiscoveryWrongContentType) {
        "text/plain"
    } else {
        "application/json"
    };
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// The JWKS of a mock (with the JWKS faults applied). The faults add made-up key material,
/// never the mock's real private key.
pub fn jwks_document(state: &MockState) -> serde_json::Value {
    let mut jwks = state.jwks.clone();
    let Some(keys) = jwks.get_mut("keys").and_then(|k| k.as_array_mut()) else {
        return jwks;
    };
    if state.fault(Fault::JwksPrivateKey)
        && let Some(key) = keys.first_mut().and_then(|k| k.as_object_mut())
    {
        key.insert(
            "d".to_owned(),
            json!("c2VjcmV0LXNjYWxhci1ub3QtdGhlLXJlYWwtb25lLTAwMDAwMDA"),
        );
    }
    if state.fault(Fault::JwksSymmetricKey) {
        keys.push(json!({ "kty": "oct", "kid": "hmac-1", "k": "c2hhcmVkLXNlY3JldA" }));
    }
    if state.fault(Fault::JwksDuplicateKid)
        && let Some(first) = keys.first().cloned()
    {
        keys.push(first);
    }
    if state.fault(Fault::JwksSmallKey) {
        // A 1024-bit modulus (128 bytes, top bit set); never used to verify anything.
        let n = base64::Engine::encode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            [0xc5u8; 128],
        );
        keys.push(json!({ "kty": "RSA", "kid": "rsa-1024", "use": "sig", "n": n, "e": "AQAB" }));
    }
    if state.fault(Fault::JwksUnusableKey) {
        keys.push(json!({ "kty": "RSA", "kid": "rsa-no-n", "use": "sig", "e": "AQAB" }));
    }
    jwks
}

/// `GET /jwks`
pub async fn jwks(State(state): State<Arc<MockState>>) -> Response {
    if state.fault(Fault::JwksNotJson) {
        return (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<html><body>Keys moved</body></html>",
        )
            .into_response();
    }
    Json(jwks_document(&state)).into_response()
}
