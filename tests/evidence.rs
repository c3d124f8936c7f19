//! Evidence bundles end to end: `ofpc run --evidence` against the mock on 127.0.0.1, then
//! `ofpc verify` on the untouched bundle and on every kind of tampering (a flipped byte in each
//! file, a removed file, an added file, a wrong key), bad input, and a search of every byte of
//! a bundle for private keys, tokens and assertion signatures.

mod support;

use std::path::{Path, PathBuf};

use base64::Engine;
use ofp_conformance::mock::MockOptions;
use ofp_conformance::pki::generate::{generate_ec_signing_key, generate_rsa_signing_key};
use support::{Mock, assert_input_error, ofpc, report_dirs, text};

/// A signing key on disk: private PEM, public PEM, a self-signed certificate, and the raw
/// private bytes a leak would show.
struct SigningFiles {
    key: PathBuf,
    public: PathBuf,
    cert: PathBuf,
    private_bytes: Vec<Vec<u8>>,
    private_pem: String,
}

fn ec_signing_files(dir: &Path, name: &str) -> SigningFiles {
    use p256::pkcs8::{DecodePrivateKey, EncodePublicKey, LineEnding};
    let generated = generate_ec_signing_key().unwrap();
    let pem = generated.private_pem.expose().to_string();
    let secret = p256::SecretKey::from_pkcs8_pem(&pem).unwrap();
    let public = secret
        .public_key()
        .to_public_key_pem(LineEnding::LF)
        .unwrap();
    let pair = rcgen::KeyPair::from_pem(&pem).unwrap();
    let cert = rcgen::CertificateParams::new(vec!["evidence signer".into()])
        .unwrap()
        .self_signed(&pair)
        .unwrap();
    let files = SigningFiles {
        key: dir.join(format!("{name}.key")),
        public: dir.join(format!("{name}.pub.pem")),
        cert: dir.join(format!("{name}.cert.pem")),
        private_bytes: vec![der_of(&pem), secret.to_bytes().to_vec()],
        private_pem: pem.clone(),
    };
    std::fs::write(&files.key, &pem).unwrap();
    std::fs::write(&files.public, public).unwrap();
    // A file holding the certificate and the key, as some tools write them: only the
    // certificate may reach the bundle.
    std::fs::write(&files.cert, format!("{}{pem}", cert.pem())).unwrap();
    files
}

fn der_of(pem: &str) -> Vec<u8> {
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap()
}

/// Every file of a bundle folder by its `/`-separated path.
fn bundle_files(dir: &Path) -> Vec<(String, PathBuf)> {
    fn walk(dir: &Path, prefix: &str, out: &mut Vec<(String, PathBuf)>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
            if entry.path().is_dir() {
                walk(&entry.path(), &format!("{name}/"), out);
            } else {
                out.push((name, entry.path()));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, "", &mut out);
    out.sort();
    out
}

fn verify(dir: &Path, extra: &[&str]) -> (Option<i32>, String) {
    let mut args = vec!["verify", dir.to_str().unwrap()];
    args.extend_from_slice(extra);
    let result = ofpc(&args);
    let (stdout, stderr) = text(&result);
    (result.status.code(), format!("{stdout}{stderr}"))
}

#[test]
fn a_signed_bundle_of_a_full_run_verifies_and_holds_no_secret() {
    let mock = Mock::start(MockOptions::default());
    let work = tempfile::tempdir().unwrap();
    let keys = ec_signing_files(work.path(), "signer");
    let out = work.path().join("out");
    let evidence = work.path().join("evidence");
    let result = ofpc(&[
        "run",
        "--target",
        mock.target().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--evidence",
        evidence.to_str().unwrap(),
        "--sign-key",
        keys.key.to_str().unwrap(),
        "--sign-cert",
        keys.cert.to_str().unwrap(),
    ]);
    let (_, stderr) = text(&result);
    assert_eq!(result.status.code(), Some(0), "{:?}", text(&result));
    assert!(stderr.contains("evidence: "), "{stderr}");

    let files = bundle_files(&evidence);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    for name in [
        "statement.dsse.json",
        "target.json",
        "tool.json",
        "signer-cert.pem",
        "catalogue/index.json",
        "catalogue/scenarios/client-auth-jwt/jwt-happy.toml",
        "report/report.json",
        "report/junit.xml",
        "report/report.md",
        "report/report.html",
    ] {
        assert!(names.contains(&name), "{name} not in {names:?}");
    }
    let report_dir = &report_dirs(&out)[0];
    assert_eq!(
        std::fs::read(evidence.join("report/report.json")).unwrap(),
        std::fs::read(report_dir.join("report.json")).unwrap(),
        "the bundle holds the report as written"
    );
    let catalogue = ofp_conformance::app::load_scenarios(None).unwrap().len();
    assert_eq!(
        names.iter().filter(|n| n.ends_with(".toml")).count(),
        catalogue
    );
    let target: serde_json::Value =
        serde_json::from_slice(&std::fs::read(evidence.join("target.json")).unwrap()).unwrap();
    let materials = mock.server().materials();
    assert_eq!(
        target["clients"][0]["client_id"],
        materials.client.client_id
    );
    assert_eq!(
        target["clients"][0]["signing_key"]["jwk_thumbprint"],
        target["clients"][0]["signing_key"]["kid"],
        "the mock's kid is the key's thumbprint"
    );
    assert!(target["clients"][0]["transport_cert"]["x5t#S256"].is_string());
    let signer_cert = std::fs::read_to_string(evidence.join("signer-cert.pem")).unwrap();
    assert!(signer_cert.starts_with("-----BEGIN CERTIFICATE-----"));

    assert_eq!(
        verify(&evidence, &["--key", keys.public.to_str().unwrap()]).0,
        Some(0)
    );
    let (code, shown) = verify(&evidence, &["--cert", keys.cert.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{shown}");
    assert!(
        shown.contains(&format!(
            "verified: all {} files match the signed statement",
            files.len() - 1
        )),
        "{shown}"
    );
    let (code, shown) = verify(&evidence, &[]);
    assert_eq!(code, Some(0), "{shown}");
    assert!(shown.contains("which you have not anchored"), "{shown}");

    // Every byte of the bundle, searched for secrets.
    let mut written: Vec<u8> = Vec::new();
    for (_, path) in &files {
        written.extend(std::fs::read(path).unwrap());
    }
    let text_of = String::from_utf8_lossy(&written);
    assert!(!text_of.contains("PRIVATE KEY"), "a PEM private key marker");
    let mut secrets = support::secrets(&mock);
    secrets.extend(
        keys.private_pem
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .map(str::to_string),
    );
    for secret in &secrets {
        assert!(
            !text_of.contains(secret.as_str()),
            "a secret ({} chars) appears in the bundle",
            secret.len()
        );
    }
    let mut raw = keys.private_bytes.clone();
    for file in std::fs::read_dir(mock.dir.path()).unwrap().flatten() {
        if file.path().extension().is_some_and(|e| e == "key") {
            raw.push(der_of(&std::fs::read_to_string(file.path()).unwrap()));
        }
    }
    for bytes in &raw {
        assert!(
            !written.windows(bytes.len()).any(|w| w == bytes.as_slice()),
            "raw private key bytes ({} bytes) appear in the bundle",
            bytes.len()
        );
    }
}

/// A small signed bundle (one scenario) for the tampering tests.
fn small_bundle(work: &Path, key: &Path) -> PathBuf {
    let evidence = work.join("evidence");
    let result = ofpc(&[
        "run",
        "--only",
        "jwt-happy",
        "--out",
        work.join("out").to_str().unwrap(),
        "--evidence",
        evidence.to_str().unwrap(),
        "--sign-key",
        key.to_str().unwrap(),
    ]);
    assert_eq!(result.status.code(), Some(0), "{:?}", text(&result));
    evidence
}

#[test]
fn every_tampering_is_named_and_fails_verification() {
    let work = tempfile::tempdir().unwrap();
    let keys = ec_signing_files(work.path(), "signer");
    let evidence = small_bundle(work.path(), &keys.key);
    let key = ["--key", keys.public.to_str().unwrap()];
    let (code, shown) = verify(&evidence, &key);
    assert_eq!(code, Some(0), "{shown}");

    let files = bundle_files(&evidence);
    assert!(files.len() >= 9, "{files:?}");
    for (name, path) in &files {
        let original = std::fs::read(path).unwrap();
        let mut flipped = original.clone();
        let middle = flipped.len() / 2;
        flipped[middle] ^= 0x01;
        std::fs::write(path, &flipped).unwrap();
        let (code, shown) = verify(&evidence, &key);
        assert_eq!(code, Some(1), "{name} flipped: {shown}");
        if name != "statement.dsse.json" {
            assert!(
                shown.contains(&format!("changed: {name} (sha256 ")),
                "{shown}"
            );
            assert!(shown.contains("not verified: 1 changed\n"), "{shown}");
        }
        std::fs::remove_file(path).unwrap();
        let (code, shown) = verify(&evidence, &key);
        assert_eq!(code, Some(1), "{name} removed: {shown}");
        if name == "statement.dsse.json" {
            assert!(shown.contains("statement.dsse.json is missing"), "{shown}");
        } else {
            assert!(shown.contains(&format!("missing: {name}\n")), "{shown}");
        }
        std::fs::write(path, &original).unwrap();
    }
    std::fs::write(evidence.join("report/notes.txt"), "added later").unwrap();
    let (code, shown) = verify(&evidence, &key);
    assert_eq!(code, Some(1), "{shown}");
    assert!(
        shown.contains("added:   report/notes.txt (not in the statement)"),
        "{shown}"
    );
    std::fs::remove_file(evidence.join("report/notes.txt")).unwrap();
    assert_eq!(verify(&evidence, &key).0, Some(0), "restored");

    let other = ec_signing_files(work.path(), "other");
    let (code, shown) = verify(&evidence, &["--key", other.public.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{shown}");
    assert!(shown.contains("not by the given key"), "{shown}");
    assert!(shown.contains("not verified: signature invalid"), "{shown}");
}

#[test]
fn an_unsigned_bundle_says_so_and_a_key_cannot_verify_it() {
    let work = tempfile::tempdir().unwrap();
    let evidence = work.path().join("evidence");
    let result = ofpc(&[
        "run",
        "--only",
        "jwt-happy",
        "--out",
        work.path().join("out").to_str().unwrap(),
        "--evidence",
        evidence.to_str().unwrap(),
    ]);
    assert_eq!(result.status.code(), Some(0), "{:?}", text(&result));
    let (code, shown) = verify(&evidence, &[]);
    assert_eq!(code, Some(0), "{shown}");
    assert!(
        shown.contains("signature: none: the bundle is unsigned"),
        "{shown}"
    );
    let keys = ec_signing_files(work.path(), "signer");
    let (code, shown) = verify(&evidence, &["--key", keys.public.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{shown}");
    assert!(
        shown.contains("the bundle is unsigned, but a key was given"),
        "{shown}"
    );
}

#[test]
fn bad_input_is_one_message_exit_2_and_nothing_sent() {
    let mock = Mock::start(MockOptions::default());
    let work = tempfile::tempdir().unwrap();
    let keys = ec_signing_files(work.path(), "signer");
    let other = ec_signing_files(work.path(), "other");
    let rsa_public = work.path().join("rsa.pub.pem");
    std::fs::write(&rsa_public, generate_rsa_signing_key().unwrap().public_pem).unwrap();
    let target = mock.target();
    let out = work.path().join("out");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "run",
            "--target",
            target.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        ofpc(&args)
    };
    let fresh = work.path().join("evidence");
    let fresh = fresh.to_str().unwrap();
    let full = work.path().join("full");
    std::fs::create_dir(&full).unwrap();
    std::fs::write(full.join("old.txt"), "x").unwrap();
    assert_input_error(
        &run(&["--evidence", full.to_str().unwrap()]),
        &[
            "--evidence",
            "the folder is not empty",
            "hint: name a new folder",
        ],
    );
    assert_input_error(
        &run(&["--evidence", fresh, "--sign-key", "no-such.key"]),
        &["cannot read --sign-key no-such.key"],
    );
    assert_input_error(
        &run(&[
            "--evidence",
            fresh,
            "--sign-key",
            rsa_public.to_str().unwrap(),
        ]),
        &["holds no PEM private key", "hint: use an RSA"],
    );
    assert_input_error(
        &run(&[
            "--evidence",
            fresh,
            "--sign-key",
            keys.key.to_str().unwrap(),
            "--sign-cert",
            other.cert.to_str().unwrap(),
        ]),
        &["is not the certificate of --sign-key"],
    );
    let result = run(&["--sign-key", keys.key.to_str().unwrap()]);
    assert_eq!(
        result.status.code(),
        Some(2),
        "clap: --sign-key needs --evidence"
    );
    assert_eq!(mock.server().connections(), 0, "nothing sent on bad input");
    assert!(!Path::new(fresh).exists(), "no bundle folder on bad input");
    assert!(!out.exists(), "no report on bad input");

    assert_input_error(
        &ofpc(&["verify", work.path().join("nowhere").to_str().unwrap()]),
        &["no evidence bundle at", "not a folder"],
    );
    assert_input_error(
        &ofpc(&[
            "verify",
            full.to_str().unwrap(),
            "--key",
            keys.key.to_str().unwrap(),
        ]),
        &["--key", "holds no PEM public key or certificate"],
    );
    assert_input_error(
        &ofpc(&[
            "verify",
            full.to_str().unwrap(),
            "--cert",
            keys.public.to_str().unwrap(),
        ]),
        &["--cert", "holds no PEM certificate"],
    );
}
