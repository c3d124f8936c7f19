//! The transport rows of the catalogue (§6.1): which hellos each row sends and how the answers are
//! judged. Failures are data (`CheckResult`); an answer that cannot be judged goes to `error`.

use std::time::{Duration, Instant};

use serde::Serialize;

use super::classify::ProbeOutcome;
use super::hello::{ClientHelloSpec, TlsVersion, version_name};
use super::record::{ProbeTarget, probe_via};
use super::suites;
use crate::model::{CheckId, CheckResult, CheckStatus, Severity};
use crate::net::Network;

/// One transport row of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransportCheck {
    Tls10Refused,
    Tls11Refused,
    Tls12Bcp195Ok,
    Tls13Supported,
    Tls13Preferred,
    Tls12OnlyRecommendedSuites,
    Tls12DheSuites,
}

impl TransportCheck {
    pub const ALL: [TransportCheck; 7] = [
        TransportCheck::Tls12Bcp195Ok,
        TransportCheck::Tls10Refused,
        TransportCheck::Tls11Refused,
        TransportCheck::Tls13Supported,
        TransportCheck::Tls13Preferred,
        TransportCheck::Tls12OnlyRecommendedSuites,
        TransportCheck::Tls12DheSuites,
    ];

    /// The row's entry in the check registry.
    pub fn check_id(self) -> CheckId {
        match self {
            TransportCheck::Tls10Refused => CheckId::Tls10Refused,
            TransportCheck::Tls11Refused => CheckId::Tls11Refused,
            TransportCheck::Tls12Bcp195Ok => CheckId::Tls12Bcp195Ok,
            TransportCheck::Tls13Supported => CheckId::Tls13Supported,
            TransportCheck::Tls13Preferred => CheckId::Tls13Preferred,
            TransportCheck::Tls12OnlyRecommendedSuites => CheckId::Tls12OnlyRecommendedSuites,
            TransportCheck::Tls12DheSuites => CheckId::Tls12DheSuites,
        }
    }

    pub fn id(self) -> &'static str {
        self.check_id().as_str()
    }

    pub fn title(self) -> &'static str {
        self.check_id().title()
    }

    pub fn severity(self) -> Severity {
        self.check_id().severity()
    }

    pub fn refs(self) -> &'static [&'static str] {
        self.check_id().refs()
    }

    /// The status a failed expectation gets: `Fail`, or `Warn` for warn-severity rows.
    fn miss(self) -> CheckStatus {
        match self.severity() {
            Severity::Fail => CheckStatus::Fail,
            Severity::Warn => CheckStatus::Warn,
        }
    }
}

/// One hello sent and what came back, for the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProbeRecord {
    /// What the probe is for, e.g. `TLS 1.0 only` or `family: RC4`.
    pub label: String,
    pub offered_versions: Vec<String>,
    pub offered_suites: Vec<String>,
    /// The SNI sent, if any.
    pub sni: Option<String>,
    pub outcome: ProbeOutcome,
    /// `outcome` in words.
    pub answer: String,
    pub duration_ms: u64,
}

/// What a transport row produced.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct CheckOutcome {
    /// The judged expectations; all carry the row's id.
    pub checks: Vec<CheckResult>,
    /// Every probe made, in order.
    pub probes: Vec<ProbeRecord>,
    /// Set when an answer could not be judged (no connection, stall, reset where a ServerHello was
    /// required, non-TLS bytes, malformed records): Error verdict material naming what was received.
    /// `checks` still holds whatever could be judged; a `Fail` there is a real failure.
    pub error: Option<String>,
}

/// Runs one transport row against `target`, connecting directly. `limit` bounds each connect
/// and each answer.
pub async fn run_check(
    check: TransportCheck,
    target: &ProbeTarget,
    limit: Duration,
) -> CheckOutcome {
    run_check_via(&Network::direct(), check, target, limit).await
}

/// [`run_check`] with every connection opened through `network` (a proxy tunnel or direct).
pub async fn run_check_via(
    network: &Network,
    check: TransportCheck,
    target: &ProbeTarget,
    limit: Duration,
) -> CheckOutcome {
    let mut run = Run {
        check,
        target,
        network,
        limit,
        out: CheckOutcome::default(),
    };
    match check {
        TransportCheck::Tls10Refused => run.version_refused(TlsVersion::Tls10).await,
        TransportCheck::Tls11Refused => run.version_refused(TlsVersion::Tls11).await,
        TransportCheck::Tls12Bcp195Ok => run.tls12_bcp195_ok().await,
        TransportCheck::Tls13Supported => run.tls13_supported().await,
        TransportCheck::Tls13Preferred => run.tls13_preferred().await,
        TransportCheck::Tls12OnlyRecommendedSuites => run.only_recommended_suites().await,
        TransportCheck::Tls12DheSuites => run.dhe_suites().await,
    }
    run.out
}

/// Runs every row of [`TransportCheck::ALL`] in order.
pub async fn run_all(target: &ProbeTarget, limit: Duration) -> Vec<(TransportCheck, CheckOutcome)> {
    let mut out = Vec::new();
    for check in TransportCheck::ALL {
        out.push((check, run_check(check, target, limit).await));
    }
    out
}

struct Run<'a> {
    check: TransportCheck,
    target: &'a ProbeTarget,
    network: &'a Network,
    limit: Duration,
    out: CheckOutcome,
}

fn versions_text(versions: &[TlsVersion]) -> String {
    versions
        .iter()
        .map(|v| v.as_str())
        .collect::<Vec<_>>()
        .join(" + ")
}

impl Run<'_> {
    fn spec(&self, versions: &[TlsVersion], suites: &[u16]) -> ClientHelloSpec {
        ClientHelloSpec {
            versions: versions.to_vec(),
            cipher_suites: suites.to_vec(),
            server_name: self.target.server_name(),
        }
    }

    async fn send(&mut self, label: &str, spec: ClientHelloSpec) -> ProbeOutcome {
        let started = Instant::now();
        let outcome = probe_via(self.network, self.target, &spec, self.limit).await;
        self.out.probes.push(ProbeRecord {
            label: label.to_owned(),
            offered_versions: spec.describe_versions(),
            offered_suites: spec.describe_suites(),
            sni: spec.sni().map(str::to_owned),
            answer: outcome.describe(),
            outcome: outcome.clone(),
            duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        });
        outcome
    }

    fn result(&mut self, title: String, status: CheckStatus, expected: &str, actual: String) {
        self.out.checks.push(CheckResult {
            id: self.check.id().to_owned(),
            title,
            severity: self.check.severity(),
            status,
            expected: expected.to_owned(),
            actual,
        });
    }

    fn judge(&mut self, pass: bool, expected: &str, actual: String) {
        let status = if pass {
            CheckStatus::Pass
        } else {
            self.check.miss()
        };
        self.result(self.check.title().to_owned(), status, expected, actual);
    }

    fn error(&mut self, label: &str, outcome: &ProbeOutcome) {
        let msg = format!("{label}: {}", outcome.describe());
        self.out.error = Some(match self.out.error.take() {
            Some(prev) => format!("{prev}; {msg}"),
            None => msg,
        });
    }

    /// tls-10-refused / tls-11-refused: a hello offering only `version` must be refused.
    async fn version_refused(&mut self, version: TlsVersion) {
        let label = format!("{} only", version.as_str());
        let spec = self.spec(&[version], &suites::legacy_version_offer());
        let outcome = self.send(&label, spec).await;
        let expected = format!(
            "{} refused: handshake_failure/protocol_version alert, close or TCP reset",
            version.as_str()
        );
        match &outcome {
            o if o.is_refusal() => {
                self.judge(true, &expected, format!("refused: {}", o.describe()))
            }
            ProbeOutcome::ServerHello {
                version: chosen,
                cipher_suite,
                ..
            } if *chosen == version.wire() => self.judge(
                false,
                &expected,
                format!(
                    "{} accepted with {}",
                    version.as_str(),
                    suites::describe(*cipher_suite)
                ),
            ),
            ProbeOutcome::ServerHello {
                version: chosen, ..
            } => self.judge(
                false,
                &expected,
                format!(
                    "protocol violation: a {}-only hello was answered with a {} ServerHello \
                     instead of a protocol_version alert ({})",
                    version.as_str(),
                    version_name(*chosen),
                    outcome.describe()
                ),
            ),
            other => self.error(&label, other),
        }
    }

    /// tls-12-bcp195-ok: a TLS 1.2 hello with the allowed set must get a TLS 1.2 ServerHello with
    /// an allowed suite. A server without TLS 1.2 passes if it accepts 1.3 (the row allows either).
    async fn tls12_bcp195_ok(&mut self) {
        let expected = "ServerHello TLS 1.2 with a suite of the allowed set (RFC 9325 §4.2 + IANA \
                        Recommended=Y), or TLS 1.3";
        let label = "TLS 1.2 only, allowed suites";
        let outcome = self
            .send(
                label,
                self.spec(&[TlsVersion::Tls12], &suites::allowed_tls12()),
            )
            .await;
        match &outcome {
            ProbeOutcome::ServerHello {
                version: 0x0303,
                cipher_suite,
                ..
            } => {
                let ok = suites::allowed_tls12().contains(cipher_suite);
                let actual = if ok {
                    outcome.describe()
                } else {
                    format!(
                        "protocol violation: the server chose {}, which was not offered",
                        suites::describe(*cipher_suite)
                    )
                };
                self.judge(ok, expected, actual);
            }
            ProbeOutcome::ServerHello { .. } => self.judge(
                false,
                expected,
                format!(
                    "protocol violation: a TLS 1.2-only hello was answered with {}",
                    outcome.describe()
                ),
            ),
            ProbeOutcome::Alert { .. } | ProbeOutcome::Closed => {
                // Maybe a TLS 1.3-only server: the row accepts 1.3 too.
                let mut suites_13 = suites::TLS13.to_vec();
                suites_13.extend(suites::allowed_tls12());
                let label13 = "TLS 1.3 + TLS 1.2, allowed suites";
                let spec = self.spec(&[TlsVersion::Tls13, TlsVersion::Tls12], &suites_13);
                let second = self.send(label13, spec).await;
                match &second {
                    ProbeOutcome::ServerHello {
                        version: 0x0304, ..
                    } => self.judge(
                        true,
                        expected,
                        format!(
                            "TLS 1.2 refused ({}), TLS 1.3 accepted: {}",
                            outcome.describe(),
                            second.describe()
                        ),
                    ),
                    o if o.is_refusal() || matches!(o, ProbeOutcome::ServerHello { .. }) => self
                        .judge(
                            false,
                            expected,
                            format!(
                                "allowed suites refused: {}; with TLS 1.3 offered too: {}",
                                outcome.describe(),
                                second.describe()
                            ),
                        ),
                    other => self.error(label13, other),
                }
            }
            other => self.error(label, other),
        }
    }

    /// The TLS 1.3-only probe shared by tls-13-supported and tls-13-preferred.
    async fn tls13_only(&mut self) -> ProbeOutcome {
        let spec = self.spec(&[TlsVersion::Tls13], suites::TLS13);
        self.send("TLS 1.3 only", spec).await
    }

    /// tls-13-supported (warn): a TLS 1.3-only hello must get a TLS 1.3 ServerHello (or HRR).
    async fn tls13_supported(&mut self) {
        let expected = "ServerHello (or HelloRetryRequest) TLS 1.3";
        let outcome = self.tls13_only().await;
        match &outcome {
            ProbeOutcome::ServerHello {
                version: 0x0304, ..
            } => self.judge(true, expected, outcome.describe()),
            ProbeOutcome::ServerHello { .. } => self.judge(
                false,
                expected,
                format!(
                    "protocol violation: a TLS 1.3-only hello was answered with {}",
                    outcome.describe()
                ),
            ),
            ProbeOutcome::Alert { .. } | ProbeOutcome::Closed => self.judge(
                false,
                expected,
                format!("TLS 1.3 refused: {}", outcome.describe()),
            ),
            other => self.error("TLS 1.3 only", other),
        }
    }

    /// tls-13-preferred: with 1.2 and 1.3 offered the server must pick 1.3. Skipped when a
    /// 1.3-only hello is not accepted.
    async fn tls13_preferred(&mut self) {
        let expected = "ServerHello TLS 1.3 to a hello offering TLS 1.2 and TLS 1.3";
        let first = self.tls13_only().await;
        match &first {
            ProbeOutcome::ServerHello {
                version: 0x0304, ..
            } => {}
            o if o.is_refusal() || matches!(o, ProbeOutcome::ServerHello { .. }) => {
                self.result(
                    self.check.title().to_owned(),
                    CheckStatus::Skip,
                    expected,
                    format!("TLS 1.3 not supported: {}", first.describe()),
                );
                return;
            }
            other => return self.error("TLS 1.3 only", other),
        }
        let label = "TLS 1.3 + TLS 1.2";
        let mut offer = suites::TLS13.to_vec();
        offer.extend(suites::allowed_tls12());
        let both = [TlsVersion::Tls13, TlsVersion::Tls12];
        let outcome = self.send(label, self.spec(&both, &offer)).await;
        match &outcome {
            ProbeOutcome::ServerHello {
                version: 0x0304, ..
            } => self.judge(true, expected, outcome.describe()),
            ProbeOutcome::ServerHello { .. } => self.judge(
                false,
                expected,
                format!(
                    "server chose {} although TLS 1.3 was offered and works",
                    outcome.describe()
                ),
            ),
            ProbeOutcome::Alert { .. } | ProbeOutcome::Closed => self.judge(
                false,
                expected,
                format!(
                    "hello offering {} refused: {}",
                    versions_text(&both),
                    outcome.describe()
                ),
            ),
            other => self.error(label, other),
        }
    }

    /// tls12-only-recommended-suites: one TLS 1.2 hello per disallowed family. When a family is
    /// accepted, the chosen suite is removed and the family probed again, so every accepted suite
    /// is named.
    async fn only_recommended_suites(&mut self) {
        for family in suites::DISALLOWED_FAMILIES {
            let title = format!("{} ({})", self.check.title(), family.name);
            let expected = format!("every {} suite refused", family.name);
            let mut remaining = family.suites.to_vec();
            let mut accepted: Vec<String> = Vec::new();
            let mut last = None;
            while !remaining.is_empty() {
                let label = format!("TLS 1.2 only, family: {}", family.name);
                let outcome = self
                    .send(&label, self.spec(&[TlsVersion::Tls12], &remaining))
                    .await;
                match &outcome {
                    ProbeOutcome::ServerHello {
                        version,
                        cipher_suite,
                        ..
                    } => {
                        if !remaining.contains(cipher_suite) {
                            accepted.push(format!(
                                "protocol violation: chose {} (not offered)",
                                suites::describe(*cipher_suite)
                            ));
                            break;
                        }
                        accepted.push(format!(
                            "{} with {}",
                            suites::describe(*cipher_suite),
                            version_name(*version)
                        ));
                        remaining.retain(|s| s != cipher_suite);
                    }
                    o if o.is_refusal() => {
                        last = Some(o.describe());
                        break;
                    }
                    ProbeOutcome::ConnectFailed(_) if self.out.probes.len() == 1 => {
                        // Nothing reachable: no point probing the other families.
                        self.error(&label, &outcome);
                        return;
                    }
                    other => {
                        self.error(&label, other);
                        last = None;
                        break;
                    }
                }
            }
            if accepted.is_empty() {
                if let Some(refusal) = last {
                    self.result(
                        title,
                        CheckStatus::Pass,
                        &expected,
                        format!("refused: {refusal}"),
                    );
                }
            } else {
                let status = self.check.miss();
                self.result(
                    title,
                    status,
                    &expected,
                    format!("accepted: {}", accepted.join(", ")),
                );
            }
        }
    }

    /// tls12-dhe-suites (warn): a hello with only DHE-RSA-AES-GCM should be refused.
    async fn dhe_suites(&mut self) {
        let expected = "TLS_DHE_RSA_WITH_AES_{128,256}_GCM refused";
        let label = "TLS 1.2 only, DHE-RSA-AES-GCM";
        let outcome = self
            .send(
                label,
                self.spec(&[TlsVersion::Tls12], suites::DHE_RSA_AES_GCM),
            )
            .await;
        match &outcome {
            o if o.is_refusal() => self.judge(true, expected, format!("refused: {}", o.describe())),
            ProbeOutcome::ServerHello { cipher_suite, .. } => self.judge(
                false,
                expected,
                format!("accepted: {}", suites::describe(*cipher_suite)),
            ),
            other => self.error(label, other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_severities_and_refs() {
        let rows: Vec<(&str, &str)> = TransportCheck::ALL
            .iter()
            .map(|c| (c.id(), c.severity().as_str()))
            .collect();
        assert_eq!(
            rows,
            vec![
                ("tls-12-bcp195-ok", "fail"),
                ("tls-10-refused", "fail"),
                ("tls-11-refused", "fail"),
                ("tls-13-supported", "warn"),
                ("tls-13-preferred", "fail"),
                ("tls12-only-recommended-suites", "fail"),
                ("tls12-dhe-suites", "warn"),
            ]
        );
        assert!(TransportCheck::ALL.iter().all(|c| !c.refs().is_empty()));
    }

    #[test]
    fn hello_spec_uses_the_target_name_for_sni() {
        let target = ProbeTarget {
            host: "as.ofp.example.my".to_owned(),
            port: 443,
            sni: None,
        };
        let network = Network::direct();
        let run = Run {
            check: TransportCheck::Tls10Refused,
            target: &target,
            network: &network,
            limit: Duration::from_secs(1),
            out: CheckOutcome::default(),
        };
        let spec = run.spec(&[TlsVersion::Tls10], &[0x002F]);
        assert_eq!(spec.sni(), Some("as.ofp.example.my"));
        let ip = ProbeTarget {
            host: "10.0.0.1".to_owned(),
            port: 443,
            sni: None,
        };
        let run = Run { target: &ip, ..run };
        assert_eq!(run.spec(&[TlsVersion::Tls12], &[0xC02F]).sni(), None);
    }
}
