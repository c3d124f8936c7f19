//! The target's own origin in snapshots: the built-in mock listens on a random port, so its
//! discovery URLs differ on every run. Each host:port of the target (from its issuer and token
//! endpoints) is replaced by a stable label before snapshots are compared, so a run against the
//! mock does not drift from a baseline taken against another instance of it: `https://host:port`
//! becomes `[origin]` (as in the committed snapshots under `fixtures/snapshots/`), the bare
//! `host:port` elsewhere (an `http://` URL) `[origin-host]`; a second origin `[origin-2]`.

use serde_json::Value;

/// The host:port the target's URLs name, each with the label that replaces it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TargetOrigins {
    /// (text, label), longest text first so none is replaced inside a longer one: each
    /// `https://host:port` and each bare `host:port`.
    replacements: Vec<(String, String)>,
}

/// The authority (`host:port`) of an absolute URL, without user information.
fn authority(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
    (!authority.is_empty()).then_some(authority)
}

impl TargetOrigins {
    /// The origins of `urls` (issuer first): the first is `[origin]`, others `[origin-2]`, ...
    pub fn new<'a>(urls: impl IntoIterator<Item = &'a str>) -> TargetOrigins {
        let mut found: Vec<String> = Vec::new();
        for a in urls.into_iter().filter_map(authority) {
            if !found.iter().any(|f| f == a) {
                found.push(a.to_owned());
            }
        }
        let mut replacements = Vec::new();
        for (i, a) in found.into_iter().enumerate() {
            let label = if i == 0 {
                "origin".to_owned()
            } else {
                format!("origin-{}", i + 1)
            };
            replacements.push((format!("https://{a}"), format!("[{label}]")));
            replacements.push((a, format!("[{label}-host]")));
        }
        replacements.sort_by_key(|r| std::cmp::Reverse(r.0.len()));
        TargetOrigins { replacements }
    }

    /// `value` with every string's target authorities replaced by their labels.
    pub fn mask(&self, value: Value) -> Value {
        match value {
            Value::String(s) => Value::String(self.mask_str(&s)),
            Value::Array(items) => Value::Array(items.into_iter().map(|v| self.mask(v)).collect()),
            Value::Object(map) => {
                Value::Object(map.into_iter().map(|(k, v)| (k, self.mask(v))).collect())
            }
            v => v,
        }
    }

    fn mask_str(&self, s: &str) -> String {
        let mut out = s.to_owned();
        for (text, label) in &self.replacements {
            if out.contains(text.as_str()) {
                out = out.replace(text.as_str(), label);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn two_mock_instances_mask_to_the_same_snapshot() {
        let snapshot = |port: u16, mtls: u16| {
            let origins = TargetOrigins::new([
                format!("https://127.0.0.1:{port}").as_str(),
                format!("https://127.0.0.1:{port}/token").as_str(),
                format!("https://127.0.0.1:{mtls}/mtls/token").as_str(),
            ]);
            origins.mask(json!({
                "status": 200,
                "body": {
                    "issuer": format!("https://127.0.0.1:{port}"),
                    "registration_endpoint": format!("http://127.0.0.1:{port}/register"),
                    "mtls_endpoint_aliases": { "token_endpoint": format!("https://127.0.0.1:{mtls}/mtls/token") },
                    "scopes_supported": ["accounts"],
                }
            }))
        };
        let one = snapshot(44539, 44540);
        assert_eq!(one, snapshot(3124, 3125));
        assert_eq!(
            one,
            json!({
                "status": 200,
                "body": {
                    "issuer": "[origin]",
                    "registration_endpoint": "http://[origin-host]/register",
                    "mtls_endpoint_aliases": { "token_endpoint": "[origin-2]/mtls/token" },
                    "scopes_supported": ["accounts"],
                }
            })
        );
    }

    #[test]
    fn a_longer_authority_is_not_cut_by_a_shorter_one() {
        let origins = TargetOrigins::new(["https://as.example:443", "https://as.example:4431/t"]);
        assert_eq!(
            origins.mask(json!(
                "https://as.example:4431/t and https://as.example:443/ (as.example:443)"
            )),
            json!("[origin-2]/t and [origin]/ ([origin-host])")
        );
        assert_eq!(authority("https://user:pw@h:1/x"), Some("h:1"));
        assert_eq!(authority("not a url"), None);
        assert_eq!(TargetOrigins::new([""]), TargetOrigins::default());
    }
}
