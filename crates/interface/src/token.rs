//! Moving PSP22 tokens out of a contract, with a refused or failed call returned as a value
//! instead of a trap, so each contract can report it as its own named error.

use ink::codegen::TraitCallBuilder;
use ink::prelude::vec::Vec;
use ink::primitives::AccountId;
use psp22::{PSP22Error, PSP22};

/// Why a token transfer did not happen.
#[derive(Debug, PartialEq, Eq)]
pub enum TokenCallError {
    /// The token refused it (e.g. missing allowance or balance).
    Refused(PSP22Error),
    /// The call itself failed (not a PSP22 contract, trapped).
    CallFailed,
}

/// Moves `value` of `token` from `from` to `to` with the caller's allowance; zero moves nothing.
///
/// # Errors
/// [`TokenCallError::Refused`] with the token's refusal; [`TokenCallError::CallFailed`] when the call itself failed.
pub fn pull(token: AccountId, from: AccountId, to: AccountId, value: u128) -> Result<(), TokenCallError> {
    if value == 0 {
        return Ok(());
    }
    let mut token: ink::contract_ref!(PSP22, ink::env::DefaultEnvironment) = token.into();
    match token
        .call_mut()
        .transfer_from(from, to, value, Vec::new())
        .try_invoke()
    {
        Ok(Ok(result)) => result.map_err(TokenCallError::Refused),
        _ => Err(TokenCallError::CallFailed),
    }
}

/// Pays `value` of `token` from the calling contract to `to`; zero moves nothing.
///
/// # Errors
/// As [`pull`].
pub fn pay(token: AccountId, to: AccountId, value: u128) -> Result<(), TokenCallError> {
    if value == 0 {
        return Ok(());
    }
    let mut token: ink::contract_ref!(PSP22, ink::env::DefaultEnvironment) = token.into();
    match token.call_mut().transfer(to, value, Vec::new()).try_invoke() {
        Ok(Ok(result)) => result.map_err(TokenCallError::Refused),
        _ => Err(TokenCallError::CallFailed),
    }
}
