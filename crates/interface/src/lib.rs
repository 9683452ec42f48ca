//! Keel's contracts as others see them: the cross-contract interfaces (oracle, venue) as ink!
//! trait definitions, the pool's public types, its error and its events, and token transfers
//! from a contract.
//!
//! Contracts implement these traits and emit these events; off-chain tools decode answers and
//! events with the same types (through `keel-calls`), so a renamed message, type or event breaks
//! the build rather than a bot. The types without accounts are defined once in `keel-core` and
//! re-exported here.
//!
//! Features: `pool` (the pool's types, error and events; without it a contract's metadata does not
//! list the pool's events), `token` (token transfers from a contract).
#![cfg_attr(not(feature = "std"), no_std)]

mod oracle;
#[cfg(feature = "pool")]
pub mod pool;
#[cfg(feature = "token")]
pub mod token;
mod venue;

pub use oracle::{FeedId, Oracle, OracleData, OracleError, OracleMirror};
#[cfg(feature = "pool")]
pub use pool::{MarketStatus, PoolConfig, PoolError, Quote, RebalanceOutcome, RebalanceStatus};
pub use venue::{Venue, VenueDepth, VenueError};
