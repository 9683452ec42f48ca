//! Calls to the pool contract, with argument structs for the calls that take many numbers.

use crate::{call_data, Actor, Chain, FAR};
use ink::codegen::TraitCallBuilder;
use ink::env::call::FromAccountId;
use ink::env::DefaultEnvironment;
use ink::primitives::{AccountId, Hash};
use keel_curve::PoolState;
use keel_pool::pool::PoolRef;
use keel_pool::{Error, MarketStatus, PoolConfig, Quote, RebalanceOutcome, RebalanceStatus};
use keel_traits::FeedId;
use psp22::PSP22;

type R<T> = Result<T, Error>;

fn at(pool: AccountId) -> PoolRef {
    <PoolRef as FromAccountId<DefaultEnvironment>>::from_account_id(pool)
}

/// What a pool is deployed with.
#[derive(Clone, Copy, Debug)]
pub struct PoolSetup {
    pub base: AccountId,
    pub quote: AccountId,
    pub oracle: AccountId,
    pub feed: FeedId,
    pub config: PoolConfig,
}

pub fn deploy(chain: &mut Chain, owner: Actor, setup: PoolSetup) -> R<AccountId> {
    let ctor = PoolRef::new(setup.base, setup.quote, setup.oracle, setup.feed, setup.config);
    let data = crate::fixture::constructor_data(ctor);
    let wasm = &crate::chain::bundles().pool.wasm;
    chain
        .deploy::<Error>(wasm, data, owner)
        .unwrap_or_else(|e| panic!("pool deployment failed: {e:?}"))
}

/// A deposit; `to` defaults to the provider.
#[derive(Clone, Copy, Debug)]
pub struct Deposit {
    pub base_max: u128,
    pub quote_max: u128,
    pub min_shares: u128,
    pub to: Option<AccountId>,
    pub deadline: u64,
}

impl Deposit {
    pub fn of(base_max: u128, quote_max: u128) -> Self {
        Deposit {
            base_max,
            quote_max,
            min_shares: 0,
            to: None,
            deadline: FAR,
        }
    }
}

pub fn add_liquidity(chain: &mut Chain, who: Actor, pool: AccountId, d: Deposit) -> R<(u128, u128, u128)> {
    let to = d.to.unwrap_or(who.account());
    let call = at(pool)
        .call_mut()
        .add_liquidity(d.base_max, d.quote_max, d.min_shares, to, d.deadline);
    chain.call(who, pool, call_data!(call))
}

/// A withdrawal; `to` defaults to the provider.
#[derive(Clone, Copy, Debug)]
pub struct Withdraw {
    pub shares: u128,
    pub min_base: u128,
    pub min_quote: u128,
    pub to: Option<AccountId>,
    pub deadline: u64,
}

impl Withdraw {
    pub fn of(shares: u128) -> Self {
        Withdraw {
            shares,
            min_base: 0,
            min_quote: 0,
            to: None,
            deadline: FAR,
        }
    }
}

pub fn remove_liquidity(chain: &mut Chain, who: Actor, pool: AccountId, w: Withdraw) -> R<(u128, u128)> {
    let to = w.to.unwrap_or(who.account());
    let call = at(pool)
        .call_mut()
        .remove_liquidity(w.shares, w.min_base, w.min_quote, to, w.deadline);
    chain.call(who, pool, call_data!(call))
}

/// A swap: `amount` is the input for exact-in and the output for exact-out; `limit` is
/// `min_out` or `max_in`; `to` defaults to the trader.
#[derive(Clone, Copy, Debug)]
pub struct Swap {
    pub token_in: AccountId,
    pub amount: u128,
    pub limit: u128,
    pub to: Option<AccountId>,
    pub deadline: u64,
}

impl Swap {
    /// Sell exactly `amount` of `token_in`, any output accepted.
    pub fn exact_in(token_in: AccountId, amount: u128) -> Self {
        Swap {
            token_in,
            amount,
            limit: 0,
            to: None,
            deadline: FAR,
        }
    }

    /// Buy exactly `amount` of the other token, any cost accepted.
    pub fn exact_out(token_in: AccountId, amount: u128) -> Self {
        Swap {
            token_in,
            amount,
            limit: u128::MAX,
            to: None,
            deadline: FAR,
        }
    }
}

pub fn swap_exact_in(chain: &mut Chain, who: Actor, pool: AccountId, s: Swap) -> R<u128> {
    let to = s.to.unwrap_or(who.account());
    let call = at(pool)
        .call_mut()
        .swap_exact_in(s.token_in, s.amount, s.limit, to, s.deadline);
    chain.call(who, pool, call_data!(call))
}

pub fn swap_exact_out(chain: &mut Chain, who: Actor, pool: AccountId, s: Swap) -> R<u128> {
    let to = s.to.unwrap_or(who.account());
    let call = at(pool)
        .call_mut()
        .swap_exact_out(s.token_in, s.amount, s.limit, to, s.deadline);
    chain.call(who, pool, call_data!(call))
}

pub fn quote_exact_in(chain: &mut Chain, pool: AccountId, token_in: AccountId, amount: u128) -> R<Quote> {
    chain.call(
        crate::OWNER,
        pool,
        call_data!(at(pool).call().quote_exact_in(token_in, amount)),
    )
}

pub fn quote_exact_out(chain: &mut Chain, pool: AccountId, token_in: AccountId, amount: u128) -> R<Quote> {
    chain.call(
        crate::OWNER,
        pool,
        call_data!(at(pool).call().quote_exact_out(token_in, amount)),
    )
}

pub fn mid_price(chain: &mut Chain, pool: AccountId) -> R<u128> {
    chain.call(crate::OWNER, pool, call_data!(at(pool).call().mid_price()))
}

pub fn bid_ask(chain: &mut Chain, pool: AccountId, size: u128) -> R<(u128, u128)> {
    chain.call(crate::OWNER, pool, call_data!(at(pool).call().bid_ask(size)))
}

pub fn inventory(chain: &mut Chain, pool: AccountId) -> R<i128> {
    chain.call(crate::OWNER, pool, call_data!(at(pool).call().inventory()))
}

pub fn reserves(chain: &mut Chain, pool: AccountId) -> (u128, u128) {
    chain.call(crate::OWNER, pool, call_data!(at(pool).call().reserves()))
}

pub fn targets(chain: &mut Chain, pool: AccountId) -> R<(u128, u128)> {
    chain.call(crate::OWNER, pool, call_data!(at(pool).call().targets()))
}

pub fn curve_state(chain: &mut Chain, pool: AccountId) -> PoolState {
    chain.call(crate::OWNER, pool, call_data!(at(pool).call().curve_state()))
}

pub fn market_status(chain: &mut Chain, pool: AccountId) -> R<MarketStatus> {
    chain.call(crate::OWNER, pool, call_data!(at(pool).call().market_status()))
}

pub fn config(chain: &mut Chain, pool: AccountId) -> PoolConfig {
    chain.call(crate::OWNER, pool, call_data!(at(pool).call().config()))
}

pub fn shares(chain: &mut Chain, pool: AccountId, who: AccountId) -> u128 {
    chain.call(crate::OWNER, pool, call_data!(at(pool).call().balance_of(who)))
}

pub fn total_shares(chain: &mut Chain, pool: AccountId) -> u128 {
    chain.call(crate::OWNER, pool, call_data!(at(pool).call().total_supply()))
}

pub fn is_paused(chain: &mut Chain, pool: AccountId) -> bool {
    chain.call(crate::OWNER, pool, call_data!(at(pool).call().is_paused()))
}

pub fn owner(chain: &mut Chain, pool: AccountId) -> AccountId {
    chain.call(crate::OWNER, pool, call_data!(at(pool).call().owner()))
}

pub fn set_config(chain: &mut Chain, who: Actor, pool: AccountId, config: PoolConfig) -> R<()> {
    chain.call(who, pool, call_data!(at(pool).call_mut().set_config(config)))
}

pub fn pause(chain: &mut Chain, who: Actor, pool: AccountId) -> R<()> {
    chain.call(who, pool, call_data!(at(pool).call_mut().set_paused(true)))
}

pub fn unpause(chain: &mut Chain, who: Actor, pool: AccountId) -> R<()> {
    chain.call(who, pool, call_data!(at(pool).call_mut().set_paused(false)))
}

pub fn transfer_ownership(chain: &mut Chain, who: Actor, pool: AccountId, new_owner: AccountId) -> R<()> {
    chain.call(
        who,
        pool,
        call_data!(at(pool).call_mut().transfer_ownership(new_owner)),
    )
}

pub fn set_code(chain: &mut Chain, who: Actor, pool: AccountId, code_hash: Hash) -> R<()> {
    chain.call(who, pool, call_data!(at(pool).call_mut().set_code(code_hash)))
}

/// Calls `rebalance(epoch, FAR)` as `who` (the keeper, who earns the bounty).
pub fn rebalance(chain: &mut Chain, who: Actor, pool: AccountId, epoch: u64) -> R<RebalanceOutcome> {
    chain.call(who, pool, call_data!(at(pool).call_mut().rebalance(epoch, FAR)))
}

pub fn rebalance_status(chain: &mut Chain, pool: AccountId) -> RebalanceStatus {
    chain.call(crate::OWNER, pool, call_data!(at(pool).call().rebalance_status()))
}
