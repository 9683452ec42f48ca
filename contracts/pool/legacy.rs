//! Layout 1's book, as pools deployed before price discovery between readings store it. The
//! `from-layout-1` build reads such a pool's storage and moves it forward in `migrate`; the
//! shipped build only names it in its metadata, and refuses to upgrade a pool in it.
//! (Tag 2 is today's book. The layout-1 release's test-only `layout-next` build wrote another
//! shape under tag 2; it was never released and its storage is not read here.)

use crate::book::{BookV2, OracleFeed};
use ink::primitives::AccountId;
use keel_core::pool::PricedK;
use keel_core::{CurveParams, Discovery, PoolState, RebalanceParams};
use keel_interface::pool::{PoolConfig, RebalanceStatus};

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
    rebalance: RebalanceParams,
    venue: Option<AccountId>,
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
    /// default guard, and an empty flow record.
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
            guard: CurveParams::default().guard,
        };
        BookV2 {
            owner: self.owner,
            pending_owner: self.pending_owner,
            base: self.base,
            quote: self.quote,
            price_feed: self.price_feed.clone(),
            config: PoolConfig {
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
