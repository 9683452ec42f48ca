//! The pool's calls out: token transfers and the oracle read, each turning a failed call into a
//! named error instead of a trap.

use crate::{Error, Result};
use ink::codegen::TraitCallBuilder;
use ink::prelude::vec::Vec;
use ink::primitives::AccountId;
use keel_traits::{FeedId, Oracle, OracleData};
use psp22::PSP22;

/// Pulls `value` of `token` from `from` into the pool (needs the caller's prior `approve`).
pub fn pull(token: AccountId, from: AccountId, pool: AccountId, value: u128) -> Result<()> {
    if value == 0 {
        return Ok(());
    }
    let mut token: ink::contract_ref!(PSP22, ink::env::DefaultEnvironment) = token.into();
    match token
        .call_mut()
        .transfer_from(from, pool, value, Vec::new())
        .try_invoke()
    {
        Ok(Ok(result)) => result.map_err(Error::Token),
        _ => Err(Error::TokenCallFailed),
    }
}

/// Pays `value` of `token` from the pool to `to`.
pub fn pay(token: AccountId, to: AccountId, value: u128) -> Result<()> {
    if value == 0 {
        return Ok(());
    }
    let mut token: ink::contract_ref!(PSP22, ink::env::DefaultEnvironment) = token.into();
    match token.call_mut().transfer(to, value, Vec::new()).try_invoke() {
        Ok(Ok(result)) => result.map_err(Error::Token),
        _ => Err(Error::TokenCallFailed),
    }
}

/// The oracle's latest reading of `feed`.
pub fn latest(oracle: AccountId, feed: FeedId) -> Result<OracleData> {
    let oracle: ink::contract_ref!(Oracle, ink::env::DefaultEnvironment) = oracle.into();
    match oracle.call().latest(feed).try_invoke() {
        Ok(Ok(result)) => result.map_err(Error::Oracle),
        _ => Err(Error::OracleCallFailed),
    }
}
