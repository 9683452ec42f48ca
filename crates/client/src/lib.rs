//! Keel on a real Substrate contracts node (substrate-contracts-node 0.42, pallet-contracts):
//!
//! - [`node`]: a connection that reconnects with backoff; reads are dry-runs through the
//!   `ContractsApi_call` runtime API, decoded by [`api`] without the node's runtime types.
//! - [`submit`]: signed `Contracts::call`, `upload_code` and `instantiate` with gas and storage
//!   deposit from a dry-run plus a margin, explicit nonces, a tip, and a watch to a block.
//! - [`keys`]: dev URIs for local chains, secrets from the environment or a file, never logged.
//! - [`calls`]: every message's call data from the contracts' own ink! call builders.
//! - [`deploy`]: tokens, oracle, venue and pool from a TOML plan, recorded in a deployment JSON
//!   ([`record`]).
//! - [`events`]: `ContractEmitted` and the pool's `Rebalanced`.

pub mod api;
pub mod calls;
pub mod deploy;
pub mod error;
pub mod events;
pub mod keys;
pub mod market;
pub mod node;
pub mod record;
pub mod submit;

pub use error::NodeError;
pub use node::{Head, Node};
pub use submit::{InBlock, SendOptions};
