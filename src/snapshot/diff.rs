//! Drift: compare the step snapshots of a run with those of an accepted baseline run and
//! describe every difference as one readable line (`step 2: status 401 -> 400`).

use std::fmt::Write as _;

use serde_json::Value;

use crate::model::ScenarioResult;
pub use crate::report::model::ScenarioDrift;
use crate::report::model::{FindingsChange, Report};

/// Longest rendering of one value in a change line, in characters.
const MAX_VALUE_CHARS: usize = 80;

/// Compares every scenario's step snapshots (matched by scenario id and step index).
/// Scenarios in the current run come first, in its order; then those only in the baseline.
pub fn diff_reports(baseline: &Report, current: &Report) -> Vec<ScenarioDrift> {
    let mut drifts = Vec::new();
    for scenario in &current.scenarios {
        let changes = match baseline.scenarios.iter().find(|b| b.id == scenario.id) {
            Some(before) => scenario_changes(before, scenario),
            None => vec!["scenario added".to_owned()],
        };
        if !changes.is_empty() {
            drifts.push(ScenarioDrift {
                id: scenario.id.clone(),
                changes,
            });
        }
    }
    for scenario in &baseline.scenarios {
        if !current.scenarios.iter().any(|c| c.id == scenario.id) {
            drifts.push(ScenarioDrift {
                id: scenario.id.clone(),
                changes: vec!["scenario removed".to_owned()],
            });
        }
    }
    drifts
}

fn scenario_changes(before: &ScenarioResult, after: &ScenarioResult) -> Vec<String> {
    let mut changes = Vec::new();
    let mut indexes: Vec<usize> = before
        .steps
        .iter()
        .chain(&after.steps)
        .map(|s| s.index)
        .collect();
    indexes.sort_unstable();
    indexes.dedup();
    for index in indexes {
        let old = before.steps.iter().find(|s| s.index == index);
        let new = after.steps.iter().find(|s| s.index == index);
        match (old, new) {
            (Some(_), None) => changes.push(format!("step {index}: removed")),
            (None, Some(_)) => changes.push(format!("step {index}: added")),
            (Some(old), Some(new)) => match (&old.snapshot, &new.snapshot) {
                (Some(a), Some(b)) => {
                    if let Some(line) = kind_change(a, b) {
                        changes.push(format!("step {index}: {line}"));
                    } else {
                        let mut lines = Vec::new();
                        walk("", a, b, &mut lines);
                        changes.extend(lines.into_iter().map(|l| format!("step {index}: {l}")));
                    }
                }
                (Some(_), None) => changes.push(format!("step {index}: snapshot removed")),
                (None, Some(_)) => changes.push(format!("step {index}: snapshot added")),
                (None, None) => {}
            },
            (None, None) => {}
        }
    }
    changes
}

/// A response that became a transport failure (or a skip) is one line, not a list of fields.
fn kind_change(a: &Value, b: &Value) -> Option<String> {
    (kind(a) != kind(b)).then(|| format!("{} -> {}", summary(a), summary(b)))
}

fn kind(v: &Value) -> &'static str {
    ["status", "transport", "skipped"]
        .into_iter()
        .find(|key| v.get(key).is_some())
        .unwrap_or("other")
}

fn summary(v: &Value) -> String {
    if let Some(status) = v.get("status") {
        format!("status {status}")
    } else if let Some(class) = v.get("transport") {
        format!("transport {class}")
    } else if v.get("skipped").is_some() {
        "skipped".to_owned()
    } else {
        show(v)
    }
}

/// One line per leaf that differs, named by its dotted path (`body.error`, `list[2]`).
fn walk(path: &str, a: &Value, b: &Value, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(ma), Value::Object(mb)) => {
            let mut keys: Vec<&String> = ma.keys().chain(mb.keys()).collect();
            keys.sort_unstable();
            keys.dedup();
            for key in keys {
                let child = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                match (ma.get(key), mb.get(key)) {
                    (Some(va), Some(vb)) => walk(&child, va, vb, out),
                    (Some(va), None) => out.push(format!("{child} {} -> (absent)", show(va))),
                    (None, Some(vb)) => out.push(format!("{child} (absent) -> {}", show(vb))),
                    (None, None) => {}
                }
            }
        }
        (Value::Array(la), Value::Array(lb)) => {
            for i in 0..la.len().max(lb.len()) {
                let child = format!("{path}[{i}]");
                match (la.get(i), lb.get(i)) {
                    (Some(va), Some(vb)) => walk(&child, va, vb, out),
                    (Some(va), None) => out.push(format!("{child} {} -> (absent)", show(va))),
                    (None, Some(vb)) => out.push(format!("{child} (absent) -> {}", show(vb))),
                    (None, None) => {}
                }
            }
        }
        _ if a != b => {
            let name = if path.is_empty() { "value" } else { path };
            out.push(format!("{name} {} -> {}", show(a), show(b)));
        }
        _ => {}
    }
}

/// Compact JSON, cut to [`MAX_VALUE_CHARS`].
fn show(v: &Value) -> String {
    let text = v.to_string();
    match text.char_indices().nth(MAX_VALUE_CHARS) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text,
    }
}

/// Compares the findings of two runs by check id; each list keeps its run's finding order
/// (fixed ones in the baseline's).
pub fn diff_findings(baseline: &Report, current: &Report) -> FindingsChange {
    let had = |id: &str| baseline.findings.iter().any(|f| f.check == id);
    let has = |id: &str| current.findings.iter().any(|f| f.check == id);
    let mut change = FindingsChange::default();
    for f in &current.findings {
        let list = if had(&f.check) {
            &mut change.unchanged
        } else {
            &mut change.new
        };
        list.push(f.check.clone());
    }
    change.fixed = baseline
        .findings
        .iter()
        .filter(|f| !has(&f.check))
        .map(|f| f.check.clone())
        .collect();
    change
}

/// The findings part of `ofpc report diff A B`: counts, then one line per new and fixed one.
pub fn render_findings_change(change: &FindingsChange, current: &Report) -> String {
    let mut out = format!(
        "findings: {} new, {} fixed, {} unchanged\n",
        change.new.len(),
        change.fixed.len(),
        change.unchanged.len()
    );
    for id in &change.new {
        let n = current
            .findings
            .iter()
            .find(|f| &f.check == id)
            .map_or(0, |f| f.scenario_count());
        let _ = writeln!(
            out,
            "  new    {id} ({n} scenario{})",
            if n == 1 { "" } else { "s" }
        );
    }
    for id in &change.fixed {
        let _ = writeln!(out, "  fixed  {id}");
    }
    out
}

/// Text for `ofpc report diff A B`: the findings compared, then the drift.
pub fn render_report_diff(baseline: &Report, current: &Report) -> (String, bool) {
    let drifts = diff_reports(baseline, current);
    let change = diff_findings(baseline, current);
    let text = format!(
        "{}\n{}",
        render_findings_change(&change, current),
        render_diff(&drifts)
    );
    (text, drifts.is_empty() && change.new.is_empty())
}

/// The drift part of `ofpc report diff A B`.
pub fn render_diff(drifts: &[ScenarioDrift]) -> String {
    if drifts.is_empty() {
        return "no drift\n".to_owned();
    }
    let changes: usize = drifts.iter().map(|d| d.changes.len()).sum();
    let mut out = format!(
        "drift in {} scenario{} ({} change{}):\n",
        drifts.len(),
        if drifts.len() == 1 { "" } else { "s" },
        changes,
        if changes == 1 { "" } else { "s" }
    );
    for drift in drifts {
        let _ = writeln!(out, "\n{}", drift.id);
        for change in &drift.changes {
            let _ = writeln!(out, "  {change}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::{Outcome, ResponseRecord};
    use crate::snapshot::normalise::normalise;

    fn sample() -> Report {
        crate::report::sample_report()
    }

    fn error_response(status: u16, error: &str) -> Value {
        normalise(&Outcome::Response(ResponseRecord {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: format!(r#"{{"error":"{error}"}}"#),
            truncated: false,
            tls: None,
        }))
    }

    #[test]
    fn findings_new_fixed_and_unchanged() {
        let baseline = sample();
        let mut current = baseline.clone();
        // err-pragma no longer warns; valid-grant now fails err-status and a new check.
        current.scenarios[3].steps[0].checks[1].status = crate::model::CheckStatus::Pass;
        let mut failing = current.scenarios[1].steps[0].checks[0].clone();
        failing.id = "resp-cache-control".into();
        current.scenarios[0].steps[0].checks.push(failing);
        current.recount();
        let change = diff_findings(&baseline, &current);
        assert_eq!(
            change,
            FindingsChange {
                new: vec!["resp-cache-control".into()],
                fixed: vec!["resp-pragma".into()],
                unchanged: vec![
                    "err-status".into(),
                    "err-code".into(),
                    "err-json".into(),
                    "err-no-token".into()
                ],
            }
        );
        let (text, clean) = render_report_diff(&baseline, &current);
        assert!(!clean);
        assert_eq!(
            text,
            "findings: 1 new, 1 fixed, 4 unchanged\n  \
             new    resp-cache-control (1 scenario)\n  \
             fixed  resp-pragma\n\
             \nno drift\n"
        );
        let (text, clean) = render_report_diff(&baseline, &baseline);
        assert!(clean);
        assert_eq!(text, "findings: 0 new, 0 fixed, 5 unchanged\n\nno drift\n");
    }

    #[test]
    fn a_report_compared_with_itself_has_no_drift() {
        let report = sample();
        assert_eq!(diff_reports(&report, &report), []);
        assert_eq!(render_diff(&[]), "no drift\n");
    }

    #[test]
    fn status_and_error_code_changes_name_their_path() {
        let mut baseline = sample();
        baseline.scenarios[1].steps[0].snapshot = Some(error_response(401, "invalid_client"));
        let mut current = baseline.clone();
        current.scenarios[1].steps[0].snapshot = Some(error_response(400, "invalid_request"));
        let drifts = diff_reports(&baseline, &current);
        assert_eq!(
            drifts,
            [ScenarioDrift {
                id: "jwt-exp-past".into(),
                changes: vec![
                    r#"step 1: body.error "invalid_client" -> "invalid_request""#.into(),
                    "step 1: status 401 -> 400".into(),
                ],
            }]
        );
        assert_eq!(
            render_diff(&drifts),
            "drift in 1 scenario (2 changes):\n\
             \n\
             jwt-exp-past\n  \
             step 1: body.error \"invalid_client\" -> \"invalid_request\"\n  \
             step 1: status 401 -> 400\n"
        );
    }

    #[test]
    fn kind_headers_steps_and_scenarios() {
        let mut baseline = sample();
        let pragma = &mut baseline.scenarios[3].steps[0];
        pragma.snapshot = Some(normalise(&pragma.outcome));
        let mut current = baseline.clone();
        // err-pragma: a response became a TLS refusal.
        current.scenarios[3].steps[0].snapshot = Some(json!({ "transport": "tls-refused" }));
        // mtls-none: a timeout became a TLS refusal.
        current.scenarios[5].steps[0].snapshot = Some(json!({ "transport": "tls-refused" }));
        // jwt-exp-past: a header appeared, a step was added.
        let snapshot = current.scenarios[1].steps[0].snapshot.as_mut().unwrap();
        snapshot["headers"] = json!({ "cache-control": "no-store" });
        let mut extra = current.scenarios[1].steps[0].clone();
        extra.index = 2;
        current.scenarios[1].steps.push(extra);
        // A scenario removed and one added.
        current.scenarios.retain(|s| s.id != "valid-grant");
        let mut added = current.scenarios[0].clone();
        added.id = "new-scenario".into();
        current.scenarios.push(added);

        assert_eq!(
            render_diff(&diff_reports(&baseline, &current)),
            "drift in 5 scenarios (6 changes):\n\
             \n\
             jwt-exp-past\n  \
             step 1: headers (absent) -> {\"cache-control\":\"no-store\"}\n  \
             step 2: added\n\
             \n\
             err-pragma\n  \
             step 1: status 401 -> transport \"tls-refused\"\n\
             \n\
             mtls-none\n  \
             step 1: transport \"timeout\" -> \"tls-refused\"\n\
             \n\
             new-scenario\n  \
             scenario added\n\
             \n\
             valid-grant\n  \
             scenario removed\n"
        );
    }
}
