//! `ofpc verify DIR [--key PUB.pem | --cert CERT.pem]`: exit 0 verified, 1 not, 2 bad input.

use std::path::Path;

use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

use crate::cli::args::VerifyArgs;
use crate::errors::InputError;
use crate::evidence::bundle::SIGNER_CERT;
use crate::evidence::target::CertFacts;
use crate::evidence::{PublicKey, Trust, read_bundle, verify};
use crate::exit_codes;

pub fn verify_command(args: VerifyArgs) -> Result<u8, InputError> {
    if !args.dir.is_dir() {
        return Err(InputError::new(format!(
            "no evidence bundle at {}: not a folder",
            args.dir.display()
        ))
        .hint("pass the folder given to `ofpc run --evidence DIR`"));
    }
    let trust = match (&args.key, &args.cert) {
        (Some(path), _) => Trust::Key(read_key(path)?),
        (None, Some(path)) => read_cert(path)?,
        (None, None) => Trust::None,
    };
    let contents = read_bundle(&args.dir).map_err(|e| {
        InputError::new(format!(
            "cannot read the bundle {}: {e}",
            args.dir.display()
        ))
    })?;
    let embedded = contents
        .files
        .contains_key(SIGNER_CERT)
        .then(|| std::fs::read(args.dir.join(SIGNER_CERT)).ok())
        .flatten();
    let result = verify(
        contents.envelope.as_deref(),
        &contents.files,
        &trust,
        embedded.as_deref(),
    );
    print!("{}", result.render());
    Ok(if result.verified() {
        exit_codes::OK
    } else {
        exit_codes::FAILURES
    })
}

fn read_file(flag: &str, path: &Path) -> Result<Vec<u8>, InputError> {
    std::fs::read(path).map_err(|e| {
        InputError::new(format!("cannot read {flag} {}: {e}", path.display()))
            .hint("the signer hands out the public key or certificate (never the private key)")
    })
}

fn read_key(path: &Path) -> Result<PublicKey, InputError> {
    PublicKey::from_pem(&read_file("--key", path)?).map_err(|e| {
        InputError::new(format!("--key {} {e}", path.display())).hint(
            "pass the signer's public key as PEM (BEGIN PUBLIC KEY): RSA, EC P-256 or Ed25519",
        )
    })
}

fn read_cert(path: &Path) -> Result<Trust, InputError> {
    let text = read_file("--cert", path)?;
    let err = |what: String| {
        InputError::new(format!("--cert {} {what}", path.display()))
            .hint("pass the signer's certificate as PEM (BEGIN CERTIFICATE)")
    };
    let der = CertificateDer::from_pem_slice(&text)
        .map_err(|_| err("holds no PEM certificate".into()))?;
    let key = PublicKey::from_cert_der(der.as_ref()).map_err(|e| err(e.to_string()))?;
    let subject = CertFacts::of(der.as_ref())
        .map(|c| c.subject)
        .unwrap_or_default();
    Ok(Trust::Cert { key, subject })
}
