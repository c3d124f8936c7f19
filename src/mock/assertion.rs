//! `private_key_jwt` (RFC 7523 §2.2, §3; OIDC Core §9; FAPI 2.0 §5.3.2.1): parse the client
//! assertion by hand (so `alg: none` is representable) and check it strictly.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::{Map, Value};

use super::Fault;
use super::form::Params;
use super::replay::ReplayRefusal;
use super::state::{ClientAuth, MockState, RegisteredClient};
use super::violation::Violation;

/// RFC 7523 §2.2.
pub const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// Leeway on `exp`, seconds.
pub const EXP_LEEWAY: i64 = 5;
/// How far `iat` / `nbf` may lie in the future, seconds (FAPI 2.0 §5.3.2.1-13).
pub const MAX_FUTURE_SKEW: i64 = 10;
/// How far in the future `exp` may lie, seconds (RFC 7521 §5.2 lets the AS refuse long-lived
/// assertions; the replay cache would otherwise have to remember them for as long).
pub const MAX_LIFETIME: i64 = 3600;
/// How long a `jti` without `exp` is remembered, seconds.
const JTI_DEFAULT_MEMORY: i64 = 3600;

/// A compact JWS split into its parts.
#[derive(Debug, Clone)]
pub struct CompactJws {
    pub header: Map<String, Value>,
    pub claims: Map<String, Value>,
    /// `base64url(header) . base64url(payload)`
    pub signing_input: String,
    /// base64url signature (possibly empty).
    pub signature: String,
}

fn json_object(segment: &str) -> Option<Map<String, Value>> {
    let bytes = URL_SAFE_NO_PAD.decode(segment).ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

impl CompactJws {
    /// Parses exactly one compact JWS: three base64url segments, JSON object header and claims.
    pub fn parse(text: &str) -> Result<CompactJws, Violation> {
        let mut parts = text.split('.');
        let (Some(h), Some(p), Some(s), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(Violation::MalformedAssertion);
        };
        if URL_SAFE_NO_PAD.decode(s).is_err() {
            return Err(Violation::MalformedAssertion);
        }
        let header = json_object(h).ok_or(Violation::MalformedAssertion)?;
        let claims = json_object(p).ok_or(Violation::MalformedAssertion)?;
        Ok(CompactJws {
            header,
            claims,
            signing_input: format!("{h}.{p}"),
            signature: s.to_owned(),
        })
    }

    fn header_str(&self, name: &str) -> Option<&str> {
        self.header.get(name).and_then(Value::as_str)
    }

    fn claim_str(&self, name: &str) -> Option<&str> {
        self.claims.get(name).and_then(Value::as_str)
    }

    /// A numeric date claim: `Ok(None)` when absent, an error when not a number.
    fn claim_time(&self, name: &str) -> Result<Option<i64>, Violation> {
        match self.claims.get(name) {
            None => Ok(None),
            Some(v) => v
                .as_i64()
                .or_else(|| v.as_f64().map(|f| f as i64))
                .map(Some)
                .ok_or(Violation::MalformedAssertion),
        }
    }
}

fn verify(jws: &CompactJws, key: &DecodingKey, alg: Algorithm) -> Result<(), Violation> {
    match jsonwebtoken::crypto::verify(&jws.signature, jws.signing_input.as_bytes(), key, alg) {
        Ok(true) => Ok(()),
        _ => Err(Violation::BadSignature),
    }
}

/// FAPI 2.0 Final 5.3.2.1-8: `aud` is the issuer, as a string, compared exactly (RFC 7523 §3).
fn aud_ok(state: &MockState, aud: Option<&Value>) -> bool {
    let advertised = state.advertised_issuer();
    let issuer = advertised.as_str();
    let same =
        |a: &str| a == issuer || (state.fault(Fault::LenientAudMatch) && loose(a) == loose(issuer));
    match aud {
        Some(Value::String(a)) => same(a),
        Some(Value::Array(items)) if state.fault(Fault::AcceptAudArray) => {
            items.iter().any(|v| v.as_str().is_some_and(same))
        }
        _ => false,
    }
}

/// What `lenient-aud-match` compares: lower case, no trailing slash, no port.
fn loose(url: &str) -> String {
    let lower = url.to_ascii_lowercase();
    let trimmed = lower.trim_end_matches('/');
    let Some((scheme, rest)) = trimmed.split_once("://") else {
        return trimmed.to_owned();
    };
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let host = host.rsplit_once(':').map_or(host, |(h, _)| h);
    format!("{scheme}://{host}{path}")
}

/// Authenticates a `private_key_jwt` client; returns its registration.
pub fn authenticate<'s>(
    state: &'s MockState,
    params: &Params,
    now: i64,
) -> Result<&'s RegisteredClient, Violation> {
    match params.get("client_assertion_type") {
        Some(JWT_BEARER) => {}
        _ if state.fault(Fault::SkipAssertionTypeCheck) => {}
        _ => return Err(Violation::AssertionType),
    }
    let text = params
        .get("client_assertion")
        .ok_or(Violation::MissingAssertion)?;
    let first: String;
    let text = if state.fault(Fault::ParseFirstJws) {
        first = text.splitn(4, '.').take(3).collect::<Vec<_>>().join(".");
        first.as_str()
    } else {
        text
    };
    let jws = CompactJws::parse(text)?;

    // The client named by `iss`; when `iss` names nobody, the form's `client_id` (so that a
    // wrong `iss` is caught by the `iss` check, which `skip-iss-check` switches off).
    let client = jws
        .claim_str("iss")
        .and_then(|id| state.client(id))
        .or_else(|| params.get("client_id").and_then(|id| state.client(id)))
        .ok_or(Violation::UnknownClient)?;
    if state.fault(Fault::RejectPrivateKeyJwt) {
        return Err(Violation::PrivateKeyJwtRejected);
    }
    let ClientAuth::PrivateKeyJwt {
        kid,
        key,
        public_pem,
    } = &client.auth
    else {
        return Err(Violation::WrongAuthMethod);
    };
    // `key-lookup-by-kid`: any registered client's key with the header's kid.
    let (kid, key) = match jws.header_str("kid") {
        Some(wanted) if state.fault(Fault::KeyLookupByKid) => state
            .clients
            .iter()
            .find_map(|c| match &c.auth {
                ClientAuth::PrivateKeyJwt { kid, key, .. } if kid == wanted => Some((kid, key)),
                _ => None,
            })
            .unwrap_or((kid, key)),
        _ => (kid, key),
    };
    // `trust-embedded-jwk`: the key the assertion brings along.
    let embedded = match jws.header.get("jwk") {
        Some(jwk) if state.fault(Fault::TrustEmbeddedJwk) => {
            serde_json::from_value::<jsonwebtoken::jwk::Jwk>(jwk.clone())
                .ok()
                .and_then(|jwk| DecodingKey::from_jwk(&jwk).ok())
        }
        _ => None,
    };
    let key = embedded.as_ref().unwrap_or(key);

    if jws.header.contains_key("crit") && !state.fault(Fault::IgnoreCrit) {
        return Err(Violation::CritUnsupported);
    }
    if let Some(typ) = jws.header.get("typ")
        && !state.fault(Fault::SkipTypCheck)
    {
        let ok = typ.as_str().is_some_and(|t| {
            t.eq_ignore_ascii_case("JWT") || t.eq_ignore_ascii_case("client-authentication+jwt")
        });
        if !ok {
            return Err(Violation::TypNotAllowed);
        }
    }

    // Algorithm, key id, signature.
    let alg = jws.header_str("alg").ok_or(Violation::MalformedAssertion)?;
    let unsigned = alg == "none" && state.fault(Fault::AcceptAlgNone);
    if !unsigned && embedded.is_none() && jws.header_str("kid") != Some(kid.as_str()) {
        return Err(Violation::KidMismatch);
    }
    let check = match alg {
        "PS256" => verify(&jws, key, Algorithm::PS256),
        "ES256" => verify(&jws, key, Algorithm::ES256),
        "none" if unsigned => Ok(()),
        "RS256" if state.fault(Fault::AcceptRs256) => verify(&jws, key, Algorithm::RS256),
        "PS384" | "PS512" | "RS384" | "RS512" if state.fault(Fault::AcceptNonFapiAlg) => {
            match alg.parse::<Algorithm>() {
                Ok(a) => verify(&jws, key, a),
                Err(_) => Err(Violation::AlgNotAllowed),
            }
        }
        "HS256" if state.fault(Fault::AcceptHs256PublicKey) => {
            match DecodingKey::from_secret(public_pem.as_bytes()) {
                Ok(mac_key) => verify(&jws, &mac_key, Algorithm::HS256),
                Err(_) => Err(Violation::BadSignature),
            }
        }
        _ => return Err(Violation::AlgNotAllowed),
    };
    if !state.fault(Fault::SkipSignatureCheck) {
        check?;
    }

    // Claims.
    let id = client.client_id.as_str();
    if !state.fault(Fault::SkipIssCheck) && jws.claim_str("iss") != Some(id) {
        return Err(Violation::IssMismatch);
    }
    if !state.fault(Fault::SkipSubCheck) && jws.claim_str("sub") != Some(id) {
        return Err(Violation::SubMismatch);
    }
    if !state.fault(Fault::SkipAudCheck) && !aud_ok(state, jws.claims.get("aud")) {
        return Err(Violation::AudMismatch);
    }
    let exp = jws.claim_time("exp")?;
    match exp {
        None if !state.fault(Fault::AllowMissingExp) => return Err(Violation::MissingExp),
        Some(exp) if exp + EXP_LEEWAY < now && !state.fault(Fault::SkipExpCheck) => {
            return Err(Violation::Expired);
        }
        Some(exp) if exp > now + MAX_LIFETIME && !state.fault(Fault::AllowLongLivedAssertion) => {
            return Err(Violation::ExpTooFar);
        }
        _ => {}
    }
    let skew = if state.fault(Fault::NoClockSkew) {
        0
    } else {
        MAX_FUTURE_SKEW
    };
    if !state.fault(Fault::SkipNbfIatCheck) {
        if jws.claim_time("iat")?.is_some_and(|t| t > now + skew) {
            return Err(Violation::IssuedInFuture);
        }
        if jws.claim_time("nbf")?.is_some_and(|t| t > now + skew) {
            return Err(Violation::NotYetValid);
        }
    }
    let jti = jws
        .claims
        .get("jti")
        .and_then(Value::as_str)
        .filter(|j| !j.is_empty());
    if jti.is_none() && !state.fault(Fault::AllowMissingJti) {
        return Err(Violation::MissingJti);
    }
    if state.fault(Fault::RequireClientId) && params.get("client_id").is_none() {
        return Err(Violation::MissingClientId);
    }
    if !state.fault(Fault::SkipClientIdMatch) && params.get("client_id").is_some_and(|c| c != id) {
        return Err(Violation::ClientIdMismatch);
    }
    if let Some(jti) = jti
        && !state.fault(Fault::SkipJtiReplayCheck)
    {
        let until = exp.map_or(now + JTI_DEFAULT_MEMORY, |e| e.max(now) + EXP_LEEWAY);
        let mut cache = state
            .replay
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match cache.record(id, jti, until, now) {
            Ok(()) => {}
            Err(ReplayRefusal::Seen) => return Err(Violation::JtiReplayed),
            Err(ReplayRefusal::Full) => return Err(Violation::ReplayCacheFull),
        }
    }
    Ok(client)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> String {
        URL_SAFE_NO_PAD.encode(s)
    }

    #[test]
    fn parses_alg_none() {
        let text = format!("{}.{}.", b64(r#"{"alg":"none"}"#), b64(r#"{"iss":"x"}"#));
        let jws = CompactJws::parse(&text).expect("parse");
        assert_eq!(jws.header_str("alg"), Some("none"));
        assert_eq!(jws.signature, "");
    }

    #[test]
    fn rejects_non_compact_forms() {
        let one = format!("{}.{}.c2ln", b64(r#"{"alg":"PS256"}"#), b64("{}"));
        assert!(CompactJws::parse(&one).is_ok());
        for bad in [
            "foo".to_owned(),
            String::new(),
            format!("{one}.{one}"),
            format!("{one}{one}"),
            format!("{}.{}.x", b64("[]"), b64("{}")),
            format!("{}.{}.!!", b64(r#"{"alg":"PS256"}"#), b64("{}")),
        ] {
            assert_eq!(
                CompactJws::parse(&bad).map(|_| ()),
                Err(Violation::MalformedAssertion),
                "{bad}"
            );
        }
    }
}
