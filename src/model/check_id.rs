//! The discovery checks a scenario names with `metadata_check`: one per catalogue row of §6.2.

use super::keyword::keyword_enum;

keyword_enum! {
    /// The catalogue row an `expect = "metadata"` step checks.
    MetadataCheck, "metadata check" {
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
