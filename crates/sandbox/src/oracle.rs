//! Calls to the oracle contract.

use crate::{call_data, Actor, Chain};
use ink::codegen::TraitCallBuilder;
use ink::env::call::FromAccountId;
use ink::env::DefaultEnvironment;
use ink::primitives::AccountId;
use keel_oracle::oracle::KeelOracleRef;
use keel_traits::{FeedId, Oracle, OracleData, OracleError};

/// The feed every fixture pool reads.
pub const FEED: FeedId = 1;

fn at(oracle: AccountId) -> KeelOracleRef {
    <KeelOracleRef as FromAccountId<DefaultEnvironment>>::from_account_id(oracle)
}

/// One reading to submit.
#[derive(Clone, Copy, Debug)]
pub struct Reading {
    pub price: u128,
    pub volatility: u128,
    pub timestamp: u64,
}

pub fn deploy(chain: &mut Chain, owner: Actor, max_jump_bps: u32) -> AccountId {
    let data = crate::fixture::constructor_data(KeelOracleRef::new(max_jump_bps));
    let wasm = &crate::chain::bundles().oracle.wasm;
    match chain.deploy::<()>(wasm, data, owner) {
        Ok(Ok(address)) => address,
        other => panic!("oracle deployment failed: {other:?}"),
    }
}

pub fn add_reporter(
    chain: &mut Chain,
    owner: Actor,
    oracle: AccountId,
    reporter: AccountId,
) -> Result<(), OracleError> {
    chain.call(
        owner,
        oracle,
        call_data!(at(oracle).call_mut().add_reporter(reporter)),
    )
}

pub fn submit(
    chain: &mut Chain,
    reporter: Actor,
    oracle: AccountId,
    reading: Reading,
) -> Result<(), OracleError> {
    let call = at(oracle)
        .call_mut()
        .submit(FEED, reading.price, reading.volatility, reading.timestamp);
    chain.call(reporter, oracle, call_data!(call))
}

pub fn set_max_jump_bps(
    chain: &mut Chain,
    owner: Actor,
    oracle: AccountId,
    bps: u32,
) -> Result<(), OracleError> {
    chain.call(
        owner,
        oracle,
        call_data!(at(oracle).call_mut().set_max_jump_bps(bps)),
    )
}

pub fn latest(chain: &mut Chain, oracle: AccountId) -> Result<OracleData, OracleError> {
    chain.call(crate::OWNER, oracle, call_data!(at(oracle).call().latest(FEED)))
}
