//! The disc-jwks checks on a fetched JWK Set: public keys only, distinct kids, minimum sizes
//! (RSA 2048; EC 224 under Final, 160 under ID2), unusable keys a warning.

use serde_json::Value;

use super::collect::CheckList;
use super::document::{MetadataInput, describe, list, object};
use crate::config::Profile;
use crate::model::CheckId;

/// Members that make a JWK private or symmetric (RFC 7518 §6).
const PRIVATE_MEMBERS: &[&str] = &["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

fn b64_len(s: &str) -> usize {
    let s = s.trim_end_matches('=');
    s.len() * 6 / 8
}

/// Bits of an RSA modulus given in base64url (leading zero bytes ignored).
fn rsa_bits(n: &str) -> Option<usize> {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(n.trim_end_matches('='))
        .ok()?;
    let first = bytes.iter().position(|b| *b != 0)?;
    Some((bytes.len() - first) * 8 - bytes[first].leading_zeros() as usize)
}

/// The disc-jwks checks on a fetched JWK Set.
pub(super) fn judge_jwks(out: &mut CheckList, input: &MetadataInput<'_>) {
    let f = &input.fetched;
    let keys = object(f)
        .filter(|_| f.status == 200)
        .and_then(|m| m.get("keys").and_then(Value::as_array).cloned());
    let Some(keys) = keys else {
        out.push(
            CheckId::DiscJwks,
            false,
            "HTTP 200 with a JSON object whose `keys` is an array",
            describe(f),
        );
        return;
    };
    out.push(
        CheckId::DiscJwks,
        true,
        "HTTP 200 with a JSON object whose `keys` is an array",
        format!("{} key(s)", keys.len()),
    );
    let ec_min = if input.profile == Profile::Fapi2Id2 {
        160
    } else {
        224
    };
    let mut private = Vec::new();
    let mut kid_problems = Vec::new();
    let mut small = Vec::new();
    let mut unusable = Vec::new();
    let mut kids: Vec<&str> = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        let Some(key) = key.as_object() else {
            unusable.push(format!("key {i} is not an object"));
            continue;
        };
        let kid = key.get("kid").and_then(Value::as_str);
        let name = kid.map_or(format!("key {i}"), |k| format!("`{k}`"));
        let kty = key.get("kty").and_then(Value::as_str).unwrap_or("");
        let secret: Vec<&str> = PRIVATE_MEMBERS
            .iter()
            .copied()
            .filter(|m| key.contains_key(*m))
            .collect();
        if kty == "oct" {
            private.push(format!("{name} is symmetric (kty oct)"));
        } else if !secret.is_empty() {
            private.push(format!("{name} has private member(s) {}", list(&secret)));
        }
        match kid {
            None => kid_problems.push(format!("key {i} has no kid")),
            Some(k) if kids.contains(&k) => kid_problems.push(format!("kid `{k}` repeats")),
            Some(k) => kids.push(k),
        }
        match kty {
            "RSA" => match key.get("n").and_then(Value::as_str).and_then(rsa_bits) {
                Some(bits) if bits < 2048 => small.push(format!("{name}: RSA {bits} bits")),
                Some(_) => {}
                None => unusable.push(format!("{name}: RSA without a valid `n`")),
            },
            "EC" => {
                let bits = match key.get("crv").and_then(Value::as_str) {
                    Some("P-256" | "secp256k1") => Some(256),
                    Some("P-384") => Some(384),
                    Some("P-521") => Some(521),
                    _ => key.get("x").and_then(Value::as_str).map(|x| b64_len(x) * 8),
                };
                match bits {
                    Some(b) if b < ec_min => small.push(format!("{name}: EC {b} bits")),
                    Some(_) => {}
                    None => unusable.push(format!("{name}: EC without `crv`/`x`")),
                }
            }
            "OKP" | "oct" => {}
            other => unusable.push(format!("{name}: unknown kty `{other}`")),
        }
    }
    out.problems(
        CheckId::DiscJwksPrivate,
        "public keys only (no d, p, q, dp, dq, qi, oth, k; no kty oct)",
        &private,
    );
    out.problems(
        CheckId::DiscJwksKid,
        "a kid on every key, no two alike",
        &kid_problems,
    );
    out.problems(
        CheckId::DiscJwksKeySize,
        &format!("RSA >= 2048 bits, EC >= {ec_min} bits"),
        &small,
    );
    out.push(
        CheckId::DiscJwksUsable,
        unusable.is_empty(),
        "keys of a known type with their public members",
        if unusable.is_empty() {
            "all usable".to_string()
        } else {
            unusable.join("; ")
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::judge::discovery::{Document, Fetched, judge_metadata};
    use crate::model::{CheckStatus, Severity};

    fn judge_in(profile: Profile, body: &str) -> Vec<(String, CheckStatus, String)> {
        judge_metadata(&MetadataInput {
            row: crate::model::check_id::MetadataCheck::DiscJwks,
            document: Document::Jwks,
            fetched: Fetched {
                status: 200,
                content_type: Some("application/json"),
                body: body.as_bytes(),
            },
            discovery_url: "https://as.example/.well-known/openid-configuration",
            auth_methods: &["private_key_jwt"],
            severity: Severity::Fail,
            profile,
        })
        .into_iter()
        .map(|c| (c.id, c.status, c.actual))
        .collect()
    }

    fn one(id: &str, status: CheckStatus, actual: &str) -> (String, CheckStatus, String) {
        (id.to_string(), status, actual.to_string())
    }

    #[test]
    fn jwks_keys() {
        let good = r#"{"keys":[{"kty":"EC","crv":"P-256","x":"AA","y":"AA","kid":"a"}]}"#;
        let checks = judge_in(Profile::Ofm, good);
        assert!(
            checks.iter().all(|c| c.1 == CheckStatus::Pass),
            "{checks:?}"
        );
        // 1024-bit modulus: 128 bytes with the top bit set.
        let n = base64::Engine::encode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            [0xc0u8; 128],
        );
        let bad = format!(
            r#"{{"keys":[
                {{"kty":"EC","crv":"P-256","x":"AA","y":"AA","d":"AA","kid":"a"}},
                {{"kty":"oct","k":"c2VjcmV0","kid":"a"}},
                {{"kty":"RSA","n":"{n}","e":"AQAB"}},
                {{"kty":"XYZ","kid":"z"}}
            ]}}"#
        );
        assert_eq!(
            judge_in(Profile::Ofm, &bad),
            vec![
                one("disc-jwks", CheckStatus::Pass, "4 key(s)"),
                one(
                    "disc-jwks-private",
                    CheckStatus::Fail,
                    "`a` has private member(s) [d]; `a` is symmetric (kty oct)"
                ),
                one(
                    "disc-jwks-kid",
                    CheckStatus::Fail,
                    "kid `a` repeats; key 2 has no kid"
                ),
                one(
                    "disc-jwks-key-size",
                    CheckStatus::Fail,
                    "key 2: RSA 1024 bits"
                ),
                one(
                    "disc-jwks-usable",
                    CheckStatus::Warn,
                    "`z`: unknown kty `XYZ`"
                ),
            ]
        );
        assert_eq!(judge_in(Profile::Ofm, "nope")[0].1, CheckStatus::Fail);
    }

    #[test]
    fn ec_minimum_depends_on_the_profile() {
        // A 192-bit curve: 24-byte coordinates.
        let x =
            base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, [7u8; 24]);
        let body =
            format!(r#"{{"keys":[{{"kty":"EC","crv":"P-192","x":"{x}","y":"{x}","kid":"a"}}]}}"#);
        assert_eq!(
            judge_in(Profile::Fapi2Final, &body)[3],
            one("disc-jwks-key-size", CheckStatus::Fail, "`a`: EC 192 bits")
        );
        assert_eq!(
            judge_in(Profile::Fapi2Id2, &body)[3],
            one("disc-jwks-key-size", CheckStatus::Pass, "as expected")
        );
    }
}
