//! The transport scenarios through the engine against misbehaving peers on loopback: a scripted
//! TLS 1.0 peer fails them, resets / stalls / non-TLS answers are Errors naming what came back
//! (and the run goes on), a server certificate from an untrusted CA fails tls-server-cert, and a
//! plain-HTTP server that issues a token fails tls-no-plaintext. No sleeps: stalls end at the
//! target's own timeout.

use std::collections::BTreeMap;
use std::time::Duration;

use ofp_conformance::app::mock_target;
use ofp_conformance::config::{Endpoints, Profile, Target};
use ofp_conformance::mock::{MockOptions, MockServer};
use ofp_conformance::model::{CheckId, Outcome, ScenarioResult, Verdict};
use ofp_conformance::plan::Filters;
use rustls_pki_types::CertificateDer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// What a peer does with each connection.
#[derive(Clone, Copy)]
enum Peer {
    /// Answer every ClientHello with a TLS 1.0 ServerHello (TLS_RSA_WITH_AES_128_CBC_SHA).
    Tls10,
    Reset,
    Stall,
    /// Answer in plain HTTP with a 200 carrying a token.
    HttpToken,
}

fn tls10_server_hello() -> Vec<u8> {
    let mut body = vec![3, 1];
    body.extend_from_slice(&[0x42; 32]);
    body.extend_from_slice(&[0, 0x00, 0x2F, 0]);
    let mut hs = vec![2, 0];
    hs.extend_from_slice(&(body.len() as u16).to_be_bytes());
    hs.extend_from_slice(&body);
    let mut rec = vec![22, 3, 1];
    rec.extend_from_slice(&(hs.len() as u16).to_be_bytes());
    rec.extend_from_slice(&hs);
    rec
}

async fn peer(kind: Peer) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let Ok(n) = tcp.read(&mut buf).await else {
                    return;
                };
                if n == 0 {
                    return;
                }
                match kind {
                    Peer::Tls10 => {
                        let _ = tcp.write_all(&tls10_server_hello()).await;
                    }
                    Peer::Reset => {
                        let _ = tcp.set_zero_linger();
                        drop(tcp);
                        return;
                    }
                    Peer::Stall => {}
                    Peer::HttpToken => {
                        let body = r#"{"access_token":"plain-text-token","token_type":"Bearer","expires_in":60}"#;
                        let reply = format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                            body.len()
                        );
                        let _ = tcp.write_all(reply.as_bytes()).await;
                        let _ = tcp.shutdown().await;
                    }
                }
                // Hold the connection until the client goes.
                while let Ok(n) = tcp.read(&mut buf).await {
                    if n == 0 {
                        break;
                    }
                }
            });
        }
    });
    port
}

/// A mock-derived target whose token endpoint is `token_endpoint` (no discovery).
async fn target(server: &MockServer, token_endpoint: String) -> Target {
    let mut target = mock_target(server.materials(), Profile::Ofm).expect("target");
    target.endpoints = Endpoints::Static {
        issuer: server.materials().issuer.clone(),
        token_endpoint,
    };
    target.timeout = Duration::from_millis(700);
    target.connect_timeout = Duration::from_millis(700);
    target
}

async fn run_only(target: Target, only: &[&str]) -> BTreeMap<String, ScenarioResult> {
    let only: Vec<String> = only.iter().map(|s| s.to_string()).collect();
    let filters = Filters::new(&only, &[]).expect("filters");
    let outcome = ofp_conformance::app::run_catalogue(target, &filters)
        .await
        .expect("catalogue");
    outcome
        .results
        .into_iter()
        .map(|r| (r.id.clone(), r))
        .collect()
}

async fn mock() -> MockServer {
    let _ = rustls::crypto::ring::default_provider().install_default();
    MockServer::start(MockOptions::default())
        .await
        .expect("mock")
}

const PROBES: &[&str] = &[
    "tls-10-refused",
    "tls-11-refused",
    "tls-12-bcp195-ok",
    "tls-13-supported",
    "tls-13-preferred",
    "tls12-only-recommended-suites",
    "tls12-dhe-suites",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scripted_tls10_peer_fails_the_probe_scenarios() {
    let server = mock().await;
    let port = peer(Peer::Tls10).await;
    let t = target(&server, format!("https://127.0.0.1:{port}/token")).await;
    let results = run_only(t, PROBES).await;
    let verdicts: BTreeMap<&str, Verdict> = results
        .iter()
        .map(|(k, r)| (k.as_str(), r.verdict))
        .collect();
    assert_eq!(verdicts["tls-10-refused"], Verdict::Fail);
    assert_eq!(verdicts["tls-11-refused"], Verdict::Fail);
    assert_eq!(verdicts["tls-12-bcp195-ok"], Verdict::Fail);
    assert_eq!(verdicts["tls12-only-recommended-suites"], Verdict::Fail);
    assert_eq!(verdicts["tls12-dhe-suites"], Verdict::Warn);
    assert_eq!(verdicts["tls-13-supported"], Verdict::Warn);
    let step = &results["tls-10-refused"].steps[0];
    assert_eq!(
        step.checks[0].actual,
        "TLS 1.0 accepted with TLS_RSA_WITH_AES_128_CBC_SHA (0x002F)"
    );
    assert_eq!(step.probes.len(), 1);
    assert_eq!(step.probes[0]["label"], "TLS 1.0 only");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn misbehaving_peers_are_errors_naming_what_came_back() {
    let server = mock().await;
    for (kind, needle) in [
        (Peer::Reset, "connection reset"),
        (Peer::Stall, "no answer before the deadline"),
        (Peer::HttpToken, "not a TLS record"),
    ] {
        let port = peer(kind).await;
        let t = target(&server, format!("https://127.0.0.1:{port}/token")).await;
        let started = std::time::Instant::now();
        let results = run_only(
            t,
            &["tls-10-refused", "tls-13-supported", "tls-12-bcp195-ok"],
        )
        .await;
        // The run goes on: every selected scenario has a result.
        assert_eq!(results.len(), 3);
        assert!(started.elapsed() < Duration::from_secs(10));
        // A reset is a valid refusal of TLS 1.0; everything else must be an Error.
        for (id, r) in &results {
            if matches!(kind, Peer::Reset) && id == "tls-10-refused" {
                assert_eq!(r.verdict, Verdict::Pass, "{id}");
                continue;
            }
            assert_eq!(r.verdict, Verdict::Error, "{id}: {:?}", r.steps);
            let Outcome::Transport(t) = &r.steps[0].outcome else {
                panic!("{id}: not a transport outcome");
            };
            assert!(t.message.contains(needle), "{id}: {}", t.message);
            assert_eq!(r.reason.as_deref(), Some(t.message.as_str()));
        }
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_cert_from_an_untrusted_ca_fails() {
    let server = mock().await;
    let mut t = target(&server, server.materials().token_endpoint.clone()).await;
    let other = ofp_conformance::pki::generate::TestCa::generate("someone else").expect("ca");
    t.extra_roots = vec![CertificateDer::from(other.cert_der())];
    t.timeout = Duration::from_secs(5);
    let results = run_only(t, &["tls-server-cert"]).await;
    let r = &results["tls-server-cert"];
    assert_eq!(r.verdict, Verdict::Fail);
    let check = &r.steps[0].checks[0];
    assert_eq!(check.id, CheckId::TlsServerCert.as_str());
    assert!(
        check.actual.contains("issued by a CA that is not trusted"),
        "{}",
        check.actual
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_token_fails_no_plaintext() {
    let server = mock().await;
    let port = peer(Peer::HttpToken).await;
    let t = target(&server, format!("https://127.0.0.1:{port}/token")).await;
    let results = run_only(t, &["tls-no-plaintext"]).await;
    let r = &results["tls-no-plaintext"];
    assert_eq!(r.verdict, Verdict::Fail);
    assert_eq!(
        r.steps[0].request.as_ref().expect("sent").url,
        format!("http://127.0.0.1:{port}/token")
    );
    server.shutdown().await;
}
