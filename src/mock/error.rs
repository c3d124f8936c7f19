//! Errors of the mock itself (start-up, key material), as opposed to protocol violations.

use crate::pki::generate::PkiError;

/// A failure to start or run the mock.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MockError {
    #[error("failed to generate the mock PKI")]
    Pki(#[from] PkiError),
    #[error("failed to bind 127.0.0.1:{port}: {message}")]
    Bind { port: u16, message: String },
    #[error("failed to configure TLS: {0}")]
    Tls(String),
    #[error("failed to load key material: {0}")]
    Key(String),
}
