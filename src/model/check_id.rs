//! Check ids: the registry of every check a result can carry (id, default title, severity,
//! references), which the judge, the tlsprobe rows, the mock's fault table, the tests and the
//! README's check table use; and the discovery rows a scenario names with `metadata_check`.

use super::keyword::keyword_enum;
use super::verdict::Severity;

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

/// Declares `pub enum CheckId` with `ALL`, `as_str`, `title`, `severity`, `refs`, `parse` and
/// `Display`, from one line per check: `Variant = "id", severity, "title", [refs];`.
macro_rules! check_registry {
    (
        $( $(#[$vmeta:meta])* $variant:ident = $id:literal, $severity:ident, $title:literal,
            [$($reference:literal),* $(,)?]; )+
    ) => {
        /// A check of the catalogue: the id a check result carries, with its default title,
        /// severity and references.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum CheckId {
            $( $(#[$vmeta])* $variant, )+
        }

        impl CheckId {
            /// Every check, in registry order.
            pub const ALL: &[CheckId] = &[$(CheckId::$variant,)+];

            /// The id as reports and scenario files write it (`err-status`).
            pub const fn as_str(self) -> &'static str {
                match self { $(CheckId::$variant => $id,)+ }
            }

            /// The title results carry unless the call site words it for its case.
            pub const fn title(self) -> &'static str {
                match self { $(CheckId::$variant => $title,)+ }
            }

            /// The severity of a miss unless the call site sets another (a warn-severity
            /// scenario caps every check at warn).
            pub const fn severity(self) -> Severity {
                match self { $(CheckId::$variant => Severity::$severity,)+ }
            }

            /// The clauses the check reads; empty for the expectation checks (`expect-*`),
            /// whose clauses are the scenario's own refs.
            pub const fn refs(self) -> &'static [&'static str] {
                match self { $(CheckId::$variant => &[$($reference),*],)+ }
            }

            /// The check with this id, if it is one.
            pub fn parse(s: &str) -> Option<CheckId> {
                CheckId::ALL.iter().copied().find(|c| c.as_str() == s)
            }

            /// This check as a call site records it, with its registry title and severity.
            pub const fn check(self) -> Check {
                Check {
                    id: self,
                    title: self.title(),
                    severity: self.severity(),
                }
            }

            /// This check under another title (the same id worded for one case).
            pub const fn titled(self, title: &'static str) -> Check {
                self.check().titled(title)
            }

            /// This check at another severity (e.g. a warning where the rule is a SHOULD).
            pub const fn at(self, severity: Severity) -> Check {
                self.check().at(severity)
            }
        }

        impl std::fmt::Display for CheckId {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// A check as one call site records it: the registry's id, with the title and severity that
/// apply there (by default the registry's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Check {
    pub id: CheckId,
    pub title: &'static str,
    pub severity: Severity,
}

impl Check {
    pub const fn titled(self, title: &'static str) -> Check {
        Check { title, ..self }
    }

    pub const fn at(self, severity: Severity) -> Check {
        Check { severity, ..self }
    }
}

impl From<CheckId> for Check {
    fn from(id: CheckId) -> Check {
        id.check()
    }
}

check_registry! {
    // §6.1 transport.
    Tls12Bcp195Ok = "tls-12-bcp195-ok", Fail, "TLS 1.2 with the BCP 195 suites is accepted",
        ["FAPI 2.0 SP Final 5.2.1-2, 5.2.2-1", "RFC 9325 §3.1.1, §4.2"];
    Tls10Refused = "tls-10-refused", Fail, "TLS 1.0 is refused",
        ["FAPI 2.0 SP Final 5.2.1-2", "RFC 9325 §3.1.1"];
    Tls11Refused = "tls-11-refused", Fail, "TLS 1.1 is refused",
        ["FAPI 2.0 SP Final 5.2.1-2", "RFC 9325 §3.1.1"];
    Tls13Supported = "tls-13-supported", Warn, "TLS 1.3 is supported", ["RFC 9325 §3.1.1"];
    Tls13Preferred = "tls-13-preferred", Fail, "TLS 1.3 is preferred over TLS 1.2",
        ["RFC 9325 §3.1.1"];
    Tls12OnlyRecommendedSuites = "tls12-only-recommended-suites", Fail,
        "TLS 1.2 suites outside the recommended set are refused",
        ["FAPI 2.0 SP Final 5.2.2-1", "RFC 9325 §4.1, §4.2", "FAPI issue 847"];
    Tls12DheSuites = "tls12-dhe-suites", Warn, "TLS 1.2 DHE-RSA-AES-GCM suites are refused",
        ["FAPI 2.0 SP Final 5.2.2", "RFC 9325 §4.2, App. A", "FAPI 2.0 SP ID2 5.2.2-1"];
    TlsServerCert = "tls-server-cert", Fail,
        "The server certificate chains to a trusted root and matches the host name",
        ["FAPI 2.0 SP Final 5.2.1-5", "RFC 9525"];
    // §6.2 discovery.
    DiscFetchUrl = "disc-fetch-url", Fail, "The discovery URL has a well-known form",
        ["RFC 8414 §3", "OpenID Connect Discovery §4"];
    DiscFetch = "disc-fetch", Fail, "The discovery document is served with HTTP 200",
        ["RFC 8414 §3.1, §3.2"];
    DiscFetchContentType = "disc-fetch-content-type", Fail, "Content-Type is application/json",
        ["RFC 8414 §3.2"];
    DiscFetchJson = "disc-fetch-json", Fail, "The body is a JSON object", ["RFC 8414 §3.2"];
    DiscDocument = "disc-document", Fail, "The discovery document is a JSON object",
        ["RFC 8414 §3.2"];
    DiscIssuerMatch = "disc-issuer-match", Fail, "issuer matches the discovery URL",
        ["RFC 8414 §3.3", "FAPI 2.0 SP Final 5.3.3.1"];
    DiscIssuerUrl = "disc-issuer-url", Fail, "issuer is an https URL without query or fragment",
        ["RFC 8414 §2"];
    DiscSchema = "disc-schema", Fail, "Metadata members have their RFC 8414 types",
        ["RFC 8414 §2"];
    DiscSchemaUnknown = "disc-schema-unknown", Warn, "No unknown metadata members",
        ["RFC 8414 §2, §3.2"];
    DiscTokenEndpoint = "disc-token-endpoint", Fail, "token_endpoint is an absolute https URL",
        ["RFC 8414 §2", "RFC 6749 §3.2"];
    DiscAuthMethods = "disc-auth-methods", Fail,
        "token_endpoint_auth_methods_supported lists a FAPI method",
        ["FAPI 2.0 SP Final 5.3.2.1-6", "RFC 8414 §2"];
    DiscAuthMethodsUsed = "disc-auth-methods-used", Fail,
        "The methods the target's clients use are advertised", ["RFC 8414 §2"];
    DiscAuthMethodsWeak = "disc-auth-methods-weak", Warn,
        "No client_secret_* or none authentication advertised",
        ["FAPI 2.0 SP Final 5.3.2.1-3, 5.3.2.1-6"];
    DiscAuthSigningAlgs = "disc-auth-signing-algs", Fail,
        "A FAPI assertion algorithm is advertised", ["FAPI 2.0 SP Final 5.4.1-1", "RFC 8414 §2"];
    DiscAuthSigningAlgsNone = "disc-auth-signing-algs-none", Fail,
        "`none` is not an assertion algorithm", ["RFC 8414 §2"];
    DiscAuthSigningAlgsOther = "disc-auth-signing-algs-other", Warn,
        "Only FAPI assertion algorithms are advertised", ["FAPI 2.0 SP Final 5.4.1-1"];
    DiscMtlsBound = "disc-mtls-bound", Fail, "tls_client_certificate_bound_access_tokens is true",
        ["RFC 8705 §3.3"];
    DiscGrantCc = "disc-grant-cc", Fail, "grant_types_supported contains client_credentials",
        ["RFC 8414 §2"];
    DiscGrantNoRopc = "disc-grant-no-ropc", Fail, "The password grant is not advertised",
        ["FAPI 2.0 SP Final 5.3.2.1-2"];
    DiscGrantNoImplicit = "disc-grant-no-implicit", Warn, "The implicit grant is not advertised",
        ["FAPI 2.0 SP Final 5.3.2.1-2"];
    DiscMtlsAliases = "disc-mtls-aliases", Fail, "mtls_endpoint_aliases is well formed",
        ["RFC 8705 §5", "FAPI 2.0 SP Final 5.2.2.1"];
    DiscRegistrationEndpoint = "disc-registration-endpoint", Fail,
        "registration_endpoint is an https URL", ["OpenID Connect Discovery §3"];
    DiscScopesSyntax = "disc-scopes-syntax", Fail, "scopes_supported holds valid scope tokens",
        ["RFC 6749 §3.3", "RFC 8414 §2"];
    DiscJwksUri = "disc-jwks-uri", Fail, "jwks_uri is an https URL", ["RFC 8414 §2"];
    DiscJwks = "disc-jwks", Fail, "jwks_uri serves a JWK Set", ["RFC 7517 §5"];
    DiscJwksPrivate = "disc-jwks-private", Fail, "No private or symmetric keys are published",
        ["FAPI 2.0 SP Final 5.4.2", "RFC 7517 §1.1"];
    DiscJwksKid = "disc-jwks-kid", Fail, "Every key has a distinct kid", ["RFC 7517 §4.5"];
    DiscJwksKeySize = "disc-jwks-key-size", Fail, "Keys are long enough",
        ["FAPI 2.0 SP Final 5.4.1-2, 5.4.1-3"];
    DiscJwksUsable = "disc-jwks-usable", Warn, "Every key is usable", ["RFC 7517 §5"];
    // What a step expected of the connection (the scenario's refs say why).
    ExpectRefused = "expect-refused", Fail, "Refused at the TLS layer", [];
    ExpectNoToken = "expect-no-token", Fail, "No token without TLS", [];
    // §6.7 response: a granted step.
    Resp200 = "resp-200", Fail, "The valid request is granted", ["RFC 6749 §5.1"];
    RespJson = "resp-json", Fail, "Content-Type is application/json", ["RFC 6749 §5.1"];
    RespCacheControl = "resp-cache-control", Fail, "Cache-Control: no-store",
        ["RFC 6749 §5.1"];
    RespPragma = "resp-pragma", Warn, "Pragma: no-cache", ["RFC 6749 §5.1", "RFC 9111 §5.4"];
    RespAccessToken = "resp-access-token", Fail,
        "access_token and token_type present, allowed characters",
        ["RFC 6749 §5.1, App. A.12"];
    RespAtEntropy = "resp-at-entropy", Fail, "Access token has at least 128 bits",
        ["FAPI 2.0 SP Final 5.4.1-4", "RFC 6749 §10.10"];
    BindTokenType = "bind-token-type", Fail, "token_type is Bearer",
        ["RFC 8705 §3", "RFC 6750 §4"];
    RespExpiresIn = "resp-expires-in", Fail, "expires_in present and sane", ["RFC 6749 §5.1"];
    RespNoRefresh = "resp-no-refresh", Warn, "No refresh_token for client credentials",
        ["RFC 6749 §4.4.3"];
    RespNoIdToken = "resp-no-id-token", Fail, "No id_token", ["RFC 6749 §4.4.3"];
    RespScope = "resp-scope", Fail, "Granted scope within the requested scope",
        ["RFC 6749 §3.3, §5.1"];
    RespDateHeader = "resp-date-header", Warn, "Date header present",
        ["FAPI 2.0 SP Final 5.3.3.1", "RFC 9110 §6.6.1"];
    BindCnfX5t = "bind-cnf-x5t", Fail, "Token bound to the client certificate",
        ["RFC 8705 §3.1", "RFC 9068 §2.2"];
    RespAtUnique = "resp-at-unique", Warn, "Each grant issues a new access token",
        ["RFC 6749 §10.10"];
    RespInteractionId = "resp-interaction-id", Fail, "x-fapi-interaction-id is echoed",
        ["OFM x-fapi-interaction-id", "FAPI 2.0 SP Final 5.3.3.1"];
    ReqScopeNarrowed = "req-scope-narrowed", Fail, "An unauthorized scope is not granted",
        ["RFC 6749 §3.3, §5.1"];
    // §6.7 response: a rejected step.
    ErrStatus = "err-status", Fail, "Error status", ["RFC 6749 §5.2"];
    ErrJson = "err-json", Fail, "Error body is JSON", ["RFC 6749 §5.2"];
    ErrCode = "err-code", Fail, "error code in the acceptable set",
        ["RFC 6749 §5.2, App. A.7"];
    ErrDescription = "err-description", Fail, "error_description characters",
        ["RFC 6749 App. A.8"];
    ErrUri = "err-uri", Fail, "error_uri is a URI", ["RFC 6749 App. A.9"];
    ErrWwwAuthenticate = "err-www-authenticate", Warn, "401 carries WWW-Authenticate",
        ["RFC 6749 §5.2", "RFC 6750 §3", "RFC 9110 §11.6.1"];
    ErrNoToken = "err-no-token", Fail, "No token on a rejection", ["RFC 6749 §5.2"];
    // The resource server (token-binding rows).
    ResourceOk = "resource-ok", Fail, "The resource server accepts the bound token",
        ["RFC 8705 §3", "RFC 6750 §2.1"];
    ResourceDenied = "resource-denied", Fail, "The resource server refuses",
        ["RFC 8705 §3", "RFC 6750 §3.1"];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_ids_are_unique_and_round_trip() {
        let mut ids: Vec<&str> = CheckId::ALL.iter().map(|c| c.as_str()).collect();
        for &check in CheckId::ALL {
            assert_eq!(CheckId::parse(check.as_str()), Some(check));
            assert!(!check.title().is_empty(), "{check} has no title");
            let expectation = check.as_str().starts_with("expect-");
            assert_eq!(check.refs().is_empty(), expectation, "{check}: refs");
        }
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), CheckId::ALL.len());
        assert_eq!(CheckId::parse("err-stauts"), None);
    }

    #[test]
    fn a_call_site_may_word_or_weigh_a_check_for_its_case() {
        let status = CheckId::ErrStatus.check();
        assert_eq!(
            (status.id, status.title, status.severity),
            (CheckId::ErrStatus, "Error status", Severity::Fail)
        );
        let worded = CheckId::ErrStatus.titled("Status").at(Severity::Warn);
        assert_eq!(
            (worded.id, worded.title, worded.severity),
            (CheckId::ErrStatus, "Status", Severity::Warn)
        );
    }

    /// The README's check table, as the registry gives it.
    fn readme_table() -> String {
        let mut table = String::from("| id | severity | title | refs |\n|---|---|---|---|\n");
        for &check in CheckId::ALL {
            table.push_str(&format!(
                "| `{}` | {} | {} | {} |\n",
                check.as_str(),
                check.severity().as_str(),
                check.title(),
                if check.refs().is_empty() {
                    "the scenario's".to_string()
                } else {
                    check.refs().join("; ")
                }
            ));
        }
        table
    }

    #[test]
    fn the_readme_lists_every_check_as_the_registry_has_it() {
        let readme = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"));
        let table = readme_table();
        assert!(
            readme.contains(&table),
            "README.md's check table differs from the registry (src/model/check_id.rs); \
             replace it with:\n{table}"
        );
    }

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
