//! Findings: the run's scenario results regrouped by check. A finding is one check id that
//! failed or warned, with what was expected, the distinct actual values, where it happened and
//! the refs, so a reader learns how many distinct problems a server has without reading every
//! scenario. Pure: computed from the results alone.

use serde::{Deserialize, Serialize};

use super::result::ScenarioResult;
use super::verdict::{CheckStatus, Severity, Verdict};

/// One check id that failed or warned somewhere in the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    /// Catalogue id of the check (`resp-pragma`, `err-status`, ...).
    pub check: String,
    pub title: String,
    /// `fail` when the check failed anywhere, else `warn`.
    pub severity: Severity,
    /// Every distinct expectation, in the order first seen.
    pub expected: Vec<String>,
    /// Every distinct actual value, in the order first seen.
    pub actual: Vec<String>,
    /// Where it happened, in run order.
    pub places: Vec<Place>,
    /// The refs of the scenarios it happened in, each once.
    pub refs: Vec<String>,
}

/// One scenario a finding happened in, and at which of its steps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Place {
    pub scenario: String,
    pub steps: Vec<usize>,
}

impl Finding {
    /// How many scenarios the finding touches.
    pub fn scenario_count(&self) -> usize {
        self.places.len()
    }
}

fn push_distinct(list: &mut Vec<String>, value: &str) {
    if !list.iter().any(|v| v == value) {
        list.push(value.to_owned());
    }
}

/// Groups the failed and warned checks of `results` by check id. Scenarios accepted as known
/// deviations are left out: the allow-list already accounted for them. Ordered by severity
/// (fail first), then by how many scenarios each touches (most first), then by check id.
pub fn findings(results: &[ScenarioResult]) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    for scenario in results
        .iter()
        .filter(|s| s.verdict != Verdict::KnownDeviation)
    {
        for step in &scenario.steps {
            for check in &step.checks {
                let severity = match check.status {
                    CheckStatus::Fail => Severity::Fail,
                    CheckStatus::Warn => Severity::Warn,
                    CheckStatus::Pass | CheckStatus::Skip => continue,
                };
                let index = match out.iter().position(|f| f.check == check.id) {
                    Some(i) => i,
                    None => {
                        out.push(Finding {
                            check: check.id.clone(),
                            title: check.title.clone(),
                            severity,
                            expected: Vec::new(),
                            actual: Vec::new(),
                            places: Vec::new(),
                            refs: Vec::new(),
                        });
                        out.len() - 1
                    }
                };
                let finding = &mut out[index];
                if severity == Severity::Fail {
                    finding.severity = Severity::Fail;
                }
                push_distinct(&mut finding.expected, &check.expected);
                push_distinct(&mut finding.actual, &check.actual);
                match finding.places.last_mut() {
                    Some(place) if place.scenario == scenario.id => {
                        if !place.steps.contains(&step.index) {
                            place.steps.push(step.index);
                        }
                    }
                    _ => {
                        finding.places.push(Place {
                            scenario: scenario.id.clone(),
                            steps: vec![step.index],
                        });
                        for r in &scenario.refs {
                            push_distinct(&mut finding.refs, r);
                        }
                    }
                }
            }
        }
    }
    out.sort_by(|a, b| {
        rank(a.severity)
            .cmp(&rank(b.severity))
            .then(b.scenario_count().cmp(&a.scenario_count()))
            .then(a.check.cmp(&b.check))
    });
    out
}

fn rank(severity: Severity) -> u8 {
    match severity {
        Severity::Fail => 0,
        Severity::Warn => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CheckResult, Outcome, StepResult};

    fn check(id: &str, status: CheckStatus, expected: &str, actual: &str) -> CheckResult {
        CheckResult {
            id: id.into(),
            title: format!("{id} title"),
            severity: match status {
                CheckStatus::Warn => Severity::Warn,
                _ => Severity::Fail,
            },
            status,
            expected: expected.into(),
            actual: actual.into(),
        }
    }

    fn scenario(id: &str, verdict: Verdict, steps: Vec<Vec<CheckResult>>) -> ScenarioResult {
        ScenarioResult {
            id: id.into(),
            title: id.into(),
            category: "c".into(),
            severity: Severity::Fail,
            refs: vec![format!("ref of {id}"), "RFC 6749 5.2".into()],
            verdict,
            reason: None,
            duration_ms: 1,
            steps: steps
                .into_iter()
                .enumerate()
                .map(|(i, checks)| StepResult {
                    index: i + 1,
                    name: "s".into(),
                    expect: "rejected".into(),
                    interaction_id: None,
                    request: None,
                    outcome: Outcome::Skipped { reason: "x".into() },
                    checks,
                    snapshot: None,
                    duration_ms: 0,
                    probes: Vec::new(),
                })
                .collect(),
        }
    }

    #[test]
    fn grouped_by_check_ordered_by_severity_then_reach() {
        let pragma = |actual| check("resp-pragma", CheckStatus::Warn, "no-cache", actual);
        let results = vec![
            scenario(
                "a",
                Verdict::Warn,
                vec![vec![pragma("(absent)")], vec![pragma("(absent)")]],
            ),
            scenario(
                "b",
                Verdict::Fail,
                vec![vec![
                    check("err-status", CheckStatus::Fail, "400", "200"),
                    pragma("no-store"),
                    check("err-code", CheckStatus::Pass, "x", "x"),
                ]],
            ),
            scenario("c", Verdict::Warn, vec![vec![pragma("(absent)")]]),
            scenario(
                "d",
                Verdict::KnownDeviation,
                vec![vec![check("err-status", CheckStatus::Fail, "400", "500")]],
            ),
            scenario(
                "e",
                Verdict::Fail,
                vec![vec![check("aud-check", CheckStatus::Fail, "401", "200")]],
            ),
        ];
        let found = findings(&results);
        let summary: Vec<(&str, Severity, usize)> = found
            .iter()
            .map(|f| (f.check.as_str(), f.severity, f.scenario_count()))
            .collect();
        assert_eq!(
            summary,
            [
                ("aud-check", Severity::Fail, 1),
                ("err-status", Severity::Fail, 1),
                ("resp-pragma", Severity::Warn, 3),
            ]
        );
        let pragma = &found[2];
        assert_eq!(pragma.actual, ["(absent)", "no-store"]);
        assert_eq!(pragma.expected, ["no-cache"]);
        assert_eq!(
            pragma.places,
            [
                Place {
                    scenario: "a".into(),
                    steps: vec![1, 2]
                },
                Place {
                    scenario: "b".into(),
                    steps: vec![1]
                },
                Place {
                    scenario: "c".into(),
                    steps: vec![1]
                },
            ]
        );
        assert_eq!(
            pragma.refs,
            ["ref of a", "RFC 6749 5.2", "ref of b", "ref of c"]
        );
        // The known deviation's 500 is not among the actual values.
        assert_eq!(found[1].actual, ["200"]);
    }

    #[test]
    fn a_check_failing_once_is_a_fail_finding() {
        let results = vec![
            scenario(
                "a",
                Verdict::Warn,
                vec![vec![check("x", CheckStatus::Warn, "e", "a")]],
            ),
            scenario(
                "b",
                Verdict::Fail,
                vec![vec![check("x", CheckStatus::Fail, "e", "a")]],
            ),
        ];
        assert_eq!(findings(&results)[0].severity, Severity::Fail);
        assert_eq!(findings(&[]), []);
    }
}
