//! The detection matrix: every fault of the mock makes exactly its scenarios fail, the strict
//! mock passes everything, and every scenario is caught by at least one fault.

use std::collections::BTreeSet;
use std::sync::Arc;

use ofp_conformance::app::exit_code;
use ofp_conformance::app::mock_target;
use ofp_conformance::config::Profile;
use ofp_conformance::mock::faults::{NO_FAULT, PROVEN_ELSEWHERE};
use ofp_conformance::mock::{Fault, MockOptions, MockPki, MockServer};
use ofp_conformance::model::{CheckStatus, Verdict};
use ofp_conformance::plan::Filters;
use ofp_conformance::report::build::{RunFacts as ReportFacts, assemble};
use ofp_conformance::report::model::TargetInfo;

// What each fault must break is described once, in the fault table of `src/mock/faults.rs`
// (`Fault::breaks`): the scenarios that must not pass (all others must pass), the step checks
// that must fail or warn, whether the run only warns, and whether it skips all but discovery.

/// What one run produced.
struct RunFacts {
    /// `id=verdict` of every scenario that did not pass.
    bad: BTreeSet<String>,
    total: usize,
    /// Check ids that failed or warned.
    broken_checks: BTreeSet<String>,
    /// Every check id produced.
    checks: BTreeSet<String>,
    /// `ofpc run`'s exit code for this run, without and with `--strict`.
    exit: (u8, u8),
}

async fn not_passing(pki: Arc<MockPki>, faults: Vec<Fault>) -> RunFacts {
    let server = MockServer::start_with_pki(
        pki,
        MockOptions {
            faults,
            ..MockOptions::default()
        },
    )
    .await
    .expect("mock starts");
    let target = mock_target(server.materials(), Profile::Ofm).expect("mock target");
    let outcome = ofp_conformance::app::run_catalogue(target, &Filters::default())
        .await
        .expect("catalogue");
    server.shutdown().await;
    let report = assemble(
        ReportFacts {
            run_id: "matrix".into(),
            target: TargetInfo {
                name: "mock".into(),
                issuer: String::new(),
                token_endpoint: String::new(),
                mock: true,
                faults: Vec::new(),
            },
            profile: "ofm".into(),
            started_at: String::new(),
            finished_at: String::new(),
            duration_ms: 0,
            complete: true,
            notices: Vec::new(),
        },
        outcome.results.clone(),
    );
    let exit = (exit_code(&report, false), exit_code(&report, true));
    let total = outcome.results.len();
    let all_checks = || {
        outcome
            .results
            .iter()
            .flat_map(|r| r.steps.iter())
            .flat_map(|s| s.checks.iter())
    };
    let broken_checks = all_checks()
        .filter(|c| matches!(c.status, CheckStatus::Fail | CheckStatus::Warn))
        .map(|c| c.id.clone())
        .collect();
    let checks = all_checks().map(|c| c.id.clone()).collect();
    let bad = outcome
        .results
        .iter()
        .filter(|r| r.verdict != Verdict::Pass)
        .map(|r| format!("{}={}", r.id, r.verdict.as_str()))
        .collect();
    RunFacts {
        bad,
        total,
        broken_checks,
        checks,
        exit,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_fails_exactly_its_scenarios() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let pki = Arc::new(
        tokio::task::spawn_blocking(MockPki::generate)
            .await
            .unwrap()
            .expect("PKI"),
    );
    let catalogue = ofp_conformance::app::load_scenarios(None).expect("catalogue");
    let all_ids: BTreeSet<String> = catalogue.iter().map(|s| s.id.clone()).collect();
    let discovery: BTreeSet<String> = catalogue
        .iter()
        .filter(|s| s.category == "discovery")
        .map(|s| s.id.clone())
        .collect();
    let non_discovery: BTreeSet<String> = all_ids.difference(&discovery).cloned().collect();

    // Every scenario the fault table names is known.
    for fault in Fault::ALL {
        let breaks = fault.breaks();
        for id in breaks
            .listed()
            .unwrap_or_default()
            .iter()
            .chain(breaks.except)
        {
            assert!(
                all_ids.contains(*id),
                "the fault table's row `{fault}` names unknown scenario `{id}`"
            );
        }
    }

    let strict = not_passing(pki.clone(), Vec::new()).await;
    assert!(
        strict.bad.is_empty(),
        "the strict mock must pass everything, not: {:?}",
        strict.bad
    );
    assert_eq!(strict.total, all_ids.len());
    // Every check id the strict run produces is broken by some fault (or says why not).
    let covered: BTreeSet<&str> = Fault::ALL
        .iter()
        .flat_map(|f| f.breaks().checks.iter().map(|c| c.as_str()))
        .chain(NO_FAULT.iter().map(|(id, _)| id.as_str()))
        .collect();
    let uncovered: Vec<&String> = strict
        .checks
        .iter()
        .filter(|id| !covered.contains(id.as_str()))
        .collect();
    assert!(
        uncovered.is_empty(),
        "check ids no fault breaks (add them to a fault's `checks` in src/mock/faults.rs): {uncovered:?}"
    );

    let mut tasks = Vec::new();
    for &fault in Fault::ALL {
        let pki = pki.clone();
        tasks.push((fault, tokio::spawn(not_passing(pki, vec![fault]))));
    }
    let mut caught: BTreeSet<String> = BTreeSet::new();
    let mut mismatches = Vec::new();
    for (fault, task) in tasks {
        let facts = task.await.expect("run task");
        let name = fault.name();
        let breaks = fault.breaks();
        let expected_exit = if breaks.warns_only { (0, 1) } else { (1, 1) };
        if facts.exit != expected_exit {
            mismatches.push(format!(
                "{name}: `ofpc run --fault {name}` would exit {} ({} with --strict), expected {} ({})",
                facts.exit.0, facts.exit.1, expected_exit.0, expected_exit.1
            ));
        }
        for id in breaks.checks {
            if !facts.broken_checks.contains(id.as_str()) {
                mismatches.push(format!(
                    "{name}: check `{id}` should fail or warn, broken were {:?}",
                    facts.broken_checks
                ));
            }
        }
        let bad = facts.bad;
        let mut got: BTreeSet<String> = bad
            .iter()
            .map(|b| b.split('=').next().unwrap_or_default().to_string())
            .collect();
        if breaks.skips_the_rest {
            let wrong: Vec<&String> = non_discovery
                .iter()
                .filter(|id| !bad.contains(&format!("{id}=skip")))
                .collect();
            if !wrong.is_empty() {
                mismatches.push(format!("{name}: expected Skip for {wrong:?}, got {bad:?}"));
            }
            got.retain(|id| !non_discovery.contains(id));
        }
        let expected: BTreeSet<String> = match breaks.listed() {
            Some(ids) => ids.iter().map(|s| s.to_string()).collect(),
            // Scenarios::AllHttp
            None => all_ids
                .iter()
                .filter(|id| !PROVEN_ELSEWHERE.iter().any(|(p, _)| p == id))
                .filter(|id| !discovery.contains(*id))
                .cloned()
                .collect(),
        };
        if got != expected {
            mismatches.push(format!(
                "{name}: expected not passing {expected:?}, got {bad:?}"
            ));
        }
        caught.extend(got);
    }
    assert!(
        mismatches.is_empty(),
        "fault matrix mismatches:\n{}",
        mismatches.join("\n")
    );
    let uncaught: Vec<&String> = all_ids
        .iter()
        .filter(|id| !caught.contains(*id) && !PROVEN_ELSEWHERE.iter().any(|(p, _)| p == id))
        .collect();
    assert!(
        uncaught.is_empty(),
        "scenarios no fault can make fail: {uncaught:?}"
    );
}

/// The `[F]` audience rows under `fapi2-final` (the matrix runs `ofm`, where they only record):
/// the strict mock passes them, and `skip-aud-check` makes both fail.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aud_rows_fail_under_final_when_the_aud_check_is_skipped() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let rows = ["jwt-aud-mtls-alias", "jwt-aud-token-endpoint"];
    for (faults, want) in [
        (Vec::new(), Verdict::Pass),
        (vec![Fault::SkipAudCheck], Verdict::Fail),
    ] {
        let server = MockServer::start(MockOptions {
            faults: faults.clone(),
            ..MockOptions::default()
        })
        .await
        .expect("mock starts");
        let target = mock_target(server.materials(), Profile::Fapi2Final).expect("mock target");
        let only: Vec<String> = rows.iter().map(|r| r.to_string()).collect();
        let filters = Filters::new(&only, &[]).expect("filters");
        let outcome = ofp_conformance::app::run_catalogue(target, &filters)
            .await
            .expect("catalogue");
        server.shutdown().await;
        assert_eq!(outcome.results.len(), rows.len());
        for r in &outcome.results {
            assert_eq!(r.verdict, want, "{faults:?}: {} {:?}", r.id, r.steps);
        }
    }
}
