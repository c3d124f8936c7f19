//! The resource endpoint `/v1/providers`: a bearer token bound to the presented certificate
//! (RFC 6750 §2.1, RFC 8705 §3).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderValue, StatusCode, header};

use super::Fault;
use super::state::{MockState, now_unix};
use crate::pki::x5t_s256;

/// Why a resource request is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceRefusal {
    /// No usable `Authorization: Bearer` header.
    NoToken,
    /// Unknown, expired or wrongly bound token.
    InvalidToken,
}

/// The bearer token in the `Authorization` header (scheme compared case-insensitively).
/// A token in the query string is never read.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim_start_matches(' ');
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() && !token.contains(' '))
        .then_some(token)
}

/// Checks a resource request.
pub fn authorize(
    state: &MockState,
    headers: &HeaderMap,
    query: Option<&str>,
    peer_cert: Option<&[u8]>,
) -> Result<(), ResourceRefusal> {
    let exact = |h: &HeaderMap| {
        h.get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("Bearer "))
    };
    let from_header = bearer_token(headers)
        .filter(|_| !state.fault(Fault::CaseSensitiveBearer) || exact(headers));
    let from_query = query
        .filter(|_| state.fault(Fault::AcceptTokenInQuery))
        .and_then(|q| super::form::RawForm::parse(q.as_bytes()).ok())
        .map(super::form::RawForm::into_params)
        .and_then(|p| p.get("access_token").map(str::to_owned));
    let token = match (from_header, from_query.as_deref()) {
        (Some(t), _) | (None, Some(t)) => t,
        (None, None) if state.fault(Fault::RsAllowAnonymous) => return Ok(()),
        (None, None) => return Err(ResourceRefusal::NoToken),
    };
    let issued = state
        .lookup(token, now_unix())
        .ok_or(ResourceRefusal::InvalidToken)?;
    if state.fault(Fault::SkipRsBindingCheck) {
        return Ok(());
    }
    match (issued.x5t, peer_cert) {
        (Some(bound), Some(der)) if bound == x5t_s256(der) => Ok(()),
        // An unbound token (from the plain endpoint under the fault) taken as a plain bearer token.
        (None, _) if state.fault(Fault::PlainEndpointUnboundToken) => Ok(()),
        _ => Err(ResourceRefusal::InvalidToken),
    }
}

/// The axum handler.
pub async fn providers(State(state): State<Arc<MockState>>, request: Request) -> Response {
    let peer_cert = super::server::peer_leaf(request.extensions());
    match authorize(
        &state,
        request.headers(),
        request.uri().query(),
        peer_cert.as_deref(),
    ) {
        Ok(()) => {
            let body = serde_json::json!({
                "data": [{ "dp_id": "DP9876543210", "name": "Mock Bank" }]
            });
            (StatusCode::OK, axum::Json(body)).into_response()
        }
        Err(ResourceRefusal::NoToken) => {
            let mut response = StatusCode::UNAUTHORIZED.into_response();
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            response
        }
        Err(ResourceRefusal::InvalidToken) => {
            let body = serde_json::json!({
                "error": "invalid_token",
                "error_description": "the access token is unknown, expired or bound to another certificate",
            });
            let mut response = (StatusCode::UNAUTHORIZED, axum::Json(body)).into_response();
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer error=\"invalid_token\""),
            );
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_auth(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(value).expect("header"),
        );
        h
    }

    #[test]
    fn scheme_is_case_insensitive() {
        assert_eq!(bearer_token(&with_auth("bEARER abc")), Some("abc"));
        assert_eq!(bearer_token(&with_auth("Bearer abc")), Some("abc"));
        assert_eq!(bearer_token(&with_auth("DPoP abc")), None);
        assert_eq!(bearer_token(&with_auth("Bearer")), None);
        assert_eq!(bearer_token(&HeaderMap::new()), None);
    }
}
