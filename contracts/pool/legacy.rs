//! The books of earlier layouts: layout 1, as pools deployed before price discovery between
//! readings store it, and layout 2, as pools deployed before the adaptive band store it. The
//! `from-earlier` build reads such a pool's storage and moves it forward in `migrate`; the
//! shipped build only names them in its metadata, and refuses to upgrade a pool in either.
//! (The layout-1 release's test-only `layout-next` build wrote another shape under tag 2, and
//! the layout-2 release's one under tag 3; neither was released, and neither is read here.)

use crate::book::{BookV3, OracleFeed};
use ink::primitives::AccountId;
use keel_core::pool::PricedK;
use keel_core::{CurveParams, Discovery, PoolState, RebalanceParams};
use keel_interface::pool::{PoolConfig, RebalanceStatus};

/// Layouts 1 and 2's rebalancing parameters: today's without `cost_bps`.
#[derive(Debug, Clone, Copy)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct RebalanceParamsV1 {
    trigger: u128,
    target: u128,
    cooldown_ms: u64,
    max_venue_slippage_bps: u32,
    bounty_bps: u32,
    bounty_cap: u128,
}

impl RebalanceParamsV1 {
    /// The same parameters with a fixed band (`cost_bps` zero), as the pool rebalanced before.
    fn upgrade(&self) -> RebalanceParams {
        RebalanceParams {
            trigger: self.trigger,
            target: self.target,
            cooldown_ms: self.cooldown_ms,
            max_venue_slippage_bps: self.max_venue_slippage_bps,
            bounty_bps: self.bounty_bps,
            bounty_cap: self.bounty_cap,
            cost_bps: 0,
        }
    }
}

/// Layout 1's curve parameters: today's without `discovery_depth` and `guard`.
#[derive(Debug, Clone)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct CurveParamsV1 {
    k_base: u128,
    k_min: u128,
    k_max: u128,
    gamma: u128,
    tau_ms: u64,
    fee_base: u128,
    fee_vol: u128,
    fee_min: u128,
    fee_max: u128,
    block_time_ms: u64,
    max_skew: u128,
    q_max: u128,
    k_ramp: u128,
}

/// Layout 1's configuration: today's, around layout 1's curve parameters.
#[derive(Debug, Clone)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct PoolConfigV1 {
    curve: CurveParamsV1,
    max_oracle_age_ms: u64,
    rebalance: RebalanceParamsV1,
    venue: Option<AccountId>,
}

/// Layout 2's configuration: today's, around layouts 1 and 2's rebalancing parameters.
#[derive(Debug, Clone)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct PoolConfigV2 {
    curve: CurveParams,
    max_oracle_age_ms: u64,
    rebalance: RebalanceParamsV1,
    venue: Option<AccountId>,
}

/// Everything a layout-2 pool keeps but its shares.
#[derive(Debug, Clone)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct BookV2 {
    owner: AccountId,
    pending_owner: Option<AccountId>,
    base: AccountId,
    quote: AccountId,
    price_feed: OracleFeed,
    config: PoolConfigV2,
    state: PoolState,
    paused: bool,
    rebalancing: RebalanceStatus,
    priced_k: PricedK,
    discovery: Discovery,
}

impl BookV2 {
    /// The book in layout 3: the same pool with a fixed band (`cost_bps` zero), as it rebalanced
    /// before, until its owner sets a cost with `set_config`.
    pub fn upgrade(&self) -> BookV3 {
        let c = &self.config;
        BookV3 {
            owner: self.owner,
            pending_owner: self.pending_owner,
            base: self.base,
            quote: self.quote,
            price_feed: self.price_feed.clone(),
            config: PoolConfig {
                curve: c.curve,
                max_oracle_age_ms: c.max_oracle_age_ms,
                rebalance: c.rebalance.upgrade(),
                venue: c.venue,
            },
            state: self.state,
            paused: self.paused,
            rebalancing: self.rebalancing,
            priced_k: self.priced_k,
            discovery: self.discovery,
        }
    }
}

/// Everything a layout-1 pool keeps but its shares.
#[derive(Debug, Clone)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct BookV1 {
    pub(crate) owner: AccountId,
    pending_owner: Option<AccountId>,
    base: AccountId,
    quote: AccountId,
    price_feed: OracleFeed,
    config: PoolConfigV1,
    state: PoolState,
    paused: bool,
    rebalancing: RebalanceStatus,
    priced_k: PricedK,
}

impl BookV1 {
    /// The book in layout 2: the same pool with discovery between readings off (it priced at the
    /// oracle and keeps doing so until its owner turns discovery on with `set_config`) and the
    /// guard of `CurveParams::without_discovery`, and an empty flow record.
    pub fn upgrade(&self) -> BookV2 {
        let c = &self.config.curve;
        let curve = CurveParams {
            k_base: c.k_base,
            k_min: c.k_min,
            k_max: c.k_max,
            gamma: c.gamma,
            tau_ms: c.tau_ms,
            fee_base: c.fee_base,
            fee_vol: c.fee_vol,
            fee_min: c.fee_min,
            fee_max: c.fee_max,
            block_time_ms: c.block_time_ms,
            max_skew: c.max_skew,
            q_max: c.q_max,
            k_ramp: c.k_ramp,
            discovery_depth: 0,
            guard: CurveParams::without_discovery().guard,
        };
        BookV2 {
            owner: self.owner,
            pending_owner: self.pending_owner,
            base: self.base,
            quote: self.quote,
            price_feed: self.price_feed.clone(),
            config: PoolConfigV2 {
                curve,
                max_oracle_age_ms: self.config.max_oracle_age_ms,
                rebalance: self.config.rebalance,
                venue: self.config.venue,
            },
            state: self.state,
            paused: self.paused,
            rebalancing: self.rebalancing,
            priced_k: self.priced_k,
            discovery: Discovery::default(),
        }
    }
}
