//! Command-line flags (clap), validated only; the app resolves them.

pub mod args;
pub mod format;
pub mod onboard_args;

pub use args::{Cli, Command};
