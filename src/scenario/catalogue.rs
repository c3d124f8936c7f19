//! The built-in catalogue: every file under `scenarios/`, embedded at build time.

use super::model::Scenario;
use super::parse::parse_scenario;
use crate::errors::InputError;

mod files {
    include!(concat!(env!("OUT_DIR"), "/catalogue.rs"));
}

/// The embedded scenario files as (path, text).
pub fn files() -> &'static [(&'static str, &'static str)] {
    files::FILES
}

/// Parses the built-in catalogue.
pub fn builtin() -> Result<Vec<Scenario>, InputError> {
    files()
        .iter()
        .map(|(path, text)| parse_scenario(text, path))
        .collect()
}
