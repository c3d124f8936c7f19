//! Run reports: the data model, its renderers, and atomic writing.

pub mod build;
pub mod json;
pub mod model;
pub mod terminal;
pub mod write;
