//! Keel's keeper: watches pools and calls `rebalance` when inventory drifts beyond its band.
//!
//! - [`decide`]: the pure decision for one pool (rebalance, wait or skip, and why).
//! - [`executor`]: one careful pass: read, decide, dry-run, submit, confirm, with retries and
//!   backoff and no duplicate executions.
//! - [`chain`]: what a chain must offer; [`node`] (feature `node`) implements it on a real node
//!   through `keel-client`; `keel-harness` on drink and `keel-sim` in memory.
//! - [`spending`]: the ceilings and hourly budgets on what the keeper signs for.
//! - [`trust`]: the chain and the code it signs for (genesis and code hashes).
//! - [`worth`]: whether a rebalance's bounty pays for its transaction, at the native price;
//!   [`pair`]: that the watched pools share the one quote token those amounts are in.
//! - [`config`], [`metrics`], [`health`], [`status`], [`table`]: operating the bot; [`toml_error`]: a
//!   configuration's errors told without quoting it.

pub mod backoff;
pub mod chain;
pub mod config;
pub mod decide;
pub mod executor;
pub mod health;
pub mod metrics;
#[cfg(feature = "node")]
pub mod node;
pub mod pair;
pub mod spending;
pub mod status;
pub mod table;
pub mod toml_error;
pub mod trust;
pub mod worth;
