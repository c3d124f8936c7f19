//! Markdown renderer for CI summaries: totals first, then failures, then warnings and errors,
//! then everything else folded in `<details>`. The output never exceeds [`MAX_BYTES`].

use std::fmt::Write as _;

use super::model::{CheckStatus, Outcome, Report, ScenarioResult, StepResult, Verdict};

/// Hard ceiling of the rendered text (GitHub's job summary limit is 1 MiB).
pub const MAX_BYTES: usize = 1024 * 1024;
/// Room kept for the closing lines once the budget runs out.
const RESERVE: usize = 4 * 1024;
/// Longest text shown in one table cell.
const MAX_CELL_CHARS: usize = 300;
/// Most check rows shown for one scenario.
const MAX_CHECK_ROWS: usize = 20;
/// Longest response body shown for one failing step.
const MAX_BODY_CHARS: usize = 1000;

/// Order in which verdicts are listed: what needs attention first.
pub(crate) fn verdict_rank(verdict: Verdict) -> u8 {
    match verdict {
        Verdict::Fail => 0,
        Verdict::Error => 1,
        Verdict::Warn => 2,
        Verdict::Drift => 3,
        Verdict::KnownDeviation => 4,
        Verdict::Pass => 5,
        Verdict::Skip => 6,
    }
}

/// Human label of a verdict.
pub(crate) fn verdict_label(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Pass => "PASS",
        Verdict::Fail => "FAIL",
        Verdict::Warn => "WARN",
        Verdict::Skip => "SKIP",
        Verdict::Error => "ERROR",
        Verdict::KnownDeviation => "KNOWN DEVIATION",
        Verdict::Drift => "DRIFT",
    }
}

/// Renders the report as GitHub-flavoured Markdown, at most [`MAX_BYTES`] long.
pub fn render(report: &Report) -> String {
    let mut out = Budget::new(MAX_BYTES - RESERVE);
    out.push_always(&header(report));
    out.push_always(&findings_table(report));

    let failures: Vec<&ScenarioResult> = report
        .scenarios
        .iter()
        .filter(|s| s.verdict == Verdict::Fail)
        .collect();
    let attention: Vec<&ScenarioResult> = report
        .scenarios
        .iter()
        .filter(|s| {
            matches!(s.verdict, Verdict::Error | Verdict::Warn | Verdict::Drift)
                || (s.verdict != Verdict::Fail && report.drifted(&s.id))
        })
        .collect();
    let rest: Vec<&ScenarioResult> = report
        .scenarios
        .iter()
        .filter(|s| {
            matches!(
                s.verdict,
                Verdict::Pass | Verdict::Skip | Verdict::KnownDeviation
            ) && !report.drifted(&s.id)
        })
        .collect();

    if !failures.is_empty() {
        out.push_always(&format!("\n## Failures ({})\n", failures.len()));
        for scenario in &failures {
            out.push(&scenario_block(scenario, report));
        }
    }
    if !attention.is_empty() {
        out.push_always(&format!(
            "\n## Errors, warnings and drift ({})\n",
            attention.len()
        ));
        for scenario in &attention {
            out.push(&scenario_block(scenario, report));
        }
    }
    if !rest.is_empty() {
        out.push_always(&format!(
            "\n<details>\n<summary>Passed, skipped and known deviations ({})</summary>\n\n\
             | Scenario | Category | Verdict | Reason |\n| --- | --- | --- | --- |\n",
            rest.len()
        ));
        let mut sorted = rest;
        sorted.sort_by_key(|s| verdict_rank(s.verdict));
        for scenario in sorted {
            out.push(&format!(
                "| `{}` | {} | {} | {} |\n",
                code_cell(&scenario.id),
                cell(&scenario.category),
                verdict_label(scenario.verdict),
                cell(scenario.reason.as_deref().unwrap_or(""))
            ));
        }
        out.push_always("\n</details>\n");
    }
    out.finish()
}

fn header(report: &Report) -> String {
    let s = &report.summary;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# ofpc conformance report: {}\n",
        inline(&report.target.name)
    );
    out.push_str("| Target | Profile | Duration | Run |\n| --- | --- | --- | --- |\n");
    let target = format!(
        "{}: {}",
        report.target.described(),
        report.target.token_endpoint
    );
    let run = if report.complete {
        "complete".to_owned()
    } else {
        "**interrupted**: only the scenarios that finished are listed".to_owned()
    };
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} |\n",
        cell(&target),
        cell(&report.profile),
        format_duration(report.duration_ms),
        run
    );
    out.push_str(
        "| Total | Pass | Fail | Warn | Error | Skip | Known deviation | Drift |\n\
         | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
    );
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} | {} | {} | {} |",
        s.total, s.passed, s.failed, s.warned, s.errored, s.skipped, s.known_deviations, s.drifted
    );
    let _ = writeln!(
        out,
        "\n{} {}, run `{}`, started {}.",
        inline(&report.tool.name),
        inline(&report.tool.version),
        code_cell(&report.run_id),
        inline(&report.started_at)
    );
    if !report.notices.is_empty() {
        out.push_str("\nNotices:\n\n");
        for notice in &report.notices {
            let _ = writeln!(out, "- {}", inline(notice));
        }
    }
    out
}

/// Most scenario links in one findings row.
const MAX_FINDING_LINKS: usize = 12;

/// The anchor of a scenario's block, which findings link to.
fn anchor(id: &str) -> String {
    format!(
        "s-{}",
        id.replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "-")
    )
}

/// The findings, one row each, linking to the scenarios they happened in.
fn findings_table(report: &Report) -> String {
    if report.findings.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "\n## Findings ({})\n\n\
         | Severity | Check | Scenarios | Expected | Actual | Refs |\n\
         | --- | --- | --- | --- | --- | --- |\n",
        report.findings.len()
    );
    for f in &report.findings {
        let mut links: Vec<String> = f
            .places
            .iter()
            .take(MAX_FINDING_LINKS)
            .map(|p| format!("[`{}`](#{})", code_cell(&p.scenario), anchor(&p.scenario)))
            .collect();
        if f.places.len() > MAX_FINDING_LINKS {
            links.push(format!("and {} more", f.places.len() - MAX_FINDING_LINKS));
        }
        let _ = writeln!(
            out,
            "| {} | `{}` {} | {}: {} | {} | {} | {} |",
            f.severity.as_str(),
            code_cell(&f.check),
            cell(&f.title),
            f.scenario_count(),
            links.join(", "),
            cell(&f.expected.join(" | ")),
            cell(&f.actual.join(" | ")),
            cell(&f.refs.join("; "))
        );
    }
    out
}

/// The verdict label, with DRIFT added when a scenario that did not pass also drifted.
fn labels(scenario: &ScenarioResult, report: &Report) -> String {
    let label = verdict_label(scenario.verdict);
    if report.drifted(&scenario.id) && scenario.verdict != Verdict::Drift {
        format!("{label}+DRIFT")
    } else {
        label.to_owned()
    }
}

fn scenario_block(scenario: &ScenarioResult, report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n### {} `{}`: {} <a id=\"{}\"></a>\n",
        labels(scenario, report),
        code_cell(&scenario.id),
        inline(&scenario.title),
        anchor(&scenario.id)
    );
    let mut meta = format!(
        "Category {}, severity {}",
        inline(&scenario.category),
        scenario.severity.as_str()
    );
    if !scenario.refs.is_empty() {
        let _ = write!(meta, ", refs: {}", inline(&scenario.refs.join("; ")));
    }
    let _ = writeln!(out, "{meta}.");
    if let Some(reason) = &scenario.reason {
        let _ = writeln!(out, "\nReason: {}", inline(reason));
    }
    if let Some(drift) = report.drift.iter().find(|d| d.id == scenario.id) {
        out.push_str("\nDrift from the baseline:\n\n");
        for change in &drift.changes {
            let _ = writeln!(out, "- {}", inline(change));
        }
    }

    let shown = [CheckStatus::Fail, CheckStatus::Warn];
    let rows: Vec<(&StepResult, String)> = scenario
        .steps
        .iter()
        .flat_map(|step| {
            step.checks
                .iter()
                .filter(|c| shown.contains(&c.status))
                .map(move |c| {
                    (
                        step,
                        format!(
                            "| {} | {} | `{}` | {} | {} | {} | `{}` |\n",
                            step.index,
                            c.status.as_str(),
                            code_cell(&c.id),
                            cell(&c.expected),
                            cell(&c.actual),
                            cell(&c.title),
                            code_cell(step.interaction_id.as_deref().unwrap_or("-"))
                        ),
                    )
                })
        })
        .collect();
    if !rows.is_empty() {
        out.push_str(
            "\n| Step | Status | Check | Expected | Actual | Title | Interaction id |\n\
             | ---: | --- | --- | --- | --- | --- | --- |\n",
        );
        for (_, row) in rows.iter().take(MAX_CHECK_ROWS) {
            out.push_str(row);
        }
        if rows.len() > MAX_CHECK_ROWS {
            let _ = writeln!(
                out,
                "\n(truncated: {} more checks)",
                rows.len() - MAX_CHECK_ROWS
            );
        }
    }

    for step in &scenario.steps {
        let failing = step.checks.iter().any(|c| shown.contains(&c.status));
        match &step.outcome {
            Outcome::Transport(t) => {
                let _ = writeln!(
                    out,
                    "\nStep {} ({}): no HTTP response: {}: {}",
                    step.index,
                    inline(&step.name),
                    inline(&t.class),
                    inline(&t.message)
                );
            }
            Outcome::Response(response) if failing => {
                let _ = writeln!(
                    out,
                    "\nStep {} ({}): HTTP {}, interaction id `{}`\n",
                    step.index,
                    inline(&step.name),
                    response.status,
                    code_cell(step.interaction_id.as_deref().unwrap_or("-"))
                );
                out.push_str(&fenced(&response.body, response.truncated));
            }
            Outcome::Response(_) | Outcome::Skipped { .. } => {}
        }
    }
    out
}

/// Cell text: `|` escaped, newlines as `<br>`, HTML special characters as entities, capped.
fn cell(text: &str) -> String {
    let capped = cap_chars(text.trim(), MAX_CELL_CHARS);
    let mut out = String::with_capacity(capped.len());
    let mut chars = capped.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '|' => out.push_str("\\|"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push_str("<br>");
                }
            }
            '\n' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
    out
}

/// Text inside a code span in a table: no backticks, pipes or newlines.
fn code_cell(text: &str) -> String {
    cap_chars(text, MAX_CELL_CHARS)
        .replace('`', "'")
        .replace('|', "\\|")
        .replace(['\r', '\n'], " ")
}

/// Running text outside tables: one line, HTML special characters as entities.
fn inline(text: &str) -> String {
    cell(text).replace("<br>", " ").replace("\\|", "|")
}

/// A code fence around untrusted text, longer than any backtick run inside it.
fn fenced(body: &str, truncated: bool) -> String {
    let (shown, cut) = match body.char_indices().nth(MAX_BODY_CHARS) {
        Some((i, _)) => (&body[..i], true),
        None => (body, truncated),
    };
    let mut longest = 0;
    let mut run = 0;
    for c in shown.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat((longest + 1).max(3));
    let mut out = format!("{fence}\n{}\n{fence}\n", shown.trim_end());
    if cut {
        out.push_str("(truncated)\n");
    }
    out
}

fn cap_chars(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}… (truncated)", &text[..i]),
        None => text.to_owned(),
    }
}

fn format_duration(ms: u64) -> String {
    format!("{}.{:03} s", ms / 1000, ms % 1000)
}

/// A string that stops growing once its budget is spent, then says how much was left out.
struct Budget {
    text: String,
    limit: usize,
    omitted: usize,
}

impl Budget {
    fn new(limit: usize) -> Self {
        Budget {
            text: String::new(),
            limit,
            omitted: 0,
        }
    }

    /// Appends a block if it fits, or counts it as left out.
    fn push(&mut self, block: &str) {
        if self.text.len() + block.len() <= self.limit {
            self.text.push_str(block);
        } else {
            self.omitted += 1;
        }
    }

    /// Appends a short structural line (heading, closing tag); these must not be lost.
    /// They are tiny and come from a bounded set, so [`RESERVE`] covers them.
    fn push_always(&mut self, line: &str) {
        let room = (self.limit + RESERVE / 2).saturating_sub(self.text.len());
        if line.len() <= room {
            self.text.push_str(line);
        } else {
            self.omitted += 1;
        }
    }

    fn finish(mut self) -> String {
        if self.omitted > 0 {
            self.text.push_str(&format!(
                "\n(truncated: {} blocks left out to stay under 1 MiB; \
                 see report.html or report.json for everything)\n",
                self.omitted
            ));
        }
        self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CheckResult, Severity};

    fn sample() -> Report {
        crate::report::sample_report()
    }

    #[test]
    fn header_and_summary() {
        let md = render(&sample());
        let head: String = md.lines().take(11).collect::<Vec<_>>().join("\n");
        assert_eq!(
            head,
            "# ofpc conformance report: mock\n\
             \n\
             | Target | Profile | Duration | Run |\n\
             | --- | --- | --- | --- |\n\
             | mock (the built-in mock OFP, faults: accept-expired-assertion): https://127.0.0.1:8443/token | ofm | 2.345 s | complete |\n\
             \n\
             | Total | Pass | Fail | Warn | Error | Skip | Known deviation | Drift |\n\
             | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n\
             | 7 | 1 | 2 | 1 | 1 | 1 | 1 | 0 |\n\
             \n\
             ofpc 0.1.0, run `20261129T010203Z-mock`, started 2026-11-29T01:02:03Z."
        );
    }

    #[test]
    fn findings_open_the_report_and_link_to_their_scenarios() {
        let md = render(&sample());
        let findings = md.find("## Findings (5)").unwrap();
        assert!(findings < md.find("## Failures (2)").unwrap());
        let rows: Vec<&str> = md[findings..].lines().skip(2).take(4).collect();
        assert_eq!(
            rows,
            [
                "| Severity | Check | Scenarios | Expected | Actual | Refs |",
                "| --- | --- | --- | --- | --- | --- |",
                "| fail | `err-status` status is 400 (or 401 with invalid_client) | 2: \
                 [`jwt-exp-past`](#s-jwt-exp-past), [`err-body-injection`](#s-err-body-injection) | \
                 400 or 401 \\| 400 | 200 \\| 500 | RFC 7523 §3 (4); FAPI 2.0 SP Final 5.3.2.1; RFC 6749 §5.2 |",
                "| fail | `err-code` error is one of the acceptable codes | 1: \
                 [`jwt-exp-past`](#s-jwt-exp-past) | invalid_client \\| invalid_request | (no error member) | \
                 RFC 7523 §3 (4); FAPI 2.0 SP Final 5.3.2.1 |",
            ]
        );
        assert!(md.contains("<a id=\"s-err-body-injection\"></a>"));
    }

    #[test]
    fn a_warning_that_drifted_shows_both_and_its_changes() {
        let mut report = sample();
        report.drift.push(crate::report::model::ScenarioDrift {
            id: "err-pragma".into(),
            changes: vec!["step 1: status 401 -> 500".into()],
        });
        let md = render(&report);
        assert!(md.contains("### WARN+DRIFT `err-pragma`"));
        assert!(md.contains("\nDrift from the baseline:\n\n- step 1: status 401 -&gt; 500\n"));
    }

    #[test]
    fn failures_come_first_with_their_checks() {
        let md = render(&sample());
        let failures = md.find("## Failures (2)").unwrap();
        let attention = md.find("## Errors, warnings and drift (2)").unwrap();
        let details = md.find("<details>").unwrap();
        assert!(failures < attention && attention < details);
        let block_start = md.find("### FAIL `jwt-exp-past`").unwrap();
        let block = &md[block_start..md.find("### FAIL `err-body-injection`").unwrap()];
        assert_eq!(
            block,
            "### FAIL `jwt-exp-past`: A client assertion that expired 5 minutes ago is rejected <a id=\"s-jwt-exp-past\"></a>\n\
             \n\
             Category client-auth-jwt, severity fail, refs: RFC 7523 §3 (4); FAPI 2.0 SP Final 5.3.2.1.\n\
             \n\
             | Step | Status | Check | Expected | Actual | Title | Interaction id |\n\
             | ---: | --- | --- | --- | --- | --- | --- |\n\
             | 1 | fail | `err-status` | 400 or 401 | 200 | status is 400 (or 401 with invalid_client) | `0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0` |\n\
             | 1 | fail | `err-code` | invalid_client \\| invalid_request | (no error member) | error is one of the acceptable codes | `0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0` |\n\
             | 1 | fail | `err-no-token` | absent | present | no access_token in an error response | `0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0` |\n\
             \n\
             Step 1 (assertion exp = now-300s): HTTP 200, interaction id `0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0`\n\
             \n\
             ```\n\
             {\"access_token\":\"[sha256:0a0b0c0d]\",\"token_type\":\"Bearer\",\"expires_in\":300}\n\
             ```\n\
             \n"
        );
    }

    #[test]
    fn cells_escape_pipes_newlines_and_html() {
        assert_eq!(
            cell("text/html: <script>alert('x')</script> | pipe\nnew\r\nline"),
            "text/html: &lt;script&gt;alert('x')&lt;/script&gt; \\| pipe<br>new<br>line"
        );
        let md = render(&sample());
        assert!(md.contains(
            "| 1 | fail | `err-json` | application/json | text/html: &lt;script&gt;alert('owned')&lt;/script&gt; \\| pipe<br>newline |"
        ));
    }

    #[test]
    fn rest_is_folded() {
        let md = render(&sample());
        let tail = &md[md.find("<details>").unwrap()..];
        assert_eq!(
            tail,
            "<details>\n<summary>Passed, skipped and known deviations (3)</summary>\n\n\
             | Scenario | Category | Verdict | Reason |\n| --- | --- | --- | --- |\n\
             | `aud-token-endpoint` | client-auth-jwt | KNOWN DEVIATION | OFM documents both aud forms (allow-list entry ofm-aud-both) |\n\
             | `valid-grant` | baseline | PASS |  |\n\
             | `cross-client-assertion` | client-auth-jwt | SKIP | the target has no [second_client] |\n\
             \n</details>\n"
        );
    }

    #[test]
    fn interrupted_runs_say_so() {
        let mut report = sample();
        report.complete = false;
        assert!(
            render(&report)
                .contains("| **interrupted**: only the scenarios that finished are listed |")
        );
    }

    #[test]
    fn huge_reports_stay_under_one_mebibyte() {
        let mut report = sample();
        let template = report.scenarios[1].clone();
        report.scenarios.clear();
        for i in 0..400 {
            let mut s = template.clone();
            s.id = format!("scenario-{i}");
            let step = &mut s.steps[0];
            if let Outcome::Response(r) = &mut step.outcome {
                r.body = "x".repeat(100_000);
            }
            for j in 0..50 {
                step.checks.push(CheckResult {
                    id: format!("check-{j}"),
                    title: "t".repeat(1000),
                    severity: Severity::Fail,
                    status: CheckStatus::Fail,
                    expected: "e\n".repeat(500),
                    actual: "a|".repeat(500),
                });
            }
            report.scenarios.push(s);
        }
        let md = render(&report);
        assert!(md.len() < MAX_BYTES, "{} bytes", md.len());
        assert!(md.contains("(truncated: 33 more checks)"));
        assert!(md.contains("… (truncated)"));
        assert!(md.ends_with("see report.html or report.json for everything)\n"));
    }

    #[test]
    fn fences_outgrow_backticks_in_the_body() {
        assert_eq!(fenced("a ```` b", false), "`````\na ```` b\n`````\n");
        assert_eq!(fenced("body", true), "```\nbody\n```\n(truncated)\n");
    }
}
