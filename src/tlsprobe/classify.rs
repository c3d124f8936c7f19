//! Classify the first bytes a server sent back after a ClientHello. Pure and defensive: every length
//! on the wire is checked, nothing here panics on hostile input.

use serde::{Deserialize, Serialize};

use super::hello::version_name;
use super::suites;

/// What came back for one ClientHello.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "detail", rename_all = "kebab-case")]
pub enum ProbeOutcome {
    /// The server chose a version (from `supported_versions` for TLS 1.3) and a suite.
    /// `hello_retry` is set for a HelloRetryRequest, which also means "the server chose TLS 1.3".
    ServerHello {
        version: u16,
        cipher_suite: u16,
        hello_retry: bool,
    },
    /// A fatal alert (or close_notify) before any ServerHello.
    Alert { level: u8, description: u8 },
    /// EOF before any record.
    Closed,
    /// TCP reset (while sending the hello or reading the answer).
    Reset,
    /// No complete answer before the deadline after the ClientHello.
    Timeout,
    /// The answer is not a TLS record (e.g. an HTTP response); the first bytes, escaped.
    NotTls { first_bytes: String },
    /// TLS records came back but they make no sense as an answer to a ClientHello.
    Malformed { reason: String },
    /// TCP connect failed or timed out (nothing was sent).
    ConnectFailed(String),
}

impl ProbeOutcome {
    /// True for the answers that count as a TLS refusal: an alert, a close or a reset.
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            ProbeOutcome::Alert { .. } | ProbeOutcome::Closed | ProbeOutcome::Reset
        )
    }

    /// One line for reports, e.g. `ServerHello TLS 1.2, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (0xC02F)`.
    pub fn describe(&self) -> String {
        match self {
            ProbeOutcome::ServerHello {
                version,
                cipher_suite,
                hello_retry,
            } => format!(
                "{} {} (0x{version:04X}), {}",
                if *hello_retry {
                    "HelloRetryRequest"
                } else {
                    "ServerHello"
                },
                version_name(*version),
                suites::describe(*cipher_suite)
            ),
            ProbeOutcome::Alert { level, description } => format!(
                "{} alert {} ({description})",
                if *level == 1 { "warning" } else { "fatal" },
                alert_name(*description)
            ),
            ProbeOutcome::Closed => "connection closed before any TLS record".to_owned(),
            ProbeOutcome::Reset => "connection reset (TCP RST)".to_owned(),
            ProbeOutcome::Timeout => {
                "no answer before the deadline (stalled after the ClientHello)".to_owned()
            }
            ProbeOutcome::NotTls { first_bytes } => {
                format!("not a TLS record; first bytes: \"{first_bytes}\"")
            }
            ProbeOutcome::Malformed { reason } => format!("malformed TLS answer: {reason}"),
            ProbeOutcome::ConnectFailed(e) => format!("could not connect: {e}"),
        }
    }
}

/// The RFC 8446 §6 / RFC 5246 §7.2 name of an alert description.
pub fn alert_name(description: u8) -> &'static str {
    match description {
        0 => "close_notify",
        10 => "unexpected_message",
        20 => "bad_record_mac",
        22 => "record_overflow",
        40 => "handshake_failure",
        42 => "bad_certificate",
        47 => "illegal_parameter",
        48 => "unknown_ca",
        50 => "decode_error",
        51 => "decrypt_error",
        70 => "protocol_version",
        71 => "insufficient_security",
        80 => "internal_error",
        86 => "inappropriate_fallback",
        90 => "user_canceled",
        109 => "missing_extension",
        110 => "unsupported_extension",
        112 => "unrecognized_name",
        120 => "no_application_protocol",
        _ => "unknown",
    }
}

/// Result of looking at the bytes received so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    Done(ProbeOutcome),
    /// The bytes so far are a valid prefix; read more.
    NeedMore,
}

const CT_CHANGE_CIPHER_SPEC: u8 = 20;
const CT_ALERT: u8 = 21;
const CT_HANDSHAKE: u8 = 22;
const CT_APPLICATION_DATA: u8 = 23;
/// Largest record body allowed (2^14 plus expansion, RFC 5246 §6.2.3).
const MAX_RECORD: usize = 16384 + 2048;
/// SHA-256("HelloRetryRequest"), the ServerHello.random of an HRR (RFC 8446 §4.1.3).
const HRR_RANDOM: [u8; 32] = [
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
];

/// Looks at everything received so far (from the first byte on).
pub fn classify(buf: &[u8]) -> Progress {
    let mut handshake = Vec::new();
    let mut at = 0;
    while at < buf.len() {
        let rest = &buf[at..];
        // Judge the header bytes we have, so non-TLS answers are seen early.
        if !matches!(rest[0], CT_CHANGE_CIPHER_SPEC..=CT_APPLICATION_DATA)
            || (rest.len() >= 2 && rest[1] != 3)
        {
            if at == 0 {
                return Progress::Done(ProbeOutcome::NotTls {
                    first_bytes: escape(buf),
                });
            }
            return malformed(format!(
                "record at offset {at} has an invalid header (content type {}, version major {})",
                rest[0],
                rest.get(1).copied().unwrap_or(0)
            ));
        }
        if rest.len() < 5 {
            return Progress::NeedMore;
        }
        let content_type = rest[0];
        let len = usize::from(u16::from_be_bytes([rest[3], rest[4]]));
        if len == 0 || len > MAX_RECORD {
            return malformed(format!("record length {len} is out of range"));
        }
        let Some(body) = rest.get(5..5 + len) else {
            return Progress::NeedMore;
        };
        at += 5 + len;
        match content_type {
            CT_ALERT => {
                if !handshake.is_empty() {
                    return malformed("alert inside a fragmented ServerHello".to_owned());
                }
                if body.len() != 2 {
                    return malformed(format!("alert record of {} bytes", body.len()));
                }
                let (level, description) = (body[0], body[1]);
                // A warning (other than close_notify) does not end the handshake: skip it.
                if level == 1 && description != 0 {
                    continue;
                }
                return Progress::Done(ProbeOutcome::Alert { level, description });
            }
            CT_HANDSHAKE => {
                handshake.extend_from_slice(body);
                if handshake.len() < 4 {
                    continue;
                }
                if handshake[0] != 2 {
                    return malformed(format!(
                        "first handshake message has type {}, not ServerHello (2)",
                        handshake[0]
                    ));
                }
                let msg_len = (usize::from(handshake[1]) << 16)
                    | usize::from(u16::from_be_bytes([handshake[2], handshake[3]]));
                if msg_len > 65536 {
                    return malformed(format!("ServerHello length {msg_len} is out of range"));
                }
                if let Some(msg) = handshake.get(4..4 + msg_len) {
                    return Progress::Done(match parse_server_hello(msg) {
                        Ok(outcome) => outcome,
                        Err(reason) => ProbeOutcome::Malformed { reason },
                    });
                }
            }
            other => {
                return malformed(format!(
                    "record of content type {other} before the ServerHello"
                ));
            }
        }
    }
    Progress::NeedMore
}

fn malformed(reason: String) -> Progress {
    Progress::Done(ProbeOutcome::Malformed { reason })
}

/// A small cursor that fails instead of panicking.
struct Reader<'a> {
    buf: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], String> {
        let out = self
            .buf
            .get(self.at..self.at + n)
            .ok_or_else(|| format!("ServerHello truncated in {what}"))?;
        self.at += n;
        Ok(out)
    }

    fn u8(&mut self, what: &str) -> Result<u8, String> {
        Ok(self.take(1, what)?[0])
    }

    fn u16(&mut self, what: &str) -> Result<u16, String> {
        let b = self.take(2, what)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    fn done(&self) -> bool {
        self.at >= self.buf.len()
    }
}

/// Parses a ServerHello body (after the 4-byte handshake header).
pub fn parse_server_hello(msg: &[u8]) -> Result<ProbeOutcome, String> {
    let mut r = Reader { buf: msg, at: 0 };
    let legacy = r.u16("legacy_version")?;
    let random = r.take(32, "random")?;
    let sid_len = usize::from(r.u8("session_id length")?);
    if sid_len > 32 {
        return Err(format!("session_id length {sid_len} is over 32"));
    }
    r.take(sid_len, "session_id")?;
    let cipher_suite = r.u16("cipher_suite")?;
    r.u8("compression_method")?;
    let mut version = legacy;
    if !r.done() {
        let ext_len = usize::from(r.u16("extensions length")?);
        let exts = r.take(ext_len, "extensions")?;
        let mut e = Reader { buf: exts, at: 0 };
        while !e.done() {
            let kind = e.u16("extension type")?;
            let len = usize::from(e.u16("extension length")?);
            let data = e.take(len, "extension data")?;
            if kind == 0x002b {
                if data.len() != 2 {
                    return Err(format!("supported_versions of {} bytes", data.len()));
                }
                version = u16::from_be_bytes([data[0], data[1]]);
            }
        }
    }
    Ok(ProbeOutcome::ServerHello {
        version,
        cipher_suite,
        hello_retry: random == HRR_RANDOM,
    })
}

/// The first bytes (at most 64), printable ASCII as is, the rest escaped (`\r`, `\n`, `\x00`).
pub fn escape(buf: &[u8]) -> String {
    let mut out = String::new();
    for b in buf.iter().take(64) {
        out.extend(std::ascii::escape_default(*b).map(char::from));
    }
    if buf.len() > 64 {
        out.push_str("...");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A ServerHello record (optionally with supported_versions), as a scripted peer would send.
    pub(crate) fn server_hello(legacy: u16, suite: u16, sv: Option<u16>) -> Vec<u8> {
        let mut body = legacy.to_be_bytes().to_vec();
        body.extend_from_slice(&[0x11; 32]);
        body.push(0);
        body.extend_from_slice(&suite.to_be_bytes());
        body.push(0);
        if let Some(v) = sv {
            body.extend_from_slice(&[0, 6, 0, 0x2b, 0, 2]);
            body.extend_from_slice(&v.to_be_bytes());
        }
        let mut hs = vec![2, 0];
        hs.extend_from_slice(&(body.len() as u16).to_be_bytes());
        hs.extend_from_slice(&body);
        let mut rec = vec![22, 3, 3];
        rec.extend_from_slice(&(hs.len() as u16).to_be_bytes());
        rec.extend_from_slice(&hs);
        rec
    }

    #[test]
    fn server_hello_tls12() {
        let rec = server_hello(0x0303, 0xC02F, None);
        assert_eq!(
            classify(&rec),
            Progress::Done(ProbeOutcome::ServerHello {
                version: 0x0303,
                cipher_suite: 0xC02F,
                hello_retry: false
            })
        );
    }

    #[test]
    fn server_hello_tls13_from_supported_versions() {
        let rec = server_hello(0x0303, 0x1301, Some(0x0304));
        let Progress::Done(out) = classify(&rec) else {
            panic!("need more")
        };
        assert_eq!(
            out.describe(),
            "ServerHello TLS 1.3 (0x0304), TLS_AES_128_GCM_SHA256 (0x1301)"
        );
    }

    #[test]
    fn hello_retry_request_counts_as_tls13() {
        let mut rec = server_hello(0x0303, 0x1302, Some(0x0304));
        rec[11..43].copy_from_slice(&HRR_RANDOM);
        assert_eq!(
            classify(&rec),
            Progress::Done(ProbeOutcome::ServerHello {
                version: 0x0304,
                cipher_suite: 0x1302,
                hello_retry: true
            })
        );
    }

    #[test]
    fn every_truncation_needs_more_and_never_panics() {
        let rec = server_hello(0x0303, 0x1301, Some(0x0304));
        for cut in 0..rec.len() {
            assert_eq!(classify(&rec[..cut]), Progress::NeedMore, "cut at {cut}");
        }
    }

    #[test]
    fn server_hello_split_across_records() {
        let rec = server_hello(0x0301, 0x002F, None);
        let hs = &rec[5..];
        let mut split = vec![22, 3, 1, 0, 3];
        split.extend_from_slice(&hs[..3]);
        split.extend_from_slice(&[22, 3, 1]);
        split.extend_from_slice(&((hs.len() - 3) as u16).to_be_bytes());
        split.extend_from_slice(&hs[3..]);
        assert_eq!(
            classify(&split),
            Progress::Done(ProbeOutcome::ServerHello {
                version: 0x0301,
                cipher_suite: 0x002F,
                hello_retry: false
            })
        );
    }

    #[test]
    fn alerts() {
        let fatal = classify(&[21, 3, 3, 0, 2, 2, 70]);
        let Progress::Done(out) = fatal else {
            panic!("need more")
        };
        assert_eq!(out.describe(), "fatal alert protocol_version (70)");
        // A warning is skipped; the fatal alert after it decides.
        let both = [21, 3, 3, 0, 2, 1, 112, 21, 3, 3, 0, 2, 2, 40];
        assert_eq!(
            classify(&both),
            Progress::Done(ProbeOutcome::Alert {
                level: 2,
                description: 40
            })
        );
    }

    #[test]
    fn http_answer_is_not_tls() {
        let out = classify(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        assert_eq!(
            out,
            Progress::Done(ProbeOutcome::NotTls {
                first_bytes: "HTTP/1.1 400 Bad Request\\r\\nContent-Length: 0\\r\\n\\r\\n"
                    .to_owned()
            })
        );
    }

    #[test]
    fn garbage_is_classified_not_panicking() {
        let cases: &[&[u8]] = &[
            &[22, 3, 3, 0, 0],
            &[22, 3, 3, 0xff, 0xff],
            &[22, 3, 3, 0, 4, 11, 0, 0, 0],
            &[23, 3, 3, 0, 1, 0],
            &[21, 3, 3, 0, 3, 2, 40, 0],
            &[22, 3, 3, 0, 6, 2, 0, 0, 2, 3, 3],
            &[22, 3, 3, 0, 4, 2, 0, 0, 0],
            &[0x16, 0x02],
            &[0x80, 0x2e, 0x04],
            &[0],
        ];
        for case in cases {
            match classify(case) {
                Progress::Done(ProbeOutcome::Malformed { .. })
                | Progress::Done(ProbeOutcome::NotTls { .. }) => {}
                other => panic!("{case:?}: {other:?}"),
            }
        }
        // Every prefix of random-ish bytes, too.
        let noise: Vec<u8> = (0..300u32)
            .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
            .collect();
        let mut tls_noise = vec![22, 3, 3, 1, 0];
        tls_noise.extend_from_slice(&noise);
        for cut in 0..tls_noise.len() {
            let _ = classify(&tls_noise[..cut]);
        }
    }

    #[test]
    fn outcomes_serialize_for_the_report() {
        let all = [
            ProbeOutcome::ServerHello {
                version: 0x0303,
                cipher_suite: 0xC02F,
                hello_retry: false,
            },
            ProbeOutcome::Alert {
                level: 2,
                description: 40,
            },
            ProbeOutcome::Closed,
            ProbeOutcome::ConnectFailed("refused".to_owned()),
        ];
        let json: Vec<String> = all
            .iter()
            .map(|o| serde_json::to_string(o).expect("serialize"))
            .collect();
        assert_eq!(
            json,
            vec![
                r#"{"kind":"server-hello","detail":{"version":771,"cipher_suite":49199,"hello_retry":false}}"#,
                r#"{"kind":"alert","detail":{"level":2,"description":40}}"#,
                r#"{"kind":"closed"}"#,
                r#"{"kind":"connect-failed","detail":"refused"}"#,
            ]
        );
        for (o, j) in all.iter().zip(&json) {
            assert_eq!(&serde_json::from_str::<ProbeOutcome>(j).expect("parse"), o);
        }
    }

    #[test]
    fn escape_caps_and_escapes() {
        assert_eq!(escape(b"a\x00\n"), "a\\x00\\n");
        assert_eq!(escape(&[b'x'; 70]), format!("{}...", "x".repeat(64)));
    }
}
