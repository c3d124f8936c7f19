//! Loads scenario files: TOML errors and semantic errors name the file, the line and the fix.

use std::collections::HashSet;
use std::path::Path;

use serde::Deserialize;
use toml::de::DeTable;

use super::model::{Expect, Identity, Scenario};
use super::time_expr;
use crate::config::Profile;
use crate::config::toml_error::{self, Seg};
use crate::errors::{InputError, did_you_mean};
use crate::model::check_id::MetadataCheck;

/// The categories of the catalogue (§6 of the check catalogue).
pub const CATEGORIES: &[&str] = &[
    "transport",
    "discovery",
    "client-auth-jwt",
    "client-auth-mtls",
    "token-binding",
    "request",
    "response",
];

/// Parses and checks one scenario file.
pub fn parse_scenario(text: &str, source: &str) -> Result<Scenario, InputError> {
    let root = DeTable::parse(text)
        .map_err(|e| toml_error::from_toml(&e, text, Path::new(source), "scenario"))?;
    let mut scenario =
        Scenario::deserialize(toml::de::Deserializer::from(root.clone())).map_err(|e| {
            toml_error::from_toml_in(&e, text, root.get_ref(), Path::new(source), "scenario")
        })?;
    scenario.source = source.to_string();
    let at = Locator {
        text,
        root: root.get_ref(),
        source,
    };
    validate(&scenario, &at)?;
    Ok(scenario)
}

/// Finds keys of the parsed file by their spans, for messages that point at the right line.
struct Locator<'a> {
    text: &'a str,
    root: &'a DeTable<'a>,
    source: &'a str,
}

impl Locator<'_> {
    /// An error at the key named by `path`, or at the nearest enclosing element that exists.
    fn error(&self, path: &[Seg<'_>], message: String) -> InputError {
        let mut err = InputError::new(message).in_file(self.source);
        let found = (1..=path.len())
            .rev()
            .find_map(|n| toml_error::key_span(self.root, &path[..n]));
        if let Some(span) = found {
            let (line, col) = toml_error::line_col(self.text, span.start);
            err = err.at(line, col);
        }
        err
    }

    /// An error at `keys` of step `i` (0-based).
    fn step_error(&self, i: usize, keys: &[&str], message: String) -> InputError {
        let mut path = vec![Seg::Key("step"), Seg::Index(i)];
        path.extend(keys.iter().map(|k| Seg::Key(k)));
        self.error(&path, message)
    }
}

/// Every string in a claim value, with the index path inside arrays.
fn claim_strings<'v>(value: &'v toml::Value, out: &mut Vec<&'v str>) {
    match value {
        toml::Value::String(s) => out.push(s),
        toml::Value::Array(items) => items.iter().for_each(|v| claim_strings(v, out)),
        toml::Value::Table(t) => t.values().for_each(|v| claim_strings(v, out)),
        _ => {}
    }
}

fn validate(s: &Scenario, at: &Locator<'_>) -> Result<(), InputError> {
    if let Some(stem) = Path::new(at.source).file_stem().and_then(|f| f.to_str())
        && stem != s.id
    {
        return Err(at
            .error(
                &[Seg::Key("id")],
                format!(
                    "scenario id `{}` differs from its file name `{stem}.toml`",
                    s.id
                ),
            )
            .hint(format!(
                "rename the file to `{}.toml` or the id to `{stem}`",
                s.id
            )));
    }
    if !CATEGORIES.contains(&s.category.as_str()) {
        let mut err = at.error(
            &[Seg::Key("category")],
            format!("unknown category `{}`", s.category),
        );
        if let Some(near) = did_you_mean(&s.category, CATEGORIES.iter().copied()) {
            err = err.hint(format!("did you mean `{near}`?"));
        }
        return Err(err.hint(format!("valid choices: {}", CATEGORIES.join(", "))));
    }
    let profile_names = Profile::names();
    let check_profile = |name: &str, path: &[Seg<'_>]| -> Result<(), InputError> {
        if Profile::parse(name).is_some() {
            return Ok(());
        }
        let mut err = at.error(path, format!("unknown profile `{name}`"));
        if let Some(near) = did_you_mean(name, profile_names.iter().copied()) {
            err = err.hint(format!("did you mean `{near}`?"));
        }
        Err(err.hint(format!("valid choices: {}", profile_names.join(", "))))
    };
    for (j, p) in s.profiles.iter().enumerate() {
        check_profile(p, &[Seg::Key("profiles"), Seg::Index(j)])?;
    }
    if s.steps.is_empty() {
        return Err(InputError::new("a scenario needs at least one [[step]]")
            .in_file(at.source)
            .hint("add a [[step]] with at least `expect`"));
    }
    for (i, step) in s.steps.iter().enumerate() {
        let n = i + 1;
        for name in step.profile.keys() {
            check_profile(
                name,
                &[
                    Seg::Key("step"),
                    Seg::Index(i),
                    Seg::Key("profile"),
                    Seg::Key(name),
                ],
            )?;
        }
        for (claim, value) in &step.assertion.claims {
            let mut strings = Vec::new();
            claim_strings(value, &mut strings);
            for text in strings {
                if let Err(e) = time_expr::offset(text) {
                    return Err(at
                        .step_error(
                            i,
                            &["assertion", "claims", claim],
                            format!("step {n}: claim `{claim}`: {e}"),
                        )
                        .hint("write now, now+N or now-N with a unit s, m, h, d or y (at most 100 years), e.g. \"now-300s\""));
                }
            }
        }
        for (what, keys, from) in [
            ("token_from", &["token_from"][..], step.token_from),
            (
                "assertion.reuse_from",
                &["assertion", "reuse_from"][..],
                step.assertion.reuse_from,
            ),
        ] {
            if let Some(from) = from
                && (from == 0 || from >= n)
            {
                return Err(at.step_error(
                    i,
                    keys,
                    format!(
                        "step {n}: `{what}` = {from} must name an earlier step (1..{})",
                        n - 1
                    ),
                ));
            }
        }
        let needs_errors = matches!(
            step.expect,
            Expect::Rejected
                | Expect::RejectedOrRefused
                | Expect::RejectedOrNarrowed
                | Expect::GrantedOrRejected
                | Expect::GrantedRejectedOrRefused
        );
        if needs_errors && step.errors.is_empty() {
            return Err(at
                .step_error(
                    i,
                    &["expect"],
                    format!(
                        "step {n}: expect = \"{}\" needs `errors`, the acceptable error codes",
                        step.expect.as_str()
                    ),
                )
                .hint("for example errors = [\"invalid_client\"]"));
        }
        if step.endpoint.is_document() != (step.expect == Expect::Metadata) {
            return Err(at.step_error(
                i,
                &["expect"],
                format!(
                    "step {n}: `endpoint = \"discovery\"` or `\"jwks\"` goes with `expect = \"metadata\"`, and only with it"
                ),
            )
            .hint("a metadata step fetches a public document and runs the checks of the scenario's `metadata_check`"));
        }
        if step.expect == Expect::Metadata {
            if s.metadata_check.is_none() {
                let names: Vec<&str> = MetadataCheck::ALL.iter().map(|c| c.as_str()).collect();
                let mut err = at.error(
                    &[Seg::Key("id")],
                    format!(
                        "step {n}: `expect = \"metadata\"` needs the scenario's `metadata_check`, the catalogue row to check"
                    ),
                );
                if let Some(near) = MetadataCheck::parse(&s.id).or_else(|| {
                    did_you_mean(&s.id, names.iter().copied()).and_then(MetadataCheck::parse)
                }) {
                    err = err.hint(format!("add metadata_check = \"{near}\""));
                }
                return Err(err.hint(format!("valid choices: {}", names.join(", "))));
            }
            if step.tls.is_some_and(|t| t != Identity::None) {
                return Err(at
                    .step_error(
                        i,
                        &["tls"],
                        format!(
                            "step {n}: metadata documents are fetched without a client certificate"
                        ),
                    )
                    .hint("remove `tls`, or write tls = \"none\""));
            }
        }
        if step.probe.is_some() != (step.expect == Expect::ProbeChecks) {
            return Err(at.step_error(
                i,
                &[if step.probe.is_some() { "probe" } else { "expect" }],
                format!(
                    "step {n}: `probe` and expect = \"probe-checks\" go together (expect is \"{}\")",
                    step.expect.as_str()
                ),
            )
            .hint("a probe step is judged by the probe's own checks: write both or neither"));
        }
    }
    Ok(())
}

/// Loads every `*.toml` under `dir` (a user's own scenarios), sorted by path.
pub fn load_dir(dir: &Path) -> Result<Vec<Scenario>, InputError> {
    let mut files = Vec::new();
    collect(dir, &mut files).map_err(|e| {
        InputError::new(format!(
            "cannot read scenario folder {}: {e}",
            dir.display()
        ))
    })?;
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file)
            .map_err(|e| InputError::new(format!("cannot read {}: {e}", file.display())))?;
        out.push(parse_scenario(&text, &file.display().to_string())?);
    }
    Ok(out)
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
    Ok(())
}

/// Rejects two scenarios with one id.
pub fn check_unique(scenarios: &[Scenario]) -> Result<(), InputError> {
    let mut seen = HashSet::new();
    for s in scenarios {
        if !seen.insert(s.id.as_str()) {
            return Err(
                InputError::new(format!("scenario id `{}` is defined twice", s.id))
                    .in_file(&s.source),
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "id = \"x\"\ntitle = \"t\"\ncategory = \"request\"\nseverity = \"fail\"\n[[step]]\nexpect = \"granted\"\n";

    #[test]
    fn parses_a_minimal_scenario() {
        let s = parse_scenario(GOOD, "scenarios/request/x.toml").unwrap();
        assert_eq!(s.id, "x");
        assert_eq!(s.steps.len(), 1);
    }

    #[test]
    fn unknown_step_key_gets_did_you_mean() {
        let text = GOOD.replace(
            "expect = \"granted\"",
            "expect = \"granted\"\nasertion.alg = \"none\"",
        );
        let err = parse_scenario(&text, "scenarios/request/x.toml").unwrap_err();
        assert!(
            err.render().contains("scenarios/request/x.toml:"),
            "{}",
            err.render()
        );
        assert!(
            err.hints.iter().any(|h| h == "did you mean `assertion`?"),
            "{:?}",
            err.hints
        );
    }

    #[test]
    fn unknown_expectation_lists_the_choices() {
        let text = GOOD.replace("\"granted\"", "\"grnted\"");
        let err = parse_scenario(&text, "scenarios/request/x.toml").unwrap_err();
        assert!(
            err.hints.iter().any(|h| h == "did you mean `granted`?"),
            "{:?}",
            err.hints
        );
    }

    #[test]
    fn unknown_profile_is_an_error_with_line() {
        let text = format!(
            "{GOOD}[step.profile.fapi2-fnal]\nexpect = \"rejected\"\nerrors = [\"invalid_client\"]\n"
        );
        let err = parse_scenario(&text, "scenarios/request/x.toml").unwrap_err();
        assert_eq!(err.message, "unknown profile `fapi2-fnal`");
        assert_eq!(err.location.map(|l| l.0), Some(7));
        assert!(err.hints.iter().any(|h| h == "did you mean `fapi2-final`?"));
    }

    #[test]
    fn metadata_steps_are_checked() {
        let disc = "id = \"disc-fetch\"\ntitle = \"t\"\ncategory = \"discovery\"\nseverity = \"fail\"\nmetadata_check = \"disc-fetch\"\n[[step]]\nendpoint = \"discovery\"\nexpect = \"metadata\"\n";
        parse_scenario(disc, "scenarios/discovery/disc-fetch.toml").unwrap();
        let err = parse_scenario(
            &disc.replace("\"metadata\"", "\"granted\""),
            "scenarios/discovery/disc-fetch.toml",
        )
        .unwrap_err();
        assert_eq!(
            err.message,
            "step 1: `endpoint = \"discovery\"` or `\"jwks\"` goes with `expect = \"metadata\"`, and only with it"
        );
        let err = parse_scenario(
            &disc.replace("metadata_check = \"disc-fetch\"\n", ""),
            "scenarios/discovery/disc-fetch.toml",
        )
        .unwrap_err();
        assert_eq!(
            err.message,
            "step 1: `expect = \"metadata\"` needs the scenario's `metadata_check`, the catalogue row to check"
        );
        assert_eq!(err.hints[0], "add metadata_check = \"disc-fetch\"");
        let err = parse_scenario(
            &disc.replace(
                "metadata_check = \"disc-fetch\"",
                "metadata_check = \"disc-fecth\"",
            ),
            "scenarios/discovery/disc-fetch.toml",
        )
        .unwrap_err();
        assert_eq!(
            err.message,
            "invalid scenario: unknown metadata check `disc-fecth`; valid choices: disc-fetch, disc-issuer-match, disc-issuer-url, disc-schema, disc-token-endpoint, disc-auth-methods, disc-auth-methods-weak, disc-auth-signing-algs, disc-mtls-bound, disc-grant-cc, disc-grant-no-ropc, disc-mtls-aliases, disc-registration-endpoint, disc-scopes-syntax, disc-jwks"
        );
        assert_eq!(err.location.map(|l| l.0), Some(5));
        let err = parse_scenario(
            &disc.replace("[[step]]\n", "[[step]]\ntls = \"client\"\n"),
            "scenarios/discovery/disc-fetch.toml",
        )
        .unwrap_err();
        assert_eq!(
            err.message,
            "step 1: metadata documents are fetched without a client certificate"
        );
    }

    #[test]
    fn a_diagnostic_of_a_later_step_points_at_that_step() {
        let text = "id = \"disc-tls-check\"\ntitle = \"t\"\ncategory = \"request\"\nseverity = \"fail\"\n[[step]]\nexpect = \"granted\"\n[[step]]\nexpect = \"granted\"\ntoken_from = 5\n";
        let err = parse_scenario(text, "scenarios/request/disc-tls-check.toml").unwrap_err();
        assert_eq!(
            err.render(),
            "error: scenarios/request/disc-tls-check.toml:9:1: step 2: `token_from` = 5 must name an earlier step (1..1)"
        );
        let meta = "id = \"disc-fetch\"\ntitle = \"tls here\"\ncategory = \"discovery\"\nseverity = \"fail\"\nmetadata_check = \"disc-fetch\"\n[[step]]\nendpoint = \"discovery\"\nexpect = \"metadata\"\n[[step]]\nendpoint = \"discovery\"\nexpect = \"metadata\"\ntls = \"client\"\n";
        let err = parse_scenario(meta, "scenarios/discovery/disc-fetch.toml").unwrap_err();
        assert_eq!(err.location, Some((12, 1)), "{}", err.render());
        assert_eq!(
            err.message,
            "step 2: metadata documents are fetched without a client certificate"
        );
    }

    #[test]
    fn broken_time_expressions_are_refused_at_load() {
        for (expr, message) in [
            (
                "now+999999999999999999d",
                "step 2: claim `exp`: time expression `now+999999999999999999d` lies more than 100 years from now",
            ),
            (
                "now-300sec",
                "step 2: claim `exp`: time expression `now-300sec` has unit `sec`; the units are s, m, h, d and y",
            ),
            (
                "now-99999999999999999999s",
                "step 2: claim `exp`: time expression `now-99999999999999999999s` lies more than 100 years from now",
            ),
        ] {
            let text = format!(
                "{GOOD}[[step]]\nexpect = \"granted\"\nassertion.claims.exp = \"{expr}\"\n"
            );
            let err = parse_scenario(&text, "scenarios/request/x.toml").unwrap_err();
            assert_eq!(err.message, message);
            assert_eq!(err.location, Some((9, 18)), "{expr}");
        }
        let array = format!("{GOOD}assertion.claims.aud = [\"a\", \"now+1q\"]\n");
        let err = parse_scenario(&array, "scenarios/request/x.toml").unwrap_err();
        assert_eq!(err.location, Some((7, 18)));
    }

    #[test]
    fn a_wrong_type_names_the_key() {
        let text = GOOD.replace(
            "expect = \"granted\"",
            "expect = \"granted\"\ntoken_from = \"three\"",
        );
        let err = parse_scenario(&text, "scenarios/request/x.toml").unwrap_err();
        assert_eq!(
            err.render().lines().next(),
            Some(
                "error: scenarios/request/x.toml:7:14: `step.1.token_from` must be a whole number (without quotes), found string \"three\""
            )
        );
    }

    #[test]
    fn every_builtin_scenario_parses_and_ids_are_unique() {
        let all = super::super::catalogue::builtin().unwrap();
        check_unique(&all).unwrap();
    }
}
