//! Turns a TOML/serde error into an [`InputError`] with file, line, column and "did you mean",
//! and finds keys in a parsed document by their spans (so a message points at the key of the
//! step it is about, never at the first text that happens to match).

use std::ops::Range;
use std::path::Path;

use toml::de::{DeTable, DeValue};

use crate::errors::{InputError, did_you_mean};

/// One step of a path into a document: a key or an index into an array (of tables).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// The span of the key named by `path` (of the element itself for a trailing index).
pub fn key_span(root: &DeTable<'_>, path: &[Seg<'_>]) -> Option<Range<usize>> {
    let (first, rest) = path.split_first()?;
    let Seg::Key(name) = first else {
        return None;
    };
    let (key, value) = root.get_key_value(*name)?;
    let mut span = key.span();
    let mut current = value;
    for seg in rest {
        match (*seg, current.get_ref()) {
            (Seg::Key(name), DeValue::Table(t)) => {
                let (key, value) = t.get_key_value(name)?;
                span = key.span();
                current = value;
            }
            (Seg::Index(i), DeValue::Array(items)) => {
                current = items.get(i)?;
                span = current.span();
            }
            _ => return None,
        }
    }
    Some(span)
}

/// The dotted path of the innermost key whose key or value holds byte `offset`
/// (`client.timeout_secs`, `step.2.tls`; array elements are numbered from 1). A table's own
/// span is its header, so tables are searched through their keys.
pub fn key_path_at(root: &DeTable<'_>, offset: usize) -> Vec<String> {
    find_path(root, offset).unwrap_or_default()
}

fn find_path(table: &DeTable<'_>, offset: usize) -> Option<Vec<String>> {
    for (key, value) in table.iter() {
        let name = key.get_ref().to_string();
        let here = key.span().contains(&offset) || value.span().contains(&offset);
        let inner = match value.get_ref() {
            DeValue::Table(t) => find_path(t, offset),
            DeValue::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
                let index = (i + 1).to_string();
                match item.get_ref() {
                    DeValue::Table(t) => find_path(t, offset)
                        .map(|p| [vec![index.clone()], p].concat())
                        .or_else(|| item.span().contains(&offset).then(|| vec![index])),
                    _ => item.span().contains(&offset).then(|| vec![index]),
                }
            }),
            _ => None,
        };
        match inner {
            Some(rest) => return Some([vec![name], rest].concat()),
            None if here => return Some(vec![name]),
            None => {}
        }
    }
    None
}

/// Like [`from_toml`], and names the key of a wrong type or the table missing a key, found
/// through the document's spans.
pub fn from_toml_in(
    err: &toml::de::Error,
    text: &str,
    root: &DeTable<'_>,
    file: &Path,
    what: &str,
) -> InputError {
    let message = err.message().trim();
    let Some(span) = err.span() else {
        return from_toml(err, text, file, what);
    };
    let path = key_path_at(root, span.start).join(".");
    if let Some(rest) = message.strip_prefix("invalid type: ")
        && let Some((found, expected)) = rest.split_once(", expected ")
        && !path.is_empty()
    {
        let (line, col) = line_col(text, span.start);
        return InputError::new(format!(
            "`{path}` must be {}, found {found}",
            friendly_type(expected)
        ))
        .in_file(file)
        .at(line, col)
        .hint(format!("write `{path}` as {}", friendly_type(expected)));
    }
    if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|r| r.strip_suffix('`'))
    {
        let table = key_path_at(root, span.start).join(".");
        let mut out = if table.is_empty() {
            InputError::new(format!("the {what} has no `{field}`"))
        } else {
            InputError::new(format!("`[{table}]` has no `{field}`"))
        }
        .in_file(file);
        if !table.is_empty() {
            let (line, col) = line_col(text, span.start);
            out = out.at(line, col);
        }
        return out.hint(format!("add {field} = ... (see the README for its values)"));
    }
    from_toml(err, text, file, what)
}

/// Serde's name of an expected type, as a user would say it.
fn friendly_type(expected: &str) -> String {
    match expected {
        "u8" | "u16" | "u32" | "u64" | "usize" | "i64" | "i32" => {
            "a whole number (without quotes)".to_string()
        }
        "a boolean" => "true or false".to_string(),
        other => other.to_string(),
    }
}

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
    fn a_wrong_type_names_the_key_and_its_line() {
        let text = "name = \"x\"\n[client]\nclient_id = \"a\"\ntimeout = 1\n";
        #[derive(Debug, serde::Deserialize)]
        struct Client {
            #[expect(dead_code)]
            client_id: u64,
        }
        #[derive(Debug, serde::Deserialize)]
        struct File {
            #[expect(dead_code)]
            client: Client,
        }
        let root = DeTable::parse(text).unwrap();
        let err =
            <File as serde::Deserialize>::deserialize(toml::de::Deserializer::from(root.clone()))
                .unwrap_err();
        let err = from_toml_in(
            &err,
            text,
            root.get_ref(),
            Path::new("t.toml"),
            "target file",
        );
        assert_eq!(
            err.render(),
            "error: t.toml:3:13: `client.client_id` must be a whole number (without quotes), found string \"a\"\n  hint: write `client.client_id` as a whole number (without quotes)"
        );
        assert_eq!(
            key_span(root.get_ref(), &[Seg::Key("client"), Seg::Key("timeout")])
                .map(|s| line_col(text, s.start)),
            Some((4, 1))
        );
    }

    #[test]
    fn line_and_column() {
        assert_eq!(line_col("a = 1\nbb = 2\n", 6), (2, 1));
        assert_eq!(line_col("a = 1\nbb = 2\n", 8), (2, 3));
    }
}
