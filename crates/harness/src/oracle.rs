//! Calls to the oracle contract.

use crate::{Actor, Sandbox};
use ink::primitives::AccountId;
use keel_calls::ToMessage;
use keel_interface::{FeedId, Oracle, OracleData, OracleError};

/// The feed every fixture pool reads.
pub const FEED: FeedId = keel_core::consts::DEFAULT_FEED;

/// One reading to submit.
#[derive(Clone, Copy, Debug)]
pub struct Reading {
    pub price: u128,
    pub volatility: u128,
    pub timestamp: u64,
}

pub fn deploy(chain: &mut Sandbox, owner: Actor, max_jump_bps: u32) -> AccountId {
    let ctor = keel_calls::constructors::oracle(max_jump_bps);
    let wasm = &crate::chain::bundles().oracle.wasm;
    match chain.deploy(wasm, ctor, owner) {
        Ok(Ok(address)) => address,
        other => panic!("oracle deployment failed: {other:?}"),
    }
}

pub fn add_reporter(
    chain: &mut Sandbox,
    owner: Actor,
    oracle: AccountId,
    reporter: AccountId,
) -> Result<(), OracleError> {
    chain.call(
        owner,
        oracle,
        keel_calls::oracle(oracle).add_reporter(reporter).message(),
    )
}

pub fn submit(
    chain: &mut Sandbox,
    reporter: Actor,
    oracle: AccountId,
    reading: Reading,
) -> Result<(), OracleError> {
    let call = keel_calls::oracle(oracle).submit(FEED, reading.price, reading.volatility, reading.timestamp);
    chain.call(reporter, oracle, call.message())
}

pub fn set_max_jump_bps(
    chain: &mut Sandbox,
    owner: Actor,
    oracle: AccountId,
    bps: u32,
) -> Result<(), OracleError> {
    chain.call(
        owner,
        oracle,
        keel_calls::oracle(oracle).set_max_jump_bps(bps).message(),
    )
}

pub fn latest(chain: &mut Sandbox, oracle: AccountId) -> Result<OracleData, OracleError> {
    chain.call(
        crate::OWNER,
        oracle,
        keel_calls::oracle(oracle).latest(FEED).message(),
    )
}
