//! Run reports: the data model, its renderers (json, junit, markdown, html, terminal), and
//! atomic writing.

pub mod build;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod model;
pub mod terminal;
pub mod write;
