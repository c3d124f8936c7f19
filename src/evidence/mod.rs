//! Evidence bundles: a run's reports, the target described without secrets, the catalogue as
//! run and the tool's build, bound by an in-toto Statement in a DSSE envelope that anyone can
//! verify offline (`ofpc verify`).

pub mod bundle;
pub mod dsse;
pub mod sign;
pub mod statement;
pub mod target;
pub mod verify;

pub use bundle::{BundleFile, BundleInput, CatalogueFile, assemble};
pub use sign::{KeyError, PublicKey, Signer};
pub use target::TargetDescription;
pub use verify::{Trust, Verification, read_bundle, verify};
