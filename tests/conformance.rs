//! The conformance suite as a cargo test target (libtest-mimic, `harness = false`): one trial
//! per scenario, against the built-in mock by default or against the target file named by
//! `OFPC_TARGET`. Each step's normalised response is an insta snapshot under
//! `fixtures/snapshots/<target name>/`, so a change of behaviour shows up as a snapshot diff.
//!
//! `cargo test --test conformance`, `cargo nextest run --test conformance`,
//! `OFPC_TARGET=sandbox.toml cargo test --test conformance -- jwt-`.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use libtest_mimic::{Arguments, Failed, Trial};
use ofp_conformance::app::mock_target;
use ofp_conformance::config::{Endpoints, Target, load_target};
use ofp_conformance::mock::{MockOptions, MockServer};
use ofp_conformance::model::{CheckStatus, ScenarioResult, Verdict};
use ofp_conformance::plan::{Case, Filters, plan};
use ofp_conformance::run::{RunInput, run};
use ofp_conformance::snapshot::normalise::normalise;
use ofp_conformance::snapshot::origin::TargetOrigins;

fn setup(rt: &tokio::runtime::Runtime) -> Result<(Target, Option<MockServer>), String> {
    match std::env::var_os("OFPC_TARGET") {
        Some(path) => Ok((
            load_target(&PathBuf::from(path), None).map_err(|e| e.render())?,
            None,
        )),
        None => {
            let server = rt
                .block_on(MockServer::start(MockOptions::default()))
                .map_err(|e| e.to_string())?;
            let target =
                mock_target(server.materials(), Default::default()).map_err(|e| e.render())?;
            Ok((target, Some(server)))
        }
    }
}

fn failures(result: &ScenarioResult) -> String {
    let mut lines = vec![format!("{} is {}", result.id, result.verdict.as_str())];
    if let Some(reason) = &result.reason {
        lines.push(format!("  {reason}"));
    }
    for step in &result.steps {
        for c in step.checks.iter().filter(|c| c.status == CheckStatus::Fail) {
            lines.push(format!(
                "  step {} {}: expected {}; got {}",
                step.index, c.id, c.expected, c.actual
            ));
        }
    }
    lines.join("\n")
}

fn trial_for(case: Case, target: Arc<Target>, rt: Arc<tokio::runtime::Runtime>) -> Trial {
    let id = case.scenario.id.clone();
    let kind = case.scenario.category.clone();
    let ignored = case.skip.is_some();
    // Snapshots are kept per target: `mock`, or the target file's name.
    let snapshot_dir = target.name.clone();
    Trial::test(id.clone(), move || {
        let target = (*target).clone();
        let target_origin = match &target.endpoints {
            Endpoints::Discovery(url) => url.clone(),
            Endpoints::Static { issuer, .. } => issuer.clone(),
        };
        let profile = target.profile;
        let outcome = rt.block_on(run(
            RunInput {
                target,
                profile,
                cases: vec![case],
                interrupted: Arc::new(AtomicBool::new(false)),
                jobs: 1,
            },
            |_| {},
        ));
        let result = outcome
            .results
            .into_iter()
            .next()
            .ok_or("the scenario did not run")?;
        if !matches!(
            result.verdict,
            Verdict::Pass | Verdict::Warn | Verdict::Skip
        ) {
            return Err(Failed::from(failures(&result)));
        }
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("fixtures/snapshots")
                .join(&snapshot_dir),
        );
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        let origins = TargetOrigins::new([target_origin.as_str()]);
        settings.bind(|| {
            for step in &result.steps {
                insta::assert_json_snapshot!(
                    format!("{}__step{}", result.id, step.index),
                    origins.mask(normalise(&step.outcome))
                );
            }
        });
        Ok(())
    })
    .with_kind(kind)
    .with_ignored_flag(ignored)
}

fn main() {
    let args = Arguments::from_args();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let rt = Arc::new(
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime"),
    );
    let (target, mock) = match setup(&rt) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let scenarios =
        ofp_conformance::app::load_scenarios(None).expect("the built-in catalogue parses");
    let cases = plan(scenarios, &target, target.profile, &Filters::default());
    let target = Arc::new(target);
    let trials: Vec<Trial> = cases
        .into_iter()
        .map(|case| trial_for(case, target.clone(), rt.clone()))
        .collect();
    let conclusion = libtest_mimic::run(&args, trials);
    if let Some(server) = mock {
        rt.block_on(server.shutdown());
    }
    conclusion.exit();
}
