//! Certificates and keys: PEM loading, thumbprints, test PKI generation.

pub mod generate;
pub mod thumbprint;

pub use thumbprint::{cert_subject, x5t_s256};
