//! What a command prints on stdout: text for people, or JSON for programs.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum OutputFormat {
    /// One line per scenario and a summary (a progress bar on a terminal).
    #[default]
    Text,
    /// The report as JSON on stdout, nothing else.
    Json,
}
