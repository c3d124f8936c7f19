//! Run reports: the data model and its renderers.

pub mod model;
