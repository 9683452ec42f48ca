//! Calls to the pool contract, with argument structs for the calls that take many numbers.

use crate::{Actor, Sandbox, FAR};
use ink::primitives::{AccountId, Hash};
use keel_calls::{ToMessage, PSP22};
use keel_core::PoolState;
use keel_interface::pool::{
    Leg, MarketStatus, PoolConfig, PoolError, Quote, RebalanceOutcome, RebalanceStatus,
};
use keel_interface::FeedId;

type R<T> = Result<T, PoolError>;

/// What a pool is deployed with.
#[derive(Clone, Copy, Debug)]
pub struct PoolSetup {
    pub base: AccountId,
    pub quote: AccountId,
    pub oracle: AccountId,
    pub feed: FeedId,
    pub config: PoolConfig,
}

pub fn deploy(chain: &mut Sandbox, owner: Actor, setup: PoolSetup) -> R<AccountId> {
    deploy_code(chain, owner, setup, &crate::chain::bundles().pool.wasm)
}

/// Deploys a pool from `wasm` instead of the build in `target/ink`: another version of the
/// pool, taking the same constructor and messages (the gas report's baseline).
pub fn deploy_code(chain: &mut Sandbox, owner: Actor, setup: PoolSetup, wasm: &[u8]) -> R<AccountId> {
    let ctor =
        keel_calls::constructors::pool(setup.base, setup.quote, setup.oracle, setup.feed, setup.config);
    chain
        .deploy(wasm, ctor, owner)
        .unwrap_or_else(|e| panic!("pool deployment failed: {e:?}"))
}

/// A release of the pool kept in `tests/fixtures`: the code a deployed pool upgrades from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Release {
    /// Storage layout 1, before discovery between readings (commit 6ec1610).
    Layout1,
    /// Storage layout 2, before the adaptive band (commit 0b006dc).
    Layout2,
}

impl Release {
    /// The storage layout its pools are in.
    pub fn layout(self) -> u32 {
        match self {
            Release::Layout1 => 1,
            Release::Layout2 => 2,
        }
    }

    /// The commit it was compiled from.
    pub fn commit(self) -> &'static str {
        match self {
            Release::Layout1 => "6ec1610",
            Release::Layout2 => "0b006dc",
        }
    }

    /// Its compiled Wasm.
    pub fn wasm(self) -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!(
            "../../tests/fixtures/keel_pool_layout{}.wasm",
            self.layout()
        ));
        std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }
}

/// Deploys `release` of the pool. Its constructor takes that release's configuration: today's
/// without the fields it lacks, so the call data is today's constructor's with them cut out of
/// the encoded configuration: the rebalancing's `cost_bps` (its last 4 bytes) for both, and the
/// curve's `discovery_depth` and `guard` (its last 32) for layout 1.
pub fn deploy_release(chain: &mut Sandbox, owner: Actor, setup: PoolSetup, release: Release) -> R<AccountId> {
    use parity_scale_codec::Encode;
    let today =
        keel_calls::constructors::pool(setup.base, setup.quote, setup.oracle, setup.feed, setup.config);
    let head = 4 + (setup.base, setup.quote, setup.oracle, setup.feed).encoded_size();
    let curve_end = head + setup.config.curve.encoded_size();
    let rebalance_end =
        curve_end + setup.config.max_oracle_age_ms.encoded_size() + setup.config.rebalance.encoded_size();
    let mut data = today.into_data();
    let cost: Vec<u8> = data.drain(rebalance_end - 4..rebalance_end).collect();
    assert_eq!(
        cost,
        setup.config.rebalance.cost_bps.encode(),
        "the rebalancing's last 4 bytes are the field layouts 1 and 2 lack"
    );
    if release == Release::Layout1 {
        let cut: Vec<u8> = data.drain(curve_end - 32..curve_end).collect();
        let added = (setup.config.curve.discovery_depth, setup.config.curve.guard).encode();
        assert_eq!(
            cut, added,
            "the curve's last 32 bytes are the fields layout 1 lacks"
        );
    }
    chain
        .deploy_data(&release.wasm(), data, owner)
        .unwrap_or_else(|e| panic!("{release:?} pool deployment failed: {e:?}"))
}

/// A deposit; `to` defaults to the provider.
#[derive(Clone, Copy, Debug)]
pub struct PoolDeposit {
    pub base_max: u128,
    pub quote_max: u128,
    pub min_shares: u128,
    pub to: Option<AccountId>,
    pub deadline: u64,
}

impl PoolDeposit {
    pub fn of(base_max: u128, quote_max: u128) -> Self {
        PoolDeposit {
            base_max,
            quote_max,
            min_shares: 0,
            to: None,
            deadline: FAR,
        }
    }
}

pub fn add_liquidity(
    chain: &mut Sandbox,
    who: Actor,
    pool: AccountId,
    d: PoolDeposit,
) -> R<(u128, u128, u128)> {
    let to = d.to.unwrap_or(who.account());
    let call = keel_calls::pool(pool).add_liquidity(d.base_max, d.quote_max, d.min_shares, to, d.deadline);
    chain.call(who, pool, call.message())
}

/// A withdrawal; `to` defaults to the provider.
#[derive(Clone, Copy, Debug)]
pub struct PoolWithdraw {
    pub shares: u128,
    pub min_base: u128,
    pub min_quote: u128,
    pub to: Option<AccountId>,
    pub deadline: u64,
}

impl PoolWithdraw {
    pub fn of(shares: u128) -> Self {
        PoolWithdraw {
            shares,
            min_base: 0,
            min_quote: 0,
            to: None,
            deadline: FAR,
        }
    }
}

pub fn remove_liquidity(
    chain: &mut Sandbox,
    who: Actor,
    pool: AccountId,
    w: PoolWithdraw,
) -> R<(u128, u128)> {
    let to = w.to.unwrap_or(who.account());
    let call = keel_calls::pool(pool).remove_liquidity(w.shares, w.min_base, w.min_quote, to, w.deadline);
    chain.call(who, pool, call.message())
}

/// A swap: `amount` is the input for exact-in and the output for exact-out; `limit` is
/// `min_out` or `max_in`; `to` defaults to the trader.
#[derive(Clone, Copy, Debug)]
pub struct PoolSwap {
    pub token_in: AccountId,
    pub amount: u128,
    pub limit: u128,
    pub to: Option<AccountId>,
    pub deadline: u64,
}

impl PoolSwap {
    /// Sell exactly `amount` of `token_in`, any output accepted.
    pub fn exact_in(token_in: AccountId, amount: u128) -> Self {
        PoolSwap {
            token_in,
            amount,
            limit: 0,
            to: None,
            deadline: FAR,
        }
    }

    /// Buy exactly `amount` of the other token, any cost accepted.
    pub fn exact_out(token_in: AccountId, amount: u128) -> Self {
        PoolSwap {
            token_in,
            amount,
            limit: u128::MAX,
            to: None,
            deadline: FAR,
        }
    }
}

pub fn swap_exact_in(chain: &mut Sandbox, who: Actor, pool: AccountId, s: PoolSwap) -> R<u128> {
    let to = s.to.unwrap_or(who.account());
    let call = keel_calls::pool(pool).swap_exact_in(s.token_in, s.amount, s.limit, to, s.deadline);
    chain.call(who, pool, call.message())
}

pub fn swap_exact_out(chain: &mut Sandbox, who: Actor, pool: AccountId, s: PoolSwap) -> R<u128> {
    let to = s.to.unwrap_or(who.account());
    let call = keel_calls::pool(pool).swap_exact_out(s.token_in, s.amount, s.limit, to, s.deadline);
    chain.call(who, pool, call.message())
}

pub fn quote_exact_in(chain: &mut Sandbox, pool: AccountId, token_in: AccountId, amount: u128) -> R<Quote> {
    chain.call(
        crate::OWNER,
        pool,
        keel_calls::pool(pool).quote_exact_in(token_in, amount).message(),
    )
}

pub fn quote_exact_out(chain: &mut Sandbox, pool: AccountId, token_in: AccountId, amount: u128) -> R<Quote> {
    chain.call(
        crate::OWNER,
        pool,
        keel_calls::pool(pool).quote_exact_out(token_in, amount).message(),
    )
}

pub fn mid_price(chain: &mut Sandbox, pool: AccountId) -> R<u128> {
    chain.call(crate::OWNER, pool, keel_calls::pool(pool).mid_price().message())
}

pub fn bid_ask(chain: &mut Sandbox, pool: AccountId, size: u128) -> R<(u128, u128)> {
    chain.call(crate::OWNER, pool, keel_calls::pool(pool).bid_ask(size).message())
}

pub fn inventory(chain: &mut Sandbox, pool: AccountId) -> R<i128> {
    chain.call(crate::OWNER, pool, keel_calls::pool(pool).inventory().message())
}

pub fn reserves(chain: &mut Sandbox, pool: AccountId) -> (u128, u128) {
    chain.call(crate::OWNER, pool, keel_calls::pool(pool).reserves().message())
}

pub fn targets(chain: &mut Sandbox, pool: AccountId) -> R<(u128, u128)> {
    chain.call(crate::OWNER, pool, keel_calls::pool(pool).targets().message())
}

pub fn curve_state(chain: &mut Sandbox, pool: AccountId) -> PoolState {
    chain.call(crate::OWNER, pool, keel_calls::pool(pool).curve_state().message())
}

pub fn market_status(chain: &mut Sandbox, pool: AccountId) -> R<MarketStatus> {
    chain.call(
        crate::OWNER,
        pool,
        keel_calls::pool(pool).market_status().message(),
    )
}

pub fn config(chain: &mut Sandbox, pool: AccountId) -> PoolConfig {
    chain.call(crate::OWNER, pool, keel_calls::pool(pool).config().message())
}

pub fn shares(chain: &mut Sandbox, pool: AccountId, who: AccountId) -> u128 {
    chain.call(
        crate::OWNER,
        pool,
        keel_calls::pool(pool).balance_of(who).message(),
    )
}

pub fn total_shares(chain: &mut Sandbox, pool: AccountId) -> u128 {
    chain.call(
        crate::OWNER,
        pool,
        keel_calls::pool(pool).total_supply().message(),
    )
}

pub fn is_paused(chain: &mut Sandbox, pool: AccountId) -> bool {
    chain.call(crate::OWNER, pool, keel_calls::pool(pool).is_paused().message())
}

pub fn owner(chain: &mut Sandbox, pool: AccountId) -> AccountId {
    chain.call(crate::OWNER, pool, keel_calls::pool(pool).owner().message())
}

pub fn set_config(chain: &mut Sandbox, who: Actor, pool: AccountId, config: PoolConfig) -> R<()> {
    chain.call(who, pool, keel_calls::pool(pool).set_config(config).message())
}

pub fn pause(chain: &mut Sandbox, who: Actor, pool: AccountId) -> R<()> {
    chain.call(who, pool, keel_calls::pool(pool).set_paused(true).message())
}

pub fn unpause(chain: &mut Sandbox, who: Actor, pool: AccountId) -> R<()> {
    chain.call(who, pool, keel_calls::pool(pool).set_paused(false).message())
}

pub fn transfer_ownership(chain: &mut Sandbox, who: Actor, pool: AccountId, new_owner: AccountId) -> R<()> {
    chain.call(
        who,
        pool,
        keel_calls::pool(pool).transfer_ownership(new_owner).message(),
    )
}

pub fn accept_ownership(chain: &mut Sandbox, who: Actor, pool: AccountId) -> R<()> {
    chain.call(who, pool, keel_calls::pool(pool).accept_ownership().message())
}

pub fn pending_owner(chain: &mut Sandbox, pool: AccountId) -> Option<AccountId> {
    chain.call(
        crate::OWNER,
        pool,
        keel_calls::pool(pool).pending_owner().message(),
    )
}

pub fn set_code(chain: &mut Sandbox, who: Actor, pool: AccountId, code_hash: Hash) -> R<()> {
    chain.call(who, pool, keel_calls::pool(pool).set_code(code_hash).message())
}

pub fn migrate(chain: &mut Sandbox, who: Actor, pool: AccountId) -> R<u32> {
    chain.call(who, pool, keel_calls::pool(pool).migrate().message())
}

/// The storage layout the pool is in.
pub fn layout(chain: &mut Sandbox, pool: AccountId) -> u32 {
    chain.call(crate::OWNER, pool, keel_calls::pool(pool).layout().message())
}

/// The storage layout the pool's code reads and writes.
pub fn code_layout(chain: &mut Sandbox, pool: AccountId) -> u32 {
    chain.call(crate::OWNER, pool, keel_calls::pool(pool).code_layout().message())
}

/// Calls `rebalance(epoch, FAR)` as `who` (the keeper, who earns the bounty).
pub fn rebalance(chain: &mut Sandbox, who: Actor, pool: AccountId, epoch: u64) -> R<RebalanceOutcome> {
    chain.call(who, pool, keel_calls::pool(pool).rebalance(epoch, FAR).message())
}

/// Calls `rebalance_split(epoch, legs, FAR)` as `who`.
pub fn rebalance_split(
    chain: &mut Sandbox,
    who: Actor,
    pool: AccountId,
    epoch: u64,
    legs: &[Leg],
) -> R<RebalanceOutcome> {
    chain.call(
        who,
        pool,
        keel_calls::pool(pool)
            .rebalance_split(epoch, legs.to_vec(), FAR)
            .message(),
    )
}

pub fn set_venues(chain: &mut Sandbox, who: Actor, pool: AccountId, venues: &[AccountId]) -> R<()> {
    chain.call(
        who,
        pool,
        keel_calls::pool(pool).set_venues(venues.to_vec()).message(),
    )
}

/// The venues the pool rebalances on, the configured one first.
pub fn venues(chain: &mut Sandbox, pool: AccountId) -> Vec<AccountId> {
    chain.call(crate::OWNER, pool, keel_calls::pool(pool).venues().message())
}

pub fn rebalance_status(chain: &mut Sandbox, pool: AccountId) -> RebalanceStatus {
    chain.call(
        crate::OWNER,
        pool,
        keel_calls::pool(pool).rebalance_status().message(),
    )
}
