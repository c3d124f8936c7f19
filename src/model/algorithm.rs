//! The `alg` a scenario may sign its client assertion with, including the deliberately broken
//! ones (`none`, and HS256 keyed with the client's public key).

use std::fmt;

use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(try_from = "String")]
pub enum AssertionAlg {
    Ps256,
    Es256,
    Rs256,
    Ps384,
    Es384,
    Rs512,
    /// Unsigned (RFC 7519 §6.1), made by hand: `alg: none` and an empty signature.
    None,
    /// HS256 with the client's public key PEM as the MAC key (algorithm confusion).
    Hs256PublicKey,
}

impl AssertionAlg {
    pub const ALL: [AssertionAlg; 8] = [
        AssertionAlg::Ps256,
        AssertionAlg::Es256,
        AssertionAlg::Rs256,
        AssertionAlg::Ps384,
        AssertionAlg::Es384,
        AssertionAlg::Rs512,
        AssertionAlg::None,
        AssertionAlg::Hs256PublicKey,
    ];

    /// The name in scenario files; for the signing algorithms also the JOSE `alg`.
    pub fn as_str(self) -> &'static str {
        match self {
            AssertionAlg::Ps256 => "PS256",
            AssertionAlg::Es256 => "ES256",
            AssertionAlg::Rs256 => "RS256",
            AssertionAlg::Ps384 => "PS384",
            AssertionAlg::Es384 => "ES384",
            AssertionAlg::Rs512 => "RS512",
            AssertionAlg::None => "none",
            AssertionAlg::Hs256PublicKey => "HS256-public-key",
        }
    }

    pub fn parse(s: &str) -> Option<AssertionAlg> {
        AssertionAlg::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

impl TryFrom<String> for AssertionAlg {
    type Error = String;

    fn try_from(s: String) -> Result<AssertionAlg, String> {
        AssertionAlg::parse(&s).ok_or_else(|| {
            let names: Vec<&str> = AssertionAlg::ALL.iter().map(|a| a.as_str()).collect();
            format!(
                "unknown assertion alg `{s}`; valid choices: {}",
                names.join(", ")
            )
        })
    }
}

impl fmt::Display for AssertionAlg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_ones_list_the_choices() {
        for alg in AssertionAlg::ALL {
            assert_eq!(AssertionAlg::parse(alg.as_str()), Some(alg));
        }
        assert_eq!(
            AssertionAlg::try_from("HS512".to_string()).unwrap_err(),
            "unknown assertion alg `HS512`; valid choices: PS256, ES256, RS256, PS384, ES384, RS512, none, HS256-public-key"
        );
    }
}
