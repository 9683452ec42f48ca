//! Keel's contracts in drink's in-process pallet-contracts runtime, for tests and the simulator:
//! a chain that deploys the compiled Wasm ([`Sandbox`]), one helper module per contract (the typed
//! call data of `keel-calls`, so a renamed message breaks the build), a fixture that stands up a
//! funded market ([`Fixture`]), and the bots' chains on it ([`keeper::SandboxChain`],
//! [`reporter::ReporterChain`]).

// Every helper returns its message's own answer (`Result<T, E>` for a message that refuses); the
// message documents its refusals.
#![allow(clippy::missing_errors_doc)]

pub mod attacker;
pub mod chain;
pub mod fixture;
pub mod keeper;
pub mod oracle;
pub mod pool;
pub mod reporter;
pub mod rigged;
pub mod token;
pub mod venue;

pub use chain::{
    Actor, CallError, Cost, Sandbox, ALICE, BOB, CAROL, KEEPER, MALLORY, OWNER, REPORTER, REPORTERS,
    REPORTER_B, REPORTER_C, START_MS,
};
pub use fixture::{Fixture, Setup, Snapshot, VenueSnapshot};

/// 1e18: token units per whole token, and the fixed-point scale of prices.
pub const UNIT: u128 = keel_core::ONE;

/// A deadline no test reaches.
pub const FAR: u64 = u64::MAX;
