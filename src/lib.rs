//! ofpc: conformance harness for the FAPI 2.0 token endpoint of Open Finance Malaysia's platform
//! (PayNet OFP). See `design.md` for the data flow: scenario -> plan -> execute -> judge -> report.

pub mod mock;
pub mod pki;
pub mod report;
pub mod snapshot;
pub mod tlsprobe;
