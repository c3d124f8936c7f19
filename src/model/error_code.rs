//! OAuth error codes (RFC 6749 §5.2, RFC 8707 §2) and their character rules: one type for the
//! harness's expectations and the mock's answers.

use std::fmt;

use serde::Deserialize;

/// An OAuth `error` value. Any string is one: the codes the RFCs name have variants, the rest
/// are [`ErrorCode::Extension`]s, so scenario files may name extension codes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(from = "String")]
pub enum ErrorCode {
    InvalidRequest,
    InvalidClient,
    InvalidGrant,
    UnauthorizedClient,
    UnsupportedGrantType,
    InvalidScope,
    /// RFC 8707 §2: a `resource` the server does not serve.
    InvalidTarget,
    /// The server could not handle the request (RFC 6749 §4.1.2.1).
    ServerError,
    /// Any other value (RFC 6749 §8.5 extensions, e.g. `invalid_token`, `invalid_dpop_proof`).
    Extension(String),
}

impl ErrorCode {
    pub fn parse(s: &str) -> ErrorCode {
        match s {
            "invalid_request" => ErrorCode::InvalidRequest,
            "invalid_client" => ErrorCode::InvalidClient,
            "invalid_grant" => ErrorCode::InvalidGrant,
            "unauthorized_client" => ErrorCode::UnauthorizedClient,
            "unsupported_grant_type" => ErrorCode::UnsupportedGrantType,
            "invalid_scope" => ErrorCode::InvalidScope,
            "invalid_target" => ErrorCode::InvalidTarget,
            "server_error" => ErrorCode::ServerError,
            other => ErrorCode::Extension(other.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            ErrorCode::InvalidRequest => "invalid_request",
            ErrorCode::InvalidClient => "invalid_client",
            ErrorCode::InvalidGrant => "invalid_grant",
            ErrorCode::UnauthorizedClient => "unauthorized_client",
            ErrorCode::UnsupportedGrantType => "unsupported_grant_type",
            ErrorCode::InvalidScope => "invalid_scope",
            ErrorCode::InvalidTarget => "invalid_target",
            ErrorCode::ServerError => "server_error",
            ErrorCode::Extension(s) => s,
        }
    }
}

impl From<String> for ErrorCode {
    fn from(s: String) -> ErrorCode {
        ErrorCode::parse(&s)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// RFC 6749 App. A.7 (`error`) and A.8 (`error_description`): `%x20-21 / %x23-5B / %x5D-7E`.
pub fn is_nqschar(c: char) -> bool {
    matches!(c, '\x20'..='\x21' | '\x23'..='\x5B' | '\x5D'..='\x7E')
}

/// RFC 6749 App. A.9 (`error_uri`): `%x21 / %x23-5B / %x5D-7E`.
pub fn is_uri_char(c: char) -> bool {
    matches!(c, '\x21' | '\x23'..='\x5B' | '\x5D'..='\x7E')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_known_and_extension_codes() {
        for s in ["invalid_client", "invalid_target", "invalid_token"] {
            assert_eq!(ErrorCode::parse(s).as_str(), s);
        }
        assert_eq!(
            ErrorCode::parse("invalid_token"),
            ErrorCode::Extension("invalid_token".into())
        );
    }

    #[test]
    fn character_rules() {
        assert!("invalid_client".chars().all(is_nqschar));
        assert!(!is_nqschar('"'));
        assert!(!is_nqschar('\\'));
        assert!(!is_nqschar('\n'));
        assert!(!is_uri_char(' '));
    }
}
