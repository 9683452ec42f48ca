//! Keel's contracts in drink's in-process pallet-contracts runtime: a chain that deploys the
//! compiled Wasm, one helper module per contract (calls encoded with the contracts' own ink! call
//! builders, so a renamed message breaks the build), and a fixture that stands up a funded market.
//! The drink tests and the keeper's sandbox backend and simulation both stand on it.

pub mod attacker;
pub mod chain;
pub mod fixture;
pub mod oracle;
pub mod pool;
pub mod token;
pub mod venue;

pub use chain::{
    Actor, Chain, ChainError, Cost, ALICE, BOB, CAROL, KEEPER, MALLORY, OWNER, REPORTER, START_MS,
};
pub use fixture::{Market, Setup, Snapshot};

/// Encodes a call builder's message (selector and arguments) as call data.
#[macro_export]
macro_rules! call_data {
    ($builder:expr) => {
        parity_scale_codec::Encode::encode($builder.params().exec_input())
    };
}

/// 1e18: token units per whole token, and the fixed-point scale of prices.
pub const UNIT: u128 = keel_curve::ONE;

/// A deadline no test reaches.
pub const FAR: u64 = u64::MAX;
