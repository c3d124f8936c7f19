//! Planning: the catalogue, the profile, the target's capabilities and the filters give the
//! ordered list of cases, each runnable or skipped with a reason.

pub mod allow;

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::config::{Endpoints, Profile, Target};
use crate::errors::InputError;
use crate::oauth::AuthMethod;
use crate::scenario::parse::CATEGORIES;
use crate::scenario::{Capability, Scenario};

/// One scenario as planned.
#[derive(Debug, Clone)]
pub struct Case {
    pub scenario: Scenario,
    /// Why it will not run against this target, if it will not.
    pub skip: Option<String>,
}

/// `--only` / `--skip` globs over scenario ids.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    only: Option<GlobSet>,
    skip: Option<GlobSet>,
}

impl Filters {
    pub fn new(only: &[String], skip: &[String]) -> Result<Filters, InputError> {
        Ok(Filters {
            only: globs(only, "--only")?,
            skip: globs(skip, "--skip")?,
        })
    }

    pub fn selects(&self, id: &str) -> bool {
        self.only.as_ref().is_none_or(|g| g.is_match(id))
            && !self.skip.as_ref().is_some_and(|g| g.is_match(id))
    }
}

fn globs(patterns: &[String], flag: &str) -> Result<Option<GlobSet>, InputError> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut builder = GlobSetBuilder::new();
    for p in patterns {
        let glob = Glob::new(p).map_err(|e| {
            InputError::new(format!("invalid {flag} pattern `{p}`: {e}"))
                .hint("patterns are globs over scenario ids, e.g. jwt-* or 'req-grant-*'")
        })?;
        builder.add(glob);
    }
    builder
        .build()
        .map(Some)
        .map_err(|e| InputError::new(format!("invalid {flag} patterns: {e}")))
}

/// Whether the target provides a capability, with the reason when it does not.
pub fn missing(target: &Target, cap: Capability) -> Option<String> {
    let has = match cap {
        Capability::PrivateKeyJwt => target.client_for(AuthMethod::PrivateKeyJwt).is_some(),
        Capability::TlsClientAuth => target.client_for(AuthMethod::TlsClientAuth).is_some(),
        Capability::SecondClient => target.second_client.is_some(),
        Capability::Resource => target.resource.is_some(),
        Capability::UngrantedScope => target.ungranted_scope.is_some(),
        Capability::Discovery => matches!(target.endpoints, Endpoints::Discovery(_)),
        Capability::ClientCa => target.client_ca.is_some(),
        // Only a discovery document can advertise one; the runner checks what it advertised.
        Capability::MtlsAlias => matches!(target.endpoints, Endpoints::Discovery(_)),
    };
    (!has).then(|| match cap {
        Capability::PrivateKeyJwt => "needs a private_key_jwt client ([client] auth = \"private_key_jwt\")".to_string(),
        Capability::TlsClientAuth => "needs a tls_client_auth client ([client] or [mtls_client] with auth = \"tls_client_auth\")".to_string(),
        Capability::SecondClient => "needs a second registered client ([second_client])".to_string(),
        Capability::Resource => "needs a resource URL (`resource`)".to_string(),
        Capability::UngrantedScope => "needs a scope the client is not granted (`ungranted_scope`)".to_string(),
        Capability::Discovery => "needs a discovery URL (`discovery`); the target gives its endpoints directly".to_string(),
        Capability::MtlsAlias => "needs an mTLS alias (mtls_endpoint_aliases.token_endpoint, RFC 8705 §5), which only a discovery document advertises; the target gives its endpoints directly".to_string(),
        Capability::ClientCa => "needs a CA the target trusts for client certificates, with its key ([client_ca] cert and key), to issue trusted certificates with other subjects".to_string(),
    })
}

/// Capabilities known only once the endpoints are resolved: why `cap` is missing from what the
/// discovery document advertised (`alias` is `mtls_endpoint_aliases.token_endpoint`).
pub fn missing_resolved(alias: Option<&str>, cap: Capability) -> Option<String> {
    match cap {
        Capability::MtlsAlias if alias.is_none() => Some(
            "needs an mTLS alias: the discovery document advertises no mtls_endpoint_aliases.token_endpoint (optional, RFC 8705 §5)"
                .to_string(),
        ),
        _ => None,
    }
}

/// Sorts scenarios in run order: the catalogue's category order, then id (`ofpc list` uses it
/// too, with and without a target).
pub fn sort_scenarios(scenarios: &mut [Scenario]) {
    scenarios.sort_by(|a, b| {
        let rank = |s: &Scenario| {
            CATEGORIES
                .iter()
                .position(|c| *c == s.category)
                .unwrap_or(CATEGORIES.len())
        };
        rank(a).cmp(&rank(b)).then_with(|| a.id.cmp(&b.id))
    });
}

/// Orders and filters the catalogue for a target. Order: category order of the catalogue, then id.
pub fn plan(
    mut scenarios: Vec<Scenario>,
    target: &Target,
    profile: Profile,
    filters: &Filters,
) -> Vec<Case> {
    scenarios.retain(|s| filters.selects(&s.id));
    sort_scenarios(&mut scenarios);
    scenarios
        .into_iter()
        .map(|scenario| {
            let skip = if !scenario.profiles.is_empty()
                && !scenario.profiles.iter().any(|p| p == profile.as_str())
            {
                Some(format!(
                    "applies to profile(s) {} only (this run: {profile})",
                    scenario.profiles.join(", ")
                ))
            } else {
                scenario
                    .requires
                    .iter()
                    .find_map(|cap| missing(target, *cap))
            };
            Case { scenario, skip }
        })
        .collect()
}
