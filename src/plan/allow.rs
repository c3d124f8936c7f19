//! Known deviations: an allow-list (TOML) of scenario ids with a reason and an optional expiry.
//! A matching failure becomes KnownDeviation; an entry that no longer fails, or has expired,
//! fails the run (rustls `bogo/config.json.in` keeps its expected failures the same way).

use std::path::Path;

use serde::Deserialize;

use crate::config::toml_error;
use crate::errors::{InputError, did_you_mean};
use crate::model::{ScenarioResult, Verdict};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowFile {
    #[serde(rename = "allow")]
    pub entries: Vec<AllowEntry>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowEntry {
    /// Scenario id.
    pub id: String,
    /// Why the deviation is accepted (shown in every report).
    pub reason: String,
    /// Last day the entry holds, `YYYY-MM-DD`.
    pub expires: Option<String>,
}

/// Reads an allow-list and checks every id against the known scenarios.
pub fn load(path: &Path, known_ids: &[String]) -> Result<Vec<AllowEntry>, InputError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| InputError::new(format!("cannot read the allow-list: {e}")).in_file(path))?;
    let root = toml::de::DeTable::parse(&text)
        .map_err(|e| toml_error::from_toml(&e, &text, path, "allow-list"))?;
    let file = AllowFile::deserialize(toml::de::Deserializer::from(root.clone()))
        .map_err(|e| toml_error::from_toml_in(&e, &text, root.get_ref(), path, "allow-list"))?;
    for entry in &file.entries {
        if !known_ids.contains(&entry.id) {
            let mut err =
                InputError::new(format!("unknown scenario id `{}`", entry.id)).in_file(path);
            if let Some((line, col)) = text
                .find(&format!("\"{}\"", entry.id))
                .map(|o| toml_error::line_col(&text, o))
            {
                err = err.at(line, col);
            }
            if let Some(near) = did_you_mean(&entry.id, known_ids.iter().map(String::as_str)) {
                err = err.hint(format!("did you mean `{near}`?"));
            }
            return Err(err.hint("`ofpc list` shows every scenario id"));
        }
        if let Some(date) = &entry.expires {
            parse_date(date).ok_or_else(|| {
                InputError::new(format!(
                    "`expires` = \"{date}\" of `{}` is not a date",
                    entry.id
                ))
                .in_file(path)
                .hint("write it as YYYY-MM-DD")
            })?;
        }
    }
    Ok(file.entries)
}

fn parse_date(s: &str) -> Option<time::Date> {
    time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).ok()
}

/// Applies the entries to a run's results; `today` decides expiry. Returns the problems that
/// fail the run (an expired or stale entry).
pub fn apply(
    scenarios: &mut [ScenarioResult],
    entries: &[AllowEntry],
    today: time::Date,
) -> Vec<String> {
    let mut run_failures = Vec::new();
    for entry in entries {
        let expired = entry
            .expires
            .as_deref()
            .and_then(parse_date)
            .is_some_and(|d| d < today);
        let Some(scenario) = scenarios.iter_mut().find(|s| s.id == entry.id) else {
            continue;
        };
        let failing = matches!(scenario.verdict, Verdict::Fail | Verdict::Warn);
        if expired {
            run_failures.push(format!(
                "allow-list entry `{}` expired on {}: fix the deviation or renew the entry",
                entry.id,
                entry.expires.as_deref().unwrap_or_default()
            ));
        } else if failing {
            scenario.verdict = Verdict::KnownDeviation;
            scenario.reason = Some(format!("known deviation: {}", entry.reason));
        } else if !matches!(scenario.verdict, Verdict::Skip | Verdict::Error) {
            run_failures.push(format!(
                "allow-list entry `{}` is stale: the scenario no longer fails; remove the entry",
                entry.id
            ));
        }
    }
    run_failures
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_id_names_the_nearest() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("allow.toml");
        std::fs::write(
            &path,
            "[[allow]]\nid = \"jwt-aud-tokn-endpoint\"\nreason = \"platform accepts it\"\n",
        )
        .unwrap();
        let err = load(
            &path,
            &[
                "jwt-aud-token-endpoint".to_string(),
                "jwt-happy".to_string(),
            ],
        )
        .unwrap_err();
        assert_eq!(err.message, "unknown scenario id `jwt-aud-tokn-endpoint`");
        assert_eq!(err.location, Some((2, 6)));
        assert_eq!(err.hints[0], "did you mean `jwt-aud-token-endpoint`?");
    }
}
