//! Profiles: which reading of the standards the expectations follow.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Profile {
    /// FAPI 2.0 Final plus the platform's documented specifics (PS256, `scope=accounts`,
    /// `x-fapi-interaction-id` echoed).
    #[default]
    Ofm,
    /// FAPI 2.0 Security Profile Final.
    Fapi2Final,
    /// FAPI 2.0 Security Profile Implementer's Draft 2.
    Fapi2Id2,
}

impl Profile {
    pub const ALL: &'static [Profile] = &[Profile::Ofm, Profile::Fapi2Final, Profile::Fapi2Id2];

    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Ofm => "ofm",
            Profile::Fapi2Final => "fapi2-final",
            Profile::Fapi2Id2 => "fapi2-id2",
        }
    }

    pub fn parse(s: &str) -> Option<Profile> {
        Profile::ALL.iter().copied().find(|p| p.as_str() == s)
    }

    pub fn names() -> Vec<&'static str> {
        Profile::ALL.iter().map(|p| p.as_str()).collect()
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
