//! The preflight of `ofpc run`: every input is read and checked before anything is started or
//! sent. Flags, scenario files, filters, the allow-list, the baseline, the target file with its
//! URLs, keys and certificates; then (called by `run` after the evidence options) the `--out`
//! folder (created, a probe file written and removed). The first problem found is the one message
//! of the run, exit 2.

use std::path::Path;

use crate::cli::args::RunArgs;
use crate::config::{LoadOptions, Profile, Target, load_target_with};
use crate::errors::InputError;
use crate::mock::Fault;
use crate::plan::{Filters, allow};
use crate::report::json;
use crate::report::model::Report;
use crate::scenario::Scenario;

/// Everything `ofpc run` needs, checked.
pub struct Checked {
    pub profile: Option<Profile>,
    pub faults: Vec<Fault>,
    pub scenarios: Vec<Scenario>,
    pub filters: Filters,
    pub allow: Option<Vec<allow::AllowEntry>>,
    pub baseline: Option<Report>,
    /// The loaded target file; `None` means the built-in mock.
    pub target: Option<Target>,
}

/// Runs every check of `ofpc run`'s inputs, in the order a user reads the command line.
pub fn preflight(args: &RunArgs) -> Result<Checked, InputError> {
    let profile = super::parse_profile(args.profile.as_deref())?;
    let faults = super::parse_faults(&args.fault)?;
    let scenarios = super::load_scenarios(args.scenarios.as_deref())?;
    let filters = Filters::new(&args.only, &args.skip)?;
    filters.check_selects(scenarios.iter().map(|s| s.id.as_str()))?;
    let known_ids: Vec<String> = scenarios.iter().map(|s| s.id.clone()).collect();
    let allow = args
        .allow
        .as_deref()
        .map(|p| allow::load(p, &known_ids))
        .transpose()?;
    let baseline = args.baseline.as_deref().map(json::read).transpose()?;
    let target = match &args.target {
        Some(path) => {
            if !faults.is_empty() {
                return Err(InputError::new("--fault applies to the built-in mock only")
                    .hint("leave out --target to test the mock with faults"));
            }
            Some(load_target_with(
                path,
                LoadOptions {
                    profile,
                    allow_invalid_client_cert: args.allow_invalid_client_cert,
                },
            )?)
        }
        None => None,
    };
    Ok(Checked {
        profile,
        faults,
        scenarios,
        filters,
        allow,
        baseline,
        target,
    })
}

/// Makes sure the reports can be written before anything is sent: the folder exists (created if
/// missing) and a probe file can be written into it and removed.
pub fn check_out_dir(out: &Path) -> Result<(), InputError> {
    let shown = out.display();
    if out.exists() && !out.is_dir() {
        return Err(
            InputError::new(format!("--out {shown} is a file, not a folder"))
                .hint("name a folder for the reports (it is created if missing)"),
        );
    }
    std::fs::create_dir_all(out).map_err(|e| {
        InputError::new(format!("cannot create the --out folder {shown}: {e}"))
            .hint("name a folder you can write, e.g. --out reports")
    })?;
    let probe = out.join(format!(".ofpc-write-check-{}", std::process::id()));
    std::fs::write(&probe, b"ofpc").map_err(|e| {
        InputError::new(format!("cannot write into the --out folder {shown}: {e}"))
            .hint("name a folder you can write, e.g. --out reports")
    })?;
    std::fs::remove_file(&probe).map_err(|e| {
        InputError::new(format!(
            "cannot remove the probe file {} from the --out folder: {e}",
            probe.display()
        ))
        .hint("name a folder where you can create and delete files")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_must_be_a_writable_folder() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("file");
        std::fs::write(&file, "x").unwrap();
        assert_eq!(
            check_out_dir(&file).unwrap_err().render(),
            format!(
                "error: --out {} is a file, not a folder\n  hint: name a folder for the reports (it is created if missing)",
                file.display()
            )
        );
        let under_file = file.join("reports");
        assert!(
            check_out_dir(&under_file)
                .unwrap_err()
                .message
                .starts_with(&format!(
                    "cannot create the --out folder {}:",
                    under_file.display()
                ))
        );
        let fresh = dir.path().join("a/b");
        check_out_dir(&fresh).unwrap();
        assert!(fresh.is_dir());
        assert_eq!(
            std::fs::read_dir(&fresh).unwrap().count(),
            0,
            "probe removed"
        );
    }
}
