//! Run reports: the versioned envelope, its renderers (json, junit, markdown, html, terminal),
//! the reporters fed by the run's events, and atomic writing.

pub mod build;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod model;
pub mod reporter;
pub mod terminal;
pub mod wire;
pub mod write;

/// The sample report the renderer and diff tests share (`tests/fixtures/report-sample.json`).
#[cfg(test)]
pub(crate) fn sample_report() -> model::Report {
    serde_json::from_str(include_str!("../../tests/fixtures/report-sample.json"))
        .expect("sample report parses")
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_sample_reports_findings_are_its_scenarios_findings() {
        let report = super::sample_report();
        assert_eq!(report.findings, crate::model::findings(&report.scenarios));
    }
}
