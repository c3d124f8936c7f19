//! Discovery (`/.well-known/openid-configuration`) and the AS's public JWKS.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;

use super::state::{MockState, SUPPORTED_SCOPES};

/// Path of the token endpoint alias for mTLS (RFC 8705 §5).
pub const MTLS_TOKEN_PATH: &str = "/mtls/token";

/// The discovery document of a mock.
pub fn discovery_document(state: &MockState) -> serde_json::Value {
    let issuer = &state.issuer;
    let mut doc = serde_json::json!({
        "issuer": issuer,
        "token_endpoint": format!("{issuer}/token"),
        "jwks_uri": format!("{issuer}/jwks"),
        "token_endpoint_auth_methods_supported": ["private_key_jwt", "tls_client_auth"],
        "token_endpoint_auth_signing_alg_values_supported": ["PS256", "ES256"],
        "grant_types_supported": ["client_credentials"],
        "scopes_supported": SUPPORTED_SCOPES,
        "tls_client_certificate_bound_access_tokens": true,
    });
    if state.options.mtls_aliases
        && let Some(map) = doc.as_object_mut()
    {
        map.insert(
            "mtls_endpoint_aliases".to_owned(),
            serde_json::json!({ "token_endpoint": format!("{issuer}{MTLS_TOKEN_PATH}") }),
        );
    }
    doc
}

/// `GET /.well-known/openid-configuration`
pub async fn discovery(State(state): State<Arc<MockState>>) -> Json<serde_json::Value> {
    Json(discovery_document(&state))
}

/// `GET /jwks`
pub async fn jwks(State(state): State<Arc<MockState>>) -> Json<serde_json::Value> {
    Json(state.jwks.clone())
}
