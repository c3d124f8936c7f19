//! Collects check results for one step, capping every severity at the scenario's: a
//! warn-severity scenario (a SHOULD-level row) never fails.

use crate::model::{Check, CheckResult, CheckStatus, Severity};

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

    /// Records a check that passed (`ok`) or failed/warned per its (capped) severity. `check`
    /// is a registry entry (`CheckId::ErrStatus`), or one worded or weighted for the call site
    /// (`CheckId::ErrStatus.at(Severity::Warn)`).
    pub fn push(
        &mut self,
        check: impl Into<Check>,
        ok: bool,
        expected: impl Into<String>,
        actual: impl Into<String>,
    ) {
        let check = check.into();
        let severity = if self.cap == Severity::Warn {
            Severity::Warn
        } else {
            check.severity
        };
        let status = match (ok, severity) {
            (true, _) => CheckStatus::Pass,
            (false, Severity::Fail) => CheckStatus::Fail,
            (false, Severity::Warn) => CheckStatus::Warn,
        };
        self.checks.push(CheckResult {
            id: check.id.as_str().to_string(),
            title: check.title.to_string(),
            severity,
            status,
            expected: expected.into(),
            actual: actual.into(),
        });
    }

    /// Records a check that could not be judged, with the reason.
    pub fn skip(&mut self, check: impl Into<Check>, reason: impl Into<String>) {
        let check = check.into();
        self.checks.push(CheckResult {
            id: check.id.as_str().to_string(),
            title: check.title.to_string(),
            severity: check.severity,
            status: CheckStatus::Skip,
            expected: String::new(),
            actual: reason.into(),
        });
    }

    /// [`CheckList::skip`] at the scenario's severity.
    pub fn skip_at_cap(&mut self, check: impl Into<Check>, reason: impl Into<String>) {
        self.skip(check.into().at(self.cap), reason);
    }

    /// One check (fail-severity in the registry) that passes when `problems` is empty.
    pub fn problems(&mut self, check: impl Into<Check>, expected: &str, problems: &[String]) {
        let actual = if problems.is_empty() {
            "as expected".to_string()
        } else {
            problems.join("; ")
        };
        self.push(check, problems.is_empty(), expected, actual);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CheckId;

    #[test]
    fn a_warn_scenario_caps_every_check() {
        let mut list = CheckList::new(Severity::Warn);
        list.push(CheckId::ErrStatus, false, "400", "HTTP 200");
        assert_eq!(
            (list.checks[0].status, list.checks[0].severity),
            (CheckStatus::Warn, Severity::Warn)
        );
        let mut list = CheckList::new(Severity::Fail);
        list.push(CheckId::ErrStatus, false, "400", "HTTP 200");
        list.problems(CheckId::DiscJwksPrivate, "no private keys", &[]);
        assert_eq!(list.checks[0].status, CheckStatus::Fail);
        assert_eq!(
            (list.checks[1].status, list.checks[1].actual.as_str()),
            (CheckStatus::Pass, "as expected")
        );
    }
}
