//! Embeds every scenario file under `scenarios/` in the binary (works after `cargo install`),
//! and records the git commit the build came from (`BUILD_GIT_COMMIT`, `unknown` outside git;
//! not `OFPC_*`, which cargo would pass to tests, where it reads as a target-file override).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
}

/// Runs git in the manifest dir; None when git or the repository is missing.
fn git(root: &Path, args: &[&str]) -> Option<String> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    (out.status.success() && !text.trim().is_empty()).then(|| text.trim().to_string())
}

/// Sets `BUILD_GIT_COMMIT` and reruns when HEAD moves (a new commit or another branch).
fn build_commit(root: &Path) {
    let commit = git(root, &["rev-parse", "HEAD"]).unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=BUILD_GIT_COMMIT={commit}");
    // Only paths that exist: cargo reruns a build script every time for a missing one.
    let watch = |p: Option<String>| {
        let Some(p) = p.map(PathBuf::from) else {
            return;
        };
        let p = if p.is_absolute() { p } else { root.join(p) };
        if p.exists() {
            println!("cargo:rerun-if-changed={}", p.display());
        }
    };
    watch(git(root, &["rev-parse", "--git-path", "HEAD"]));
    if let Some(branch) = git(root, &["symbolic-ref", "-q", "HEAD"]) {
        watch(git(root, &["rev-parse", "--git-path", &branch]));
    }
    watch(git(root, &["rev-parse", "--git-path", "packed-refs"]));
}

fn main() {
    let root =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    build_commit(&root);
    let dir = root.join("scenarios");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files = Vec::new();
    collect(&dir, &mut files);
    files.sort();
    let mut code = String::from("pub static FILES: &[(&str, &str)] = &[\n");
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let rel = file.strip_prefix(&root).expect("under the manifest dir");
        writeln!(
            code,
            "    ({:?}, include_str!({:?})),",
            rel.display().to_string(),
            file.display().to_string()
        )
        .expect("write to string");
    }
    code.push_str("];\n");
    let out =
        PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("catalogue.rs");
    std::fs::write(out, code).expect("write catalogue.rs");
}
