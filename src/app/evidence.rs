//! `ofpc run --evidence DIR [--sign-key KEY.pem [--sign-cert CERT.pem]]`: every flag is checked
//! before anything is sent; the bundle is written after the reports.

use std::path::{Path, PathBuf};

use base64::Engine;
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

use crate::cli::args::RunArgs;
use crate::config::Target;
use crate::errors::InputError;
use crate::evidence::bundle::{self, CatalogueFile};
use crate::evidence::{BundleInput, KeyError, PublicKey, Signer, TargetDescription};
use crate::report::model::Report;
use crate::scenario::{Scenario, catalogue};

/// A bundle to write once the run is over.
pub struct Evidence {
    dir: PathBuf,
    signer: Option<Signer>,
    /// The signing certificate(s) re-encoded from DER: never other blocks of the file.
    cert_pem: Option<String>,
    catalogue: Vec<CatalogueFile>,
    target: Option<TargetDescription>,
}

impl Evidence {
    /// Checks `--evidence`, `--sign-key` and `--sign-cert` and reads the scenario files.
    /// Creates nothing.
    pub fn prepare(args: &RunArgs, scenarios: &[Scenario]) -> Result<Option<Evidence>, InputError> {
        let Some(dir) = &args.evidence else {
            return Ok(None);
        };
        check_folder(dir)?;
        let signer = args.sign_key.as_deref().map(read_signer).transpose()?;
        let cert_pem = match (&args.sign_cert, &signer) {
            (Some(path), Some(signer)) => Some(read_cert(path, signer)?),
            _ => None,
        };
        Ok(Some(Evidence {
            dir: dir.clone(),
            signer,
            cert_pem,
            catalogue: catalogue_files(scenarios)?,
            target: None,
        }))
    }

    /// Records the target, as loaded, before it is tested.
    pub fn describe(&mut self, target: &Target) {
        self.target = Some(TargetDescription::of(target));
    }

    /// Writes the bundle: the report folder holding `report_json`, the target, the catalogue,
    /// the tool, and the statement.
    pub fn write(&self, report: &Report, report_json: &Path) -> Result<(), InputError> {
        let fail = |what: String| {
            InputError::new(format!(
                "cannot write the evidence bundle in {}: {what}",
                self.dir.display()
            ))
        };
        let report_dir = report_json.parent().unwrap_or(Path::new("."));
        let mut report_files = Vec::new();
        let entries = std::fs::read_dir(report_dir).map_err(|e| fail(e.to_string()))?;
        for entry in entries.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_file()) {
                let bytes = std::fs::read(entry.path()).map_err(|e| fail(e.to_string()))?;
                report_files.push((entry.file_name().to_string_lossy().into_owned(), bytes));
            }
        }
        let Some(target) = &self.target else {
            return Err(fail("the target was not described".into()));
        };
        let files = crate::evidence::assemble(&BundleInput {
            report,
            report_files,
            target,
            catalogue: &self.catalogue,
            signer: self.signer.as_ref(),
            signer_cert_pem: self.cert_pem.as_deref(),
        })
        .map_err(|e| fail(e.to_string()))?;
        bundle::write(&self.dir, &files).map_err(|e| fail(e.to_string()))?;
        let how = match &self.signer {
            Some(s) => format!(
                "a statement signed {} by key {}",
                s.public().alg().as_str(),
                s.keyid()
            ),
            None => "an unsigned statement".to_string(),
        };
        eprintln!(
            "evidence: {} ({} files under {how}); check it with `ofpc verify {}`",
            self.dir.display(),
            files.len() - 1,
            self.dir.display()
        );
        Ok(())
    }
}

/// The folder must be new or empty, and creatable or writable.
fn check_folder(dir: &Path) -> Result<(), InputError> {
    let err = |what: String| InputError::new(format!("--evidence {}: {what}", dir.display()));
    let probe_at = if dir.exists() {
        let mut entries = std::fs::read_dir(dir).map_err(|e| {
            err(format!("cannot read the folder: {e}")).hint("name a new folder or an empty one")
        })?;
        if entries.next().is_some() {
            return Err(err("the folder is not empty".into())
                .hint("name a new folder: a bundle is never mixed with other files"));
        }
        dir.to_path_buf()
    } else {
        // The nearest folder that exists must let us create the rest.
        let mut parent = dir.parent();
        while let Some(p) = parent.filter(|p| !p.as_os_str().is_empty() && !p.exists()) {
            parent = p.parent();
        }
        match parent.filter(|p| !p.as_os_str().is_empty()) {
            Some(p) if !p.is_dir() => {
                return Err(err(format!("{} is not a folder", p.display())));
            }
            Some(p) => p.to_path_buf(),
            None => PathBuf::from("."),
        }
    };
    tempfile::NamedTempFile::new_in(&probe_at).map_err(|e| {
        err(format!("cannot write in {}: {e}", probe_at.display()))
            .hint("name a folder you can write to")
    })?;
    Ok(())
}

fn read_signer(path: &Path) -> Result<Signer, InputError> {
    let text = std::fs::read(path).map_err(|e| {
        InputError::new(format!("cannot read --sign-key {}: {e}", path.display()))
            .hint("pass the PEM file of the private key that signs the bundle")
    })?;
    Signer::from_pem(&text).map_err(|e| {
        let err = InputError::new(format!("--sign-key {} {e}", path.display()));
        match e {
            KeyError::Sec1 => err.hint(format!(
                "convert it to PKCS#8: openssl pkcs8 -topk8 -nocrypt -in {0} -out {0}.p8",
                path.display()
            )),
            _ => err.hint(
                "use an RSA (2048 to 8192 bits), EC P-256 or Ed25519 private key as unencrypted PKCS#8 PEM (BEGIN PRIVATE KEY), or RSA as PKCS#1 (BEGIN RSA PRIVATE KEY)",
            ),
        }
    })
}

fn read_cert(path: &Path, signer: &Signer) -> Result<String, InputError> {
    let err = |what: String| InputError::new(format!("--sign-cert {}: {what}", path.display()));
    let text = std::fs::read(path).map_err(|e| err(format!("cannot read it: {e}")))?;
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&text)
        .collect::<Result<_, _>>()
        .map_err(|e| err(format!("is not PEM: {e}")))?;
    let Some(leaf) = certs.first() else {
        return Err(err("holds no CERTIFICATE block".into()));
    };
    match PublicKey::from_cert_der(leaf.as_ref()) {
        Ok(key) if &key == signer.public() => {}
        Ok(_) => {
            return Err(err("is not the certificate of --sign-key".into())
                .hint("pass the certificate issued for the signing key (its first certificate must carry that key)"));
        }
        Err(e) => return Err(err(format!("the first certificate {e}"))),
    }
    Ok(certs
        .iter()
        .map(|c| pem("CERTIFICATE", c.as_ref()))
        .collect())
}

/// PEM with 64-character lines (RFC 7468).
fn pem(label: &str, der: &[u8]) -> String {
    let body = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in body.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// The text of every scenario loaded: built-in ones from the binary, the user's from disk.
fn catalogue_files(scenarios: &[Scenario]) -> Result<Vec<CatalogueFile>, InputError> {
    scenarios
        .iter()
        .map(|s| {
            let builtin = catalogue::files().iter().find(|(p, _)| *p == s.source);
            let (bundle_path, text) = match builtin {
                Some((path, text)) => (format!("catalogue/{path}"), text.to_string()),
                None => {
                    let path = Path::new(&s.source);
                    let text = std::fs::read_to_string(path).map_err(|e| {
                        InputError::new(format!("cannot read scenario file {}: {e}", s.source))
                    })?;
                    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
                    (
                        format!(
                            "catalogue/extra/{}",
                            name.unwrap_or_else(|| format!("{}.toml", s.id))
                        ),
                        text,
                    )
                }
            };
            Ok(CatalogueFile {
                id: s.id.clone(),
                source: s.source.clone(),
                bundle_path,
                text,
            })
        })
        .collect()
}
