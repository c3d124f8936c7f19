//! What a person sees: the binary's exact terminal output as insta snapshots (help texts, `list`,
//! a failing run with colour off and the run time and report folder masked, bad-input messages).
//! Each snapshot is the exit status, stdout and stderr as one value (as jj's CLI tests keep them).
//! Runs only against the built-in mock on 127.0.0.1.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_ofpc");

/// Runs ofpc with colour off in `dir`; returns exit status, stdout and stderr as one text, with
/// the run time and the report folder (which hold the clock) masked.
fn run(args: &[&str], dir: &std::path::Path) -> String {
    let out = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("OFPC_TARGET")
        .output()
        .expect("run ofpc");
    let mask = |text: &[u8]| -> String {
        String::from_utf8_lossy(text)
            .lines()
            .map(mask_line)
            .collect::<Vec<_>>()
            .join("\n")
    };
    format!(
        "exit: {}\n--- stdout\n{}\n--- stderr\n{}\n",
        out.status.code().map_or("signal".into(), |c| c.to_string()),
        mask(&out.stdout),
        mask(&out.stderr)
    )
}

/// `... in 0.07 s` becomes `... in [TIME] s`; `report: out/20261130T221419Z-mock/report.json`
/// becomes `report: out/[RUN]/report.json`.
fn mask_line(line: &str) -> String {
    if line.contains(" scenarios: ")
        && let Some(at) = line.rfind(" in ")
    {
        return format!("{} in [TIME] s", &line[..at]);
    }
    if let Some(path) = line.strip_prefix("report: ") {
        let mut parts: Vec<&str> = path.split('/').collect();
        let n = parts.len();
        if n >= 2 {
            parts[n - 2] = "[RUN]";
        }
        return format!("report: {}", parts.join("/"));
    }
    line.to_string()
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

#[test]
fn help_texts() {
    let dir = tmp();
    insta::assert_snapshot!("help", run(&["--help"], dir.path()));
    insta::assert_snapshot!("run_help", run(&["run", "--help"], dir.path()));
    insta::assert_snapshot!(
        "report_render_help",
        run(&["report", "render", "--help"], dir.path())
    );
}

#[test]
fn list_shows_every_scenario() {
    let dir = tmp();
    insta::assert_snapshot!("list", run(&["list"], dir.path()));
}

#[test]
fn a_failing_run_names_the_failed_checks() {
    let dir = tmp();
    insta::assert_snapshot!(
        "failing_run",
        run(
            &[
                "run",
                "--fault",
                "accept-alg-none",
                "--only",
                "jwt-alg-*",
                "--out",
                "out",
            ],
            dir.path()
        )
    );
}

#[test]
fn bad_input_messages() {
    let dir = tmp();
    insta::assert_snapshot!(
        "bad_profile",
        run(&["run", "--profile", "fapi2-fnal"], dir.path())
    );
    insta::assert_snapshot!(
        "missing_target",
        run(&["run", "--target", "nonexistent.toml"], dir.path())
    );
    insta::assert_snapshot!(
        "unknown_fault",
        run(&["run", "--fault", "accept-alg-nne"], dir.path())
    );
    insta::assert_snapshot!(
        "fault_with_target",
        run(
            &["run", "--target", "t.toml", "--fault", "accept-alg-none"],
            dir.path()
        )
    );
}
