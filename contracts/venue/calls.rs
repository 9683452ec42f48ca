//! The venue's calls out to its tokens, each turning a failed call into a named error instead of
//! a trap.

use crate::{Error, Result};
use ink::codegen::TraitCallBuilder;
use ink::prelude::vec::Vec;
use ink::primitives::AccountId;
use psp22::PSP22;

/// Pulls `value` of `token` from `from` into the venue (needs the caller's prior `approve`).
pub fn pull(token: AccountId, from: AccountId, venue: AccountId, value: u128) -> Result<()> {
    let mut token: ink::contract_ref!(PSP22, ink::env::DefaultEnvironment) = token.into();
    match token
        .call_mut()
        .transfer_from(from, venue, value, Vec::new())
        .try_invoke()
    {
        Ok(Ok(result)) => result.map_err(Error::Token),
        _ => Err(Error::TokenCallFailed),
    }
}

/// Pays `value` of `token` from the venue to `to`.
pub fn pay(token: AccountId, to: AccountId, value: u128) -> Result<()> {
    let mut token: ink::contract_ref!(PSP22, ink::env::DefaultEnvironment) = token.into();
    match token.call_mut().transfer(to, value, Vec::new()).try_invoke() {
        Ok(Ok(result)) => result.map_err(Error::Token),
        _ => Err(Error::TokenCallFailed),
    }
}
