use ink::primitives::AccountId;
use keel_curve::{CurveParams, RebalanceParams};

/// Longest oracle age a pool may be configured to accept (one hour).
pub const MAX_ORACLE_AGE_CEIL_MS: u64 = 3_600_000;

/// The pool's owner-set configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct PoolConfig {
    /// Curve shape, fee schedule, price band and inventory bound.
    pub curve: CurveParams,
    /// Swaps are refused when the oracle's reading is older than this (milliseconds).
    pub max_oracle_age_ms: u64,
    /// When and how inventory is rebalanced on `venue`.
    pub rebalance: RebalanceParams,
    /// The market `rebalance` sells excess inventory on; `None` disables rebalancing.
    pub venue: Option<AccountId>,
}

impl Default for PoolConfig {
    fn default() -> Self {
        PoolConfig {
            curve: CurveParams::default(),
            max_oracle_age_ms: 60_000,
            rebalance: RebalanceParams::default(),
            venue: None,
        }
    }
}

impl PoolConfig {
    /// Whether every value is within its hard bound.
    pub fn is_valid(&self) -> bool {
        self.curve.validate().is_ok()
            && self.rebalance.validate().is_ok()
            && (1..=MAX_ORACLE_AGE_CEIL_MS).contains(&self.max_oracle_age_ms)
    }
}

/// A priced swap, as a wallet shows it before signing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct Quote {
    /// Paid by the trader, fee included.
    pub amount_in: u128,
    /// Paid to the trader.
    pub amount_out: u128,
    /// Part of `amount_in` kept by the pool for its LPs.
    pub fee: u128,
    /// Marginal price of base in quote (1e18) after the trade.
    pub price_after: u128,
    /// Inventory imbalance `q` (1e18, positive = long base) after the trade.
    pub inventory_after: i128,
}

/// What the pool reads from its oracle and the prices it derives, as a wallet shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct MarketStatus {
    /// Oracle price, quote per base, 1e18.
    pub price: u128,
    /// Oracle annualised volatility, 1e18.
    pub volatility: u128,
    /// When the reading was taken (ms).
    pub timestamp: u64,
    /// Milliseconds between the reading and the current block.
    pub age_ms: u64,
    /// The curve's `k` now (1e18).
    pub k: u128,
    /// The fee now (1e18; 0.001e18 = 10 bps).
    pub fee: u128,
    /// Whether the reading is older than `max_oracle_age_ms`, so swaps are refused.
    pub stale: bool,
}

/// Where the pool's rebalancing stands, as keepers read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct RebalanceStatus {
    /// Rebalances so far; `rebalance` must be called with this value, so two keepers racing for
    /// the same rebalance cannot both execute it.
    pub epoch: u64,
    /// Block time of the last rebalance (ms), zero before the first.
    pub last_ms: u64,
    /// The most bounties may still pay, in quote: the fees swaps have earned (valued at the oracle
    /// when paid in base), less bounties paid, scaled down as liquidity leaves. The fees stay in
    /// the reserves; this only bounds what bounties may take from them.
    pub bounty_budget: u128,
}

/// What a rebalance did (also emitted as `Rebalanced`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct RebalanceOutcome {
    /// The epoch after this rebalance.
    pub epoch: u64,
    pub token_sold: AccountId,
    pub sold: u128,
    pub bought: u128,
    /// Paid to the caller, in quote.
    pub bounty: u128,
    pub q_before: i128,
    pub q_after: i128,
}
