//! The application: flags in, exit code out. Resolves options, wires the stages, prints.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use clap::Parser;

use crate::cli::Cli;
use crate::cli::args::{Command, ListArgs, MockArgs, RunArgs};
use crate::config::{Profile, Target, load_target};
use crate::errors::{InputError, did_you_mean};
use crate::execute::{RunEvent, RunInput, run};
use crate::exit_codes;
use crate::mock::{Fault, MockMaterials, MockOptions, MockServer};
use crate::plan::{Filters, plan};
use crate::report::build::{RunFacts, assemble};
use crate::report::model::{Report, TargetInfo, Verdict};
use crate::report::terminal::{Style, scenario_line, summary};
use crate::scenario::{Scenario, catalogue};

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
            Command::Run(args) => run_command(args).await,
            Command::List(args) => list_command(args),
            Command::Mock(args) => mock_command(args).await,
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

fn parse_profile(name: Option<&str>) -> Result<Option<Profile>, InputError> {
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

async fn run_command(args: RunArgs) -> Result<u8, InputError> {
    let profile_flag = parse_profile(args.profile.as_deref())?;
    let faults = parse_faults(&args.fault)?;
    let scenarios = load_scenarios(args.scenarios.as_deref())?;
    let filters = Filters::new(&args.only, &args.skip)?;
    let (target, mock) = match &args.target {
        Some(path) => {
            if !faults.is_empty() {
                return Err(InputError::new("--fault applies to the built-in mock only")
                    .hint("leave out --target to test the mock with faults"));
            }
            (load_target(path, profile_flag)?, None)
        }
        None => {
            let server = MockServer::start(MockOptions {
                faults: faults.clone(),
                ..MockOptions::default()
            })
            .await
            .map_err(|e| InputError::new(format!("cannot start the built-in mock: {e}")))?;
            let target = Target::from_mock(server.materials(), profile_flag.unwrap_or_default())?;
            (target, Some(server))
        }
    };
    let options = RunOptions {
        out: args.out.clone(),
        style: Style::detect(args.quiet),
        strict: args.strict,
        faults: faults.iter().map(|f| f.name().to_string()).collect(),
        mock: mock.is_some(),
    };
    let cases = plan(scenarios, &target, target.profile, &filters);
    let (report, path) = execute(target, cases, &options).await?;
    if let Some(server) = mock {
        server.shutdown().await;
    }
    println!("{}", summary(options.style, &report, &path));
    Ok(exit_code(&report, options.strict))
}

/// Resolved options of a run.
pub struct RunOptions {
    pub out: PathBuf,
    pub style: Style,
    pub strict: bool,
    pub faults: Vec<String>,
    pub mock: bool,
}

fn timestamp(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Runs the planned cases, prints a line per scenario, writes `report.json` atomically.
pub async fn execute(
    target: Target,
    cases: Vec<crate::plan::Case>,
    options: &RunOptions,
) -> Result<(Report, PathBuf), InputError> {
    let interrupted = Arc::new(AtomicBool::new(false));
    let flag = interrupted.clone();
    let ctrl_c = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            flag.store(true, Ordering::SeqCst);
        }
    });
    let started_at = time::OffsetDateTime::now_utc();
    let clock = Instant::now();
    let target_name = target.name.clone();
    let profile = target.profile;
    let style = options.style;
    let outcome = run(
        RunInput {
            target,
            profile,
            cases,
            interrupted: interrupted.clone(),
        },
        |event| match event {
            RunEvent::Started { notices, .. } => {
                for n in notices {
                    eprintln!("notice: {n}");
                }
            }
            RunEvent::ScenarioFinished { result, .. } => {
                if let Some(line) = scenario_line(style, result) {
                    println!("{line}");
                }
            }
        },
    )
    .await;
    ctrl_c.abort();
    let finished_at = time::OffsetDateTime::now_utc();
    let run_id = format!(
        "{}-{}",
        started_at
            .format(time::macros::format_description!(
                "[year][month][day]T[hour][minute][second]Z"
            ))
            .unwrap_or_default(),
        sanitize(&target_name)
    );
    let (issuer, token_endpoint) = outcome
        .resolved
        .as_ref()
        .map(|r| (r.issuer.clone(), r.token_url().to_string()))
        .unwrap_or_default();
    let report = assemble(
        RunFacts {
            run_id: run_id.clone(),
            target: TargetInfo {
                name: target_name,
                issuer,
                token_endpoint,
                mock: options.mock,
                faults: options.faults.clone(),
            },
            profile: profile.as_str().to_string(),
            started_at: timestamp(started_at),
            finished_at: timestamp(finished_at),
            duration_ms: clock.elapsed().as_millis() as u64,
            complete: outcome.complete && !interrupted.load(Ordering::SeqCst),
            notices: outcome.notices,
        },
        outcome.results,
    );
    let dir = unique_dir(&options.out, &run_id);
    let path = dir.join("report.json");
    crate::report::write::write_atomic(&path, crate::report::json::render(&report).as_bytes())
        .map_err(|e| {
            InputError::new(format!("cannot write {}: {e}", path.display()))
                .hint("check that --out names a writable folder")
        })?;
    Ok((report, path))
}

fn sanitize(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn unique_dir(out: &Path, run_id: &str) -> PathBuf {
    let mut dir = out.join(run_id);
    let mut n = 2;
    while dir.exists() {
        dir = out.join(format!("{run_id}-{n}"));
        n += 1;
    }
    dir
}

/// The exit code a report deserves (design.md "Verdicts and exit codes").
pub fn exit_code(report: &Report, strict: bool) -> u8 {
    let s = &report.summary;
    if !report.complete {
        return exit_codes::INTERRUPTED;
    }
    let ran = s.total - s.skipped;
    if s.failed > 0 || (strict && s.warned > 0) {
        return exit_codes::FAILURES;
    }
    if ran > 0 && s.errored == ran {
        return exit_codes::UNTESTABLE;
    }
    if s.errored > 0 {
        // Some scenarios could not be tested: the run proves nothing about them.
        return exit_codes::UNTESTABLE;
    }
    if report.scenarios.iter().any(|r| r.verdict == Verdict::Drift) && strict {
        return exit_codes::FAILURES;
    }
    exit_codes::OK
}

fn list_command(args: ListArgs) -> Result<u8, InputError> {
    let profile_flag = parse_profile(args.profile.as_deref())?;
    let scenarios = load_scenarios(args.scenarios.as_deref())?;
    let target = args
        .target
        .as_deref()
        .map(|p| load_target(p, profile_flag))
        .transpose()?;
    match &target {
        Some(target) => {
            for case in plan(scenarios, target, target.profile, &Filters::default()) {
                let s = &case.scenario;
                let applies = match &case.skip {
                    None => "applies".to_string(),
                    Some(reason) => format!("skipped: {reason}"),
                };
                println!(
                    "{:<34} {:<17} {:<5} {}  [{applies}]",
                    s.id,
                    s.category,
                    s.severity.as_str(),
                    s.title
                );
            }
        }
        None => {
            let mut scenarios = scenarios;
            scenarios.sort_by(|a, b| a.category.cmp(&b.category).then(a.id.cmp(&b.id)));
            for s in scenarios {
                println!(
                    "{:<34} {:<17} {:<5} {}",
                    s.id,
                    s.category,
                    s.severity.as_str(),
                    s.title
                );
            }
        }
    }
    Ok(exit_codes::OK)
}

async fn mock_command(args: MockArgs) -> Result<u8, InputError> {
    if args.list_faults {
        for f in Fault::ALL {
            println!("{:<26} {}", f.name(), f.description());
        }
        return Ok(exit_codes::OK);
    }
    let faults = parse_faults(&args.fault)?;
    let server = MockServer::start(MockOptions {
        port: args.port,
        faults,
        latency_ms: args.latency,
        ..MockOptions::default()
    })
    .await
    .map_err(|e| {
        InputError::new(format!("cannot start the mock: {e}"))
            .hint("pick another --port, or leave it out for a free one")
    })?;
    let dir = match args.dir {
        Some(d) => d,
        None => tempfile::Builder::new()
            .prefix("ofpc-mock-")
            .tempdir()
            .map_err(|e| InputError::new(format!("cannot create a temporary folder: {e}")))?
            .keep(),
    };
    let file = write_mock_target(server.materials(), &dir)?;
    println!("mock OFP listening on {}", server.materials().issuer);
    println!(
        "target file: {}  (test credentials generated for this run only)\n",
        file.display()
    );
    println!("{}", std::fs::read_to_string(&file).unwrap_or_default());
    println!("Ctrl-C to stop.");
    let _ = tokio::signal::ctrl_c().await;
    server.shutdown().await;
    Ok(exit_codes::OK)
}

/// Writes the mock's test credentials and a target file pointing at them; returns its path.
pub fn write_mock_target(m: &MockMaterials, dir: &Path) -> Result<PathBuf, InputError> {
    let write = |name: &str, text: &str| -> Result<(), InputError> {
        crate::report::write::write_atomic(&dir.join(name), text.as_bytes())
            .map_err(|e| InputError::new(format!("cannot write {}: {e}", dir.join(name).display())))
    };
    write("ca.pem", &m.ca_pem)?;
    let mut toml = format!(
        "# Target file for the ofpc built-in mock OFP (test credentials, generated at start).\nname = \"mock\"\nprofile = \"ofm\"\ndiscovery = \"{}\"\nresource = \"{}\"\nca = \"ca.pem\"\nungranted_scope = \"{}\"\n",
        m.discovery_url, m.resource_url, m.ungranted_scope
    );
    for (section, c) in [
        ("client", &m.client),
        ("second_client", &m.second_client),
        ("mtls_client", &m.mtls_client),
    ] {
        write(&format!("{section}.pem"), &c.cert_pem)?;
        write(&format!("{section}.key"), &c.key_pem)?;
        toml.push_str(&format!(
            "\n[{section}]\nclient_id = \"{}\"\nauth = \"{}\"\ntransport_cert = \"{section}.pem\"\ntransport_key = \"{section}.key\"\nscope = \"{}\"\n",
            c.client_id, c.auth, c.scope
        ));
        if let (Some(key), Some(kid)) = (&c.signing_key_pem, &c.signing_kid) {
            write(&format!("{section}-signing.key"), key)?;
            toml.push_str(&format!(
                "signing_key = \"{section}-signing.key\"\nsigning_kid = \"{kid}\"\n"
            ));
        }
    }
    let path = dir.join("target.toml");
    write("target.toml", &toml)?;
    Ok(path)
}
