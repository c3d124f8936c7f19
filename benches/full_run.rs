//! Benchmark: the whole catalogue against the built-in mock, several times, in one process.
//! Prints the wall time of each run (min / median / max) and the process's peak memory.
//!
//! `cargo bench --bench full_run` (release build). `OFPC_BENCH_RUNS=N` changes the run count.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use ofp_conformance::app::mock_target;
use ofp_conformance::config::Profile;
use ofp_conformance::mock::{MockOptions, MockPki, MockServer};
use ofp_conformance::plan::{Filters, plan};
use ofp_conformance::run::{RunInput, run};

/// Peak resident set size of this process, from /proc (Linux).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

fn main() {
    let runs: usize = std::env::var("OFPC_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let _ = rustls::crypto::ring::default_provider().install_default();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let started = Instant::now();
    let pki = Arc::new(MockPki::generate().expect("PKI"));
    let pki_time = started.elapsed();
    let server = rt
        .block_on(MockServer::start_with_pki(pki, MockOptions::default()))
        .expect("mock");
    let scenarios = ofp_conformance::app::load_scenarios(None).expect("catalogue");
    let mut times: Vec<Duration> = Vec::new();
    let mut count = 0;
    let mut steps = 0;
    for _ in 0..runs {
        let target = mock_target(server.materials(), Profile::Ofm).expect("target");
        let cases = plan(
            scenarios.clone(),
            &target,
            Profile::Ofm,
            &Filters::default(),
        );
        let jobs = ofp_conformance::run::jobs_for(None, &target);
        let t = Instant::now();
        let outcome = rt.block_on(run(
            RunInput {
                target,
                profile: Profile::Ofm,
                cases,
                interrupted: Arc::new(AtomicBool::new(false)),
                jobs,
            },
            |_| {},
        ));
        times.push(t.elapsed());
        count = outcome.results.len();
        steps = outcome.results.iter().map(|r| r.steps.len()).sum();
        assert!(
            outcome.results.iter().all(|r| r.verdict.as_str() == "pass"),
            "the strict mock must pass"
        );
    }
    rt.block_on(server.shutdown());
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("full catalogue against the mock: {count} scenarios, {steps} steps, {runs} runs");
    println!("  PKI generation (once): {:.0} ms", ms(pki_time));
    println!(
        "  wall time per run: min {:.1} ms, median {:.1} ms, max {:.1} ms",
        ms(times[0]),
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1])
    );
    println!(
        "  per step (median): {:.2} ms",
        ms(times[times.len() / 2]) / steps.max(1) as f64
    );
    match peak_rss_kib() {
        Some(kib) => println!("  peak memory (VmHWM): {:.1} MiB", kib as f64 / 1024.0),
        None => println!("  peak memory: unavailable on this platform"),
    }
}
