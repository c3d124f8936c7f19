//! Reporters: one trait fed by the run's events (as nextest's are), and the one list of file
//! formats a finished report is written in. A new format is one file plus one line in
//! [`FILE_FORMATS`]; a new live output is one [`Reporter`] impl.

use std::path::Path;

use super::model::Report;
use super::{html, json, junit, markdown};
use crate::model::RunEvent;

/// What a reporter hears, in order: the run's own events, then the end of the live part, then
/// the finished report (allow-list and baseline applied) and where it was written.
pub enum Event<'a> {
    Run(RunEvent<'a>),
    /// No more scenarios will finish (live displays stop here).
    RunDone,
    Finished {
        report: &'a Report,
        written: &'a Path,
    },
}

/// Something that follows a run: the terminal, JSON on stdout, ...
pub trait Reporter {
    fn handle(&mut self, event: &Event<'_>);
}

/// Run-level notices go to stderr in every output format.
pub fn print_notices(event: &Event<'_>) {
    if let Event::Run(RunEvent::Started { notices, .. }) = event {
        for n in *notices {
            eprintln!("notice: {n}");
        }
    }
}

/// A file format of the finished report.
pub struct FileFormat {
    /// The name `ofpc report render --format` takes.
    pub name: &'static str,
    /// The file written into each run's folder.
    pub file_name: &'static str,
    pub render: fn(&Report) -> String,
}

/// Every file format, in writing order: report.json last, so its presence means the rest are
/// there.
pub const FILE_FORMATS: [FileFormat; 4] = [
    FileFormat {
        name: "junit",
        file_name: "junit.xml",
        render: junit::render,
    },
    FileFormat {
        name: "md",
        file_name: "report.md",
        render: markdown::render,
    },
    FileFormat {
        name: "html",
        file_name: "report.html",
        render: html::render,
    },
    FileFormat {
        name: "json",
        file_name: "report.json",
        render: json::render,
    },
];

/// The format called `name`.
pub fn file_format(name: &str) -> Option<&'static FileFormat> {
    FILE_FORMATS.iter().find(|f| f.name == name)
}

/// The names of every file format, for the command line.
pub fn format_names() -> [&'static str; 4] {
    FILE_FORMATS.map(|f| f.name)
}

/// `--format json`: the finished report as JSON on stdout, nothing else.
pub struct JsonReporter;

impl Reporter for JsonReporter {
    fn handle(&mut self, event: &Event<'_>) {
        print_notices(event);
        if let Event::Finished { report, .. } = event {
            print!("{}", json::render(report));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_has_its_own_name_and_file() {
        let names = format_names();
        assert_eq!(names, ["junit", "md", "html", "json"]);
        let mut files: Vec<&str> = FILE_FORMATS.iter().map(|f| f.file_name).collect();
        files.dedup();
        assert_eq!(files.len(), FILE_FORMATS.len());
        assert_eq!(file_format("md").map(|f| f.file_name), Some("report.md"));
        assert!(file_format("pdf").is_none());
    }
}
