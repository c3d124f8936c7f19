//! Certificates and keys: PEM loading, thumbprints, test PKI generation.

pub mod generate;
pub mod subject;
pub mod thumbprint;

pub use subject::subject_dn_rfc4514;
pub use thumbprint::{cert_subject, x5t_s256};
