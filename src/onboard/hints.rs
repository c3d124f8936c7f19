//! What went wrong with the one valid token request, in words, and the hints matched to the
//! answer (`ofpc doctor` and `ofpc token` print the same ones). Pure: the answer's facts in,
//! a problem line and hints out.

use crate::model::TransportKind;

use crate::oauth::AuthMethod;

/// The hint for a target that did not answer at all.
pub const REACH_HINT: &str = "check the URL and that this machine can reach it (VPN, firewall, an \
                              allow-listed source IP)";
/// The hint for a server certificate ofpc does not trust.
pub const SERVER_CA_HINT: &str = "add the server's CA to the target file: ca = \"server-ca.pem\"";

/// What the request was, for the hints.
#[derive(Debug, Clone, Copy)]
pub struct TokenContext<'a> {
    pub client_id: &'a str,
    pub auth: AuthMethod,
    /// The assertion's `kid` (`private_key_jwt`).
    pub kid: Option<&'a str>,
    /// The assertion's `aud` as sent.
    pub aud_sent: &'a str,
    pub issuer: &'a str,
    pub token_endpoint: &'a str,
    /// Where the request went (the mTLS alias when advertised).
    pub token_url: &'a str,
    /// Whether the endpoints came from discovery.
    pub discovered: bool,
    /// RFC 4514 subject of the transport certificate.
    pub cert_subject: &'a str,
    pub cert_x5t: &'a str,
    pub scope: &'a str,
}

/// The answer to the request.
#[derive(Debug, Clone, Copy)]
pub enum TokenAnswer<'a> {
    /// An HTTP answer without a token.
    Refused {
        status: u16,
        error: Option<&'a str>,
        description: Option<&'a str>,
    },
    /// No HTTP answer: what kind of transport failure, and its message.
    Transport {
        kind: &'a TransportKind,
        message: &'a str,
    },
}

/// The problem and what to look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnosis {
    pub problem: String,
    pub hints: Vec<String>,
    /// No connection at all (exit 3 rather than 1).
    pub unreachable: bool,
}

fn cert_hint(ctx: &TokenContext<'_>) -> String {
    format!(
        "is the transport certificate the registered one? it is `{}` (x5t#S256 {})",
        ctx.cert_subject, ctx.cert_x5t
    )
}

fn invalid_client_hints(ctx: &TokenContext<'_>) -> Vec<String> {
    match ctx.auth {
        AuthMethod::PrivateKeyJwt => {
            let other = if ctx.aud_sent == ctx.issuer {
                "token_endpoint"
            } else {
                "issuer"
            };
            vec![
                format!(
                    "is kid `{}` registered in the JWKS uploaded for client `{}`?",
                    ctx.kid.unwrap_or("(none)"),
                    ctx.client_id
                ),
                format!(
                    "is `aud` right? ofpc sent `{}`; the platform's documents name both the issuer \
                     (`{}`) and the token endpoint URL (`{}`) (contradiction C1): try \
                     `audience = \"{other}\"` in [client]",
                    ctx.aud_sent, ctx.issuer, ctx.token_endpoint
                ),
                "is this machine's clock right? the assertion is valid for 60 s from its `iat` \
                 (see the clock line of `ofpc doctor`)"
                    .to_string(),
                cert_hint(ctx),
            ]
        }
        AuthMethod::TlsClientAuth => vec![
            format!(
                "is `{}` the subject DN registered for tls_client_auth (RFC 4514, compared exactly)?",
                ctx.cert_subject
            ),
            cert_hint(ctx),
            format!("is `{}` the client_id PayNet issued?", ctx.client_id),
        ],
    }
}

/// Describes a refused or failed token request.
pub fn diagnose(answer: &TokenAnswer<'_>, ctx: &TokenContext<'_>) -> Diagnosis {
    let mut unreachable = false;
    let (problem, hints) = match *answer {
        TokenAnswer::Refused {
            status,
            error,
            description,
        } => {
            let mut problem = format!("the token endpoint answered HTTP {status}");
            if let Some(code) = error {
                problem.push_str(&format!(" `{code}`"));
            }
            if let Some(text) = description {
                problem.push_str(&format!(": {text}"));
            }
            let hints = match (status, error) {
                (_, Some("invalid_client")) => invalid_client_hints(ctx),
                (_, Some("invalid_scope")) => vec![format!(
                    "is scope `{}` granted to client `{}`? client credentials tokens are for \
                     `accounts` (set `scope` in [client], or --scope)",
                    ctx.scope, ctx.client_id
                )],
                (_, Some("unauthorized_client" | "unsupported_grant_type")) => vec![format!(
                    "is client `{}` registered for the client_credentials grant?",
                    ctx.client_id
                )],
                (404, _) => {
                    let mut hints = vec![format!(
                        "is the token endpoint taken from discovery? ofpc sent the request to `{}`",
                        ctx.token_url
                    )];
                    if !ctx.discovered {
                        hints.push(
                            "give `discovery = \"https://.../.well-known/openid-configuration\"` \
                             instead of `issuer` and `token_endpoint`"
                                .into(),
                        );
                    }
                    hints
                }
                (500..=599, _) => vec![
                    "the server failed: try again later, and send PayNet the \
                     x-fapi-interaction-id printed above"
                        .into(),
                ],
                (401 | 403, _) => invalid_client_hints(ctx),
                _ => vec![
                    "send PayNet the x-fapi-interaction-id printed above with the answer".into(),
                ],
            };
            (problem, hints)
        }
        TokenAnswer::Transport { kind, message } => match kind {
            TransportKind::TlsAlert { .. }
            | TransportKind::Tls
            | TransportKind::Reset
            | TransportKind::Closed => (
                format!("the TLS connection to the token endpoint was refused: {message}"),
                vec![
                    cert_hint(ctx),
                    "self-signed certificates are accepted in the sandbox only; production \
                     needs one issued by a CA the platform trusts"
                        .into(),
                ],
            ),
            TransportKind::ServerCert => (
                format!("the token endpoint's certificate was not accepted: {message}"),
                vec![SERVER_CA_HINT.into()],
            ),
            _ => {
                unreachable = true;
                (
                    format!(
                        "cannot reach the token endpoint `{}`: {message}",
                        ctx.token_url
                    ),
                    vec![REACH_HINT.into()],
                )
            }
        },
    };
    Diagnosis {
        problem,
        hints,
        unreachable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(auth: AuthMethod) -> TokenContext<'static> {
        TokenContext {
            client_id: "c-1",
            auth,
            kid: Some("k-1"),
            aud_sent: "https://as.example",
            issuer: "https://as.example",
            token_endpoint: "https://as.example/token",
            token_url: "https://mtls.as.example/token",
            discovered: true,
            cert_subject: "CN=c-1,C=MY",
            cert_x5t: "x5t",
            scope: "accounts",
        }
    }

    #[test]
    fn invalid_client_names_kid_aud_and_clock() {
        let d = diagnose(
            &TokenAnswer::Refused {
                status: 401,
                error: Some("invalid_client"),
                description: Some("unknown key"),
            },
            &ctx(AuthMethod::PrivateKeyJwt),
        );
        assert_eq!(
            d.problem,
            "the token endpoint answered HTTP 401 `invalid_client`: unknown key"
        );
        assert_eq!(
            d.hints[0],
            "is kid `k-1` registered in the JWKS uploaded for client `c-1`?"
        );
        assert_eq!(
            d.hints[1],
            "is `aud` right? ofpc sent `https://as.example`; the platform's documents name both \
             the issuer (`https://as.example`) and the token endpoint URL \
             (`https://as.example/token`) (contradiction C1): try `audience = \"token_endpoint\"` \
             in [client]"
        );
        assert!(d.hints[2].starts_with("is this machine's clock right?"));
        assert!(!d.unreachable);
    }

    #[test]
    fn tls_client_auth_names_the_subject() {
        let d = diagnose(
            &TokenAnswer::Refused {
                status: 401,
                error: Some("invalid_client"),
                description: None,
            },
            &ctx(AuthMethod::TlsClientAuth),
        );
        assert_eq!(
            d.hints[0],
            "is `CN=c-1,C=MY` the subject DN registered for tls_client_auth (RFC 4514, compared exactly)?"
        );
    }

    #[test]
    fn not_found_tls_refusal_and_unreachable() {
        let c = ctx(AuthMethod::PrivateKeyJwt);
        let d = diagnose(
            &TokenAnswer::Refused {
                status: 404,
                error: None,
                description: None,
            },
            &c,
        );
        assert_eq!(d.problem, "the token endpoint answered HTTP 404");
        assert_eq!(
            d.hints,
            [
                "is the token endpoint taken from discovery? ofpc sent the request to `https://mtls.as.example/token`"
            ]
        );
        let d = diagnose(
            &TokenAnswer::Transport {
                kind: &TransportKind::TlsAlert {
                    alert: "CertificateUnknown".into(),
                },
                message: "TLS alert `certificate_unknown` received during TLS handshake",
            },
            &c,
        );
        assert_eq!(
            d.hints[0],
            "is the transport certificate the registered one? it is `CN=c-1,C=MY` (x5t#S256 x5t)"
        );
        let d = diagnose(
            &TokenAnswer::Transport {
                kind: &TransportKind::Refused,
                message: "connection to 127.0.0.1:9 refused",
            },
            &c,
        );
        assert!(d.unreachable);
        assert_eq!(
            d.problem,
            "cannot reach the token endpoint `https://mtls.as.example/token`: connection to 127.0.0.1:9 refused"
        );
    }
}
