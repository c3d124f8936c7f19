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

    /// Registers every token value in a response body, without parsing it: a body that is not
    /// JSON, cut short, or form-encoded has its `access_token`, `refresh_token` and `id_token`
    /// values masked all the same.
    pub fn add_token_values(&self, body: &str) {
        for name in TOKEN_NAMES {
            for value in token_values(body, name) {
                self.add(value, name);
            }
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

/// The members whose values are secrets.
const TOKEN_NAMES: [&str; 3] = ["access_token", "refresh_token", "id_token"];

/// Every value given to `name` in `body`, read leniently: `"name" : "value"`, `name=value`,
/// `'name': value`, up to the closing quote or a separator, or to the end of a cut body.
fn token_values<'a>(body: &'a str, name: &str) -> Vec<&'a str> {
    let mut values = Vec::new();
    let mut from = 0;
    while let Some(found) = body[from..].find(name) {
        let after = from + found + name.len();
        from = after;
        let rest = body[after..].trim_start_matches(['"', '\'', '\\']);
        let rest = rest.trim_start();
        let Some(rest) = rest.strip_prefix([':', '=']) else {
            continue;
        };
        let rest = rest.trim_start();
        let (quoted, rest) = match rest.strip_prefix(['"', '\'']) {
            Some(inner) => (true, inner),
            None => (false, rest),
        };
        let end = rest
            .find(|c: char| {
                c == '"'
                    || c == '\''
                    || c == '\\'
                    || (!quoted && (c == ',' || c == '&' || c == '}' || c == ';'))
                    || c.is_whitespace()
            })
            .unwrap_or(rest.len());
        if end > 0 {
            values.push(&rest[..end]);
        }
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_values_are_found_in_bodies_that_do_not_parse() {
        let r = Redactor::default();
        for body in [
            r#"{"access_token":"AAAAbbbbCCCCdddd1","token_type":"Bearer""#,
            r#"{"token_type":"Bearer", "access_token" : "AAAAbbbbCCCCdddd2"#,
            "access_token=AAAAbbbbCCCCdddd3&token_type=Bearer",
            "<html>refresh_token: AAAAbbbbCCCCdddd4</html>",
            r#"{'id_token': 'AAAAbbbbCCCCdddd5'}"#,
        ] {
            r.add_token_values(body);
            let out = r.apply(body);
            assert!(!out.contains("AAAAbbbbCCCCdddd"), "{out}");
        }
        assert_eq!(
            token_values(
                r#"{"access_token":"abc", "x": "access_token"}"#,
                "access_token"
            ),
            vec!["abc"]
        );
    }

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
