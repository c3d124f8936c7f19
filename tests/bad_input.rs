//! The bad-input matrix: every input `ofpc run` reads (target file keys, PEMs and keys, scenario
//! files, allow-lists, baselines, flags, `OFPC_*` overrides), each broken in one way. Each must
//! exit 2 with one message whose first line is exactly as written here, and send nothing: the
//! target file points at a TCP listener on 127.0.0.1 standing in for the target, and the test
//! counts the connections it accepted.

mod support;

use std::io::ErrorKind;
use std::net::TcpListener;
use std::path::Path;

use ofp_conformance::pki::generate::{LeafKey, TestCa, generate_ec_signing_key};
use rcgen::DnType;
use support::{ofpc, ofpc_env, text};
use time::OffsetDateTime;

/// A folder of credentials and a valid target file for a listener that never answers.
struct Fixture {
    dir: tempfile::TempDir,
    listener: TcpListener,
    port: u16,
}

/// The valid target file. Line 6 and the line after the last are free for one more key, so
/// every case keeps the line numbers below.
const BASE: &str = r#"name = "bad-input"
discovery = "https://127.0.0.1:PORT/.well-known/openid-configuration"
ca = "ca.pem"
timeout_secs = 1
connect_timeout_secs = 1

[client]
client_id = "client-1"
auth = "private_key_jwt"
transport_cert = "client.pem"
transport_key = "client.key"
signing_key = "signing.key"
signing_kid = "kid-1"
"#;

fn at(secs: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(secs).expect("time")
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        let listener = TcpListener::bind("127.0.0.1:0").expect("listener");
        listener.set_nonblocking(true).expect("nonblocking");
        let port = listener.local_addr().expect("address").port();
        let fixture = Fixture {
            dir,
            listener,
            port,
        };
        let ca = TestCa::generate("bad-input CA").expect("CA");
        let now = OffsetDateTime::now_utc();
        let subject = [(DnType::CommonName, "client-1")];
        let issue = |from, to| {
            ca.issue_client_cert_with_key(&subject, from, to, LeafKey::EcdsaP256)
                .expect("client certificate")
        };
        let client = issue(
            now - time::Duration::days(1),
            now + time::Duration::days(30),
        );
        let other = issue(
            now - time::Duration::days(1),
            now + time::Duration::days(30),
        );
        // 2020-01-01 to 2021-01-01, and 2090-01-01 to 2091-01-01.
        let expired = issue(at(1_577_836_800), at(1_609_459_200));
        let future = issue(at(3_786_912_000), at(3_818_448_000));
        fixture.write("ca.pem", &ca.cert_pem());
        fixture.write("client.pem", &client.cert_pem);
        fixture.write("client.key", client.key.expose());
        fixture.write("other.key", other.key.expose());
        fixture.write("expired.pem", &expired.cert_pem);
        fixture.write("expired.key", expired.key.expose());
        fixture.write("future.pem", &future.cert_pem);
        fixture.write("future.key", future.key.expose());
        for (name, alg) in [
            ("p384", &rcgen::PKCS_ECDSA_P384_SHA384),
            ("ed25519", &rcgen::PKCS_ED25519),
        ] {
            let key = rcgen::KeyPair::generate_for(alg).expect("key");
            let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
            params.not_before = now - time::Duration::days(1);
            params.not_after = now + time::Duration::days(30);
            let cert = params.self_signed(&key).expect("certificate");
            fixture.write(&format!("{name}.pem"), &cert.pem());
            fixture.write(&format!("{name}.key"), &key.serialize_pem());
        }
        let signing = generate_ec_signing_key().expect("signing key");
        fixture.write("signing.key", signing.private_pem.expose());
        // Only the armour matters: ofpc must recognise an encrypted key before decoding it.
        fixture.write(
            "encrypted.key",
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHzBJBgkqhkiG9w0BBQ0wPDAbBgkqhkiG9w0BBQwwDgQI\n-----END ENCRYPTED PRIVATE KEY-----\n",
        );
        fixture.write("hello.pem", "hello\n");
        fixture.write("target.toml", &fixture.target(&[]));
        fixture
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    fn write(&self, name: &str, text: &str) -> String {
        let path = self.dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("folder");
        }
        std::fs::write(&path, text).expect("write");
        path.display().to_string()
    }

    /// The base target file with whole lines replaced (1-based line numbers).
    fn target(&self, lines: &[(usize, &str)]) -> String {
        let base = BASE.replace("PORT", &self.port.to_string());
        let mut out: Vec<String> = base.lines().map(str::to_string).collect();
        for (n, line) in lines {
            while out.len() < *n {
                out.push(String::new());
            }
            out[n - 1] = line.replace("PORT", &self.port.to_string());
        }
        out.join("\n") + "\n"
    }

    /// Connections the listener accepted since the last call.
    fn connections(&self) -> usize {
        let mut n = 0;
        loop {
            match self.listener.accept() {
                Ok(_) => n += 1,
                Err(e) if e.kind() == ErrorKind::WouldBlock => return n,
                Err(e) => panic!("accept: {e}"),
            }
        }
    }
}

/// One bad input: what `ofpc run` gets and the first line it must print.
struct Case {
    name: &'static str,
    /// Target file lines to replace (none: the valid file).
    lines: Vec<(usize, &'static str)>,
    /// Extra flags after `run --target <file> --out <dir>`.
    flags: Vec<String>,
    env: Vec<(&'static str, String)>,
    /// The first line of stderr; `{file}` is the case's target file, `{dir}` the fixture folder.
    first_line: String,
}

fn case(name: &'static str, first_line: &str) -> Case {
    Case {
        name,
        lines: Vec::new(),
        flags: Vec::new(),
        env: Vec::new(),
        first_line: first_line.to_string(),
    }
}

impl Case {
    fn lines(mut self, lines: &[(usize, &'static str)]) -> Case {
        self.lines = lines.to_vec();
        self
    }

    fn flags<S: AsRef<str>>(mut self, flags: &[S]) -> Case {
        self.flags = flags.iter().map(|f| f.as_ref().to_string()).collect();
        self
    }

    fn env(mut self, name: &'static str, value: &str) -> Case {
        self.env.push((name, value.to_string()));
        self
    }
}

const PORT_RANGE: &str = "which is not a number from 1 to 65535";

fn target_cases() -> Vec<Case> {
    vec![
        case(
            "token_endpoint port 99999",
            &format!("error: {{file}}:6:1: `token_endpoint` = `https://127.0.0.1:99999/token` has port `99999`, {PORT_RANGE}"),
        )
        .lines(&[
            (2, "issuer = \"https://127.0.0.1:PORT\""),
            (6, "token_endpoint = \"https://127.0.0.1:99999/token\""),
        ]),
        case(
            "token_endpoint port abc",
            &format!("error: {{file}}:6:1: `token_endpoint` = `https://127.0.0.1:abc/token` has port `abc`, {PORT_RANGE}"),
        )
        .lines(&[
            (2, "issuer = \"https://127.0.0.1:PORT\""),
            (6, "token_endpoint = \"https://127.0.0.1:abc/token\""),
        ]),
        case(
            "issuer port 0",
            &format!("error: {{file}}:2:1: `issuer` = `https://127.0.0.1:0` has port `0`, {PORT_RANGE}"),
        )
        .lines(&[
            (2, "issuer = \"https://127.0.0.1:0\""),
            (6, "token_endpoint = \"https://127.0.0.1:PORT/token\""),
        ]),
        case(
            "discovery without host",
            "error: {file}:2:1: `discovery` = `https:///.well-known/openid-configuration` has no host",
        )
        .lines(&[(2, "discovery = \"https:///.well-known/openid-configuration\"")]),
        case(
            "discovery over http",
            "error: {file}:2:1: `discovery` = `http://127.0.0.1:PORT/.well-known/openid-configuration` is not an https:// URL",
        )
        .lines(&[(2, "discovery = \"http://127.0.0.1:PORT/.well-known/openid-configuration\"")]),
        case(
            "discovery with userinfo",
            "error: {file}:2:1: `discovery` = `https://user:pw@127.0.0.1:PORT/` has user information (`user:pw@`) before the host",
        )
        .lines(&[(2, "discovery = \"https://user:pw@127.0.0.1:PORT/\"")]),
        case(
            "resource port out of range",
            &format!("error: {{file}}:6:1: `resource` = `https://127.0.0.1:70000/v1` has port `70000`, {PORT_RANGE}"),
        )
        .lines(&[(6, "resource = \"https://127.0.0.1:70000/v1\"")]),
        case(
            "neither discovery nor issuer",
            "error: {file}: the target file must give either `discovery`, or both `issuer` and `token_endpoint`",
        )
        .lines(&[(2, "")]),
        case(
            "timeout_secs = 0",
            "error: {file}:4:1: `timeout_secs` is 0; a timeout must be at least 1 second",
        )
        .lines(&[(4, "timeout_secs = 0")]),
        case(
            "connect_timeout_secs = 0",
            "error: {file}:5:1: `connect_timeout_secs` is 0; a timeout must be at least 1 second",
        )
        .lines(&[(5, "connect_timeout_secs = 0")]),
        case(
            "timeout_secs of the wrong type",
            "error: {file}:4:16: `timeout_secs` must be a whole number (without quotes), found string \"three\"",
        )
        .lines(&[(4, "timeout_secs = \"three\"")]),
        case(
            "unknown profile in the file",
            "error: {file}:6:1: unknown profile `fapi3`",
        )
        .lines(&[(6, "profile = \"fapi3\"")]),
        case(
            "TOML syntax error",
            "error: {file}:6:19: invalid target file: string values must be quoted, expected literal string",
        )
        .lines(&[(6, "ungranted_scope = profile")]),
        case("empty client_id", "error: {file}:8:1: `client.client_id` is empty")
            .lines(&[(8, "client_id = \"\"")]),
        case("[client] without auth", "error: {file}:7:1: `[client]` has no `auth`")
            .lines(&[(9, "")]),
        case(
            "unknown auth method",
            "error: {file}:9:1: unknown `client.auth` = `client_secret_basic`",
        )
        .lines(&[(9, "auth = \"client_secret_basic\"")]),
        case(
            "audience not a URL",
            "error: {file}:14:1: `client.audience` = `not a url` is neither `issuer`, `token_endpoint` nor a valid https URL: it contains whitespace or control characters",
        )
        .lines(&[(14, "audience = \"not a url\"")]),
        case(
            "audience over http",
            "error: {file}:14:1: `client.audience` = `http://127.0.0.1/` is neither `issuer`, `token_endpoint` nor a valid https URL: it is not an https:// URL",
        )
        .lines(&[(14, "audience = \"http://127.0.0.1/\"")]),
        case(
            "unknown key in [client]",
            "error: {file}:14:1: invalid target file: unknown field `scpoe`, expected one of `client_id`, `auth`, `transport_cert`, `transport_key`, `signing_key`, `signing_kid`, `scope`, `audience`",
        )
        .lines(&[(14, "scpoe = \"accounts\"")]),
        case(
            "empty signing_kid",
            "error: {file}:13:1: `client.signing_kid` is empty",
        )
        .lines(&[(13, "signing_kid = \"\"")]),
        case(
            "private_key_jwt without signing_kid",
            "error: {file}:12:1: `client` uses private_key_jwt but has no `signing_kid`",
        )
        .lines(&[(13, "")]),
    ]
}

fn pem_cases() -> Vec<Case> {
    vec![
        case(
            "missing transport certificate",
            "error: {file}:10:1: cannot read `client.transport_cert` = {dir}/nope.pem: No such file or directory (os error 2)",
        )
        .lines(&[(10, "transport_cert = \"nope.pem\"")]),
        case(
            "transport certificate is not PEM",
            "error: {file}:10:1: `client.transport_cert` holds no CERTIFICATE block",
        )
        .lines(&[(10, "transport_cert = \"hello.pem\"")]),
        case(
            "transport key of another certificate",
            "error: {file}:11:1: `client.transport_key` does not match the certificate in `client.transport_cert`: it is the key of another certificate",
        )
        .lines(&[(11, "transport_key = \"other.key\"")]),
        case(
            "encrypted transport key",
            "error: {file}:11:1: `client.transport_key` is an encrypted private key (ENCRYPTED PRIVATE KEY); ofpc reads only unencrypted keys",
        )
        .lines(&[(11, "transport_key = \"encrypted.key\"")]),
        case(
            "EC P-384 transport key",
            "error: {file}:11:1: `client.transport_key` is an EC P-384 key, which the transport does not support",
        )
        .lines(&[
            (10, "transport_cert = \"p384.pem\""),
            (11, "transport_key = \"p384.key\""),
        ]),
        case(
            "Ed25519 transport key",
            "error: {file}:11:1: `client.transport_key` is an Ed25519 key, which the transport does not support",
        )
        .lines(&[
            (10, "transport_cert = \"ed25519.pem\""),
            (11, "transport_key = \"ed25519.key\""),
        ]),
        case(
            "expired transport certificate",
            "error: {file}:10:1: `client.transport_cert` expired on 2021-01-01 00:00:00 UTC (valid from 2020-01-01 00:00:00 UTC to 2021-01-01 00:00:00 UTC)",
        )
        .lines(&[
            (10, "transport_cert = \"expired.pem\""),
            (11, "transport_key = \"expired.key\""),
        ]),
        case(
            "not-yet-valid transport certificate",
            "error: {file}:10:1: `client.transport_cert` is not valid yet (valid from 2090-01-01 00:00:00 UTC to 2091-01-01 00:00:00 UTC)",
        )
        .lines(&[
            (10, "transport_cert = \"future.pem\""),
            (11, "transport_key = \"future.key\""),
        ]),
        case(
            "encrypted signing key",
            "error: {file}:12:1: `client.signing_key` is an encrypted private key (ENCRYPTED PRIVATE KEY); ofpc reads only unencrypted keys",
        )
        .lines(&[(12, "signing_key = \"encrypted.key\"")]),
        case(
            "signing key that is a certificate",
            "error: {file}:12:1: `client.signing_key` is neither an RSA private key (PKCS#8 or PKCS#1) nor an EC P-256 key (PKCS#8)",
        )
        .lines(&[(12, "signing_key = \"client.pem\"")]),
        case(
            "ca without a certificate",
            "error: {file}:3:1: `ca` = {dir}/hello.pem holds no CERTIFICATE block",
        )
        .lines(&[(3, "ca = \"hello.pem\"")]),
    ]
}

fn file_cases(f: &Fixture) -> Vec<Case> {
    let scenario = |name: &str, body: &str| -> String {
        let dir = f.dir.path().join(format!("scenarios-{name}"));
        f.write(
            &format!("scenarios-{name}/request/{name}.toml"),
            &format!(
                "id = \"{name}\"\ntitle = \"t\"\ncategory = \"request\"\nseverity = \"fail\"\n{body}"
            ),
        );
        dir.display().to_string()
    };
    let step = "[[step]]\nexpect = \"granted\"\n";
    let unknown_key = scenario("my-typo", &format!("{step}methdo = \"GET\"\n"));
    let far = scenario(
        "my-far",
        &format!("{step}{step}assertion.claims.exp = \"now+999999999999999999d\"\n"),
    );
    let unit = scenario(
        "my-unit",
        &format!("{step}assertion.claims.exp = \"now-300sec\"\n"),
    );
    let later = scenario("my-later", &format!("{step}{step}token_from = 5\n"));
    let twice = scenario("jwt-happy", step);
    let renamed = scenario("my-renamed", step);
    f.write(
        "scenarios-my-renamed/request/my-renamed.toml",
        &format!("id = \"other-name\"\ntitle = \"t\"\ncategory = \"request\"\nseverity = \"fail\"\n{step}"),
    );
    let typed = scenario("my-typed", &format!("{step}statuses = \"400\"\n"));
    let allow_unknown = f.write(
        "allow-unknown.toml",
        "[[allow]]\nid = \"jwt-alg-nnoe\"\nreason = \"typo\"\n",
    );
    let allow_date = f.write(
        "allow-date.toml",
        "[[allow]]\nid = \"jwt-alg-none\"\nreason = \"r\"\nexpires = \"31/03/2027\"\n",
    );
    let allow_no_reason = f.write("allow-no-reason.toml", "[[allow]]\nid = \"jwt-alg-none\"\n");
    let allow_not_toml = f.write("allow-not-toml.toml", "[[allow]\n");
    let old = f.write(
        "old.json",
        "{\"schema\":\"ofpc-report\",\"schema_version\":0}",
    );
    let s = |v: &str| v.to_string();
    let mut cases = vec![
        case(
            "scenario with an unknown key",
            &format!("error: {unknown_key}/request/my-typo.toml:7:1: invalid scenario: unknown field `methdo`, expected one of `name`, `client`, `tls`, `endpoint`, `probe`, `method`, `form_in_query`, `content_type`, `headers`, `remove_headers`, `form`, `remove_form`, `repeat_form`, `move_to_query`, `body`, `assertion`, `token_from`, `auth_scheme`, `token_in_query`, `expect`, `errors`, `statuses`, `requires`, `profile`"),
        )
        .flags(&[s("--scenarios"), unknown_key.clone()]),
        case(
            "time expression that overflows",
            &format!("error: {far}/request/my-far.toml:9:18: step 2: claim `exp`: time expression `now+999999999999999999d` lies more than 100 years from now"),
        )
        .flags(&[s("--scenarios"), far.clone()]),
        case(
            "time expression with an unknown unit",
            &format!("error: {unit}/request/my-unit.toml:7:18: step 1: claim `exp`: time expression `now-300sec` has unit `sec`; the units are s, m, h, d and y"),
        )
        .flags(&[s("--scenarios"), unit.clone()]),
        case(
            "step 2 naming a later step",
            &format!("error: {later}/request/my-later.toml:9:1: step 2: `token_from` = 5 must name an earlier step (1..1)"),
        )
        .flags(&[s("--scenarios"), later.clone()]),
        case(
            "scenario id defined twice",
            &format!("error: {twice}/request/jwt-happy.toml: scenario id `jwt-happy` is defined twice"),
        )
        .flags(&[s("--scenarios"), twice.clone()]),
        case(
            "scenario id differs from its file name",
            &format!("error: {renamed}/request/my-renamed.toml:1:1: scenario id `other-name` differs from its file name `my-renamed.toml`"),
        )
        .flags(&[s("--scenarios"), renamed.clone()]),
        case(
            "scenario value of the wrong type",
            &format!("error: {typed}/request/my-typed.toml:7:12: `step.1.statuses` must be a sequence, found string \"400\""),
        )
        .flags(&[s("--scenarios"), typed.clone()]),
        case(
            "scenario folder missing",
            "error: cannot read scenario folder {dir}/no-such-folder: No such file or directory (os error 2)",
        )
        .flags(&[s("--scenarios"), f.path("no-such-folder")]),
        case(
            "allow-list with an unknown id",
            &format!("error: {allow_unknown}:2:6: unknown scenario id `jwt-alg-nnoe`"),
        )
        .flags(&[s("--allow"), allow_unknown.clone()]),
        case(
            "allow-list with a bad date",
            &format!("error: {allow_date}: `expires` = \"31/03/2027\" of `jwt-alg-none` is not a date"),
        )
        .flags(&[s("--allow"), allow_date.clone()]),
        case(
            "allow-list entry without reason",
            &format!("error: {allow_no_reason}:1:1: `[allow.1]` has no `reason`"),
        )
        .flags(&[s("--allow"), allow_no_reason.clone()]),
        case(
            "allow-list that is not TOML",
            &format!("error: {allow_not_toml}:1:9: invalid allow-list: unclosed array table, expected `]`"),
        )
        .flags(&[s("--allow"), allow_not_toml.clone()]),
        case(
            "allow-list missing",
            "error: {dir}/no-allow.toml: cannot read the allow-list: No such file or directory (os error 2)",
        )
        .flags(&[s("--allow"), f.path("no-allow.toml")]),
        case(
            "baseline that is not a report",
            "error: {file}: not a JSON report: expected ident at line 1 column 2",
        )
        .flags(&[s("--baseline"), f.path("target.toml")]),
        case(
            "baseline of an old schema",
            &format!(
                "error: {old}: not an ofpc report of schema version {}: found schema `ofpc-report` version 0",
                ofp_conformance::report::model::SCHEMA_VERSION
            ),
        )
        .flags(&[s("--baseline"), old.clone()]),
    ];
    cases.push(
        case(
            "baseline missing",
            "error: {dir}/no-report.json: cannot read the report: No such file or directory (os error 2)",
        )
        .flags(&[s("--baseline"), f.path("no-report.json")]),
    );
    cases
}

fn flag_cases(f: &Fixture) -> Vec<Case> {
    let file = f.write("a-file", "x");
    vec![
        case("unknown --profile", "error: unknown profile `fapi2-fnal`")
            .flags(&["--profile", "fapi2-fnal"]),
        case("unknown --fault", "error: unknown fault `accept-alg-nne`")
            .flags(&["--fault", "accept-alg-nne"]),
        case(
            "--fault with --target",
            "error: --fault applies to the built-in mock only",
        )
        .flags(&["--fault", "accept-alg-none"]),
        case("--only matching nothing", "error: --only `zzz*` selects no scenario")
            .flags(&["--only", "zzz*"]),
        case("empty --only", "error: --only `` selects no scenario").flags(&["--only", ""]),
        case("--skip everything", "error: --skip `*` leaves no scenario to run")
            .flags(&["--skip", "*"]),
        case(
            "--only that is not a glob",
            "error: invalid --only pattern `[`: error parsing glob '[': unclosed character class; missing ']'",
        )
        .flags(&["--only", "["]),
        case(
            "--out naming a file",
            &format!("error: --out {file} is a file, not a folder"),
        )
        .flags(&["--out", &file]),
        case(
            "--out that cannot be created",
            "error: cannot create the --out folder /proc/ofpc-reports: No such file or directory (os error 2)",
        )
        .flags(&["--out", "/proc/ofpc-reports"]),
        case(
            "--fail-on-drift without --baseline",
            "error: the following required arguments were not provided:",
        )
        .flags(&["--fail-on-drift"]),
        case(
            "--format unknown",
            "error: invalid value 'xml' for '--format <FORMAT>'",
        )
        .flags(&["--format", "xml"]),
    ]
}

fn env_cases() -> Vec<Case> {
    vec![
        case(
            "OFPC_TIMEOUT_SECS not a number",
            "error: OFPC_TIMEOUT_SECS: `timeout_secs` must be a whole number, found `abc`",
        )
        .env("OFPC_TIMEOUT_SECS", "abc"),
        case(
            "OFPC_TIMEOUT_SECS zero",
            "error: OFPC_TIMEOUT_SECS: `timeout_secs` is 0; a timeout must be at least 1 second",
        )
        .env("OFPC_TIMEOUT_SECS", "0"),
        case(
            "OFPC_CLIENT_CLIENT_ID empty",
            "error: OFPC_CLIENT_CLIENT_ID: `client.client_id` is empty",
        )
        .env("OFPC_CLIENT_CLIENT_ID", ""),
        case(
            "OFPC_DISCOVERY port out of range",
            &format!("error: OFPC_DISCOVERY: `discovery` = `https://127.0.0.1:99999/x` has port `99999`, {PORT_RANGE}"),
        )
        .env("OFPC_DISCOVERY", "https://127.0.0.1:99999/x"),
        case(
            "OFPC_CLIENT_SIGNING_KEY missing file",
            "error: OFPC_CLIENT_SIGNING_KEY: cannot read `client.signing_key` = /nonexistent/signing.key: No such file or directory (os error 2)",
        )
        .env("OFPC_CLIENT_SIGNING_KEY", "/nonexistent/signing.key"),
        case(
            "OFPC_CLIENT_AUDIENCE not a URL",
            "error: OFPC_CLIENT_AUDIENCE: `client.audience` = `not a url` is neither `issuer`, `token_endpoint` nor a valid https URL: it contains whitespace or control characters",
        )
        .env("OFPC_CLIENT_AUDIENCE", "not a url"),
        case(
            "OFPC_CLIENT_SCPOE unknown",
            "error: OFPC_CLIENT_SCPOE: `OFPC_CLIENT_SCPOE` overrides no key of the target file",
        )
        .env("OFPC_CLIENT_SCPOE", "accounts"),
        case(
            "OFPC_CLIENT_AUTH unknown",
            "error: OFPC_CLIENT_AUTH: unknown `client.auth` = `basic`",
        )
        .env("OFPC_CLIENT_AUTH", "basic"),
    ]
}

/// Runs one case; returns a description of what went wrong, if anything.
fn check(f: &Fixture, n: usize, c: &Case) -> Option<String> {
    let target = if c.lines.is_empty() {
        f.path("target.toml")
    } else {
        f.write(&format!("case-{n}.toml"), &f.target(&c.lines))
    };
    let out = f.path(&format!("out-{n}"));
    let mut args = vec!["run", "--target", target.as_str()];
    if !c.flags.iter().any(|a| a == "--out") {
        args.extend(["--out", out.as_str()]);
    }
    args.extend(c.flags.iter().map(String::as_str));
    let env: Vec<(&str, &str)> = c.env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let result = ofpc_env(&args, &env);
    let (stdout, stderr) = text(&result);
    let expected = c
        .first_line
        .replace("{file}", &target)
        .replace("{dir}", &f.dir.path().display().to_string())
        .replace("PORT", &f.port.to_string());
    let first = stderr.lines().next().unwrap_or_default();
    // The table of bad inputs (`cargo test --test bad_input -- --nocapture` shows it).
    println!(
        "| {} | {} | `{}` |",
        c.name,
        result.status.code().unwrap_or(-1),
        first.replace(&f.dir.path().display().to_string(), "$DIR")
    );
    let mut problems = Vec::new();
    if result.status.code() != Some(2) {
        problems.push(format!("exit {:?}", result.status.code()));
    }
    if first != expected {
        problems.push(format!(
            "first line\n    got:      {first}\n    expected: {expected}"
        ));
    }
    if stderr.matches("error:").count() != 1 {
        problems.push(format!("{} messages", stderr.matches("error:").count()));
    }
    let connections = f.connections();
    if connections != 0 {
        problems.push(format!("{connections} connections to the target"));
    }
    if Path::new(&out).exists() {
        problems.push("a report folder was created".to_string());
    }
    (!problems.is_empty()).then(|| {
        format!(
            "{}: {}\n  stdout: {stdout}\n  stderr: {stderr}",
            c.name,
            problems.join("; ")
        )
    })
}

#[test]
fn every_bad_input_is_one_message_exit_2_and_nothing_sent() {
    let f = Fixture::new();
    let mut cases = target_cases();
    cases.extend(pem_cases());
    cases.extend(file_cases(&f));
    cases.extend(flag_cases(&f));
    cases.extend(env_cases());
    assert!(cases.len() >= 40, "{} cases", cases.len());
    let failures: Vec<String> = cases
        .iter()
        .enumerate()
        .filter_map(|(n, c)| check(&f, n, c))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} bad inputs misbehaved:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn the_valid_fixture_does_reach_the_listener() {
    // The control: the same target file, valid, makes ofpc connect (so zero above means nothing
    // was sent, not that the listener cannot count).
    let f = Fixture::new();
    let out = f.path("out-control");
    let target = f.path("target.toml");
    let result = ofpc(&[
        "run",
        "--target",
        &target,
        "--out",
        &out,
        "--only",
        "jwt-happy",
    ]);
    assert_eq!(result.status.code(), Some(3), "{:?}", text(&result));
    assert!(f.connections() > 0, "the valid target file was tried");
}

#[test]
fn an_expired_client_certificate_is_sent_with_the_override_flag() {
    let f = Fixture::new();
    let target = f.write(
        "expired-target.toml",
        &f.target(&[
            (10, "transport_cert = \"expired.pem\""),
            (11, "transport_key = \"expired.key\""),
        ]),
    );
    let out = f.path("out-expired");
    let result = ofpc(&[
        "run",
        "--target",
        &target,
        "--out",
        &out,
        "--only",
        "jwt-happy",
        "--allow-invalid-client-cert",
    ]);
    assert_eq!(result.status.code(), Some(3), "{:?}", text(&result));
    assert!(f.connections() > 0, "the run went ahead");
}
