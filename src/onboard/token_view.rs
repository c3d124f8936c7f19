//! A token endpoint's answer read as granted or refused, and the forms `ofpc token` prints:
//! the raw token, the JSON as received, shell assignments, and the decoded view of a JWT access
//! token with its certificate binding. Pure.

use serde_json::{Map, Value};

use crate::jose::inspect::decode_parts;

/// What the token endpoint said.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// HTTP 200 with a string `access_token`: the response object.
    Granted(Map<String, Value>),
    Refused {
        status: u16,
        error: Option<String>,
        description: Option<String>,
    },
}

/// Reads a token response (RFC 6749 §5.1, §5.2).
pub fn read_answer(status: u16, body: &[u8]) -> Answer {
    let json: Option<Map<String, Value>> = match serde_json::from_slice(body) {
        Ok(Value::Object(map)) => Some(map),
        _ => None,
    };
    let text = |name: &str| {
        json.as_ref()
            .and_then(|m| m.get(name))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    match &json {
        Some(map) if status == 200 && map.get("access_token").is_some_and(Value::is_string) => {
            Answer::Granted(map.clone())
        }
        _ => Answer::Refused {
            status,
            error: text("error"),
            description: text("error_description"),
        },
    }
}

/// The access token of a granted answer.
pub fn access_token(granted: &Map<String, Value>) -> &str {
    granted
        .get("access_token")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// Quotes for a POSIX shell: single quotes, `'` as `'\''`.
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

fn member_text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// `OFPC_ACCESS_TOKEN=...` lines for `eval "$(ofpc token --format env)"`.
pub fn env_lines(granted: &Map<String, Value>) -> String {
    ["access_token", "token_type", "expires_in", "scope"]
        .iter()
        .map(|name| {
            format!(
                "OFPC_{}={}\n",
                name.to_ascii_uppercase(),
                shell_quote(&member_text(granted.get(*name)))
            )
        })
        .collect()
}

/// The decoded view of a JWT access token, or why there is none.
pub fn decode_view(token: &str, transport_x5t: &str) -> String {
    let Some((header, claims)) = decode_parts(token) else {
        return "the access token is opaque (not a JWT): nothing to decode; the resource server \
                checks its certificate binding by introspection\n"
            .to_string();
    };
    let pretty = |v: &Value| serde_json::to_string_pretty(v).unwrap_or_default();
    let binding = match claims
        .get("cnf")
        .and_then(|c| c.get("x5t#S256"))
        .and_then(Value::as_str)
    {
        Some(t) if t == transport_x5t => {
            format!("cnf.x5t#S256 {t} matches the transport certificate")
        }
        Some(t) => {
            format!("cnf.x5t#S256 {t} does NOT match the transport certificate ({transport_x5t})")
        }
        None => "no cnf.x5t#S256: the token is not bound to a certificate".to_string(),
    };
    format!(
        "header: {}\nclaims: {}\n{binding}\n",
        pretty(&header),
        pretty(&claims)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    #[test]
    fn granted_and_refused() {
        let granted = read_answer(200, br#"{"access_token":"t","token_type":"Bearer"}"#);
        let Answer::Granted(map) = &granted else {
            panic!("{granted:?}")
        };
        assert_eq!(access_token(map), "t");
        assert_eq!(
            read_answer(
                401,
                br#"{"error":"invalid_client","error_description":"no"}"#
            ),
            Answer::Refused {
                status: 401,
                error: Some("invalid_client".into()),
                description: Some("no".into())
            }
        );
        assert_eq!(
            read_answer(200, b"<html>"),
            Answer::Refused {
                status: 200,
                error: None,
                description: None
            }
        );
    }

    #[test]
    fn env_lines_quote_for_the_shell() {
        let Answer::Granted(map) = read_answer(
            200,
            br#"{"access_token":"a'b","token_type":"Bearer","expires_in":600}"#,
        ) else {
            panic!("granted")
        };
        assert_eq!(
            env_lines(&map),
            "OFPC_ACCESS_TOKEN='a'\\''b'\nOFPC_TOKEN_TYPE='Bearer'\nOFPC_EXPIRES_IN='600'\nOFPC_SCOPE=''\n"
        );
    }

    #[test]
    fn decodes_binding() {
        let jwt = format!(
            "{}.{}.sig",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"ES256"}"#),
            URL_SAFE_NO_PAD.encode(br#"{"cnf":{"x5t#S256":"abc"}}"#)
        );
        assert!(
            decode_view(&jwt, "abc")
                .ends_with("cnf.x5t#S256 abc matches the transport certificate\n")
        );
        assert!(decode_view(&jwt, "xyz").contains("does NOT match"));
        assert!(decode_view("opaque", "abc").starts_with("the access token is opaque"));
    }
}
