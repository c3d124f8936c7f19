//! Builds `private_key_jwt` client assertions: the valid one (RFC 7523 §3, FAPI 2.0 5.3.2.1) and
//! the deliberately wrong ones a scenario asks for. Broken artefacts no library makes on purpose
//! (`alg: none`, HS256 keyed with the public key, a flipped signature byte) are made by hand.

use std::sync::OnceLock;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Map, Value};

use crate::config::SigningKey;
use crate::model::AssertionAlg;
use crate::oauth::Secret;
use crate::scenario::time_expr;
use crate::scenario::{AssertionSpec, Placeholders};

/// What the assertion is about.
pub struct AssertionContext<'a> {
    /// The client the assertion claims to be (`iss`, `sub`).
    pub client_id: &'a str,
    /// The default `aud`.
    pub audience: &'a str,
    /// Placeholder values for string claims.
    pub placeholders: &'a Placeholders,
    /// The step client's own key (the default).
    pub own_key: &'a SigningKey,
    /// The scenario's main client's key (`key = "client"`).
    pub main_key: Option<&'a SigningKey>,
    /// The key `key = "second-client"` means, if there is a second client.
    pub second_key: Option<&'a SigningKey>,
    /// Seconds since the epoch.
    pub now: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssertionError {
    #[error(
        "the scenario asks for the second client's key but the target has no [second_client] with a signing key"
    )]
    NoSecondKey,
    #[error("cannot sign the assertion with {alg}: {reason}")]
    Sign { alg: String, reason: String },
}

fn claim_value(value: &toml::Value, ctx: &AssertionContext<'_>) -> Value {
    match value {
        toml::Value::String(s) => match time_expr::resolve(s, ctx.now) {
            Some(t) => Value::from(t),
            None => Value::String(ctx.placeholders.fill(s)),
        },
        toml::Value::Integer(i) => Value::from(*i),
        toml::Value::Float(f) => Value::from(*f),
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Array(items) => {
            Value::Array(items.iter().map(|v| claim_value(v, ctx)).collect())
        }
        other => Value::String(other.to_string()),
    }
}

/// A fresh RSA-2048 key registered nowhere, made once per process.
fn unregistered_key() -> &'static Result<SigningKey, String> {
    static KEY: OnceLock<Result<SigningKey, String>> = OnceLock::new();
    KEY.get_or_init(|| {
        use rsa::pkcs8::{EncodePrivateKey, LineEnding};
        let key = rsa::PrivateKey::new(&mut getrandom::SysRng, 2048).map_err(|e| e.to_string())?;
        let pem = key
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|e| e.to_string())?;
        Ok(SigningKey {
            pem: Secret::new(pem.to_string()),
            kid: "ofpc-unregistered".to_string(),
            alg: Algorithm::PS256,
            public_pem: None,
        })
    })
}

/// Builds the assertion described by `spec`.
pub fn build_assertion(
    spec: &AssertionSpec,
    ctx: &AssertionContext<'_>,
) -> Result<Secret, AssertionError> {
    let mut claims = Map::new();
    claims.insert("iss".into(), Value::from(ctx.client_id));
    claims.insert("sub".into(), Value::from(ctx.client_id));
    claims.insert("aud".into(), Value::from(ctx.audience));
    claims.insert("jti".into(), Value::from(uuid::Uuid::new_v4().to_string()));
    claims.insert("iat".into(), Value::from(ctx.now));
    claims.insert("nbf".into(), Value::from(ctx.now));
    claims.insert("exp".into(), Value::from(ctx.now + 60));
    for (name, value) in &spec.claims {
        claims.insert(name.clone(), claim_value(value, ctx));
    }
    for name in &spec.remove_claims {
        claims.remove(name);
    }
    let claims = Value::Object(claims);

    let attacker = spec.header.jwk == Some(crate::scenario::EmbeddedKey::Attacker);
    let key = match spec.key {
        None if attacker => unregistered_key()
            .as_ref()
            .map_err(|e| AssertionError::Sign {
                alg: "PS256".into(),
                reason: format!("cannot generate the unregistered key: {e}"),
            })?,
        None => ctx.own_key,
        Some(crate::scenario::KeyChoice::Client) => ctx.main_key.unwrap_or(ctx.own_key),
        Some(crate::scenario::KeyChoice::SecondClient) => {
            ctx.second_key.ok_or(AssertionError::NoSecondKey)?
        }
        Some(crate::scenario::KeyChoice::Unregistered) => {
            unregistered_key()
                .as_ref()
                .map_err(|e| AssertionError::Sign {
                    alg: "PS256".into(),
                    reason: format!("cannot generate the unregistered key: {e}"),
                })?
        }
    };
    // An unregistered key still claims the step client's registered kid unless told otherwise.
    let kid = spec.kid.clone().unwrap_or_else(|| match spec.key {
        Some(crate::scenario::KeyChoice::Unregistered) => ctx.own_key.kid.clone(),
        None if attacker => ctx.own_key.kid.clone(),
        _ => key.kid.clone(),
    });
    let choice = spec.alg.unwrap_or(match key.alg {
        Algorithm::ES256 => AssertionAlg::Es256,
        _ => AssertionAlg::Ps256,
    });
    let alg = choice.as_str();

    let mut jwt = match choice {
        AssertionAlg::None => unsigned(&kid, &claims),
        AssertionAlg::Hs256PublicKey => {
            let public = ctx
                .own_key
                .public_pem
                .as_deref()
                .ok_or_else(|| AssertionError::Sign {
                    alg: alg.into(),
                    reason: "the signing key is not an RSA key".into(),
                })?;
            let mut header = Header::new(Algorithm::HS256);
            header.kid = Some(kid);
            let key =
                EncodingKey::from_secret(public.as_bytes()).map_err(|e| AssertionError::Sign {
                    alg: alg.into(),
                    reason: e.to_string(),
                })?;
            sign(&header, &claims, &key, alg)?
        }
        _ => {
            let name = alg;
            let algorithm: Algorithm = name.parse().map_err(|_| AssertionError::Sign {
                alg: name.into(),
                reason: "unknown algorithm".into(),
            })?;
            let pem = key.pem.expose().as_bytes();
            let encoding = match algorithm {
                Algorithm::ES256 | Algorithm::ES384 => EncodingKey::from_ec_pem(pem),
                _ => EncodingKey::from_rsa_pem(pem),
            }
            .map_err(|e| AssertionError::Sign {
                alg: name.into(),
                reason: e.to_string(),
            })?;
            if algorithm == Algorithm::PS256 {
                let header = if spec.header.is_empty() {
                    let mut header = Header::new(algorithm);
                    header.kid = Some(kid);
                    serde_json::to_string(&header).map_err(|e| AssertionError::Sign {
                        alg: name.into(),
                        reason: e.to_string(),
                    })?
                } else {
                    let header = custom_header(&spec.header, name, &kid, &encoding, algorithm)?;
                    Value::Object(header).to_string()
                };
                sign_ps256(&header, &claims, key.pem.expose())?
            } else if spec.header.is_empty() {
                let mut header = Header::new(algorithm);
                header.kid = Some(kid);
                sign(&header, &claims, &encoding, name)?
            } else {
                let header = custom_header(&spec.header, name, &kid, &encoding, algorithm)?;
                sign_raw(&header, &claims, &encoding, algorithm, name)?
            }
        }
    };
    if spec.tamper_signature {
        jwt = tamper(&jwt);
    }
    Ok(Secret::new(jwt))
}

fn sign(
    header: &Header,
    claims: &Value,
    key: &EncodingKey,
    alg: &str,
) -> Result<String, AssertionError> {
    jsonwebtoken::encode(header, claims, key).map_err(|e| AssertionError::Sign {
        alg: alg.into(),
        reason: e.to_string(),
    })
}

/// A header with the members the step asks for (`jwk`, `jku`, `x5u`, `crit`, `typ`).
fn custom_header(
    spec: &crate::scenario::HeaderSpec,
    alg: &str,
    kid: &str,
    key: &EncodingKey,
    algorithm: Algorithm,
) -> Result<Map<String, Value>, AssertionError> {
    let err = |reason: String| AssertionError::Sign {
        alg: alg.into(),
        reason,
    };
    let mut header = Map::new();
    header.insert("alg".into(), Value::from(alg));
    header.insert("kid".into(), Value::from(kid));
    header.insert(
        "typ".into(),
        Value::from(spec.typ.as_deref().unwrap_or("JWT")),
    );
    if spec.jwk.is_some() {
        let jwk = jsonwebtoken::jwk::Jwk::from_encoding_key(key, algorithm)
            .map_err(|e| err(e.to_string()))?;
        let value = serde_json::to_value(jwk).map_err(|e| err(e.to_string()))?;
        header.insert("jwk".into(), value);
    }
    for (name, value) in [("jku", &spec.jku), ("x5u", &spec.x5u)] {
        if let Some(v) = value {
            header.insert(name.into(), Value::from(v.as_str()));
        }
    }
    if !spec.crit.is_empty() {
        header.insert("crit".into(), Value::from(spec.crit.clone()));
        for name in &spec.crit {
            header.entry(name.clone()).or_insert(Value::Bool(true));
        }
    }
    Ok(header)
}

/// Signs a hand-made header and the claims (RFC 7515 §5.1).
fn sign_raw(
    header: &Map<String, Value>,
    claims: &Value,
    key: &EncodingKey,
    algorithm: Algorithm,
    alg: &str,
) -> Result<String, AssertionError> {
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(Value::Object(header.clone()).to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let signature = jsonwebtoken::crypto::sign(input.as_bytes(), key, algorithm).map_err(|e| {
        AssertionError::Sign {
            alg: alg.into(),
            reason: e.to_string(),
        }
    })?;
    Ok(format!("{input}.{signature}"))
}

/// A PS256 JWS over `header` and `claims`, signed with ring ([`super::ps256`]).
fn sign_ps256(header: &str, claims: &Value, pem: &str) -> Result<String, AssertionError> {
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let signature =
        super::ps256::sign(pem, input.as_bytes()).map_err(|reason| AssertionError::Sign {
            alg: "PS256".into(),
            reason,
        })?;
    Ok(format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature)))
}

/// `alg: none`: base64url(header) "." base64url(claims) "." (empty signature), RFC 7519 §6.1.
fn unsigned(kid: &str, claims: &Value) -> String {
    let header = serde_json::json!({ "alg": "none", "kid": kid, "typ": "JWT" });
    format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    )
}

/// Flips the first byte of the decoded signature.
fn tamper(jwt: &str) -> String {
    let Some((signed, sig)) = jwt.rsplit_once('.') else {
        return jwt.to_string();
    };
    let Ok(mut bytes) = URL_SAFE_NO_PAD.decode(sig) else {
        return jwt.to_string();
    };
    if let Some(first) = bytes.first_mut() {
        *first ^= 0x01;
    }
    format!("{signed}.{}", URL_SAFE_NO_PAD.encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jose::inspect::decode_parts;

    fn key() -> SigningKey {
        use rsa::pkcs8::{EncodePrivateKey, LineEnding};
        let rsa_key = rsa::PrivateKey::new(&mut getrandom::SysRng, 2048).unwrap();
        let pem = rsa_key.to_pkcs8_pem(LineEnding::LF).unwrap().to_string();
        crate::config::credentials::signing_key(
            Secret::new(pem),
            "kid-1".into(),
            "k",
            std::path::Path::new("t"),
        )
        .unwrap()
    }

    #[test]
    fn valid_and_broken_assertions() {
        let key = key();
        let mut placeholders = Placeholders::default();
        placeholders.set("token_endpoint", "https://as.example/token");
        let ctx = AssertionContext {
            client_id: "c1",
            audience: "https://as.example",
            placeholders: &placeholders,
            own_key: &key,
            main_key: None,
            second_key: None,
            now: 1_000,
        };
        let valid = build_assertion(&AssertionSpec::default(), &ctx).unwrap();
        let (header, claims) = decode_parts(valid.expose()).unwrap();
        assert_eq!(header["alg"], "PS256");
        assert_eq!(header["kid"], "kid-1");
        assert_eq!(claims["iss"], "c1");
        assert_eq!(claims["aud"], "https://as.example");
        assert_eq!(claims["exp"], 1_060);

        let spec = AssertionSpec {
            alg: Some(AssertionAlg::None),
            claims: [
                (
                    "aud".to_string(),
                    toml::Value::String("{token_endpoint}".into()),
                ),
                ("exp".to_string(), toml::Value::String("now-300s".into())),
            ]
            .into(),
            remove_claims: vec!["jti".into()],
            ..AssertionSpec::default()
        };
        let broken = build_assertion(&spec, &ctx).unwrap();
        assert!(broken.expose().ends_with('.'));
        let (header, claims) = decode_parts(broken.expose()).unwrap();
        assert_eq!(header["alg"], "none");
        assert_eq!(claims["aud"], "https://as.example/token");
        assert_eq!(claims["exp"], 700);
        assert!(claims.get("jti").is_none());

        let tampered = build_assertion(
            &AssertionSpec {
                tamper_signature: true,
                ..AssertionSpec::default()
            },
            &ctx,
        )
        .unwrap();
        assert_ne!(
            crate::jose::inspect::signature_part(tampered.expose()),
            crate::jose::inspect::signature_part(valid.expose())
        );

        let embedded = build_assertion(
            &AssertionSpec {
                header: crate::scenario::HeaderSpec {
                    jwk: Some(crate::scenario::EmbeddedKey::Attacker),
                    jku: Some("https://attacker.example/jwks".into()),
                    crit: vec!["urn:x-unknown".into()],
                    typ: Some("dpop+jwt".into()),
                    ..Default::default()
                },
                ..AssertionSpec::default()
            },
            &ctx,
        )
        .unwrap();
        let (header, _) = decode_parts(embedded.expose()).unwrap();
        assert_eq!(header["kid"], "kid-1");
        assert_eq!(header["typ"], "dpop+jwt");
        assert_eq!(header["jwk"]["kty"], "RSA");
        assert_eq!(header["jku"], "https://attacker.example/jwks");
        assert_eq!(header["crit"], serde_json::json!(["urn:x-unknown"]));
        assert_eq!(header["urn:x-unknown"], true);
    }
}
