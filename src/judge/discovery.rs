//! The discovery checks (check catalogue §6.2): pure functions over a fetched metadata document
//! (status, content type, JSON), one per catalogue row, chosen by the scenario's `metadata_check`. The
//! disc-schema member types live in `metadata_schema.rs`, the disc-jwks key checks in `jwks.rs`.

use serde_json::{Map, Value};

use super::collect::CheckList;
pub use super::document::{Document, Fetched, MetadataInput, describe};
use super::document::{list, object};
use crate::model::check_id::MetadataCheck;
use crate::model::{CheckId, CheckResult};

/// The media type of a `Content-Type` value, lowercased, without parameters.
fn media_type(content_type: Option<&str>) -> Option<String> {
    content_type.map(|v| {
        v.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    })
}

/// Why `s` is not an absolute https URL (with `strict`: also no query), if it is not.
pub fn https_url_problem(s: &str, no_query: bool) -> Option<String> {
    let Some(rest) = s.strip_prefix("https://") else {
        return Some(format!("`{s}` is not an https URL"));
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.is_empty() || authority.contains('@') {
        return Some(format!("`{s}` has no valid host"));
    }
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some(format!("`{s}` contains whitespace"));
    }
    if s.contains('#') {
        return Some(format!("`{s}` has a fragment"));
    }
    if no_query && s.contains('?') {
        return Some(format!("`{s}` has a query"));
    }
    None
}

/// The issuer a well-known URL implies (RFC 8414 §3, §3.3; OpenID Discovery §4), or why none.
pub fn issuer_from_discovery_url(url: &str) -> Result<String, String> {
    const OAUTH: &str = "/.well-known/oauth-authorization-server";
    const OIDC: &str = "/.well-known/openid-configuration";
    let url = url.split(['?', '#']).next().unwrap_or(url);
    let Some(scheme_end) = url.find("://") else {
        return Err(format!("`{url}` is not an absolute URL"));
    };
    let after = &url[scheme_end + 3..];
    let path_start = after.find('/').map_or(url.len(), |i| scheme_end + 3 + i);
    let (origin, path) = url.split_at(path_start);
    if let Some(suffix) = path.strip_prefix(OAUTH)
        && (suffix.is_empty() || suffix.starts_with('/'))
    {
        return Ok(format!("{origin}{suffix}"));
    }
    if let Some(prefix) = path.strip_suffix(OIDC) {
        return Ok(format!("{origin}{prefix}"));
    }
    Err(format!(
        "`{url}` is neither `{{origin}}{OAUTH}{{path}}` nor `{{issuer}}{OIDC}`"
    ))
}

/// Judges one fetched document against the row named by `input.row`.
pub fn judge_metadata(input: &MetadataInput<'_>) -> Vec<CheckResult> {
    let mut out = CheckList::new(input.severity);
    let f = &input.fetched;
    if input.document == Document::Jwks {
        super::jwks::judge_jwks(&mut out, input);
        return out.checks;
    }
    if input.row == MetadataCheck::DiscFetch {
        fetch(&mut out, input);
        return out.checks;
    }
    let Some(doc) = object(f).filter(|_| f.status == 200) else {
        out.push(
            CheckId::DiscDocument,
            false,
            "HTTP 200 with a JSON object",
            describe(f),
        );
        return out.checks;
    };
    match input.row {
        MetadataCheck::DiscFetch => {}
        MetadataCheck::DiscIssuerMatch => issuer_match(&mut out, &doc, input.discovery_url),
        MetadataCheck::DiscIssuerUrl => issuer_url(&mut out, &doc),
        MetadataCheck::DiscSchema => super::metadata_schema::judge_schema(&mut out, &doc),
        MetadataCheck::DiscTokenEndpoint => token_endpoint(&mut out, &doc),
        MetadataCheck::DiscAuthMethods => auth_methods(&mut out, &doc, input.auth_methods),
        MetadataCheck::DiscAuthMethodsWeak => auth_methods_weak(&mut out, &doc),
        MetadataCheck::DiscAuthSigningAlgs => signing_algs(&mut out, &doc),
        MetadataCheck::DiscMtlsBound => mtls_bound(&mut out, &doc),
        MetadataCheck::DiscGrantCc => grant_cc(&mut out, &doc),
        MetadataCheck::DiscGrantNoRopc => grant_no_ropc(&mut out, &doc),
        MetadataCheck::DiscMtlsAliases => mtls_aliases(&mut out, &doc),
        MetadataCheck::DiscRegistrationEndpoint => optional_https(
            &mut out,
            &doc,
            CheckId::DiscRegistrationEndpoint,
            "registration_endpoint",
        ),
        MetadataCheck::DiscScopesSyntax => scopes_syntax(&mut out, &doc),
        MetadataCheck::DiscJwks => optional_https(&mut out, &doc, CheckId::DiscJwksUri, "jwks_uri"),
    }
    out.checks
}

fn fetch(out: &mut CheckList, input: &MetadataInput<'_>) {
    let f = &input.fetched;
    let url_form = issuer_from_discovery_url(input.discovery_url);
    out.push(
        CheckId::DiscFetchUrl,
        url_form.is_ok(),
        "/.well-known/oauth-authorization-server{path} or {issuer}/.well-known/openid-configuration",
        url_form.err().unwrap_or_else(|| input.discovery_url.to_string()),
    );
    out.push(
        CheckId::DiscFetch,
        f.status == 200,
        "HTTP 200",
        format!("HTTP {}", f.status),
    );
    let media = media_type(f.content_type);
    out.push(
        CheckId::DiscFetchContentType,
        media.as_deref() == Some("application/json"),
        "application/json",
        media.unwrap_or_else(|| "no Content-Type".into()),
    );
    out.push(
        CheckId::DiscFetchJson,
        object(f).is_some(),
        "a JSON object",
        if object(f).is_some() {
            "a JSON object".to_string()
        } else {
            describe(f)
        },
    );
}

fn issuer_match(out: &mut CheckList, doc: &Map<String, Value>, discovery_url: &str) {
    let expected = match issuer_from_discovery_url(discovery_url) {
        Ok(e) => e,
        Err(why) => {
            out.skip_at_cap(
                CheckId::DiscIssuerMatch,
                format!("no issuer can be derived: {why}"),
            );
            return;
        }
    };
    let got = doc.get("issuer");
    out.push(
        CheckId::DiscIssuerMatch,
        got.and_then(Value::as_str) == Some(expected.as_str()),
        format!("issuer `{expected}` (exactly)"),
        got.map_or("absent".to_string(), |v| format!("issuer {v}")),
    );
}

fn issuer_url(out: &mut CheckList, doc: &Map<String, Value>) {
    let problem = match doc.get("issuer") {
        None => Some("absent".to_string()),
        Some(Value::String(s)) => https_url_problem(s, true),
        Some(other) => Some(format!("not a string: {other}")),
    };
    out.push(
        CheckId::DiscIssuerUrl,
        problem.is_none(),
        "an https URL with no query or fragment",
        problem.unwrap_or_else(|| format!("{}", doc["issuer"])),
    );
}

fn token_endpoint(out: &mut CheckList, doc: &Map<String, Value>) {
    let problem = match doc.get("token_endpoint") {
        None => Some("absent".to_string()),
        Some(Value::String(s)) => https_url_problem(s, false),
        Some(other) => Some(format!("not a string: {other}")),
    };
    out.push(
        CheckId::DiscTokenEndpoint,
        problem.is_none(),
        "an absolute https URL without a fragment",
        problem.unwrap_or_else(|| format!("{}", doc["token_endpoint"])),
    );
}

/// The strings of an array member; `None` when absent or not an array.
fn strings<'a>(doc: &'a Map<String, Value>, name: &str) -> Option<Vec<&'a str>> {
    doc.get(name)?
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
}

fn auth_methods(out: &mut CheckList, doc: &Map<String, Value>, used: &[&str]) {
    let Some(methods) = strings(doc, "token_endpoint_auth_methods_supported") else {
        out.push(
            CheckId::DiscAuthMethods,
            false,
            "present (the default is client_secret_basic)",
            "absent or not an array",
        );
        return;
    };
    let fapi = methods
        .iter()
        .any(|m| matches!(*m, "private_key_jwt" | "tls_client_auth"));
    out.push(
        CheckId::DiscAuthMethods,
        fapi,
        "private_key_jwt or tls_client_auth",
        list(&methods),
    );
    let missing: Vec<&str> = used
        .iter()
        .copied()
        .filter(|u| match *u {
            "tls_client_auth" => !methods
                .iter()
                .any(|m| matches!(*m, "tls_client_auth" | "self_signed_tls_client_auth")),
            other => !methods.contains(&other),
        })
        .collect();
    out.push(
        CheckId::DiscAuthMethodsUsed,
        missing.is_empty(),
        format!("contains {}", list(used)),
        if missing.is_empty() {
            list(&methods)
        } else {
            format!("{} lacks {}", list(&methods), list(&missing))
        },
    );
}

fn auth_methods_weak(out: &mut CheckList, doc: &Map<String, Value>) {
    let methods = strings(doc, "token_endpoint_auth_methods_supported").unwrap_or_default();
    let weak: Vec<&str> = methods
        .iter()
        .copied()
        .filter(|m| m.starts_with("client_secret_") || *m == "none")
        .collect();
    out.push(
        CheckId::DiscAuthMethodsWeak,
        weak.is_empty(),
        "only private_key_jwt / tls_client_auth (others only for non-FAPI clients)",
        if weak.is_empty() {
            list(&methods)
        } else {
            format!("also {}", list(&weak))
        },
    );
}

const FAPI_ALGS: &[&str] = &["PS256", "ES256", "EdDSA", "Ed25519"];

fn signing_algs(out: &mut CheckList, doc: &Map<String, Value>) {
    const NAME: &str = "token_endpoint_auth_signing_alg_values_supported";
    let methods = strings(doc, "token_endpoint_auth_methods_supported").unwrap_or_default();
    let algs = strings(doc, NAME);
    if let Some(algs) = &algs {
        out.push(
            CheckId::DiscAuthSigningAlgsNone,
            !algs.contains(&"none"),
            "no `none` (RFC 8414 §2)",
            list(algs),
        );
    }
    if !methods.contains(&"private_key_jwt") {
        out.skip_at_cap(
            CheckId::DiscAuthSigningAlgs,
            "private_key_jwt is not advertised",
        );
        return;
    }
    let algs = algs.unwrap_or_default();
    out.push(
        CheckId::DiscAuthSigningAlgs,
        algs.iter().any(|a| FAPI_ALGS.contains(a)),
        format!("one of {}", list(FAPI_ALGS)),
        if algs.is_empty() {
            format!("`{NAME}` absent or empty")
        } else {
            list(&algs)
        },
    );
    let other: Vec<&str> = algs
        .iter()
        .copied()
        .filter(|a| !FAPI_ALGS.contains(a) && *a != "none")
        .collect();
    out.push(
        CheckId::DiscAuthSigningAlgsOther,
        other.is_empty(),
        format!("only {}", list(FAPI_ALGS)),
        if other.is_empty() {
            list(&algs)
        } else {
            format!("also {}", list(&other))
        },
    );
}

fn mtls_bound(out: &mut CheckList, doc: &Map<String, Value>) {
    let got = doc.get("tls_client_certificate_bound_access_tokens");
    out.push(
        CheckId::DiscMtlsBound,
        got == Some(&Value::Bool(true)),
        "true (a JSON boolean)",
        got.map_or("absent".to_string(), Value::to_string),
    );
}

fn grant_types(doc: &Map<String, Value>) -> (Vec<&str>, bool) {
    match strings(doc, "grant_types_supported") {
        Some(g) => (g, false),
        // RFC 8414 §2: the default.
        None => (vec!["authorization_code", "implicit"], true),
    }
}

fn grant_cc(out: &mut CheckList, doc: &Map<String, Value>) {
    let (grants, default) = grant_types(doc);
    out.push(
        CheckId::DiscGrantCc,
        grants.contains(&"client_credentials"),
        "contains client_credentials",
        format!(
            "{}{}",
            list(&grants),
            if default {
                " (absent: the default)"
            } else {
                ""
            }
        ),
    );
}

fn grant_no_ropc(out: &mut CheckList, doc: &Map<String, Value>) {
    let (grants, default) = grant_types(doc);
    let shown = format!(
        "{}{}",
        list(&grants),
        if default {
            " (absent: the default)"
        } else {
            ""
        }
    );
    out.push(
        CheckId::DiscGrantNoRopc,
        !grants.contains(&"password"),
        "no `password`",
        shown.clone(),
    );
    out.push(
        CheckId::DiscGrantNoImplicit,
        !grants.contains(&"implicit"),
        "no `implicit`",
        shown,
    );
}

fn mtls_aliases(out: &mut CheckList, doc: &Map<String, Value>) {
    let Some(aliases) = doc.get("mtls_endpoint_aliases") else {
        out.skip_at_cap(
            CheckId::DiscMtlsAliases,
            "mtls_endpoint_aliases is not advertised (optional)",
        );
        return;
    };
    let mut problems = Vec::new();
    match aliases.as_object() {
        None => problems.push(format!("not a JSON object: {aliases}")),
        Some(map) => {
            for (key, value) in map {
                if key == "authorization_endpoint" {
                    problems.push("has `authorization_endpoint`".to_string());
                } else if !key.ends_with("_endpoint") {
                    problems.push(format!("key `{key}` does not end in `_endpoint`"));
                } else if !doc.contains_key(key) {
                    problems.push(format!("`{key}` is not also a top-level member"));
                }
                match value.as_str() {
                    Some(url) => problems.extend(https_url_problem(url, false)),
                    None => problems.push(format!("`{key}` is not a string")),
                }
            }
        }
    }
    out.problems(
        CheckId::DiscMtlsAliases,
        "a JSON object of https URLs whose keys end `_endpoint`, appear at top level, and exclude authorization_endpoint",
        &problems,
    );
}

/// `check` (titled "`member` is an https URL" in the registry) on an optional URL member.
fn optional_https(out: &mut CheckList, doc: &Map<String, Value>, check: CheckId, member: &str) {
    let problem = match doc.get(member) {
        None => {
            out.skip_at_cap(check, format!("{member} is not advertised (optional)"));
            return;
        }
        Some(Value::String(s)) => https_url_problem(s, false),
        Some(other) => Some(format!("not a string: {other}")),
    };
    out.push(
        check,
        problem.is_none(),
        "an absolute https URL",
        problem.unwrap_or_else(|| format!("{}", doc[member])),
    );
}

/// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ).
fn is_scope_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b == 0x21 || (0x23..=0x5b).contains(&b) || (0x5d..=0x7e).contains(&b))
}

fn scopes_syntax(out: &mut CheckList, doc: &Map<String, Value>) {
    let Some(value) = doc.get("scopes_supported") else {
        out.skip_at_cap(
            CheckId::DiscScopesSyntax,
            "scopes_supported is not advertised (optional)",
        );
        return;
    };
    let mut problems = Vec::new();
    match value.as_array() {
        None => problems.push(format!("not an array: {value}")),
        Some(items) => {
            for item in items {
                match item.as_str() {
                    Some(s) if is_scope_token(s) => {}
                    _ => problems.push(format!("{item} is not a scope token")),
                }
            }
        }
    }
    out.problems(
        CheckId::DiscScopesSyntax,
        "strings of %x21 / %x23-5B / %x5D-7E (RFC 6749 §3.3)",
        &problems,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Profile;
    use crate::model::{CheckStatus, Severity};

    fn fetched(body: &str) -> Fetched<'_> {
        Fetched {
            status: 200,
            content_type: Some("application/json; charset=utf-8"),
            body: body.as_bytes(),
        }
    }

    fn judge(row: &str, document: Document, body: &str) -> Vec<(String, CheckStatus, String)> {
        judge_metadata(&MetadataInput {
            row: MetadataCheck::parse(row).expect("a catalogue row"),
            document,
            fetched: fetched(body),
            discovery_url: "https://as.example/.well-known/openid-configuration",
            auth_methods: &["private_key_jwt", "tls_client_auth"],
            severity: if row == "disc-auth-methods-weak" {
                Severity::Warn
            } else {
                Severity::Fail
            },
            profile: Profile::Ofm,
        })
        .into_iter()
        .map(|c| (c.id, c.status, c.actual))
        .collect()
    }

    fn one(id: &str, status: CheckStatus, actual: &str) -> (String, CheckStatus, String) {
        (id.to_string(), status, actual.to_string())
    }

    const GOOD: &str = r#"{
        "issuer": "https://as.example",
        "token_endpoint": "https://as.example/token",
        "jwks_uri": "https://as.example/jwks",
        "token_endpoint_auth_methods_supported": ["private_key_jwt", "tls_client_auth"],
        "token_endpoint_auth_signing_alg_values_supported": ["PS256", "ES256"],
        "grant_types_supported": ["client_credentials"],
        "scopes_supported": ["accounts", "profile"],
        "tls_client_certificate_bound_access_tokens": true
    }"#;

    fn with(member: &str, value: Value) -> String {
        let mut doc: Map<String, Value> = serde_json::from_str(GOOD).unwrap();
        if value.is_null() {
            doc.remove(member);
        } else {
            doc.insert(member.to_string(), value);
        }
        Value::Object(doc).to_string()
    }

    #[test]
    fn issuer_follows_the_well_known_url() {
        assert_eq!(
            issuer_from_discovery_url("https://as.example/.well-known/openid-configuration"),
            Ok("https://as.example".to_string())
        );
        assert_eq!(
            issuer_from_discovery_url("https://as.example/t1/.well-known/openid-configuration"),
            Ok("https://as.example/t1".to_string())
        );
        assert_eq!(
            issuer_from_discovery_url(
                "https://as.example/.well-known/oauth-authorization-server/t1"
            ),
            Ok("https://as.example/t1".to_string())
        );
        assert!(issuer_from_discovery_url("https://as.example/meta").is_err());
    }

    #[test]
    fn a_good_document_passes_every_row() {
        for row in MetadataCheck::ALL.iter().map(|c| c.as_str()) {
            let checks = judge(row, Document::Discovery, GOOD);
            assert!(!checks.is_empty(), "{row}");
            assert!(
                checks
                    .iter()
                    .all(|c| matches!(c.1, CheckStatus::Pass | CheckStatus::Skip)),
                "{row}: {checks:?}"
            );
        }
    }

    #[test]
    fn fetch_url_must_have_a_well_known_form() {
        let checks = |url: &str| {
            judge_metadata(&MetadataInput {
                row: MetadataCheck::DiscFetch,
                document: Document::Discovery,
                fetched: fetched(GOOD),
                discovery_url: url,
                auth_methods: &["private_key_jwt"],
                severity: Severity::Fail,
                profile: Profile::Ofm,
            })
        };
        let good = checks("https://as.example/.well-known/openid-configuration");
        assert_eq!(good[0].id, "disc-fetch-url");
        assert_eq!(good[0].status, CheckStatus::Pass);
        let bad = checks("https://as.example/metadata.json");
        assert_eq!(bad[0].id, "disc-fetch-url");
        assert_eq!(bad[0].status, CheckStatus::Fail);
        assert!(bad[0].actual.contains("is neither"), "{}", bad[0].actual);
        assert!(bad[1..].iter().all(|c| c.status == CheckStatus::Pass));
    }

    #[test]
    fn not_json_fails_with_what_was_received() {
        let checks = judge("disc-grant-cc", Document::Discovery, "<html>hi</html>");
        assert_eq!(
            checks,
            vec![one(
                "disc-document",
                CheckStatus::Fail,
                "HTTP 200, application/json; charset=utf-8, body `<html>hi</html>`"
            )]
        );
        let fetch = judge("disc-fetch", Document::Discovery, "<html>hi</html>");
        assert_eq!(fetch[3].1, CheckStatus::Fail);
    }

    #[test]
    fn issuer_mismatch_and_bad_issuer_url() {
        let doc = with("issuer", "https://as.example/".into());
        assert_eq!(
            judge("disc-issuer-match", Document::Discovery, &doc),
            vec![one(
                "disc-issuer-match",
                CheckStatus::Fail,
                "issuer \"https://as.example/\""
            )]
        );
        let doc = with("issuer", "https://as.example?x=1".into());
        assert_eq!(
            judge("disc-issuer-url", Document::Discovery, &doc),
            vec![one(
                "disc-issuer-url",
                CheckStatus::Fail,
                "`https://as.example?x=1` has a query"
            )]
        );
    }

    #[test]
    fn auth_methods_and_algorithms() {
        let doc = with(
            "token_endpoint_auth_methods_supported",
            serde_json::json!(["private_key_jwt", "client_secret_basic"]),
        );
        assert_eq!(
            judge("disc-auth-methods", Document::Discovery, &doc)[1],
            one(
                "disc-auth-methods-used",
                CheckStatus::Fail,
                "[private_key_jwt, client_secret_basic] lacks [tls_client_auth]"
            )
        );
        assert_eq!(
            judge("disc-auth-methods-weak", Document::Discovery, &doc),
            vec![one(
                "disc-auth-methods-weak",
                CheckStatus::Warn,
                "also [client_secret_basic]"
            )]
        );
        let doc = with(
            "token_endpoint_auth_signing_alg_values_supported",
            serde_json::json!(["PS256", "RS256", "none"]),
        );
        assert_eq!(
            judge("disc-auth-signing-algs", Document::Discovery, &doc),
            vec![
                one(
                    "disc-auth-signing-algs-none",
                    CheckStatus::Fail,
                    "[PS256, RS256, none]"
                ),
                one(
                    "disc-auth-signing-algs",
                    CheckStatus::Pass,
                    "[PS256, RS256, none]"
                ),
                one(
                    "disc-auth-signing-algs-other",
                    CheckStatus::Warn,
                    "also [RS256]"
                ),
            ]
        );
    }

    #[test]
    fn grants_binding_scopes_and_aliases() {
        let doc = with("grant_types_supported", serde_json::json!(["password"]));
        assert_eq!(
            judge("disc-grant-cc", Document::Discovery, &doc)[0].1,
            CheckStatus::Fail
        );
        assert_eq!(
            judge("disc-grant-no-ropc", Document::Discovery, &doc)[0],
            one("disc-grant-no-ropc", CheckStatus::Fail, "[password]")
        );
        let doc = with("tls_client_certificate_bound_access_tokens", "true".into());
        assert_eq!(
            judge("disc-mtls-bound", Document::Discovery, &doc),
            vec![one("disc-mtls-bound", CheckStatus::Fail, "\"true\"")]
        );
        let doc = with("scopes_supported", serde_json::json!(["accounts", "a b"]));
        assert_eq!(
            judge("disc-scopes-syntax", Document::Discovery, &doc),
            vec![one(
                "disc-scopes-syntax",
                CheckStatus::Fail,
                "\"a b\" is not a scope token"
            )]
        );
        let doc = with(
            "mtls_endpoint_aliases",
            serde_json::json!({
                "token_endpoint": "https://mtls.as.example/token",
                "authorization_endpoint": "https://mtls.as.example/auth",
                "revocation_endpoint": "http://mtls.as.example/revoke",
            }),
        );
        assert_eq!(
            judge("disc-mtls-aliases", Document::Discovery, &doc),
            vec![one(
                "disc-mtls-aliases",
                CheckStatus::Fail,
                "has `authorization_endpoint`; `revocation_endpoint` is not also a top-level member; \
                 `http://mtls.as.example/revoke` is not an https URL"
            )]
        );
    }
}
