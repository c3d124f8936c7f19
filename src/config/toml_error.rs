//! Turns a TOML/serde error into an [`InputError`] with file, line, column and "did you mean".

use std::path::Path;

use crate::errors::{InputError, did_you_mean};

/// Line and column (1-based) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Converts a `toml` deserialisation error, adding the valid choices and the nearest one.
pub fn from_toml(err: &toml::de::Error, text: &str, file: &Path, what: &str) -> InputError {
    let message = err.message().trim().to_string();
    let mut out = InputError::new(format!("invalid {what}: {message}")).in_file(file);
    if let Some(span) = err.span() {
        let (line, col) = line_col(text, span.start);
        out = out.at(line, col);
    }
    if let Some((given, expected)) = parse_unknown(&message) {
        if let Some(near) = did_you_mean(&given, expected.iter().map(String::as_str)) {
            out = out.hint(format!("did you mean `{near}`?"));
        }
        out = out.hint(format!("valid choices: {}", expected.join(", ")));
    }
    out
}

/// Extracts the unknown name and the expected names from serde's
/// "unknown field `x`, expected one of `a`, `b`" / "unknown variant `x`, expected `a` or `b`".
fn parse_unknown(message: &str) -> Option<(String, Vec<String>)> {
    let rest = message
        .strip_prefix("unknown field `")
        .or_else(|| message.strip_prefix("unknown variant `"))?;
    let (given, rest) = rest.split_once('`')?;
    let expected: Vec<String> = rest
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    if expected.is_empty() {
        return None;
    }
    Some((given.to_string(), expected))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extracts_unknown_and_choices() {
        let (given, expected) =
            parse_unknown("unknown field `scpoe`, expected one of `client_id`, `scope`").unwrap();
        assert_eq!(given, "scpoe");
        assert_eq!(expected, vec!["client_id", "scope"]);
        let (given, expected) =
            parse_unknown("unknown variant `grnted`, expected `granted` or `rejected`").unwrap();
        assert_eq!(given, "grnted");
        assert_eq!(expected, vec!["granted", "rejected"]);
    }

    #[test]
    fn line_and_column() {
        assert_eq!(line_col("a = 1\nbb = 2\n", 6), (2, 1));
        assert_eq!(line_col("a = 1\nbb = 2\n", 8), (2, 3));
    }
}
