//! ClientHello bytes, written by hand so a probe can offer exactly the versions and suites asked
//! for (rustls cannot offer TLS 1.0/1.1, CBC, static RSA or DHE).

use std::net::IpAddr;

use super::suites;

/// A protocol version a ClientHello can offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TlsVersion {
    Tls10,
    Tls11,
    Tls12,
    Tls13,
}

impl TlsVersion {
    /// The two-byte wire value.
    pub fn wire(self) -> u16 {
        match self {
            TlsVersion::Tls10 => 0x0301,
            TlsVersion::Tls11 => 0x0302,
            TlsVersion::Tls12 => 0x0303,
            TlsVersion::Tls13 => 0x0304,
        }
    }

    pub fn as_str(self) -> &'static str {
        version_name(self.wire())
    }
}

/// `TLS 1.2` for 0x0303 and so on; `SSL 3.0`; `unknown` otherwise.
pub fn version_name(wire: u16) -> &'static str {
    match wire {
        0x0300 => "SSL 3.0",
        0x0301 => "TLS 1.0",
        0x0302 => "TLS 1.1",
        0x0303 => "TLS 1.2",
        0x0304 => "TLS 1.3",
        _ => "unknown version",
    }
}

/// What one probe offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientHelloSpec {
    /// Versions offered; TLS 1.3 is offered through `supported_versions`, older versions through
    /// the legacy version field (the highest pre-1.3 version offered).
    pub versions: Vec<TlsVersion>,
    pub cipher_suites: Vec<u16>,
    /// Host name for SNI; ignored when it is an IP literal.
    pub server_name: Option<String>,
}

/// The random parts of a hello, separated so tests can build fixed bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HelloRandom {
    pub random: [u8; 32],
    pub session_id: [u8; 32],
    /// An x25519 public key; any 32 bytes do since the handshake is never finished.
    pub x25519_share: [u8; 32],
}

impl HelloRandom {
    /// Fresh bytes from the OS; falls back to a fixed pattern if the OS has none (the probe never
    /// finishes a handshake, so the bytes only need to look plausible).
    pub fn fresh() -> Self {
        let mut buf = [0u8; 96];
        if getrandom::fill(&mut buf).is_err() {
            for (i, b) in buf.iter_mut().enumerate() {
                *b = (i as u8).wrapping_mul(37).wrapping_add(11);
            }
        }
        let mut out = HelloRandom {
            random: [0; 32],
            session_id: [0; 32],
            x25519_share: [0; 32],
        };
        out.random.copy_from_slice(&buf[..32]);
        out.session_id.copy_from_slice(&buf[32..64]);
        out.x25519_share.copy_from_slice(&buf[64..]);
        out
    }
}

const HANDSHAKE: u8 = 22;
const CLIENT_HELLO: u8 = 1;

const EXT_SERVER_NAME: u16 = 0x0000;
const EXT_SUPPORTED_GROUPS: u16 = 0x000a;
const EXT_EC_POINT_FORMATS: u16 = 0x000b;
const EXT_SIGNATURE_ALGORITHMS: u16 = 0x000d;
const EXT_EXTENDED_MASTER_SECRET: u16 = 0x0017;
const EXT_SUPPORTED_VERSIONS: u16 = 0x002b;
const EXT_PSK_KEY_EXCHANGE_MODES: u16 = 0x002d;
const EXT_KEY_SHARE: u16 = 0x0033;
const EXT_RENEGOTIATION_INFO: u16 = 0xff01;

const GROUP_X25519: u16 = 0x001d;
const GROUP_SECP256R1: u16 = 0x0017;
const GROUP_SECP384R1: u16 = 0x0018;

/// rsa_pss_rsae_*, rsa_pss_pss_*, ecdsa_*, ed25519, rsa_pkcs1_* (RFC 8446 §4.2.3), plus the TLS 1.2
/// SHA-1 pairs so that old servers are not refused for a signature reason.
const SIGNATURE_SCHEMES: &[u16] = &[
    0x0804, 0x0805, 0x0806, // rsa_pss_rsae_sha256/384/512
    0x0403, 0x0503, 0x0603, // ecdsa_secp256r1_sha256, secp384r1_sha384, secp521r1_sha512
    0x0807, // ed25519
    0x0809, 0x080a, 0x080b, // rsa_pss_pss_sha256/384/512
    0x0401, 0x0501, 0x0601, // rsa_pkcs1_sha256/384/512
    0x0201, 0x0203, // rsa_pkcs1_sha1, ecdsa_sha1
];

impl ClientHelloSpec {
    /// The SNI host name actually sent: `server_name` unless empty or an IP literal.
    pub fn sni(&self) -> Option<&str> {
        let name = self.server_name.as_deref()?;
        let bare = name.trim_start_matches('[').trim_end_matches(']');
        if bare.is_empty() || bare.parse::<IpAddr>().is_ok() {
            None
        } else {
            Some(name)
        }
    }

    fn offers_tls13(&self) -> bool {
        self.versions.contains(&TlsVersion::Tls13)
    }

    /// The legacy_version field: the highest pre-1.3 version offered, 0x0303 when 1.3 is offered.
    pub fn legacy_version(&self) -> u16 {
        if self.offers_tls13() {
            return TlsVersion::Tls12.wire();
        }
        self.versions
            .iter()
            .map(|v| v.wire())
            .max()
            .unwrap_or(TlsVersion::Tls12.wire())
    }

    /// The whole TLS record (header + handshake message) with fresh random bytes.
    pub fn to_record(&self) -> Vec<u8> {
        self.to_record_with(&HelloRandom::fresh())
    }

    /// The whole TLS record with the given random bytes.
    pub fn to_record_with(&self, rnd: &HelloRandom) -> Vec<u8> {
        let legacy = self.legacy_version();
        let mut body = Vec::with_capacity(512);
        put_u16(&mut body, legacy);
        body.extend_from_slice(&rnd.random);
        body.push(32);
        body.extend_from_slice(&rnd.session_id);
        put_u16(&mut body, (self.cipher_suites.len() * 2) as u16);
        for s in &self.cipher_suites {
            put_u16(&mut body, *s);
        }
        body.extend_from_slice(&[1, 0]); // compression methods: null only

        let exts = self.extensions(rnd);
        put_u16(&mut body, exts.len() as u16);
        body.extend_from_slice(&exts);

        let mut handshake = Vec::with_capacity(body.len() + 4);
        handshake.push(CLIENT_HELLO);
        put_u24(&mut handshake, body.len());
        handshake.extend_from_slice(&body);

        let mut record = Vec::with_capacity(handshake.len() + 5);
        record.push(HANDSHAKE);
        // Record version: as the legacy version, but 0x0301 for hellos offering TLS 1.3 is also
        // common; 0x0303 is what RFC 8446 §5.1 names for all records.
        put_u16(&mut record, legacy);
        put_u16(&mut record, handshake.len() as u16);
        record.extend_from_slice(&handshake);
        record
    }

    fn extensions(&self, rnd: &HelloRandom) -> Vec<u8> {
        let mut out = Vec::new();
        if let Some(host) = self.sni() {
            let host = host.as_bytes();
            let mut list = Vec::new();
            list.push(0); // host_name
            put_u16(&mut list, host.len() as u16);
            list.extend_from_slice(host);
            let mut data = Vec::new();
            put_u16(&mut data, list.len() as u16);
            data.extend_from_slice(&list);
            put_ext(&mut out, EXT_SERVER_NAME, &data);
        }

        let groups = [GROUP_X25519, GROUP_SECP256R1, GROUP_SECP384R1];
        let mut data = Vec::new();
        put_u16(&mut data, (groups.len() * 2) as u16);
        for g in groups {
            put_u16(&mut data, g);
        }
        put_ext(&mut out, EXT_SUPPORTED_GROUPS, &data);

        put_ext(&mut out, EXT_EC_POINT_FORMATS, &[1, 0]); // uncompressed only

        let mut data = Vec::new();
        put_u16(&mut data, (SIGNATURE_SCHEMES.len() * 2) as u16);
        for s in SIGNATURE_SCHEMES {
            put_u16(&mut data, *s);
        }
        put_ext(&mut out, EXT_SIGNATURE_ALGORITHMS, &data);

        put_ext(&mut out, EXT_EXTENDED_MASTER_SECRET, &[]);
        put_ext(&mut out, EXT_RENEGOTIATION_INFO, &[0]); // empty renegotiated_connection

        if self.offers_tls13() {
            let mut versions: Vec<u16> = self.versions.iter().map(|v| v.wire()).collect();
            versions.sort_unstable_by(|a, b| b.cmp(a));
            versions.dedup();
            let mut data = vec![(versions.len() * 2) as u8];
            for v in versions {
                put_u16(&mut data, v);
            }
            put_ext(&mut out, EXT_SUPPORTED_VERSIONS, &data);

            put_ext(&mut out, EXT_PSK_KEY_EXCHANGE_MODES, &[1, 1]); // psk_dhe_ke

            let mut entry = Vec::new();
            put_u16(&mut entry, GROUP_X25519);
            put_u16(&mut entry, 32);
            entry.extend_from_slice(&rnd.x25519_share);
            let mut data = Vec::new();
            put_u16(&mut data, entry.len() as u16);
            data.extend_from_slice(&entry);
            put_ext(&mut out, EXT_KEY_SHARE, &data);
        }
        out
    }

    /// `TLS 1.2` or `TLS 1.3, TLS 1.2`, for probe records.
    pub fn describe_versions(&self) -> Vec<String> {
        self.versions
            .iter()
            .map(|v| v.as_str().to_owned())
            .collect()
    }

    /// IANA names of the offered suites, for probe records.
    pub fn describe_suites(&self) -> Vec<String> {
        self.cipher_suites
            .iter()
            .map(|s| suites::describe(*s))
            .collect()
    }
}

fn put_u16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_be_bytes());
}

fn put_u24(out: &mut Vec<u8>, v: usize) {
    let b = (v as u32).to_be_bytes();
    out.extend_from_slice(&b[1..]);
}

fn put_ext(out: &mut Vec<u8>, kind: u16, data: &[u8]) {
    put_u16(out, kind);
    put_u16(out, data.len() as u16);
    out.extend_from_slice(data);
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXED: HelloRandom = HelloRandom {
        random: [0xAA; 32],
        session_id: [0xBB; 32],
        x25519_share: [0xCC; 32],
    };

    fn be16(b: &[u8], at: usize) -> usize {
        usize::from(u16::from_be_bytes([b[at], b[at + 1]]))
    }

    /// An extension as (type, data).
    struct Ext(u16, Vec<u8>);

    /// Walks the record and returns (legacy version, suites, extensions).
    fn parse(rec: &[u8]) -> (u16, Vec<u16>, Vec<Ext>) {
        assert_eq!(rec[0], 22);
        assert_eq!(be16(rec, 3), rec.len() - 5, "record length");
        let hs = &rec[5..];
        assert_eq!(hs[0], 1);
        let hs_len = (usize::from(hs[1]) << 16) | be16(hs, 2);
        assert_eq!(hs_len, hs.len() - 4, "handshake length");
        let b = &hs[4..];
        let legacy = be16(b, 0) as u16;
        let mut at = 2 + 32;
        let sid = usize::from(b[at]);
        at += 1 + sid;
        let n = be16(b, at);
        at += 2;
        let suites = (0..n / 2).map(|i| be16(b, at + 2 * i) as u16).collect();
        at += n;
        assert_eq!(&b[at..at + 2], &[1, 0]);
        at += 2;
        let ext_len = be16(b, at);
        at += 2;
        assert_eq!(ext_len, b.len() - at, "extensions length");
        let mut exts = Vec::new();
        while at < b.len() {
            let t = be16(b, at) as u16;
            let l = be16(b, at + 2);
            exts.push(Ext(t, b[at + 4..at + 4 + l].to_vec()));
            at += 4 + l;
        }
        assert_eq!(at, b.len());
        (legacy, suites, exts)
    }

    fn spec(versions: &[TlsVersion], suites: &[u16], name: Option<&str>) -> ClientHelloSpec {
        ClientHelloSpec {
            versions: versions.to_vec(),
            cipher_suites: suites.to_vec(),
            server_name: name.map(str::to_owned),
        }
    }

    #[test]
    fn tls10_hello_has_legacy_version_and_no_tls13_extensions() {
        let rec = spec(
            &[TlsVersion::Tls10],
            &[0x002F, 0xC013],
            Some("as.example.my"),
        )
        .to_record_with(&FIXED);
        assert_eq!(&rec[1..3], &[3, 1], "record version");
        let (legacy, suites, exts) = parse(&rec);
        assert_eq!(legacy, 0x0301);
        assert_eq!(suites, vec![0x002F, 0xC013]);
        let types: Vec<u16> = exts.iter().map(|e| e.0).collect();
        assert_eq!(types, vec![0x0000, 0x000a, 0x000b, 0x000d, 0x0017, 0xff01]);
        let sni = &exts[0].1;
        assert_eq!(&sni[5..], b"as.example.my");
        assert_eq!(exts[1].1, vec![0, 6, 0, 0x1d, 0, 0x17, 0, 0x18]);
    }

    #[test]
    fn tls11_and_tls12_legacy_versions() {
        let rec = spec(&[TlsVersion::Tls11], &[0x002F], None).to_record_with(&FIXED);
        assert_eq!(parse(&rec).0, 0x0302);
        assert_eq!(&rec[1..3], &[3, 2]);
        let rec = spec(&[TlsVersion::Tls12], &[0xC02F], None).to_record_with(&FIXED);
        assert_eq!(parse(&rec).0, 0x0303);
    }

    #[test]
    fn tls13_hello_has_supported_versions_and_key_share() {
        let rec = spec(
            &[TlsVersion::Tls12, TlsVersion::Tls13],
            &[0x1301, 0xC02F],
            Some("localhost"),
        )
        .to_record_with(&FIXED);
        let (legacy, _, exts) = parse(&rec);
        assert_eq!(legacy, 0x0303);
        let sv = exts
            .iter()
            .find(|e| e.0 == 0x002b)
            .expect("supported_versions");
        assert_eq!(sv.1, vec![4, 3, 4, 3, 3]);
        let ks = exts.iter().find(|e| e.0 == 0x0033).expect("key_share");
        assert_eq!(&ks.1[..6], &[0, 36, 0, 0x1d, 0, 32]);
        assert_eq!(&ks.1[6..], &[0xCC; 32]);
    }

    #[test]
    fn sni_is_omitted_for_ip_literals() {
        for host in ["127.0.0.1", "::1", "[::1]", ""] {
            let rec = spec(&[TlsVersion::Tls12], &[0xC02F], Some(host)).to_record_with(&FIXED);
            let (_, _, exts) = parse(&rec);
            assert!(exts.iter().all(|e| e.0 != 0), "{host}");
        }
    }

    #[test]
    fn fresh_random_differs() {
        assert_ne!(HelloRandom::fresh().random, HelloRandom::fresh().random);
    }
}
