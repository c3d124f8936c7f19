//! Helpers shared by the test files that drive the `ofpc` binary.

use std::process::{Command, Output};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_ofpc");

/// Runs `ofpc` with `args`, colour off, and no `OFPC_*` variable of the test's own environment.
pub fn ofpc(args: &[&str]) -> Output {
    ofpc_env(args, &[])
}

/// [`ofpc`] with these environment variables set (and only these `OFPC_*` ones).
pub fn ofpc_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(BIN);
    command.args(args).env("NO_COLOR", "1");
    for (name, _) in std::env::vars().filter(|(k, _)| k.starts_with("OFPC_")) {
        command.env_remove(name);
    }
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("run ofpc")
}

/// stdout and stderr as text.
pub fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
