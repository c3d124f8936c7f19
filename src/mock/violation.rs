//! Every reason the token endpoint refuses a request, and the one table mapping each to its
//! HTTP status and OAuth error code (RFC 6749 §5.2).

use http::StatusCode;

use crate::model::ErrorCode;
use crate::model::error_code::is_nqschar;

/// One broken rule, found by the token endpoint's pipeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Violation {
    MethodNotAllowed,
    ContentType,
    MalformedBody,
    RepeatedParameter(String),
    MissingGrantType,
    PasswordGrant,
    UnsupportedGrantType,
    AuthorizationHeader,
    ClientSecret,
    AssertionType,
    MissingAssertion,
    MalformedAssertion,
    UnknownClient,
    WrongAuthMethod,
    PrivateKeyJwtRejected,
    TlsClientAuthRejected,
    AlgNotAllowed,
    KidMismatch,
    BadSignature,
    CritUnsupported,
    TypNotAllowed,
    IssMismatch,
    SubMismatch,
    AudMismatch,
    MissingExp,
    Expired,
    ExpTooFar,
    IssuedInFuture,
    NotYetValid,
    MissingJti,
    JtiReplayed,
    ReplayCacheFull,
    ClientIdMismatch,
    MissingClientId,
    NoClientCertificate,
    SubjectMismatch,
    /// The client certificate does not chain to the mock's CA.
    UntrustedClientCertificate,
    /// The client certificate is expired or not yet valid.
    ClientCertificateOutsideValidity,
    UnboundToken,
    InvalidScope,
    /// A parameter the mock does not know (only under `reject-unknown-params`).
    UnknownParameter(String),
    /// A `resource` (RFC 8707) the mock does not serve.
    InvalidTarget,
    /// The mock could not mint a token (random source or signing failed).
    TokenIssuance,
}

/// What a violation is answered with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub status: StatusCode,
    pub code: ErrorCode,
    /// RFC 6749 A.8 characters only.
    pub description: String,
}

/// Keeps only RFC 6749 A.8 characters (`%x20-21 / %x23-5B / %x5D-7E`), at most 64 of them.
fn a8(text: &str) -> String {
    text.chars().filter(|c| is_nqschar(*c)).take(64).collect()
}

impl From<&Violation> for Outcome {
    fn from(v: &Violation) -> Outcome {
        use ErrorCode::*;
        use Violation as V;
        let (status, code, description) = match v {
            V::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                InvalidRequest,
                "the token endpoint accepts only POST".to_owned(),
            ),
            V::ContentType => (
                StatusCode::BAD_REQUEST,
                InvalidRequest,
                "the body must be application/x-www-form-urlencoded".to_owned(),
            ),
            V::MalformedBody => (
                StatusCode::BAD_REQUEST,
                InvalidRequest,
                "the form body is not valid percent-encoded UTF-8".to_owned(),
            ),
            V::RepeatedParameter(name) => (
                StatusCode::BAD_REQUEST,
                InvalidRequest,
                format!("parameter repeated: {}", a8(name)),
            ),
            V::MissingGrantType => (
                StatusCode::BAD_REQUEST,
                InvalidRequest,
                "grant_type is missing".to_owned(),
            ),
            V::PasswordGrant => (
                StatusCode::BAD_REQUEST,
                UnsupportedGrantType,
                "the password grant is not supported".to_owned(),
            ),
            V::UnsupportedGrantType => (
                StatusCode::BAD_REQUEST,
                UnsupportedGrantType,
                "only client_credentials is supported".to_owned(),
            ),
            V::AuthorizationHeader => (
                StatusCode::UNAUTHORIZED,
                InvalidClient,
                "client authentication by the Authorization header is not supported".to_owned(),
            ),
            V::ClientSecret => (
                StatusCode::UNAUTHORIZED,
                InvalidClient,
                "client secrets are not supported".to_owned(),
            ),
            V::AssertionType => (
                StatusCode::UNAUTHORIZED,
                InvalidClient,
                "client_assertion_type must be the jwt-bearer URN".to_owned(),
            ),
            V::MissingAssertion => (
                StatusCode::UNAUTHORIZED,
                InvalidClient,
                "client_assertion is missing".to_owned(),
            ),
            V::MalformedAssertion => (
                StatusCode::UNAUTHORIZED,
                InvalidClient,
                "client_assertion is not one compact JWS".to_owned(),
            ),
            V::UnknownClient => (
                StatusCode::UNAUTHORIZED,
                InvalidClient,
                "unknown client".to_owned(),
            ),
            V::WrongAuthMethod => (
                StatusCode::UNAUTHORIZED,
                InvalidClient,
                "the client is not registered for this authentication method".to_owned(),
            ),
            V::PrivateKeyJwtRejected => (
                StatusCode::UNAUTHORIZED,
                InvalidClient,
                "private_key_jwt authentication failed".to_owned(),
            ),
            V::TlsClientAuthRejected => (
                StatusCode::UNAUTHORIZED,
                InvalidClient,
                "tls_client_auth authentication failed".to_owned(),
            ),
            V::AlgNotAllowed => (
                StatusCode::UNAUTHORIZED,
                InvalidClient,
                "the assertion must be signed with PS256 or ES256".to_owned(),
            ),
            V::KidMismatch => (
                StatusCode::UNAUTHORIZED,
                InvalidClient,
                "the assertion kid is not the registered key".to_owned(),
            ),
            V::BadSignature => (
                StatusCode::UNAUTHORIZED,
                InvalidClient,
                "the assertion signature does not verify".to_owned(),
            ),
            V::CritUnsupported => (
                StatusCode::UNAUTHORIZED,
                InvalidClient,
                "the assertion has critical header parameters".to_owned(),
            ),
            V::TypNotAllowed => (
                StatusCode::UNAUTHORIZED,
                InvalidClient,
                "the assertion typ is not allowed".to_owned(),
            ),
            V::IssMismatch => (
                StatusCode::UNAUTHORIZED,
                InvalidClient,
                "the assertion iss must be the client_id".to_owned(),
            ),
            V::SubMismatch => (
                StatusCode::UNAUTHORIZED,
                InvalidClient,
                "the assertion sub must be the client_id".to_owned(),
            ),
            V::AudMismatch => (
                StatusCode::UNAUTHORIZED,
                InvalidClient,
                "the assertion aud must be the issuer as a string".to_owned(),
            ),
            V::MissingExp => (
                StatusCode::UNAUTHORIZED,
                InvalidClient,
                "the assertion has no exp".to_owned(),
            ),
            V::Expired => (
                StatusCode::UNAUTHORIZED,
                InvalidClient,
                "the assertion has expired".to_owned(),
            ),
            V::ExpTooFar => (
                StatusCode::UNAUTHORIZED,
                InvalidClient,
                "the assertion exp is more than an hour ahead".to_owned(),
            ),
            V::IssuedInFuture => (
                StatusCode::UNAUTHORIZED,
                InvalidClient,
                "the assertion iat is in the future".to_owned(),
            ),
            V::NotYetValid => (
                StatusCode::UNAUTHORIZED,
                InvalidClient,
                "the assertion nbf is in the future".to_owned(),
            ),
            V::MissingJti => (
                StatusCode::UNAUTHORIZED,
                InvalidClient,
                "the assertion has no jti".to_owned(),
            ),
            V::JtiReplayed => (
                StatusCode::UNAUTHORIZED,
                InvalidClient,
                "the assertion jti was already used".to_owned(),
            ),
            V::ReplayCacheFull => (
                StatusCode::UNAUTHORIZED,
                InvalidClient,
                "too many live assertions, retry later".to_owned(),
            ),
            V::ClientIdMismatch => (
                StatusCode::UNAUTHORIZED,
                InvalidClient,
                "client_id does not name the authenticated client".to_owned(),
            ),
            V::MissingClientId => (
                StatusCode::UNAUTHORIZED,
                InvalidClient,
                "client_id is missing".to_owned(),
            ),
            V::NoClientCertificate => (
                StatusCode::UNAUTHORIZED,
                InvalidClient,
                "no TLS client certificate was presented".to_owned(),
            ),
            V::SubjectMismatch => (
                StatusCode::UNAUTHORIZED,
                InvalidClient,
                "the certificate subject is not the registered DN".to_owned(),
            ),
            V::UntrustedClientCertificate => (
                StatusCode::UNAUTHORIZED,
                InvalidClient,
                "the TLS client certificate is not issued by a trusted CA".to_owned(),
            ),
            V::ClientCertificateOutsideValidity => (
                StatusCode::UNAUTHORIZED,
                InvalidClient,
                "the TLS client certificate is expired or not yet valid".to_owned(),
            ),
            V::UnboundToken => (
                StatusCode::BAD_REQUEST,
                InvalidRequest,
                "a TLS client certificate is required to bind the token".to_owned(),
            ),
            V::InvalidScope => (
                StatusCode::BAD_REQUEST,
                InvalidScope,
                "the requested scope is unknown or not granted".to_owned(),
            ),
            V::UnknownParameter(name) => (
                StatusCode::BAD_REQUEST,
                InvalidRequest,
                format!("unknown parameter: {}", a8(name)),
            ),
            V::InvalidTarget => (
                StatusCode::BAD_REQUEST,
                InvalidTarget,
                "the resource is not served by this authorization server".to_owned(),
            ),
            V::TokenIssuance => (
                StatusCode::INTERNAL_SERVER_ERROR,
                ServerError,
                "the access token could not be issued".to_owned(),
            ),
        };
        Outcome {
            status,
            code,
            description,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_invalid_client_is_401_and_descriptions_are_a8() {
        let all = [
            Violation::MethodNotAllowed,
            Violation::RepeatedParameter("a\"b\\c\u{7}".into()),
            Violation::MissingGrantType,
            Violation::UnknownClient,
            Violation::UnboundToken,
            Violation::InvalidScope,
        ];
        for v in &all {
            let o = Outcome::from(v);
            if o.status == StatusCode::UNAUTHORIZED {
                assert_eq!(o.code, ErrorCode::InvalidClient);
            }
            assert_eq!(a8(&o.description), o.description, "{v:?}");
        }
        assert_eq!(
            Outcome::from(&Violation::RepeatedParameter("a\"b".into())).description,
            "parameter repeated: ab"
        );
    }
}
