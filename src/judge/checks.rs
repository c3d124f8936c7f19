//! The success checks (RFC 6749 §5.1, FAPI 2.0) and error checks (RFC 6749 §5.2) run on every
//! step, per its expectation. Ids are the catalogue's (§6.7).

use serde_json::Value;

use super::collect::CheckList;
use crate::config::Profile;
use crate::model::error_code::{is_nqschar, is_uri_char};
use crate::model::{
    CheckId, CheckResult, ErrorCode, Severity, TransportFailure, TransportKind, WireResponse,
};
use crate::scenario::Expect;

/// Everything a step's judgement needs.
pub struct JudgeInput<'a> {
    pub expect: Expect,
    /// Acceptable `error` codes.
    pub errors: &'a [ErrorCode],
    /// Acceptable statuses where the default rule does not apply.
    pub statuses: &'a [u16],
    /// The scenario's severity: a `warn` scenario never fails.
    pub severity: Severity,
    pub profile: Profile,
    pub outcome: &'a Result<WireResponse, TransportFailure>,
    /// `x5t#S256` of the client certificate presented, if any.
    pub cert_thumbprint: Option<&'a str>,
    /// The `scope` parameter sent, if any.
    pub requested_scope: Option<&'a str>,
    /// The `x-fapi-interaction-id` sent, if any.
    pub interaction_id: Option<&'a str>,
    /// Access tokens granted by the scenario's earlier steps (resp-at-unique).
    pub earlier_tokens: &'a [Option<crate::oauth::Secret>],
    /// Whether the request carried an `Authorization` header (err-www-authenticate is then a
    /// fail, RFC 6749 §5.2).
    pub authorization_sent: bool,
}

/// A response with its lookups done once.
struct View<'a> {
    resp: &'a WireResponse,
    json: Option<serde_json::Map<String, Value>>,
}

impl<'a> View<'a> {
    fn new(resp: &'a WireResponse) -> View<'a> {
        let json = serde_json::from_slice::<Value>(&resp.body)
            .ok()
            .and_then(|v| match v {
                Value::Object(map) => Some(map),
                _ => None,
            });
        View { resp, json }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.resp
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn str_member(&self, name: &str) -> Option<&str> {
        self.json.as_ref()?.get(name)?.as_str()
    }

    fn has(&self, name: &str) -> bool {
        self.json.as_ref().is_some_and(|m| m.contains_key(name))
    }

    fn media_type(&self) -> Option<String> {
        self.header("content-type").map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
    }
}

fn describe(resp: &WireResponse) -> String {
    let view = View::new(resp);
    match view.str_member("error") {
        Some(error) => format!("HTTP {} with error `{error}`", resp.status),
        None if view.has("access_token") => format!("HTTP {} with an access token", resp.status),
        None => format!("HTTP {}", resp.status),
    }
}

/// Judges one step. A transport failure the expectation does not explain (a reset, close,
/// alert or timeout where an HTTP answer was expected, a body over the limit, a request not
/// sent) leaves nothing to judge: no checks, and the runner makes the step an Error. It is
/// never a Fail: it says nothing certain about the server.
pub fn judge_step(input: &JudgeInput<'_>) -> Vec<CheckResult> {
    let mut c = CheckList::new(input.severity);
    match (input.expect, input.outcome) {
        (Expect::Refused, Ok(resp)) => c.push(
            CheckId::ExpectRefused.titled("The TLS connection is refused"),
            false,
            "a TLS-level refusal (alert or reset)",
            describe(resp),
        ),
        (Expect::NoToken, Err(f))
            if matches!(
                f.kind,
                TransportKind::Refused
                    | TransportKind::Connect
                    | TransportKind::Reset
                    | TransportKind::Closed
                    | TransportKind::TlsAlert { .. }
                    | TransportKind::Tls
                    | TransportKind::Build
                    | TransportKind::Other
            ) =>
        {
            c.push(
                CheckId::ExpectNoToken,
                true,
                "no token: a refused, closed or reset connection, or no HTTP answer",
                f.message.clone(),
            );
        }
        (Expect::GrantedRejectedOrRefused, Err(f)) if f.is_tls_refusal() => c.push(
            CheckId::ExpectRefused.titled("Refused at the TLS layer (recorded)"),
            true,
            "a token, an error response or a TLS-level refusal (recorded)",
            format!("refused: {}", f.message),
        ),
        (
            Expect::Refused
            | Expect::RejectedOrRefused
            | Expect::NotGranted
            | Expect::ResourceDenied,
            Err(f),
        ) if f.is_tls_refusal() => {
            c.push(
                CheckId::ExpectRefused,
                true,
                "a TLS-level refusal or an error response",
                f.message.clone(),
            );
        }
        (_, Err(_)) => {}
        (Expect::Granted, Ok(resp)) => granted(&mut c, input, resp),
        (Expect::Rejected | Expect::RejectedOrRefused, Ok(resp)) => rejected(&mut c, input, resp),
        (Expect::GrantedOrRejected | Expect::GrantedRejectedOrRefused, Ok(resp)) => {
            granted_or_rejected(&mut c, input, resp)
        }
        (Expect::RejectedOrNarrowed, Ok(resp)) => {
            if resp.status == 200 {
                granted(&mut c, input, resp);
                narrowed(&mut c, input, resp);
            } else {
                rejected(&mut c, input, resp);
            }
        }
        (Expect::NotGranted | Expect::NoToken, Ok(resp)) => not_granted(&mut c, input, resp),
        (Expect::ProbeChecks, Ok(_)) => {}
        (Expect::ResourceOk, Ok(resp)) => c.push(
            CheckId::ResourceOk,
            resp.status == 200,
            "HTTP 200",
            describe(resp),
        ),
        (Expect::ResourceDenied, Ok(resp)) => resource_denied(&mut c, input, resp),
        // Metadata documents are judged by `judge::discovery`.
        (Expect::Metadata, Ok(_)) => {}
    }
    if let Ok(resp) = input.outcome {
        interaction_id(&mut c, input, resp);
    }
    c.checks
}

fn interaction_id(c: &mut CheckList, input: &JudgeInput<'_>, resp: &WireResponse) {
    let Some(sent) = input.interaction_id else {
        return;
    };
    let view = View::new(resp);
    let got = view.header("x-fapi-interaction-id");
    let severity = if input.profile == Profile::Ofm {
        Severity::Fail
    } else {
        Severity::Warn
    };
    c.push(
        CheckId::RespInteractionId.at(severity),
        got == Some(sent),
        format!("x-fapi-interaction-id: {sent}"),
        got.map_or("absent".to_string(), |g| {
            format!("x-fapi-interaction-id: {g}")
        }),
    );
}

fn granted(c: &mut CheckList, input: &JudgeInput<'_>, resp: &WireResponse) {
    let view = View::new(resp);
    let ok = resp.status == 200 && !view.has("error");
    c.push(
        CheckId::Resp200,
        ok,
        "HTTP 200 with no `error`",
        describe(resp),
    );
    if !ok {
        return;
    }
    let media = view.media_type();
    c.push(
        CheckId::RespJson,
        media.as_deref() == Some("application/json"),
        "application/json",
        media.unwrap_or_else(|| "no Content-Type".into()),
    );
    let cache = view.header("cache-control");
    let no_store = cache.is_some_and(|v| {
        v.split(',')
            .any(|t| t.trim().eq_ignore_ascii_case("no-store"))
    });
    c.push(
        CheckId::RespCacheControl,
        no_store,
        "Cache-Control containing no-store",
        cache.map_or("absent".into(), |v| format!("Cache-Control: {v}")),
    );
    let pragma = view.header("pragma");
    c.push(
        CheckId::RespPragma,
        pragma.is_some_and(|v| v.eq_ignore_ascii_case("no-cache")),
        "Pragma: no-cache",
        pragma.map_or("absent".into(), |v| format!("Pragma: {v}")),
    );
    let token = view.str_member("access_token").unwrap_or("");
    let token_type = view.str_member("token_type").unwrap_or("");
    let chars_ok = token.chars().all(|ch| ('\x20'..='\x7e').contains(&ch));
    c.push(
        CheckId::RespAccessToken,
        !token.is_empty() && !token_type.is_empty() && chars_ok,
        "non-empty access_token (%x20-7E) and token_type",
        format!(
            "access_token {}, token_type {}",
            if token.is_empty() {
                "missing"
            } else if chars_ok {
                "present"
            } else {
                "has characters outside %x20-7E"
            },
            if token_type.is_empty() {
                "missing".into()
            } else {
                format!("`{token_type}`")
            }
        ),
    );
    let bits = entropy_bits(token);
    c.push(
        CheckId::RespAtEntropy,
        token.len() >= 16 && bits >= 96.0,
        ">= 16 characters and >= 96 bits of estimated entropy",
        format!("{} characters, about {bits:.0} bits", token.len()),
    );
    c.push(
        CheckId::BindTokenType,
        token_type.eq_ignore_ascii_case("bearer"),
        "Bearer (any case)",
        format!("`{token_type}`"),
    );
    match view.json.as_ref().and_then(|m| m.get("expires_in")) {
        None => c.push(
            CheckId::RespExpiresIn.at(Severity::Warn),
            false,
            "expires_in (RECOMMENDED)",
            "absent",
        ),
        Some(v) => {
            let n = v.as_f64();
            c.push(
                CheckId::RespExpiresIn,
                n.is_some_and(|n| n > 0.0 && n <= 31_536_000.0),
                "a JSON number, 0 < expires_in <= 31536000",
                v.to_string(),
            );
        }
    }
    c.push(
        CheckId::RespNoRefresh,
        !view.has("refresh_token"),
        "no refresh_token",
        if view.has("refresh_token") {
            "refresh_token present"
        } else {
            "absent"
        },
    );
    c.push(
        CheckId::RespNoIdToken,
        !view.has("id_token"),
        "no id_token",
        if view.has("id_token") {
            "id_token present"
        } else {
            "absent"
        },
    );
    scope_check(c, input, &view);
    c.push(
        CheckId::RespDateHeader,
        view.header("date").is_some(),
        "a Date header",
        view.header("date")
            .map_or("absent".into(), |d| d.to_string()),
    );
    cnf_check(c, input, token);
    unique_check(c, input, token);
}

/// resp-at-unique: a token equal to one an earlier step of the scenario was granted.
fn unique_check(c: &mut CheckList, input: &JudgeInput<'_>, token: &str) {
    let earlier: Vec<&str> = input
        .earlier_tokens
        .iter()
        .flatten()
        .map(|t| t.expose())
        .collect();
    if earlier.is_empty() || token.is_empty() {
        return;
    }
    let repeated = earlier.contains(&token);
    c.push(
        CheckId::RespAtUnique,
        !repeated,
        "an access token different from the earlier grants",
        if repeated {
            "the same access token as an earlier grant"
        } else {
            "a new access token"
        },
    );
}

fn scope_check(c: &mut CheckList, input: &JudgeInput<'_>, view: &View<'_>) {
    let requested: Vec<&str> = input
        .requested_scope
        .map(|s| s.split(' ').filter(|t| !t.is_empty()).collect())
        .unwrap_or_default();
    match view.str_member("scope") {
        Some(granted) => {
            let extra: Vec<&str> = granted
                .split(' ')
                .filter(|t| !t.is_empty() && !requested.is_empty() && !requested.contains(t))
                .collect();
            c.push(
                CheckId::RespScope,
                extra.is_empty(),
                format!("a subset of `{}`", requested.join(" ")),
                format!("`{granted}`"),
            );
        }
        None => {
            // RFC 6749 §5.1: OPTIONAL when identical to the request. The platform echoes it.
            let severity = Severity::Warn;
            c.push(
                CheckId::RespScope
                    .titled("Granted scope returned")
                    .at(severity),
                input.profile != Profile::Ofm,
                "scope echoed (OFM documents `scope` in the response)",
                "absent",
            );
        }
    }
}

/// Runs the checks of the branch the server took, and says in the first check which it was.
fn granted_or_rejected(c: &mut CheckList, input: &JudgeInput<'_>, resp: &WireResponse) {
    let first = c.checks.len();
    let which = if resp.status == 200 {
        granted(c, input, resp);
        "granted"
    } else {
        rejected(c, input, resp);
        "rejected"
    };
    if let Some(check) = c.checks.get_mut(first) {
        check.expected = format!("a token or an error (recorded): {}", check.expected);
        check.actual = format!("{which}: {}", describe(resp));
    }
}

fn narrowed(c: &mut CheckList, input: &JudgeInput<'_>, resp: &WireResponse) {
    let view = View::new(resp);
    let asked: Vec<&str> = input
        .requested_scope
        .map(|s| s.split(' ').collect())
        .unwrap_or_default();
    let granted = view.str_member("scope");
    let leaked: Vec<&str> = granted
        .map(|g| g.split(' ').filter(|t| asked.contains(t)).collect())
        .unwrap_or_default();
    c.push(
        CheckId::ReqScopeNarrowed,
        granted.is_some() && leaked.is_empty(),
        format!(
            "400 invalid_scope, or 200 with an explicit `scope` leaving out `{}`",
            asked.join(" ")
        ),
        match granted {
            Some(g) => format!("HTTP 200 with scope `{g}`"),
            None => {
                "HTTP 200 with no `scope` member: the unauthorized scope was granted as requested"
                    .into()
            }
        },
    );
}

fn rejected(c: &mut CheckList, input: &JudgeInput<'_>, resp: &WireResponse) {
    let view = View::new(resp);
    let error = view.str_member("error");
    let lenient = input.expect == Expect::RejectedOrRefused && input.cert_thumbprint.is_none();
    let status = resp.status;
    let status_ok = if !input.statuses.is_empty() {
        input.statuses.contains(&status)
    } else {
        status == 400 || (status == 401 && error == Some("invalid_client"))
    };
    let expected_status = if input.statuses.is_empty() {
        "400, or 401 with invalid_client".to_string()
    } else {
        input
            .statuses
            .iter()
            .map(u16::to_string)
            .collect::<Vec<_>>()
            .join(" or ")
    };
    if lenient && !status_ok && (400..500).contains(&status) {
        c.push(
            CheckId::ErrStatus.at(Severity::Warn),
            false,
            format!("{expected_status} (any 4xx tolerated without a client certificate)"),
            format!("HTTP {status}"),
        );
    } else {
        c.push(
            CheckId::ErrStatus,
            status_ok,
            expected_status,
            format!("HTTP {status}"),
        );
    }
    let media = view.media_type();
    let json_ok = media.as_deref() == Some("application/json") && view.json.is_some();
    c.push(
        CheckId::ErrJson.at(if lenient {
            Severity::Warn
        } else {
            Severity::Fail
        }),
        json_ok,
        "application/json object",
        match media {
            Some(m) if view.json.is_none() => format!("{m}, but the body is not a JSON object"),
            Some(m) => m,
            None => "no Content-Type".into(),
        },
    );
    let code_ok = error.is_some_and(|e| {
        input.errors.iter().any(|a| a.as_str() == e) && !e.is_empty() && e.chars().all(is_nqschar)
    });
    c.push(
        CheckId::ErrCode,
        code_ok,
        format!(
            "one of {}",
            input
                .errors
                .iter()
                .map(ErrorCode::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        error.map_or("no `error` member".into(), |e| format!("`{e}`")),
    );
    if let Some(desc) = view.str_member("error_description") {
        let ctl = desc.chars().any(|ch| matches!(ch, '\t' | '\n' | '\r'));
        let bad = desc
            .chars()
            .any(|ch| !is_nqschar(ch) && !matches!(ch, '\t' | '\n' | '\r'));
        c.push(
            CheckId::ErrDescription.at(if bad { Severity::Fail } else { Severity::Warn }),
            !bad && !ctl,
            "%x20-21 / %x23-5B / %x5D-7E",
            if bad {
                "characters outside the allowed set"
            } else if ctl {
                "contains CR, LF or TAB"
            } else {
                "ok"
            },
        );
    }
    if let Some(uri) = view.str_member("error_uri") {
        let ok = uri.chars().all(is_uri_char) && uri.contains(':');
        c.push(
            CheckId::ErrUri,
            ok,
            "a URI of %x21 / %x23-5B / %x5D-7E",
            format!("`{uri}`"),
        );
    }
    let token = view.has("access_token") || (200..300).contains(&status);
    c.push(
        CheckId::ErrNoToken,
        !token,
        "no access_token",
        if token {
            format!("a token was issued (HTTP {status})")
        } else {
            "none".into()
        },
    );
    if status == 401 || input.authorization_sent {
        let www = view.header("www-authenticate");
        // RFC 6749 §5.2: when the client used the Authorization header, the 401 MUST carry
        // WWW-Authenticate matching its scheme; otherwise it is good practice.
        let (severity, expected) = if input.authorization_sent {
            (
                Severity::Fail,
                "401 with WWW-Authenticate for the scheme used (RFC 6749 §5.2)",
            )
        } else {
            (
                Severity::Warn,
                "a WWW-Authenticate header (RFC 9110 §15.5.2)",
            )
        };
        let ok = status != 401 || www.is_some();
        c.push(
            CheckId::ErrWwwAuthenticate.at(severity),
            ok,
            expected,
            format!(
                "HTTP {status}, {}",
                www.map_or("no WWW-Authenticate".to_string(), |w| format!(
                    "WWW-Authenticate: {w}"
                ))
            ),
        );
    }
}

fn not_granted(c: &mut CheckList, input: &JudgeInput<'_>, resp: &WireResponse) {
    let view = View::new(resp);
    let token = view.has("access_token") || (200..300).contains(&resp.status);
    c.push(
        CheckId::ErrNoToken.titled("No token"),
        !token,
        "no access_token, no 2xx",
        describe(resp),
    );
    if !input.statuses.is_empty() {
        c.push(
            CheckId::ErrStatus.titled("Status"),
            input.statuses.contains(&resp.status),
            input
                .statuses
                .iter()
                .map(u16::to_string)
                .collect::<Vec<_>>()
                .join(" or "),
            format!("HTTP {}", resp.status),
        );
    }
}

fn resource_denied(c: &mut CheckList, input: &JudgeInput<'_>, resp: &WireResponse) {
    let status = resp.status;
    if !input.statuses.is_empty() {
        c.push(
            CheckId::ResourceDenied,
            input.statuses.contains(&status),
            input
                .statuses
                .iter()
                .map(u16::to_string)
                .collect::<Vec<_>>()
                .join(" or "),
            describe(resp),
        );
        return;
    }
    if (400..500).contains(&status) && status != 401 {
        c.push(
            CheckId::ResourceDenied.at(Severity::Warn),
            false,
            "401 invalid_token (RFC 8705 §3; any 4xx tolerated)",
            format!("HTTP {status}"),
        );
    } else {
        c.push(
            CheckId::ResourceDenied,
            status == 401,
            "401 invalid_token (any 4xx tolerated)",
            describe(resp),
        );
    }
    if status == 401 {
        let view = View::new(resp);
        let www = view.header("www-authenticate");
        c.push(
            CheckId::ErrWwwAuthenticate,
            www.is_some(),
            "a WWW-Authenticate header (RFC 6750 §3)",
            www.unwrap_or("absent"),
        );
    }
}

fn cnf_check(c: &mut CheckList, input: &JudgeInput<'_>, token: &str) {
    let Some((_, claims)) = crate::jose::inspect::decode_parts(token) else {
        c.skip(
            CheckId::BindCnfX5t,
            "opaque access token: binding is checked at the resource",
        );
        return;
    };
    let cnf = claims
        .get("cnf")
        .and_then(|v| v.get("x5t#S256"))
        .and_then(Value::as_str);
    match input.cert_thumbprint {
        Some(expected) => c.push(
            CheckId::BindCnfX5t,
            cnf == Some(expected),
            format!("cnf.x5t#S256 = {expected}"),
            cnf.map_or("no cnf.x5t#S256".into(), |v| format!("cnf.x5t#S256 = {v}")),
        ),
        None => c.skip(CheckId::BindCnfX5t, "no client certificate was presented"),
    }
}

/// Shannon estimate of the token's entropy in bits (per-character entropy times length).
pub fn entropy_bits(token: &str) -> f64 {
    if token.is_empty() {
        return 0.0;
    }
    let mut counts = std::collections::HashMap::new();
    for ch in token.chars() {
        *counts.entry(ch).or_insert(0usize) += 1;
    }
    let n = token.chars().count() as f64;
    let per_char: f64 = counts
        .values()
        .map(|&k| {
            let p = k as f64 / n;
            -p * p.log2()
        })
        .sum();
    per_char * n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CheckStatus;

    fn resp(
        status: u16,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Result<WireResponse, TransportFailure> {
        Ok(WireResponse {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: body.as_bytes().to_vec(),
            truncated: false,
            tls: None,
            server_cert: None,
        })
    }

    fn input<'a>(
        expect: Expect,
        errors: &'a [ErrorCode],
        outcome: &'a Result<WireResponse, TransportFailure>,
    ) -> JudgeInput<'a> {
        JudgeInput {
            expect,
            errors,
            statuses: &[],
            severity: Severity::Fail,
            profile: Profile::Fapi2Final,
            outcome,
            cert_thumbprint: Some("x5t"),
            requested_scope: Some("accounts"),
            interaction_id: None,
            earlier_tokens: &[],
            authorization_sent: false,
        }
    }

    /// The registry entries of the failed checks.
    fn failed(checks: &[CheckResult]) -> Vec<CheckId> {
        checks
            .iter()
            .filter(|c| c.status == CheckStatus::Fail)
            .map(|c| CheckId::parse(&c.id).expect("a registered id"))
            .collect()
    }

    #[test]
    fn good_token_response_passes_every_check() {
        let r = resp(
            200,
            &[
                ("content-type", "application/json"),
                ("cache-control", "no-store"),
                ("pragma", "no-cache"),
                ("date", "x"),
            ],
            r#"{"access_token":"Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0","token_type":"Bearer","expires_in":600,"scope":"accounts"}"#,
        );
        let checks = judge_step(&input(Expect::Granted, &[], &r));
        assert!(
            checks
                .iter()
                .all(|c| c.status != CheckStatus::Fail && c.status != CheckStatus::Warn),
            "{checks:#?}"
        );
    }

    #[test]
    fn token_response_without_no_store_fails() {
        let r = resp(
            200,
            &[("content-type", "application/json")],
            r#"{"access_token":"Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0","token_type":"Bearer","expires_in":600}"#,
        );
        assert_eq!(
            failed(&judge_step(&input(Expect::Granted, &[], &r))),
            vec![CheckId::RespCacheControl]
        );
    }

    #[test]
    fn an_error_body_that_is_not_json_is_said_to_be_so() {
        let errors = vec![ErrorCode::InvalidClient];
        let r = resp(400, &[("content-type", "application/json")], "not json");
        let checks = judge_step(&input(Expect::Rejected, &errors, &r));
        let json = checks
            .iter()
            .find(|c| c.id == CheckId::ErrJson.as_str())
            .expect("err-json");
        assert_eq!(json.status, CheckStatus::Fail);
        assert_eq!(
            json.actual,
            "application/json, but the body is not a JSON object"
        );
    }

    #[test]
    fn invalid_client_may_be_400_or_401_but_not_403() {
        let errors = vec![ErrorCode::InvalidClient];
        for (status, ok) in [(400, true), (401, true), (403, false)] {
            let r = resp(
                status,
                &[
                    ("content-type", "application/json"),
                    ("www-authenticate", "Basic"),
                ],
                r#"{"error":"invalid_client"}"#,
            );
            let f = failed(&judge_step(&input(Expect::Rejected, &errors, &r)))
                .contains(&CheckId::ErrStatus);
            assert_eq!(f, !ok, "status {status}");
        }
        let r = resp(
            401,
            &[("content-type", "application/json")],
            r#"{"error":"invalid_request"}"#,
        );
        assert_eq!(
            failed(&judge_step(&input(Expect::Rejected, &errors, &r))),
            vec![CheckId::ErrStatus, CheckId::ErrCode]
        );
    }

    #[test]
    fn a_token_where_a_rejection_was_expected_fails() {
        let errors = vec![ErrorCode::InvalidClient];
        let r = resp(
            200,
            &[("content-type", "application/json")],
            r#"{"access_token":"abc","token_type":"Bearer"}"#,
        );
        assert_eq!(
            failed(&judge_step(&input(Expect::Rejected, &errors, &r))),
            vec![CheckId::ErrStatus, CheckId::ErrCode, CheckId::ErrNoToken]
        );
    }

    #[test]
    fn tls_refusal_accepted_only_where_allowed() {
        let refused: Result<WireResponse, TransportFailure> = Err(TransportFailure::new(
            TransportKind::TlsAlert {
                alert: "HandshakeFailure".into(),
            },
            "alert",
        ));
        let errors = vec![ErrorCode::InvalidClient];
        assert!(
            failed(&judge_step(&input(
                Expect::RejectedOrRefused,
                &errors,
                &refused
            )))
            .is_empty()
        );
        // Where an HTTP answer was expected, a refusal, reset or timeout is not judged (Error).
        for kind in [
            TransportKind::Reset,
            TransportKind::Closed,
            TransportKind::Timeout,
            TransportKind::TooLarge { limit_kib: 256 },
            TransportKind::NotAnswering,
            TransportKind::NotSent,
        ] {
            let failure = Err(TransportFailure::new(kind, "x"));
            assert!(judge_step(&input(Expect::Rejected, &errors, &refused)).is_empty());
            assert!(judge_step(&input(Expect::Granted, &errors, &failure)).is_empty());
        }
        // A body over the limit is not a refusal either.
        let big = Err(TransportFailure::new(
            TransportKind::TooLarge { limit_kib: 256 },
            "x",
        ));
        assert!(judge_step(&input(Expect::RejectedOrRefused, &errors, &big)).is_empty());
    }

    const TOKEN: &str = r#"{"access_token":"Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0","token_type":"Bearer","expires_in":600,"scope":"accounts"}"#;
    const OK_HEADERS: &[(&str, &str)] = &[
        ("content-type", "application/json"),
        ("cache-control", "no-store"),
        ("pragma", "no-cache"),
        ("date", "x"),
    ];

    #[test]
    fn granted_or_rejected_records_the_branch_and_judges_it() {
        let errors = vec![ErrorCode::InvalidClient];
        let ok = resp(200, OK_HEADERS, TOKEN);
        let checks = judge_step(&input(Expect::GrantedOrRejected, &errors, &ok));
        assert_eq!(checks[0].id, CheckId::Resp200.as_str());
        assert_eq!(checks[0].actual, "granted: HTTP 200 with an access token");
        assert!(failed(&checks).is_empty());
        let no = resp(
            401,
            &[
                ("content-type", "application/json"),
                ("www-authenticate", "Basic"),
            ],
            r#"{"error":"invalid_client"}"#,
        );
        let checks = judge_step(&input(Expect::GrantedOrRejected, &errors, &no));
        assert_eq!(checks[0].id, CheckId::ErrStatus.as_str());
        assert_eq!(
            checks[0].actual,
            "rejected: HTTP 401 with error `invalid_client`"
        );
        assert!(failed(&checks).is_empty());
        let forbidden = resp(
            403,
            &[("content-type", "application/json")],
            r#"{"error":"invalid_client"}"#,
        );
        assert_eq!(
            failed(&judge_step(&input(
                Expect::GrantedOrRejected,
                &errors,
                &forbidden
            ))),
            vec![CheckId::ErrStatus]
        );
    }

    #[test]
    fn granted_rejected_or_refused_also_records_a_tls_refusal() {
        let errors = vec![ErrorCode::InvalidClient];
        let refused: Result<WireResponse, TransportFailure> = Err(TransportFailure::new(
            TransportKind::TlsAlert {
                alert: "HandshakeFailure".into(),
            },
            "alert",
        ));
        let checks = judge_step(&input(Expect::GrantedRejectedOrRefused, &errors, &refused));
        assert_eq!(checks.len(), 1);
        assert_eq!(checks[0].id, CheckId::ExpectRefused.as_str());
        assert_eq!(checks[0].actual, "refused: alert");
        assert!(failed(&checks).is_empty());
        // The HTTP branches are judged as for granted-or-rejected.
        let ok = resp(200, OK_HEADERS, TOKEN);
        let checks = judge_step(&input(Expect::GrantedRejectedOrRefused, &errors, &ok));
        assert_eq!(checks[0].actual, "granted: HTTP 200 with an access token");
        assert!(failed(&checks).is_empty());
        let forbidden = resp(
            403,
            &[("content-type", "application/json")],
            r#"{"error":"invalid_client"}"#,
        );
        assert_eq!(
            failed(&judge_step(&input(
                Expect::GrantedRejectedOrRefused,
                &errors,
                &forbidden
            ))),
            vec![CheckId::ErrStatus]
        );
        // Other transport failures leave nothing to judge (the runner makes them an Error).
        let reset: Result<WireResponse, TransportFailure> = Err(TransportFailure::new(
            TransportKind::ReadTimeout,
            "timed out",
        ));
        assert!(judge_step(&input(Expect::GrantedRejectedOrRefused, &errors, &reset)).is_empty());
    }

    #[test]
    fn a_repeated_access_token_warns_resp_at_unique() {
        let r = resp(200, OK_HEADERS, TOKEN);
        let earlier = [
            None,
            Some(crate::oauth::Secret::new(
                "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0".to_string(),
            )),
        ];
        let mut i = input(Expect::Granted, &[], &r);
        i.earlier_tokens = &earlier;
        let checks = judge_step(&i);
        let unique: Vec<_> = checks
            .iter()
            .filter(|c| c.id == CheckId::RespAtUnique.as_str())
            .collect();
        assert_eq!(unique.len(), 1);
        assert_eq!(unique[0].status, CheckStatus::Warn);
        assert!(
            !judge_step(&input(Expect::Granted, &[], &r))
                .iter()
                .any(|c| c.id == CheckId::RespAtUnique.as_str())
        );
    }

    #[test]
    fn a_401_without_challenge_fails_only_after_an_authorization_header() {
        let errors = vec![ErrorCode::InvalidClient];
        let r = resp(
            401,
            &[("content-type", "application/json")],
            r#"{"error":"invalid_client"}"#,
        );
        let mut i = input(Expect::Rejected, &errors, &r);
        assert!(failed(&judge_step(&i)).is_empty());
        i.authorization_sent = true;
        assert_eq!(failed(&judge_step(&i)), vec![CheckId::ErrWwwAuthenticate]);
    }

    #[test]
    fn entropy_estimates() {
        assert!(entropy_bits("aaaaaaaaaaaaaaaaaaaa") < 1.0);
        assert!(entropy_bits("26e0bf38-9fab-48e5-8be6-4a906905f959") > 96.0);
    }
}
