//! Errors of the harness itself (never of the target): bad flags, bad files, bad keys.
//! A target that breaks the rules produces a verdict, not one of these.

use std::path::PathBuf;

use crate::exit_codes;

/// An error the user can fix; printed as one message with its hints, exit code 2.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct InputError {
    /// What failed, as a fragment that reads after "failed to" or a plain statement.
    pub message: String,
    /// The file the problem is in, if any.
    pub file: Option<PathBuf>,
    /// Line and column (1-based) within `file`, if known.
    pub location: Option<(usize, usize)>,
    /// The environment variable the value came from (`OFPC_...`), when it did not come from a
    /// file: named instead of the file.
    pub variable: Option<String>,
    /// One line per way to fix it.
    pub hints: Vec<String>,
}

impl InputError {
    pub fn new(message: impl Into<String>) -> Self {
        InputError {
            message: message.into(),
            file: None,
            location: None,
            variable: None,
            hints: Vec::new(),
        }
    }

    /// The value came from this environment variable, not from the file.
    pub fn in_variable(mut self, name: impl Into<String>) -> Self {
        self.variable = Some(name.into());
        self.file = None;
        self.location = None;
        self
    }

    pub fn in_file(mut self, file: impl Into<PathBuf>) -> Self {
        self.file = Some(file.into());
        self
    }

    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.location = Some((line, column));
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    pub fn exit_code(&self) -> u8 {
        exit_codes::INPUT_ERROR
    }

    /// The message as printed on stderr: `error: <file>:<line>:<col>: <message>` (or
    /// `error: <VARIABLE>: <message>`) then hints.
    pub fn render(&self) -> String {
        let mut out = String::from("error: ");
        if let Some(variable) = &self.variable {
            out.push_str(variable);
            out.push_str(": ");
        } else if let Some(file) = &self.file {
            out.push_str(&file.display().to_string());
            if let Some((line, col)) = self.location {
                out.push_str(&format!(":{line}:{col}"));
            }
            out.push_str(": ");
        }
        out.push_str(&self.message);
        for hint in &self.hints {
            out.push_str("\n  hint: ");
            out.push_str(hint);
        }
        out
    }
}

/// The nearest of `choices` to `given`, when it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    given: &str,
    choices: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    choices
        .into_iter()
        .map(|c| (strsim::jaro_winkler(given, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_file_location_and_hints() {
        let err = InputError::new("unknown key `scpoe`")
            .in_file("target.toml")
            .at(3, 1)
            .hint("did you mean `scope`?");
        assert_eq!(
            err.render(),
            "error: target.toml:3:1: unknown key `scpoe`\n  hint: did you mean `scope`?"
        );
    }

    #[test]
    fn renders_the_variable_instead_of_the_file() {
        let err = InputError::new("`timeout_secs` must be a whole number, found `abc`")
            .in_file("target.toml")
            .at(3, 1)
            .in_variable("OFPC_TIMEOUT_SECS")
            .hint("export OFPC_TIMEOUT_SECS=15");
        assert_eq!(
            err.render(),
            "error: OFPC_TIMEOUT_SECS: `timeout_secs` must be a whole number, found `abc`\n  hint: export OFPC_TIMEOUT_SECS=15"
        );
    }

    #[test]
    fn suggests_only_close_names() {
        assert_eq!(did_you_mean("scpoe", ["scope", "client_id"]), Some("scope"));
        assert_eq!(did_you_mean("zzz", ["scope", "client_id"]), None);
    }
}
