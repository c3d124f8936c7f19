//! Dead targets end quickly: consecutive connect or answer timeouts are counted per host and
//! port, and after [`GIVE_UP_AFTER`] of them the host is taken as not answering, so that the
//! rest of the run does not wait for each timeout. Any other outcome (an answer, a refusal)
//! starts the count again.

use std::collections::HashMap;
use std::sync::Mutex;

/// Consecutive timeouts at one host after which it is taken as not answering.
pub const GIVE_UP_AFTER: u32 = 3;

#[derive(Default)]
pub struct Liveness {
    /// `host:port` -> consecutive timeouts.
    timeouts: Mutex<HashMap<String, u32>>,
}

impl Liveness {
    /// Records one outcome at `authority` (`host:port`): a timeout or anything else.
    pub fn record(&self, authority: &str, timed_out: bool) {
        let mut timeouts = self.timeouts.lock().unwrap_or_else(|p| p.into_inner());
        if timed_out {
            *timeouts.entry(authority.to_string()).or_default() += 1;
        } else {
            timeouts.remove(authority);
        }
    }

    /// Why `authority` is taken as not answering, if it is.
    pub fn dead(&self, authority: &str) -> Option<String> {
        let timeouts = self.timeouts.lock().unwrap_or_else(|p| p.into_inner());
        let count = *timeouts.get(authority)?;
        (count >= GIVE_UP_AFTER).then(|| not_answering(authority, count))
    }

    /// Why some host of the run is taken as not answering, if one is (the first by name).
    pub fn any_dead(&self) -> Option<String> {
        let timeouts = self.timeouts.lock().unwrap_or_else(|p| p.into_inner());
        let mut dead: Vec<(&String, &u32)> = timeouts
            .iter()
            .filter(|(_, count)| **count >= GIVE_UP_AFTER)
            .collect();
        dead.sort();
        dead.first()
            .map(|(authority, count)| not_answering(authority, **count))
    }
}

fn not_answering(authority: &str, count: u32) -> String {
    format!("target not answering: {count} consecutive timeouts at {authority}; not sent")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_consecutive_timeouts_and_an_answer_starts_again() {
        let live = Liveness::default();
        live.record("a:443", true);
        live.record("a:443", true);
        assert_eq!(live.dead("a:443"), None);
        live.record("a:443", false);
        live.record("a:443", true);
        live.record("a:443", true);
        assert_eq!(live.dead("a:443"), None);
        live.record("b:443", true);
        live.record("a:443", true);
        assert_eq!(
            live.dead("a:443").as_deref(),
            Some("target not answering: 3 consecutive timeouts at a:443; not sent")
        );
        assert_eq!(live.any_dead(), live.dead("a:443"));
        assert_eq!(live.dead("b:443"), None);
    }
}
