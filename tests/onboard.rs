//! The onboarding commands end to end: `ofpc pki init` output checked with x509-parser, passed
//! through `ofpc pki check` and the target loader, and used as the client of a mock run;
//! `ofpc doctor` and `ofpc token` against the mock (healthy, with a fault that breaks the valid
//! request, and a closed port); `ofpc list` with `OFPC_TARGET`; `ofpc mock` cleaning up on Ctrl-C.
//! Access tokens printed by `ofpc token` are never echoed in assertion messages.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use ofp_conformance::mock::{ExternalClient, Fault, MockOptions, TokenFormat};
use x509_parser::prelude::{FromDer, X509Certificate};

const BIN: &str = env!("CARGO_BIN_EXE_ofpc");

mod support;
use support::Mock;

fn target_of(mock: &Mock) -> String {
    mock.target().display().to_string()
}

fn ca_of(mock: &Mock) -> String {
    mock.dir.path().join("ca.pem").display().to_string()
}

fn ofpc_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env("NO_COLOR", "1")
        .env_remove("OFPC_TARGET");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run ofpc")
}

fn ofpc(args: &[&str]) -> Output {
    ofpc_env(args, &[])
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn pem_der(path: &Path) -> Vec<u8> {
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;
    CertificateDer::from_pem_file(path)
        .expect("certificate PEM")
        .to_vec()
}

fn init(dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "pki",
        "init",
        dir.to_str().unwrap(),
        "--client-id",
        "0c8c0a5e-onboard",
        "--org",
        "Acme Fintech",
    ];
    args.extend_from_slice(extra);
    ofpc(&args)
}

#[test]
fn pki_init_output_passes_the_rules_loads_and_is_a_client_of_the_mock() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("creds");
    let out = init(&dir, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("transport subject (register for tls_client_auth): CN=0c8c0a5e-onboard,O=Acme Fintech,C=MY"),
        "{}",
        stdout(&out)
    );

    // The certificates, read with x509-parser.
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    for name in ["transport", "signing", "encryption"] {
        let der = pem_der(&dir.join(format!("{name}.pem")));
        let (_, cert) = X509Certificate::from_der(&der).expect("parses");
        let days = (cert.validity().not_after.timestamp() - now) / 86_400;
        assert!((396..=397).contains(&days), "{name}: {days} days");
        assert_eq!(
            cert.subject().as_raw(),
            cert.issuer().as_raw(),
            "self-signed"
        );
        assert!(cert.public_key().parsed().unwrap().key_size() >= 2048);
        let eku = cert.extended_key_usage().unwrap();
        if name == "transport" {
            assert!(eku.expect("EKU").value.client_auth);
        } else {
            assert!(eku.is_none(), "{name} has no EKU");
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join(format!("{name}.key")))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{name}.key");
        }
    }

    // jwks.json: public keys only, kid = thumbprint, x5c = the certificate.
    let jwks: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("jwks.json")).unwrap()).unwrap();
    let keys = jwks["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2);
    for key in keys {
        for private in ["d", "p", "q", "dp", "dq", "qi"] {
            assert!(key.get(private).is_none(), "{private} in {key}");
        }
    }
    assert_eq!(
        (keys[0]["use"].as_str(), keys[0]["alg"].as_str()),
        (Some("sig"), Some("PS256"))
    );
    assert_eq!(
        (keys[1]["use"].as_str(), keys[1]["alg"].as_str()),
        (Some("enc"), Some("RSA-OAEP-256"))
    );
    use base64::Engine;
    let x5c = base64::engine::general_purpose::STANDARD
        .decode(keys[0]["x5c"][0].as_str().unwrap())
        .unwrap();
    assert_eq!(x5c, pem_der(&dir.join("signing.pem")));
    assert_eq!(
        keys[0]["x5t#S256"].as_str(),
        Some(ofp_conformance::pki::x5t_s256(&x5c).as_str())
    );

    // pki check: every rule holds, keys match their certificates.
    let files: Vec<String> = ["transport", "signing", "encryption"]
        .iter()
        .flat_map(|n| [format!("{n}.pem"), format!("{n}.key")])
        .map(|f| dir.join(f).display().to_string())
        .collect();
    let mut args = vec!["pki", "check"];
    args.extend(files.iter().map(String::as_str));
    let check = ofpc(&args);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
    let text = stdout(&check);
    assert!(text.contains("6 file(s) checked: all rules hold"), "{text}");
    assert_eq!(
        text.matches("matches the certificate in").count(),
        3,
        "{text}"
    );
    assert!(text.contains("extended key usage: clientAuth"), "{text}");

    // Never overwritten without --force.
    let again = init(&dir, &[]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("refusing to overwrite transport.key"),
        "{}",
        stderr(&again)
    );
    assert!(stderr(&again).contains("hint: pick an empty folder, or pass --force"));

    // The target loader takes the skeleton as it is.
    let target = ofp_conformance::config::load_target(&dir.join("target.toml"), None)
        .expect("skeleton loads");
    assert!(target.client.cert_subject.contains("CN=0c8c0a5e-onboard"));
    let signing = target.client.signing.as_ref().expect("signing key");
    assert_eq!(signing.kid, keys[0]["kid"].as_str().unwrap());

    // Registered at the mock as a participant registers at the portal, the files are a client.
    let mock = Mock::start(MockOptions {
        extra_clients: vec![ExternalClient {
            client_id: "0c8c0a5e-onboard".into(),
            transport_cert_der: pem_der(&dir.join("transport.pem")),
            signing_jwk: Some(keys[0].clone()),
        }],
        ..MockOptions::default()
    });
    let discovery = mock.server().materials().discovery_url.clone();
    let ca = ca_of(&mock);
    let env = [
        ("OFPC_DISCOVERY", discovery.as_str()),
        ("OFPC_CA", ca.as_str()),
    ];
    let target_file = dir.join("target.toml").display().to_string();
    let doctor = ofpc_env(&["doctor", "--target", &target_file], &env);
    assert_eq!(doctor.status.code(), Some(0), "{}", stdout(&doctor));
    let token = ofpc_env(&["token", "--target", &target_file], &env);
    assert_eq!(token.status.code(), Some(0), "{}", stderr(&token));
    assert_eq!(stdout(&token).lines().count(), 1);
    let reports = tmp.path().join("reports");
    let run = ofpc_env(
        &[
            "run",
            "--target",
            &target_file,
            "--out",
            reports.to_str().unwrap(),
            "--quiet",
        ],
        &env,
    );
    assert_eq!(run.status.code(), Some(0), "{}", stdout(&run));
    let summary = stdout(&run);
    assert!(
        summary.contains(" 0 failed, 0 warned,") && summary.contains(" 0 errored"),
        "{summary}"
    );
}

#[test]
fn pki_init_ec_csr_and_bad_options() {
    let tmp = tempfile::tempdir().unwrap();
    let ec = tmp.path().join("ec");
    let out = init(&ec, &["--ec", "--days", "400"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let jwks = std::fs::read_to_string(ec.join("jwks.json")).unwrap();
    assert!(
        jwks.contains("\"ES256\"") && jwks.contains("\"ECDH-ES\""),
        "{jwks}"
    );
    let check = ofpc(&[
        "pki",
        "check",
        ec.join("transport.pem").to_str().unwrap(),
        ec.join("transport.key").to_str().unwrap(),
    ]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
    assert!(
        stdout(&check).contains("key: EC P-256"),
        "{}",
        stdout(&check)
    );

    let csr = tmp.path().join("csr");
    let out = init(&csr, &["--ec", "--csr"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(csr.join("transport.csr").is_file());
    assert!(!csr.join("transport.pem").exists());
    let check = ofpc(&["pki", "check", csr.join("transport.csr").to_str().unwrap()]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
    assert!(
        stdout(&check).contains("certificate request for"),
        "{}",
        stdout(&check)
    );

    let short = init(&tmp.path().join("short"), &["--days", "300"]);
    assert_eq!(short.status.code(), Some(2));
    assert_eq!(
        stderr(&short),
        "error: --days 300 is shorter than the 12 months the platform requires\n  hint: use --days 366 or more (default 397, 13 months)\n"
    );
    assert!(!tmp.path().join("short").exists(), "nothing written");
}

#[test]
fn pki_check_fails_a_broken_transport_certificate_and_refuses_unreadable_input() {
    let tmp = tempfile::tempdir().unwrap();
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "short-lived");
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::days(1);
    params.not_after = now + time::Duration::days(20);
    params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    let path = tmp.path().join("transport.pem");
    std::fs::write(&path, cert.pem()).unwrap();
    let other = rcgen::KeyPair::generate().unwrap();
    let key_path = tmp.path().join("transport.key");
    std::fs::write(&key_path, other.serialize_pem()).unwrap();

    let out = ofpc(&[
        "pki",
        "check",
        path.to_str().unwrap(),
        key_path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let text = stdout(&out);
    for needle in [
        "FAIL  validity: 21 days, the platform requires at least 12 months",
        " day(s) left (under 30): renew it and upload the new one",
        "FAIL  extended key usage: no clientAuth, so it cannot authenticate a TLS client",
        "FAIL  does not match the certificate in",
        "info  subject: CN=short-lived",
        "2 file(s) checked: a rule does not hold",
    ] {
        assert!(text.contains(needle), "{needle}\n{text}");
    }

    let garbage = tmp.path().join("notes.txt");
    std::fs::write(&garbage, "hello").unwrap();
    let out = ofpc(&["pki", "check", garbage.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no certificate, private key or certificate request in it"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn doctor_against_the_mock_healthy_broken_and_closed() {
    let mock = Mock::start(MockOptions::default());
    let target = target_of(&mock);
    let ok = ofpc(&["doctor", "--target", &target]);
    let text = stdout(&ok);
    assert_eq!(ok.status.code(), Some(0), "{text}");
    for needle in [
        "  ok    files ",
        "  ok    cert client ",
        "  ok    cert mtls_client ",
        "HTTP 200 over TLS 1.3",
        "; no client certificate needed",
        "  ok    clock ",
        "  ok    token ",
        "summary: 7 ok, 0 warning(s), 0 problem(s), 0 skipped: ready for `ofpc run`",
    ] {
        assert!(text.contains(needle), "{needle}\n{text}");
    }
    let json = ofpc(&["doctor", "--target", &target, "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).expect("one JSON object");
    assert_eq!(doc["exit_code"], 0);
    let checks: Vec<&str> = doc["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["check"].as_str().unwrap())
        .collect();
    assert_eq!(
        checks,
        [
            "files",
            "cert client",
            "cert second_client",
            "cert mtls_client",
            "discovery",
            "clock",
            "token"
        ]
    );
    drop(mock);

    // A fault that breaks the valid request: the problem is named, with hints.
    let broken = Mock::start(MockOptions {
        faults: vec![Fault::RejectPrivateKeyJwt],
        ..MockOptions::default()
    });
    let out = ofpc(&["doctor", "--target", &target_of(&broken)]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("FAIL  token ")
            && text.contains("the token endpoint answered HTTP 401 `invalid_client`"),
        "{text}"
    );
    assert!(text.contains("hint: is kid `"), "{text}");
    assert!(text.contains("(contradiction C1)"), "{text}");
    assert!(text.contains("x-fapi-interaction-id"), "{text}");
    assert!(text.contains("1 problem(s)"), "{text}");

    // Bad input: one message, exit 2, nothing sent.
    let before = broken.server().connections();
    let missing = broken.dir.path().join("missing.toml");
    for command in ["doctor", "token"] {
        let out = ofpc(&[command, "--target", missing.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{command}");
        assert!(
            stderr(&out).starts_with("error: ") && stderr(&out).contains("missing.toml"),
            "{}",
            stderr(&out)
        );
        assert!(stdout(&out).is_empty());
    }
    assert_eq!(broken.server().connections(), before, "nothing sent");

    // A closed port: not reachable, exit 3, the rest skipped.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let closed = format!("https://127.0.0.1:{port}/.well-known/openid-configuration");
    let out = ofpc_env(
        &["doctor", "--target", &target_of(&broken)],
        &[("OFPC_DISCOVERY", closed.as_str())],
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(3), "{text}");
    assert!(text.contains("FAIL  discovery "), "{text}");
    assert!(text.contains("refused"), "{text}");
    assert!(
        text.contains("hint: check the URL and that this machine can reach it"),
        "{text}"
    );
    assert!(text.contains("skip  token "), "{text}");
    assert!(text.contains("the target is not reachable"), "{text}");
}

#[test]
fn token_prints_only_the_token_and_fails_with_hints() {
    let mock = Mock::start(MockOptions {
        token_format: TokenFormat::Jwt,
        ..MockOptions::default()
    });
    let target = target_of(&mock);
    let raw = ofpc(&["token", "--target", &target]);
    assert_eq!(raw.status.code(), Some(0), "{}", stderr(&raw));
    let token = stdout(&raw);
    assert_eq!(token.lines().count(), 1, "one line");
    assert_eq!(token.split('.').count(), 3, "a JWT");
    assert!(stderr(&raw).is_empty(), "{}", stderr(&raw));

    let decoded = ofpc(&["token", "--target", &target, "--decode", "--format", "json"]);
    assert_eq!(decoded.status.code(), Some(0), "{}", stderr(&decoded));
    let json: serde_json::Value = serde_json::from_slice(&decoded.stdout).expect("JSON");
    assert_eq!(json["token_type"], "Bearer");
    assert_eq!(json["scope"], "accounts");
    let view = stderr(&decoded);
    assert!(view.contains("\"typ\": \"at+jwt\""), "{view}");
    assert!(view.contains("matches the transport certificate"), "{view}");

    let env = ofpc(&["token", "--target", &target, "--format", "env"]);
    let lines: Vec<String> = stdout(&env)
        .lines()
        .map(|l| l.split('=').next().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        lines,
        [
            "OFPC_ACCESS_TOKEN",
            "OFPC_TOKEN_TYPE",
            "OFPC_EXPIRES_IN",
            "OFPC_SCOPE"
        ]
    );

    let scope = ofpc(&["token", "--target", &target, "--scope", "profile"]);
    assert_eq!(scope.status.code(), Some(1));
    assert!(stdout(&scope).is_empty());
    let err = stderr(&scope);
    assert!(
        err.starts_with("error: the token endpoint answered HTTP 400 `invalid_scope`"),
        "{err}"
    );
    assert!(
        err.contains("hint: is scope `profile` granted to client `"),
        "{err}"
    );
}

#[test]
fn list_honours_ofpc_target_in_the_same_order() {
    let mock = Mock::start(MockOptions::default());
    let ids = |out: &Output| -> Vec<String> {
        stdout(out)
            .lines()
            .map(|l| l.split_whitespace().next().unwrap_or_default().to_string())
            .collect()
    };
    let plain = ofpc(&["list"]);
    let target = target_of(&mock);
    let with_env = ofpc_env(&["list"], &[("OFPC_TARGET", target.as_str())]);
    let with_flag = ofpc(&["list", "--target", &target]);
    assert_eq!(with_env.status.code(), Some(0), "{}", stderr(&with_env));
    assert_eq!(ids(&plain), ids(&with_env));
    assert_eq!(stdout(&with_env), stdout(&with_flag));
    assert!(stdout(&with_env).contains("[applies]"));
    assert!(!stdout(&plain).contains("[applies]"));
    assert_eq!(
        ids(&plain).first().map(String::as_str),
        Some("tls-10-refused")
    );
}

#[test]
fn mock_removes_its_temporary_folder_on_ctrl_c() {
    let mut child = Command::new(BIN)
        .args(["mock"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let file: PathBuf = loop {
        let line = lines.next().expect("a target file line").unwrap();
        if let Some(rest) = line.strip_prefix("target file: ") {
            break PathBuf::from(rest.split("  ").next().unwrap());
        }
    };
    let dir = file.parent().unwrap().to_path_buf();
    assert!(file.is_file());
    for line in lines.by_ref() {
        if line.unwrap() == "Ctrl-C to stop." {
            break;
        }
    }
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let out = child.wait_with_output().expect("exits");
    assert_eq!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("ofpc mock: stopped (Ctrl-C); removed "),
        "{err}"
    );
    assert!(!dir.exists(), "{} still exists", dir.display());
}
