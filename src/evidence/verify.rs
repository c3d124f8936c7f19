//! Checking a bundle: the envelope's signature against the key the verifier trusts, then every
//! file against the statement's digests. Pure: the caller reads the folder ([`read_bundle`]).
//!
//! Trust model: a signature proves something only against a key the verifier already trusts,
//! so `--key` or `--cert` is the anchor, obtained out of band (e.g. at onboarding). An embedded
//! `signer-cert.pem` is checked too when no anchor is given, but reported as not anchored:
//! whoever can edit the bundle can replace the certificate and the signature together.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::bundle::ENVELOPE;
use super::dsse::{self, Envelope, PAYLOAD_TYPE, pae};
use super::sign::PublicKey;
use super::statement::{PREDICATE_TYPE, STATEMENT_TYPE, Statement, bad_subject_name};

/// The key a verifier trusts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trust {
    /// No key given: digests only (and the embedded certificate, not anchored).
    None,
    /// `--key PUB.pem`.
    Key(PublicKey),
    /// `--cert CERT.pem`, with the certificate's subject.
    Cert { key: PublicKey, subject: String },
}

/// A file that does not match the statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileIssue {
    Missing(String),
    Added(String),
    Changed {
        name: String,
        expected: String,
        found: String,
    },
}

/// What the signature check established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureCheck {
    /// A valid signature by `keyid`; `anchor` says which key that is.
    Valid {
        alg: &'static str,
        keyid: String,
        anchor: String,
    },
    /// No signature, and the statement says there is none.
    Unsigned,
    /// Signed, but no key to check it with.
    NotChecked { keyid: String },
    /// Not valid, and why.
    Invalid(String),
}

/// The outcome of checking a bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// The envelope or statement is unusable (then nothing else was checked).
    pub problem: Option<String>,
    /// `run <id>, profile <p>, target <name>` from the statement.
    pub about: Option<String>,
    pub subjects: usize,
    pub files: Vec<FileIssue>,
    pub signature: SignatureCheck,
}

impl Verification {
    fn unusable(problem: String) -> Verification {
        Verification {
            problem: Some(problem),
            about: None,
            subjects: 0,
            files: Vec::new(),
            signature: SignatureCheck::Invalid("not checked: the statement is unusable".into()),
        }
    }

    /// True when nothing contradicts the statement and no signature check failed.
    pub fn verified(&self) -> bool {
        self.problem.is_none()
            && self.files.is_empty()
            && !matches!(self.signature, SignatureCheck::Invalid(_))
    }

    /// The text `ofpc verify` prints.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if let Some(problem) = &self.problem {
            out.push_str(&format!("not verified: {problem}\n"));
            return out;
        }
        if let Some(about) = &self.about {
            out.push_str(&format!("statement: {} files; {about}\n", self.subjects));
        }
        let short = |d: &str| d.chars().take(12).collect::<String>();
        for issue in &self.files {
            out.push_str(&match issue {
                FileIssue::Changed {
                    name,
                    expected,
                    found,
                } => format!(
                    "changed: {name} (sha256 {}… in the statement, {}… on disk)\n",
                    short(expected),
                    short(found)
                ),
                FileIssue::Missing(name) => format!("missing: {name}\n"),
                FileIssue::Added(name) => format!("added:   {name} (not in the statement)\n"),
            });
        }
        out.push_str("signature: ");
        out.push_str(&match &self.signature {
            SignatureCheck::Valid { alg, keyid, anchor } => {
                format!("valid {alg} signature by key {keyid} ({anchor})\n")
            }
            SignatureCheck::Unsigned => {
                "none: the bundle is unsigned, so nothing shows who wrote the statement\n"
                    .to_string()
            }
            SignatureCheck::NotChecked { keyid } => format!(
                "present (key {keyid}) but not checked: pass --key or --cert to check who signed\n"
            ),
            SignatureCheck::Invalid(why) => format!("INVALID: {why}\n"),
        });
        if self.verified() {
            let how = match &self.signature {
                SignatureCheck::Valid { .. } => "the signed statement",
                _ => "the statement",
            };
            out.push_str(&format!(
                "verified: all {} files match {how}\n",
                self.subjects
            ));
        } else {
            let count = |f: fn(&FileIssue) -> bool| self.files.iter().filter(|i| f(i)).count();
            let mut parts = Vec::new();
            for (n, what) in [
                (count(|i| matches!(i, FileIssue::Changed { .. })), "changed"),
                (count(|i| matches!(i, FileIssue::Missing(_))), "missing"),
                (count(|i| matches!(i, FileIssue::Added(_))), "added"),
            ] {
                if n > 0 {
                    parts.push(format!("{n} {what}"));
                }
            }
            if matches!(self.signature, SignatureCheck::Invalid(_)) {
                parts.push("signature invalid".into());
            }
            out.push_str(&format!("not verified: {}\n", parts.join(", ")));
        }
        out
    }
}

/// Checks an envelope (None when `statement.dsse.json` is absent) and the files found (bundle
/// path -> SHA-256 hex) against `trust`. `embedded_cert` is the PEM of `signer-cert.pem`.
pub fn verify(
    envelope: Option<&[u8]>,
    found: &BTreeMap<String, String>,
    trust: &Trust,
    embedded_cert: Option<&[u8]>,
) -> Verification {
    let Some(envelope) = envelope else {
        return Verification::unusable(format!(
            "{ENVELOPE} is missing: this is not an evidence bundle, or its statement was removed"
        ));
    };
    let envelope: Envelope = match serde_json::from_slice(envelope) {
        Ok(e) => e,
        Err(e) => {
            return Verification::unusable(format!("{ENVELOPE} is not a DSSE envelope: {e}"));
        }
    };
    if envelope.payload_type != PAYLOAD_TYPE {
        return Verification::unusable(format!(
            "{ENVELOPE} has payloadType `{}`, expected `{PAYLOAD_TYPE}`",
            envelope.payload_type
        ));
    }
    let Some(body) = envelope.body() else {
        return Verification::unusable(format!("{ENVELOPE}: the payload is not base64"));
    };
    let mut signature = check_signature(&envelope, &body, trust, embedded_cert);
    let statement: Statement = match serde_json::from_slice(&body) {
        Ok(s) => s,
        Err(e) => {
            return Verification::unusable(format!("the payload is not an in-toto statement: {e}"));
        }
    };
    if statement.statement_type != STATEMENT_TYPE || statement.predicate_type != PREDICATE_TYPE {
        return Verification::unusable(format!(
            "the statement is `{}` with predicate `{}`, expected `{STATEMENT_TYPE}` with `{PREDICATE_TYPE}`",
            statement.statement_type, statement.predicate_type
        ));
    }
    let mut expected: BTreeMap<&str, &str> = BTreeMap::new();
    for subject in &statement.subject {
        if let Some(why) = bad_subject_name(&subject.name) {
            return Verification::unusable(format!("subject `{}` {why}", subject.name));
        }
        if subject.name == ENVELOPE {
            return Verification::unusable(format!("the statement lists {ENVELOPE} itself"));
        }
        let Some(digest) = subject.sha256() else {
            return Verification::unusable(format!("subject `{}` has no sha256", subject.name));
        };
        if expected.insert(&subject.name, digest).is_some() {
            return Verification::unusable(format!("subject `{}` is listed twice", subject.name));
        }
    }
    // A statement that names a signer but arrives without a signature was stripped.
    let named = statement.predicate["signer"]["keyid"].as_str();
    if let (Some(keyid), true) = (named, envelope.signatures.is_empty()) {
        signature = SignatureCheck::Invalid(format!(
            "the statement was signed by key {keyid}, but the envelope carries no signature"
        ));
    }
    let mut files = Vec::new();
    for (name, digest) in &expected {
        match found.get(*name) {
            None => files.push(FileIssue::Missing(name.to_string())),
            Some(actual) if actual != digest => files.push(FileIssue::Changed {
                name: name.to_string(),
                expected: digest.to_string(),
                found: actual.clone(),
            }),
            Some(_) => {}
        }
    }
    let listed: BTreeSet<&str> = expected.keys().copied().collect();
    files.extend(
        found
            .keys()
            .filter(|n| !listed.contains(n.as_str()))
            .map(|n| FileIssue::Added(n.clone())),
    );
    let p = &statement.predicate;
    Verification {
        problem: None,
        about: Some(format!(
            "run {}, profile {}, target {}",
            p["run_id"].as_str().unwrap_or("?"),
            p["profile"].as_str().unwrap_or("?"),
            p["target"]["name"].as_str().unwrap_or("?"),
        )),
        subjects: expected.len(),
        files,
        signature,
    }
}

fn check_signature(
    envelope: &Envelope,
    body: &[u8],
    trust: &Trust,
    embedded_cert: Option<&[u8]>,
) -> SignatureCheck {
    let embedded;
    let (key, anchor) = match trust {
        Trust::Key(key) => (key, "the key given with --key".to_string()),
        Trust::Cert { key, subject } => {
            (key, format!("the certificate given with --cert, {subject}"))
        }
        Trust::None => {
            let Some(first) = envelope.signatures.first() else {
                return SignatureCheck::Unsigned;
            };
            match embedded_cert.map(PublicKey::from_pem) {
                None => {
                    return SignatureCheck::NotChecked {
                        keyid: first.keyid.clone(),
                    };
                }
                Some(Err(e)) => {
                    return SignatureCheck::Invalid(format!("the embedded certificate {e}"));
                }
                Some(Ok(key)) => {
                    embedded = key;
                    (
                        &embedded,
                        "the embedded signer-cert.pem, which you have not anchored: pass --cert or --key to check who signed".to_string(),
                    )
                }
            }
        }
    };
    let keyid = key.jwk_thumbprint();
    if envelope.signatures.is_empty() {
        return SignatureCheck::Invalid(
            "the bundle is unsigned, but a key was given to check it with".into(),
        );
    }
    let Some(sig) = envelope.signatures.iter().find(|s| s.keyid == keyid) else {
        let ids: Vec<&str> = envelope
            .signatures
            .iter()
            .map(|s| s.keyid.as_str())
            .collect();
        return SignatureCheck::Invalid(format!(
            "signed by key {}, not by the given key {keyid}",
            ids.join(", ")
        ));
    };
    let valid = dsse::decode(&sig.sig)
        .is_some_and(|bytes| key.verify(&pae(&envelope.payload_type, body), &bytes));
    if valid {
        SignatureCheck::Valid {
            alg: key.alg().as_str(),
            keyid,
            anchor,
        }
    } else {
        SignatureCheck::Invalid(format!(
            "the signature by key {keyid} does not match the statement: the statement or the signature was changed"
        ))
    }
}

/// What a bundle folder holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleContents {
    /// The envelope's bytes, None when absent.
    pub envelope: Option<Vec<u8>>,
    /// Every other file's SHA-256 by its `/`-separated path. A symbolic link is never a file
    /// we wrote: it gets a digest no file has, so it shows as changed or added.
    pub files: BTreeMap<String, String>,
}

/// Reads a bundle folder.
pub fn read_bundle(dir: &Path) -> std::io::Result<BundleContents> {
    let mut found = BTreeMap::new();
    walk(dir, "", &mut found)?;
    let envelope = match std::fs::read(dir.join(ENVELOPE)) {
        Ok(bytes) => Some(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    found.remove(ENVELOPE);
    Ok(BundleContents {
        envelope,
        files: found,
    })
}

fn walk(dir: &Path, prefix: &str, found: &mut BTreeMap<String, String>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
        let kind = entry.file_type()?;
        if kind.is_dir() {
            walk(&entry.path(), &format!("{name}/"), found)?;
        } else if kind.is_symlink() {
            found.insert(name, "(symbolic link)".into());
        } else {
            let bytes = std::fs::read(entry.path())?;
            found.insert(name, super::statement::sha256_hex(&bytes));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::bundle::{BundleFile, BundleInput, CatalogueFile, assemble};
    use crate::evidence::sign::Signer;
    use crate::evidence::statement::sha256_hex;
    use crate::evidence::target::TargetDescription;
    use crate::pki::generate::{generate_ec_signing_key, generate_rsa_signing_key};

    fn ed25519_pem() -> String {
        let rng = ring::rand::SystemRandom::new();
        let der = ring::signature::Ed25519KeyPair::generate_pkcs8(&rng).unwrap();
        let body = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, der.as_ref());
        format!("-----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY-----\n")
    }

    fn signers() -> Vec<Signer> {
        [
            generate_rsa_signing_key()
                .unwrap()
                .private_pem
                .expose()
                .to_string(),
            generate_ec_signing_key()
                .unwrap()
                .private_pem
                .expose()
                .to_string(),
            ed25519_pem(),
        ]
        .iter()
        .map(|pem| Signer::from_pem(pem.as_bytes()).unwrap())
        .collect()
    }

    fn description() -> TargetDescription {
        TargetDescription {
            name: "mock".into(),
            profile: "ofm".into(),
            endpoints: serde_json::json!({ "discovery": "https://127.0.0.1:8443/.well-known/openid-configuration" }),
            resource: None,
            ungranted_scope: None,
            system_roots: false,
            extra_roots: Vec::new(),
            clients: Vec::new(),
            client_ca: None,
            connect_timeout_secs: 5,
            timeout_secs: 15,
        }
    }

    /// A small bundle over the sample report: two report files, target, tool, two scenarios.
    fn bundle(signer: Option<&Signer>) -> Vec<BundleFile> {
        let report = crate::report::sample_report();
        let catalogue = [
            ("valid-grant", "id = \"valid-grant\"\n"),
            ("mtls-none", "id = \"mtls-none\"\n"),
            ("not-run", "id = \"not-run\"\n"),
        ]
        .map(|(id, text)| CatalogueFile {
            id: id.into(),
            source: format!("scenarios/x/{id}.toml"),
            bundle_path: format!("catalogue/scenarios/x/{id}.toml"),
            text: text.into(),
        });
        assemble(&BundleInput {
            report: &report,
            report_files: vec![
                (
                    "report.json".into(),
                    crate::report::json::render(&report).into_bytes(),
                ),
                ("report.md".into(), b"# report\n".to_vec()),
            ],
            target: &description(),
            catalogue: &catalogue,
            signer,
            signer_cert_pem: None,
        })
        .unwrap()
    }

    fn check(files: &[BundleFile], trust: &Trust) -> Verification {
        let envelope = files
            .iter()
            .find(|f| f.name == ENVELOPE)
            .map(|f| f.bytes.as_slice());
        let found = files
            .iter()
            .filter(|f| f.name != ENVELOPE)
            .map(|f| (f.name.clone(), sha256_hex(&f.bytes)))
            .collect();
        verify(envelope, &found, trust, None)
    }

    #[test]
    fn the_bundle_holds_what_ran_and_the_statement_lists_every_other_file() {
        let files = bundle(None);
        let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "catalogue/index.json",
                "catalogue/scenarios/x/mtls-none.toml",
                "catalogue/scenarios/x/valid-grant.toml",
                "report/report.json",
                "report/report.md",
                "target.json",
                "tool.json",
                "statement.dsse.json",
            ]
        );
        let v = check(&files, &Trust::None);
        assert_eq!(v.subjects, 7);
        assert_eq!(
            v.render(),
            "statement: 7 files; run 20261129T010203Z-mock, profile ofm, target mock\n\
             signature: none: the bundle is unsigned, so nothing shows who wrote the statement\n\
             verified: all 7 files match the statement\n"
        );
        assert!(v.verified());
    }

    #[test]
    fn every_flipped_byte_of_a_signed_bundle_is_caught() {
        for signer in signers() {
            let files = bundle(Some(&signer));
            let trust = Trust::Key(signer.public().clone());
            let v = check(&files, &trust);
            assert!(v.verified(), "{}", v.render());
            assert!(
                matches!(&v.signature, SignatureCheck::Valid { keyid, .. } if *keyid == signer.keyid())
            );
            for (i, file) in files.iter().enumerate() {
                // Every byte of the envelope; the first, middle and last byte of the others.
                let n = file.bytes.len();
                let positions: Vec<usize> = if file.name == ENVELOPE {
                    (0..n).collect()
                } else {
                    vec![0, n / 2, n - 1]
                };
                for at in positions {
                    let mut tampered = files.clone();
                    tampered[i].bytes[at] ^= 0x01;
                    let v = check(&tampered, &trust);
                    assert!(
                        !v.verified(),
                        "{} byte {at} flipped ({:?} key) went unnoticed",
                        file.name,
                        signer.public().alg()
                    );
                    if file.name != ENVELOPE {
                        assert_eq!(
                            v.files.len(),
                            1,
                            "only {} is named: {:?}",
                            file.name,
                            v.files
                        );
                        assert!(
                            matches!(&v.files[0], FileIssue::Changed { name, .. } if *name == file.name)
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn missing_and_added_files_are_named() {
        let signers = signers();
        let signer = &signers[1];
        let trust = Trust::Key(signer.public().clone());
        let mut files = bundle(Some(signer));
        files.retain(|f| f.name != "target.json");
        files.push(BundleFile {
            name: "report/extra.txt".into(),
            bytes: b"x".to_vec(),
        });
        let mut v = check(&files, &trust);
        assert_eq!(
            v.files,
            [
                FileIssue::Missing("target.json".into()),
                FileIssue::Added("report/extra.txt".into()),
            ]
        );
        // The key id is random; the rest of the text is exact.
        v.signature = SignatureCheck::Valid {
            alg: "ES256",
            keyid: "K".into(),
            anchor: "the key given with --key".into(),
        };
        assert_eq!(
            v.render(),
            "statement: 7 files; run 20261129T010203Z-mock, profile ofm, target mock\n\
             missing: target.json\n\
             added:   report/extra.txt (not in the statement)\n\
             signature: valid ES256 signature by key K (the key given with --key)\n\
             not verified: 1 missing, 1 added\n"
        );
        let without = check(&files[..0], &trust);
        assert_eq!(
            without.render(),
            "not verified: statement.dsse.json is missing: this is not an evidence bundle, or its statement was removed\n"
        );
    }

    #[test]
    fn a_wrong_key_a_stripped_signature_and_a_key_for_an_unsigned_bundle_fail() {
        let signers = signers();
        let files = bundle(Some(&signers[0]));
        for other in &signers[1..] {
            let v = check(&files, &Trust::Key(other.public().clone()));
            assert_eq!(
                v.signature,
                SignatureCheck::Invalid(format!(
                    "signed by key {}, not by the given key {}",
                    signers[0].keyid(),
                    other.keyid()
                ))
            );
            assert!(!v.verified());
        }
        // Same key id, other key: the signature itself is checked, not the id.
        let mut forged = files.clone();
        let envelope = forged.last_mut().unwrap();
        let mut parsed: Envelope = serde_json::from_slice(&envelope.bytes).unwrap();
        parsed.signatures[0].keyid = signers[1].keyid();
        envelope.bytes = serde_json::to_vec(&parsed).unwrap();
        let v = check(&forged, &Trust::Key(signers[1].public().clone()));
        assert!(
            matches!(v.signature, SignatureCheck::Invalid(ref why) if why.contains("does not match the statement"))
        );

        // Signature removed: the statement still names its signer.
        let mut stripped = files.clone();
        let envelope = stripped.last_mut().unwrap();
        let mut parsed: Envelope = serde_json::from_slice(&envelope.bytes).unwrap();
        parsed.signatures.clear();
        envelope.bytes = serde_json::to_vec(&parsed).unwrap();
        let v = check(&stripped, &Trust::None);
        assert_eq!(
            v.signature,
            SignatureCheck::Invalid(format!(
                "the statement was signed by key {}, but the envelope carries no signature",
                signers[0].keyid()
            ))
        );
        assert!(!v.verified());

        let unsigned = bundle(None);
        let v = check(&unsigned, &Trust::Key(signers[0].public().clone()));
        assert_eq!(
            v.signature,
            SignatureCheck::Invalid(
                "the bundle is unsigned, but a key was given to check it with".into()
            )
        );
        // Signed, no key: digests hold, the signature is reported as unchecked.
        let v = check(&files, &Trust::None);
        assert!(v.verified());
        assert_eq!(
            v.signature,
            SignatureCheck::NotChecked {
                keyid: signers[0].keyid()
            }
        );
    }

    #[test]
    fn subjects_outside_the_bundle_make_the_statement_unusable() {
        let body = serde_json::json!({
            "_type": STATEMENT_TYPE,
            "subject": [{ "name": "../../etc/passwd", "digest": { "sha256": "00" } }],
            "predicateType": PREDICATE_TYPE,
            "predicate": {},
        });
        let envelope = Envelope::new(PAYLOAD_TYPE, &serde_json::to_vec(&body).unwrap());
        let v = verify(
            Some(&serde_json::to_vec(&envelope).unwrap()),
            &BTreeMap::new(),
            &Trust::None,
            None,
        );
        assert_eq!(
            v.problem.as_deref(),
            Some("subject `../../etc/passwd` has an empty, `.` or `..` component")
        );
        assert!(!v.verified());
    }
}
