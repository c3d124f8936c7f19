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
}

impl Resolved {
    /// Where token requests go: the mTLS alias when there is one (RFC 8705 §5).
    pub fn token_url(&self) -> &str {
        self.mtls_token_endpoint
            .as_deref()
            .unwrap_or(&self.token_endpoint)
    }
}

/// Fetches and reads the metadata. `Err` is a one-line reason shown at the top of the run.
pub async fn resolve(target: &Target, transport: &Transport) -> Result<Resolved, String> {
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
            });
        }
        Endpoints::Discovery(url) => url.clone(),
    };
    let parsed = Url::parse(&url)?;
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
    let response = transport
        .send(&request, "none", None)
        .await
        .map_err(|f| format!("discovery at {url} failed: {}", f.message))?;
    if response.status != 200 {
        return Err(format!(
            "discovery at {url} answered HTTP {}",
            response.status
        ));
    }
    let doc: Value = serde_json::from_slice(&response.body)
        .map_err(|e| format!("discovery at {url} did not return JSON: {e}"))?;
    let issuer = doc
        .get("issuer")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("discovery at {url} has no `issuer`"))?
        .to_string();
    let token_endpoint = doc
        .get("token_endpoint")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("discovery at {url} has no `token_endpoint`"))?
        .to_string();
    Url::parse(&token_endpoint).map_err(|e| format!("discovery at {url}: token_endpoint {e}"))?;
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
    })
}
