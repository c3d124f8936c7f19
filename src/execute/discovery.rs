//! Resolves the target's endpoints: fetches the well-known document (or takes them as given).

use serde_json::Value;

use super::transport::{Transport, WireRequest, url_lite::Url};
use crate::config::{Endpoints, Target};

/// The endpoints a run uses.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub issuer: String,
    /// `token_endpoint` from the metadata.
    pub token_endpoint: String,
    /// `mtls_endpoint_aliases.token_endpoint`, when advertised (token requests then go there).
    pub mtls_token_endpoint: Option<String>,
    pub resource: Option<String>,
    /// The metadata document, when discovery was used.
    pub metadata: Option<Value>,
    /// The documents were fetched with the `[client]` transport certificate (the server asked
    /// for one, or `discovery_client_cert = "always"`): later fetches present it from the start.
    pub documents_with_cert: bool,
}

impl Resolved {
    /// Where token requests go: the mTLS alias when there is one (RFC 8705 §5).
    pub fn token_url(&self) -> &str {
        self.mtls_token_endpoint
            .as_deref()
            .unwrap_or(&self.token_endpoint)
    }
}

/// Why the run's endpoints could not be resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoveryFailure {
    /// One line, shown once at the top of the run.
    pub reason: String,
    /// No HTTP answer at all (refused, timeout, DNS, TLS): nothing can be tested. Otherwise the
    /// server answered with an unusable document: the discovery scenarios still run and report
    /// what they received, and the others are skipped.
    pub unreachable: bool,
}

impl Resolved {
    /// Stands in for the endpoints when discovery answered with an unusable document, so that
    /// the discovery scenarios (which fetch their documents themselves) can still run.
    pub fn unusable(target: &Target) -> Resolved {
        Resolved {
            issuer: String::new(),
            token_endpoint: String::new(),
            mtls_token_endpoint: None,
            resource: target.resource.clone(),
            metadata: None,
            documents_with_cert: false,
        }
    }
}

/// Fetches and reads the metadata.
pub async fn resolve(target: &Target, transport: &Transport) -> Result<Resolved, DiscoveryFailure> {
    resolve_inner(target, transport)
        .await
        .map_err(|(reason, unreachable)| DiscoveryFailure {
            reason,
            unreachable,
        })
}

/// `Err((reason, unreachable))`.
async fn resolve_inner(target: &Target, transport: &Transport) -> Result<Resolved, (String, bool)> {
    let url = match &target.endpoints {
        Endpoints::Static {
            issuer,
            token_endpoint,
        } => {
            return Ok(Resolved {
                issuer: issuer.clone(),
                token_endpoint: token_endpoint.clone(),
                mtls_token_endpoint: None,
                resource: target.resource.clone(),
                metadata: None,
                documents_with_cert: false,
            });
        }
        Endpoints::Discovery(url) => url.clone(),
    };
    let parsed = Url::parse(&url).map_err(|e| (e, true))?;
    let request = WireRequest {
        method: "GET".into(),
        url: parsed,
        headers: vec![
            ("accept".into(), "application/json".into()),
            (
                "user-agent".into(),
                concat!("ofpc/", env!("CARGO_PKG_VERSION")).into(),
            ),
        ],
        body: Vec::new(),
    };
    let fetched = super::documents::fetch(
        transport,
        &request,
        target.discovery_client_cert,
        &target.client,
        false,
    )
    .await;
    let documents_with_cert = fetched.with_cert;
    let response = fetched
        .outcome
        .map_err(|f| (format!("discovery at {url} failed: {}", f.message), true))?;
    let bad = |reason: String| (reason, false);
    if response.status != 200 {
        return Err(bad(format!(
            "discovery at {url} answered HTTP {}",
            response.status
        )));
    }
    let doc: Value = serde_json::from_slice(&response.body)
        .map_err(|e| bad(format!("discovery at {url} did not return JSON: {e}")))?;
    let issuer = doc
        .get("issuer")
        .and_then(Value::as_str)
        .ok_or_else(|| bad(format!("discovery at {url} has no `issuer`")))?
        .to_string();
    let token_endpoint = doc
        .get("token_endpoint")
        .and_then(Value::as_str)
        .ok_or_else(|| bad(format!("discovery at {url} has no `token_endpoint`")))?
        .to_string();
    Url::parse(&token_endpoint)
        .map_err(|e| bad(format!("discovery at {url}: token_endpoint {e}")))?;
    let mtls_token_endpoint = doc
        .get("mtls_endpoint_aliases")
        .and_then(|a| a.get("token_endpoint"))
        .and_then(Value::as_str)
        .map(str::to_string);
    Ok(Resolved {
        issuer,
        token_endpoint,
        mtls_token_endpoint,
        resource: target.resource.clone(),
        metadata: Some(doc),
        documents_with_cert,
    })
}
