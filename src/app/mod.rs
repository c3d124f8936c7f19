//! The application: flags in, exit code out. Resolves options, wires the stages, prints.

mod doctor;
mod evidence;
mod list;
mod mock;
mod mock_target;
mod pki;
pub mod preflight;
mod report_cmd;
mod run;
mod token;
mod valid_token;
mod verify;

use std::path::Path;
use std::process::ExitCode;

use clap::Parser;

use crate::cli::Cli;
use crate::cli::args::Command;
use crate::config::Profile;
use crate::errors::{InputError, did_you_mean};
use crate::exit_codes;
use crate::mock::Fault;
use crate::model::Verdict;
use crate::report::model::Report;
use crate::scenario::{Scenario, catalogue};

pub use mock::write_mock_target;
pub use mock_target::mock_target;
pub use run::{RunOptions, execute, finish_report, write_outputs};

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(exit_codes::UNTESTABLE);
        }
    };
    let code = runtime.block_on(async {
        match cli.command {
            Command::Run(args) => run::run_command(*args).await,
            Command::List(args) => list::list_command(args),
            Command::Mock(args) => mock::mock_command(args).await,
            Command::Report(cmd) => report_cmd::report_command(cmd),
            Command::Pki(cmd) => pki::pki_command(cmd),
            Command::Doctor(args) => doctor::doctor_command(args).await,
            Command::Token(args) => token::token_command(args).await,
            Command::Verify(args) => verify::verify_command(args),
        }
    });
    match code {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            eprintln!("{}", err.render());
            ExitCode::from(err.exit_code())
        }
    }
}

/// Parses `--profile`, with the nearest name on a typo.
pub fn parse_profile(name: Option<&str>) -> Result<Option<Profile>, InputError> {
    name.map(|n| {
        Profile::parse(n).ok_or_else(|| {
            let mut err = InputError::new(format!("unknown profile `{n}`"));
            if let Some(near) = did_you_mean(n, Profile::names()) {
                err = err.hint(format!("did you mean `{near}`?"));
            }
            err.hint(format!("valid profiles: {}", Profile::names().join(", ")))
        })
    })
    .transpose()
}

/// Parses `--fault` names, with the nearest name on a typo.
pub fn parse_faults(names: &[String]) -> Result<Vec<Fault>, InputError> {
    names
        .iter()
        .map(|n| {
            Fault::from_name(n).ok_or_else(|| {
                let mut err = InputError::new(format!("unknown fault `{n}`"));
                if let Some(near) = did_you_mean(n, Fault::ALL.iter().map(|f| f.name())) {
                    err = err.hint(format!("did you mean `{near}`?"));
                }
                err.hint("`ofpc mock --list-faults` lists them")
            })
        })
        .collect()
}

/// The built-in catalogue plus a user's folder.
pub fn load_scenarios(extra: Option<&Path>) -> Result<Vec<Scenario>, InputError> {
    let mut all = catalogue::builtin()?;
    if let Some(dir) = extra {
        all.extend(crate::scenario::load_dir(dir)?);
    }
    crate::scenario::parse::check_unique(&all)?;
    Ok(all)
}

/// The library form of `ofpc run` without output: the built-in catalogue, filtered and planned
/// for `target` (at its profile), run to the end. The test suites and the benchmark use it.
pub async fn run_catalogue(
    target: crate::config::Target,
    filters: &crate::plan::Filters,
) -> Result<crate::run::RunOutcome, InputError> {
    let scenarios = load_scenarios(None)?;
    let profile = target.profile;
    let cases = crate::plan::plan(scenarios, &target, profile, filters);
    let interrupted = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let jobs = crate::run::jobs_for(None, &target);
    Ok(crate::run::run(
        crate::run::RunInput {
            target,
            profile,
            cases,
            interrupted,
            jobs,
        },
        |_| {},
    )
    .await)
}

/// The exit code a report deserves (design.md "Verdicts and exit codes").
pub fn exit_code(report: &Report, strict: bool) -> u8 {
    let s = &report.summary;
    if !report.complete {
        return exit_codes::INTERRUPTED;
    }
    if s.failed > 0
        || !report.run_failures.is_empty()
        || (strict && (s.warned > 0 || s.drifted > 0))
    {
        return exit_codes::FAILURES;
    }
    if s.errored > 0 {
        // Some scenarios could not be tested: the run proves nothing about them.
        return exit_codes::UNTESTABLE;
    }
    if report.scenarios.iter().all(|r| r.verdict == Verdict::Skip) && !report.scenarios.is_empty() {
        return exit_codes::UNTESTABLE;
    }
    exit_codes::OK
}
