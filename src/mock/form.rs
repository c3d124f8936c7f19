//! `application/x-www-form-urlencoded` parsing that keeps repeats visible (RFC 6749 §3.2).

use std::collections::BTreeMap;

/// A decoded form: every `name=value` pair in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RawForm {
    pairs: Vec<(String, String)>,
}

/// The form was not valid percent-encoded UTF-8.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed form encoding")]
pub struct FormError;

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

fn decode(s: &str) -> Result<String, FormError> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hi = bytes.get(i + 1).copied().and_then(hex).ok_or(FormError)?;
                let lo = bytes.get(i + 2).copied().and_then(hex).ok_or(FormError)?;
                out.push(hi << 4 | lo);
                i += 2;
            }
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| FormError)
}

impl RawForm {
    /// Parses `a=1&b=2`. Empty segments (`a=1&&b=2`) are skipped; a name without `=` has an empty
    /// value.
    pub fn parse(input: &[u8]) -> Result<RawForm, FormError> {
        let text = std::str::from_utf8(input).map_err(|_| FormError)?;
        let mut pairs = Vec::new();
        for segment in text.split('&').filter(|s| !s.is_empty()) {
            let (name, value) = segment.split_once('=').unwrap_or((segment, ""));
            pairs.push((decode(name)?, decode(value)?));
        }
        Ok(RawForm { pairs })
    }

    /// The first parameter (with a non-empty value) that occurs more than once.
    pub fn repeated(&self) -> Option<&str> {
        let mut seen = std::collections::BTreeSet::new();
        self.pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .find(|(n, _)| !seen.insert(n.as_str()))
            .map(|(n, _)| n.as_str())
    }

    /// Name → value, empty values dropped (they count as omitted), the last value winning.
    pub fn into_params(self) -> Params {
        let mut map = BTreeMap::new();
        for (n, v) in self.pairs {
            if !v.is_empty() {
                map.insert(n, v);
            }
        }
        Params(map)
    }
}

/// Parameters after the repeat check.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Params(BTreeMap<String, String>);

impl Params {
    /// The value of `name`, if present and non-empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// Every parameter name, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_finds_repeats() {
        let form = RawForm::parse(b"a=1+2%2C&b=&a=3&c").expect("parse");
        assert_eq!(form.repeated(), Some("a"));
        let params = form.into_params();
        assert_eq!(params.get("a"), Some("3"));
        assert_eq!(params.get("b"), None);
        assert_eq!(params.get("c"), None);
    }

    #[test]
    fn empty_value_is_not_a_repeat() {
        let form = RawForm::parse(b"scope=&scope=accounts").expect("parse");
        assert_eq!(form.repeated(), None);
        assert_eq!(form.into_params().get("scope"), Some("accounts"));
    }

    #[test]
    fn bad_percent_is_an_error() {
        assert_eq!(RawForm::parse(b"a=%zz"), Err(FormError));
        assert_eq!(RawForm::parse(b"a=%"), Err(FormError));
        assert_eq!(RawForm::parse(b"a=%ff"), Err(FormError));
    }
}
