//! The pool's state machine: every rule of Keel's pool as pure transitions on its [`Ledger`].
//!
//! A transition takes the ledger, the configuration, the block time and where the oracle reading
//! comes from ([`Feed`]), checks every rule in a fixed order and returns the ledger it leaves; a
//! refusal leaves nothing changed, because nothing is written until the caller stores the result.
//! The pool contract is these transitions plus storage, token moves, events and access control;
//! the simulator runs the same transitions in memory, so chain and simulation cannot disagree.
//!
//! Accounts appear only as a type parameter (`A`: the venue in [`PoolConfig`], the token in
//! [`RebalanceOutcome`]), so another contract platform's shell can reuse this module unchanged.

mod market;
mod ramp;
mod rebalance;
mod shares;
mod swap;

pub use crate::anchor::SwapKind;
pub use market::MAX_ORACLE_AGE_CEIL_MS;
pub use ramp::PricedK;
pub use rebalance::RebalanceStep;

use crate::oracle::{OracleData, OracleError};
use crate::rebalance::VenueDepth;
use crate::{Asset, CurveError, CurveParams, Discovery, PoolState, RebalanceParams};

/// The pool's owner-set configuration; `A` is the chain's account type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "scale",
    derive(parity_scale_codec::Encode, parity_scale_codec::Decode, scale_info::TypeInfo)
)]
#[cfg_attr(
    all(feature = "ink", feature = "std"),
    derive(ink::storage::traits::StorageLayout)
)]
pub struct PoolConfig<A> {
    /// Curve shape, fee schedule, price band and inventory bound.
    pub curve: CurveParams,
    /// Swaps are refused when the oracle's reading is older than this (milliseconds).
    pub max_oracle_age_ms: u64,
    /// When and how inventory is rebalanced on `venue`.
    pub rebalance: RebalanceParams,
    /// The market `rebalance` sells excess inventory on; `None` disables rebalancing.
    pub venue: Option<A>,
}

impl<A> Default for PoolConfig<A> {
    fn default() -> Self {
        PoolConfig {
            curve: CurveParams::default(),
            max_oracle_age_ms: 60_000,
            rebalance: RebalanceParams::default(),
            venue: None,
        }
    }
}

impl<A> PoolConfig<A> {
    /// Whether every value is within its hard bound.
    pub fn is_valid(&self) -> bool {
        self.curve.validate().is_ok()
            && self.rebalance.validate().is_ok()
            && (1..=MAX_ORACLE_AGE_CEIL_MS).contains(&self.max_oracle_age_ms)
            && (!self.curve.discovers() || self.max_oracle_age_ms <= discovery_reach_ms(&self.curve))
            && self.rebalance.cooldown_ms >= self.curve.block_time_ms
    }
}

/// How far back the discovery's record reaches for a pool with `curve`: one block short of its
/// marks. A pool that accepted older readings would take flow that left the record as known, so
/// trades spread over more blocks than it holds could reset the reference to a stale oracle; with
/// discovery on, `max_oracle_age_ms` must stay within this.
pub fn discovery_reach_ms(curve: &CurveParams) -> u64 {
    let blocks = u64::try_from(crate::discovery::MARKS.saturating_sub(1)).unwrap_or(u64::MAX);
    curve.block_time_ms.saturating_mul(blocks)
}

/// A priced swap, as a wallet shows it before signing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "scale",
    derive(parity_scale_codec::Encode, parity_scale_codec::Decode, scale_info::TypeInfo)
)]
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
#[cfg_attr(
    feature = "scale",
    derive(parity_scale_codec::Encode, parity_scale_codec::Decode, scale_info::TypeInfo)
)]
pub struct MarketStatus {
    /// Oracle price, quote per base, 1e18.
    pub price: u128,
    /// Oracle annualised volatility, 1e18.
    pub volatility: u128,
    /// When the reading was taken (ms).
    pub timestamp: u64,
    /// Milliseconds between the reading and the current block.
    pub age_ms: u64,
    /// The curve's `k` now (1e18), on its way to `k_target` by at most one `k_ramp` step per
    /// priced transaction and per 6 s.
    pub k: u128,
    /// The `k` the volatility and the configuration ask for (1e18).
    pub k_target: u128,
    /// The fee now (1e18; 0.001e18 = 10 bps).
    pub fee: u128,
    /// Whether the reading is older than `max_oracle_age_ms`, so swaps are refused.
    pub stale: bool,
    /// The pool's reference's offset from the oracle's price (1e18 relative, negative below it):
    /// the discovery from the flow since the reading was observed, within the price band.
    pub drift: i128,
    /// The reference price a vanishing trade meets now (quote per base, 1e18).
    pub reference: u128,
    /// The guard fee on top of `fee` at the current drift (1e18).
    pub guard_fee: u128,
}

/// Where the pool's rebalancing stands, as keepers read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(
    feature = "scale",
    derive(parity_scale_codec::Encode, parity_scale_codec::Decode, scale_info::TypeInfo)
)]
#[cfg_attr(
    all(feature = "ink", feature = "std"),
    derive(ink::storage::traits::StorageLayout)
)]
pub struct RebalanceStatus {
    /// Rebalances so far; `rebalance` must be called with this value, so two keepers racing for
    /// the same rebalance cannot both execute it.
    pub epoch: u64,
    /// Block time of the last rebalance (ms), zero before the first.
    pub last_ms: u64,
    /// The most bounties may still pay, in quote: the fees swaps have earned (valued at the oracle
    /// when paid in base), less bounties paid, scaled with the share supply as liquidity comes and
    /// goes. The fees stay in the reserves; this only bounds what bounties may take from them.
    pub bounty_budget: u128,
    /// The token the last rebalance was selling when it sold a slice short of the target: while
    /// the pool is still long that token, and for [`CONTINUE_COOLDOWNS`] cooldowns after that
    /// slice, the next slice is due down to the target, not only past the trigger.
    pub continuing: Option<Asset>,
}

/// How many cooldowns after a partial slice the next one stays due below the trigger: long enough
/// for a late keeper, short enough that the band's hysteresis returns.
pub const CONTINUE_COOLDOWNS: u64 = 10;

impl RebalanceStatus {
    /// The token a sliced rebalance still sells at `now_ms` (see [`RebalanceStatus::continuing`]).
    pub fn continuing_at(&self, now_ms: u64, cooldown_ms: u64) -> Option<Asset> {
        let until = self
            .last_ms
            .saturating_add(cooldown_ms.saturating_mul(CONTINUE_COOLDOWNS));
        self.continuing.filter(|_| now_ms <= until)
    }
}

/// What a rebalance did (also emitted as `Rebalanced`); `T` names the token sold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "scale",
    derive(parity_scale_codec::Encode, parity_scale_codec::Decode, scale_info::TypeInfo)
)]
pub struct RebalanceOutcome<T> {
    /// The epoch after this rebalance.
    pub epoch: u64,
    pub token_sold: T,
    pub sold: u128,
    pub bought: u128,
    /// Paid to the caller, in quote.
    pub bounty: u128,
    pub q_before: i128,
    pub q_after: i128,
}

impl<T> RebalanceOutcome<T> {
    /// The same outcome with the token sold named another way (an asset as an address).
    pub fn naming<U>(self, token_sold: U) -> RebalanceOutcome<U> {
        RebalanceOutcome {
            epoch: self.epoch,
            token_sold,
            sold: self.sold,
            bought: self.bought,
            bounty: self.bounty,
            q_before: self.q_before,
            q_after: self.q_after,
        }
    }
}

/// Why the pool's rules refused a transition. The pool contract reports each as the variant of
/// its own error with the same name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// An amount is zero.
    ZeroAmount,
    /// The pool has no liquidity yet.
    NoLiquidity,
    /// The swap would pay less than `min_out` or cost more than `max_in`.
    SlippageExceeded,
    /// The deposit would mint fewer than `min_shares`.
    MinSharesNotMet,
    /// The withdrawal would pay less than `min_base` or `min_quote`.
    MinAmountsNotMet,
    /// The caller holds fewer shares than it tried to burn.
    InsufficientShares,
    /// The oracle's latest reading is older than `max_oracle_age_ms`.
    OracleStale,
    /// The oracle returned a price outside the pool's bounds, or a reading stamped after the
    /// block. (A volatility past the ceiling is priced at the ceiling, not refused.)
    OracleInvalid,
    /// The oracle refused the read.
    Oracle(OracleError),
    /// The oracle could not be called (wrong address, trapped).
    OracleCallFailed,
    /// The curve refused the trade or deposit.
    Curve(CurveError),
    /// `|q|` is below the rebalance trigger.
    RebalanceNotDue,
    /// The last rebalance was less than `cooldown_ms` ago.
    RebalanceCooldown,
    /// The caller's `epoch` is not the pool's current one: another rebalance landed first.
    StaleEpoch,
    /// No venue is configured, so the pool cannot rebalance.
    NoVenue,
    /// The venue could not be read, or paid the pool less than the rebalance's `min_out`.
    VenueCallFailed,
    /// A split rebalance with no legs, more legs than venues, or a leg on a venue the pool does
    /// not list (or lists twice).
    InvalidSplit,
    /// A split rebalance's leg is over its venue's cap, or its total over the excess.
    SplitTooLarge,
    /// A split rebalance is expected to pay less than filling the cheapest venues first would,
    /// or a leg sells a unit for less than the configured venue's slice alone would.
    CostlierSplit,
    /// A split rebalance sells less than `rebalance` on the configured venue would.
    SplitTooSmall,
}

impl From<CurveError> for Refusal {
    fn from(e: CurveError) -> Self {
        Refusal::Curve(e)
    }
}

/// Where a transition gets the oracle's reading. It is asked at most once per transition, and
/// swaps, deposits and rebalances ask only after their argument checks, so a malformed call does
/// not pay for an oracle read.
pub trait Feed {
    /// The latest reading of the pool's feed.
    ///
    /// # Errors
    /// [`Refusal::Oracle`] when the oracle refuses the read, [`Refusal::OracleCallFailed`] when
    /// it cannot be reached.
    fn read(&self) -> Result<OracleData, Refusal>;
}

/// A reading already in hand (the simulator's oracle, a test's).
impl Feed for OracleData {
    fn read(&self) -> Result<OracleData, Refusal> {
        Ok(*self)
    }
}

/// Where a rebalance learns its venue's depth for the token it sells; asked once, after every
/// other check has passed.
pub trait Depth<A> {
    /// `venue`'s reserves of `sell` and of the other token, and its fee.
    ///
    /// # Errors
    /// [`Refusal::VenueCallFailed`] when the venue cannot be read.
    fn depth(&self, venue: A, sell: Asset) -> Result<VenueDepth, Refusal>;
}

/// A depth already in hand, whichever venue is asked (a test's).
impl<A> Depth<A> for VenueDepth {
    fn depth(&self, _venue: A, _sell: Asset) -> Result<VenueDepth, Refusal> {
        Ok(*self)
    }
}

/// The pool's books: what its rules read and write.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ledger {
    /// Reserves, targets and which side is short.
    pub state: PoolState,
    pub rebalancing: RebalanceStatus,
    /// LP shares in existence, the locked ones included.
    pub total_shares: u128,
    /// The `k` the last priced transition used, where `k`'s ramp continues from.
    pub priced_k: PricedK,
    /// The flow record the reference's discovery is read from.
    pub discovery: Discovery,
}

#[cfg(test)]
mod tests;
