//! `report.json`: the report written through its wire types ([`super::wire`]), and read back
//! with a schema check.

use std::path::Path;

use super::model::{Report, SCHEMA_NAME, SCHEMA_VERSION};
use super::wire;
use crate::errors::InputError;

pub fn render(report: &Report) -> String {
    let mut text = serde_json::to_string_pretty(&wire::Report::from(report))
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
    serde_json::from_value::<wire::Report>(value)
        .map(Report::from)
        .map_err(|e| {
            InputError::new(format!(
                "report does not match schema version {SCHEMA_VERSION}: {e}"
            ))
            .in_file(path)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_of_an_older_schema_is_named_with_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.json");
        std::fs::write(&path, r#"{"schema":"ofpc-report","schema_version":1}"#).unwrap();
        let error = read(&path).unwrap_err();
        assert_eq!(
            (error.message.as_str(), error.hints.as_slice()),
            (
                "not an ofpc report of schema version 2: found schema `ofpc-report` version 1",
                [
                    "the report was written by an older ofpc; re-run ofpc to produce a version 2 \
                     report (the README's \"Report schema versions\" says what changed)"
                        .to_owned()
                ]
                .as_slice()
            )
        );
        std::fs::write(&path, r#"{"schema":"ofpc-report","schema_version":9}"#).unwrap();
        assert_eq!(
            read(&path).unwrap_err().hints,
            ["the report was written by a newer ofpc (schema version 9); use that ofpc to read it"]
        );
    }

    #[test]
    fn what_is_written_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        let report = crate::report::sample_report();
        std::fs::write(&path, render(&report)).unwrap();
        assert_eq!(read(&path).unwrap(), report);
    }
}
