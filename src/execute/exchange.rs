//! One step's exchange: build the request, pick the TLS identity, send it, and hand back what
//! was sent and what came back as data (raw for judging, redacted records for reports). No
//! judging happens here.

use super::discovery::Resolved;
use super::identities::IdentityFactory;
use super::redact::Redactor;
use super::request::{Built, ScenarioState, build, client_for};
use super::transport::Transport;
use crate::config::Target;
use crate::model::{
    CertInfo, Outcome, RequestRecord, ResponseRecord, TransportFailure, WireResponse,
};
use crate::oauth::Secret;
use crate::scenario::{Endpoint, Identity, Scenario, Step};

/// What every exchange of a run shares.
pub struct ExchangeCtx<'a> {
    pub target: &'a Target,
    pub resolved: &'a Resolved,
    pub transport: &'a Transport,
    pub redactor: &'a Redactor,
    pub identities: &'a IdentityFactory,
}

/// A step that went on the wire.
pub struct Exchange {
    pub built: Built,
    /// The response as received, or why none came.
    pub outcome: Result<WireResponse, TransportFailure>,
    /// The request as sent, secrets redacted.
    pub request: RequestRecord,
    /// The response or transport failure, secrets redacted.
    pub record: Outcome,
    /// The access token granted (HTTP 200 with `access_token`), for later steps.
    pub token: Option<Secret>,
}

impl Exchange {
    /// True when the request carried an `Authorization` header.
    pub fn authorization_sent(&self) -> bool {
        self.built
            .wire
            .headers
            .iter()
            .any(|(k, _)| k == "authorization")
    }
}

/// Builds and sends one step. `Err` is why nothing was sent (the step is skipped).
/// A discovery step leaves the document it received in `state.metadata`.
pub async fn exchange(
    ctx: &ExchangeCtx<'_>,
    scenario: &Scenario,
    step: &Step,
    state: &mut ScenarioState,
    now: i64,
) -> Result<Exchange, String> {
    let mut built = build(ctx.target, ctx.resolved, scenario, step, state, now)
        .map_err(|reason| format!("not sent: {reason}"))?;
    let tls_role = step.tls.unwrap_or(step.client);
    if tls_role.is_generated() {
        let registered = client_for(ctx.target, scenario, Identity::Client)
            .and_then(|c| c.identity.cert.first())
            .map(|c| c.as_ref().to_vec());
        let generated = registered
            .ok_or_else(|| "the target has no registered certificate to copy".to_string())
            .and_then(|der| ctx.identities.get(tls_role, &der))
            .map_err(|reason| format!("not sent: {reason}"))?;
        built.tls_identity = Some(generated.identity.clone());
        built.cert_subject = Some(generated.subject.clone());
        built.cert_thumbprint = Some(generated.x5t_s256.clone());
    }
    let redactor = ctx.redactor;
    if let Some(a) = &built.assertion {
        redactor.add_assertion(a.expose());
    }
    let document = matches!(step.endpoint, Endpoint::Discovery | Endpoint::Jwks);
    let (outcome, retries) = if document && built.tls_identity.is_none() {
        // TLS only, and again with [client]'s certificate when the server asks for one.
        let client = &ctx.target.client;
        let fetched = super::documents::fetch(
            ctx.transport,
            &built.wire,
            ctx.target.discovery_client_cert,
            client,
            ctx.resolved.documents_with_cert,
        )
        .await;
        if fetched.with_cert {
            built.tls_label = "client";
            built.tls_identity = Some(client.identity.clone());
            built.cert_subject = Some(client.cert_subject.clone());
            built.cert_thumbprint = Some(client.cert_x5t_s256.clone());
        }
        (fetched.outcome, Vec::new())
    } else {
        ctx.transport
            .send_recorded(
                &built.wire,
                built.cert_thumbprint.as_deref().unwrap_or("none"),
                built.tls_identity.as_ref(),
            )
            .await
    };
    let mut token = None;
    if let Ok(resp) = &outcome {
        // Before any parsing: a body that is not JSON is masked all the same.
        redactor.add_token_values(&String::from_utf8_lossy(&resp.body));
    }
    if let Ok(resp) = &outcome
        && let Ok(serde_json::Value::Object(map)) =
            serde_json::from_slice::<serde_json::Value>(&resp.body)
    {
        for name in ["access_token", "refresh_token", "id_token"] {
            if let Some(secret) = map.get(name).and_then(|v| v.as_str()) {
                redactor.add(secret, name);
            }
        }
        if resp.status == 200 {
            token = map
                .get("access_token")
                .and_then(|v| v.as_str())
                .map(Secret::new);
        }
    }
    if step.endpoint == Endpoint::Discovery {
        state.metadata = outcome.as_ref().ok().and_then(|r| {
            serde_json::from_slice::<serde_json::Value>(&r.body)
                .ok()
                .filter(serde_json::Value::is_object)
        });
    }
    let request = RequestRecord {
        method: built.wire.method.clone(),
        url: redactor.apply(&built.wire.url.to_string()),
        headers: built
            .wire
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), redactor.apply(v)))
            .collect(),
        body: (!built.wire.body.is_empty())
            .then(|| redactor.apply(&String::from_utf8_lossy(&built.wire.body))),
        tls_identity: built.tls_label.to_string(),
        client_cert: built
            .cert_subject
            .clone()
            .zip(built.cert_thumbprint.clone())
            .map(|(subject, x5t_s256)| CertInfo { subject, x5t_s256 }),
        retries,
    };
    let record = match &outcome {
        Ok(resp) => Outcome::Response(ResponseRecord {
            status: resp.status,
            headers: resp
                .headers
                .iter()
                .map(|(k, v)| (k.clone(), redactor.apply(v)))
                .collect(),
            body: redactor.apply(&String::from_utf8_lossy(&resp.body)),
            truncated: resp.truncated,
            tls: resp.tls.clone(),
        }),
        Err(f) => Outcome::Transport(f.record()),
    };
    Ok(Exchange {
        built,
        outcome,
        request,
        record,
        token,
    })
}
