//! Which proxy applies: the target file's `proxy` key, else `HTTPS_PROXY`/`https_proxy`, else
//! `ALL_PROXY`/`all_proxy`; `NO_PROXY`/`no_proxy` exempts hosts (curl's rules, as implemented by
//! hyper-util's matcher). Values are checked strictly before anything is sent: hyper-util
//! silently ignores a value it cannot parse, which would send traffic around a proxy the user
//! meant to use.

use std::fmt;

use http::Uri;
use hyper_util::client::proxy::matcher::{Intercept, Matcher};

/// Where a proxy setting came from, named in messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProxySource {
    /// An environment variable, by name.
    Env(String),
    /// The target file's `proxy` key.
    TargetKey,
}

impl fmt::Display for ProxySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProxySource::Env(name) => write!(f, "environment variable {name}"),
            ProxySource::TargetKey => f.write_str("target key `proxy`"),
        }
    }
}

/// A proxy value that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid proxy in {origin}: {message}")]
pub struct ProxyError {
    pub origin: ProxySource,
    pub message: String,
}

/// Variables read, in order of precedence for HTTPS destinations (curl's order).
const PROXY_VARS: [&str; 4] = ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"];
const NO_PROXY_VARS: [&str; 2] = ["NO_PROXY", "no_proxy"];

/// A checked proxy: where it is, where the setting came from, and which hosts bypass it.
#[derive(Clone)]
pub struct ProxySettings {
    matcher: std::sync::Arc<Matcher>,
    /// `http://host:port`, never with credentials.
    display: String,
    pub source: ProxySource,
}

impl fmt::Debug for ProxySettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProxySettings")
            .field("proxy", &self.display)
            .field("source", &self.source)
            .finish()
    }
}

impl ProxySettings {
    /// The proxy for this run: `target_key` when given, else the environment (`env` looks a
    /// variable up; pass `|n| std::env::var(n).ok()`). `None` when no proxy is configured.
    pub fn resolve(
        target_key: Option<&str>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<ProxySettings>, ProxyError> {
        let first = |names: &[&str]| {
            names.iter().find_map(|n| {
                env(n)
                    .filter(|v| !v.trim().is_empty())
                    .map(|v| (n.to_string(), v))
            })
        };
        let (source, value) = match target_key {
            Some(v) => (ProxySource::TargetKey, v.to_string()),
            None => match first(&PROXY_VARS) {
                Some((name, v)) => (ProxySource::Env(name), v),
                None => return Ok(None),
            },
        };
        let no_proxy = first(&NO_PROXY_VARS).map(|(_, v)| v).unwrap_or_default();
        ProxySettings::new(&value, &no_proxy, source).map(Some)
    }

    /// Checks `value` (an `http://[user:password@]host:port` URL) and builds the matcher.
    pub fn new(
        value: &str,
        no_proxy: &str,
        source: ProxySource,
    ) -> Result<ProxySettings, ProxyError> {
        let fail = |message: String| ProxyError {
            origin: source.clone(),
            message,
        };
        let value = value.trim();
        let uri: Uri = value
            .parse()
            .map_err(|e| fail(format!("not a URL ({e}); expected http://host:port")))?;
        match uri.scheme_str() {
            Some("http") => {}
            None => return Err(fail("no scheme; write it as http://host:port".into())),
            Some(other) => {
                return Err(fail(format!(
                    "scheme `{other}` is not supported; only http:// proxies (HTTP CONNECT) are"
                )));
            }
        }
        let authority = uri
            .authority()
            .ok_or_else(|| fail("no host; expected http://host:port".into()))?;
        let host_port = authority
            .as_str()
            .rsplit_once('@')
            .map_or(authority.as_str(), |(_, hp)| hp);
        let host = authority.host();
        if host.is_empty() {
            return Err(fail("no host; expected http://host:port".into()));
        }
        if let Some((_, port)) = host_port
            .rsplit_once(':')
            .filter(|_| !host_port.ends_with(']'))
        {
            match port.parse::<u16>() {
                Ok(0) => return Err(fail("port 0 is not a port; use 1..=65535".into())),
                Ok(_) => {}
                Err(_) => {
                    return Err(fail(format!(
                        "port `{port}` is not a number from 1 to 65535"
                    )));
                }
            }
        }
        if !matches!(uri.path(), "" | "/") || uri.query().is_some() {
            return Err(fail("a proxy URL has no path or query".into()));
        }
        let matcher = Matcher::builder()
            .all(value.to_string())
            .no(no_proxy.to_string())
            .build();
        Ok(ProxySettings {
            matcher: std::sync::Arc::new(matcher),
            display: format!("http://{host_port}"),
            source,
        })
    }

    /// `http://host:port` of the proxy, without credentials.
    pub fn display(&self) -> String {
        self.display.clone()
    }

    /// The proxy to use for `host:port`, or `None` when `NO_PROXY` exempts the host.
    pub(super) fn route(&self, host: &str, port: u16) -> Option<Intercept> {
        let host = if host.contains(':') {
            format!("[{host}]")
        } else {
            host.to_string()
        };
        let uri: Uri = format!("https://{host}:{port}/").parse().ok()?;
        self.matcher.intercept(&uri)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn precedence_is_key_then_https_then_all() {
        let vars = [
            ("ALL_PROXY", "http://all:1"),
            ("https_proxy", "http://lower:2"),
            ("HTTPS_PROXY", "http://upper:3"),
        ];
        let from_env = ProxySettings::resolve(None, env(&vars)).unwrap().unwrap();
        assert_eq!(from_env.display(), "http://upper:3");
        assert_eq!(from_env.source, ProxySource::Env("HTTPS_PROXY".into()));
        let from_key = ProxySettings::resolve(Some("http://key:4"), env(&vars))
            .unwrap()
            .unwrap();
        assert_eq!(
            (from_key.display().as_str(), &from_key.source),
            ("http://key:4", &ProxySource::TargetKey)
        );
        let only_all = ProxySettings::resolve(None, env(&vars[..1]))
            .unwrap()
            .unwrap();
        assert_eq!(only_all.display(), "http://all:1");
        assert!(ProxySettings::resolve(None, env(&[])).unwrap().is_none());
    }

    #[test]
    fn credentials_never_displayed() {
        let p = ProxySettings::new(
            "http://user:s3cret@proxy.corp:3128",
            "",
            ProxySource::TargetKey,
        )
        .unwrap();
        assert_eq!(p.display(), "http://proxy.corp:3128");
        assert!(!format!("{p:?}").contains("s3cret"));
        let route = p.route("as.example", 443).unwrap();
        assert_eq!(
            route.basic_auth().unwrap().to_str().unwrap(),
            "Basic dXNlcjpzM2NyZXQ="
        );
    }

    #[test]
    fn no_proxy_exempts_hosts() {
        let p = ProxySettings::new(
            "http://proxy:3128",
            "localhost, .internal.example, 10.0.0.0/8",
            ProxySource::TargetKey,
        )
        .unwrap();
        assert!(p.route("localhost", 443).is_none());
        assert!(p.route("as.internal.example", 443).is_none());
        assert!(p.route("10.1.2.3", 8443).is_none());
        assert!(p.route("as.sandbox.example", 443).is_some());
    }

    #[test]
    fn bad_values_name_their_source() {
        let cases = [
            ("socks5://proxy:1080", "scheme `socks5` is not supported"),
            ("https://proxy:443", "scheme `https` is not supported"),
            ("proxy:3128", "no scheme"),
            ("http://proxy:0", "port 0 is not a port"),
            ("http://proxy:3128/path", "no path or query"),
            (
                "http://proxy:99999",
                "port `99999` is not a number from 1 to 65535",
            ),
            ("http://proxy:3128 x", "not a URL"),
        ];
        for (value, expected) in cases {
            let err = ProxySettings::resolve(None, env(&[("HTTPS_PROXY", value)])).unwrap_err();
            assert_eq!(
                err.origin,
                ProxySource::Env("HTTPS_PROXY".into()),
                "{value}"
            );
            assert!(
                err.to_string()
                    .starts_with("invalid proxy in environment variable HTTPS_PROXY: ")
                    && err.message.contains(expected),
                "{value}: {err}"
            );
        }
    }
}
