//! Run reports: the data model and its renderers.

pub mod junit;
pub mod markdown;
pub mod model;
