//! JOSE: client assertions, valid and deliberately wrong; JWT inspection without verification.

pub mod assertion;
pub mod inspect;
pub mod time_expr;

pub use assertion::{AssertionContext, build_assertion};
