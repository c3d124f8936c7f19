//! The DSSE envelope (secure-systems-lab/dsse, protocol v1.0.0): the pre-authentication
//! encoding that is signed, and the JSON envelope that carries payload and signatures.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use serde::{Deserialize, Serialize};

/// The payload type of an in-toto statement.
pub const PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

/// `PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, lengths in ASCII
/// decimal bytes.
pub fn pae(payload_type: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "DSSEv1 {} {payload_type} {} ",
        payload_type.len(),
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

/// The JSON envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    /// base64 of the serialized body.
    pub payload: String,
    #[serde(rename = "payloadType")]
    pub payload_type: String,
    /// Empty for an unsigned bundle.
    pub signatures: Vec<Signature>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    /// A hint naming the key (its JWK thumbprint); never trusted on its own.
    pub keyid: String,
    /// base64 of the signature.
    pub sig: String,
}

impl Envelope {
    /// An envelope carrying `body`, with no signature yet.
    pub fn new(payload_type: &str, body: &[u8]) -> Envelope {
        Envelope {
            payload: STANDARD.encode(body),
            payload_type: payload_type.to_string(),
            signatures: Vec::new(),
        }
    }

    /// The decoded body, or None when `payload` is not base64.
    pub fn body(&self) -> Option<Vec<u8>> {
        decode(&self.payload)
    }

    /// Adds a signature over `pae(payload_type, body)` made by `sign`.
    pub fn add_signature(&mut self, keyid: String, sig: &[u8]) {
        self.signatures.push(Signature {
            keyid,
            sig: STANDARD.encode(sig),
        });
    }
}

/// Decodes base64: the spec lets signers use the standard or the URL-safe alphabet and
/// verifiers must accept both. Non-canonical trailing bits are refused, so one text has one
/// meaning.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    [STANDARD, URL_SAFE, STANDARD_NO_PAD, URL_SAFE_NO_PAD]
        .iter()
        .find_map(|engine| engine.decode(text).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pae_matches_the_specifications_worked_example() {
        // secure-systems-lab/dsse protocol.md, "Test Vectors".
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
        );
        assert_eq!(pae("", b""), b"DSSEv1 0  0 ");
    }

    #[test]
    fn the_specifications_signature_verifies() {
        // The same test vector: an ECDSA P-256 signature (raw r || s) by the key (X, Y), which
        // is how ES256 bundle signatures are encoded too.
        let x = "46950820868899156662930047687818585632848591499744589407958293238635476079160";
        let y = "5640078356564379163099075877009565129882514886557779369047442380624545832820";
        let mut point = vec![4];
        point.extend(decimal_to_32_bytes(x));
        point.extend(decimal_to_32_bytes(y));
        let key = super::super::sign::PublicKey::P256 { point };
        let envelope: Envelope = serde_json::from_str(
            r#"{"payload": "aGVsbG8gd29ybGQ=",
                "payloadType": "http://example.com/HelloWorld",
                "signatures": [{"keyid": "", "sig": "A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJTfUiHqJPcIAriEGAHTVeCUjW2JIZA=="}]}"#,
        )
        .unwrap();
        let body = envelope.body().unwrap();
        assert_eq!(body, b"hello world");
        let sig = decode(&envelope.signatures[0].sig).unwrap();
        assert!(key.verify(&pae(&envelope.payload_type, &body), &sig));
        assert!(!key.verify(&pae(PAYLOAD_TYPE, &body), &sig));
    }

    fn decimal_to_32_bytes(decimal: &str) -> Vec<u8> {
        let mut out = [0u8; 32];
        for digit in decimal.bytes().map(|d| u32::from(d - b'0')) {
            let mut carry = digit;
            for byte in out.iter_mut().rev() {
                let v = u32::from(*byte) * 10 + carry;
                *byte = (v & 0xff) as u8;
                carry = v >> 8;
            }
            assert_eq!(carry, 0, "fits in 32 bytes");
        }
        out.to_vec()
    }

    #[test]
    fn both_base64_alphabets_decode_and_garbage_does_not() {
        assert_eq!(decode("-_8=").unwrap(), decode("+/8=").unwrap());
        assert_eq!(decode("-_8").unwrap(), vec![0xfb, 0xff]);
        assert_eq!(decode("aGVsbG8*"), None);
        // Trailing bits that are not zero are another text for the same bytes: refused.
        assert_eq!(decode("aGk="), Some(b"hi".to_vec()));
        assert_eq!(decode("aGl="), None);
    }
}
