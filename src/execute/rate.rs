//! Politeness towards the target: a token bucket that spaces requests to `--rate` per second,
//! and the retry policy for `429 Too Many Requests` and `503 Service Unavailable` answers that
//! carry `Retry-After` (RFC 9110 §10.2.3: delay-seconds or an HTTP-date).

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Most time spent waiting on `Retry-After` for one request, over all its retries.
pub const RETRY_BUDGET: Duration = Duration::from_secs(30);
/// Most retries of one request.
pub const MAX_RETRIES: usize = 5;

/// Spaces requests to at most `rate` per second (a bucket of one token: no bursts).
#[derive(Debug)]
pub struct RateLimiter {
    interval: Duration,
    next: Mutex<Option<Instant>>,
}

impl RateLimiter {
    /// `rate` requests per second (at least 1).
    pub fn new(rate: u32) -> RateLimiter {
        RateLimiter {
            interval: Duration::from_secs(1) / rate.max(1),
            next: Mutex::new(None),
        }
    }

    /// Waits for this request's turn.
    pub async fn acquire(&self) {
        let at = {
            let mut next = self.next.lock().unwrap_or_else(|p| p.into_inner());
            let now = Instant::now();
            let at = next.map_or(now, |n| n.max(now));
            *next = Some(at + self.interval);
            at
        };
        tokio::time::sleep_until(at).await;
    }
}

/// How long an answer asks to wait before the request is sent again: `Some` only for 429 and
/// 503 with a usable `Retry-After` (a date in the past means now).
pub fn retry_after(
    status: u16,
    headers: &[(String, String)],
    now: time::OffsetDateTime,
) -> Option<Duration> {
    if status != 429 && status != 503 {
        return None;
    }
    let value = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("retry-after"))
        .map(|(_, v)| v.trim())?;
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let date = time::PrimitiveDateTime::parse(
        value,
        time::macros::format_description!(
            "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
        ),
    )
    .ok()?
    .assume_utc();
    Some(Duration::try_from(date - now).unwrap_or(Duration::ZERO))
}

/// What is left of a request's retry budget.
#[derive(Debug)]
pub struct RetryBudget {
    waited: Duration,
    /// One line per retry, for the step's record.
    pub retries: Vec<String>,
}

impl Default for RetryBudget {
    fn default() -> Self {
        RetryBudget {
            waited: Duration::ZERO,
            retries: Vec::new(),
        }
    }
}

impl RetryBudget {
    /// Takes `wait` from the budget and records the retry; `Err` names why not (the reason of a
    /// "rate limited" Error).
    pub fn take(&mut self, status: u16, wait: Duration) -> Result<(), String> {
        let secs = wait.as_secs_f32();
        if self.retries.len() >= MAX_RETRIES {
            return Err(format!(
                "rate limited: still HTTP {status} after {MAX_RETRIES} retries"
            ));
        }
        if self.waited + wait > RETRY_BUDGET {
            return Err(format!(
                "rate limited: HTTP {status} asks to wait {secs} s, past the retry budget of {} s",
                RETRY_BUDGET.as_secs()
            ));
        }
        self.waited += wait;
        self.retries.push(format!(
            "HTTP {status} with Retry-After: waited {secs} s, sent again"
        ));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(v: &str) -> Vec<(String, String)> {
        vec![("Retry-After".to_string(), v.to_string())]
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates_on_429_and_503_only() {
        let now = time::macros::datetime!(2026-11-30 22:00:00 UTC);
        assert_eq!(
            retry_after(429, &header("2"), now),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            retry_after(503, &header("Mon, 30 Nov 2026 22:00:03 GMT"), now),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            retry_after(429, &header("Mon, 30 Nov 2026 21:00:00 GMT"), now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after(429, &header("soon"), now), None);
        assert_eq!(retry_after(400, &header("2"), now), None);
        assert_eq!(retry_after(429, &[], now), None);
    }

    #[test]
    fn the_budget_records_retries_and_says_when_it_is_spent() {
        let mut budget = RetryBudget::default();
        assert_eq!(budget.take(429, Duration::from_secs(1)), Ok(()));
        assert_eq!(
            budget.retries,
            ["HTTP 429 with Retry-After: waited 1 s, sent again"]
        );
        assert_eq!(
            budget.take(503, Duration::from_secs(40)),
            Err("rate limited: HTTP 503 asks to wait 40 s, past the retry budget of 30 s".into())
        );
        for _ in 1..MAX_RETRIES {
            budget.take(429, Duration::ZERO).unwrap();
        }
        assert_eq!(
            budget.take(429, Duration::ZERO),
            Err("rate limited: still HTTP 429 after 5 retries".into())
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_bucket_spaces_requests_to_the_rate() {
        let limiter = RateLimiter::new(4);
        let start = Instant::now();
        for _ in 0..5 {
            limiter.acquire().await;
        }
        assert_eq!(start.elapsed(), Duration::from_millis(1000));
    }
}
