//! `ofpc report diff A B` and `ofpc report render REPORT --format ...`.

use crate::cli::args::ReportCommand;
use crate::errors::InputError;
use crate::exit_codes;
use crate::report::json;
use crate::report::reporter::{file_format, format_names};
use crate::snapshot::diff::render_report_diff;

pub fn report_command(cmd: ReportCommand) -> Result<u8, InputError> {
    match cmd {
        ReportCommand::Diff { baseline, current } => {
            let a = json::read(&baseline)?;
            let b = json::read(&current)?;
            let (text, clean) = render_report_diff(&a, &b);
            print!("{text}");
            Ok(if clean {
                exit_codes::OK
            } else {
                exit_codes::FAILURES
            })
        }
        ReportCommand::Render {
            report,
            format,
            out,
        } => {
            let r = json::read(&report)?;
            let format = file_format(&format).ok_or_else(|| {
                InputError::new(format!("unknown report format `{format}`"))
                    .hint(format!("valid choices: {}", format_names().join(", ")))
            })?;
            let text = (format.render)(&r);
            match out {
                Some(path) => {
                    crate::report::write::write_atomic(&path, text.as_bytes()).map_err(|e| {
                        InputError::new(format!("cannot write {}: {e}", path.display()))
                    })?
                }
                None => print!("{text}"),
            }
            Ok(exit_codes::OK)
        }
    }
}
