//! Findings end to end: a run against the mock with a fault shows them first in every human
//! format and as an array in report.json; `report diff` and `--baseline` compare them; and the
//! report fixes of issue 12 (mock baselines, drift in the summary, short drift failures, an
//! allowed scenario printed once).

mod support;

use std::path::{Path, PathBuf};

use ofp_conformance::mock::MockOptions;
use support::{Mock, ofpc, report_dirs, text};

fn run_dir(out: &Path) -> PathBuf {
    let dirs = report_dirs(out);
    assert_eq!(dirs.len(), 1, "{dirs:?}");
    dirs[0].clone()
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn a_fault_shows_the_findings_first_in_every_format() {
    let out = tempfile::tempdir().unwrap();
    let result = ofpc(&[
        "run",
        "--out",
        out.path().to_str().unwrap(),
        "--fault",
        "accept-alg-none",
        "--only",
        "jwt-alg-*",
    ]);
    let (stdout, _) = text(&result);
    assert_eq!(result.status.code(), Some(1), "{stdout}");
    // Terminal: the summary ends with the findings, one line each.
    let tail = &stdout[stdout.find("\nfindings (3):\n").expect(&stdout)..];
    assert_eq!(
        tail,
        "\nfindings (3):\n  \
         fail err-code                       1 scenario: expected one of invalid_client; got no `error` member\n  \
         fail err-no-token                   1 scenario: expected no access_token; got a token was issued (HTTP 200)\n  \
         fail err-status                     1 scenario: expected 400, or 401 with invalid_client; got HTTP 200\n"
    );

    let dir = run_dir(out.path());
    let md = read(dir.join("report.md"));
    let table = md.find("## Findings (3)").expect(&md);
    assert!(table < md.find("## Failures (1)").unwrap(), "{md}");
    assert!(md.contains("| fail | `err-status` "), "{md}");
    assert!(md.contains("[`jwt-alg-none`](#s-jwt-alg-none)"), "{md}");
    assert!(md.contains("<a id=\"s-jwt-alg-none\"></a>"), "{md}");

    let html = read(dir.join("report.html"));
    let table = html
        .find("<h2>Findings (3)</h2>")
        .expect("findings in html");
    assert!(table < html.find("<main>").unwrap());
    assert!(html.contains("<a href=\"#s-jwt-alg-none\"><code>jwt-alg-none</code></a>"));
    assert!(html.contains("id=\"s-jwt-alg-none\""));

    let json: serde_json::Value = serde_json::from_str(&read(dir.join("report.json"))).unwrap();
    assert_eq!(json["schema_version"], 2);
    let checks: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["check"].as_str().unwrap())
        .collect();
    assert_eq!(checks, ["err-code", "err-no-token", "err-status"]);
    assert_eq!(
        json["findings"][2]["places"],
        serde_json::json!([{ "scenario": "jwt-alg-none", "steps": [1] }])
    );
}

#[test]
fn report_diff_and_baseline_compare_findings() {
    let clean = tempfile::tempdir().unwrap();
    let faulty = tempfile::tempdir().unwrap();
    let run = |out: &Path, extra: &[&str]| {
        let mut args = vec!["run", "--out", out.to_str().unwrap(), "--only", "jwt-alg-*"];
        args.extend(extra);
        ofpc(&args)
    };
    run(clean.path(), &[]);
    let baseline = run_dir(clean.path()).join("report.json");
    // Against the built-in mock (another instance, another port): findings new, no drift.
    let result = run(
        faulty.path(),
        &[
            "--fault",
            "accept-alg-none",
            "--baseline",
            baseline.to_str().unwrap(),
        ],
    );
    let (stdout, _) = text(&result);
    assert!(
        stdout.contains("\nfindings (3; against the baseline: 3 new, 0 fixed, 0 unchanged):\n  new fail err-code "),
        "{stdout}"
    );
    assert!(stdout.contains(" 0 drifted, "), "{stdout}");
    let current = run_dir(faulty.path()).join("report.json");

    let diff = ofpc(&[
        "report",
        "diff",
        baseline.to_str().unwrap(),
        current.to_str().unwrap(),
    ]);
    let (stdout, _) = text(&diff);
    assert_eq!(diff.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.starts_with(
            "findings: 3 new, 0 fixed, 0 unchanged\n  \
             new    err-code (1 scenario)\n  \
             new    err-no-token (1 scenario)\n  \
             new    err-status (1 scenario)\n\
             \n\
             drift in 1 scenario (8 changes):\n\
             \n\
             jwt-alg-none\n  \
             step 1: body.access_token (absent) -> \"[token]\"\n"
        ),
        "{stdout}"
    );
    let back = ofpc(&[
        "report",
        "diff",
        current.to_str().unwrap(),
        baseline.to_str().unwrap(),
    ]);
    let (stdout, _) = text(&back);
    assert!(
        stdout.starts_with("findings: 0 new, 3 fixed, 0 unchanged\n  fixed  err-code\n"),
        "{stdout}"
    );
}

#[test]
fn the_built_in_mock_does_not_drift_from_its_own_baseline() {
    let first = tempfile::tempdir().unwrap();
    let second = tempfile::tempdir().unwrap();
    let only = ["--only", "disc-*", "--only", "jwt-happy"];
    let mut args = vec!["run", "--out", first.path().to_str().unwrap()];
    args.extend(only);
    assert_eq!(ofpc(&args).status.code(), Some(0));
    let baseline = run_dir(first.path()).join("report.json");
    let mut args = vec![
        "run",
        "--out",
        second.path().to_str().unwrap(),
        "--baseline",
        baseline.to_str().unwrap(),
        "--fail-on-drift",
    ];
    args.extend(only);
    let result = ofpc(&args);
    let (stdout, _) = text(&result);
    assert_eq!(result.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains(" 0 drifted, "), "{stdout}");
    assert!(!stdout.contains("DRIFT"), "{stdout}");
}

#[test]
fn drift_shows_in_the_summary_and_fails_in_one_short_line() {
    let steady = Mock::start(MockOptions::default());
    let changed = Mock::start(MockOptions {
        token_ttl_secs: Some(300),
        ..MockOptions::default()
    });
    let run = |mock: &Mock, out: &Path, extra: &[&str]| {
        let target = mock.target().display().to_string();
        let mut args = vec![
            "run",
            "--target",
            &target,
            "--out",
            out.to_str().unwrap(),
            "--only",
            "jwt-happy",
        ];
        args.extend(extra);
        ofpc(&args)
    };
    let base = tempfile::tempdir().unwrap();
    run(&steady, base.path(), &[]);
    let baseline = run_dir(base.path()).join("report.json");
    let out = tempfile::tempdir().unwrap();
    let result = run(
        &changed,
        out.path(),
        &["--baseline", baseline.to_str().unwrap(), "--fail-on-drift"],
    );
    let (stdout, _) = text(&result);
    assert_eq!(result.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("\nrun failure: jwt-happy drifted from the baseline (1 change)\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("1 scenarios: 0 passed, 0 failed, 0 warned, 1 drifted, "),
        "{stdout}"
    );
    assert!(
        stdout.contains("DRIFT jwt-happy")
            && stdout.contains("drift: step 1: body.expires_in 600 -> 300"),
        "{stdout}"
    );
}

#[test]
fn quiet_prints_an_allowed_failure_once_as_known() {
    let dir = tempfile::tempdir().unwrap();
    let allow = dir.path().join("allow.toml");
    std::fs::write(
        &allow,
        "[[allow]]\nid = \"jwt-alg-none\"\nreason = \"vendor fix due in March\"\n",
    )
    .unwrap();
    let result = ofpc(&[
        "run",
        "-q",
        "--only",
        "jwt-alg-none",
        "--fault",
        "accept-alg-none",
        "--allow",
        allow.to_str().unwrap(),
        "--out",
        dir.path().join("out").to_str().unwrap(),
    ]);
    let (stdout, _) = text(&result);
    assert_eq!(result.status.code(), Some(0), "{stdout}");
    assert!(!stdout.contains("FAIL"), "{stdout}");
    assert_eq!(stdout.matches("KNOWN jwt-alg-none").count(), 1, "{stdout}");
    // An accepted deviation is no finding.
    assert!(!stdout.contains("findings"), "{stdout}");
}
