//! Keel's oracle reporter: reads a price from several sources, takes their median, estimates the
//! market's volatility and submits a reading to the oracle when it has moved or a heartbeat is
//! due.
//!
//! - [`price`]: decimal text to 1e18 fixed point, exactly.
//! - [`source`]: the sources (HTTP JSON, command, CSV replay) and what they observe.
//! - [`combine`]: the median of the fresh, agreeing sources, or nothing.
//! - [`volatility`]: the time-normalised EWMA of squared returns, by half-life, with a floor.
//! - [`policy`]: when a reading is worth a transaction.
//! - [`chain`]: what a chain must offer, and the oracle's refusals in words; `node` (feature
//!   `node`) implements it on a real node through `keel-client`, `keel-harness` on drink.
//! - [`service`]: one reporter's rounds; [`config`]: `reporter.toml`; [`metrics`]: Prometheus
//!   and `/healthz`.

pub mod chain;
pub mod combine;
pub mod config;
pub mod metrics;
#[cfg(feature = "node")]
pub mod node;
pub mod policy;
pub mod price;
pub mod service;
pub mod source;
pub mod volatility;
