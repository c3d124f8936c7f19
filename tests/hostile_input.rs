//! Property tests for the parsers that face hostile bytes: the TLS record classifier fed the way
//! the probe's reader feeds it, the scenario loader and its time expressions, the mock's form and
//! client-assertion parsing, and the snapshot normaliser. None may panic on any input.
//!
//! `cargo test --test hostile_input` runs a few thousand cases of each (set `PROPTEST_CASES` for
//! more); `cargo bench --bench fuzz_parsers` runs the same properties a million times each.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use ofp_conformance::mock::assertion::CompactJws;
use ofp_conformance::mock::form::RawForm;
use ofp_conformance::report::model::{Outcome, ResponseRecord};
use ofp_conformance::scenario::catalogue;
use ofp_conformance::scenario::parse::parse_scenario;
use ofp_conformance::scenario::time_expr;
use ofp_conformance::snapshot::normalise::{mask_text, normalise};
use ofp_conformance::tlsprobe::classify::{Progress, classify, escape, parse_server_hello};

/// One property: runs the number of cases given, or says which input broke it.
pub struct Property {
    pub name: &'static str,
    pub run: fn(u32) -> Result<(), String>,
}

/// Every property, for the test below and the bench.
pub const PROPERTIES: &[Property] = &[
    Property {
        name: "tls classifier",
        run: tls_classifier,
    },
    Property {
        name: "scenario loader",
        run: scenario_loader,
    },
    Property {
        name: "time expressions",
        run: time_expressions,
    },
    Property {
        name: "mock form",
        run: mock_form,
    },
    Property {
        name: "mock assertion",
        run: mock_assertion,
    },
    Property {
        name: "snapshot normaliser",
        run: snapshot_normaliser,
    },
];

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

fn run<S: Strategy>(
    cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) -> Result<(), String>
where
    S::Value: std::fmt::Debug,
{
    runner(cases)
        .run(&strategy, test)
        .map_err(|e| e.to_string())
}

/// TLS-looking bytes: records with plausible headers and random bodies, or random bytes.
fn tls_bytes() -> impl Strategy<Value = Vec<u8>> {
    let record = (
        prop::sample::select(vec![20u8, 21, 22, 23, 24, 0, 0x48]),
        prop::sample::select(vec![0x0300u16, 0x0301, 0x0303, 0x0304, 0x7f00]),
        prop::collection::vec(any::<u8>(), 0..300),
        any::<bool>(),
    )
        .prop_map(|(kind, version, body, honest)| {
            let len = if honest {
                body.len()
            } else {
                body.len() * 3 + 1
            };
            let mut out = vec![kind];
            out.extend(version.to_be_bytes());
            out.extend((len as u16).to_be_bytes());
            // A handshake header now and then, so the ServerHello parser sees structure.
            if kind == 22 && body.len() > 4 {
                let mut body = body;
                body[0] = 2;
                out.extend(body);
            } else {
                out.extend(body);
            }
            out
        });
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..600),
        prop::collection::vec(record, 1..4).prop_map(|r| r.concat()),
    ]
}

/// The classifier as the probe's reader drives it: the buffer grows chunk by chunk and is
/// classified after every read.
pub fn tls_classifier(cases: u32) -> Result<(), String> {
    run(cases, (tls_bytes(), 1usize..64), |(bytes, chunk)| {
        let mut buf = Vec::new();
        for piece in bytes.chunks(chunk) {
            buf.extend_from_slice(piece);
            if let Progress::Done(outcome) = classify(&buf) {
                let _ = outcome.describe();
                break;
            }
        }
        let _ = parse_server_hello(&bytes);
        let _ = escape(&bytes);
        Ok(())
    })
}

/// Scenario text: random text, or a catalogue file with a random splice.
fn scenario_text() -> impl Strategy<Value = String> {
    let files = catalogue::files();
    prop_oneof![
        ".{0,400}",
        (
            0..files.len(),
            any::<prop::sample::Index>(),
            any::<prop::sample::Index>(),
            prop::sample::select(vec![
                "\"",
                "[",
                "]",
                "[[step]]\n",
                "=",
                "\n",
                "now+99999999999999999999d",
                "'''",
                "{",
                "}",
                "#",
                "\\u00",
                "é",
                "\u{0}",
                ",",
                "step.profile.x.expect = 1\n",
            ]),
        )
            .prop_map(move |(file, cut, len, insert)| {
                let text = files[file].1;
                let at = cut.index(text.len() + 1);
                let end = (at + len.index(8)).min(text.len());
                let (at, end) = (floor(text, at), floor(text, end));
                format!("{}{insert}{}", &text[..at], &text[end..])
            }),
    ]
}

fn floor(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

pub fn scenario_loader(cases: u32) -> Result<(), String> {
    run(cases, scenario_text(), |text| {
        if let Err(e) = parse_scenario(&text, "scenarios/request/x.toml") {
            let _ = e.render();
        }
        Ok(())
    })
}

pub fn time_expressions(cases: u32) -> Result<(), String> {
    let expr = prop_oneof!["now[+-]?[0-9]{0,25}[smhdyq]{0,3}", "now.{0,12}", ".{0,12}",];
    run(cases, (expr, any::<i64>()), |(expr, now)| {
        let offset = time_expr::offset(&expr);
        if let Ok(Some(o)) = offset {
            prop_assert!(o.abs() <= time_expr::MAX_OFFSET_SECS, "{expr}: {o}");
        }
        let _ = time_expr::resolve(&expr, now);
        Ok(())
    })
}

pub fn mock_form(cases: u32) -> Result<(), String> {
    let form = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..200),
        "([a-z_%0-9A-F+]{0,8}=?[a-z%0-9A-Fé+]{0,8}&?){0,8}".prop_map(String::into_bytes),
    ];
    run(cases, form, |bytes| {
        if let Ok(form) = RawForm::parse(&bytes) {
            let _ = form.repeated().map(str::to_string);
            let params = form.into_params();
            let _ = params.names().count();
        }
        Ok(())
    })
}

pub fn mock_assertion(cases: u32) -> Result<(), String> {
    let segment = prop_oneof![
        "[A-Za-z0-9_-]{0,40}",
        prop::collection::vec(any::<u8>(), 0..80).prop_map(|b| URL_SAFE_NO_PAD.encode(b)),
        "\\{\"[a-z]{1,4}\":(1|\"x\"|\\[\\]|null|1e999|-0)\\}"
            .prop_map(|j| URL_SAFE_NO_PAD.encode(j)),
    ];
    let jws = prop_oneof![
        ".{0,200}",
        prop::collection::vec(segment, 0..5).prop_map(|s| s.join(".")),
    ];
    run(cases, jws, |text| {
        let _ = CompactJws::parse(&text).map(|j| j.claims.len());
        Ok(())
    })
}

pub fn snapshot_normaliser(cases: u32) -> Result<(), String> {
    let body = prop_oneof![
        ".{0,300}",
        "\\{\"(access_token|exp|error|scope|x)\":(\"[a-zA-Z0-9.:/_-]{0,40}\"|[0-9]{1,30}|\\[1,\"a\"\\]|\\{\\}|null)\\}",
    ];
    let headers = prop::collection::vec(("[a-zA-Z-]{0,20}", ".{0,40}"), 0..5);
    run(
        cases,
        (any::<u16>(), headers, body),
        |(status, headers, body)| {
            let _ = mask_text(&body);
            let outcome = Outcome::Response(ResponseRecord {
                status,
                headers,
                body,
                truncated: false,
                tls: None,
            });
            let _ = normalise(&outcome).to_string();
            Ok(())
        },
    )
}

/// Cases from `PROPTEST_CASES`, else `default`.
pub fn cases_from_env(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn no_parser_panics_on_hostile_input() {
    // A few thousand cases each, unless PROPTEST_CASES says otherwise.
    let cases = cases_from_env(3_000);
    let failures: Vec<String> = PROPERTIES
        .iter()
        .filter_map(|p| (p.run)(cases).err().map(|e| format!("{}: {e}", p.name)))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
