//! The binary end to end, against the built-in mock on 127.0.0.1: exit codes, the report files,
//! bad input (one message, exit 2, nothing sent), unreachable targets, Ctrl-C, and a search of
//! every byte written for secrets.

mod support;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, OnceLock};

use ofp_conformance::mock::{MockOptions, MockPki, MockServer};
use support::{BIN, ofpc, text};

fn pki() -> Arc<MockPki> {
    static PKI: OnceLock<Arc<MockPki>> = OnceLock::new();
    PKI.get_or_init(|| Arc::new(MockPki::generate().expect("test PKI")))
        .clone()
}

fn runtime() -> tokio::runtime::Runtime {
    let _ = rustls::crypto::ring::default_provider().install_default();
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

/// A mock in its own runtime, with a target file written for it.
struct Mock {
    rt: tokio::runtime::Runtime,
    server: Option<MockServer>,
    dir: tempfile::TempDir,
}

impl Mock {
    fn start(opts: MockOptions) -> Mock {
        let rt = runtime();
        let server = rt
            .block_on(MockServer::start_with_pki(pki(), opts))
            .expect("mock starts");
        let dir = tempfile::tempdir().expect("temp dir");
        ofp_conformance::app::write_mock_target(server.materials(), dir.path())
            .expect("target file");
        Mock {
            rt,
            server: Some(server),
            dir,
        }
    }

    fn server(&self) -> &MockServer {
        self.server.as_ref().expect("running")
    }

    fn target(&self) -> PathBuf {
        self.dir.path().join("target.toml")
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            self.rt.block_on(server.shutdown());
        }
    }
}

fn report_dirs(out: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(out)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    dirs.sort();
    dirs
}

#[test]
fn run_without_flags_tests_the_mock_and_writes_four_reports() {
    let out = tempfile::tempdir().unwrap();
    let result = ofpc(&["run", "--out", out.path().to_str().unwrap()]);
    let (stdout, stderr) = text(&result);
    assert_eq!(
        result.status.code(),
        Some(0),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    let dirs = report_dirs(out.path());
    assert_eq!(dirs.len(), 1);
    for name in ["report.json", "junit.xml", "report.md", "report.html"] {
        assert!(dirs[0].join(name).is_file(), "{name} missing");
    }
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dirs[0].join("report.json")).unwrap()).unwrap();
    let total = report["summary"]["total"].as_u64().unwrap();
    assert_eq!(report["summary"]["passed"].as_u64(), Some(total));
    assert!(
        stdout.contains(&format!("{total} scenarios: {total} passed, 0 failed")),
        "{stdout}"
    );
    let xml = std::fs::read_to_string(dirs[0].join("junit.xml")).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("junit.xml parses");
    let cases = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .count() as u64;
    assert_eq!(cases, total);
}

#[test]
fn a_fault_makes_the_run_fail_with_exit_1() {
    let out = tempfile::tempdir().unwrap();
    let result = ofpc(&[
        "run",
        "--out",
        out.path().to_str().unwrap(),
        "--fault",
        "accept-alg-none",
        "--only",
        "jwt-*",
    ]);
    let (stdout, _) = text(&result);
    assert_eq!(result.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("FAIL  jwt-alg-none"), "{stdout}");
    assert!(
        stdout
            .contains("err-status [fail]: expected 400, or 401 with invalid_client; got HTTP 200"),
        "{stdout}"
    );
}

#[test]
fn no_secret_reaches_any_output() {
    let mock = Mock::start(MockOptions::default());
    let out = tempfile::tempdir().unwrap();
    let result = ofpc(&[
        "run",
        "--target",
        mock.target().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(result.status.code(), Some(0), "{:?}", text(&result));
    let mut written: Vec<u8> = Vec::new();
    written.extend(&result.stdout);
    written.extend(&result.stderr);
    for dir in report_dirs(out.path()) {
        for file in std::fs::read_dir(dir).unwrap().flatten() {
            written.extend(std::fs::read(file.path()).unwrap());
        }
    }
    let written = String::from_utf8_lossy(&written);
    let mut secrets: Vec<String> = Vec::new();
    // Private keys: every base64 line of every key file.
    for file in std::fs::read_dir(mock.dir.path()).unwrap().flatten() {
        if file.path().extension().is_some_and(|e| e == "key") {
            let pem = std::fs::read_to_string(file.path()).unwrap();
            secrets.extend(
                pem.lines()
                    .filter(|l| l.len() >= 40 && !l.starts_with("-----"))
                    .map(str::to_string),
            );
        }
    }
    // Access tokens issued and the signatures of the assertions received.
    let seen = mock.server().secrets_seen();
    assert!(
        seen.len() > 20,
        "the run should have made tokens and assertions, saw {}",
        seen.len()
    );
    // Parameters the scenarios send on purpose (`foo`, "") are not secrets; tokens and
    // signatures are long.
    for s in seen.into_iter().filter(|s| s.len() >= 16) {
        match s.rsplit_once('.') {
            Some((_, sig)) if s.matches('.').count() == 2 && !sig.is_empty() => {
                secrets.push(sig.to_string())
            }
            Some(_) if s.matches('.').count() == 2 => {} // alg none: no signature to leak
            _ => secrets.push(s),
        }
    }
    for secret in &secrets {
        assert!(
            !written.contains(secret.as_str()),
            "a secret ({} chars) appears in the output",
            secret.len()
        );
    }
    assert!(
        written.contains("[access_token sha256:"),
        "tokens are shown as short hashes"
    );
}

fn assert_input_error(result: &Output, needles: &[&str]) {
    let (stdout, stderr) = text(result);
    assert_eq!(
        result.status.code(),
        Some(2),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert_eq!(stderr.matches("error:").count(), 1, "one message: {stderr}");
    for n in needles {
        assert!(stderr.contains(n), "`{n}` not in: {stderr}");
    }
}

#[test]
fn bad_input_is_one_message_exit_2_and_nothing_sent() {
    let mock = Mock::start(MockOptions::default());
    let target = std::fs::read_to_string(mock.target()).unwrap();
    let dir = mock.dir.path();
    let run = |file: &str, extra: &[&str]| {
        let out = dir.join("out");
        let mut args = vec!["run", "--target", file, "--out", out.to_str().unwrap()];
        args.extend_from_slice(extra);
        ofpc(&args)
    };

    let missing = dir.join("missing-pem.toml");
    std::fs::write(
        &missing,
        target.replacen(
            "transport_cert = \"client.pem\"",
            "transport_cert = \"nope.pem\"",
            1,
        ),
    )
    .unwrap();
    assert_input_error(
        &run(missing.to_str().unwrap(), &[]),
        &[
            "missing-pem.toml",
            "`client.transport_cert`",
            "nope.pem",
            "hint:",
        ],
    );

    let unknown = dir.join("unknown-key.toml");
    std::fs::write(
        &unknown,
        target.replacen("scope = \"accounts\"", "scpoe = \"accounts\"", 1),
    )
    .unwrap();
    assert_input_error(
        &run(unknown.to_str().unwrap(), &[]),
        &[
            "unknown-key.toml:",
            "unknown field `scpoe`",
            "did you mean `scope`?",
        ],
    );

    let mismatch = dir.join("mismatch.toml");
    std::fs::write(
        &mismatch,
        target.replacen(
            "transport_key = \"client.key\"",
            "transport_key = \"second_client.key\"",
            1,
        ),
    )
    .unwrap();
    assert_input_error(
        &run(mismatch.to_str().unwrap(), &[]),
        &["`client.transport_key` does not match the certificate"],
    );

    let scenarios = dir.join("scenarios");
    std::fs::create_dir_all(&scenarios).unwrap();
    std::fs::write(scenarios.join("my-check.toml"), "id = \"my-check\"\ntitle = \"t\"\ncategory = \"request\"\nseverity = \"fail\"\n[[step]]\nexpect = \"granted\"\nmethdo = \"GET\"\n").unwrap();
    assert_input_error(
        &run(
            mock.target().to_str().unwrap(),
            &["--scenarios", scenarios.to_str().unwrap()],
        ),
        &[
            "my-check.toml:",
            "unknown field `methdo`",
            "did you mean `method`?",
        ],
    );

    assert_input_error(
        &ofpc(&["run", "--fault", "accept-alg-nne"]),
        &[
            "unknown fault `accept-alg-nne`",
            "did you mean `accept-alg-none`?",
        ],
    );
    assert_input_error(
        &run(
            mock.target().to_str().unwrap(),
            &["--profile", "fapi2-fnal"],
        ),
        &["unknown profile", "did you mean `fapi2-final`?"],
    );

    assert_eq!(
        mock.server().connections(),
        0,
        "nothing may be sent on bad input"
    );
    assert!(!dir.join("out").exists(), "no report on bad input");
}

#[test]
fn a_target_that_does_not_answer_gets_error_verdicts_and_exit_3() {
    let mock = Mock::start(MockOptions::default());
    // A port that accepts connections and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let target = std::fs::read_to_string(mock.target()).unwrap();
    let issuer = &mock.server().materials().issuer;
    let file = mock.dir.path().join("silent.toml");
    std::fs::write(
        &file,
        target
            .replace(issuer.as_str(), &format!("https://127.0.0.1:{port}"))
            .replacen("ungranted_scope", "timeout_secs = 1\nungranted_scope", 1),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let result = ofpc(&[
        "run",
        "--target",
        file.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    let (stdout, stderr) = text(&result);
    assert_eq!(
        result.status.code(),
        Some(3),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(stderr.contains("no complete answer within 1 s"), "{stderr}");
    let dirs = report_dirs(out.path());
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dirs[0].join("report.json")).unwrap()).unwrap();
    // Everything that applies errored; what needs a [client_ca] the file lacks was skipped.
    let summary = &report["summary"];
    let errored = summary["errored"].as_u64().unwrap();
    assert!(errored > 0);
    assert_eq!(
        errored + summary["skipped"].as_u64().unwrap(),
        summary["total"].as_u64().unwrap()
    );
    drop(silent);
}

#[test]
fn ctrl_c_writes_the_report_of_what_finished_and_exits_130() {
    let mock = Mock::start(MockOptions {
        latency_ms: 100,
        ..MockOptions::default()
    });
    let out = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .args([
            "run",
            "--target",
            mock.target().to_str().unwrap(),
            "--out",
            out.path().to_str().unwrap(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn ofpc");
    // Wait for the first finished scenario, then interrupt.
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().expect("a line").expect("utf-8");
    assert!(first.starts_with("PASS"), "{first}");
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let code = child.wait().expect("wait").code();
    assert_eq!(code, Some(130), "{rest:?}");
    let dirs = report_dirs(out.path());
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dirs[0].join("report.json")).unwrap()).unwrap();
    assert_eq!(report["complete"], false);
    let total = report["summary"]["total"].as_u64().unwrap();
    let catalogue = ofp_conformance::app::load_scenarios(None).unwrap().len() as u64;
    assert!(
        total >= 1 && total < catalogue,
        "the report holds what finished: {total} of {catalogue}"
    );
}

#[test]
fn list_and_list_faults() {
    let result = ofpc(&["list"]);
    let (stdout, _) = text(&result);
    assert_eq!(result.status.code(), Some(0));
    assert!(
        stdout.lines().any(|l| l.starts_with("jwt-alg-none ")),
        "{stdout}"
    );
    let result = ofpc(&["mock", "--list-faults"]);
    let (stdout, _) = text(&result);
    for fault in ofp_conformance::mock::Fault::ALL {
        assert!(
            stdout
                .lines()
                .any(|l| l.split_whitespace().next() == Some(fault.name())),
            "{fault} not listed"
        );
    }
}

fn only_report(out: &Path) -> PathBuf {
    let dirs = report_dirs(out);
    assert_eq!(dirs.len(), 1, "{dirs:?}");
    dirs[0].join("report.json")
}

#[test]
fn a_changed_answer_is_drift_and_an_unchanged_run_is_not() {
    let steady = Mock::start(MockOptions::default());
    let changed = Mock::start(MockOptions {
        token_ttl_secs: Some(300),
        ..MockOptions::default()
    });
    let base_out = tempfile::tempdir().unwrap();
    let args = |mock: &Mock, out: &Path| {
        vec![
            "run".to_string(),
            "--target".into(),
            mock.target().display().to_string(),
            "--out".into(),
            out.display().to_string(),
            "--only".into(),
            "jwt-happy".into(),
            "--only".into(),
            "jwt-alg-none".into(),
        ]
    };
    let base = Command::new(BIN)
        .args(args(&steady, base_out.path()))
        .output()
        .unwrap();
    assert_eq!(base.status.code(), Some(0), "{:?}", text(&base));
    let baseline = only_report(base_out.path());

    let same_out = tempfile::tempdir().unwrap();
    let mut same = args(&steady, same_out.path());
    same.extend([
        "--baseline".into(),
        baseline.display().to_string(),
        "--fail-on-drift".into(),
    ]);
    let same = Command::new(BIN).args(same).output().unwrap();
    assert_eq!(
        same.status.code(),
        Some(0),
        "no drift against its own baseline: {:?}",
        text(&same)
    );

    let drift_out = tempfile::tempdir().unwrap();
    let mut drift = args(&changed, drift_out.path());
    drift.extend(["--baseline".into(), baseline.display().to_string()]);
    let drift = Command::new(BIN).args(drift).output().unwrap();
    let (stdout, _) = text(&drift);
    assert_eq!(drift.status.code(), Some(0), "drift is a warning: {stdout}");
    assert!(stdout.contains("DRIFT jwt-happy"), "{stdout}");
    assert!(
        stdout.contains("step 1: body.expires_in 600 -> 300"),
        "{stdout}"
    );
    assert!(stdout.contains("PASS  jwt-alg-none"), "{stdout}");

    let fail_out = tempfile::tempdir().unwrap();
    let mut fail = args(&changed, fail_out.path());
    fail.extend([
        "--baseline".into(),
        baseline.display().to_string(),
        "--fail-on-drift".into(),
    ]);
    let fail = Command::new(BIN).args(fail).output().unwrap();
    assert_eq!(fail.status.code(), Some(1), "{:?}", text(&fail));

    let diff = ofpc(&[
        "report",
        "diff",
        baseline.to_str().unwrap(),
        only_report(drift_out.path()).to_str().unwrap(),
    ]);
    let (stdout, _) = text(&diff);
    assert!(
        stdout.contains("jwt-happy\n  step 1: body.expires_in 600 -> 300"),
        "{stdout}"
    );

    let not_a_report = steady.dir.path().join("target.toml");
    assert_input_error(
        &ofpc(&[
            "report",
            "diff",
            not_a_report.to_str().unwrap(),
            baseline.to_str().unwrap(),
        ]),
        &["target.toml", "not a JSON report"],
    );
    let old = steady.dir.path().join("old.json");
    std::fs::write(&old, "{\"schema\":\"ofpc-report\",\"schema_version\":0}").unwrap();
    assert_input_error(
        &ofpc(&["report", "render", old.to_str().unwrap(), "--format", "md"]),
        &["old.json", "found schema `ofpc-report` version 0"],
    );
}

#[test]
fn allow_list_turns_a_failure_into_a_known_deviation_and_stale_entries_fail() {
    let dir = tempfile::tempdir().unwrap();
    let allow = dir.path().join("allow.toml");
    std::fs::write(&allow, "[[allow]]\nid = \"jwt-alg-none\"\nreason = \"vendor fix due in March\"\nexpires = \"2999-01-01\"\n").unwrap();
    let run = |fault: Option<&str>| {
        let out = tempfile::tempdir().unwrap();
        let mut args = vec![
            "run",
            "--only",
            "jwt-alg-none",
            "--allow",
            allow.to_str().unwrap(),
            "--out",
            out.path().to_str().unwrap(),
        ];
        if let Some(f) = fault {
            args.extend(["--fault", f]);
        }
        let result = ofpc(&args);
        let report: serde_json::Value =
            serde_json::from_slice(&std::fs::read(only_report(out.path())).unwrap()).unwrap();
        (result, report)
    };
    let (result, report) = run(Some("accept-alg-none"));
    assert_eq!(result.status.code(), Some(0), "{:?}", text(&result));
    assert_eq!(report["scenarios"][0]["verdict"], "known-deviation");
    assert_eq!(
        report["scenarios"][0]["reason"],
        "known deviation: vendor fix due in March"
    );

    let (result, report) = run(None);
    assert_eq!(
        result.status.code(),
        Some(1),
        "a stale entry fails the run: {:?}",
        text(&result)
    );
    assert!(
        report["run_failures"][0]
            .as_str()
            .unwrap()
            .contains("allow-list entry `jwt-alg-none` is stale")
    );

    std::fs::write(
        &allow,
        "[[allow]]\nid = \"jwt-alg-nnoe\"\nreason = \"typo\"\n",
    )
    .unwrap();
    assert_input_error(
        &ofpc(&["run", "--allow", allow.to_str().unwrap()]),
        &[
            "unknown scenario id `jwt-alg-nnoe`",
            "did you mean `jwt-alg-none`?",
        ],
    );
}

#[test]
fn format_json_prints_the_report_and_nothing_else() {
    let out = tempfile::tempdir().unwrap();
    let result = ofpc(&[
        "run",
        "--only",
        "jwt-happy",
        "--format",
        "json",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(result.status.code(), Some(0), "{:?}", text(&result));
    let printed: serde_json::Value =
        serde_json::from_slice(&result.stdout).expect("stdout is one JSON report");
    let written: serde_json::Value =
        serde_json::from_slice(&std::fs::read(only_report(out.path())).unwrap()).unwrap();
    assert_eq!(printed, written);
    assert_eq!(printed["schema"], "ofpc-report");
    assert_eq!(printed["scenarios"][0]["id"], "jwt-happy");
}
