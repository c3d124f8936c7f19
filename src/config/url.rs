//! Strict checks of the URLs a target file names: `https`, a host, a port in 1..=65535, no
//! userinfo, no fragment, no spaces. A URL that passes here is one the transport can reach
//! exactly as written, so nothing is ever sent to a place the user did not configure.

/// Why a URL was refused, as a fragment that reads after "`key` = `url`: ".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error("is not an https:// URL")]
    NotHttps,
    #[error("has no host")]
    NoHost,
    #[error("has user information (`{0}@`) before the host")]
    Userinfo(String),
    #[error("has port `{0}`, which is not a number from 1 to 65535")]
    BadPort(String),
    #[error("has a host with characters a host name cannot hold (`{0}`)")]
    BadHost(String),
    #[error("has a fragment (`#{0}`)")]
    Fragment(String),
    #[error("contains whitespace or control characters")]
    Whitespace,
}

impl UrlError {
    /// How to fix it.
    pub fn hint(&self) -> &'static str {
        match self {
            UrlError::NotHttps | UrlError::NoHost | UrlError::Whitespace => {
                "write an absolute https URL, e.g. https://as.example:8443/token"
            }
            UrlError::Userinfo(_) => {
                "remove the `user@` part: credentials go in [client], never in a URL"
            }
            UrlError::BadPort(_) => "leave the port out for 443, or write a number from 1 to 65535",
            UrlError::BadHost(_) => {
                "write a DNS name, an IPv4 address or an IPv6 address in [brackets]"
            }
            UrlError::Fragment(_) => {
                "remove the `#...` part: an endpoint URL has no fragment (RFC 6749 §3.1.2, RFC 8414 §2)"
            }
        }
    }
}

/// The parts of a checked URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpsUrl {
    pub host: String,
    pub port: u16,
}

/// Checks `url` strictly; the parts on success.
pub fn check_https(url: &str) -> Result<HttpsUrl, UrlError> {
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(UrlError::Whitespace);
    }
    let rest = match url.split_once("://") {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("https") => rest,
        _ => return Err(UrlError::NotHttps),
    };
    if let Some((_, fragment)) = rest.split_once('#') {
        return Err(UrlError::Fragment(fragment.to_string()));
    }
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..end];
    if let Some((userinfo, _)) = authority.rsplit_once('@') {
        return Err(UrlError::Userinfo(userinfo.to_string()));
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (inside, after) = v6
            .split_once(']')
            .ok_or_else(|| UrlError::BadHost(authority.to_string()))?;
        if inside.parse::<std::net::Ipv6Addr>().is_err() {
            return Err(UrlError::BadHost(authority.to_string()));
        }
        let port = match after {
            "" => None,
            p => Some(
                p.strip_prefix(':')
                    .ok_or_else(|| UrlError::BadHost(authority.to_string()))?,
            ),
        };
        (format!("[{inside}]"), port)
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host.to_string(), Some(port)),
            None => (authority.to_string(), None),
        }
    };
    if host.is_empty() {
        return Err(UrlError::NoHost);
    }
    let host_ok = host.starts_with('[')
        || host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'));
    if !host_ok || host.starts_with('.') || host.contains("..") {
        return Err(UrlError::BadHost(host));
    }
    let port = match port {
        None => 443,
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 && p.chars().all(|c| c.is_ascii_digit()) => n,
            _ => return Err(UrlError::BadPort(p.to_string())),
        },
    };
    // The transport parses URLs with `http::Uri`; whatever it would refuse is refused here.
    if url.parse::<http::Uri>().is_err() {
        return Err(UrlError::BadHost(host));
    }
    Ok(HttpsUrl { host, port })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(host: &str, port: u16) -> Result<HttpsUrl, UrlError> {
        Ok(HttpsUrl {
            host: host.to_string(),
            port,
        })
    }

    #[test]
    fn accepts_what_the_transport_reaches() {
        assert_eq!(
            check_https("https://as.example/token"),
            parts("as.example", 443)
        );
        assert_eq!(
            check_https("https://127.0.0.1:8443/t?x=1"),
            parts("127.0.0.1", 8443)
        );
        assert_eq!(check_https("HTTPS://[::1]:9/"), parts("[::1]", 9));
        assert_eq!(check_https("https://as.example"), parts("as.example", 443));
    }

    #[test]
    fn refuses_each_defect_with_its_reason() {
        let cases: &[(&str, &str)] = &[
            (
                "https://127.0.0.1:99999/token",
                "has port `99999`, which is not a number from 1 to 65535",
            ),
            (
                "https://127.0.0.1:abc/token",
                "has port `abc`, which is not a number from 1 to 65535",
            ),
            (
                "https://h:0/",
                "has port `0`, which is not a number from 1 to 65535",
            ),
            (
                "https://h:+443/",
                "has port `+443`, which is not a number from 1 to 65535",
            ),
            ("https:///.well-known/openid-configuration", "has no host"),
            ("https://:8443/x", "has no host"),
            ("http://as.example/token", "is not an https:// URL"),
            ("as.example/token", "is not an https:// URL"),
            (
                "https://user:pw@as.example/",
                "has user information (`user:pw@`) before the host",
            ),
            ("https://as.example/t#frag", "has a fragment (`#frag`)"),
            (
                "https://as example/",
                "contains whitespace or control characters",
            ),
            (
                "https://as!.example/",
                "has a host with characters a host name cannot hold (`as!.example`)",
            ),
            (
                "https://[::zz]/",
                "has a host with characters a host name cannot hold (`[::zz]`)",
            ),
        ];
        for (url, reason) in cases {
            let err = check_https(url).expect_err(url);
            assert_eq!(err.to_string(), *reason, "{url}");
        }
    }
}
