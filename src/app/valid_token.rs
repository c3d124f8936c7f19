//! The one valid client credentials request the onboarding commands send (`doctor`, `token`):
//! the catalogue's baseline request for the target's `[client]` (discovery, assertion, mTLS),
//! built by `execute::request` and sent by the run's transport, so it is exactly what `ofpc run`
//! sends as its happy path.

use std::sync::OnceLock;

use crate::config::Target;
use crate::errors::InputError;
use crate::execute::discovery::Resolved;
use crate::execute::request::{ScenarioState, build};
use crate::execute::transport::Transport;
use crate::jose::inspect::decode_parts;
use crate::model::{TransportFailure, WireResponse};
use crate::onboard::hints::{Diagnosis, TokenAnswer, TokenContext, diagnose};
use crate::onboard::token_view::Answer;
use crate::scenario::Scenario;
use crate::scenario::parse::parse_scenario;

/// The baseline request as a scenario: one step, nothing changed.
const VALID_REQUEST: &str = "id = \"valid-request\"\n\
    title = \"One valid client credentials request\"\n\
    category = \"request\"\n\
    severity = \"fail\"\n\
    \n\
    [[step]]\n\
    expect = \"granted\"\n";

fn valid_scenario() -> Result<&'static Scenario, InputError> {
    static SCENARIO: OnceLock<Result<Scenario, InputError>> = OnceLock::new();
    SCENARIO
        .get_or_init(|| parse_scenario(VALID_REQUEST, "valid-request.toml"))
        .as_ref()
        .map_err(Clone::clone)
}

/// The transport a target's requests go through.
pub fn transport_for(target: &Target) -> Transport {
    Transport::for_target(target)
}

/// What was sent and what came back.
pub struct Sent {
    pub url: String,
    pub interaction_id: Option<String>,
    /// The assertion's `aud` and `kid` as sent (`private_key_jwt`).
    pub aud_sent: Option<String>,
    pub kid_sent: Option<String>,
    pub result: Result<WireResponse, TransportFailure>,
}

/// Sends the valid request for `[client]`, asking for `scope` when given.
pub async fn send_valid_request(
    target: &Target,
    resolved: &Resolved,
    transport: &Transport,
    scope: Option<&str>,
) -> Result<Sent, InputError> {
    let scenario = valid_scenario()?;
    let mut step = scenario.steps[0].clone();
    if let Some(scope) = scope {
        step.form.insert("scope".into(), scope.into());
    }
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let built = build(
        target,
        resolved,
        scenario,
        &step,
        &ScenarioState::default(),
        now,
    )
    .map_err(|e| InputError::new(format!("cannot build the token request: {e}")))?;
    let (aud_sent, kid_sent) = match built
        .assertion
        .as_ref()
        .and_then(|a| decode_parts(a.expose()))
    {
        Some((header, claims)) => (
            claims
                .get("aud")
                .map(|a| a.as_str().map_or(a.to_string(), str::to_owned)),
            header
                .get("kid")
                .and_then(|k| k.as_str())
                .map(str::to_owned),
        ),
        None => (None, None),
    };
    let result = transport
        .send(&built.wire, built.tls_label, built.tls_identity.as_ref())
        .await;
    Ok(Sent {
        url: built.wire.url.to_string(),
        interaction_id: built.interaction_id,
        aud_sent,
        kid_sent,
        result,
    })
}

/// The hints for a request that got no token.
pub fn diagnose_sent(
    target: &Target,
    resolved: &Resolved,
    sent: &Sent,
    answer: Option<&Answer>,
    scope: Option<&str>,
) -> Diagnosis {
    let client = &target.client;
    // RFC 4514, the form registered for tls_client_auth.
    let subject = client
        .identity
        .cert
        .first()
        .and_then(|c| crate::pki::subject_dn_rfc4514(c.as_ref()))
        .unwrap_or_else(|| client.cert_subject.clone());
    let ctx = TokenContext {
        client_id: &client.client_id,
        auth: client.auth,
        kid: sent.kid_sent.as_deref(),
        aud_sent: sent.aud_sent.as_deref().unwrap_or(""),
        issuer: &resolved.issuer,
        token_endpoint: &resolved.token_endpoint,
        token_url: &sent.url,
        discovered: resolved.metadata.is_some(),
        cert_subject: &subject,
        cert_x5t: &client.cert_x5t_s256,
        scope: scope.unwrap_or(&client.scope),
    };
    let answer = match (&sent.result, answer) {
        (Err(f), _) => TokenAnswer::Transport {
            kind: &f.kind,
            message: &f.message,
        },
        (
            Ok(_),
            Some(Answer::Refused {
                status,
                error,
                description,
            }),
        ) => TokenAnswer::Refused {
            status: *status,
            error: error.as_deref(),
            description: description.as_deref(),
        },
        (Ok(r), _) => TokenAnswer::Refused {
            status: r.status,
            error: None,
            description: None,
        },
    };
    diagnose(&answer, &ctx)
}
