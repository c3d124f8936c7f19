//! IANA TLS cipher suite ids with their names, and the suite families the transport rows probe.
//!
//! The allowed set follows the OIDF suite (catalogue §1.6, §7): the RFC 9325 §4.2 suites, the TLS 1.3
//! suites and the IANA Recommended=Y TLS 1.2 suites usable with a certificate (PSK suites are left out:
//! a probe without a PSK identity cannot use them). The disallowed families are probed one by one for
//! `tls12-only-recommended-suites`; like OIDF's probe, the list is not exhaustive.

/// One IANA cipher suite: its two-byte id and its IANA name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CipherSuite {
    pub id: u16,
    pub name: &'static str,
}

/// A named group of suites probed together (one ClientHello per family).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SuiteFamily {
    /// Short name used in check titles and messages, e.g. `static RSA key exchange`.
    pub name: &'static str,
    pub suites: &'static [u16],
}

macro_rules! suites {
    ($($konst:ident = $id:literal;)*) => {
        $(pub const $konst: u16 = $id;)*
        /// Every suite this module knows, with its IANA name.
        pub const ALL: &[CipherSuite] = &[$(CipherSuite { id: $id, name: stringify!($konst) },)*];
    };
}

suites! {
    // TLS 1.3 (RFC 8446).
    TLS_AES_128_GCM_SHA256 = 0x1301;
    TLS_AES_256_GCM_SHA384 = 0x1302;
    TLS_CHACHA20_POLY1305_SHA256 = 0x1303;
    TLS_AES_128_CCM_SHA256 = 0x1304;
    // RFC 9325 §4.2.
    TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 = 0xC02B;
    TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 = 0xC02C;
    TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 = 0xC02F;
    TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 = 0xC030;
    // Other IANA Recommended=Y TLS 1.2 suites (certificate based).
    TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 = 0xCCA8;
    TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 = 0xCCA9;
    TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256 = 0xCCAA;
    TLS_DHE_RSA_WITH_AES_128_GCM_SHA256 = 0x009E;
    TLS_DHE_RSA_WITH_AES_256_GCM_SHA384 = 0x009F;
    TLS_DHE_RSA_WITH_AES_128_CCM = 0xC09E;
    TLS_DHE_RSA_WITH_AES_256_CCM = 0xC09F;
    // ECDHE with CBC.
    TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA = 0xC009;
    TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA = 0xC00A;
    TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA = 0xC013;
    TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA = 0xC014;
    TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256 = 0xC023;
    TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384 = 0xC024;
    TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256 = 0xC027;
    TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384 = 0xC028;
    // DHE with CBC.
    TLS_DHE_RSA_WITH_AES_128_CBC_SHA = 0x0033;
    TLS_DHE_RSA_WITH_AES_256_CBC_SHA = 0x0039;
    TLS_DHE_RSA_WITH_AES_128_CBC_SHA256 = 0x0067;
    TLS_DHE_RSA_WITH_AES_256_CBC_SHA256 = 0x006B;
    // Static RSA key exchange.
    TLS_RSA_WITH_AES_128_CBC_SHA = 0x002F;
    TLS_RSA_WITH_AES_256_CBC_SHA = 0x0035;
    TLS_RSA_WITH_AES_128_CBC_SHA256 = 0x003C;
    TLS_RSA_WITH_AES_256_CBC_SHA256 = 0x003D;
    TLS_RSA_WITH_AES_128_GCM_SHA256 = 0x009C;
    TLS_RSA_WITH_AES_256_GCM_SHA384 = 0x009D;
    TLS_RSA_WITH_CAMELLIA_128_CBC_SHA = 0x0041;
    TLS_RSA_WITH_CAMELLIA_256_CBC_SHA = 0x0084;
    // 3DES.
    TLS_RSA_WITH_3DES_EDE_CBC_SHA = 0x000A;
    TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA = 0x0016;
    TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA = 0xC008;
    TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA = 0xC012;
    // RC4.
    TLS_RSA_WITH_RC4_128_MD5 = 0x0004;
    TLS_RSA_WITH_RC4_128_SHA = 0x0005;
    TLS_ECDHE_ECDSA_WITH_RC4_128_SHA = 0xC007;
    TLS_ECDHE_RSA_WITH_RC4_128_SHA = 0xC011;
    // NULL encryption.
    TLS_RSA_WITH_NULL_MD5 = 0x0001;
    TLS_RSA_WITH_NULL_SHA = 0x0002;
    TLS_RSA_WITH_NULL_SHA256 = 0x003B;
    TLS_ECDHE_ECDSA_WITH_NULL_SHA = 0xC006;
    TLS_ECDHE_RSA_WITH_NULL_SHA = 0xC010;
    // Anonymous key exchange.
    TLS_DH_ANON_WITH_AES_128_CBC_SHA = 0x0034;
    TLS_DH_ANON_WITH_AES_256_CBC_SHA = 0x003A;
    TLS_DH_ANON_WITH_AES_128_GCM_SHA256 = 0x00A6;
    TLS_DH_ANON_WITH_AES_256_GCM_SHA384 = 0x00A7;
    TLS_ECDH_ANON_WITH_NULL_SHA = 0xC015;
    TLS_ECDH_ANON_WITH_AES_128_CBC_SHA = 0xC018;
    TLS_ECDH_ANON_WITH_AES_256_CBC_SHA = 0xC019;
    // EXPORT grade.
    TLS_RSA_EXPORT_WITH_RC4_40_MD5 = 0x0003;
    TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5 = 0x0006;
    TLS_RSA_EXPORT_WITH_DES40_CBC_SHA = 0x0008;
    TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA = 0x0014;
    TLS_DH_ANON_EXPORT_WITH_RC4_40_MD5 = 0x0017;
    // Signalling value (RFC 5746), sent with renegotiation_info by some clients.
    TLS_EMPTY_RENEGOTIATION_INFO_SCSV = 0x00FF;
}

/// The TLS 1.3 suites.
pub const TLS13: &[u16] = &[
    TLS_AES_128_GCM_SHA256,
    TLS_AES_256_GCM_SHA384,
    TLS_CHACHA20_POLY1305_SHA256,
    TLS_AES_128_CCM_SHA256,
];

/// RFC 9325 §4.2: the four recommended TLS 1.2 suites (FAPI 2.0 ID2's list).
pub const RFC9325_TLS12: &[u16] = &[
    TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
];

/// IANA Recommended=Y TLS 1.2 suites beyond RFC 9325 §4.2 (certificate based).
pub const IANA_RECOMMENDED_EXTRA_TLS12: &[u16] = &[
    TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    TLS_DHE_RSA_WITH_AES_128_GCM_SHA256,
    TLS_DHE_RSA_WITH_AES_256_GCM_SHA384,
    TLS_DHE_RSA_WITH_AES_128_CCM,
    TLS_DHE_RSA_WITH_AES_256_CCM,
];

/// `tls12-dhe-suites`: IANA-recommended but outside RFC 9325 §4.2, so only a warning.
pub const DHE_RSA_AES_GCM: &[u16] = &[
    TLS_DHE_RSA_WITH_AES_128_GCM_SHA256,
    TLS_DHE_RSA_WITH_AES_256_GCM_SHA384,
];

/// The TLS 1.2 suites a FAPI 2.0 Final server may accept (RFC 9325 §4.2 + IANA Recommended=Y).
pub fn allowed_tls12() -> Vec<u16> {
    RFC9325_TLS12
        .iter()
        .chain(IANA_RECOMMENDED_EXTRA_TLS12)
        .copied()
        .collect()
}

/// True when `id` is in [`allowed_tls12`] or [`TLS13`].
pub fn is_allowed(id: u16) -> bool {
    TLS13.contains(&id) || RFC9325_TLS12.contains(&id) || IANA_RECOMMENDED_EXTRA_TLS12.contains(&id)
}

/// The families `tls12-only-recommended-suites` probes, one ClientHello each.
pub const DISALLOWED_FAMILIES: &[SuiteFamily] = &[
    SuiteFamily {
        name: "ECDHE with CBC",
        suites: &[
            TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
            TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
            TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
            TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
            TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
            TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384,
            TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
            TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384,
        ],
    },
    SuiteFamily {
        name: "DHE with CBC",
        suites: &[
            TLS_DHE_RSA_WITH_AES_128_CBC_SHA,
            TLS_DHE_RSA_WITH_AES_256_CBC_SHA,
            TLS_DHE_RSA_WITH_AES_128_CBC_SHA256,
            TLS_DHE_RSA_WITH_AES_256_CBC_SHA256,
        ],
    },
    SuiteFamily {
        name: "static RSA key exchange",
        suites: &[
            TLS_RSA_WITH_AES_128_CBC_SHA,
            TLS_RSA_WITH_AES_256_CBC_SHA,
            TLS_RSA_WITH_AES_128_CBC_SHA256,
            TLS_RSA_WITH_AES_256_CBC_SHA256,
            TLS_RSA_WITH_AES_128_GCM_SHA256,
            TLS_RSA_WITH_AES_256_GCM_SHA384,
            TLS_RSA_WITH_CAMELLIA_128_CBC_SHA,
            TLS_RSA_WITH_CAMELLIA_256_CBC_SHA,
        ],
    },
    SuiteFamily {
        name: "3DES",
        suites: &[
            TLS_RSA_WITH_3DES_EDE_CBC_SHA,
            TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA,
            TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA,
            TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA,
        ],
    },
    SuiteFamily {
        name: "RC4",
        suites: &[
            TLS_RSA_WITH_RC4_128_MD5,
            TLS_RSA_WITH_RC4_128_SHA,
            TLS_ECDHE_ECDSA_WITH_RC4_128_SHA,
            TLS_ECDHE_RSA_WITH_RC4_128_SHA,
        ],
    },
    SuiteFamily {
        name: "NULL encryption",
        suites: &[
            TLS_RSA_WITH_NULL_MD5,
            TLS_RSA_WITH_NULL_SHA,
            TLS_RSA_WITH_NULL_SHA256,
            TLS_ECDHE_ECDSA_WITH_NULL_SHA,
            TLS_ECDHE_RSA_WITH_NULL_SHA,
        ],
    },
    SuiteFamily {
        name: "anonymous key exchange",
        suites: &[
            TLS_DH_ANON_WITH_AES_128_CBC_SHA,
            TLS_DH_ANON_WITH_AES_256_CBC_SHA,
            TLS_DH_ANON_WITH_AES_128_GCM_SHA256,
            TLS_DH_ANON_WITH_AES_256_GCM_SHA384,
            TLS_ECDH_ANON_WITH_NULL_SHA,
            TLS_ECDH_ANON_WITH_AES_128_CBC_SHA,
            TLS_ECDH_ANON_WITH_AES_256_CBC_SHA,
        ],
    },
    SuiteFamily {
        name: "EXPORT",
        suites: &[
            TLS_RSA_EXPORT_WITH_RC4_40_MD5,
            TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5,
            TLS_RSA_EXPORT_WITH_DES40_CBC_SHA,
            TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA,
            TLS_DH_ANON_EXPORT_WITH_RC4_40_MD5,
        ],
    },
];

/// Suites a TLS 1.0/1.1 server would pick: the allowed set plus the CBC suites, so that a legacy
/// version is refused for its version and not for lack of a common suite.
pub fn legacy_version_offer() -> Vec<u16> {
    let mut out = allowed_tls12();
    for family in &DISALLOWED_FAMILIES[..4] {
        out.extend_from_slice(family.suites);
    }
    out
}

/// The IANA name of `id`, when this module knows it.
pub fn name(id: u16) -> Option<&'static str> {
    ALL.iter().find(|s| s.id == id).map(|s| s.name)
}

/// `TLS_RSA_WITH_AES_128_CBC_SHA (0x002F)`, or `unknown suite (0xABCD)`.
pub fn describe(id: u16) -> String {
    match name(id) {
        Some(n) => format!("{n} (0x{id:04X})"),
        None => format!("unknown suite (0x{id:04X})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_ids_are_unique() {
        for (i, a) in ALL.iter().enumerate() {
            for b in &ALL[i + 1..] {
                assert_ne!(a.id, b.id, "{} and {}", a.name, b.name);
            }
        }
    }

    #[test]
    fn describe_renders_name_and_hex() {
        assert_eq!(describe(0x002F), "TLS_RSA_WITH_AES_128_CBC_SHA (0x002F)");
        assert_eq!(describe(0xBEEF), "unknown suite (0xBEEF)");
    }

    #[test]
    fn disallowed_families_do_not_overlap_the_allowed_set() {
        for family in DISALLOWED_FAMILIES {
            for id in family.suites {
                assert!(!is_allowed(*id), "{} in {}", describe(*id), family.name);
                assert!(name(*id).is_some());
            }
        }
        assert!(is_allowed(TLS_DHE_RSA_WITH_AES_128_GCM_SHA256));
    }
}
