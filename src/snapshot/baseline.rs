//! `--baseline`: marks the scenarios whose normalised responses changed since an accepted run.
//! A passing scenario becomes Drift; one that warned or failed keeps its verdict and is listed
//! as drifted too, so both show. Under `--fail-on-drift` each drifted scenario is one short run
//! failure; the changes themselves are in the report's `drift` list.

use super::diff::{diff_findings, diff_reports};
use crate::model::Verdict;
use crate::report::model::Report;

/// Compares `report` with `baseline` and records the drift in it.
pub fn apply_baseline(report: &mut Report, baseline: &Report, fail_on_drift: bool) {
    let drift = diff_reports(baseline, report);
    for d in &drift {
        let Some(scenario) = report.scenarios.iter_mut().find(|s| s.id == d.id) else {
            continue;
        };
        if scenario.verdict == Verdict::Pass {
            scenario.verdict = Verdict::Drift;
        }
        if fail_on_drift {
            let line = failure_line(&d.id, d.changes.len());
            report.notices.push(line.clone());
            report.run_failures.push(line);
        }
    }
    report.drift = drift;
    report.recount();
    report.findings_vs_baseline = Some(diff_findings(baseline, report));
}

/// The run failure of one drifted scenario under `--fail-on-drift`.
fn failure_line(id: &str, changes: usize) -> String {
    format!(
        "{id} drifted from the baseline ({changes} change{})",
        if changes == 1 { "" } else { "s" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_warning_that_drifts_keeps_its_verdict_and_is_listed() {
        let baseline = crate::report::sample_report();
        let mut current = baseline.clone();
        // valid-grant (pass) and err-pragma (warn) answer differently.
        for i in [0, 3] {
            current.scenarios[i].steps[0].snapshot = Some(serde_json::json!({ "status": 500 }));
        }
        apply_baseline(&mut current, &baseline, true);
        let verdicts: Vec<(&str, Verdict, bool)> = current
            .scenarios
            .iter()
            .filter(|s| current.drifted(&s.id))
            .map(|s| (s.id.as_str(), s.verdict, current.drifted(&s.id)))
            .collect();
        assert_eq!(
            verdicts,
            [
                ("valid-grant", Verdict::Drift, true),
                ("err-pragma", Verdict::Warn, true)
            ]
        );
        assert_eq!(current.summary.drifted, 1);
        assert_eq!(
            current.run_failures,
            [
                "valid-grant drifted from the baseline (1 change)",
                "err-pragma drifted from the baseline (1 change)"
            ]
        );
    }
}
