//! OAuth vocabulary: client authentication methods and redacted secrets (error codes are in
//! [`crate::model::ErrorCode`]).

pub mod secret;

pub use secret::{Secret, short_hash};

/// The client authentication methods FAPI 2.0 allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthMethod {
    PrivateKeyJwt,
    TlsClientAuth,
}

impl AuthMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthMethod::PrivateKeyJwt => "private_key_jwt",
            AuthMethod::TlsClientAuth => "tls_client_auth",
        }
    }

    pub fn parse(s: &str) -> Option<AuthMethod> {
        match s {
            "private_key_jwt" => Some(AuthMethod::PrivateKeyJwt),
            "tls_client_auth" => Some(AuthMethod::TlsClientAuth),
            _ => None,
        }
    }
}

/// `client_assertion_type` for JWT client authentication (RFC 7523 §2.2).
pub const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
