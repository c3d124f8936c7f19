//! `ofpc run`: plan, execute, judge, then the allow-list, the baseline, the reports, the exit code.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use crate::cli::args::{OutputFormat, RunArgs};
use crate::config::Target;
use crate::errors::InputError;
use crate::mock::{MockOptions, MockServer};
use crate::plan::{allow, plan};
use crate::report::build::{RunFacts, assemble};
use crate::report::model::{Report, TargetInfo};
use crate::report::reporter::{Event, FILE_FORMATS, JsonReporter, Reporter};
use crate::report::terminal::{Style, TerminalReporter};
use crate::report::write::write_atomic;
use crate::run::{RunInput, run};
use crate::snapshot::baseline::apply_baseline;
use crate::snapshot::normalise::normalise;
use crate::snapshot::origin::TargetOrigins;

/// Resolved options of a run.
pub struct RunOptions {
    pub out: PathBuf,
    pub style: Style,
    pub format: OutputFormat,
    pub faults: Vec<String>,
    pub mock: bool,
    /// `--jobs`, when given.
    pub jobs: Option<usize>,
}

pub async fn run_command(args: RunArgs) -> Result<u8, InputError> {
    let checked = super::preflight::preflight(&args)?;
    let mut evidence = super::evidence::Evidence::prepare(&args, &checked.scenarios)?;
    // Last, because it creates the folder: no input error may leave an empty --out behind.
    super::preflight::check_out_dir(&args.out)?;
    // Every input is checked; only now is anything started or sent.
    let (mut target, mock) = match checked.target {
        Some(target) => (target, None),
        None => {
            let server = MockServer::start(MockOptions {
                faults: checked.faults.clone(),
                ..MockOptions::default()
            })
            .await
            .map_err(|e| InputError::new(format!("cannot start the built-in mock: {e}")))?;
            let target =
                super::mock_target(server.materials(), checked.profile.unwrap_or_default())?;
            (target, Some(server))
        }
    };
    target.rate = args.rate.or(target.rate);
    if let Some(evidence) = &mut evidence {
        evidence.describe(&target);
    }
    let (faults, scenarios, filters) = (checked.faults, checked.scenarios, checked.filters);
    let (allow_entries, baseline) = (checked.allow, checked.baseline);
    let options = RunOptions {
        out: args.out.clone(),
        style: Style::detect(args.quiet || args.format == OutputFormat::Json),
        format: args.format,
        faults: faults.iter().map(|f| f.name().to_string()).collect(),
        mock: mock.is_some(),
        jobs: args.jobs.map(usize::from),
    };
    let cases = plan(scenarios, &target, target.profile, &filters);
    let mut reporter: Box<dyn Reporter> = match options.format {
        OutputFormat::Text => Box::new(
            TerminalReporter::new(options.style).deferring(
                allow_entries
                    .iter()
                    .flatten()
                    .map(|e| e.id.clone())
                    .collect(),
            ),
        ),
        OutputFormat::Json => Box::new(JsonReporter),
    };
    let mut report = execute(target, cases, &options, reporter.as_mut()).await;
    if let Some(server) = mock {
        server.shutdown().await;
    }
    finish_report(
        &mut report,
        allow_entries.as_deref(),
        baseline.as_ref(),
        args.fail_on_drift,
    );
    let path = write_outputs(&report, &options.out)?;
    if let Some(evidence) = &evidence {
        evidence.write(&report, &path)?;
    }
    reporter.handle(&Event::Finished {
        report: &report,
        written: &path,
    });
    Ok(super::exit_code(&report, args.strict))
}

fn timestamp(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Runs the planned cases and returns the report (snapshots filled in), printing as it goes.
pub async fn execute(
    target: Target,
    cases: Vec<crate::plan::Case>,
    options: &RunOptions,
    reporter: &mut dyn Reporter,
) -> Report {
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
    let jobs = crate::run::jobs_for(options.jobs, &target);
    let outcome = run(
        RunInput {
            target,
            profile,
            cases,
            interrupted: interrupted.clone(),
            jobs,
        },
        |event| reporter.handle(&Event::Run(event)),
    )
    .await;
    reporter.handle(&Event::RunDone);
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
    let origins = TargetOrigins::new(outcome.resolved.iter().flat_map(|r| {
        [Some(r.issuer.as_str()), Some(r.token_endpoint.as_str())]
            .into_iter()
            .chain([r.mtls_token_endpoint.as_deref()])
            .flatten()
    }));
    let mut results = outcome.results;
    for step in results.iter_mut().flat_map(|r| r.steps.iter_mut()) {
        step.snapshot = Some(origins.mask(normalise(&step.outcome)));
    }
    assemble(
        RunFacts {
            run_id,
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
        results,
    )
}

/// Applies the allow-list and the baseline to a finished report.
pub fn finish_report(
    report: &mut Report,
    allow: Option<&[allow::AllowEntry]>,
    baseline: Option<&Report>,
    fail_on_drift: bool,
) {
    if let Some(entries) = allow {
        let failures = allow::apply(
            &mut report.scenarios,
            entries,
            time::OffsetDateTime::now_utc().date(),
        );
        report.notices.extend(failures.iter().cloned());
        report.run_failures.extend(failures);
        report.recount();
    }
    if let Some(baseline) = baseline {
        apply_baseline(report, baseline, fail_on_drift);
    }
}

/// Writes report.json, junit.xml, report.md and report.html into a new folder under `out`,
/// each atomically. Returns the path of report.json.
pub fn write_outputs(report: &Report, out: &Path) -> Result<PathBuf, InputError> {
    let dir = unique_dir(out, &report.run_id);
    for format in &FILE_FORMATS {
        let path = dir.join(format.file_name);
        write_atomic(&path, (format.render)(report).as_bytes()).map_err(|e| {
            InputError::new(format!("cannot write {}: {e}", path.display()))
                .hint("check that --out names a writable folder")
        })?;
    }
    Ok(dir.join("report.json"))
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
