//! Keel's simulator and economic benchmark: a seeded market around Keel's pool, its venue, its
//! oracle and its keeper, on two interchangeable chains.
//!
//! - The market: [`scenario`] (its parameters), [`world`] (reference price, regimes, who trades),
//!   [`reporter`] (the oracle's reporters: lag, deviation and heartbeat, noise, outages, a liar),
//!   [`arbitrage`] (trade sizing), [`books`] (an LP's P&L taken apart).
//! - [`driver`]: the market acting on a [`backend::Backend`] block by block, the keeper's real
//!   executor taking its turn; [`record`] what each block leaves.
//! - Backends: [`fast`], the pool's state machine (`keel_core::pool`) in memory, for sweeps of
//!   thousands of month-long paths; [`drink`] (feature `drink`), the compiled contracts in
//!   drink's runtime. `tests/cross_check.rs` holds the two to identical blocks.
//! - [`simulate`]: the demo: one scenario to a CSV, a summary and a chart ([`chart`]).
//! - [`bench`]: Keel against constant-product pools over a suite of seeded markets.

// The market model works in floats: trade sizes and prices become token units by truncation, on
// purpose, and back to floats for reports.
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]

pub mod arbitrage;
pub mod backend;
pub mod bench;
pub mod books;
pub mod chart;
mod curve;
#[cfg(feature = "drink")]
pub mod drink;
pub mod driver;
mod error;
pub mod fast;
pub mod oracle;
mod progress;
pub mod record;
pub mod reporter;
pub mod scenario;
pub mod simulate;
pub mod venue;
pub mod world;

pub use error::SimError;
