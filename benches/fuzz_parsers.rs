//! A long run of the hostile-input properties (`tests/hostile_input.rs`): a million cases of
//! each unless `PROPTEST_CASES` says otherwise. `cargo bench --bench fuzz_parsers`.

#[path = "../tests/hostile_input.rs"]
mod hostile_input;

use std::time::Instant;

fn main() {
    let cases = hostile_input::cases_from_env(1_000_000);
    let mut failed = false;
    for hostile_input::Property { name, run } in hostile_input::PROPERTIES {
        let started = Instant::now();
        match run(cases) {
            Ok(()) => println!(
                "{name}: {cases} cases, no panic, {:.1} s",
                started.elapsed().as_secs_f64()
            ),
            Err(e) => {
                failed = true;
                println!(
                    "{name}: FAILED after {:.1} s: {e}",
                    started.elapsed().as_secs_f64()
                );
            }
        }
    }
    if failed {
        std::process::exit(1);
    }
}
