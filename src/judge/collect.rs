//! Collects check results for one step, capping every severity at the scenario's: a
//! warn-severity scenario (a SHOULD-level row) never fails.

use crate::model::{CheckResult, CheckStatus, Severity};

pub struct CheckList {
    /// The results so far, in order.
    pub checks: Vec<CheckResult>,
    cap: Severity,
}

impl CheckList {
    pub fn new(cap: Severity) -> CheckList {
        CheckList {
            checks: Vec::new(),
            cap,
        }
    }

    /// The scenario's severity, which caps every check's.
    pub fn cap(&self) -> Severity {
        self.cap
    }

    /// Records a check that passed (`ok`) or failed/warned per its (capped) severity.
    pub fn push(
        &mut self,
        id: &str,
        title: &str,
        severity: Severity,
        ok: bool,
        expected: impl Into<String>,
        actual: impl Into<String>,
    ) {
        let severity = if self.cap == Severity::Warn {
            Severity::Warn
        } else {
            severity
        };
        let status = match (ok, severity) {
            (true, _) => CheckStatus::Pass,
            (false, Severity::Fail) => CheckStatus::Fail,
            (false, Severity::Warn) => CheckStatus::Warn,
        };
        self.checks.push(CheckResult {
            id: id.to_string(),
            title: title.to_string(),
            severity,
            status,
            expected: expected.into(),
            actual: actual.into(),
        });
    }

    /// Records a check that could not be judged, with the reason.
    pub fn skip(&mut self, id: &str, title: &str, severity: Severity, reason: impl Into<String>) {
        self.checks.push(CheckResult {
            id: id.to_string(),
            title: title.to_string(),
            severity,
            status: CheckStatus::Skip,
            expected: String::new(),
            actual: reason.into(),
        });
    }

    /// [`CheckList::skip`] at the scenario's severity.
    pub fn skip_at_cap(&mut self, id: &str, title: &str, reason: impl Into<String>) {
        self.skip(id, title, self.cap, reason);
    }

    /// One fail-severity check that passes when `problems` is empty.
    pub fn problems(&mut self, id: &str, title: &str, expected: &str, problems: &[String]) {
        let actual = if problems.is_empty() {
            "as expected".to_string()
        } else {
            problems.join("; ")
        };
        self.push(
            id,
            title,
            Severity::Fail,
            problems.is_empty(),
            expected,
            actual,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_warn_scenario_caps_every_check() {
        let mut list = CheckList::new(Severity::Warn);
        list.push("err-status", "t", Severity::Fail, false, "400", "HTTP 200");
        assert_eq!(
            (list.checks[0].status, list.checks[0].severity),
            (CheckStatus::Warn, Severity::Warn)
        );
        let mut list = CheckList::new(Severity::Fail);
        list.push("err-status", "t", Severity::Fail, false, "400", "HTTP 200");
        list.problems("disc-jwks", "t", "no private keys", &[]);
        assert_eq!(list.checks[0].status, CheckStatus::Fail);
        assert_eq!(
            (list.checks[1].status, list.checks[1].actual.as_str()),
            (CheckStatus::Pass, "as expected")
        );
    }
}
