//! The raw TLS probe against a real rustls server, scripted TLS peers and misbehaving peers, all on
//! loopback. No sleeps: stalls are bounded by the probe's own deadline.

use std::sync::Arc;
use std::time::Duration;

use ofp_conformance::model::{CheckStatus, Severity};
use ofp_conformance::tlsprobe::{
    CheckOutcome, ClientHelloSpec, ProbeOutcome, ProbeTarget, TlsVersion, TransportCheck, probe,
    run_check, suites,
};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const LIMIT: Duration = Duration::from_secs(5);
const SHORT: Duration = Duration::from_millis(300);

fn target(port: u16) -> ProbeTarget {
    ProbeTarget {
        host: "127.0.0.1".to_owned(),
        port,
        sni: Some("localhost".to_owned()),
    }
}

/// A rustls server (ring, safe defaults: TLS 1.2 + 1.3, AEAD suites only) with an ECDSA certificate.
async fn rustls_server() -> ProbeTarget {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let ck = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).expect("cert");
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(ck.signing_key.serialize_der()));
    let config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![ck.cert.der().clone()], key)
        .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let _ = acceptor.accept(tcp).await;
            });
        }
    });
    target(port)
}

/// What a scripted peer does once it has read the ClientHello.
#[derive(Clone)]
enum Script {
    /// Answer with the bytes the function returns for this hello, then wait for the client to go.
    Answer(fn(&Hello) -> Vec<u8>),
    /// Send a TCP reset.
    Reset,
    /// Say nothing and keep the connection open.
    Stall,
}

/// The parts of a ClientHello the scripts look at.
struct Hello {
    suites: Vec<u16>,
}

fn parse_hello(rec: &[u8]) -> Hello {
    // record header 5, handshake header 4, version 2, random 32, then session id.
    let b = &rec[9..];
    let mut at = 34;
    at += 1 + usize::from(b[at]);
    let n = usize::from(u16::from_be_bytes([b[at], b[at + 1]]));
    at += 2;
    let suites = (0..n / 2)
        .map(|i| u16::from_be_bytes([b[at + 2 * i], b[at + 2 * i + 1]]))
        .collect();
    Hello { suites }
}

async fn read_hello(tcp: &mut TcpStream) -> Option<Vec<u8>> {
    let mut head = [0u8; 5];
    tcp.read_exact(&mut head).await.ok()?;
    let len = usize::from(u16::from_be_bytes([head[3], head[4]]));
    let mut rec = head.to_vec();
    rec.resize(5 + len, 0);
    tcp.read_exact(&mut rec[5..]).await.ok()?;
    Some(rec)
}

async fn drain(tcp: &mut TcpStream) {
    let mut sink = [0u8; 1024];
    while let Ok(n) = tcp.read(&mut sink).await {
        if n == 0 {
            break;
        }
    }
}

async fn scripted_peer(script: Script) -> ProbeTarget {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            let script = script.clone();
            tokio::spawn(async move {
                let Some(rec) = read_hello(&mut tcp).await else {
                    return;
                };
                match script {
                    Script::Answer(f) => {
                        let bytes = f(&parse_hello(&rec));
                        let _ = tcp.write_all(&bytes).await;
                        drain(&mut tcp).await;
                    }
                    Script::Reset => {
                        let _ = tcp.set_zero_linger();
                        drop(tcp);
                    }
                    Script::Stall => drain(&mut tcp).await,
                }
            });
        }
    });
    target(port)
}

fn server_hello(legacy: u16, suite: u16, supported_version: Option<u16>) -> Vec<u8> {
    let mut body = legacy.to_be_bytes().to_vec();
    body.extend_from_slice(&[0x42; 32]);
    body.push(0);
    body.extend_from_slice(&suite.to_be_bytes());
    body.push(0);
    if let Some(v) = supported_version {
        body.extend_from_slice(&[0, 6, 0, 0x2b, 0, 2]);
        body.extend_from_slice(&v.to_be_bytes());
    }
    let mut hs = vec![2, 0];
    hs.extend_from_slice(&(body.len() as u16).to_be_bytes());
    hs.extend_from_slice(&body);
    let mut rec = vec![22, 3, (legacy & 0xff) as u8];
    rec.extend_from_slice(&(hs.len() as u16).to_be_bytes());
    rec.extend_from_slice(&hs);
    rec
}

const HANDSHAKE_FAILURE: [u8; 7] = [21, 3, 3, 0, 2, 2, 40];

fn statuses(out: &CheckOutcome) -> Vec<CheckStatus> {
    out.checks.iter().map(|c| c.status).collect()
}

fn all_pass(out: &CheckOutcome) -> bool {
    !out.checks.is_empty() && out.checks.iter().all(|c| c.status == CheckStatus::Pass)
}

// ---------------------------------------------------------------- (a) a correct rustls server

#[tokio::test]
async fn rustls_server_passes_every_transport_check() {
    let t = rustls_server().await;
    for check in TransportCheck::ALL {
        let out = run_check(check, &t, LIMIT).await;
        assert_eq!(out.error, None, "{}: {out:#?}", check.id());
        assert!(all_pass(&out), "{}: {out:#?}", check.id());
        assert!(out.checks.iter().all(|c| c.id == check.id()));
        assert!(!out.probes.is_empty());
    }
}

#[tokio::test]
async fn rustls_server_answers_as_expected_per_probe() {
    let t = rustls_server().await;
    let spec = |versions: &[TlsVersion], suites: &[u16]| ClientHelloSpec {
        versions: versions.to_vec(),
        cipher_suites: suites.to_vec(),
        server_name: Some("localhost".to_owned()),
    };
    for v in [TlsVersion::Tls10, TlsVersion::Tls11] {
        let out = probe(&t, &spec(&[v], &suites::legacy_version_offer()), LIMIT).await;
        assert_eq!(out.describe(), "fatal alert protocol_version (70)", "{v:?}");
    }
    let out = probe(
        &t,
        &spec(&[TlsVersion::Tls12], &suites::allowed_tls12()),
        LIMIT,
    )
    .await;
    let ProbeOutcome::ServerHello {
        version: 0x0303,
        cipher_suite,
        hello_retry: false,
    } = out
    else {
        panic!("{out:?}")
    };
    assert!(suites::RFC9325_TLS12.contains(&cipher_suite) || suites::is_allowed(cipher_suite));
    let out = probe(&t, &spec(&[TlsVersion::Tls13], suites::TLS13), LIMIT).await;
    assert!(
        matches!(
            out,
            ProbeOutcome::ServerHello {
                version: 0x0304,
                ..
            }
        ),
        "{out:?}"
    );
    for family in suites::DISALLOWED_FAMILIES {
        let out = probe(&t, &spec(&[TlsVersion::Tls12], family.suites), LIMIT).await;
        assert_eq!(
            out,
            ProbeOutcome::Alert {
                level: 2,
                description: 40
            },
            "{}",
            family.name
        );
    }
    let out = probe(
        &t,
        &spec(&[TlsVersion::Tls12], suites::DHE_RSA_AES_GCM),
        LIMIT,
    )
    .await;
    assert_eq!(out.describe(), "fatal alert handshake_failure (40)");
    // Offering 1.2 and 1.3 gets 1.3.
    let mut offer = suites::TLS13.to_vec();
    offer.extend(suites::allowed_tls12());
    let both = [TlsVersion::Tls13, TlsVersion::Tls12];
    let out = probe(&t, &spec(&both, &offer), LIMIT).await;
    assert!(
        matches!(
            out,
            ProbeOutcome::ServerHello {
                version: 0x0304,
                ..
            }
        ),
        "{out:?}"
    );
}

// ---------------------------------------------------------------- (b) scripted non-conforming peers

#[tokio::test]
async fn tls10_server_hello_fails_tls10_refused() {
    let t = scripted_peer(Script::Answer(|_| server_hello(0x0301, 0x002F, None))).await;
    let out = run_check(TransportCheck::Tls10Refused, &t, LIMIT).await;
    assert_eq!(out.error, None);
    assert_eq!(statuses(&out), vec![CheckStatus::Fail]);
    assert_eq!(
        out.checks[0].actual,
        "TLS 1.0 accepted with TLS_RSA_WITH_AES_128_CBC_SHA (0x002F)"
    );
    // The same peer answers a TLS 1.1-only hello with 1.0: a protocol violation, also a fail.
    let out = run_check(TransportCheck::Tls11Refused, &t, LIMIT).await;
    assert_eq!(statuses(&out), vec![CheckStatus::Fail]);
    assert!(
        out.checks[0].actual.starts_with(
            "protocol violation: a TLS 1.1-only hello was answered with a TLS 1.0 ServerHello"
        ),
        "{}",
        out.checks[0].actual
    );
}

#[tokio::test]
async fn cbc_suite_accepted_fails_only_recommended_suites() {
    let t = scripted_peer(Script::Answer(|hello| {
        if hello.suites.contains(&0x002F) {
            server_hello(0x0303, 0x002F, None)
        } else {
            HANDSHAKE_FAILURE.to_vec()
        }
    }))
    .await;
    let out = run_check(TransportCheck::Tls12OnlyRecommendedSuites, &t, LIMIT).await;
    assert_eq!(out.error, None);
    let failed: Vec<_> = out
        .checks
        .iter()
        .filter(|c| c.status == CheckStatus::Fail)
        .collect();
    assert_eq!(failed.len(), 1, "{out:#?}");
    assert_eq!(
        failed[0].title,
        "TLS 1.2 suites outside the recommended set are refused (static RSA key exchange)"
    );
    assert_eq!(
        failed[0].actual,
        "accepted: TLS_RSA_WITH_AES_128_CBC_SHA (0x002F) with TLS 1.2"
    );
    assert_eq!(out.checks.len(), suites::DISALLOWED_FAMILIES.len());
    // The family was probed again without the accepted suite, and refused then.
    let family_probes = out
        .probes
        .iter()
        .filter(|p| p.label.ends_with("static RSA key exchange"))
        .count();
    assert_eq!(family_probes, 2);
}

#[tokio::test]
async fn dhe_suite_accepted_warns() {
    let t = scripted_peer(Script::Answer(|hello| {
        if hello.suites.contains(&0x009E) {
            server_hello(0x0303, 0x009E, None)
        } else {
            HANDSHAKE_FAILURE.to_vec()
        }
    }))
    .await;
    let out = run_check(TransportCheck::Tls12DheSuites, &t, LIMIT).await;
    assert_eq!(out.error, None);
    assert_eq!(statuses(&out), vec![CheckStatus::Warn]);
    assert_eq!(out.checks[0].severity, Severity::Warn);
    assert_eq!(
        out.checks[0].actual,
        "accepted: TLS_DHE_RSA_WITH_AES_128_GCM_SHA256 (0x009E)"
    );
}

#[tokio::test]
async fn tls12_chosen_over_tls13_fails_tls13_preferred() {
    // TLS 1.3 works when it is the only offer, but with 1.2 on offer the peer picks 1.2.
    let t = scripted_peer(Script::Answer(|hello| {
        if hello.suites.contains(&0xC02F) {
            server_hello(0x0303, 0xC02F, None)
        } else {
            server_hello(0x0303, 0x1301, Some(0x0304))
        }
    }))
    .await;
    let out = run_check(TransportCheck::Tls13Supported, &t, LIMIT).await;
    assert_eq!(statuses(&out), vec![CheckStatus::Pass]);
    let out = run_check(TransportCheck::Tls13Preferred, &t, LIMIT).await;
    assert_eq!(out.error, None);
    assert_eq!(statuses(&out), vec![CheckStatus::Fail]);
    assert_eq!(
        out.checks[0].actual,
        "server chose ServerHello TLS 1.2 (0x0303), TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (0xC02F) \
         although TLS 1.3 was offered and works"
    );
    assert_eq!(out.probes.len(), 2);
}

#[tokio::test]
async fn tls13_preferred_is_skipped_without_tls13() {
    let t = scripted_peer(Script::Answer(|hello| {
        if hello.suites.contains(&0xC02F) {
            server_hello(0x0303, 0xC02F, None)
        } else {
            vec![21, 3, 3, 0, 2, 2, 70]
        }
    }))
    .await;
    let out = run_check(TransportCheck::Tls13Supported, &t, LIMIT).await;
    assert_eq!(statuses(&out), vec![CheckStatus::Warn]);
    assert_eq!(
        out.checks[0].actual,
        "TLS 1.3 refused: fatal alert protocol_version (70)"
    );
    let out = run_check(TransportCheck::Tls13Preferred, &t, LIMIT).await;
    assert_eq!(statuses(&out), vec![CheckStatus::Skip]);
    assert_eq!(out.error, None);
}

// ---------------------------------------------------------------- (c) misbehaving peers

#[tokio::test]
async fn reset_peer() {
    let t = scripted_peer(Script::Reset).await;
    let spec = ClientHelloSpec {
        versions: vec![TlsVersion::Tls12],
        cipher_suites: suites::allowed_tls12(),
        server_name: None,
    };
    assert_eq!(probe(&t, &spec, LIMIT).await, ProbeOutcome::Reset);
    // A reset is a refusal where a refusal is expected ...
    let out = run_check(TransportCheck::Tls10Refused, &t, LIMIT).await;
    assert_eq!(statuses(&out), vec![CheckStatus::Pass]);
    assert_eq!(out.error, None);
    // ... and error material where a ServerHello is required.
    let out = run_check(TransportCheck::Tls12Bcp195Ok, &t, LIMIT).await;
    assert!(out.checks.is_empty());
    assert_eq!(
        out.error.as_deref(),
        Some("TLS 1.2 only, allowed suites: connection reset (TCP RST)")
    );
}

#[tokio::test]
async fn stalling_peer_times_out_at_the_deadline() {
    let t = scripted_peer(Script::Stall).await;
    let spec = ClientHelloSpec {
        versions: vec![TlsVersion::Tls13],
        cipher_suites: suites::TLS13.to_vec(),
        server_name: None,
    };
    assert_eq!(probe(&t, &spec, SHORT).await, ProbeOutcome::Timeout);
    let out = run_check(TransportCheck::Tls13Supported, &t, SHORT).await;
    assert!(out.checks.is_empty());
    assert_eq!(
        out.error.as_deref(),
        Some("TLS 1.3 only: no answer before the deadline (stalled after the ClientHello)")
    );
    let out = run_check(TransportCheck::Tls11Refused, &t, SHORT).await;
    assert!(out.checks.is_empty());
    assert!(out.error.is_some());
}

#[tokio::test]
async fn http_peer_is_not_tls() {
    let t = scripted_peer(Script::Answer(|_| {
        b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec()
    }))
    .await;
    let spec = ClientHelloSpec {
        versions: vec![TlsVersion::Tls10],
        cipher_suites: suites::legacy_version_offer(),
        server_name: None,
    };
    let ProbeOutcome::NotTls { first_bytes } = probe(&t, &spec, LIMIT).await else {
        panic!("expected NotTls")
    };
    assert!(first_bytes.starts_with("HTTP/1.1 400 Bad Request\\r\\n"));
    // Not a TLS refusal: error material naming what came back.
    let out = run_check(TransportCheck::Tls10Refused, &t, LIMIT).await;
    assert!(out.checks.is_empty());
    let error = out.error.expect("error");
    assert!(
        error.starts_with(
            "TLS 1.0 only: not a TLS record; first bytes: \"HTTP/1.1 400 Bad Request\\r\\n"
        ),
        "{error}"
    );
    let out = run_check(TransportCheck::Tls12OnlyRecommendedSuites, &t, LIMIT).await;
    assert!(out.checks.is_empty());
    assert!(out.error.is_some());
}

#[tokio::test]
async fn nothing_listening_is_a_connect_error() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    let t = target(port);
    for check in TransportCheck::ALL {
        let out = run_check(check, &t, LIMIT).await;
        assert!(out.checks.is_empty(), "{}", check.id());
        let error = out.error.expect("error");
        assert!(error.contains("could not connect"), "{error}");
    }
}

#[tokio::test]
async fn closing_peer_counts_as_refusal() {
    // A peer that reads the hello and closes its side (FIN) without a word.
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            let _ = read_hello(&mut tcp).await;
            let _ = tcp.shutdown().await;
            drain(&mut tcp).await;
        }
    });
    let out = run_check(TransportCheck::Tls11Refused, &target(port), LIMIT).await;
    assert_eq!(statuses(&out), vec![CheckStatus::Pass]);
    assert_eq!(
        out.checks[0].actual,
        "refused: connection closed before any TLS record"
    );
}

// ------------------------------------------------- failing peers for the rows not covered above

#[tokio::test]
async fn tls11_server_hello_fails_tls11_refused() {
    let t = scripted_peer(Script::Answer(|_| server_hello(0x0302, 0x002F, None))).await;
    let out = run_check(TransportCheck::Tls11Refused, &t, LIMIT).await;
    assert_eq!(out.error, None);
    assert_eq!(statuses(&out), vec![CheckStatus::Fail]);
    assert_eq!(
        out.checks[0].actual,
        "TLS 1.1 accepted with TLS_RSA_WITH_AES_128_CBC_SHA (0x002F)"
    );
}

#[tokio::test]
async fn tls12_refused_fails_bcp195_ok() {
    // A peer that refuses every hello with handshake_failure: neither TLS 1.2 nor 1.3 works.
    let t = scripted_peer(Script::Answer(|_| HANDSHAKE_FAILURE.to_vec())).await;
    let out = run_check(TransportCheck::Tls12Bcp195Ok, &t, LIMIT).await;
    assert_eq!(out.error, None);
    assert_eq!(statuses(&out), vec![CheckStatus::Fail]);
    assert!(
        out.checks[0]
            .actual
            .starts_with("allowed suites refused: fatal alert handshake_failure"),
        "{}",
        out.checks[0].actual
    );
    assert_eq!(out.checks[0].severity, Severity::Fail);
}

#[tokio::test]
async fn tls13_refused_warns_tls13_supported() {
    let t = scripted_peer(Script::Answer(|_| HANDSHAKE_FAILURE.to_vec())).await;
    let out = run_check(TransportCheck::Tls13Supported, &t, LIMIT).await;
    assert_eq!(out.error, None);
    assert_eq!(statuses(&out), vec![CheckStatus::Warn]);
    assert_eq!(
        out.checks[0].actual,
        "TLS 1.3 refused: fatal alert handshake_failure (40)"
    );
}
