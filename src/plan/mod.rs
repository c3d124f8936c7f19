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
    /// The patterns as given, for messages.
    only_patterns: Vec<String>,
    skip_patterns: Vec<String>,
}

impl Filters {
    pub fn new(only: &[String], skip: &[String]) -> Result<Filters, InputError> {
        Ok(Filters {
            only: globs(only, "--only")?,
            skip: globs(skip, "--skip")?,
            only_patterns: only.to_vec(),
            skip_patterns: skip.to_vec(),
        })
    }

    /// Refuses filters that leave no scenario of `ids` to run (a CI gate with a typo in
    /// `--only` would otherwise pass green), naming the nearest ids.
    pub fn check_selects<'a>(
        &self,
        ids: impl IntoIterator<Item = &'a str> + Clone,
    ) -> Result<(), InputError> {
        if ids.clone().into_iter().any(|id| self.selects(id)) {
            return Ok(());
        }
        let only_hits = ids
            .clone()
            .into_iter()
            .any(|id| self.only.as_ref().is_none_or(|g| g.is_match(id)));
        let (flag, patterns) = if only_hits {
            ("--skip", &self.skip_patterns)
        } else {
            ("--only", &self.only_patterns)
        };
        let shown: Vec<String> = patterns.iter().map(|p| format!("`{p}`")).collect();
        let message = if only_hits {
            format!("{flag} {} leaves no scenario to run", shown.join(" "))
        } else {
            format!("{flag} {} selects no scenario", shown.join(" "))
        };
        let mut err = InputError::new(message);
        let nearest = nearest_ids(patterns, ids);
        if !only_hits && !nearest.is_empty() {
            err = err.hint(format!("nearest ids: {}", nearest.join(", ")));
        }
        Err(err
            .hint("`ofpc list` shows every scenario id; patterns are globs, e.g. --only 'jwt-*'"))
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

/// Up to three ids closest to any of `patterns` (glob characters ignored).
fn nearest_ids<'a>(patterns: &[String], ids: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let bare: Vec<String> = patterns
        .iter()
        .map(|p| p.chars().filter(|c| !"*?[]{}!".contains(*c)).collect())
        .collect();
    let mut scored: Vec<(f64, &str)> = ids
        .into_iter()
        .map(|id| {
            let score = bare
                .iter()
                .map(|b| {
                    let prefix = id.get(..b.len().min(id.len())).unwrap_or(id);
                    strsim::jaro_winkler(b, id).max(strsim::jaro_winkler(b, prefix))
                })
                .fold(0.0, f64::max);
            (score, id)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored
        .into_iter()
        .take(3)
        .map(|(_, id)| id.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const IDS: [&str; 4] = ["jwt-happy", "jwt-alg-none", "mtls-happy", "req-method"];

    fn refusal(only: &[&str], skip: &[&str]) -> String {
        let own = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        Filters::new(&own(only), &own(skip))
            .unwrap()
            .check_selects(IDS.iter().copied())
            .map_or_else(|e| e.render(), |()| "selects".to_string())
    }

    #[test]
    fn filters_that_select_nothing_are_refused_with_the_nearest_ids() {
        assert_eq!(refusal(&["jwt-*"], &["jwt-happy"]), "selects");
        assert_eq!(
            refusal(&["jwt-hapy"], &[]),
            "error: --only `jwt-hapy` selects no scenario\n  hint: nearest ids: jwt-happy, jwt-alg-none, mtls-happy\n  hint: `ofpc list` shows every scenario id; patterns are globs, e.g. --only 'jwt-*'"
        );
        assert_eq!(
            refusal(&[""], &[]).lines().next(),
            Some("error: --only `` selects no scenario")
        );
        assert_eq!(
            refusal(&[], &["*"]),
            "error: --skip `*` leaves no scenario to run\n  hint: `ofpc list` shows every scenario id; patterns are globs, e.g. --only 'jwt-*'"
        );
    }
}
