//! `{name}` placeholders in scenario values (form parameters, headers, bodies, claims): the values
//! a run knows, and the one substitution that fills them in.

/// The values placeholders stand for, by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Placeholders(Vec<(&'static str, String)>);

impl Placeholders {
    /// Sets (or replaces) the value of `{name}`.
    pub fn set(&mut self, name: &'static str, value: impl Into<String>) {
        let value = value.into();
        match self.0.iter_mut().find(|(n, _)| *n == name) {
            Some(entry) => entry.1 = value,
            None => self.0.push((name, value)),
        }
    }

    /// The value of `{name}`, if set.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Substitutes every known `{name}` in `template`; unknown ones stay as written.
    pub fn fill(&self, template: &str) -> String {
        let mut out = template.to_string();
        for (name, value) in &self.0 {
            out = out.replace(&format!("{{{name}}}"), value);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_known_names_and_leaves_others() {
        let mut p = Placeholders::default();
        p.set("issuer", "https://as.example");
        p.set("client_id", "c1");
        p.set("client_id", "c2");
        assert_eq!(
            p.fill("{issuer}/token?c={client_id}&x={unknown}"),
            "https://as.example/token?c=c2&x={unknown}"
        );
        assert_eq!(p.get("client_id"), Some("c2"));
    }
}
