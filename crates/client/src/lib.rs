//! Keel on a real Substrate contracts node (substrate-contracts-node 0.42, pallet-contracts),
//! sending the call data of `keel-calls`:
//!
//! - [`node`]: a connection that reconnects with backoff; reads are dry-runs through the
//!   `ContractsApi_call` runtime API, decoded by [`api`] without the node's runtime types.
//! - [`submit`]: signed `Contracts::call`, `upload_code` and `instantiate` with gas and storage
//!   deposit from a dry-run plus a margin, nonces from the chain (a stuck one replaceable), a
//!   mortal era, a fee quote checked before sending, a tip, and a watch to a block.
//! - [`keys`]: dev URIs for local chains, secrets from the environment or a file, never logged.
//! - [`deploy`]: tokens, oracle, venue and pool from a TOML plan, recorded in a deployment JSON
//!   ([`record`]).
//! - [`market`]: oracle readings, swaps and checks on a deployment, for the tool and the e2e.
//! - [`events`]: what contracts emitted in a block, with their topics.
//! - [`endpoint`]: `ws://` only to loopback hosts; URLs in logs without credentials or paths.
//! - [`stdout`]: the binaries' answers, ended quietly when the reader closes the pipe.

pub mod api;
pub mod deploy;
pub mod endpoint;
pub mod era;
pub mod error;
pub mod events;
pub mod keys;
pub mod market;
pub mod node;
pub mod plan;
pub mod record;
pub mod stdout;
pub mod submit;
pub mod upgrade;
mod watches;

pub use error::{ClientError, NodeError};
pub use node::{BestBlock, Node};
pub use submit::{InBlock, SendOptions};
