//! Benchmark: the whole catalogue against the built-in mock, several times, in one process,
//! with the default `--jobs` and with `--jobs 1`. Prints the wall time of each run (min /
//! median / max), the CPU per step against the floor (one full TLS handshake with a client
//! certificate plus one PS256 signature, measured here the same way), and the process's peak
//! memory.
//!
//! `cargo bench --bench full_run` (release build). `OFPC_BENCH_RUNS=N` changes the run count.
//! CPU counts both sides (the mock runs in this process), for the runs and the floor alike.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use ofp_conformance::app::mock_target;
use ofp_conformance::config::Profile;
use ofp_conformance::mock::{MockOptions, MockPki, MockServer};
use ofp_conformance::plan::{Filters, plan};
use ofp_conformance::run::{RunInput, run};

/// CPU time (user + system) of this process so far, from /proc (Linux; clock ticks of 10 ms).
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces) start at field 3.
    let rest = stat.rsplit_once(") ").map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime and stime are fields 14 and 15, i.e. 11 and 12 after the state field (3).
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn spread(label: &str, times: &mut [Duration]) -> Duration {
    times.sort();
    let median = times[times.len() / 2];
    println!(
        "  {label}: min {:.1} ms, median {:.1} ms, max {:.1} ms",
        ms(times[0]),
        ms(median),
        ms(times[times.len() - 1])
    );
    median
}

/// The floor of one step: a full TLS handshake with the client certificate (and the smallest
/// HTTP exchange over it) plus one PS256 signature, as CPU per iteration.
fn floor(rt: &tokio::runtime::Runtime, target: &ofp_conformance::config::Target) -> Duration {
    use ofp_conformance::execute::transport::{Transport, WireRequest, url_lite::Url};
    let transport = Transport::for_target(target);
    let url = match &target.endpoints {
        ofp_conformance::config::Endpoints::Discovery(u) => u.clone(),
        ofp_conformance::config::Endpoints::Static { token_endpoint, .. } => token_endpoint.clone(),
    };
    let request = WireRequest {
        method: "GET".into(),
        url: Url::parse(&url).expect("url"),
        headers: Vec::new(),
        body: Vec::new(),
    };
    let signing = target.client.signing.as_ref().expect("a signing key");
    let pem = signing.pem.expose();
    let input = b"eyJhbGciOiJQUzI1NiJ9.eyJzdWIiOiJjIn0";
    let n = 200;
    // The two PS256 signers, compared: jsonwebtoken's rust_crypto backend (the rsa crate) and
    // ring (what ofpc signs with).
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(pem.as_bytes()).expect("key");
    let cpu = cpu_time();
    for _ in 0..n {
        jsonwebtoken::crypto::sign(input, &key, jsonwebtoken::Algorithm::PS256).expect("PS256");
    }
    let rsa_crate = (cpu_time() - cpu) / n;
    let cpu = cpu_time();
    for _ in 0..n {
        ofp_conformance::jose::ps256::sign(pem, input).expect("PS256");
    }
    let ring = (cpu_time() - cpu) / n;
    println!(
        "PS256 signature, CPU each: rsa crate (jsonwebtoken rust_crypto) {:.2} ms, ring {:.2} ms",
        ms(rsa_crate),
        ms(ring)
    );
    let cpu = cpu_time();
    for _ in 0..n {
        ofp_conformance::jose::ps256::sign(pem, input).expect("PS256");
        rt.block_on(transport.send(&request, "floor", Some(&target.client.identity)))
            .expect("the mock answers");
    }
    (cpu_time() - cpu) / n
}

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
        .block_on(MockServer::start_with_pki(
            pki.clone(),
            MockOptions::default(),
        ))
        .expect("mock");
    let scenarios = ofp_conformance::app::load_scenarios(None).expect("catalogue");
    let floor_target = mock_target(server.materials(), Profile::Ofm).expect("target");
    let floor_cpu = floor(&rt, &floor_target);
    let default_jobs = ofp_conformance::run::jobs_for(None, &floor_target);
    let mut count = 0;
    let mut steps = 0;
    for jobs in [default_jobs, 1] {
        let mut times: Vec<Duration> = Vec::new();
        let mut cpus: Vec<Duration> = Vec::new();
        for _ in 0..runs {
            let target = mock_target(server.materials(), Profile::Ofm).expect("target");
            let cases = plan(
                scenarios.clone(),
                &target,
                Profile::Ofm,
                &Filters::default(),
            );
            let (t, cpu) = (Instant::now(), cpu_time());
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
            cpus.push(cpu_time() - cpu);
            count = outcome.results.len();
            steps = outcome.results.iter().map(|r| r.steps.len()).sum();
            assert!(
                outcome.results.iter().all(|r| r.verdict.as_str() == "pass"),
                "the strict mock must pass"
            );
        }
        println!(
            "full catalogue against the mock, --jobs {jobs}: {count} scenarios, {steps} steps, {runs} runs"
        );
        spread("wall time per run", &mut times);
        let cpu = spread("CPU per run (both sides)", &mut cpus);
        let per_step = cpu / steps.max(1) as u32;
        println!(
            "  CPU per step (median): {:.2} ms; floor (TLS handshake with client cert + PS256): {:.2} ms; ratio {:.2}",
            ms(per_step),
            ms(floor_cpu),
            per_step.as_secs_f64() / floor_cpu.as_secs_f64().max(1e-9)
        );
    }
    rt.block_on(server.shutdown());
    // A target 50 ms away (as `ofpc mock --latency 50`), at the default --jobs.
    let slow = rt
        .block_on(MockServer::start_with_pki(
            pki,
            MockOptions {
                latency_ms: 50,
                ..MockOptions::default()
            },
        ))
        .expect("mock");
    let mut times = Vec::new();
    for _ in 0..runs.min(3) {
        let target = mock_target(slow.materials(), Profile::Ofm).expect("target");
        let jobs = ofp_conformance::run::jobs_for(None, &target);
        let cases = plan(
            scenarios.clone(),
            &target,
            Profile::Ofm,
            &Filters::default(),
        );
        let t = Instant::now();
        rt.block_on(run(
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
    }
    rt.block_on(slow.shutdown());
    println!("full catalogue against a mock with 50 ms latency, default --jobs ({default_jobs}):");
    spread("wall time per run", &mut times);
    println!("  PKI generation (once): {:.0} ms", ms(pki_time));
    match peak_rss_kib() {
        Some(kib) => println!("  peak memory (VmHWM): {:.1} MiB", kib as f64 / 1024.0),
        None => println!("  peak memory: unavailable on this platform"),
    }
}
