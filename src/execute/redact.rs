//! Redaction by construction: every secret the run handles (assertion signatures, access tokens)
//! is registered here before anything is recorded, and every recorded text passes through it.

use std::sync::Mutex;

use crate::oauth::short_hash;

#[derive(Default)]
pub struct Redactor {
    secrets: Mutex<Vec<(String, String)>>,
}

impl Redactor {
    /// Registers a secret and what to show instead.
    pub fn add(&self, secret: &str, kind: &str) {
        if secret.len() < 8 {
            return;
        }
        let mut secrets = self.secrets.lock().unwrap_or_else(|p| p.into_inner());
        if secrets.iter().any(|(s, _)| s == secret) {
            return;
        }
        secrets.push((
            secret.to_string(),
            format!("[{kind} {}]", short_hash(secret)),
        ));
        // Longest first, so a token that contains another secret is replaced whole.
        secrets.sort_by_key(|(s, _)| std::cmp::Reverse(s.len()));
    }

    /// Registers the signature of a compact JWS (header and claims stay readable).
    pub fn add_assertion(&self, jws: &str) {
        if let Some(sig) = crate::jose::inspect::signature_part(jws) {
            self.add(sig, "signature");
        }
    }

    /// Replaces every registered secret in `text`.
    pub fn apply(&self, text: &str) -> String {
        let secrets = self.secrets.lock().unwrap_or_else(|p| p.into_inner());
        let mut out = text.to_string();
        for (secret, shown) in secrets.iter() {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), shown);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_tokens_and_signatures() {
        let r = Redactor::default();
        r.add("abcdefghijklmnop", "token");
        r.add_assertion("eyJh.eyJi.SIGNATURE-BYTES");
        let out =
            r.apply("access_token=abcdefghijklmnop&client_assertion=eyJh.eyJi.SIGNATURE-BYTES");
        assert!(!out.contains("abcdefghijklmnop"));
        assert!(!out.contains("SIGNATURE-BYTES"));
        assert!(out.contains("eyJh.eyJi.[signature sha256:"));
    }
}
