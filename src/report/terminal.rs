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

/// The line(s) printed when a scenario finishes.
pub fn scenario_line(style: Style, r: &ScenarioResult) -> Option<String> {
    if style.quiet && !matches!(r.verdict, Verdict::Fail | Verdict::Error | Verdict::Drift) {
        return None;
    }
    let mut line = format!("{} {:<34} {}", label(style, r.verdict), r.id, r.title);
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
    Some(line)
}

/// The closing summary.
pub fn summary(style: Style, report: &Report, written: &std::path::Path) -> String {
    let s = &report.summary;
    let mut out = format!(
        "\n{} scenarios: {} passed, {} failed, {} warned, {} skipped, {} errored{} in {:.2} s\n",
        s.total,
        paint(style, "32", &s.passed.to_string()),
        paint(
            style,
            if s.failed > 0 { "31;1" } else { "0" },
            &s.failed.to_string()
        ),
        s.warned,
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
    out
}

/// `--format text`: a line per finished scenario (above a progress bar on a terminal), then
/// the verdicts the allow-list and baseline changed, run failures and the summary.
pub struct TerminalReporter {
    style: Style,
    show_bar: bool,
    bar: Option<indicatif::ProgressBar>,
}

impl TerminalReporter {
    pub fn new(style: Style) -> TerminalReporter {
        TerminalReporter {
            style,
            show_bar: !style.quiet && std::io::stderr().is_terminal(),
            bar: None,
        }
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
                match (&self.bar, scenario_line(self.style, result)) {
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
                    .filter(|s| matches!(s.verdict, Verdict::Drift | Verdict::KnownDeviation))
                    .filter_map(|s| scenario_line(loud, s))
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
