//! Interfaces between Keel's contracts, as ink! trait definitions, with their error enums.
//!
//! Contracts implement these traits and call each other through them; off-chain tools encode calls
//! with the same definitions, so a renamed message breaks the build rather than a bot.
#![cfg_attr(not(feature = "std"), no_std)]

mod oracle;
#[cfg(feature = "token")]
pub mod token;
mod venue;

pub use oracle::{within_jump, FeedId, Oracle, OracleData, OracleError};
pub use venue::{Venue, VenueError};
