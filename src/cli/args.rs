//! The raw flags.

pub use super::format::OutputFormat;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "ofpc",
    version,
    about = "Conformance harness for the FAPI 2.0 token endpoint of Open Finance Malaysia's platform"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the catalogue against a target, or against the built-in mock when no target is given.
    Run(Box<RunArgs>),
    /// List the scenarios, with whether each applies to the target.
    List(ListArgs),
    /// Run the built-in mock OFP and print a ready target file for it.
    Mock(MockArgs),
    /// Work with saved reports: compare two, or render one again.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Make and check the transport, signing and encryption credentials.
    #[command(subcommand)]
    Pki(super::onboard_args::PkiCommand),
    /// Preflight before `ofpc run`: files, discovery and TLS, clock, one valid token request.
    Doctor(super::onboard_args::DoctorArgs),
    /// Get one access token the documented way and print it on stdout.
    Token(super::onboard_args::TokenArgs),
    /// Check an evidence bundle: its signature and every file's digest (exit 0 verified, 1 not).
    Verify(VerifyArgs),
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Print the drift between two reports (baseline first).
    Diff {
        /// The accepted report (report.json).
        baseline: PathBuf,
        /// The report to compare with it.
        current: PathBuf,
    },
    /// Render a saved report.json as html, md, junit or json.
    Render {
        /// The report.json to render.
        report: PathBuf,
        /// Output format.
        #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(crate::report::reporter::format_names()))]
        format: String,
        /// Write to this file instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// Target file (TOML). Without it, ofpc tests its built-in mock.
    #[arg(long, env = "OFPC_TARGET")]
    pub target: Option<PathBuf>,
    /// Profile: ofm, fapi2-final or fapi2-id2 (default: the target file's, else ofm).
    #[arg(long)]
    pub profile: Option<String>,
    /// Run only scenarios whose id matches this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub only: Vec<String>,
    /// Skip scenarios whose id matches this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub skip: Vec<String>,
    /// Switch a fault on in the built-in mock (repeatable; see `ofpc mock --list-faults`).
    #[arg(long, value_name = "NAME")]
    pub fault: Vec<String>,
    /// Folder the run's report folder goes under.
    #[arg(long, default_value = "reports", env = "OFPC_OUT")]
    pub out: PathBuf,
    /// Add the scenarios in this folder to the built-in catalogue.
    #[arg(long, value_name = "DIR")]
    pub scenarios: Option<PathBuf>,
    /// Treat warnings as failures for the exit code.
    #[arg(long)]
    pub strict: bool,
    /// Print only failures and the summary.
    #[arg(long, short)]
    pub quiet: bool,
    /// What to print on stdout.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    /// Compare with an accepted report: changed responses are marked Drift.
    #[arg(long, value_name = "REPORT")]
    pub baseline: Option<PathBuf>,
    /// Make drift from the baseline fail the run.
    #[arg(long, requires = "baseline")]
    pub fail_on_drift: bool,
    /// Known deviations (TOML): matching failures become KnownDeviation.
    #[arg(long, value_name = "FILE")]
    pub allow: Option<PathBuf>,
    /// Also write an evidence bundle (reports, target, catalogue, signed statement) into this
    /// new or empty folder.
    #[arg(long, value_name = "DIR")]
    pub evidence: Option<PathBuf>,
    /// Sign the evidence bundle with this private key (PEM: PKCS#8 RSA, EC P-256 or Ed25519, or
    /// PKCS#1 RSA). Without it the bundle holds digests only and says it is unsigned.
    #[arg(long, value_name = "KEY.pem", requires = "evidence")]
    pub sign_key: Option<PathBuf>,
    /// The signing key's certificate (PEM), copied into the bundle as `signer-cert.pem`.
    #[arg(long, value_name = "CERT.pem", requires = "sign_key")]
    pub sign_cert: Option<PathBuf>,
    /// Send a `[client]` transport certificate that expired or is not valid yet, as it is
    /// (to test exactly that); without it such a certificate is an input error.
    #[arg(long)]
    pub allow_invalid_client_cert: bool,
    /// Scenarios run at the same time (default: the target's `jobs`, else 4 for a remote
    /// target and twice the cores, at least 8, for one on this machine).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Most requests per second to the target (default: the target's `rate`, else no limit).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub rate: Option<u32>,
}

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// The bundle folder (written by `ofpc run --evidence DIR`).
    pub dir: PathBuf,
    /// The signer's public key (PEM `PUBLIC KEY`), obtained from the signer out of band.
    #[arg(long, value_name = "PUB.pem", conflicts_with = "cert")]
    pub key: Option<PathBuf>,
    /// The signer's certificate (PEM), obtained from the signer out of band.
    #[arg(long, value_name = "CERT.pem")]
    pub cert: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Target file: show whether each scenario applies to it.
    #[arg(long, env = "OFPC_TARGET")]
    pub target: Option<PathBuf>,
    /// Profile used to decide applicability.
    #[arg(long)]
    pub profile: Option<String>,
    /// Add the scenarios in this folder to the built-in catalogue.
    #[arg(long, value_name = "DIR")]
    pub scenarios: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct MockArgs {
    /// Port on 127.0.0.1 (default: any free port).
    #[arg(long)]
    pub port: Option<u16>,
    /// Switch a fault on (repeatable).
    #[arg(long, value_name = "NAME")]
    pub fault: Vec<String>,
    /// Print the faults, one per line, and exit.
    #[arg(long)]
    pub list_faults: bool,
    /// Delay every answer by this many milliseconds.
    #[arg(long, default_value_t = 0)]
    pub latency: u64,
    /// Require a client certificate at the TLS handshake on every path, discovery and JWKS
    /// included.
    #[arg(long)]
    pub require_client_cert: bool,
    /// Folder for the generated target file and test credentials (default: a new temporary folder).
    #[arg(long)]
    pub dir: Option<PathBuf>,
}
