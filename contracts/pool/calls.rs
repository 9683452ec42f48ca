//! The pool's calls out: token transfers (the shared `keel_interface::token`), approvals and
//! balances, the oracle read, the venue's depth and trade, and delegate calls into the pool's
//! other codes (an upgrade's `migrate`, the cold code's `code_layout` and `set_config`). Each
//! turns a failed call into a named error or `None`, never a trap.

use ink::codegen::TraitCallBuilder;
use ink::env::call::{build_call, ExecutionInput, Selector};
use ink::env::DefaultEnvironment;
use ink::primitives::{AccountId, Hash};
use keel_core::pool::Refusal;
use keel_interface::pool::{PoolError, PoolResult as Result, VenueDepth};
use keel_interface::{FeedId, Oracle, OracleData, Venue};
use psp22::PSP22;

/// The oracle's latest reading of `feed`, refused as the pool's rules name it.
pub fn latest(oracle: AccountId, feed: FeedId) -> core::result::Result<OracleData, Refusal> {
    let oracle: ink::contract_ref!(Oracle, ink::env::DefaultEnvironment) = oracle.into();
    match oracle.call().latest(feed).try_invoke() {
        Ok(Ok(result)) => result.map_err(Refusal::Oracle),
        _ => Err(Refusal::OracleCallFailed),
    }
}

/// Lets `spender` move `value` of the pool's `token`.
pub fn approve(token: AccountId, spender: AccountId, value: u128) -> Result<()> {
    let mut token: ink::contract_ref!(PSP22, ink::env::DefaultEnvironment) = token.into();
    match token.call_mut().approve(spender, value).try_invoke() {
        Ok(Ok(result)) => result.map_err(PoolError::from),
        _ => Err(PoolError::TokenCallFailed),
    }
}

/// `owner`'s balance of `token`.
pub fn balance(token: AccountId, owner: AccountId) -> Result<u128> {
    let token: ink::contract_ref!(PSP22, ink::env::DefaultEnvironment) = token.into();
    match token.call().balance_of(owner).try_invoke() {
        Ok(Ok(value)) => Ok(value),
        _ => Err(PoolError::TokenCallFailed),
    }
}

/// `venue`'s depth for a trade selling `token_in`.
pub fn depth(venue: AccountId, token_in: AccountId) -> core::result::Result<VenueDepth, Refusal> {
    let venue: ink::contract_ref!(Venue, ink::env::DefaultEnvironment) = venue.into();
    match venue.call().depth(token_in).try_invoke() {
        Ok(Ok(Ok(depth))) => Ok(depth),
        _ => Err(Refusal::VenueCallFailed),
    }
}

/// What the message `selector` of the code `code` answers to `args` (`()` for none) on the
/// pool's own storage (a delegate call), or `None` when it does not: no such code, no such
/// message, storage it cannot read, an answer of another type, or a trap. `set_code` asks the new
/// code's `migrate` this way, and the `hot` build its cold code's `code_layout` and, for a new
/// pool, `set_config`.
pub fn delegate<R: ink::scale::Decode>(
    code: Hash,
    selector: [u8; 4],
    args: impl ink::scale::Encode,
) -> Option<R> {
    build_call::<DefaultEnvironment>()
        .delegate(code)
        .exec_input(ExecutionInput::new(Selector::new(selector)).push_arg(args))
        .returns::<R>()
        .try_invoke()
        .ok()?
        .ok()
}

/// Sells `amount_in` of `token_in` on `venue` for at least `min_out`, paid to the pool.
pub fn sell_on_venue(
    venue: AccountId,
    token_in: AccountId,
    amount_in: u128,
    min_out: u128,
    pool: AccountId,
    deadline: u64,
) -> Result<u128> {
    let mut venue: ink::contract_ref!(Venue, ink::env::DefaultEnvironment) = venue.into();
    match venue
        .call_mut()
        .swap_exact_in(token_in, amount_in, min_out, pool, deadline)
        .try_invoke()
    {
        Ok(Ok(result)) => result.map_err(PoolError::Venue),
        _ => Err(PoolError::VenueCallFailed),
    }
}

/// Pulls `value` of `token` from `from` into the pool (needs the caller's prior `approve`).
/// One conversion to the pool's error here, rather than one at every call site.
pub fn pull(token: AccountId, from: AccountId, pool: AccountId, value: u128) -> Result<()> {
    keel_interface::token::pull(token, from, pool, value).map_err(PoolError::from)
}

/// Pays `value` of `token` from the pool to `to`.
pub fn pay(token: AccountId, to: AccountId, value: u128) -> Result<()> {
    keel_interface::token::pay(token, to, value).map_err(PoolError::from)
}
