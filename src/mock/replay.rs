//! The `jti` replay cache: bounded, forgetting assertions whose `exp` has passed.

use std::collections::HashMap;

/// Maximum number of live entries.
pub const REPLAY_CACHE_MAX: usize = 100_000;

/// Why a `jti` was not recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplayRefusal {
    Seen,
    Full,
}

/// `(client_id, jti)` → the Unix time after which the entry may be forgotten.
#[derive(Debug, Default)]
pub struct ReplayCache {
    entries: HashMap<(String, String), i64>,
}

impl ReplayCache {
    /// Whether this `jti` was used by this client and is still remembered.
    pub fn seen(&self, client_id: &str, jti: &str, now: i64) -> bool {
        self.entries
            .get(&(client_id.to_owned(), jti.to_owned()))
            .is_some_and(|until| *until >= now)
    }

    /// Records a `jti`, kept until `until`.
    pub fn record(
        &mut self,
        client_id: &str,
        jti: &str,
        until: i64,
        now: i64,
    ) -> Result<(), ReplayRefusal> {
        if self.seen(client_id, jti, now) {
            return Err(ReplayRefusal::Seen);
        }
        if self.entries.len() >= REPLAY_CACHE_MAX {
            self.entries.retain(|_, t| *t >= now);
            if self.entries.len() >= REPLAY_CACHE_MAX {
                return Err(ReplayRefusal::Full);
            }
        }
        self.entries
            .insert((client_id.to_owned(), jti.to_owned()), until);
        Ok(())
    }

    /// Number of entries held (live or not yet purged).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the cache holds nothing.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replay_is_refused_until_expiry() {
        let mut cache = ReplayCache::default();
        assert_eq!(cache.record("c", "j", 100, 50), Ok(()));
        assert_eq!(cache.record("c", "j", 100, 60), Err(ReplayRefusal::Seen));
        assert_eq!(cache.record("other", "j", 100, 60), Ok(()));
        assert_eq!(cache.record("c", "j", 200, 101), Ok(()));
    }

    #[test]
    fn full_cache_purges_expired_entries() {
        let mut cache = ReplayCache::default();
        for i in 0..REPLAY_CACHE_MAX {
            assert_eq!(cache.record("c", &i.to_string(), 10, 0), Ok(()));
        }
        assert_eq!(cache.record("c", "live", 10, 5), Err(ReplayRefusal::Full));
        assert_eq!(cache.record("c", "late", 100, 11), Ok(()));
        assert_eq!(cache.len(), 1);
    }
}
