//! Calls to the PSP22 test token.

use crate::{Actor, Sandbox};
use ink::primitives::AccountId;
use keel_calls::{ToMessage, PSP22};
use psp22::PSP22Error;

/// Deploys a token with 18 decimals and no initial supply, owned by `owner`.
pub fn deploy(chain: &mut Sandbox, owner: Actor, symbol: &str) -> AccountId {
    let ctor = keel_calls::constructors::token(symbol, keel_core::consts::TOKEN_DECIMALS);
    let wasm = &crate::chain::bundles().token.wasm;
    match chain.deploy(wasm, ctor, owner) {
        Ok(Ok(address)) => address,
        other => panic!("token deployment failed: {other:?}"),
    }
}

/// Mints `value` to `to` (the token owner signs).
pub fn mint(
    chain: &mut Sandbox,
    owner: Actor,
    token: AccountId,
    to: AccountId,
    value: u128,
) -> Result<(), PSP22Error> {
    chain.call(
        owner,
        token,
        keel_calls::token(token).mint_to(to, value).message(),
    )
}

pub fn approve(
    chain: &mut Sandbox,
    holder: Actor,
    token: AccountId,
    spender: AccountId,
    value: u128,
) -> Result<(), PSP22Error> {
    chain.call(
        holder,
        token,
        keel_calls::token(token).approve(spender, value).message(),
    )
}

pub fn transfer(
    chain: &mut Sandbox,
    from: Actor,
    token: AccountId,
    to: AccountId,
    value: u128,
) -> Result<(), PSP22Error> {
    chain.call(
        from,
        token,
        keel_calls::token(token).transfer(to, value, Vec::new()).message(),
    )
}

pub fn balance(chain: &mut Sandbox, token: AccountId, who: AccountId) -> u128 {
    chain.call(
        crate::OWNER,
        token,
        keel_calls::token(token).balance_of(who).message(),
    )
}
