//! The doctor's checklist: one line per item, a summary, the exit code, text and JSON forms; and
//! the clock rule read off the server's `Date` header. Pure: the app fills it in and prints it.

use serde_json::{Value, json};

use crate::exit_codes;

/// Warn when the server's clock differs from the local one by more than this (seconds).
pub const CLOCK_WARN_SECS: i64 = 5;
/// Fail above this: client assertions live 60 s and servers allow little skew.
pub const CLOCK_FAIL_SECS: i64 = 60;

/// The state of one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    Warn,
    Fail,
    /// Not checked, because an earlier item failed.
    Skip,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warn => "warn",
            Status::Fail => "fail",
            Status::Skip => "skip",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Status::Ok => "ok  ",
            Status::Warn => "WARN",
            Status::Fail => "FAIL",
            Status::Skip => "skip",
        }
    }
}

impl From<super::rules::Level> for Status {
    fn from(level: super::rules::Level) -> Status {
        use super::rules::Level;
        match level {
            Level::Info | Level::Ok => Status::Ok,
            Level::Warn => Status::Warn,
            Level::Fail => Status::Fail,
        }
    }
}

/// One line of the checklist, with its hints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Short name: `files`, `cert client`, `discovery`, `clock`, `token`.
    pub name: String,
    pub status: Status,
    pub detail: String,
    pub hints: Vec<String>,
}

impl Item {
    pub fn new(name: impl Into<String>, status: Status, detail: impl Into<String>) -> Item {
        Item {
            name: name.into(),
            status,
            detail: detail.into(),
            hints: Vec::new(),
        }
    }

    pub fn with_hints(mut self, hints: Vec<String>) -> Item {
        self.hints = hints;
        self
    }
}

/// The whole checklist.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Checklist {
    pub items: Vec<Item>,
    /// The target could not be reached at all.
    pub unreachable: bool,
}

impl Checklist {
    pub fn push(&mut self, item: Item) {
        self.items.push(item);
    }

    fn count(&self, status: Status) -> usize {
        self.items.iter().filter(|i| i.status == status).count()
    }

    /// 0 all good (warnings allowed), 1 a problem found, 3 not reachable.
    pub fn exit_code(&self) -> u8 {
        if self.unreachable {
            exit_codes::UNTESTABLE
        } else if self.count(Status::Fail) > 0 {
            exit_codes::FAILURES
        } else {
            exit_codes::OK
        }
    }

    /// `4 ok, 1 warning, 0 problems` and what it means.
    pub fn summary(&self) -> String {
        let verdict = if self.unreachable {
            "the target is not reachable"
        } else if self.count(Status::Fail) > 0 {
            "fix the problems above before `ofpc run`"
        } else {
            "ready for `ofpc run`"
        };
        format!(
            "{} ok, {} warning(s), {} problem(s), {} skipped: {verdict}",
            self.count(Status::Ok),
            self.count(Status::Warn),
            self.count(Status::Fail),
            self.count(Status::Skip)
        )
    }

    /// One line per item, hints under it, the summary last.
    pub fn render_text(&self, title: &str) -> String {
        let width = self.items.iter().map(|i| i.name.len()).max().unwrap_or(0);
        let mut out = format!("{title}\n");
        for item in &self.items {
            out.push_str(&format!(
                "  {}  {:<width$}  {}\n",
                item.status.label(),
                item.name,
                item.detail
            ));
            for hint in &item.hints {
                out.push_str(&format!("        {:<width$}  hint: {hint}\n", ""));
            }
        }
        out.push_str(&format!("summary: {}\n", self.summary()));
        out
    }

    /// The same as JSON.
    pub fn to_json(&self, target: &str) -> Value {
        json!({
            "target": target,
            "items": self.items.iter().map(|i| json!({
                "check": i.name,
                "status": i.status.as_str(),
                "detail": i.detail,
                "hints": i.hints,
            })).collect::<Vec<_>>(),
            "summary": {
                "ok": self.count(Status::Ok),
                "warn": self.count(Status::Warn),
                "fail": self.count(Status::Fail),
                "skip": self.count(Status::Skip),
                "unreachable": self.unreachable,
            },
            "exit_code": self.exit_code(),
        })
    }
}

/// The clock rule: `skew` = server time − local time, seconds.
pub fn clock_item(skew: i64) -> Item {
    let text = match skew {
        0 => "the server's clock agrees with this machine's (to the second)".to_string(),
        s if s > 0 => format!("the server's clock is {s} s ahead of this machine's"),
        s => format!("the server's clock is {} s behind this machine's", -s),
    };
    let status = match skew.abs() {
        s if s > CLOCK_FAIL_SECS => Status::Fail,
        s if s > CLOCK_WARN_SECS => Status::Warn,
        _ => Status::Ok,
    };
    let item = Item::new("clock", status, text);
    if status == Status::Ok {
        item
    } else {
        item.with_hints(vec![format!(
            "client assertions carry `iat`/`exp` from this clock: keep it within {CLOCK_WARN_SECS} s \
             (NTP, e.g. `timedatectl set-ntp true`)"
        )])
    }
}

/// Parses an HTTP `Date` (IMF-fixdate, RFC 9110 §5.6.7) into Unix seconds.
pub fn parse_http_date(value: &str) -> Option<i64> {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    time::PrimitiveDateTime::parse(value.trim(), format)
        .ok()
        .map(|t| t.assume_utc().unix_timestamp())
}

/// Unix seconds as `2027-01-31` (UTC).
pub fn date_text(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .map(|t| t.date().to_string())
        .unwrap_or_else(|_| unix.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_thresholds() {
        assert_eq!(clock_item(0).status, Status::Ok);
        assert_eq!(clock_item(-5).status, Status::Ok);
        assert_eq!(clock_item(6).status, Status::Warn);
        assert_eq!(
            clock_item(-61).detail,
            "the server's clock is 61 s behind this machine's"
        );
        assert_eq!(clock_item(-61).status, Status::Fail);
    }

    #[test]
    fn http_dates() {
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(parse_http_date("yesterday"), None);
        assert_eq!(date_text(784_111_777), "1994-11-06");
    }

    #[test]
    fn renders_items_hints_and_summary() {
        let mut list = Checklist::default();
        list.push(Item::new("files", Status::Ok, "everything loads"));
        list.push(
            Item::new("token", Status::Fail, "HTTP 401")
                .with_hints(vec!["is kid registered?".into()]),
        );
        assert_eq!(
            list.render_text("ofpc doctor: t"),
            "ofpc doctor: t\n  ok    files  everything loads\n  FAIL  token  HTTP 401\n               hint: is kid registered?\nsummary: 1 ok, 0 warning(s), 1 problem(s), 0 skipped: fix the problems above before `ofpc run`\n"
        );
        assert_eq!(list.exit_code(), 1);
        assert_eq!(list.to_json("t")["items"][1]["status"], "fail");
        list.unreachable = true;
        assert_eq!(list.exit_code(), 3);
    }
}
