//! How many scenarios run at the same time when neither `--jobs` nor the target's `jobs` says.

use crate::config::{Endpoints, Target};

/// Scenarios at a time against a remote platform: enough to hide a long round trip, few enough
/// that a participant's CI never looks like a flood (each step is a fresh TCP and TLS handshake).
pub const REMOTE_JOBS: usize = 4;

/// Scenarios at a time against a target on this machine (the built-in mock, `ofpc mock`): the
/// client's work is CPU-bound, so twice the cores keeps them busy while answers are in flight,
/// and at least 8 so that an `ofpc mock --latency` run is bound by latency, not by the queue.
pub fn local_jobs() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    (cores * 2).max(8)
}

/// The default for `target`: [`local_jobs`] when every endpoint is on loopback, else
/// [`REMOTE_JOBS`].
pub fn default_jobs(target: &Target) -> usize {
    default_for(&target.endpoints)
}

fn default_for(endpoints: &Endpoints) -> usize {
    if is_loopback(endpoints) {
        local_jobs()
    } else {
        REMOTE_JOBS
    }
}

/// `--jobs`, else the target's `jobs`, else the default.
pub fn jobs_for(flag: Option<usize>, target: &Target) -> usize {
    choose(flag, target.jobs, &target.endpoints)
}

fn choose(flag: Option<usize>, key: Option<usize>, endpoints: &Endpoints) -> usize {
    flag.or(key)
        .unwrap_or_else(|| default_for(endpoints))
        .max(1)
}

fn is_loopback(endpoints: &Endpoints) -> bool {
    let urls: Vec<&str> = match endpoints {
        Endpoints::Discovery(url) => vec![url],
        Endpoints::Static {
            issuer,
            token_endpoint,
        } => vec![issuer, token_endpoint],
    };
    urls.iter().all(|url| {
        let rest = url.split_once("://").map_or(*url, |(_, r)| r);
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let host = match host.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or_default(),
            None => host.split(':').next().unwrap_or_default(),
        };
        host.eq_ignore_ascii_case("localhost")
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loopback(url: &str) -> bool {
        is_loopback(&Endpoints::Discovery(url.to_string()))
    }

    #[test]
    fn loopback_hosts_are_told_apart_from_remote_ones() {
        assert!(loopback(
            "https://127.0.0.1:8443/.well-known/openid-configuration"
        ));
        assert!(loopback(
            "https://localhost/.well-known/openid-configuration"
        ));
        assert!(loopback("https://[::1]:9443/x"));
        assert!(!loopback(
            "https://as.example/.well-known/openid-configuration"
        ));
        assert!(!loopback("https://127.0.0.1.as.example/x"));
    }

    #[test]
    fn the_flag_wins_over_the_key_and_zero_is_never_used() {
        let remote = Endpoints::Discovery("https://as.example/x".into());
        assert_eq!(choose(None, None, &remote), REMOTE_JOBS);
        assert_eq!(choose(None, Some(2), &remote), 2);
        assert_eq!(choose(Some(6), Some(2), &remote), 6);
        assert_eq!(choose(Some(0), None, &remote), 1);
        let local = Endpoints::Discovery("https://127.0.0.1:1/x".into());
        assert_eq!(choose(None, None, &local), local_jobs());
    }
}
