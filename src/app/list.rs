//! `ofpc list`: one scenario per line, id first, with applicability when a target is given.

use crate::cli::args::ListArgs;
use crate::config::load_target;
use crate::errors::InputError;
use crate::exit_codes;
use crate::plan::{Filters, plan};

pub fn list_command(args: ListArgs) -> Result<u8, InputError> {
    let profile_flag = super::parse_profile(args.profile.as_deref())?;
    let scenarios = super::load_scenarios(args.scenarios.as_deref())?;
    match args
        .target
        .as_deref()
        .map(|p| load_target(p, profile_flag))
        .transpose()?
    {
        Some(target) => {
            for case in plan(scenarios, &target, target.profile, &Filters::default()) {
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
