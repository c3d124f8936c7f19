//! `ofpc pki init` and `ofpc pki check`: the disk side of `onboard::init` and `onboard::rules`.

use std::path::{Path, PathBuf};

use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use time::OffsetDateTime;

use crate::cli::onboard_args::{PkiCommand, PkiInitArgs};
use crate::errors::InputError;
use crate::exit_codes;
use crate::onboard::init::{self, InitOptions, KeySpec};
use crate::onboard::jwk::{PublicJwk, private_key_spki};
use crate::onboard::rules::{self, CertFacts, Finding, Level, Role};
use crate::report::write::{write_atomic, write_secret_atomic};

pub fn pki_command(cmd: PkiCommand) -> Result<u8, InputError> {
    match cmd {
        PkiCommand::Init(args) => init_command(args),
        PkiCommand::Check { files } => check_command(&files),
    }
}

/// The files `init` writes, relative to its folder.
fn planned_files(csr: bool) -> Vec<String> {
    let mut names = Vec::new();
    for purpose in init::Purpose::ALL {
        names.push(format!("{}.key", purpose.stem()));
        names.push(format!(
            "{}.{}",
            purpose.stem(),
            if csr { "csr" } else { "pem" }
        ));
    }
    names.extend(["jwks.json", "target.toml", "NEXT-STEPS.md"].map(String::from));
    names
}

fn init_command(args: PkiInitArgs) -> Result<u8, InputError> {
    let opts = InitOptions {
        client_id: args.client_id,
        org: args.org,
        country: args.country,
        days: args.days,
        key: if args.ec {
            KeySpec::EcP256
        } else {
            KeySpec::Rsa(args.bits)
        },
        csr: args.csr,
    };
    opts.validate()
        .map_err(|e| InputError::new(e.to_string()).hint(e.hint()))?;
    let names = planned_files(opts.csr);
    if !args.force {
        let existing: Vec<&str> = names
            .iter()
            .filter(|n| args.dir.join(n).exists())
            .map(String::as_str)
            .collect();
        if !existing.is_empty() {
            return Err(InputError::new(format!(
                "refusing to overwrite {} in {}",
                existing.join(", "),
                args.dir.display()
            ))
            .hint("pick an empty folder, or pass --force to replace them"));
        }
    }
    let generated = init::generate(&opts, OffsetDateTime::now_utc())
        .map_err(|e| InputError::new(format!("cannot make the credentials: {e}")))?;
    let write = |name: &str, text: &str, secret: bool| -> Result<(), InputError> {
        let path = args.dir.join(name);
        let written = if secret {
            write_secret_atomic(&path, text.as_bytes())
        } else {
            write_atomic(&path, text.as_bytes())
        };
        written.map_err(|e| {
            InputError::new(format!("cannot write {}: {e}", path.display()))
                .hint("pick a folder you can write to")
        })
    };
    for c in generated.all() {
        let stem = c.purpose.stem();
        write(&format!("{stem}.key"), c.key.expose(), true)?;
        if let Some((pem, _)) = &c.cert {
            write(&format!("{stem}.pem"), pem, false)?;
        }
        if let Some(csr) = &c.csr {
            write(&format!("{stem}.csr"), csr, false)?;
        }
    }
    write("jwks.json", &init::jwks_json(&generated), false)?;
    write("target.toml", &init::target_toml(&opts, &generated), false)?;
    write("NEXT-STEPS.md", &init::next_steps(&opts, &generated), false)?;
    println!(
        "wrote {} files to {} (keys 0600):",
        names.len(),
        args.dir.display()
    );
    for name in &names {
        println!("  {name}");
    }
    println!(
        "transport subject (register for tls_client_auth): {}",
        generated.transport.subject
    );
    println!("signing kid: {}", generated.signing.public.thumbprint());
    println!("next: read {}", args.dir.join("NEXT-STEPS.md").display());
    Ok(exit_codes::OK)
}

/// What one file holds.
struct Loaded {
    path: PathBuf,
    certs: Vec<CertificateDer<'static>>,
    key: Option<PublicJwk>,
    csr: Option<Vec<u8>>,
}

fn load(path: &Path) -> Result<Loaded, InputError> {
    let unreadable = |what: String| {
        InputError::new(format!("cannot read {}: {what}", path.display()))
            .hint("pass PEM files: certificates, private keys or certificate signing requests")
    };
    let text = std::fs::read_to_string(path).map_err(|e| unreadable(e.to_string()))?;
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(text.as_bytes())
        .collect::<Result<_, _>>()
        .map_err(|e| unreadable(format!("bad PEM: {e}")))?;
    let key = if text.contains("PRIVATE KEY-----") {
        let spki = private_key_spki(&text).map_err(unreadable)?;
        Some(PublicJwk::from_spki_der(&spki).map_err(unreadable)?)
    } else {
        None
    };
    let csr = rustls_pki_types::CertificateSigningRequestDer::from_pem_slice(text.as_bytes())
        .ok()
        .map(|c| c.as_ref().to_vec());
    if certs.is_empty() && key.is_none() && csr.is_none() {
        return Err(unreadable(
            "no certificate, private key or certificate request in it".into(),
        ));
    }
    Ok(Loaded {
        path: path.to_path_buf(),
        certs,
        key,
        csr,
    })
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn csr_findings(der: &[u8]) -> Vec<Finding> {
    use x509_parser::prelude::{FromDer, X509CertificationRequest};
    match X509CertificationRequest::from_der(der) {
        Ok((_, req)) => {
            let info = &req.certification_request_info;
            let mut out = vec![Finding::new(
                Level::Info,
                format!("certificate request for {}", info.subject),
            )];
            match PublicJwk::from_spki(&info.subject_pki) {
                Ok(key) => out.push(rules::key_finding(&key)),
                Err(e) => out.push(Finding::new(Level::Fail, format!("key: {e}"))),
            }
            out
        }
        Err(e) => vec![Finding::new(
            Level::Fail,
            format!("not a certificate request: {e}"),
        )],
    }
}

fn check_command(files: &[PathBuf]) -> Result<u8, InputError> {
    let loaded: Vec<Loaded> = files.iter().map(|p| load(p)).collect::<Result<_, _>>()?;
    let now = OffsetDateTime::now_utc().unix_timestamp();
    // Certificates by file stem, for matching `transport.key` with `transport.pem`.
    let mut leaves: Vec<(String, PathBuf, CertFacts)> = Vec::new();
    for file in &loaded {
        if let Some(leaf) = file.certs.first()
            && let Ok(facts) = rules::cert_facts(leaf.as_ref())
        {
            leaves.push((stem(&file.path), file.path.clone(), facts));
        }
    }
    let mut worst = Level::Info;
    for file in &loaded {
        let mut findings = Vec::new();
        if let Some(leaf) = file.certs.first() {
            let role = Role::from_file_name(&file.path.to_string_lossy());
            match rules::cert_facts(leaf.as_ref()) {
                Ok(facts) => findings.extend(rules::check_cert(&facts, role, now)),
                Err(e) => findings.push(Finding::new(Level::Fail, e)),
            }
            if file.certs.len() > 1 {
                findings.push(Finding::new(
                    Level::Info,
                    format!(
                        "chain of {} certificates; the first was checked",
                        file.certs.len()
                    ),
                ));
            }
        }
        if let Some(key) = &file.key {
            findings.push(rules::key_finding(key));
            findings.push(Finding::new(
                Level::Info,
                format!("JWK thumbprint (kid): {}", key.thumbprint()),
            ));
            let own = stem(&file.path);
            let partner = leaves
                .iter()
                .find(|(_, path, _)| *path == file.path)
                .or_else(|| leaves.iter().find(|(s, _, _)| *s == own));
            findings.push(match partner {
                Some((_, path, facts)) => {
                    rules::match_finding(key, facts, &path.display().to_string())
                }
                None => Finding::new(
                    Level::Info,
                    format!("no certificate named {own}.pem given to match it with"),
                ),
            });
        }
        if let Some(csr) = &file.csr {
            findings.extend(csr_findings(csr));
        }
        println!("{}", file.path.display());
        for f in &findings {
            worst = worst.max(f.level);
            println!("  {:<4}  {}", f.level.as_str(), f.text);
        }
    }
    let verdict = match worst {
        Level::Fail => "a rule does not hold",
        Level::Warn => "all rules hold, with warnings",
        _ => "all rules hold",
    };
    println!("{} file(s) checked: {verdict}", loaded.len());
    Ok(if worst == Level::Fail {
        exit_codes::FAILURES
    } else {
        exit_codes::OK
    })
}
