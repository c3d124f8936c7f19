//! `--jobs`: scenarios run at the same time, yet every output is in catalogue order and the
//! same as a `--jobs 1` run apart from times (and the values each run draws afresh: UUIDs,
//! tokens, signatures, generated certificates). Runs the binary against the mock on 127.0.0.1.

mod support;

use ofp_conformance::mock::MockOptions;
use support::{Mock, ofpc, report_dirs, text};

/// Runs the catalogue against `mock` with `--jobs N`; returns the terminal output, report.json
/// and junit.xml, masked.
fn run(mock: &Mock, jobs: &str) -> (String, String, String) {
    let out = tempfile::tempdir().expect("temp dir");
    let target = mock.target();
    let result = ofpc(&[
        "run",
        "--target",
        target.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--jobs",
        jobs,
    ]);
    let (stdout, stderr) = text(&result);
    assert_eq!(result.status.code(), Some(0), "{stdout}{stderr}");
    let dir = &report_dirs(out.path())[0];
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).expect("report file");
    let mut report: serde_json::Value = serde_json::from_str(&read("report.json")).unwrap();
    mask_times(&mut report);
    (
        mask(&stdout),
        mask(&serde_json::to_string_pretty(&report).unwrap()),
        mask(&mask_junit_times(&read("junit.xml"))),
    )
}

/// Times and the run id (which holds the clock) become `[TIME]`.
fn mask_times(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if matches!(
                    key.as_str(),
                    "duration_ms" | "started_at" | "finished_at" | "run_id"
                ) {
                    *v = "[TIME]".into();
                } else {
                    mask_times(v);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(mask_times),
        _ => {}
    }
}

/// `time="0.004"` and `timestamp="..."` attributes become `[TIME]`.
fn mask_junit_times(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(at) = rest.find("time") {
        let (head, tail) = rest.split_at(at);
        out.push_str(head);
        let attr = if tail.starts_with("timestamp=\"") {
            "timestamp=\""
        } else if tail.starts_with("time=\"") && !head.ends_with(|c: char| c.is_alphanumeric()) {
            "time=\""
        } else {
            out.push_str("time");
            rest = &tail[4..];
            continue;
        };
        let value_end = tail[attr.len()..]
            .find('"')
            .map_or(tail.len(), |e| attr.len() + e);
        out.push_str(attr);
        out.push_str("[TIME]");
        rest = &tail[value_end..];
    }
    out.push_str(rest);
    out
}

/// Values drawn afresh by each run: base64url runs of 32 characters or more (tokens,
/// signatures, thumbprints) become `[B64]`, runs of hex digits and dashes of 8 or more with a
/// digit (UUIDs, digests, generated names) `[HEX]`, `in 1.23 s` `in [TIME] s` and the report
/// folder (named after the clock) `[RUN]`; the entropy estimate of a random token (`about
/// 214 bits`) `about [N] bits`; an HTTP date (`Mon, 30 Nov 2026 22:52:31 GMT`) `[DATE]`.
fn mask(text: &str) -> String {
    let masked = replace_runs(
        text,
        |c| c.is_ascii_alphanumeric() || c == '-' || c == '_',
        |run| {
            run.len() >= 32
                && run.contains(|c: char| c.is_ascii_digit())
                && run.contains(|c: char| c.is_ascii_uppercase())
        },
        "[B64]",
    );
    let masked = replace_runs(
        &masked,
        |c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase() || c == '-',
        |run| run.len() >= 8 && run.contains(|c: char| c.is_ascii_digit()),
        "[HEX]",
    );
    masked
        .lines()
        .map(|l| match l.find(" errored in ") {
            Some(at) => format!("{} errored in [TIME] s", &l[..at]),
            None if l.starts_with("report: ") => "report: [RUN]".to_string(),
            None => match (l.find("about "), l.find(" bits")) {
                (Some(a), Some(b)) if a < b => format!("{}about [N]{}", &l[..a], &l[b..]),
                _ => mask_http_date(l),
            },
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn mask_http_date(line: &str) -> String {
    const LEN: usize = "Mon, 30 Nov 2026 22:52:31 GMT".len();
    match line.find(" GMT").map(|at| at + 4) {
        Some(end) if end >= LEN && line.as_bytes()[end - LEN + 3] == b',' => {
            format!("{}[DATE]{}", &line[..end - LEN], &line[end..])
        }
        _ => line.to_string(),
    }
}

fn replace_runs(
    text: &str,
    member: impl Fn(char) -> bool,
    replace: impl Fn(&str) -> bool,
    with: &str,
) -> String {
    let mut out = String::new();
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if replace(run) {
            out.push_str(with);
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if member(c) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

#[test]
fn a_run_with_8_jobs_equals_a_run_with_1_apart_from_times() {
    let mock = Mock::start(MockOptions::default());
    let (one_terminal, one_report, one_junit) = run(&mock, "1");
    let (eight_terminal, eight_report, eight_junit) = run(&mock, "8");
    assert!(
        one_report.contains("\"jwt-jti-replay\""),
        "the catalogue ran"
    );
    for (what, one, eight) in [
        ("terminal", &one_terminal, &eight_terminal),
        ("report.json", &one_report, &eight_report),
        ("junit.xml", &one_junit, &eight_junit),
    ] {
        let first = one.lines().zip(eight.lines()).position(|(a, b)| a != b);
        let show = |text: &str| {
            text.lines()
                .nth(first.unwrap_or(0))
                .unwrap_or("")
                .to_string()
        };
        assert_eq!(first, None, "{what}: `{}` vs `{}`", show(one), show(eight));
        assert_eq!(one.lines().count(), eight.lines().count(), "{what} length");
    }
}

#[test]
fn the_masks_keep_what_is_the_same_and_hide_what_is_drawn_afresh() {
    assert_eq!(
        mask("id 7a28e534-ea35-4711-aef0-8cff3784b8a7 step 12 fail in 0.55 s"),
        "id [HEX] step 12 fail in 0.55 s"
    );
    assert_eq!(
        mask("95 scenarios: 95 passed, 0 failed, 0 warned, 0 skipped, 0 errored in 1.35 s"),
        "95 scenarios: 95 passed, 0 failed, 0 warned, 0 skipped, 0 errored in [TIME] s"
    );
    assert_eq!(
        mask("x5t hX7z_xyQHfAtEdAZHd2GcRnMZkeXM4ndbQ_amLSTeMM jwt-happy"),
        "x5t [B64] jwt-happy"
    );
    assert_eq!(
        mask(r#"["date", "Mon, 30 Nov 2026 22:52:31 GMT"],"#),
        r#"["date", "[DATE]"],"#
    );
    assert_eq!(
        mask("43 characters, about 214 bits"),
        "43 characters, about [N] bits"
    );
    assert_eq!(
        mask_junit_times(r#"<testsuite name="t" time="0.004" timestamp="2026-11-30T22:51:05Z">"#),
        r#"<testsuite name="t" time="[TIME]" timestamp="[TIME]">"#
    );
}
