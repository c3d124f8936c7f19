//! JUnit XML renderer: one testsuite per scenario category, one testcase per scenario.
//!
//! Mapping of verdicts (CI systems only know pass / failure / error / skipped):
//! - `pass`, `warn`, `drift`, `known-deviation` → success. Warnings, drift and accepted
//!   deviations do not fail a CI run by design (exit code 0 unless `--strict`), so they pass
//!   here too, with a `<system-out>` note and a `verdict` property saying what they were.
//!   A known deviation is deliberately *not* `skipped`: it ran, and "skipped" would read as
//!   "not applicable to this target".
//! - `fail` → `<failure>` whose message lists every failing check.
//! - `error` → `<error>` with the reason and the transport outcomes.
//! - `skip` → `<skipped>` with its reason.

use std::time::Duration;

use quick_junit::{NonSuccessKind, Property, TestCase, TestCaseStatus, TestSuite};

use super::model::{CheckStatus, Outcome, Report, ScenarioResult, Verdict};

/// Name of the `<testsuites>` element.
pub const REPORT_NAME: &str = "ofpc";

/// Renders the report as JUnit XML.
pub fn render(report: &Report) -> String {
    let mut junit = quick_junit::Report::new(REPORT_NAME);
    junit.set_time(Duration::from_millis(report.duration_ms));

    // Categories in order of first appearance, so the output follows the catalogue order.
    let mut categories: Vec<&str> = Vec::new();
    for scenario in &report.scenarios {
        if !categories.contains(&scenario.category.as_str()) {
            categories.push(&scenario.category);
        }
    }
    for category in categories {
        let mut suite = TestSuite::new(category);
        let mut time_ms = 0;
        for scenario in report.scenarios.iter().filter(|s| s.category == category) {
            time_ms += scenario.duration_ms;
            let drift = report.drift.iter().find(|d| d.id == scenario.id);
            suite.add_test_case(test_case(scenario, drift.map(|d| d.changes.as_slice())));
        }
        suite.set_time(Duration::from_millis(time_ms));
        suite.add_property(Property::new("target", report.target.name.as_str()));
        suite.add_property(Property::new("profile", report.profile.as_str()));
        junit.add_test_suite(suite);
    }
    match junit.to_string() {
        Ok(xml) => xml,
        // Serialising into memory only fails on a quick-junit bug; still produce valid XML.
        Err(error) => format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"{REPORT_NAME}\">\
             <!-- failed to serialise the report: {} --></testsuites>\n",
            error.to_string().replace("--", "- -")
        ),
    }
}

/// `drift`: the changes from the baseline, when the scenario drifted.
fn test_case(scenario: &ScenarioResult, drift: Option<&[String]>) -> TestCase {
    let status = match scenario.verdict {
        Verdict::Pass | Verdict::Warn | Verdict::Drift | Verdict::KnownDeviation => {
            TestCaseStatus::success()
        }
        Verdict::Fail => {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status.set_type("conformance");
            status.set_message(failure_message(scenario));
            status.set_description(check_details(scenario, &[CheckStatus::Fail]));
            status
        }
        Verdict::Error => {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
            status.set_type("harness");
            status.set_message(error_message(scenario));
            status.set_description(check_details(scenario, &[CheckStatus::Fail]));
            status
        }
        Verdict::Skip => {
            let mut status = TestCaseStatus::skipped();
            status.set_message(one_line(scenario.reason.as_deref().unwrap_or("skipped")));
            status
        }
    };
    let mut case = TestCase::new(scenario.id.as_str(), status);
    case.set_classname(scenario.category.as_str());
    case.set_time(Duration::from_millis(scenario.duration_ms));
    case.add_property(Property::new("verdict", scenario.verdict.as_str()));
    case.add_property(Property::new("title", scenario.title.as_str()));
    for interaction_id in scenario
        .steps
        .iter()
        .filter_map(|s| s.interaction_id.as_deref())
    {
        case.add_property(Property::new("x-fapi-interaction-id", interaction_id));
    }
    let drift_note = drift.map(|changes| {
        format!(
            "drift: the normalised responses differ from the baseline: {}",
            changes.join("; ")
        )
    });
    let note = match (success_note(scenario), drift_note) {
        (Some(note), Some(drift)) => Some(format!("{note}\n{drift}")),
        (note, drift) => note.or(drift),
    };
    if let Some(note) = note {
        case.set_system_out(note);
    }
    case
}

/// `check-id: expected X, got Y` for every failing check, joined with `; `.
fn failure_message(scenario: &ScenarioResult) -> String {
    let lines = check_lines(scenario, &[CheckStatus::Fail]);
    if lines.is_empty() {
        return scenario
            .reason
            .clone()
            .unwrap_or_else(|| "failed (no failing check recorded)".to_owned());
    }
    one_line(&lines.join("; "))
}

/// Attribute values lose their line breaks when parsed; make that explicit.
fn one_line(text: &str) -> String {
    text.replace("\r\n", " ").replace(['\r', '\n'], " ")
}

fn error_message(scenario: &ScenarioResult) -> String {
    let mut parts: Vec<String> = scenario.reason.iter().cloned().collect();
    for step in &scenario.steps {
        if let Outcome::Transport(transport) = &step.outcome {
            parts.push(format!(
                "step {}: {}: {}",
                step.index, transport.class, transport.message
            ));
        }
    }
    if parts.is_empty() {
        parts.push("the harness could not get an answer".to_owned());
    }
    one_line(&parts.join("; "))
}

fn check_lines(scenario: &ScenarioResult, statuses: &[CheckStatus]) -> Vec<String> {
    scenario
        .steps
        .iter()
        .flat_map(|step| step.checks.iter())
        .filter(|check| statuses.contains(&check.status))
        .map(|check| {
            format!(
                "{}: expected {}, got {}",
                check.id, check.expected, check.actual
            )
        })
        .collect()
}

/// Per-step detail for the element body: the checks and the interaction id to look up.
fn check_details(scenario: &ScenarioResult, statuses: &[CheckStatus]) -> String {
    let mut out = format!("{}\n", scenario.title);
    for step in &scenario.steps {
        out.push_str(&format!(
            "step {} ({}, expect {})",
            step.index, step.name, step.expect
        ));
        if let Some(id) = &step.interaction_id {
            out.push_str(&format!(", x-fapi-interaction-id {id}"));
        }
        out.push('\n');
        match &step.outcome {
            Outcome::Response(response) => {
                out.push_str(&format!("  response: HTTP {}\n", response.status))
            }
            Outcome::Transport(t) => {
                out.push_str(&format!("  transport: {}: {}\n", t.class, t.message))
            }
            Outcome::Skipped { reason } => out.push_str(&format!("  skipped: {reason}\n")),
        }
        for check in step.checks.iter().filter(|c| statuses.contains(&c.status)) {
            out.push_str(&format!(
                "  {} {}: expected {}, got {}\n",
                check.status.as_str(),
                check.id,
                check.expected,
                check.actual
            ));
        }
    }
    out
}

fn success_note(scenario: &ScenarioResult) -> Option<String> {
    let reason = scenario.reason.as_deref().unwrap_or("no reason recorded");
    match scenario.verdict {
        Verdict::KnownDeviation => Some(format!(
            "known deviation: {reason}\n{}",
            check_details(scenario, &[CheckStatus::Fail, CheckStatus::Warn])
        )),
        Verdict::Warn => Some(format!(
            "warnings:\n{}",
            check_details(scenario, &[CheckStatus::Warn])
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Report {
        crate::report::sample_report()
    }

    #[test]
    fn one_testcase_per_scenario_in_valid_xml() {
        let report = sample();
        let xml = render(&report);
        let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "testsuites");
        assert_eq!(root.attribute("name"), Some("ofpc"));
        let cases: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("testcase"))
            .collect();
        assert_eq!(cases.len(), report.scenarios.len());
        let suites: Vec<_> = root
            .children()
            .filter(|n| n.has_tag_name("testsuite"))
            .map(|n| n.attribute("name").unwrap_or_default().to_owned())
            .collect();
        assert_eq!(
            suites,
            [
                "baseline",
                "client-auth-jwt",
                "request-shape",
                "response-headers",
                "mtls"
            ]
        );
        assert_eq!(root.attribute("tests"), Some("7"));
        assert_eq!(root.attribute("failures"), Some("2"));
        assert_eq!(root.attribute("errors"), Some("1"));
        assert_eq!(root.attribute("skipped"), Some("1"));
    }

    fn case<'a>(doc: &'a roxmltree::Document<'a>, name: &str) -> roxmltree::Node<'a, 'a> {
        doc.descendants()
            .find(|n| n.has_tag_name("testcase") && n.attribute("name") == Some(name))
            .unwrap_or_else(|| panic!("testcase {name}"))
    }

    #[test]
    fn failure_lists_the_failing_checks() {
        let xml = render(&sample());
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let case = case(&doc, "jwt-exp-past");
        assert_eq!(case.attribute("classname"), Some("client-auth-jwt"));
        assert_eq!(case.attribute("time"), Some("0.038"));
        let failure = case.children().find(|n| n.has_tag_name("failure")).unwrap();
        assert_eq!(
            failure.attribute("message"),
            Some(
                "err-status: expected 400 or 401, got 200; \
                 err-code: expected invalid_client | invalid_request, got (no error member); \
                 err-no-token: expected absent, got present"
            )
        );
        assert_eq!(
            failure.text(),
            Some(
                "A client assertion that expired 5 minutes ago is rejected\n\
                 step 1 (assertion exp = now-300s, expect rejected), \
                 x-fapi-interaction-id 0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0\n  \
                 response: HTTP 200\n  \
                 fail err-status: expected 400 or 401, got 200\n  \
                 fail err-code: expected invalid_client | invalid_request, got (no error member)\n  \
                 fail err-no-token: expected absent, got present\n"
            )
        );
    }

    #[test]
    fn drift_is_noted_beside_a_warning() {
        let mut report = sample();
        report.drift.push(crate::report::model::ScenarioDrift {
            id: "err-pragma".into(),
            changes: vec!["step 1: status 401 -> 500".into()],
        });
        let xml = render(&report);
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let out = case(&doc, "err-pragma")
            .children()
            .find(|n| n.has_tag_name("system-out"))
            .and_then(|n| n.text())
            .unwrap()
            .to_owned();
        assert!(out.starts_with("warnings:\n"), "{out}");
        assert!(
            out.ends_with(
                "\ndrift: the normalised responses differ from the baseline: step 1: status 401 -> 500"
            ),
            "{out}"
        );
    }

    #[test]
    fn error_skip_and_known_deviation() {
        let xml = render(&sample());
        let doc = roxmltree::Document::parse(&xml).unwrap();

        let error = case(&doc, "mtls-none")
            .children()
            .find(|n| n.has_tag_name("error"))
            .unwrap();
        assert_eq!(
            error.attribute("message"),
            Some("timeout after 10 s; step 1: timeout: operation timed out after 10 s")
        );

        let skipped = case(&doc, "cross-client-assertion")
            .children()
            .find(|n| n.has_tag_name("skipped"))
            .unwrap();
        assert_eq!(
            skipped.attribute("message"),
            Some("the target has no [second_client]")
        );

        let deviation = case(&doc, "aud-token-endpoint");
        assert!(
            deviation
                .children()
                .all(|n| !n.has_tag_name("failure") && !n.has_tag_name("skipped"))
        );
        let out = deviation
            .children()
            .find(|n| n.has_tag_name("system-out"))
            .and_then(|n| n.text())
            .unwrap();
        assert!(
            out.starts_with(
                "known deviation: OFM documents both aud forms (allow-list entry ofm-aud-both)\n"
            ),
            "{out}"
        );
    }

    #[test]
    fn untrusted_text_stays_text() {
        let xml = render(&sample());
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let failure = case(&doc, "err-body-injection")
            .children()
            .find(|n| n.has_tag_name("failure"))
            .unwrap();
        assert!(
            failure
                .attribute("message")
                .unwrap()
                .contains("got text/html: <script>alert('owned')</script> | pipe newline")
        );
        assert!(!xml.contains("<script>"));
    }
}
