//! Run reports: the data model and its renderers.

pub mod html;
pub mod junit;
pub mod markdown;
pub mod model;
