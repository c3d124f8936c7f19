//! Normalise a step's outcome into a stable value: what a conformant server must keep the same
//! from run to run (status, the headers that matter, error codes), with every volatile value
//! (tokens, ids, times) masked.
//!
//! Keys come out sorted: serde_json's `Map` is a `BTreeMap` (the `preserve_order` feature is
//! not enabled in this build; a test pins the order).

use serde_json::{Map, Value};

use crate::model::{Outcome, ResponseRecord};

/// Replaces a token value (`access_token`, `refresh_token`, `id_token`).
pub const TOKEN: &str = "[token]";
/// Replaces a volatile string: UUID, JWT, date/time, long random token.
pub const MASKED: &str = "[masked]";
/// Replaces a number under `iat`, `exp`, `nbf`, `expires_at`.
pub const TIME: &str = "[time]";
/// Longest non-JSON body kept, in characters.
pub const MAX_TEXT_CHARS: usize = 200;

const TOKEN_KEYS: [&str; 3] = ["access_token", "refresh_token", "id_token"];
const TIME_KEYS: [&str; 4] = ["iat", "exp", "nbf", "expires_at"];
const KEPT_KEYS: [&str; 4] = ["expires_in", "token_type", "scope", "error"];

/// The normalised form of one step's outcome.
pub fn normalise(outcome: &Outcome) -> Value {
    let mut map = Map::new();
    match outcome {
        Outcome::Response(response) => {
            map.insert("status".into(), Value::from(response.status));
            map.insert("headers".into(), Value::Object(headers(response)));
            map.insert("body".into(), body(&response.body));
        }
        Outcome::Transport(transport) => {
            map.insert("transport".into(), Value::from(transport.class.as_str()));
        }
        Outcome::Skipped { .. } => {
            map.insert("skipped".into(), Value::Bool(true));
        }
    }
    Value::Object(map)
}

fn header<'a>(response: &'a ResponseRecord, name: &str) -> Option<String> {
    let values: Vec<&'a str> = response
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
        .collect();
    (!values.is_empty()).then(|| values.join(", "))
}

fn headers(response: &ResponseRecord) -> Map<String, Value> {
    let mut map = Map::new();
    if let Some(content_type) = header(response, "content-type") {
        let media_type = content_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        map.insert("content-type".into(), Value::from(media_type));
    }
    for name in ["cache-control", "pragma"] {
        if let Some(value) = header(response, name) {
            map.insert(name.into(), Value::from(value.to_ascii_lowercase()));
        }
    }
    if let Some(value) = header(response, "www-authenticate") {
        map.insert("www-authenticate".into(), Value::from(mask_text(&value)));
    }
    map.insert(
        "x-fapi-interaction-id".into(),
        Value::Bool(header(response, "x-fapi-interaction-id").is_some()),
    );
    map
}

fn body(text: &str) -> Value {
    let trimmed = text.trim();
    if trimmed.starts_with(['{', '['])
        && let Ok(json) = serde_json::from_str::<Value>(trimmed)
    {
        return mask_json(None, json);
    }
    let masked = mask_text(trimmed);
    Value::from(match masked.char_indices().nth(MAX_TEXT_CHARS) {
        Some((i, _)) => masked[..i].to_owned(),
        None => masked,
    })
}

fn mask_json(key: Option<&str>, value: Value) -> Value {
    match (key, value) {
        (Some(k), _) if TOKEN_KEYS.contains(&k) => Value::from(TOKEN),
        (Some(k), Value::Number(_)) if TIME_KEYS.contains(&k) => Value::from(TIME),
        (Some(k), v) if KEPT_KEYS.contains(&k) => v,
        (Some("error_description"), Value::String(s)) => Value::from(mask_uuids(&s)),
        (_, Value::String(s)) => Value::from(mask_string(&s)),
        (_, Value::Array(items)) => {
            Value::Array(items.into_iter().map(|v| mask_json(None, v)).collect())
        }
        (_, Value::Object(map)) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let v = mask_json(Some(&k), v);
                    (k, v)
                })
                .collect(),
        ),
        (_, v) => v,
    }
}

/// A whole string value: masked entirely if it looks volatile, else masked word by word.
fn mask_string(s: &str) -> String {
    if is_volatile(s.trim()) {
        MASKED.to_owned()
    } else {
        mask_text(s)
    }
}

/// Masks every volatile word in free text. A word is a run of `[A-Za-z0-9._~+/=:-]`;
/// trailing `.` and `:` (sentence punctuation) are not part of it.
pub fn mask_text(text: &str) -> String {
    mask_words(text, is_volatile)
}

fn mask_uuids(text: &str) -> String {
    mask_words(text, is_uuid)
}

fn mask_words(text: &str, volatile: fn(&str) -> bool) -> String {
    let is_word_char = |c: char| {
        c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '~' | '+' | '/' | '=' | ':' | '-')
    };
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let start = rest.find(is_word_char).unwrap_or(rest.len());
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find(|c: char| !is_word_char(c)).unwrap_or(rest.len());
        let run = &rest[..end];
        let word = run.trim_end_matches(['.', ':']);
        if volatile(word) {
            out.push_str(MASKED);
        } else {
            out.push_str(word);
        }
        out.push_str(&run[word.len()..]);
        rest = &rest[end..];
    }
    out
}

fn is_volatile(s: &str) -> bool {
    is_uuid(s) || is_jwt(s) || is_date(s) || is_random_token(s)
}

fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

fn is_base64url(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

/// A JWS (3 parts) or JWE (5 parts) in compact form, with a JSON header (`eyJ`).
fn is_jwt(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    s.starts_with("eyJ")
        && (parts.len() == 3 || parts.len() == 5)
        && parts.iter().all(|p| p.chars().all(is_base64url))
}

/// `2026-11-29`, `2026-11-29T01:02:03Z`, `2026-11-29 01:02:03.123+08:00`, or an RFC 2822 /
/// HTTP date.
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    let iso = b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit)
        && (b.len() == 10 || matches!(b[10], b'T' | b't' | b' '));
    iso || time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc2822).is_ok()
}

/// At least 20 characters of base64url (or hex), with padding, that look random: they
/// contain a digit, or mix upper and lower case without word separators. This keeps
/// identifiers such as `unsupported_grant_type` or `invalid_client_assertion` readable.
fn is_random_token(s: &str) -> bool {
    let core = s.trim_end_matches('=');
    if core.len() < 20 || !core.chars().all(is_base64url) {
        return false;
    }
    let digit = core.chars().any(|c| c.is_ascii_digit());
    let upper = core.chars().any(|c| c.is_ascii_uppercase());
    let lower = core.chars().any(|c| c.is_ascii_lowercase());
    let separated = core.contains(['_', '-']);
    (digit && (upper || lower)) || (upper && lower && !separated)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::TransportRecord;

    fn response(status: u16, headers: &[(&str, &str)], body: &str) -> Outcome {
        Outcome::Response(ResponseRecord {
            status,
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            body: body.to_owned(),
            truncated: false,
            tls: None,
        })
    }

    fn granted(token: &str, interaction_id: &str, iat: u64, cnf: &str) -> Outcome {
        response(
            200,
            &[
                ("Content-Type", "application/json; charset=UTF-8"),
                ("Cache-Control", "no-store"),
                ("x-fapi-interaction-id", interaction_id),
            ],
            &format!(
                r#"{{"access_token":"{token}","token_type":"Bearer","expires_in":300,"scope":"accounts",
                "iat":{iat},"issued":"2026-11-29T01:02:{:02}Z","cnf":{{"x5t#S256":"{cnf}"}},"jti":"{interaction_id}"}}"#,
                iat % 60
            ),
        )
    }

    #[test]
    fn same_response_with_other_tokens_ids_and_times_normalises_the_same() {
        let a = normalise(&granted(
            "[sha256:9f8e7d6c]",
            "7d3c2a1e-5b4f-4c3d-9e8f-0a1b2c3d4e5f",
            1_795_000_000,
            "q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c",
        ));
        let b = normalise(&granted(
            "[sha256:00112233]",
            "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0",
            1_795_000_123,
            "Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe-Dc_Ba987654",
        ));
        assert_eq!(a, b);
        assert_eq!(
            a,
            json!({
                "status": 200,
                "headers": {
                    "content-type": "application/json",
                    "cache-control": "no-store",
                    "x-fapi-interaction-id": true,
                },
                "body": {
                    "access_token": "[token]",
                    "token_type": "Bearer",
                    "expires_in": 300,
                    "scope": "accounts",
                    "iat": "[time]",
                    "issued": "[masked]",
                    "cnf": { "x5t#S256": "[masked]" },
                    "jti": "[masked]",
                },
            })
        );
        // Sorted keys, whatever order the server used.
        assert_eq!(
            serde_json::to_string(&a["body"]).unwrap(),
            r#"{"access_token":"[token]","cnf":{"x5t#S256":"[masked]"},"expires_in":300,"iat":"[time]","issued":"[masked]","jti":"[masked]","scope":"accounts","token_type":"Bearer"}"#
        );
    }

    #[test]
    fn error_codes_are_kept_and_descriptions_lose_only_uuids() {
        let outcome = response(
            401,
            &[
                ("content-type", "application/json"),
                ("www-authenticate", r#"Bearer error="invalid_client""#),
            ],
            r#"{"error":"invalid_client","error_description":"assertion jti 9b2c1f0e-1d2e-4f3a-8b4c-5d6e7f8a9b0c was already used at 2026-11-29"}"#,
        );
        assert_eq!(
            normalise(&outcome),
            json!({
                "status": 401,
                "headers": {
                    "content-type": "application/json",
                    "www-authenticate": "Bearer error=\"invalid_client\"",
                    "x-fapi-interaction-id": false,
                },
                "body": {
                    "error": "invalid_client",
                    "error_description": "assertion jti [masked] was already used at 2026-11-29",
                },
            })
        );
    }

    #[test]
    fn text_bodies_are_masked_and_cut() {
        let body = format!(
            "  Request 9b2c1f0e-1d2e-4f3a-8b4c-5d6e7f8a9b0c rejected at 2026-11-29T01:02:03Z: token \
             eyJhbGciOiJQUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl. unsupported_grant_type.{}",
            "x".repeat(300)
        );
        let value = normalise(&response(400, &[("content-type", "text/plain")], &body));
        let text = value["body"].as_str().unwrap();
        assert_eq!(text.chars().count(), MAX_TEXT_CHARS);
        assert!(
            text.starts_with(
                "Request [masked] rejected at [masked]: token [masked]. unsupported_grant_type.xxx"
            ),
            "{text}"
        );
    }

    #[test]
    fn transport_and_skipped() {
        let transport = Outcome::Transport(TransportRecord {
            class: "tls-refused".into(),
            message: "alert 116 certificate required".into(),
        });
        assert_eq!(normalise(&transport), json!({ "transport": "tls-refused" }));
        let skipped = Outcome::Skipped {
            reason: "no second client".into(),
        };
        assert_eq!(normalise(&skipped), json!({ "skipped": true }));
    }

    #[test]
    fn volatile_string_detection() {
        for volatile in [
            "55aa605c-89ef-4473-aa88-47709f0ff383",
            "eyJhbGciOiJQUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln",
            "2026-11-29T01:02:03.123Z",
            "Sun, 29 Nov 2026 01:02:03 +0000",
            "0123456789abcdef0123456789abcdef",
            "dGhpcyBpcyBhIHJhbmRvbSB0b2tlbg==",
        ] {
            assert!(is_volatile(volatile), "{volatile}");
        }
        for stable in [
            "invalid_client",
            "unsupported_grant_type",
            "invalid_client_assertion_format",
            "client_credentials",
            "application/json",
            "Bearer",
            "accounts",
        ] {
            assert!(!is_volatile(stable), "{stable}");
        }
    }
}
