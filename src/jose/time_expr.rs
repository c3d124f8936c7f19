//! Relative times in scenario files: `now`, `now-300s`, `now+62s`, `now+1d`, `now-2h`, `now+5m`.

/// Resolves a relative time against `now` (seconds since the epoch). `None` if it is not one.
pub fn resolve(expr: &str, now: i64) -> Option<i64> {
    let rest = expr.strip_prefix("now")?;
    if rest.is_empty() {
        return Some(now);
    }
    let (sign, rest) = match rest.as_bytes().first()? {
        b'+' => (1, &rest[1..]),
        b'-' => (-1, &rest[1..]),
        _ => return None,
    };
    let unit = rest.chars().last()?;
    let number: i64 = rest[..rest.len() - unit.len_utf8()].parse().ok()?;
    let seconds = match unit {
        's' => number,
        'm' => number * 60,
        'h' => number * 3600,
        'd' => number * 86_400,
        'y' => number * 31_536_000,
        _ => return None,
    };
    Some(now + sign * seconds)
}

#[cfg(test)]
mod tests {
    use super::resolve;

    #[test]
    fn relative_times() {
        assert_eq!(resolve("now", 1000), Some(1000));
        assert_eq!(resolve("now-300s", 1000), Some(700));
        assert_eq!(resolve("now+1d", 0), Some(86_400));
        assert_eq!(resolve("now+5m", 0), Some(300));
        assert_eq!(resolve("later", 0), None);
        assert_eq!(resolve("now+x", 0), None);
    }
}
