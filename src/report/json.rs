//! `report.json`: the report serialised as is, and read back with a schema check.

use std::path::Path;

use super::model::{Report, SCHEMA_NAME, SCHEMA_VERSION};
use crate::errors::InputError;

pub fn render(report: &Report) -> String {
    let mut text = serde_json::to_string_pretty(report)
        .unwrap_or_else(|e| format!("{{\"error\":\"cannot serialise the report: {e}\"}}"));
    text.push('\n');
    text
}

/// Reads a report written by this tool, naming the file and the schema found when it is not one.
pub fn read(path: &Path) -> Result<Report, InputError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| InputError::new(format!("cannot read the report: {e}")).in_file(path))?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        InputError::new(format!("not a JSON report: {e}"))
            .in_file(path)
            .hint("pass the report.json of an ofpc run")
    })?;
    let schema = value
        .get("schema")
        .and_then(|v| v.as_str())
        .unwrap_or("(none)");
    let version = value.get("schema_version").and_then(|v| v.as_u64());
    if schema != SCHEMA_NAME || version != Some(u64::from(SCHEMA_VERSION)) {
        let error = InputError::new(format!(
            "not an ofpc report of schema version {SCHEMA_VERSION}: found schema `{schema}` version {}",
            version.map_or("(none)".to_string(), |v| v.to_string())
        ))
        .in_file(path);
        let hint = match version {
            Some(v) if schema == SCHEMA_NAME && v < u64::from(SCHEMA_VERSION) => format!(
                "the report was written by an older ofpc; re-run ofpc to produce a version \
                 {SCHEMA_VERSION} report (the README's \"Report schema versions\" says what changed)"
            ),
            Some(v) if schema == SCHEMA_NAME => format!(
                "the report was written by a newer ofpc (schema version {v}); use that ofpc to read it"
            ),
            _ => "pass the report.json of an ofpc run".to_owned(),
        };
        return Err(error.hint(hint));
    }
    serde_json::from_value(value).map_err(|e| {
        InputError::new(format!(
            "report does not match schema version {SCHEMA_VERSION}: {e}"
        ))
        .in_file(path)
    })
}
