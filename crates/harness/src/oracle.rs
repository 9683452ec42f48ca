//! Calls to the oracle contract.

use crate::{Actor, Sandbox};
use ink::primitives::AccountId;
use keel_calls::ToMessage;
use keel_core::oracle::{Answer, FeedConfig, Slot};
use keel_interface::{FeedId, Oracle, OracleData, OracleError, OracleMirror};

/// The feed every fixture pool reads.
pub const FEED: FeedId = keel_core::consts::DEFAULT_FEED;

/// One reading to submit.
#[derive(Clone, Copy, Debug)]
pub struct Reading {
    pub price: u128,
    pub volatility: u128,
    pub timestamp: u64,
}

impl Reading {
    /// `price` at 50%/yr, observed at `chain`'s time.
    pub fn now(chain: &Sandbox, price: u128) -> Reading {
        Reading {
            price,
            volatility: keel_core::ONE / 2,
            timestamp: chain.now(),
        }
    }
}

pub fn deploy(chain: &mut Sandbox, owner: Actor) -> AccountId {
    let ctor = keel_calls::constructors::oracle();
    let wasm = &crate::chain::bundles().oracle.wasm;
    match chain.deploy(wasm, ctor, owner) {
        Ok(Ok(address)) => address,
        other => panic!("oracle deployment failed: {other:?}"),
    }
}

/// Deploys an empty mirror of `oracle`'s answers.
pub fn deploy_mirror(chain: &mut Sandbox, owner: Actor, oracle: AccountId) -> AccountId {
    deploy_mirror_code(chain, owner, oracle, &crate::chain::bundles().mirror.wasm)
}

/// [`deploy_mirror`] from `wasm` (the refusing build, say).
pub fn deploy_mirror_code(chain: &mut Sandbox, owner: Actor, oracle: AccountId, wasm: &[u8]) -> AccountId {
    let ctor = keel_calls::constructors::mirror(oracle);
    match chain.deploy(wasm, ctor, owner) {
        Ok(Ok(address)) => address,
        other => panic!("mirror deployment failed: {other:?}"),
    }
}

/// Points `oracle` at `mirror` (or at none).
pub fn set_mirror(
    chain: &mut Sandbox,
    owner: Actor,
    oracle: AccountId,
    mirror: Option<AccountId>,
) -> Result<(), OracleError> {
    let call = keel_calls::oracle(oracle).set_mirror(mirror);
    chain.call(owner, oracle, call.message())
}

/// `who` asking `oracle` to write [`FEED`]'s answer as it stands into its mirror.
pub fn sync_mirror(chain: &mut Sandbox, who: Actor, oracle: AccountId) -> Result<(), OracleError> {
    let call = keel_calls::oracle(oracle).sync_mirror(FEED);
    chain.call(who, oracle, call.message())
}

/// What pools reading `mirror` see: its copy of [`FEED`]'s answer.
pub fn mirrored(chain: &mut Sandbox, mirror: AccountId) -> Result<OracleData, OracleError> {
    chain.call(
        crate::OWNER,
        mirror,
        keel_calls::mirror(mirror).latest(FEED).message(),
    )
}

/// `who` writing [`FEED`]'s answer into `mirror` directly, as only its oracle may.
pub fn record(
    chain: &mut Sandbox,
    who: Actor,
    mirror: AccountId,
    answer: Option<OracleData>,
) -> Result<(), OracleError> {
    let call = keel_calls::mirror(mirror).record(FEED, answer);
    chain.call(who, mirror, call.message())
}

/// Creates or reconfigures [`FEED`].
pub fn configure_feed(
    chain: &mut Sandbox,
    owner: Actor,
    oracle: AccountId,
    config: FeedConfig,
) -> Result<(), OracleError> {
    let call = keel_calls::oracle(oracle).configure_feed(FEED, config);
    chain.call(owner, oracle, call.message())
}

pub fn add_reporter(
    chain: &mut Sandbox,
    owner: Actor,
    oracle: AccountId,
    reporter: AccountId,
) -> Result<(), OracleError> {
    let call = keel_calls::oracle(oracle).add_reporter(FEED, reporter);
    chain.call(owner, oracle, call.message())
}

pub fn remove_reporter(
    chain: &mut Sandbox,
    owner: Actor,
    oracle: AccountId,
    reporter: AccountId,
) -> Result<(), OracleError> {
    let call = keel_calls::oracle(oracle).remove_reporter(FEED, reporter);
    chain.call(owner, oracle, call.message())
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

/// What pools read: [`FEED`]'s answer.
pub fn latest(chain: &mut Sandbox, oracle: AccountId) -> Result<OracleData, OracleError> {
    chain.call(
        crate::OWNER,
        oracle,
        keel_calls::oracle(oracle).latest(FEED).message(),
    )
}

/// [`FEED`]'s answer in full: both volatilities and the readings behind it.
pub fn answer(chain: &mut Sandbox, oracle: AccountId) -> Option<Answer> {
    chain.call(
        crate::OWNER,
        oracle,
        keel_calls::oracle(oracle).answer(FEED).message(),
    )
}

/// [`FEED`]'s configuration.
pub fn feed_config(chain: &mut Sandbox, oracle: AccountId) -> Option<FeedConfig> {
    chain.call(
        crate::OWNER,
        oracle,
        keel_calls::oracle(oracle).feed_config(FEED).message(),
    )
}

/// [`FEED`]'s reporters and their latest readings.
pub fn readings(chain: &mut Sandbox, oracle: AccountId) -> Vec<Slot<AccountId>> {
    chain.call(
        crate::OWNER,
        oracle,
        keel_calls::oracle(oracle).readings(FEED).message(),
    )
}

pub fn transfer_ownership(
    chain: &mut Sandbox,
    owner: Actor,
    oracle: AccountId,
    new_owner: AccountId,
) -> Result<(), OracleError> {
    let call = keel_calls::oracle(oracle).transfer_ownership(new_owner);
    chain.call(owner, oracle, call.message())
}

pub fn accept_ownership(chain: &mut Sandbox, who: Actor, oracle: AccountId) -> Result<(), OracleError> {
    let call = keel_calls::oracle(oracle).accept_ownership();
    chain.call(who, oracle, call.message())
}

pub fn owner(chain: &mut Sandbox, oracle: AccountId) -> AccountId {
    chain.call(crate::OWNER, oracle, keel_calls::oracle(oracle).owner().message())
}
