//! The discovery checks a scenario names with `metadata_check`: one per catalogue row of §6.2.

use std::fmt;

use serde::Deserialize;

macro_rules! metadata_checks {
    ($($variant:ident => $id:literal,)*) => {
        /// The catalogue row an `expect = "metadata"` step checks.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
        #[serde(try_from = "String")]
        pub enum MetadataCheck {
            $($variant,)*
        }

        impl MetadataCheck {
            pub const ALL: &[MetadataCheck] = &[$(MetadataCheck::$variant,)*];

            /// The catalogue id (`disc-issuer-match`, ...).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(MetadataCheck::$variant => $id,)*
                }
            }
        }
    };
}

metadata_checks! {
    DiscFetch => "disc-fetch",
    DiscIssuerMatch => "disc-issuer-match",
    DiscIssuerUrl => "disc-issuer-url",
    DiscSchema => "disc-schema",
    DiscTokenEndpoint => "disc-token-endpoint",
    DiscAuthMethods => "disc-auth-methods",
    DiscAuthMethodsWeak => "disc-auth-methods-weak",
    DiscAuthSigningAlgs => "disc-auth-signing-algs",
    DiscMtlsBound => "disc-mtls-bound",
    DiscGrantCc => "disc-grant-cc",
    DiscGrantNoRopc => "disc-grant-no-ropc",
    DiscMtlsAliases => "disc-mtls-aliases",
    DiscRegistrationEndpoint => "disc-registration-endpoint",
    DiscScopesSyntax => "disc-scopes-syntax",
    DiscJwks => "disc-jwks",
}

impl MetadataCheck {
    pub fn parse(s: &str) -> Option<MetadataCheck> {
        MetadataCheck::ALL.iter().copied().find(|c| c.as_str() == s)
    }
}

impl TryFrom<String> for MetadataCheck {
    type Error = String;

    fn try_from(s: String) -> Result<MetadataCheck, String> {
        MetadataCheck::parse(&s).ok_or_else(|| {
            let names: Vec<&str> = MetadataCheck::ALL.iter().map(|c| c.as_str()).collect();
            format!(
                "unknown metadata check `{s}`; valid choices: {}",
                names.join(", ")
            )
        })
    }
}

impl fmt::Display for MetadataCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        for &check in MetadataCheck::ALL {
            assert_eq!(MetadataCheck::parse(check.as_str()), Some(check));
        }
        assert_eq!(
            MetadataCheck::try_from("disc-fecth".to_string())
                .unwrap_err()
                .split(';')
                .next(),
            Some("unknown metadata check `disc-fecth`")
        );
    }
}
