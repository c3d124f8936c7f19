//! The bundle's files: assembled in memory from a finished run (pure), then written, each
//! atomically, the signed envelope last so a bundle without it is visibly unfinished.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Serialize;

use super::dsse::{Envelope, PAYLOAD_TYPE, pae};
use super::sign::{KeyError, Signer};
use super::statement::{
    CatalogueFacts, FindingFacts, PREDICATE_TYPE, Predicate, STATEMENT_TYPE, SignerFacts,
    Statement, Subject, ToolFacts, sha256_hex,
};
use super::target::{CertFacts, TargetDescription};
use crate::report::model::Report;

/// The signed envelope: the one file that is not a subject of the statement.
pub const ENVELOPE: &str = "statement.dsse.json";
/// The signing certificate, when `--sign-cert` was given.
pub const SIGNER_CERT: &str = "signer-cert.pem";
const TARGET: &str = "target.json";
const TOOL: &str = "tool.json";
const CATALOGUE_INDEX: &str = "catalogue/index.json";

/// One file of the bundle, by its `/`-separated path inside the bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A scenario file the run loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueFile {
    pub id: String,
    /// Where it came from: `scenarios/<category>/<id>.toml` (built in) or the user's path.
    pub source: String,
    /// Its path in the bundle: `catalogue/scenarios/...` or `catalogue/extra/<file>`.
    pub bundle_path: String,
    pub text: String,
}

/// Everything a bundle is made of.
pub struct BundleInput<'a> {
    pub report: &'a Report,
    /// The run's report files as written, by file name.
    pub report_files: Vec<(String, Vec<u8>)>,
    pub target: &'a TargetDescription,
    /// Every scenario file loaded; the bundle keeps those the report mentions.
    pub catalogue: &'a [CatalogueFile],
    pub signer: Option<&'a Signer>,
    pub signer_cert_pem: Option<&'a str>,
}

#[derive(Serialize)]
struct IndexEntry<'a> {
    id: &'a str,
    source: &'a str,
    file: &'a str,
    sha256: String,
}

fn json(value: &impl Serialize) -> Vec<u8> {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text.into_bytes()
}

/// Builds every file of the bundle, the envelope last.
pub fn assemble(input: &BundleInput<'_>) -> Result<Vec<BundleFile>, KeyError> {
    let report = input.report;
    let mut files: Vec<BundleFile> = input
        .report_files
        .iter()
        .map(|(name, bytes)| BundleFile {
            name: format!("report/{name}"),
            bytes: bytes.clone(),
        })
        .collect();
    let mut target = serde_json::to_value(input.target).unwrap_or_default();
    if let Some(map) = target.as_object_mut() {
        map.insert(
            "as_reported".into(),
            serde_json::to_value(&report.target).unwrap_or_default(),
        );
    }
    files.push(BundleFile {
        name: TARGET.into(),
        bytes: json(&target),
    });
    let tool = ToolFacts::current();
    files.push(BundleFile {
        name: TOOL.into(),
        bytes: json(&tool),
    });

    let ran: BTreeSet<&str> = report.scenarios.iter().map(|s| s.id.as_str()).collect();
    let used: Vec<&CatalogueFile> = input
        .catalogue
        .iter()
        .filter(|f| ran.contains(f.id.as_str()))
        .collect();
    let index: Vec<IndexEntry> = used
        .iter()
        .map(|f| IndexEntry {
            id: &f.id,
            source: &f.source,
            file: &f.bundle_path,
            sha256: sha256_hex(f.text.as_bytes()),
        })
        .collect();
    let index_bytes = json(&index);
    let catalogue = CatalogueFacts {
        files: used.len(),
        index_sha256: sha256_hex(&index_bytes),
    };
    files.extend(used.iter().map(|f| BundleFile {
        name: f.bundle_path.clone(),
        bytes: f.text.clone().into_bytes(),
    }));
    files.push(BundleFile {
        name: CATALOGUE_INDEX.into(),
        bytes: index_bytes,
    });

    let cert = input.signer_cert_pem.and_then(CertFacts::of_pem);
    if let Some(pem) = input.signer_cert_pem {
        files.push(BundleFile {
            name: SIGNER_CERT.into(),
            bytes: pem.as_bytes().to_vec(),
        });
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));

    let predicate = Predicate {
        run_id: report.run_id.clone(),
        started_at: report.started_at.clone(),
        finished_at: report.finished_at.clone(),
        duration_ms: report.duration_ms,
        complete: report.complete,
        profile: report.profile.clone(),
        target: serde_json::to_value(&report.target).unwrap_or_default(),
        summary: serde_json::to_value(&report.summary).unwrap_or_default(),
        findings: report
            .findings
            .iter()
            .map(|f| FindingFacts {
                check: f.check.clone(),
                severity: f.severity.as_str().to_owned(),
                scenarios: f.places.iter().map(|p| p.scenario.clone()).collect(),
            })
            .collect(),
        tool,
        catalogue,
        signer: input.signer.map(|s| SignerFacts {
            keyid: s.keyid(),
            alg: s.public().alg().as_str().to_string(),
            cert_subject: cert.as_ref().map(|c| c.subject.clone()),
            cert_x5t_s256: cert.as_ref().map(|c| c.x5t_s256.clone()),
        }),
    };
    let statement = Statement {
        statement_type: STATEMENT_TYPE.into(),
        subject: files
            .iter()
            .map(|f| Subject::of(&f.name, &f.bytes))
            .collect(),
        predicate_type: PREDICATE_TYPE.into(),
        predicate: serde_json::to_value(&predicate).unwrap_or_default(),
    };
    let body = serde_json::to_vec(&statement).unwrap_or_default();
    let mut envelope = Envelope::new(PAYLOAD_TYPE, &body);
    if let Some(signer) = input.signer {
        let sig = signer.sign(&pae(PAYLOAD_TYPE, &body))?;
        envelope.add_signature(signer.keyid(), &sig);
    }
    files.push(BundleFile {
        name: ENVELOPE.into(),
        bytes: json(&envelope),
    });
    Ok(files)
}

/// Writes the files under `dir`, each atomically, in order (the envelope comes last).
pub fn write(dir: &Path, files: &[BundleFile]) -> std::io::Result<()> {
    for file in files {
        let path = file
            .name
            .split('/')
            .fold(dir.to_path_buf(), |p, part| p.join(part));
        crate::report::write::write_atomic(&path, &file.bytes)?;
    }
    Ok(())
}
