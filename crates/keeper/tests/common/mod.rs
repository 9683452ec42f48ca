//! A pool view built with the pool's own curve math, shared by the keeper's test files.

use ink::primitives::AccountId;
use keel_core::math::Rounding;
use keel_core::{PoolState, Regime, ONE};
use keel_interface::pool::{MarketStatus, PoolConfig, RebalanceStatus, VenueDepth};
use keel_keeper::decide::PoolView;

pub const PRICE: u128 = 10 * ONE;
pub const K: u128 = ONE / 4;
pub const NOW: u64 = 1_000_000_000;
/// A constant-product venue at the oracle price, ten times the pool's depth, charging 0.3%.
pub const VENUE: VenueDepth = VenueDepth {
    reserve_in: 1_000_000 * ONE,
    reserve_out: 10_000_000 * ONE,
    fee_bps: 30,
};

/// A pool holding `excess` extra base (sold to it at about the oracle price), with [`VENUE`], a
/// six-second-old oracle reading, epoch 3 and a bounty budget of 1,000 quote.
pub fn view(excess: u128) -> PoolView {
    let balanced = PoolState::balanced(100_000 * ONE, 1_000_000 * ONE);
    let state = if excess == 0 {
        balanced
    } else {
        PoolState {
            base_reserve: balanced.base_reserve + excess,
            quote_reserve: balanced.quote_reserve - excess * 9,
            regime: Regime::QuoteShort,
            ..balanced
        }
        .equilibrate(PRICE, K, Rounding::Down)
        .expect("state")
    };
    PoolView {
        state,
        market: MarketStatus {
            price: PRICE,
            volatility: ONE / 2,
            timestamp: NOW - 6_000,
            age_ms: 6_000,
            k: K,
            k_target: K,
            fee: ONE / 1_000,
            stale: false,
            drift: 0,
            reference: PRICE,
            guard_fee: 0,
        },
        config: PoolConfig {
            venue: Some(AccountId::from([9; 32])),
            ..PoolConfig::default()
        },
        rebalancing: RebalanceStatus {
            epoch: 3,
            last_ms: NOW - 600_000,
            bounty_budget: 1_000 * ONE,
            continuing: None,
        },
        paused: false,
        total_shares: 1_000_000 * ONE,
        venue_depth: Some(VENUE),
        more_venues: [None; 3],
    }
}
