//! Relative times in scenario files: `now`, `now-300s`, `now+62s`, `now+1d`, `now-2h`, `now+5m`,
//! `now+1y`. A string that starts with `now+` or `now-` is a time expression and must be a valid
//! one (checked when the scenario is loaded); any other string is a literal.

/// The farthest a time expression may point from now: 100 years, in seconds. Keeps every
/// resolved time a sane positive NumericDate, far from any overflow.
pub const MAX_OFFSET_SECS: i64 = 100 * 31_536_000;

/// Units and their length in seconds.
const UNITS: [(&str, i64); 5] = [
    ("s", 1),
    ("m", 60),
    ("h", 3600),
    ("d", 86_400),
    ("y", 31_536_000),
];

/// Why a time expression is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeExprError {
    #[error("time expression `{0}` has no number after the sign")]
    NoNumber(String),
    #[error("time expression `{expr}` has unit `{unit}`; the units are s, m, h, d and y")]
    Unit { expr: String, unit: String },
    #[error("time expression `{0}` lies more than 100 years from now")]
    TooFar(String),
}

/// Whether a claim string is meant as a time: `now`, `now+...` or `now-...`.
pub fn is_time_expr(s: &str) -> bool {
    s == "now" || s.starts_with("now+") || s.starts_with("now-")
}

/// The offset from now in seconds; `Ok(None)` for a string that is not a time expression.
pub fn offset(expr: &str) -> Result<Option<i64>, TimeExprError> {
    if !is_time_expr(expr) {
        return Ok(None);
    }
    let Some(signed) = expr.strip_prefix("now").filter(|r| !r.is_empty()) else {
        return Ok(Some(0));
    };
    let sign = if signed.starts_with('-') { -1 } else { 1 };
    let body = &signed[1..];
    let digits = body.len() - body.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let (number, unit) = body.split_at(digits);
    if number.is_empty() {
        return Err(TimeExprError::NoNumber(expr.to_string()));
    }
    let Some(&(_, scale)) = UNITS.iter().find(|(name, _)| *name == unit) else {
        return Err(TimeExprError::Unit {
            expr: expr.to_string(),
            unit: unit.to_string(),
        });
    };
    number
        .parse::<i64>()
        .ok()
        .and_then(|n| n.checked_mul(scale))
        .filter(|s| *s <= MAX_OFFSET_SECS)
        .map(|s| Some(sign * s))
        .ok_or_else(|| TimeExprError::TooFar(expr.to_string()))
}

/// Resolves a relative time against `now` (seconds since the epoch). `None` if it is not a
/// valid time expression.
pub fn resolve(expr: &str, now: i64) -> Option<i64> {
    offset(expr).ok().flatten().map(|o| now.saturating_add(o))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_times() {
        assert_eq!(resolve("now", 1000), Some(1000));
        assert_eq!(resolve("now-300s", 1000), Some(700));
        assert_eq!(resolve("now+1d", 0), Some(86_400));
        assert_eq!(resolve("now+5m", 0), Some(300));
        assert_eq!(resolve("later", 0), None);
        assert_eq!(resolve("nowhere", 0), None);
        assert_eq!(offset("nowhere"), Ok(None));
    }

    #[test]
    fn broken_expressions_are_errors_not_literals() {
        let cases = [
            (
                "now-300sec",
                "time expression `now-300sec` has unit `sec`; the units are s, m, h, d and y",
            ),
            (
                "now+x",
                "time expression `now+x` has no number after the sign",
            ),
            (
                "now-",
                "time expression `now-` has no number after the sign",
            ),
            (
                "now+999999999999999999d",
                "time expression `now+999999999999999999d` lies more than 100 years from now",
            ),
            (
                "now-99999999999999999999s",
                "time expression `now-99999999999999999999s` lies more than 100 years from now",
            ),
            (
                "now+101y",
                "time expression `now+101y` lies more than 100 years from now",
            ),
            (
                "now+-5s",
                "time expression `now+-5s` has no number after the sign",
            ),
        ];
        for (expr, message) in cases {
            assert_eq!(
                offset(expr).map_err(|e| e.to_string()),
                Err(message.to_string()),
                "{expr}"
            );
        }
        assert_eq!(offset("now+100y"), Ok(Some(MAX_OFFSET_SECS)));
    }
}
