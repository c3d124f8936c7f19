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
pub mod write;

/// The sample report the renderer and diff tests share (`tests/fixtures/report-sample.json`).
#[cfg(test)]
pub(crate) fn sample_report() -> model::Report {
    serde_json::from_str(include_str!("../../tests/fixtures/report-sample.json"))
        .expect("sample report parses")
}
