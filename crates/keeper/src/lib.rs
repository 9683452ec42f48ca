//! Keel's keeper: watches pools and calls `rebalance` when inventory drifts beyond its band.
//!
//! - [`decide`]: the pure decision for one pool (rebalance, wait or skip, and why).
//! - [`executor`]: one careful pass: read, decide, dry-run, submit, confirm, with retries and
//!   backoff and no duplicate executions.
//! - [`chain`]: what a chain must offer; [`sandbox`] implements it on drink's runtime,
//!   [`node`] on a real node through `keel-client`.
//! - [`calls`]: the pool messages' call data, from the pool's own call builders.
//! - [`config`], [`metrics`], [`status`]: operating the bot.
//! - [`sim`]: the embedded market simulation behind `keel-keeper simulate`.

pub mod backoff;
pub mod chain;
pub mod config;
pub mod decide;
pub mod executor;
pub mod metrics;
pub mod node;
pub mod sandbox;
pub mod sim;
pub mod status;
pub mod table;

/// The pool messages' call data, shared with `keel-client`.
pub use keel_client::calls;
