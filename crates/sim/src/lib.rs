//! Keel's fast simulator and economic benchmark.
//!
//! - [`pool`]: the pool and venue contracts mirrored in memory on the curve crate.
//! - [`fast`]: a backend for the keeper's market driver on that mirror, with the keeper's real
//!   executor; `tests/cross_check.rs` holds it to the compiled contracts block by block.
//! - [`strategy`]: Keel variants and constant-product pools on the same seeded path.
//! - [`tally`], [`suite`], [`sweep`], [`report`], [`chart`]: measuring, sweeping and reporting.

pub mod chart;
pub mod fast;
pub mod pool;
pub mod report;
pub mod strategy;
pub mod suite;
pub mod sweep;
pub mod tally;
