//! The raw flags of the onboarding commands: `ofpc pki`, `ofpc doctor`, `ofpc token`.

use std::path::PathBuf;

use clap::Subcommand;

use super::format::OutputFormat;

#[derive(Debug, Subcommand)]
pub enum PkiCommand {
    /// Make the transport, signing and encryption credentials, jwks.json, a target.toml
    /// skeleton and NEXT-STEPS.md in DIR, to the sandbox rules.
    Init(PkiInitArgs),
    /// Check certificates and keys against the platform's rules.
    Check {
        /// Certificates and keys (PEM); a key is matched with the certificate of the same name.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
}

#[derive(Debug, clap::Args)]
pub struct PkiInitArgs {
    /// Folder to write to (made if missing).
    pub dir: PathBuf,
    /// The client_id PayNet issued (the transport certificate's CN).
    #[arg(long)]
    pub client_id: String,
    /// Organisation name (O) in the subjects.
    #[arg(long)]
    pub org: Option<String>,
    /// Country (C), two letters.
    #[arg(long, default_value = "MY")]
    pub country: String,
    /// Validity in days: at least 366 (12 months), default 397 (13 months).
    #[arg(long, default_value_t = crate::onboard::init::DEFAULT_DAYS)]
    pub days: u32,
    /// RSA key size: 2048, 3072 or 4096.
    #[arg(long, default_value_t = 2048, conflicts_with = "ec")]
    pub bits: usize,
    /// EC P-256 keys instead of RSA.
    #[arg(long)]
    pub ec: bool,
    /// Certificate signing requests for a CA instead of self-signed certificates.
    #[arg(long)]
    pub csr: bool,
    /// Overwrite existing files.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, clap::Args)]
pub struct DoctorArgs {
    /// Target file (TOML).
    #[arg(long, env = "OFPC_TARGET")]
    pub target: PathBuf,
    /// What to print on stdout.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum TokenFormat {
    /// The access token alone.
    #[default]
    Raw,
    /// The token response as received (JSON).
    Json,
    /// Shell assignments: OFPC_ACCESS_TOKEN, OFPC_TOKEN_TYPE, OFPC_EXPIRES_IN, OFPC_SCOPE.
    Env,
}

#[derive(Debug, clap::Args)]
pub struct TokenArgs {
    /// Target file (TOML).
    #[arg(long, env = "OFPC_TARGET")]
    pub target: PathBuf,
    /// Scope to ask for (default: the client's `scope`).
    #[arg(long)]
    pub scope: Option<String>,
    /// What to print on stdout.
    #[arg(long, value_enum, default_value_t = TokenFormat::Raw)]
    pub format: TokenFormat,
    /// Also show a JWT access token's header and claims, and whether its cnf.x5t#S256 matches
    /// the transport certificate (on stderr, so stdout stays the token).
    #[arg(long)]
    pub decode: bool,
}
