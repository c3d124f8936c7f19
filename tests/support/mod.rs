//! Helpers shared by the end-to-end test files: a mock OFP in its own runtime with a target file
//! written for it, the binary, its output, and the secrets a run must never write.
// Each test binary uses its own subset of these helpers.
#![allow(dead_code)]
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, OnceLock};

use ofp_conformance::mock::{MockOptions, MockPki, MockServer};

pub mod peers;

pub const BIN: &str = env!("CARGO_BIN_EXE_ofpc");

pub fn pki() -> Arc<MockPki> {
    static PKI: OnceLock<Arc<MockPki>> = OnceLock::new();
    PKI.get_or_init(|| Arc::new(MockPki::generate().expect("test PKI")))
        .clone()
}

pub fn runtime() -> tokio::runtime::Runtime {
    let _ = rustls::crypto::ring::default_provider().install_default();
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

/// A mock in its own runtime, with a target file written for it.
pub struct Mock {
    rt: tokio::runtime::Runtime,
    server: Option<MockServer>,
    pub dir: tempfile::TempDir,
}

impl Mock {
    pub fn start(opts: MockOptions) -> Mock {
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

    pub fn server(&self) -> &MockServer {
        self.server.as_ref().expect("running")
    }

    pub fn target(&self) -> PathBuf {
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

/// Runs `ofpc` with `args`, colour off, and no `OFPC_*` variable of the test's own environment.
pub fn ofpc(args: &[&str]) -> Output {
    ofpc_env(args, &[])
}

/// The proxy variables ofpc reads (curl's).
pub const PROXY_VARIABLES: [&str; 6] = [
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// [`ofpc`] with these environment variables set (and only these `OFPC_*` ones).
pub fn ofpc_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(BIN);
    command.args(args).env("NO_COLOR", "1");
    for (name, _) in std::env::vars().filter(|(k, _)| k.starts_with("OFPC_")) {
        command.env_remove(name);
    }
    // The machine's own proxy settings never reach the mock: a test sets them when it means to.
    for name in PROXY_VARIABLES {
        command.env_remove(name);
    }
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("run ofpc")
}

pub fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

pub fn report_dirs(out: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(out)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    dirs.sort();
    dirs
}

pub fn assert_input_error(result: &Output, needles: &[&str]) {
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

/// Every secret a run against `mock` involves: each base64 line of each private key file in
/// its folder, every access token it issued and the signature of every assertion it received.
pub fn secrets(mock: &Mock) -> Vec<String> {
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
    secrets
}
