//! The target file (TOML) and the credentials it names, checked before anything is sent.

pub mod credentials;
pub mod origin;
pub mod profile;
pub mod target;
pub mod toml_error;
pub mod url;

pub use credentials::{Audience, Client, SigningKey};
pub use profile::Profile;
pub use target::{
    ClientCa, DEFAULT_MAX_BODY_KIB, DocumentCert, Endpoints, LoadOptions, Target, load_target,
    load_target_with,
};
