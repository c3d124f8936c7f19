//! `ofpc list`: one scenario per line, id first, in run order, with applicability when a target
//! is given (`--target` or `OFPC_TARGET`).

use std::io::Write;

use crate::cli::args::ListArgs;
use crate::config::load_target;
use crate::errors::InputError;
use crate::exit_codes;
use crate::plan::{Filters, plan};

pub fn list_command(args: ListArgs) -> Result<u8, InputError> {
    let profile_flag = super::parse_profile(args.profile.as_deref())?;
    let scenarios = super::load_scenarios(args.scenarios.as_deref())?;
    let target = args
        .target
        .as_deref()
        .map(|p| load_target(p, profile_flag))
        .transpose()?;
    let lines: Vec<String> = match &target {
        Some(target) => plan(scenarios, target, target.profile, &Filters::default())
            .into_iter()
            .map(|case| {
                let s = &case.scenario;
                let applies = match &case.skip {
                    None => "applies".to_string(),
                    Some(reason) => format!("skipped: {reason}"),
                };
                format!(
                    "{:<34} {:<17} {:<5} {}  [{applies}]",
                    s.id,
                    s.category,
                    s.severity.as_str(),
                    s.title
                )
            })
            .collect(),
        None => {
            let mut scenarios = scenarios;
            crate::plan::sort_scenarios(&mut scenarios);
            scenarios
                .iter()
                .map(|s| {
                    format!(
                        "{:<34} {:<17} {:<5} {}",
                        s.id,
                        s.category,
                        s.severity.as_str(),
                        s.title
                    )
                })
                .collect()
        }
    };
    // A closed pipe (`ofpc list | head`) ends the listing quietly.
    let mut out = std::io::stdout().lock();
    for line in lines {
        if writeln!(out, "{line}").is_err() {
            break;
        }
    }
    Ok(exit_codes::OK)
}
