//! `ofpc run` through an HTTP CONNECT proxy, end to end with the binary: the whole catalogue
//! against the mock goes through the tunnel (every connection the mock accepted came through
//! the proxy, mTLS and the raw TLS probes included) and passes; `NO_PROXY` bypasses it; a proxy
//! that refuses the CONNECT is one clear Error for the run (exit 3), not a wall of failures.

#[path = "support/connect_proxy.rs"]
mod connect_proxy;
mod support;

use connect_proxy::{ConnectProxy, ProxyMode};
use ofp_conformance::mock::MockOptions;
use support::{Mock, ofpc_env, report_dirs, runtime, text};

/// Runs the catalogue (or `only`) against `mock` with `env`; returns the exit code, the
/// terminal output and the report.
fn run(mock: &Mock, only: &[&str], env: &[(&str, &str)]) -> (i32, String, serde_json::Value) {
    let out = tempfile::tempdir().expect("temp dir");
    let target = mock.target();
    let mut args = vec![
        "run",
        "--target",
        target.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ];
    for id in only {
        args.extend(["--only", id]);
    }
    let result = ofpc_env(&args, env);
    let (stdout, stderr) = text(&result);
    let dirs = report_dirs(out.path());
    let report = std::fs::read_to_string(dirs[0].join("report.json"))
        .unwrap_or_else(|e| panic!("no report ({e}); stdout:\n{stdout}\nstderr:\n{stderr}"));
    (
        result.status.code().unwrap_or(-1),
        format!("{stdout}{stderr}"),
        serde_json::from_str(&report).expect("report is JSON"),
    )
}

fn notices(report: &serde_json::Value) -> Vec<String> {
    report["notices"]
        .as_array()
        .expect("notices")
        .iter()
        .map(|n| n.as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn the_whole_catalogue_passes_through_the_proxy() {
    let mock = Mock::start(MockOptions::default());
    let rt = runtime();
    let proxy = rt.block_on(ConnectProxy::start(ProxyMode::Open));
    let before = mock.server().connections();
    let (code, output, report) = run(&mock, &[], &[("HTTPS_PROXY", &proxy.url())]);
    assert_eq!(code, 0, "{output}");
    let scenarios = report["scenarios"].as_array().unwrap();
    assert!(scenarios.len() > 90, "{} scenarios", scenarios.len());
    assert!(scenarios.iter().all(|s| s["verdict"] == "pass"), "{output}");
    let accepted = (mock.server().connections() - before) as usize;
    assert!(
        accepted > 100,
        "the mock accepted only {accepted} connections"
    );
    assert_eq!(
        proxy.tunnel_count(),
        accepted,
        "every connection the mock accepted came through the proxy"
    );
    let mock_port = |d: &String| {
        d.rsplit_once(':')
            .is_some_and(|(host, _)| host == "127.0.0.1")
    };
    assert!(proxy.destinations.lock().unwrap().iter().all(mock_port));
    assert_eq!(
        notices(&report),
        [format!(
            "connections go through the proxy {} (environment variable HTTPS_PROXY)",
            proxy.url()
        )]
    );
}

#[test]
fn no_proxy_bypasses_the_proxy() {
    let mock = Mock::start(MockOptions::default());
    let rt = runtime();
    let proxy = rt.block_on(ConnectProxy::start(ProxyMode::Open));
    let env = [
        ("HTTPS_PROXY", proxy.url()),
        ("NO_PROXY", "127.0.0.1".into()),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (code, output, report) = run(&mock, &["jwt-happy", "tls-10-refused"], &env);
    assert_eq!(code, 0, "{output}");
    assert_eq!(report["scenarios"].as_array().unwrap().len(), 2);
    assert_eq!(proxy.request_count(), 0, "nothing went to the proxy");
    assert!(notices(&report).is_empty(), "{:?}", notices(&report));
}

#[test]
fn a_proxy_refusing_the_connect_is_one_error_for_the_run() {
    for (code, reason) in [
        (407, "407 Proxy Authentication Required"),
        (403, "403 Forbidden"),
    ] {
        let mock = Mock::start(MockOptions::default());
        let rt = runtime();
        let proxy = rt.block_on(ConnectProxy::start(ProxyMode::Refuse(code)));
        let url = format!("http://ofpc:hunter2@{}", proxy.addr);
        let (exit, output, report) = run(&mock, &[], &[("https_proxy", &url)]);
        assert_eq!(exit, 3, "{output}");
        assert!(!output.contains("hunter2") && !report.to_string().contains("hunter2"));
        let message = format!(
            "the proxy {} refused the CONNECT to 127.0.0.1:",
            proxy.url()
        );
        let said: Vec<String> = notices(&report)
            .into_iter()
            .filter(|n| n.contains(&message))
            .collect();
        assert_eq!(
            said.len(),
            1,
            "one notice names the refusal: {:?}",
            notices(&report)
        );
        assert!(
            said[0].contains(&format!("{reason}; nothing was sent to the target (hint: ")),
            "{}",
            said[0]
        );
        assert_eq!(
            proxy.request_count(),
            1,
            "one CONNECT was asked, then nothing more"
        );
        let scenarios = report["scenarios"].as_array().unwrap();
        assert!(
            scenarios.iter().all(|s| s["verdict"] == "error"),
            "{output}"
        );
        assert_eq!(
            output.matches(&message).count(),
            1,
            "the terminal says it once:\n{output}"
        );
    }
}

#[test]
fn an_unusable_proxy_setting_is_an_input_error_naming_its_place() {
    let mock = Mock::start(MockOptions::default());
    let out = tempfile::tempdir().expect("temp dir");
    let target = mock.target();
    let args = [
        "run",
        "--target",
        target.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ];
    let before = mock.server().connections();
    let by_env = ofpc_env(&args, &[("HTTPS_PROXY", "socks5://127.0.0.1:1080")]);
    support::assert_input_error(
        &by_env,
        &[
            "HTTPS_PROXY",
            "scheme `socks5` is not supported; only http:// proxies (HTTP CONNECT) are",
        ],
    );
    let by_key = ofpc_env(&args, &[("OFPC_PROXY", "http://127.0.0.1:99999")]);
    support::assert_input_error(
        &by_key,
        &["OFPC_PROXY", "port `99999` is not a number from 1 to 65535"],
    );
    assert_eq!(mock.server().connections(), before, "nothing was sent");
}

#[test]
fn credentials_in_the_proxy_url_go_as_basic_and_are_never_printed() {
    let mock = Mock::start(MockOptions::default());
    let rt = runtime();
    // Basic base64("ofpc:pa ss"): the URL's userinfo is percent-decoded.
    let proxy = rt.block_on(ConnectProxy::start(ProxyMode::RequireAuth(
        "Basic b2ZwYzpwYSBzcw==".into(),
    )));
    let url = format!("http://ofpc:pa%20ss@{}", proxy.addr);
    let (code, output, report) = run(
        &mock,
        &["mtls-happy", "tls-13-supported"],
        &[("ALL_PROXY", &url)],
    );
    assert_eq!(code, 0, "{output}");
    assert!(proxy.tunnel_count() > 2, "{} tunnels", proxy.tunnel_count());
    for text in [output, report.to_string()] {
        assert!(
            !text.contains("pa%20ss") && !text.contains("b2ZwYzpwYSBzcw"),
            "{text}"
        );
    }
}
