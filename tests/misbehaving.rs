//! Misbehaving targets: each fault gets its verdicts (Error where the target did not answer the
//! question, Fail only for what the server said), its exit code, a report on disk whose size is
//! bounded, and no token it handed out anywhere in what the run wrote. HTTP faults are scripted
//! with wiremock behind a TLS front; the others are raw TCP or TLS peers.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use ofp_conformance::mock::MockOptions;
use support::peers::{Peer, closed_port, read_request, stream_body, tcp_peer, tls_front, tls_peer};
use support::{Mock, ofpc, report_dirs, runtime, text};
use tokio::io::AsyncWriteExt;
use wiremock::matchers::any;
use wiremock::{MockServer, ResponseTemplate};

/// A token-shaped value the faulty targets hand out; it must never be written anywhere.
const ISSUED: &str = "Zm9vYmFyTWlzYmVoYXZpbmdUb2tlbkFCQ0RFRkdISUpLTE1O";

/// What one run left behind.
struct Run {
    code: Option<i32>,
    /// Verdict -> scenarios, outside the `transport` category (the TLS probe rows, which judge
    /// the handshake the fronts complete correctly).
    verdicts: BTreeMap<String, usize>,
    /// Every scenario's reason, in order.
    reasons: Vec<String>,
    /// The ids of the scenarios that failed, all categories.
    failed: Vec<String>,
    /// The report's notices.
    notices: Vec<String>,
    /// Every byte written: the report folder's files, stdout and stderr.
    written: Vec<u8>,
    /// Bytes in the report folder.
    report_bytes: usize,
}

impl Run {
    fn kinds(&self) -> Vec<&str> {
        self.verdicts.keys().map(String::as_str).collect()
    }

    fn assert_no_leak(&self) {
        let text = String::from_utf8_lossy(&self.written);
        assert!(
            !text.contains(ISSUED) && !text.contains(&ISSUED[..24]),
            "the issued token was written"
        );
    }
}

/// A folder with the mock's credentials and a target file whose endpoints are at `origin`:
/// the token endpoint directly (`discovery` false) or a discovery document there.
fn target_at(mock: &Mock, origin: &str, discovery: bool, settings: &str) -> PathBuf {
    let text = std::fs::read_to_string(mock.target()).unwrap();
    let issuer = mock.server().materials().issuer.clone();
    let mut out = String::new();
    for line in text.lines() {
        if line.starts_with("discovery") && !discovery {
            out.push_str(&format!(
                "issuer = \"{origin}\"\ntoken_endpoint = \"{origin}/token\"\n"
            ));
        } else if line.starts_with("resource") {
            // No resource server: the faults are the token endpoint's.
        } else if line.starts_with("ungranted_scope") {
            out.push_str(&format!("{settings}\n{line}\n"));
        } else {
            out.push_str(&line.replace(&issuer, origin));
            out.push('\n');
        }
    }
    let file = mock.dir.path().join("faulty.toml");
    std::fs::write(&file, out).unwrap();
    file
}

fn run(target: &Path) -> Run {
    let out = tempfile::tempdir().unwrap();
    let result = ofpc(&[
        "run",
        "--target",
        target.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    let (stdout, stderr) = text(&result);
    let dirs = report_dirs(out.path());
    assert_eq!(
        dirs.len(),
        1,
        "one report folder\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dirs[0].join("report.json")).unwrap()).unwrap();
    let mut verdicts = BTreeMap::new();
    let mut reasons = Vec::new();
    let mut failed = Vec::new();
    for s in report["scenarios"].as_array().unwrap() {
        if s["category"] != "transport" {
            *verdicts
                .entry(s["verdict"].as_str().unwrap().to_string())
                .or_insert(0) += 1;
        }
        reasons.push(s["reason"].as_str().unwrap_or_default().to_string());
        if s["verdict"] == "fail" {
            failed.push(s["id"].as_str().unwrap().to_string());
        }
    }
    let notices = report["notices"]
        .as_array()
        .map(|n| {
            n.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let mut written = result.stdout.clone();
    written.extend_from_slice(&result.stderr);
    let mut report_bytes = 0;
    let mut folders = vec![dirs[0].clone()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).unwrap().flatten() {
            if entry.path().is_dir() {
                folders.push(entry.path());
            } else {
                let bytes = std::fs::read(entry.path()).unwrap();
                report_bytes += bytes.len();
                written.extend_from_slice(&bytes);
            }
        }
    }
    Run {
        code: result.status.code(),
        verdicts,
        reasons,
        failed,
        notices,
        written,
        report_bytes,
    }
}

/// wiremock answering every request with `response`, behind the TLS front.
async fn scripted(response: ResponseTemplate) -> (MockServer, Peer) {
    let server = MockServer::start().await;
    wiremock::Mock::given(any())
        .respond_with(response)
        .mount(&server)
        .await;
    let front = tls_front(*server.address()).await;
    (server, front)
}

fn token_json() -> String {
    format!(r#"{{"access_token":"{ISSUED}","token_type":"Bearer","expires_in":600}}"#)
}

const DEFAULTS: &str = "timeout_secs = 2\nconnect_timeout_secs = 2";

#[test]
fn a_silent_target_ends_quickly_with_errors_and_few_connections() {
    let mock = Mock::start(MockOptions::default());
    let rt = runtime();
    let peer = rt.block_on(tcp_peer(|tcp| async move {
        // Accepts, then never answers while the connection lasts.
        let _held = tcp;
        std::future::pending::<()>().await;
    }));
    // One scenario at a time, so that the count of connections is exact: with `--jobs N` up to
    // N requests are already in flight when the third timeout lands.
    let settings = format!("{DEFAULTS}\njobs = 1");
    let r = run(&target_at(&mock, &peer.origin(), false, &settings));
    assert_eq!(r.code, Some(3));
    assert_eq!(r.kinds(), vec!["error", "skip"], "{:?}", r.verdicts);
    assert!(
        r.reasons
            .iter()
            .any(|m| m.starts_with("target not answering: 3 consecutive timeouts")),
        "{:?}",
        r.reasons
    );
    // Three timeouts, then nothing more is sent.
    assert!(
        peer.connections() <= 4,
        "{} connections",
        peer.connections()
    );
}

#[test]
fn one_byte_per_second_is_a_timeout_error() {
    let mock = Mock::start(MockOptions::default());
    let rt = runtime();
    let peer = rt.block_on(tls_peer(|mut tls| async move {
        read_request(&mut tls).await;
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        for byte in b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}" {
            tick.tick().await;
            if tls.write_all(&[*byte]).await.is_err() || tls.flush().await.is_err() {
                return;
            }
        }
    }));
    let r = run(&target_at(&mock, &peer.origin(), false, DEFAULTS));
    assert_eq!(r.code, Some(3));
    assert_eq!(r.kinds(), vec!["error", "skip"], "{:?}", r.verdicts);
    assert!(
        r.reasons
            .iter()
            .any(|m| m == "no complete answer within 2 s"),
        "{:?}",
        r.reasons
    );
    assert!(
        r.reasons
            .iter()
            .any(|m| m.starts_with("target not answering"))
    );
    r.assert_no_leak();
}

#[test]
fn a_reset_after_the_handshake_is_an_error_never_a_fail() {
    let mock = Mock::start(MockOptions::default());
    let rt = runtime();
    let peer = rt.block_on(tls_peer(|tls| async move {
        let _ = tls.get_ref().0.set_zero_linger();
        drop(tls);
    }));
    let r = run(&target_at(&mock, &peer.origin(), false, DEFAULTS));
    assert_eq!(r.code, Some(3));
    assert!(!r.verdicts.contains_key("fail"), "{:?}", r.verdicts);
    assert_eq!(r.kinds(), vec!["error", "pass", "skip"], "{:?}", r.verdicts);
    assert!(
        r.reasons.iter().any(|m| m.starts_with("connection reset")),
        "{:?}",
        r.reasons
    );
}

#[test]
fn a_50_mb_token_response_is_an_error_naming_the_limit() {
    let mock = Mock::start(MockOptions::default());
    let rt = runtime();
    let peer = rt.block_on(tls_peer(|mut tls| async move {
        read_request(&mut tls).await;
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncache-control: no-store\r\nconnection: close\r\n\r\n";
        let prefix = format!(r#"{{"access_token":"{ISSUED}","padding":""#);
        stream_body(&mut tls, head, prefix.as_bytes(), 50 * 1024 * 1024).await;
    }));
    let r = run(&target_at(&mock, &peer.origin(), false, DEFAULTS));
    assert_eq!(r.code, Some(3));
    assert!(!r.verdicts.contains_key("fail"), "{:?}", r.verdicts);
    assert!(
        r.reasons
            .iter()
            .any(|m| m.contains("limit of 256 KiB (`max_body_kib`")),
        "{:?}",
        r.reasons
    );
    // Nothing of an oversized body is kept.
    assert!(r.report_bytes < 2 * 1024 * 1024, "{} bytes", r.report_bytes);
    r.assert_no_leak();
}

#[test]
fn the_body_limit_is_a_target_setting() {
    let mock = Mock::start(MockOptions::default());
    let rt = runtime();
    let (_server, front) = rt.block_on(scripted(
        ResponseTemplate::new(200)
            .insert_header("cache-control", "no-store")
            .set_body_raw(
                format!("{}{}", token_json(), " ".repeat(4096)),
                "application/json",
            ),
    ));
    let settings = format!("{DEFAULTS}\nmax_body_kib = 2");
    let r = run(&target_at(&mock, &front.origin(), false, &settings));
    assert_eq!(r.code, Some(3));
    assert!(!r.verdicts.contains_key("fail"), "{:?}", r.verdicts);
    assert!(
        r.reasons
            .iter()
            .any(|m| m.contains("limit of 2 KiB (`max_body_kib`")),
        "{:?}",
        r.reasons
    );
    r.assert_no_leak();
}

#[test]
fn invalid_and_truncated_json_with_200_fail_without_leaking_the_token() {
    let mock = Mock::start(MockOptions::default());
    let rt = runtime();
    for body in [
        format!(r#"{{"access_token": "{ISSUED}", "token_type": "Bearer",,, oops"#),
        format!(r#"{{"access_token":"{ISSUED}","token_ty"#),
        format!("access_token={ISSUED}&token_type=Bearer"),
    ] {
        let (_server, front) = rt.block_on(scripted(
            ResponseTemplate::new(200)
                .insert_header("cache-control", "no-store")
                .set_body_raw(body.clone(), "application/json"),
        ));
        let r = run(&target_at(&mock, &front.origin(), false, DEFAULTS));
        assert_eq!(r.code, Some(1), "{body}");
        assert_eq!(
            r.kinds(),
            vec!["fail", "skip", "warn"],
            "{body}: {:?}",
            r.verdicts
        );
        r.assert_no_leak();
    }
}

#[test]
fn a_wrong_content_type_fails() {
    let mock = Mock::start(MockOptions::default());
    let rt = runtime();
    let (_server, front) = rt.block_on(scripted(
        ResponseTemplate::new(200)
            .insert_header("cache-control", "no-store")
            .set_body_raw(token_json(), "text/html"),
    ));
    let r = run(&target_at(&mock, &front.origin(), false, DEFAULTS));
    assert_eq!(r.code, Some(1));
    assert_eq!(r.kinds(), vec!["fail", "skip", "warn"], "{:?}", r.verdicts);
    r.assert_no_leak();
}

#[test]
fn a_redirect_to_another_host_is_not_followed() {
    let mock = Mock::start(MockOptions::default());
    let rt = runtime();
    let elsewhere = rt.block_on(tls_peer(|_| async {}));
    let (_server, front) = rt.block_on(scripted(
        ResponseTemplate::new(302)
            .insert_header("location", format!("{}/token", elsewhere.origin())),
    ));
    let r = run(&target_at(&mock, &front.origin(), false, DEFAULTS));
    assert_eq!(r.code, Some(1));
    assert_eq!(r.kinds(), vec!["fail", "skip", "warn"], "{:?}", r.verdicts);
    assert_eq!(elsewhere.connections(), 0, "nothing goes to the other host");
}

#[test]
fn plain_http_on_the_tls_port_is_an_error() {
    let mock = Mock::start(MockOptions::default());
    let rt = runtime();
    let peer = rt.block_on(tcp_peer(|mut tcp| async move {
        let mut buf = [0u8; 512];
        let _ = tokio::io::AsyncReadExt::read(&mut tcp, &mut buf).await;
        let _ = tcp
            .write_all(
                b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
            )
            .await;
    }));
    let r = run(&target_at(&mock, &peer.origin(), false, DEFAULTS));
    // The one Fail is a statement about the server: it answered plain HTTP on its TLS port.
    assert_eq!(r.failed, vec!["tls-no-plaintext"]);
    assert_eq!(r.code, Some(1));
    assert!(!r.verdicts.contains_key("fail"), "{:?}", r.verdicts);
    assert!(r.verdicts.contains_key("error"), "{:?}", r.verdicts);
}

#[test]
fn a_5_mb_discovery_document_is_an_error_naming_the_limit() {
    let mock = Mock::start(MockOptions::default());
    let rt = runtime();
    let doc = format!(
        r#"{{"issuer":"x","padding":"{}"}}"#,
        "a".repeat(5 * 1024 * 1024)
    );
    let (_server, front) = rt.block_on(scripted(
        ResponseTemplate::new(200).set_body_raw(doc, "application/json"),
    ));
    let r = run(&target_at(&mock, &front.origin(), true, DEFAULTS));
    assert_eq!(r.code, Some(3));
    assert_eq!(r.kinds(), vec!["error", "skip"], "{:?}", r.verdicts);
    assert!(
        r.notices
            .iter()
            .any(|m| m.contains("limit of 256 KiB (`max_body_kib`")),
        "{:?}",
        r.notices
    );
    assert!(r.report_bytes < 2 * 1024 * 1024, "{} bytes", r.report_bytes);
}

#[test]
fn a_token_endpoint_on_a_closed_port_is_an_error() {
    let mock = Mock::start(MockOptions::default());
    let origin = format!("https://127.0.0.1:{}", closed_port());
    let r = run(&target_at(&mock, &origin, false, DEFAULTS));
    assert_eq!(r.code, Some(3));
    assert!(!r.verdicts.contains_key("fail"), "{:?}", r.verdicts);
    assert!(
        r.reasons.iter().any(|m| m.contains("refused")),
        "{:?}",
        r.reasons
    );
}

#[test]
fn rate_limited_and_unavailable_answers_never_pass() {
    let mock = Mock::start(MockOptions::default());
    let rt = runtime();
    for status in [429, 503] {
        let (_server, front) = rt.block_on(scripted(
            ResponseTemplate::new(status).insert_header("retry-after", "0"),
        ));
        let r = run(&target_at(&mock, &front.origin(), false, DEFAULTS));
        // Retry-After handling (another change) turns exhausted retries into Errors; either
        // way no scenario passes and the run does not exit 0.
        assert!(matches!(r.code, Some(1 | 3)), "{status}: {:?}", r.code);
        assert!(
            !r.verdicts.contains_key("pass"),
            "{status}: {:?}",
            r.verdicts
        );
    }
}

#[test]
fn discovery_client_cert_forces_either_behaviour() {
    let mock = Mock::start(MockOptions {
        require_client_cert: true,
        ..MockOptions::default()
    });
    let text = std::fs::read_to_string(mock.target()).unwrap();
    let with = |mode: &str| {
        let file = mock.dir.path().join(format!("{mode}.toml"));
        let setting = format!("discovery_client_cert = \"{mode}\"\nungranted_scope");
        std::fs::write(&file, text.replacen("ungranted_scope", &setting, 1)).unwrap();
        run(&file)
    };
    let auto = run(&mock.target());
    assert_eq!(auto.code, Some(0), "{:?} {:?}", auto.verdicts, auto.notices);
    assert_eq!(
        auto.notices,
        vec![ofp_conformance::execute::documents::NOTICE]
    );
    let always = with("always");
    assert_eq!(always.code, Some(0), "{:?}", always.verdicts);
    assert!(always.notices.is_empty(), "{:?}", always.notices);
    // Without a certificate the server refuses the discovery document: nothing can be tested.
    let never = with("never");
    assert_eq!(never.code, Some(3));
    assert_eq!(never.kinds(), vec!["error"], "{:?}", never.verdicts);
    // The refusal comes as a `certificate_required` alert or as the close that follows it.
    assert!(
        never
            .notices
            .iter()
            .any(|n| n.starts_with("discovery at ") && n.contains(" failed: ")),
        "{:?}",
        never.notices
    );
}

#[test]
fn a_request_that_cannot_be_built_is_an_error_not_a_skip() {
    let mock = Mock::start(MockOptions::default());
    let scenarios = tempfile::tempdir().unwrap();
    std::fs::write(
        scenarios.path().join("x-not-sent.toml"),
        r#"id = "x-not-sent"
title = "A step that cannot be built"
category = "token-binding"
severity = "fail"
requires = ["private_key_jwt", "resource"]
refs = ["RFC 6750 §2.1"]

[[step]]
name = "a request the server rejects, so no token"
form.grant_type = "password"
expect = "rejected"
errors = ["unsupported_grant_type", "invalid_request", "invalid_grant", "unauthorized_client"]

[[step]]
name = "the token step 1 did not obtain, at the resource"
endpoint = "resource"
token_from = 1
expect = "resource-ok"
"#,
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let result = ofpc(&[
        "run",
        "--target",
        mock.target().to_str().unwrap(),
        "--scenarios",
        scenarios.path().to_str().unwrap(),
        "--only",
        "x-not-sent",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    let (stdout, stderr) = text(&result);
    assert_eq!(result.status.code(), Some(3), "{stdout}\n{stderr}");
    let dirs = report_dirs(out.path());
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dirs[0].join("report.json")).unwrap()).unwrap();
    let scenario = &report["scenarios"][0];
    assert_eq!(scenario["verdict"], "error");
    assert_eq!(
        scenario["reason"],
        "not sent: step 1 obtained no access token"
    );
    assert_eq!(scenario["steps"][1]["outcome"]["class"], "not-sent");
}
