//! Execution (I/O only): build each step's request, send it over a fresh TLS connection with
//! exactly the step's identity, and hand back the exchange as data. Judging is elsewhere.

pub mod discovery;
pub mod documents;
pub mod exchange;
pub mod identities;
pub mod liveness;
pub mod rate;
pub mod redact;
pub mod request;
pub mod transport;

pub use exchange::{Exchange, ExchangeCtx, exchange};
