//! A fetched metadata document as the discovery judges see it, and the small helpers they share.

use serde_json::{Map, Value};

use crate::config::Profile;
use crate::model::Severity;
use crate::model::check_id::MetadataCheck;

/// Which document a step fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Document {
    Discovery,
    Jwks,
}

/// A fetched document as the judge sees it.
#[derive(Debug, Clone, Copy)]
pub struct Fetched<'a> {
    pub status: u16,
    /// The `Content-Type` header as sent, if any.
    pub content_type: Option<&'a str>,
    pub body: &'a [u8],
}

/// Everything a metadata judgement needs.
pub struct MetadataInput<'a> {
    /// The catalogue row to check (the scenario's `metadata_check`).
    pub row: MetadataCheck,
    pub document: Document,
    pub fetched: Fetched<'a>,
    /// The target file's discovery URL (the well-known URL form and the issuer it implies).
    pub discovery_url: &'a str,
    /// Authentication methods of the target's clients (`private_key_jwt`, `tls_client_auth`).
    pub auth_methods: &'a [&'a str],
    /// The scenario's severity: a `warn` scenario never fails.
    pub severity: Severity,
    pub profile: Profile,
}

/// What was received, in one line: status, content type and the start of the body.
pub fn describe(f: &Fetched<'_>) -> String {
    let text = String::from_utf8_lossy(f.body);
    let mut start: String = text.chars().take(60).collect();
    if text.chars().count() > 60 {
        start.push('…');
    }
    format!(
        "HTTP {}, {}, body `{}`",
        f.status,
        f.content_type.unwrap_or("no Content-Type"),
        start.replace(['\r', '\n'], " ")
    )
}

/// The body as a JSON object, if it is one.
pub fn object(f: &Fetched<'_>) -> Option<Map<String, Value>> {
    match serde_json::from_slice::<Value>(f.body) {
        Ok(Value::Object(map)) => Some(map),
        _ => None,
    }
}

/// A list of names for a message: `[a, b]`.
pub fn list(items: &[&str]) -> String {
    format!("[{}]", items.join(", "))
}
