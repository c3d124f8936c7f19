//! Where each value of a target file came from: a line and column of the file, or an `OFPC_...`
//! environment variable. Every check of a value names that place, so an error in an override
//! blames the variable, never the file.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::toml_error;
use crate::errors::{InputError, did_you_mean};

/// Sections whose keys `OFPC_<SECTION>_<KEY>` overrides (longest first: `client_ca` before
/// `client`).
const SECTIONS: [&str; 4] = ["second_client", "mtls_client", "client_ca", "client"];
/// Top-level keys of the target file.
pub const TOP_KEYS: &[&str] = &[
    "name",
    "profile",
    "discovery",
    "issuer",
    "token_endpoint",
    "resource",
    "ca",
    "ungranted_scope",
    "connect_timeout_secs",
    "timeout_secs",
    "max_body_kib",
    "discovery_client_cert",
    "proxy",
    "jobs",
    "rate",
];
/// Keys of a client section.
pub const CLIENT_KEYS: &[&str] = &[
    "client_id",
    "auth",
    "transport_cert",
    "transport_key",
    "signing_key",
    "signing_kid",
    "scope",
    "audience",
];
const CLIENT_CA_KEYS: &[&str] = &["cert", "key"];
/// Keys whose values are whole numbers.
const NUMERIC_KEYS: &[&str] = &[
    "connect_timeout_secs",
    "timeout_secs",
    "max_body_kib",
    "jobs",
    "rate",
];
/// `OFPC_` variables that are flags of `ofpc run`, not keys of the target file.
const FLAG_VARIABLES: &[&str] = &["target", "out", "log"];

/// One environment override applied to the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    pub variable: String,
    /// Dotted key, e.g. `client.signing_key`.
    pub key: String,
    /// The span given to the value: past the end of the file text, so errors on it are told apart.
    pub span: Range<usize>,
}

/// Applies `OFPC_<KEY>` (top level) and `OFPC_<SECTION>_<KEY>` (sections) to the parsed file.
/// An unknown key, or a number that is not one, is an error naming the variable.
pub fn apply_env<'a>(
    root: &mut DeTable<'a>,
    env: &'a [(String, String)],
    text_len: usize,
) -> Result<Vec<Override>, InputError> {
    let mut applied = Vec::new();
    for (i, (variable, value)) in env.iter().enumerate() {
        let Some(rest) = variable.strip_prefix("OFPC_") else {
            continue;
        };
        let rest = rest.to_ascii_lowercase();
        if FLAG_VARIABLES.contains(&rest.as_str()) {
            continue;
        }
        let span = text_len + 1 + i..text_len + 2 + i;
        let section = SECTIONS.iter().find(|s| rest.starts_with(&format!("{s}_")));
        let (key, known) = match section {
            Some(s) => (
                rest[s.len() + 1..].to_string(),
                if *s == "client_ca" {
                    CLIENT_CA_KEYS
                } else {
                    CLIENT_KEYS
                },
            ),
            None => (rest.clone(), TOP_KEYS),
        };
        if !known.contains(&key.as_str()) {
            let prefix = section.map_or("OFPC_".to_string(), |s| {
                format!("OFPC_{}_", s.to_ascii_uppercase())
            });
            let names: Vec<String> = known
                .iter()
                .map(|k| format!("{prefix}{}", k.to_ascii_uppercase()))
                .collect();
            let mut err =
                InputError::new(format!("`{variable}` overrides no key of the target file"))
                    .in_variable(variable);
            if let Some(near) = did_you_mean(variable, names.iter().map(String::as_str)) {
                err = err.hint(format!("did you mean `{near}`?"));
            }
            return Err(err.hint(format!(
                "OFPC_<KEY> sets a top-level key, OFPC_<SECTION>_<KEY> a key of [client], [second_client], [mtls_client] or [client_ca]; unset `{variable}`"
            )));
        }
        let parsed = if NUMERIC_KEYS.contains(&key.as_str()) {
            if value.trim().parse::<u64>().is_err() {
                return Err(InputError::new(format!(
                    "`{key}` must be a whole number, found `{value}`"
                ))
                .in_variable(variable)
                .hint(format!("export {variable}=15 (seconds)")));
            }
            DeValue::parse(value.trim())
                .map_err(|e| InputError::new(e.message().to_string()).in_variable(variable))?
                .into_inner()
        } else {
            DeValue::String(Cow::Borrowed(value.as_str()))
        };
        let entry = Spanned::new(span.clone(), parsed);
        let name = |n: &str| Spanned::new(span.clone(), Cow::Owned(n.to_string()));
        match section {
            Some(s) => {
                let table = root
                    .entry(name(s))
                    .or_insert_with(|| Spanned::new(span.clone(), DeValue::Table(DeTable::new())));
                match table.get_mut() {
                    DeValue::Table(t) => {
                        t.insert(name(&key), entry);
                    }
                    _ => {
                        return Err(InputError::new(format!(
                            "`{variable}` overrides a key of [{s}], but `{s}` in the target file is not a section"
                        ))
                        .in_variable(variable));
                    }
                }
            }
            None => {
                root.insert(name(&key), entry);
            }
        }
        applied.push(Override {
            variable: variable.clone(),
            key: match section {
                Some(s) => format!("{s}.{key}"),
                None => key,
            },
            span,
        });
    }
    Ok(applied)
}

/// Where a key's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Place {
    /// Line and column of the key in the file.
    File(usize, usize),
    Variable(String),
}

/// The places of every key of one target file, for error messages.
#[derive(Debug, Clone)]
pub struct Origins {
    file: PathBuf,
    places: BTreeMap<String, Place>,
}

impl Origins {
    /// Records every key (`name`, `client.client_id`) of `root`, then the overrides on top.
    pub fn new(file: &Path, text: &str, root: &DeTable<'_>, overrides: &[Override]) -> Origins {
        let mut places = BTreeMap::new();
        for (key, value) in root.iter() {
            if key.span().start < text.len() {
                let (line, col) = toml_error::line_col(text, key.span().start);
                places.insert(key.get_ref().to_string(), Place::File(line, col));
            }
            if let DeValue::Table(t) = value.get_ref() {
                for (inner, _) in t.iter() {
                    if inner.span().start < text.len() {
                        let (line, col) = toml_error::line_col(text, inner.span().start);
                        places.insert(
                            format!("{}.{}", key.get_ref(), inner.get_ref()),
                            Place::File(line, col),
                        );
                    }
                }
            }
        }
        for o in overrides {
            places.insert(o.key.clone(), Place::Variable(o.variable.clone()));
        }
        Origins {
            file: file.to_path_buf(),
            places,
        }
    }

    /// Origins of a value that has no file (the built-in mock).
    pub fn builtin(label: &str) -> Origins {
        Origins {
            file: PathBuf::from(label),
            places: BTreeMap::new(),
        }
    }

    pub fn file(&self) -> &Path {
        &self.file
    }

    /// An error about `key`: at its line in the file, or naming its variable.
    pub fn error(&self, key: &str, message: impl Into<String>) -> InputError {
        let err = InputError::new(message).in_file(&self.file);
        match self.places.get(key) {
            Some(Place::File(line, col)) => err.at(*line, *col),
            Some(Place::Variable(v)) => err.in_variable(v),
            None => err,
        }
    }

    /// Puts an existing error about `key` at the key's place.
    pub fn place(&self, err: InputError, key: &str) -> InputError {
        match self.places.get(key) {
            Some(Place::File(line, col)) => err.in_file(&self.file).at(*line, *col),
            Some(Place::Variable(v)) => err.in_variable(v),
            None => err,
        }
    }

    /// The variable that set `key`, if one did.
    pub fn variable(&self, key: &str) -> Option<&str> {
        match self.places.get(key) {
            Some(Place::Variable(v)) => Some(v),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn overrides_name_their_variable() {
        let text = "timeout_secs = 5\n[client]\nclient_id = \"a\"\n";
        let vars = env(&[
            ("OFPC_CLIENT_CLIENT_ID", "b"),
            ("OFPC_SECOND_CLIENT_SCOPE", "s"),
            ("OFPC_TIMEOUT_SECS", "30"),
            ("OFPC_OUT", "reports"),
        ]);
        let mut root = DeTable::parse(text).unwrap();
        let applied = apply_env(root.get_mut(), &vars, text.len()).unwrap();
        assert_eq!(applied.len(), 3);
        let table = root.get_ref();
        let client = table.get("client").unwrap().get_ref();
        assert_eq!(
            client.get("client_id").and_then(|v| v.get_ref().as_str()),
            Some("b")
        );
        assert!(table.get("timeout_secs").unwrap().get_ref().is_integer());
        let origins = Origins::new(Path::new("t.toml"), text, table, &applied);
        assert_eq!(
            origins.error("client.client_id", "bad").render(),
            "error: OFPC_CLIENT_CLIENT_ID: bad"
        );
        assert_eq!(
            origins.error("name", "no name").render(),
            "error: t.toml: no name"
        );
    }

    #[test]
    fn an_unknown_or_mistyped_override_is_an_error_naming_the_variable() {
        let text = "[client]\n";
        let mut root = DeTable::parse(text).unwrap();
        let vars = env(&[("OFPC_CLIENT_SCPOE", "x")]);
        let err = apply_env(root.get_mut(), &vars, text.len()).unwrap_err();
        assert_eq!(
            err.render().lines().take(2).collect::<Vec<_>>(),
            [
                "error: OFPC_CLIENT_SCPOE: `OFPC_CLIENT_SCPOE` overrides no key of the target file",
                "  hint: did you mean `OFPC_CLIENT_SCOPE`?"
            ]
        );
        let vars = env(&[("OFPC_TIMEOUT_SECS", "three")]);
        let err = apply_env(root.get_mut(), &vars, text.len()).unwrap_err();
        assert_eq!(
            err.render(),
            "error: OFPC_TIMEOUT_SECS: `timeout_secs` must be a whole number, found `three`\n  hint: export OFPC_TIMEOUT_SECS=15 (seconds)"
        );
    }
}
