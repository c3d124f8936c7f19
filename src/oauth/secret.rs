//! Secrets that must never be printed: Debug and Display show only a short hash.

use std::fmt;

use sha2::{Digest, Sha256};

/// A secret string (private key PEM, access token, assertion). Redacted in Debug.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }

    /// The secret itself, for the one place that must use it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({})", short_hash(&self.0))
    }
}

/// `sha256:` and the first 12 hex digits of SHA-256: enough to tell two secrets apart in a
/// report, useless to an attacker.
pub fn short_hash(s: &str) -> String {
    let digest = Sha256::digest(s.as_bytes());
    let hex: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let s = Secret::new("top-secret-token");
        let shown = format!("{s:?}");
        assert!(!shown.contains("top-secret"));
        assert_eq!(shown, format!("Secret({})", short_hash("top-secret-token")));
    }
}
