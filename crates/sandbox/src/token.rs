//! Calls to the PSP22 test token.

use crate::{call_data, Actor, Chain};
use ink::codegen::TraitCallBuilder;
use ink::env::call::FromAccountId;
use ink::env::DefaultEnvironment;
use ink::primitives::AccountId;
use keel_token::token::TokenRef;
use psp22::{PSP22Error, PSP22};

fn at(token: AccountId) -> TokenRef {
    <TokenRef as FromAccountId<DefaultEnvironment>>::from_account_id(token)
}

/// Deploys a token with 18 decimals and no initial supply, owned by `owner`.
pub fn deploy(chain: &mut Chain, owner: Actor, symbol: &str) -> AccountId {
    let ctor = TokenRef::new(0, Some(symbol.into()), Some(symbol.into()), 18);
    let data = crate::fixture::constructor_data(ctor);
    let wasm = &crate::chain::bundles().token.wasm;
    match chain.deploy::<()>(wasm, data, owner) {
        Ok(Ok(address)) => address,
        other => panic!("token deployment failed: {other:?}"),
    }
}

/// Mints `value` to `to` (the token owner signs).
pub fn mint(
    chain: &mut Chain,
    owner: Actor,
    token: AccountId,
    to: AccountId,
    value: u128,
) -> Result<(), PSP22Error> {
    chain.call(owner, token, call_data!(at(token).call_mut().mint_to(to, value)))
}

pub fn approve(
    chain: &mut Chain,
    holder: Actor,
    token: AccountId,
    spender: AccountId,
    value: u128,
) -> Result<(), PSP22Error> {
    chain.call(
        holder,
        token,
        call_data!(at(token).call_mut().approve(spender, value)),
    )
}

pub fn transfer(
    chain: &mut Chain,
    from: Actor,
    token: AccountId,
    to: AccountId,
    value: u128,
) -> Result<(), PSP22Error> {
    chain.call(
        from,
        token,
        call_data!(at(token).call_mut().transfer(to, value, Vec::new())),
    )
}

pub fn balance(chain: &mut Chain, token: AccountId, who: AccountId) -> u128 {
    chain.call(crate::OWNER, token, call_data!(at(token).call().balance_of(who)))
}
