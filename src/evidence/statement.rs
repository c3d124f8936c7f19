//! The in-toto Statement (v1) over a bundle: one subject per file with its SHA-256, and a
//! predicate summarising the run.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// `_type` of an in-toto Statement v1.
pub const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";
/// Our predicate: an ofpc conformance run. Documented in the README ("Evidence bundles"); the
/// `.invalid` host (RFC 2606) keeps the identifier from ever colliding with someone else's.
pub const PREDICATE_TYPE: &str = "https://ofpc.invalid/evidence/run/v1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    #[serde(rename = "_type")]
    pub statement_type: String,
    pub subject: Vec<Subject>,
    #[serde(rename = "predicateType")]
    pub predicate_type: String,
    pub predicate: serde_json::Value,
}

/// One bundle file: its path in the bundle (`/`-separated) and digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subject {
    pub name: String,
    pub digest: BTreeMap<String, String>,
}

impl Subject {
    pub fn of(name: &str, bytes: &[u8]) -> Subject {
        Subject {
            name: name.to_string(),
            digest: BTreeMap::from([("sha256".to_string(), sha256_hex(bytes))]),
        }
    }

    pub fn sha256(&self) -> Option<&str> {
        self.digest.get("sha256").map(String::as_str)
    }
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What the predicate says about the run (`predicate` of the statement).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Predicate {
    pub run_id: String,
    pub started_at: String,
    pub finished_at: String,
    pub duration_ms: u64,
    pub complete: bool,
    pub profile: String,
    /// Name, kind, resolved issuer and token endpoint; the full description is `target.json`.
    pub target: serde_json::Value,
    /// Scenario counts by verdict, as in report.json.
    pub summary: serde_json::Value,
    /// The run's findings, most severe and widest first: check id, severity and the scenarios.
    #[serde(default)]
    pub findings: Vec<FindingFacts>,
    pub tool: ToolFacts,
    pub catalogue: CatalogueFacts,
    /// Who signed, or null for an unsigned bundle.
    pub signer: Option<SignerFacts>,
}

/// One finding as the predicate states it (the full finding is in report.json).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FindingFacts {
    pub check: String,
    /// `fail` or `warn`.
    pub severity: String,
    pub scenarios: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToolFacts {
    pub name: String,
    pub version: String,
    /// The git commit the binary was built from, or `unknown`.
    pub commit: String,
}

impl ToolFacts {
    /// This build.
    pub fn current() -> ToolFacts {
        ToolFacts {
            name: "ofpc".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            commit: env!("BUILD_GIT_COMMIT").to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueFacts {
    /// Scenario files in the bundle.
    pub files: usize,
    /// SHA-256 of `catalogue/index.json`, which lists each file's digest.
    pub index_sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignerFacts {
    /// The DSSE `keyid`: RFC 7638 JWK thumbprint of the signing key.
    pub keyid: String,
    /// `PS256`, `ES256` or `EdDSA`.
    pub alg: String,
    /// The signing certificate, when one was given (`signer-cert.pem`).
    pub cert_subject: Option<String>,
    pub cert_x5t_s256: Option<String>,
}

/// Why a subject name is unusable, or None when it names a file inside the bundle.
pub fn bad_subject_name(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        return Some("is empty");
    }
    if name.starts_with('/') || name.contains('\\') || name.contains(':') {
        return Some("is not a relative `/`-separated path");
    }
    if name
        .split('/')
        .any(|part| part.is_empty() || part == "." || part == "..")
    {
        return Some("has an empty, `.` or `..` component");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_carry_hex_sha256() {
        // FIPS 180-2 "abc".
        let s = Subject::of("report/report.json", b"abc");
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#"{"name":"report/report.json","digest":{"sha256":"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}}"#
        );
    }

    #[test]
    fn subject_names_stay_inside_the_bundle() {
        assert_eq!(bad_subject_name("catalogue/scenarios/a.toml"), None);
        assert_eq!(
            bad_subject_name("../etc/passwd"),
            Some("has an empty, `.` or `..` component")
        );
        assert_eq!(
            bad_subject_name("/etc/passwd"),
            Some("is not a relative `/`-separated path")
        );
        assert_eq!(
            bad_subject_name("a//b"),
            Some("has an empty, `.` or `..` component")
        );
        assert_eq!(bad_subject_name(""), Some("is empty"));
    }
}
