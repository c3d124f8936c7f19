//! disc-schema: the JSON types RFC 8414 §2 (with OpenID Discovery, RFC 8705, RFC 9126,
//! RFC 9449 and RFC 9207) gives the metadata members; unknown members are a warning.

use serde_json::{Map, Value};

use super::collect::CheckList;
use crate::model::CheckId;

/// RFC 8414 §2 (and OpenID Discovery, RFC 8705, RFC 9126, RFC 9449, RFC 9207) members by type.
const URL_MEMBERS: &[&str] = &[
    "issuer",
    "authorization_endpoint",
    "token_endpoint",
    "jwks_uri",
    "registration_endpoint",
    "service_documentation",
    "op_policy_uri",
    "op_tos_uri",
    "revocation_endpoint",
    "introspection_endpoint",
    "userinfo_endpoint",
    "end_session_endpoint",
    "check_session_iframe",
    "pushed_authorization_request_endpoint",
    "device_authorization_endpoint",
    "backchannel_authentication_endpoint",
];
const ARRAY_MEMBERS: &[&str] = &[
    "scopes_supported",
    "response_types_supported",
    "response_modes_supported",
    "grant_types_supported",
    "token_endpoint_auth_methods_supported",
    "token_endpoint_auth_signing_alg_values_supported",
    "ui_locales_supported",
    "claims_locales_supported",
    "revocation_endpoint_auth_methods_supported",
    "revocation_endpoint_auth_signing_alg_values_supported",
    "introspection_endpoint_auth_methods_supported",
    "introspection_endpoint_auth_signing_alg_values_supported",
    "code_challenge_methods_supported",
    "acr_values_supported",
    "subject_types_supported",
    "id_token_signing_alg_values_supported",
    "id_token_encryption_alg_values_supported",
    "id_token_encryption_enc_values_supported",
    "userinfo_signing_alg_values_supported",
    "userinfo_encryption_alg_values_supported",
    "userinfo_encryption_enc_values_supported",
    "request_object_signing_alg_values_supported",
    "request_object_encryption_alg_values_supported",
    "request_object_encryption_enc_values_supported",
    "display_values_supported",
    "claim_types_supported",
    "claims_supported",
    "prompt_values_supported",
    "dpop_signing_alg_values_supported",
    "authorization_signing_alg_values_supported",
    "authorization_encryption_alg_values_supported",
    "authorization_encryption_enc_values_supported",
    "authorization_details_types_supported",
    "backchannel_token_delivery_modes_supported",
    "backchannel_authentication_request_signing_alg_values_supported",
];
const BOOL_MEMBERS: &[&str] = &[
    "tls_client_certificate_bound_access_tokens",
    "claims_parameter_supported",
    "request_parameter_supported",
    "request_uri_parameter_supported",
    "require_request_uri_registration",
    "require_pushed_authorization_requests",
    "require_signed_request_object",
    "authorization_response_iss_parameter_supported",
    "frontchannel_logout_supported",
    "frontchannel_logout_session_supported",
    "backchannel_logout_supported",
    "backchannel_logout_session_supported",
    "backchannel_user_code_parameter_supported",
];
const OBJECT_MEMBERS: &[&str] = &["mtls_endpoint_aliases", "signed_metadata_claims"];
const OTHER_MEMBERS: &[&str] = &["signed_metadata"];

/// BCP 47 language tag, loosely: `en`, `en-GB`, `zh-Hant-TW`.
fn is_locale(s: &str) -> bool {
    let mut parts = s.split('-');
    let first = parts.next().unwrap_or("");
    (2..=8).contains(&first.len())
        && first.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// disc-schema: member types, non-empty arrays, locale syntax; unknown members warn.
pub(super) fn judge_schema(out: &mut CheckList, doc: &Map<String, Value>) {
    let mut problems = Vec::new();
    let mut unknown = Vec::new();
    for (name, value) in doc {
        let name = name.as_str();
        if URL_MEMBERS.contains(&name) {
            if !value.is_string() {
                problems.push(format!("`{name}` is not a string"));
            }
        } else if ARRAY_MEMBERS.contains(&name) {
            match value.as_array() {
                None => problems.push(format!("`{name}` is not an array")),
                Some(a) if a.is_empty() => problems.push(format!("`{name}` is an empty array")),
                Some(a) if !a.iter().all(Value::is_string) => {
                    problems.push(format!("`{name}` has a member that is not a string"))
                }
                Some(a) if name.ends_with("_locales_supported") => {
                    for bad in a.iter().filter_map(Value::as_str).filter(|s| !is_locale(s)) {
                        problems.push(format!("`{name}` has `{bad}`, not a language tag"));
                    }
                }
                Some(_) => {}
            }
        } else if BOOL_MEMBERS.contains(&name) {
            if !value.is_boolean() {
                problems.push(format!("`{name}` is not a boolean: {value}"));
            }
        } else if OBJECT_MEMBERS.contains(&name) {
            if !value.is_object() {
                problems.push(format!("`{name}` is not a JSON object"));
            }
        } else if !OTHER_MEMBERS.contains(&name) {
            unknown.push(format!("`{name}`"));
        }
    }
    out.problems(
        CheckId::DiscSchema,
        "strings, non-empty string arrays, booleans and objects as RFC 8414 §2 defines",
        &problems,
    );
    out.push(
        CheckId::DiscSchemaUnknown,
        unknown.is_empty(),
        "only registered metadata members",
        if unknown.is_empty() {
            "none".to_string()
        } else {
            format!("unknown: {}", unknown.join(", "))
        },
    );
}

#[cfg(test)]
mod tests {
    use crate::config::Profile;
    use crate::judge::discovery::{Document, Fetched, MetadataInput, judge_metadata};
    use crate::model::{CheckStatus, Severity};
    use serde_json::{Map, Value};

    const GOOD: &str =
        r#"{"issuer": "https://as.example", "token_endpoint": "https://as.example/token"}"#;

    fn with(member: &str, value: Value) -> String {
        let mut doc: Map<String, Value> = serde_json::from_str(GOOD).unwrap();
        doc.insert(member.to_string(), value);
        Value::Object(doc).to_string()
    }

    fn judge(body: &str) -> Vec<(String, CheckStatus, String)> {
        judge_metadata(&MetadataInput {
            row: crate::model::check_id::MetadataCheck::DiscSchema,
            document: Document::Discovery,
            fetched: Fetched {
                status: 200,
                content_type: Some("application/json"),
                body: body.as_bytes(),
            },
            discovery_url: "https://as.example/.well-known/openid-configuration",
            auth_methods: &[],
            severity: Severity::Fail,
            profile: Profile::Ofm,
        })
        .into_iter()
        .map(|c| (c.id, c.status, c.actual))
        .collect()
    }

    fn one(id: &str, status: CheckStatus, actual: &str) -> (String, CheckStatus, String) {
        (id.to_string(), status, actual.to_string())
    }

    #[test]
    fn schema_types_and_unknown_members() {
        let doc = with("code_challenge_methods_supported", "S256".into());
        assert_eq!(
            judge(&doc)[0],
            one(
                "disc-schema",
                CheckStatus::Fail,
                "`code_challenge_methods_supported` is not an array"
            )
        );
        let doc = with("x_vendor", true.into());
        assert_eq!(
            judge(&doc)[1],
            one(
                "disc-schema-unknown",
                CheckStatus::Warn,
                "unknown: `x_vendor`"
            )
        );
        let doc = with(
            "ui_locales_supported",
            serde_json::json!(["en-GB", "en_GB"]),
        );
        assert_eq!(
            judge(&doc)[0].2,
            "`ui_locales_supported` has `en_GB`, not a language tag"
        );
    }
}
