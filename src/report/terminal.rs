//! The terminal: one line per scenario, failing checks under a failure, a summary at the end.

use std::io::IsTerminal;

use super::model::{CheckStatus, Report, ScenarioResult, Verdict};
use super::reporter::{Event, Reporter, print_notices};
use crate::model::RunEvent;

/// How to print.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub colour: bool,
    pub quiet: bool,
}

impl Style {
    /// Colours only on a terminal and without `NO_COLOR`.
    pub fn detect(quiet: bool) -> Style {
        let colour = std::io::stdout().is_terminal()
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        Style { colour, quiet }
    }
}

fn paint(style: Style, code: &str, text: &str) -> String {
    if style.colour {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

fn label(style: Style, v: Verdict) -> String {
    let (code, text) = match v {
        Verdict::Pass => ("32", "PASS "),
        Verdict::Fail => ("31;1", "FAIL "),
        Verdict::Warn => ("33", "WARN "),
        Verdict::Skip => ("2", "SKIP "),
        Verdict::Error => ("35;1", "ERROR"),
        Verdict::KnownDeviation => ("36", "KNOWN"),
        Verdict::Drift => ("33", "DRIFT"),
    };
    paint(style, code, text)
}

/// The line(s) printed when a scenario finishes. `drift` holds the changes from the baseline
/// when it drifted: a scenario that warned and drifted shows both.
pub fn scenario_line(style: Style, r: &ScenarioResult, drift: Option<&[String]>) -> Option<String> {
    if style.quiet
        && drift.is_none()
        && !matches!(r.verdict, Verdict::Fail | Verdict::Error | Verdict::Drift)
    {
        return None;
    }
    let mut labels = label(style, r.verdict);
    if drift.is_some() && r.verdict != Verdict::Drift {
        labels = format!("{}+{}", labels.trim_end(), label(style, Verdict::Drift));
    }
    let mut line = format!("{labels} {:<34} {}", r.id, r.title);
    if let Some(reason) = &r.reason {
        line.push_str(&format!("\n        {reason}"));
    }
    if matches!(r.verdict, Verdict::Fail | Verdict::Warn) {
        for step in &r.steps {
            for c in step
                .checks
                .iter()
                .filter(|c| matches!(c.status, CheckStatus::Fail | CheckStatus::Warn))
            {
                line.push_str(&format!(
                    "\n        step {} {} [{}]: expected {}; got {}",
                    step.index,
                    c.id,
                    c.status.as_str(),
                    c.expected,
                    c.actual
                ));
            }
        }
    }
    for change in drift.unwrap_or_default() {
        line.push_str(&format!("\n        drift: {change}"));
    }
    Some(line)
}

/// Longest value list shown in a findings line, in characters.
const MAX_FINDING_VALUE_CHARS: usize = 100;

/// Text on one line (runs of whitespace, newlines included, become one space), cut with `…`.
fn one_line(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(MAX_FINDING_VALUE_CHARS) {
        Some((i, _)) => format!("{}…", &flat[..i]),
        None => flat,
    }
}

/// The last lines: one per finding, most severe and widest first.
pub fn findings_lines(report: &Report) -> String {
    let nothing_fixed = report
        .findings_vs_baseline
        .as_ref()
        .is_none_or(|c| c.fixed.is_empty());
    if report.findings.is_empty() && nothing_fixed {
        return String::new();
    }
    let change = report.findings_vs_baseline.as_ref();
    let mut out = format!("\nfindings ({}):\n", report.findings.len());
    if let Some(c) = change {
        out = format!(
            "\nfindings ({}; against the baseline: {} new, {} fixed, {} unchanged):\n",
            report.findings.len(),
            c.new.len(),
            c.fixed.len(),
            c.unchanged.len()
        );
    }
    for f in &report.findings {
        let n = f.scenario_count();
        let new = change.is_some_and(|c| c.new.contains(&f.check));
        out.push_str(&format!(
            "  {}{:<4} {:<30} {} scenario{}: expected {}; got {}\n",
            if new { "new " } else { "" },
            f.severity.as_str(),
            f.check,
            n,
            if n == 1 { "" } else { "s" },
            one_line(&f.expected.join(" | ")),
            one_line(&f.actual.join(" | "))
        ));
    }
    for id in change.map(|c| c.fixed.as_slice()).unwrap_or_default() {
        out.push_str(&format!("  fixed {id}\n"));
    }
    out
}

/// The closing summary.
pub fn summary(style: Style, report: &Report, written: &std::path::Path) -> String {
    let s = &report.summary;
    let mut out = format!(
        "\n{} scenarios: {} passed, {} failed, {} warned, {} drifted, {} skipped, {} errored{} in {:.2} s\n",
        s.total,
        paint(style, "32", &s.passed.to_string()),
        paint(
            style,
            if s.failed > 0 { "31;1" } else { "0" },
            &s.failed.to_string()
        ),
        s.warned,
        s.drifted,
        s.skipped,
        s.errored,
        if s.known_deviations > 0 {
            format!(", {} known deviations", s.known_deviations)
        } else {
            String::new()
        },
        report.duration_ms as f64 / 1000.0,
    );
    if !report.complete {
        out.push_str("run interrupted: the report holds the scenarios that finished\n");
    }
    out.push_str(&format!("report: {}\n", written.display()));
    out.push_str(&findings_lines(report));
    out
}

/// `--format text`: a line per finished scenario (above a progress bar on a terminal), then
/// the verdicts the allow-list and baseline changed, run failures and the summary.
pub struct TerminalReporter {
    style: Style,
    show_bar: bool,
    bar: Option<indicatif::ProgressBar>,
    /// Scenarios whose verdict the allow-list may change: printed once, after it.
    deferred: Vec<String>,
}

impl TerminalReporter {
    pub fn new(style: Style) -> TerminalReporter {
        TerminalReporter {
            style,
            show_bar: !style.quiet && std::io::stderr().is_terminal(),
            bar: None,
            deferred: Vec::new(),
        }
    }

    /// Holds back the live line of these scenarios (the allow-list's ids) until the finished
    /// report, so an allowed failure prints once, as KNOWN, never as FAIL first.
    pub fn deferring(mut self, ids: Vec<String>) -> TerminalReporter {
        self.deferred = ids;
        self
    }
}

impl Reporter for TerminalReporter {
    fn handle(&mut self, event: &Event<'_>) {
        print_notices(event);
        match event {
            Event::Run(RunEvent::Started { total, .. }) => {
                self.bar = self.show_bar.then(|| {
                    let bar = indicatif::ProgressBar::new(*total as u64);
                    bar.set_style(
                        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
                            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                    );
                    bar
                });
            }
            Event::Run(RunEvent::ScenarioFinished { index, result }) => {
                let line = if self.deferred.contains(&result.id) {
                    None
                } else {
                    scenario_line(self.style, result, None)
                };
                match (&self.bar, line) {
                    (Some(bar), Some(line)) => bar.println(line),
                    (None, Some(line)) => println!("{line}"),
                    (_, None) => {}
                }
                if let Some(bar) = &self.bar {
                    bar.set_position(*index as u64 + 1);
                    bar.set_message(result.id.clone());
                }
            }
            Event::RunDone => {
                if let Some(bar) = self.bar.take() {
                    bar.finish_and_clear();
                }
            }
            Event::Finished { report, written } => {
                // Verdicts the allow-list and the baseline changed after the live lines.
                let loud = Style {
                    quiet: false,
                    ..self.style
                };
                let changed: Vec<String> = report
                    .scenarios
                    .iter()
                    .filter(|s| {
                        report.drifted(&s.id)
                            || s.verdict == Verdict::KnownDeviation
                            || self.deferred.contains(&s.id)
                    })
                    .filter_map(|s| {
                        let drift = report.drift.iter().find(|d| d.id == s.id);
                        let style = if s.verdict == Verdict::KnownDeviation {
                            loud
                        } else {
                            self.style
                        };
                        scenario_line(style, s, drift.map(|d| d.changes.as_slice()))
                    })
                    .collect();
                if !changed.is_empty() {
                    println!(
                        "\nafter the allow-list and the baseline:\n{}",
                        changed.join("\n")
                    );
                }
                for failure in &report.run_failures {
                    println!("run failure: {failure}");
                }
                print!("{}", summary(self.style, report, written));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAIN: Style = Style {
        colour: false,
        quiet: false,
    };

    #[test]
    fn the_summary_counts_drift_and_ends_with_the_findings() {
        let mut report = crate::report::sample_report();
        report.summary.drifted = 3;
        let text = summary(PLAIN, &report, std::path::Path::new("r/report.json"));
        assert_eq!(
            text,
            "\n7 scenarios: 1 passed, 2 failed, 1 warned, 3 drifted, 1 skipped, 1 errored, 1 known deviations in 2.35 s\n\
             report: r/report.json\n\
             \n\
             findings (5):\n  \
             fail err-status                     2 scenarios: expected 400 or 401 | 400; got 200 | 500\n  \
             fail err-code                       1 scenario: expected invalid_client | invalid_request; got (no error member)\n  \
             fail err-json                       1 scenario: expected application/json; got text/html: <script>alert('owned')</script> | pipe newline\n  \
             fail err-no-token                   1 scenario: expected absent; got present\n  \
             warn resp-pragma                    1 scenario: expected no-cache; got (absent)\n"
        );
    }

    #[test]
    fn findings_against_a_baseline_say_new_and_fixed() {
        let mut report = crate::report::sample_report();
        report.findings_vs_baseline = Some(crate::report::model::FindingsChange {
            new: vec!["resp-pragma".into()],
            fixed: vec!["resp-cache-control".into()],
            unchanged: vec![
                "err-status".into(),
                "err-code".into(),
                "err-json".into(),
                "err-no-token".into(),
            ],
        });
        let text = findings_lines(&report);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[1],
            "findings (5; against the baseline: 1 new, 1 fixed, 4 unchanged):"
        );
        assert!(
            lines[6].starts_with("  new warn resp-pragma "),
            "{}",
            lines[6]
        );
        assert_eq!(lines[7], "  fixed resp-cache-control");
    }

    #[test]
    fn a_warning_that_drifted_shows_both() {
        let report = crate::report::sample_report();
        let pragma = &report.scenarios[3];
        let changes = ["step 1: status 401 -> 500".to_owned()];
        let line = scenario_line(PLAIN, pragma, Some(&changes)).unwrap();
        assert!(line.starts_with("WARN+DRIFT err-pragma "), "{line}");
        assert!(
            line.ends_with("\n        drift: step 1: status 401 -> 500"),
            "{line}"
        );
        let quiet = Style {
            quiet: true,
            ..PLAIN
        };
        assert!(scenario_line(quiet, pragma, None).is_none());
        assert!(scenario_line(quiet, pragma, Some(&changes)).is_some());
    }
}
