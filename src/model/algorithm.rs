//! The `alg` a scenario may sign its client assertion with, including the deliberately broken
//! ones (`none`, and HS256 keyed with the client's public key).

use super::keyword::keyword_enum;

keyword_enum! {
    /// The `alg` of a client assertion (`assertion.alg`).
    AssertionAlg, "assertion alg" {
        Ps256 => "PS256",
        Es256 => "ES256",
        Rs256 => "RS256",
        Ps384 => "PS384",
        Es384 => "ES384",
        Rs512 => "RS512",
        /// Unsigned (RFC 7519 §6.1), made by hand: `alg: none` and an empty signature.
        None => "none",
        /// HS256 with the client's public key PEM as the MAC key (algorithm confusion).
        Hs256PublicKey => "HS256-public-key",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_ones_list_the_choices() {
        for &alg in AssertionAlg::ALL {
            assert_eq!(AssertionAlg::parse(alg.as_str()), Some(alg));
        }
        assert_eq!(
            AssertionAlg::try_from("HS512".to_string()).unwrap_err(),
            "unknown assertion alg `HS512`; valid choices: PS256, ES256, RS256, PS384, ES384, RS512, none, HS256-public-key"
        );
    }
}
