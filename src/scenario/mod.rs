//! Scenarios: the file format, its loader with diagnostics, and the built-in catalogue.

pub mod catalogue;
pub mod model;
pub mod parse;
pub mod placeholder;
pub mod time_expr;

pub use model::{
    AssertionSpec, Capability, EmbeddedKey, Endpoint, Expect, HeaderSpec, Identity, KeyChoice,
    Probe, Scenario, Step, StepOverride,
};
pub use parse::{load_dir, parse_scenario};
pub use placeholder::Placeholders;
