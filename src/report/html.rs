//! HTML renderer: one self-contained HTML5 file (inline style and script, nothing fetched).
//!
//! The verdict and category filters are CSS-only radio buttons (`:checked ~ main`), so they
//! work with JavaScript off; a small inline script adds "expand all", "collapse all" and a
//! count of the scenarios shown. Every piece of report text goes through [`escape_html`]:
//! response bodies and headers come from untrusted servers. A Content-Security-Policy with
//! the hashes of the inline style and script blocks anything else even if escaping failed.

use std::fmt::Write as _;

use base64::Engine as _;
use sha2::{Digest, Sha256};

use super::markdown::{verdict_label, verdict_rank};
use super::model::{
    CheckResult, Outcome, Report, RequestRecord, ResponseRecord, ScenarioDrift, ScenarioResult,
    StepResult, Verdict,
};

/// Every verdict, in the order the filters list them.
const VERDICTS: [Verdict; 7] = [
    Verdict::Fail,
    Verdict::Error,
    Verdict::Warn,
    Verdict::Drift,
    Verdict::KnownDeviation,
    Verdict::Pass,
    Verdict::Skip,
];

const STYLE: &str = r#"
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#ffffff;--soft:#f6f8fa;
--pass:#1a7f37;--fail:#cf222e;--warn:#9a6700;--skip:#59636e;--error:#8250df;--known-deviation:#0969da;--drift:#1b7c83}
*{box-sizing:border-box}
body{margin:0;padding:24px 32px 48px;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
h1{font-size:22px;margin:0 0 12px}
h2{font-size:16px;margin:0}
h3{font-size:14px;margin:0 0 6px}
h4{font-size:12px;margin:0 0 4px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
code,pre{font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre{margin:0;padding:8px 10px;background:var(--soft);border:1px solid var(--line);border-radius:6px;white-space:pre-wrap;overflow-wrap:anywhere;max-height:28em;overflow:auto}
table{border-collapse:collapse}
th,td{text-align:left;vertical-align:top;padding:4px 10px;border-bottom:1px solid var(--line)}
th{font-weight:600;color:var(--muted);font-size:13px}
.facts td,.facts th{border:0;padding:1px 16px 1px 0}
.facts td{overflow-wrap:anywhere}
.counts{display:flex;flex-wrap:wrap;gap:8px;margin:16px 0}
.v-total{--c:var(--fg)}
.count{border:1px solid var(--line);border-left:6px solid var(--c,var(--line));border-radius:6px;padding:4px 12px;min-width:92px}
.count b{display:block;font-size:20px}
.count span{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.banner{border:1px solid var(--warn);background:#fff8c5;border-radius:6px;padding:8px 12px}
.notices{margin:8px 0;padding-left:20px;color:var(--muted)}
.f{position:absolute;opacity:0;pointer-events:none}
nav{margin:16px 0;padding:10px 12px;background:var(--soft);border:1px solid var(--line);border-radius:8px}
nav div{display:flex;flex-wrap:wrap;align-items:center;gap:6px;margin:2px 0}
nav .k{width:72px;font-size:13px;color:var(--muted)}
nav label{cursor:pointer;border:1px solid var(--line);background:var(--bg);border-radius:999px;padding:1px 10px;font-size:13px}
nav label:hover{border-color:var(--muted)}
#tools{display:flex;gap:8px;align-items:center;margin:8px 0 0;font-size:13px;color:var(--muted)}
#tools[hidden]{display:none}
#tools button{font:inherit;border:1px solid var(--line);background:var(--bg);border-radius:6px;padding:1px 10px;cursor:pointer}
.b{display:inline-block;min-width:64px;text-align:center;font-size:11px;font-weight:700;letter-spacing:.04em;border-radius:4px;padding:1px 6px;color:#fff;background:var(--c)}
.v-pass{--c:var(--pass)}.v-fail{--c:var(--fail)}.v-warn{--c:var(--warn)}.v-skip{--c:var(--skip)}
.v-error{--c:var(--error)}.v-known-deviation{--c:var(--known-deviation)}.v-drift{--c:var(--drift)}
details.s{border:1px solid var(--line);border-left:6px solid var(--c);border-radius:6px;margin:8px 0;background:var(--bg)}
details.s>summary{cursor:pointer;padding:8px 12px;display:flex;flex-wrap:wrap;gap:4px 10px;align-items:baseline}
details.s>summary .t{flex:1 1 320px}
details.s>summary .m{color:var(--muted);font-size:13px}
details.s[open]>summary{border-bottom:1px solid var(--line)}
.body{padding:10px 14px 4px}
.meta{color:var(--muted);font-size:13px;margin:0 0 10px}
.reason{font-size:14px;margin:0 0 10px}
.meta code{color:var(--fg)}
.step{border-top:1px dashed var(--line);padding:10px 0}
.step:first-of-type{border-top:0;padding-top:0}
.ex{display:grid;grid-template-columns:repeat(auto-fit,minmax(380px,1fr));gap:12px;margin:6px 0 10px}
.checks{width:100%;font-size:13px}
.checks td:nth-child(4),.checks td:nth-child(5){font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere;white-space:pre-wrap}
.checks .ct{color:var(--muted)}
.k-pass{--c:var(--pass)}.k-fail{--c:var(--fail)}.k-warn{--c:var(--warn)}.k-skip{--c:var(--skip)}
tr.k-fail td{background:#ffebe9}tr.k-warn td{background:#fff8c5}
.snap summary{cursor:pointer;font-size:13px;color:var(--muted);margin:4px 0}
footer{margin-top:24px;color:var(--muted);font-size:12px}
@media print{nav,#tools{display:none}details.s{break-inside:avoid}}
"#;

const SCRIPT: &str = r#"(function(){
var all=document.querySelectorAll('details.s');
var tools=document.getElementById('tools');
var shown=document.getElementById('shown');
function visible(d){return d.offsetParent!==null;}
function count(){var n=0;all.forEach(function(d){if(visible(d))n++;});shown.textContent=n+' of '+all.length+' scenarios shown';}
document.querySelectorAll('input.f').forEach(function(i){i.addEventListener('change',count);});
document.getElementById('expand').addEventListener('click',function(){all.forEach(function(d){if(visible(d))d.open=true;});});
document.getElementById('collapse').addEventListener('click',function(){all.forEach(function(d){d.open=false;});});
tools.hidden=false;
count();
})();"#;

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Renders the report as one self-contained HTML5 document.
pub fn render(report: &Report) -> String {
    let mut categories: Vec<&str> = report
        .scenarios
        .iter()
        .map(|s| s.category.as_str())
        .collect();
    categories.sort_unstable();
    categories.dedup();
    let present: Vec<Verdict> = VERDICTS
        .into_iter()
        .filter(|v| report.scenarios.iter().any(|s| s.verdict == *v))
        .collect();

    let style = format!("{STYLE}{}", filter_rules(&present, categories.len()));
    let csp = format!(
        "default-src 'none'; style-src '{}'; script-src '{}'; base-uri 'none'; form-action 'none'",
        csp_hash(&style),
        csp_hash(SCRIPT)
    );

    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>ofpc report: {}</title>\n<style>{style}</style>\n</head>\n<body>\n",
        csp, // our own constant text and base64 hashes: nothing to escape
        escape_html(&report.target.name),
    );

    // The radio buttons come first: the CSS filters need them as earlier siblings of <nav>/<main>.
    out.push_str("<input class=\"f\" type=\"radio\" name=\"fv\" id=\"fv-all\" checked aria-label=\"all verdicts\">\n");
    for v in &present {
        let _ = writeln!(
            out,
            "<input class=\"f\" type=\"radio\" name=\"fv\" id=\"fv-{0}\" aria-label=\"verdict {0}\">",
            v.as_str()
        );
    }
    out.push_str("<input class=\"f\" type=\"radio\" name=\"fc\" id=\"fc-all\" checked aria-label=\"all categories\">\n");
    for (i, category) in categories.iter().enumerate() {
        let _ = writeln!(
            out,
            "<input class=\"f\" type=\"radio\" name=\"fc\" id=\"fc-{i}\" aria-label=\"category {}\">",
            escape_html(category)
        );
    }

    out.push_str(&header(report));
    out.push_str(&findings_html(report));
    out.push_str(&nav(report, &present, &categories));

    out.push_str("<main>\n");
    let mut scenarios: Vec<&ScenarioResult> = report.scenarios.iter().collect();
    scenarios.sort_by_key(|s| verdict_rank(s.verdict));
    for scenario in scenarios {
        let category = categories
            .iter()
            .position(|c| *c == scenario.category)
            .unwrap_or(0);
        let drift = report.drift.iter().find(|d| d.id == scenario.id);
        out.push_str(&scenario_html(scenario, category, drift));
    }
    out.push_str("</main>\n");
    let _ = write!(
        out,
        "<footer>{} {} · schema {} v{} · run {}</footer>\n<script>{SCRIPT}</script>\n</body>\n</html>\n",
        escape_html(&report.tool.name),
        escape_html(&report.tool.version),
        escape_html(&report.schema),
        report.schema_version,
        escape_html(&report.run_id),
    );
    out
}

fn csp_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!(
        "sha256-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// One rule per filter button: hide the scenarios that do not match the checked one.
fn filter_rules(present: &[Verdict], categories: usize) -> String {
    let mut css = String::from(
        "#fv-all:checked~nav label[for=fv-all],#fc-all:checked~nav label[for=fc-all]\
         {background:var(--fg);color:#fff;border-color:var(--fg)}\n\
         #fv-all:focus-visible~nav label[for=fv-all],#fc-all:focus-visible~nav label[for=fc-all]\
         {outline:2px solid var(--known-deviation);outline-offset:2px}\n",
    );
    for v in present {
        let v = v.as_str();
        let _ = writeln!(
            css,
            "#fv-{v}:checked~main .s:not(.v-{v}){{display:none}}\n\
             #fv-{v}:checked~nav label[for=fv-{v}]{{background:var(--{v});color:#fff;border-color:var(--{v})}}\n\
             #fv-{v}:focus-visible~nav label[for=fv-{v}]{{outline:2px solid var(--known-deviation);outline-offset:2px}}"
        );
    }
    for i in 0..categories {
        let _ = writeln!(
            css,
            "#fc-{i}:checked~main .s:not(.c-{i}){{display:none}}\n\
             #fc-{i}:checked~nav label[for=fc-{i}]{{background:var(--fg);color:#fff;border-color:var(--fg)}}\n\
             #fc-{i}:focus-visible~nav label[for=fc-{i}]{{outline:2px solid var(--known-deviation);outline-offset:2px}}"
        );
    }
    css
}

fn header(report: &Report) -> String {
    let mut out = String::from("<header>\n");
    let _ = writeln!(
        out,
        "<h1>ofpc conformance report: {}</h1>",
        escape_html(&report.target.name)
    );
    if !report.complete {
        out.push_str(
            "<p class=\"banner\"><strong>Interrupted:</strong> the run was stopped before every \
             scenario finished; only the scenarios that finished are listed.</p>\n",
        );
    }
    let rows = [
        ("Target", report.target.described()),
        ("Token endpoint", report.target.token_endpoint.clone()),
        ("Issuer", report.target.issuer.clone()),
        ("Profile", report.profile.clone()),
        (
            "Run",
            format!(
                "{} ({})",
                report.run_id,
                if report.complete {
                    "complete"
                } else {
                    "interrupted"
                }
            ),
        ),
        (
            "Time",
            format!(
                "{} – {} ({})",
                report.started_at,
                report.finished_at,
                duration(report.duration_ms)
            ),
        ),
    ];
    out.push_str("<table class=\"facts\">\n");
    for (key, value) in rows {
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{key}</th><td>{}</td></tr>",
            escape_html(&value)
        );
    }
    out.push_str("</table>\n<div class=\"counts\">\n");
    let s = &report.summary;
    let counts = [
        ("total", "Total", s.total),
        ("fail", "Fail", s.failed),
        ("error", "Error", s.errored),
        ("warn", "Warn", s.warned),
        ("drift", "Drift", s.drifted),
        ("known-deviation", "Known deviation", s.known_deviations),
        ("pass", "Pass", s.passed),
        ("skip", "Skip", s.skipped),
    ];
    for (class, label, n) in counts {
        let _ = writeln!(
            out,
            "<div class=\"count v-{class}\"><b>{n}</b><span>{label}</span></div>"
        );
    }
    out.push_str("</div>\n");
    if !report.notices.is_empty() {
        out.push_str("<ul class=\"notices\">\n");
        for notice in &report.notices {
            let _ = writeln!(out, "<li>{}</li>", escape_html(notice));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</header>\n");
    out
}

fn nav(report: &Report, present: &[Verdict], categories: &[&str]) -> String {
    let mut out =
        String::from("<nav aria-label=\"filters\">\n<div><span class=\"k\">Verdict</span>");
    let _ = write!(
        out,
        "<label for=\"fv-all\">All ({})</label>",
        report.scenarios.len()
    );
    for v in present {
        let n = report.scenarios.iter().filter(|s| s.verdict == *v).count();
        let _ = write!(
            out,
            "<label for=\"fv-{}\">{} ({n})</label>",
            v.as_str(),
            verdict_label(*v)
        );
    }
    out.push_str("</div>\n<div><span class=\"k\">Category</span>");
    out.push_str("<label for=\"fc-all\">All</label>");
    for (i, category) in categories.iter().enumerate() {
        let n = report
            .scenarios
            .iter()
            .filter(|s| s.category == *category)
            .count();
        let _ = write!(
            out,
            "<label for=\"fc-{i}\">{} ({n})</label>",
            escape_html(category)
        );
    }
    out.push_str(
        "</div>\n<div id=\"tools\" hidden><button type=\"button\" id=\"expand\">Expand all</button>\
         <button type=\"button\" id=\"collapse\">Collapse all</button><span id=\"shown\"></span></div>\n</nav>\n",
    );
    out
}

/// Most scenario links in one findings row.
const MAX_FINDING_LINKS: usize = 12;

/// The findings table above the scenarios; each row links to the scenarios it happened in.
fn findings_html(report: &Report) -> String {
    if report.findings.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "<section class=\"findings\">\n<h2>Findings ({})</h2>\n<table class=\"checks\">\n\
         <tr><th>Severity</th><th>Check</th><th>Scenarios</th><th>Expected</th><th>Actual</th><th>Refs</th></tr>\n",
        report.findings.len()
    );
    for f in &report.findings {
        let mut links: Vec<String> = f
            .places
            .iter()
            .take(MAX_FINDING_LINKS)
            .map(|p| {
                let id = escape_html(&p.scenario);
                format!("<a href=\"#s-{id}\"><code>{id}</code></a>")
            })
            .collect();
        if f.places.len() > MAX_FINDING_LINKS {
            links.push(format!("and {} more", f.places.len() - MAX_FINDING_LINKS));
        }
        let _ = writeln!(
            out,
            "<tr class=\"v-{sev}\"><td><span class=\"b\">{sev}</span></td><td><code>{}</code> {}</td>\
             <td>{}: {}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape_html(&f.check),
            escape_html(&f.title),
            f.scenario_count(),
            links.join(", "),
            escape_html(&f.expected.join(" | ")),
            escape_html(&f.actual.join(" | ")),
            escape_html(&f.refs.join("; ")),
            sev = f.severity.as_str(),
        );
    }
    out.push_str("</table>\n</section>\n");
    out
}

fn scenario_html(
    scenario: &ScenarioResult,
    category: usize,
    drift: Option<&ScenarioDrift>,
) -> String {
    let v = scenario.verdict.as_str();
    let open = if matches!(scenario.verdict, Verdict::Fail | Verdict::Error) {
        " open"
    } else {
        ""
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<details class=\"s v-{v} c-{category}\" id=\"s-{}\"{open}>\n\
         <summary><span class=\"b\">{}</span> <code>{}</code> <span class=\"t\">{}</span> \
         <span class=\"m\">{} · {}</span></summary>\n<div class=\"body\">",
        escape_html(&scenario.id),
        match drift {
            Some(_) if scenario.verdict != Verdict::Drift => {
                format!(
                    "{}</span> <span class=\"b v-drift\">DRIFT",
                    verdict_label(scenario.verdict)
                )
            }
            _ => verdict_label(scenario.verdict).to_owned(),
        },
        escape_html(&scenario.id),
        escape_html(&scenario.title),
        escape_html(&scenario.category),
        duration(scenario.duration_ms),
    );
    let mut meta = format!("severity {}", scenario.severity.as_str());
    if !scenario.refs.is_empty() {
        let _ = write!(meta, " · refs: {}", scenario.refs.join("; "));
    }
    let _ = writeln!(out, "<p class=\"meta\">{}</p>", escape_html(&meta));
    if let Some(reason) = &scenario.reason {
        let _ = writeln!(
            out,
            "<p class=\"reason\"><strong>Reason:</strong> {}</p>",
            escape_html(reason)
        );
    }
    if let Some(drift) = drift {
        out.push_str("<p class=\"reason\"><strong>Drift from the baseline:</strong></p>\n<ul>\n");
        for change in &drift.changes {
            let _ = writeln!(out, "<li><code>{}</code></li>", escape_html(change));
        }
        out.push_str("</ul>\n");
    }
    for step in &scenario.steps {
        out.push_str(&step_html(step));
    }
    out.push_str("</div>\n</details>\n");
    out
}

fn step_html(step: &StepResult) -> String {
    let mut out = String::from("<section class=\"step\">\n");
    let _ = writeln!(
        out,
        "<h3>Step {}: {} <span class=\"m\">(expect {})</span></h3>",
        step.index,
        escape_html(&step.name),
        escape_html(&step.expect)
    );
    let mut meta = vec![duration(step.duration_ms)];
    if let Some(id) = &step.interaction_id {
        meta.insert(
            0,
            format!("x-fapi-interaction-id <code>{}</code>", escape_html(id)),
        );
    }
    if let Some(request) = &step.request {
        let mut tls = format!("TLS identity {}", escape_html(&request.tls_identity));
        if let Some(cert) = &request.client_cert {
            let _ = write!(
                tls,
                " ({}, x5t#S256 <code>{}</code>)",
                escape_html(&cert.subject),
                escape_html(&cert.x5t_s256)
            );
        }
        meta.push(tls);
    }
    let _ = writeln!(out, "<p class=\"meta\">{}</p>", meta.join(" · "));

    out.push_str("<div class=\"ex\">\n<div><h4>Request as sent</h4>");
    match &step.request {
        Some(request) => out.push_str(&request_pre(request)),
        None => out.push_str("<pre>(not built)</pre>"),
    }
    out.push_str("</div>\n<div>");
    match &step.outcome {
        Outcome::Response(response) => {
            out.push_str("<h4>Response</h4>");
            out.push_str(&response_pre(response));
        }
        Outcome::Transport(t) => {
            let _ = write!(
                out,
                "<h4>No HTTP response</h4><pre>{}: {}</pre>",
                escape_html(&t.class),
                escape_html(&t.message)
            );
        }
        Outcome::Skipped { reason } => {
            let _ = write!(out, "<h4>Skipped</h4><pre>{}</pre>", escape_html(reason));
        }
    }
    out.push_str("</div>\n</div>\n");

    if !step.checks.is_empty() {
        out.push_str(
            "<table class=\"checks\">\n<thead><tr><th>Status</th><th>Check</th><th>Severity</th>\
             <th>Expected</th><th>Actual</th></tr></thead>\n<tbody>\n",
        );
        for check in &step.checks {
            out.push_str(&check_row(check));
        }
        out.push_str("</tbody>\n</table>\n");
    }
    if let Some(snapshot) = &step.snapshot {
        let pretty = serde_json::to_string_pretty(snapshot).unwrap_or_default();
        let _ = writeln!(
            out,
            "<details class=\"snap\"><summary>Normalised snapshot</summary><pre>{}</pre></details>",
            escape_html(&pretty)
        );
    }
    out.push_str("</section>\n");
    out
}

fn request_pre(request: &RequestRecord) -> String {
    let mut text = format!("{} {}\n", request.method, request.url);
    for (name, value) in &request.headers {
        let _ = writeln!(text, "{name}: {value}");
    }
    if let Some(body) = &request.body {
        let _ = write!(text, "\n{body}");
    }
    format!("<pre>{}</pre>", escape_html(text.trim_end()))
}

fn response_pre(response: &ResponseRecord) -> String {
    let mut text = format!("HTTP {}\n", response.status);
    for (name, value) in &response.headers {
        let _ = writeln!(text, "{name}: {value}");
    }
    if !response.body.is_empty() {
        let _ = write!(text, "\n{}", response.body);
    }
    if response.truncated {
        text.push_str("\n(truncated at the size cap)");
    }
    let mut out = format!("<pre>{}</pre>", escape_html(text.trim_end()));
    if let Some(tls) = &response.tls {
        let parts: Vec<&str> = [&tls.version, &tls.cipher_suite, &tls.server_cert_subject]
            .into_iter()
            .filter_map(|p| p.as_deref())
            .collect();
        if !parts.is_empty() {
            let _ = write!(
                out,
                "<p class=\"meta\">TLS: {}</p>",
                escape_html(&parts.join(" · "))
            );
        }
    }
    out
}

fn check_row(check: &CheckResult) -> String {
    let status = check.status.as_str();
    format!(
        "<tr class=\"k-{status}\"><td><span class=\"b\">{}</span></td>\
         <td><code>{}</code><br><span class=\"ct\">{}</span></td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
        status.to_uppercase(),
        escape_html(&check.id),
        escape_html(&check.title),
        check.severity.as_str(),
        escape_html(&check.expected),
        escape_html(&check.actual),
    )
}

fn duration(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else {
        format!("{}.{:03} s", ms / 1000, ms % 1000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Report {
        crate::report::sample_report()
    }

    #[test]
    fn escape_html_escapes_the_five_specials() {
        assert_eq!(
            escape_html(r#"<script>alert("x" & 'y')</script>"#),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
        );
        assert_eq!(escape_html("plain text é"), "plain text é");
    }

    #[test]
    fn a_script_in_a_response_body_is_shown_as_text() {
        let html = render(&sample());
        assert!(!html.contains("<script>alert"));
        assert!(html.contains("&lt;html&gt;&lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt;"));
        // Exactly one script element: ours.
        assert_eq!(html.matches("<script").count(), 1);
    }

    #[test]
    fn findings_come_before_the_scenarios_and_the_header_names_the_target() {
        let html = render(&sample());
        let findings = html.find("<h2>Findings (5)</h2>").unwrap();
        assert!(findings < html.find("<main>").unwrap());
        assert!(html.contains(
            "<tr><th scope=\"row\">Target</th><td>mock (the built-in mock OFP, faults: \
             accept-expired-assertion)</td></tr>"
        ));
        let mut real = sample();
        real.target.mock = false;
        real.target.faults.clear();
        real.target.name = "sandbox".into();
        assert!(render(&real).contains(
            "<tr><th scope=\"row\">Target</th><td>sandbox (a server under test)</td></tr>"
        ));
    }

    #[test]
    fn self_contained() {
        let html = render(&sample());
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
        for external in ["src=", "@import", "url("] {
            assert!(!html.contains(external), "{external}");
        }
        // Links only within the page (findings to their scenarios).
        assert_eq!(
            html.matches("href=").count(),
            html.matches("href=\"#s-").count()
        );
        assert!(html.contains("<a href=\"#s-jwt-exp-past\"><code>jwt-exp-past</code></a>"));
        let style_start = html.find("<style>").unwrap() + "<style>".len();
        let style_end = html.find("</style>").unwrap();
        let csp_style = csp_hash(&html[style_start..style_end]);
        assert!(html.contains(&format!("style-src '{csp_style}'")));
        assert!(html.contains(&format!("script-src '{}'", csp_hash(SCRIPT))));
    }

    #[test]
    fn every_scenario_is_a_details_with_its_filters_classes() {
        let report = sample();
        let html = render(&report);
        assert_eq!(
            html.matches("<details class=\"s ").count(),
            report.scenarios.len()
        );
        assert!(html.contains(
            "<details class=\"s v-fail c-1\" id=\"s-jwt-exp-past\" open>\n\
             <summary><span class=\"b\">FAIL</span> <code>jwt-exp-past</code> \
             <span class=\"t\">A client assertion that expired 5 minutes ago is rejected</span> \
             <span class=\"m\">client-auth-jwt · 38 ms</span></summary>"
        ));
        assert!(html.contains("#fv-fail:checked~main .s:not(.v-fail){display:none}"));
        assert!(html.contains("#fc-1:checked~main .s:not(.c-1){display:none}"));
        assert!(html.contains("<label for=\"fv-fail\">FAIL (2)</label>"));
        assert!(html.contains("<label for=\"fc-1\">client-auth-jwt (3)</label>"));
        // Failures are listed before passes.
        assert!(html.find("id=\"s-jwt-exp-past\"") < html.find("id=\"s-valid-grant\""));
    }

    #[test]
    fn step_shows_request_response_and_checks() {
        let html = render(&sample());
        assert!(html.contains(
            "<h4>Request as sent</h4><pre>POST https://127.0.0.1:8443/token\n\
             content-type: application/x-www-form-urlencoded\n\
             x-fapi-interaction-id: 0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0\n\n\
             grant_type=client_credentials&amp;scope=accounts&amp;client_assertion="
        ));
        assert!(html.contains(
            "<h4>Response</h4><pre>HTTP 200\ncontent-type: application/json\ncache-control: no-store\n\n\
             {&quot;access_token&quot;:&quot;[sha256:0a0b0c0d]&quot;,"
        ));
        assert!(html.contains(
            "<tr class=\"k-fail\"><td><span class=\"b\">FAIL</span></td>\
             <td><code>err-status</code><br><span class=\"ct\">status is 400 (or 401 with invalid_client)</span></td>\
             <td>fail</td><td>400 or 401</td><td>200</td></tr>"
        ));
        assert!(html.contains(
            "<h4>No HTTP response</h4><pre>timeout: operation timed out after 10 s</pre>"
        ));
        assert!(html.contains("<h4>Skipped</h4><pre>the target has no [second_client]</pre>"));
    }

    #[test]
    fn interrupted_banner() {
        let mut report = sample();
        assert!(!render(&report).contains("class=\"banner\""));
        report.complete = false;
        assert!(render(&report).contains("<p class=\"banner\"><strong>Interrupted:</strong>"));
    }

    /// `OFPC_SAMPLE_HTML=/tmp/ofpc-sample.html cargo test --lib write_sample` writes the
    /// sample report for a look in a browser.
    #[test]
    fn write_sample() {
        if let Ok(path) = std::env::var("OFPC_SAMPLE_HTML") {
            std::fs::write(path, render(&sample())).expect("write the sample");
        }
    }
}
