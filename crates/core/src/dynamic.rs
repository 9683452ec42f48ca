//! The pool's live parameters: `k` and the fee, from the oracle's volatility and age.
//!
//! - `k = clamp(k_base + gamma * sigma^2 * tau, k_min, k_max)`. In Avellaneda-Stoikov the
//!   reservation price moves with inventory by `gamma * sigma^2 * (T - t)`: the wilder the market,
//!   the harder the pool leans against inventory. `tau` is the horizon over which the pool expects
//!   to work inventory off. `k_min` keeps the curve from flattening into a constant-price swap.
//! - `fee = clamp(fee_base + fee_vol * sigma_block * sqrt(lag_blocks), fee_min, fee_max)`.
//!   An arbitrageur's edge against an oracle-anchored quote is the price move since the oracle's
//!   reading: about `sigma_block * sqrt(lag_blocks)`. Below ~1.5x that edge an oracle pool loses
//!   5-20x more than constant product (`../shared/research/oracle-lag.md`); without discovery
//!   ([`CurveParams::without_discovery`]) `fee_vol = 1.5` prices it in. `lag_blocks` is the
//!   oracle's age in blocks, at least one. With discovery on (the default,
//!   [`CurveParams::discovering`]) an arbitrageur trading that edge moves the pool's reference and
//!   pays the guard fee on the distance, so `fee_vol` there is 0.75.

use crate::math::{mul_div_u128, sqrt_wad, Rounding, BPS, ONE};
use crate::CurveError;

/// Milliseconds in a Julian year: the unit of annualised volatility.
pub const YEAR_MS: u64 = 31_557_600_000;
/// Highest `k` accepted: at one the curve's quadratic degenerates.
pub const K_CEIL: u128 = ONE / 100 * 99;
/// Lowest `k` accepted (1%): below it the curve is a constant-price swap that a stale reading
/// empties at no cost.
pub const K_FLOOR: u128 = ONE / 100;
/// Lowest fee accepted (1 bps): every round trip against the pool pays something.
pub const FEE_FLOOR: u128 = ONE / 10_000;
/// Slowest `k` ramp accepted: a millionth per [`K_RAMP_PERIOD_MS`].
pub const K_RAMP_FLOOR: u128 = ONE / 1_000_000;
/// Fastest `k` ramp accepted (0.002 per [`K_RAMP_PERIOD_MS`], the default): the step the attack
/// tests show a band-maximal position cannot sandwich.
pub const K_RAMP_CEIL: u128 = ONE / 500;
/// The period `k_ramp` is given per (6 s, a block on most Substrate chains). It is a constant,
/// not `block_time_ms`, so the owner cannot speed the ramp by configuring a shorter block.
pub const K_RAMP_PERIOD_MS: u64 = 6_000;
/// Highest fee accepted (10%).
pub const FEE_CEIL: u128 = ONE / 10;
/// Widest price band accepted around the oracle (50%).
pub const SKEW_CEIL: u128 = ONE / 2;
/// Highest `gamma` accepted.
pub const GAMMA_CEIL: u128 = 1_000_000 * ONE;
/// Discovery depths accepted besides zero: a tenth to ten times constant product's.
pub const DISCOVERY_DEPTH_RANGE: core::ops::RangeInclusive<u128> = ONE / 10..=10 * ONE;
/// Highest guard accepted. A trade toward the oracle moves its anchor against the trader by half
/// its shift and lowers the guard by `guard` times that; above one the guard alone would pay a
/// larger trade toward the oracle a better price. At one the two cancel to first order and the
/// curve's own slippage makes a larger trade dearer (`crates/core/README.md`).
pub const GUARD_CEIL: u128 = ONE;
/// Lowest guard accepted while discovery is on. A trade's shift is measured by its value at the
/// oracle, so buying back what a sale sold (with the quote it paid, less than the base was worth)
/// shifts the reference back a little less than the sale moved it: the buy-back meets an anchor
/// lower by about `shift * (shift / 2 + fees + skew) / 2`. The guard charges `guard * shift / 2`
/// on each leg, which covers that whenever `guard >= (shift / 2 + fees + skew) / 2`; a quarter
/// does within the price band discovery accepts ([`DISCOVERY_SKEW_CEIL`], `crates/core/README.md`).
pub const GUARD_FLOOR: u128 = ONE / 4;
/// Widest price band accepted while discovery is on (25%). At a 50% band and a tenth of constant
/// product's depth, a round trip inside one block with its sale in pieces returns more than it
/// sold, whatever the guard (the guard fee stops growing at [`FEE_CEIL`]); up to a quarter, the
/// property tests at every other bound find none (`crates/core/tests/bounds.rs`).
pub const DISCOVERY_SKEW_CEIL: u128 = ONE / 4;
/// Block times accepted, in milliseconds.
pub const BLOCK_TIME_RANGE_MS: (u64, u64) = (100, 600_000);

/// The curve's configuration; every value is 1e18 fixed point unless named `_ms`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "scale",
    derive(parity_scale_codec::Encode, parity_scale_codec::Decode, scale_info::TypeInfo)
)]
#[cfg_attr(
    all(feature = "ink", feature = "std"),
    derive(ink::storage::traits::StorageLayout)
)]
pub struct CurveParams {
    pub k_base: u128,
    pub k_min: u128,
    pub k_max: u128,
    pub gamma: u128,
    pub tau_ms: u64,
    pub fee_base: u128,
    pub fee_vol: u128,
    pub fee_min: u128,
    pub fee_max: u128,
    pub block_time_ms: u64,
    /// The marginal price stays within `oracle * (1 +/- max_skew)` after any trade that adds to
    /// the imbalance.
    pub max_skew: u128,
    /// A trade that leaves its input token long (one that adds to the imbalance or crosses the
    /// target) is refused if it would leave `|q|` above this.
    pub q_max: u128,
    /// The most the priced `k` moves toward its target per [`K_RAMP_PERIOD_MS`] of elapsed
    /// time, never within a block (see `pool::PricedK`).
    pub k_ramp: u128,
    /// How deep the pool's price discovery between readings is, as a multiple of constant
    /// product's depth (1e18 = as deep; zero turns discovery off and the pool prices at the
    /// oracle, with no guard: [`CurveParams::without_discovery`] also sets `fee_vol` back to 1.5,
    /// the age-scaled fee such a pool needs). See `anchor`.
    pub discovery_depth: u128,
    /// The guard fee per unit of distance between the pool's reference and the oracle (1e18;
    /// 0.5e18 charges 50 bps at a 1% distance).
    pub guard: u128,
}

impl Default for CurveParams {
    /// Defaults for a volatile pair on 6-second blocks: `k` 0.25..0.9 rising with volatility and
    /// moving at most 0.002 a block, a 10% price band and `|q| <= 50%`, with price discovery
    /// between readings at the benchmark's setting ([`CurveParams::discovering`]): a 5 bps fee
    /// floor plus 0.75x the per-block move, and a guard of 1.
    fn default() -> Self {
        CurveParams::without_discovery().discovering()
    }
}

impl CurveParams {
    /// The defaults with discovery between readings off: the pool prices at the oracle, skewed by
    /// its inventory alone, and the age-scaled fee carries its full weight (1.5x the per-block
    /// move). Pools deployed before discovery existed run these.
    #[must_use]
    pub fn without_discovery() -> Self {
        CurveParams {
            k_base: ONE / 4,
            k_min: ONE / 10,
            k_max: ONE / 10 * 9,
            gamma: 50 * ONE,
            tau_ms: 86_400_000,
            fee_base: ONE / BPS * 5,
            fee_vol: ONE / 2 * 3,
            fee_min: ONE / BPS,
            fee_max: ONE / BPS * 200,
            block_time_ms: 6_000,
            max_skew: ONE / 10,
            q_max: ONE / 2,
            k_ramp: ONE / 500,
            discovery_depth: 0,
            guard: ONE / 2,
        }
    }
}

/// The oracle's reading as the curve needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OracleReading {
    /// Quote per base, 1e18.
    pub price: u128,
    /// Annualised volatility, 1e18 (0.8e18 = 80%/yr).
    pub volatility: u128,
    /// Milliseconds since the reading.
    pub age_ms: u64,
}

/// What a trade is priced with right now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "scale",
    derive(parity_scale_codec::Encode, parity_scale_codec::Decode, scale_info::TypeInfo)
)]
pub struct Market {
    pub price: u128,
    pub k: u128,
    pub fee: u128,
}

impl CurveParams {
    /// These parameters with price discovery between readings on, at the setting the benchmark
    /// measures: 0.75x constant product's depth, a guard of 1 and a `fee_vol` of 0.75
    /// (`crates/core/README.md`). With discovery on, an arbitrageur trading against a stale
    /// reading moves the reference away from the oracle, and the guard charges that distance, so
    /// the age-scaled fee carries half the weight it does without discovery; a lower fee keeps the
    /// routed flow a higher one sends to other venues.
    #[must_use]
    pub fn discovering(self) -> CurveParams {
        CurveParams {
            discovery_depth: ONE / 4 * 3,
            guard: ONE,
            fee_vol: ONE / 4 * 3,
            ..self
        }
    }

    /// Checks every field against its hard bound.
    ///
    /// # Errors
    /// [`CurveError::InvalidParameter`] naming no field: callers validate whole sets.
    pub fn validate(&self) -> Result<(), CurveError> {
        let ok = K_FLOOR <= self.k_min
            && self.k_min <= self.k_base
            && self.k_base <= self.k_max
            && self.k_max <= K_CEIL
            && self.gamma <= GAMMA_CEIL
            && self.tau_ms <= YEAR_MS
            && FEE_FLOOR <= self.fee_min
            && self.fee_min <= self.fee_max
            && self.fee_max <= FEE_CEIL
            && self.fee_base <= FEE_CEIL
            && self.fee_vol <= 100 * ONE
            && (BLOCK_TIME_RANGE_MS.0..=BLOCK_TIME_RANGE_MS.1).contains(&self.block_time_ms)
            && self.max_skew > 0
            && self.max_skew <= SKEW_CEIL
            && self.q_max > 0
            && self.q_max <= ONE
            && (K_RAMP_FLOOR..=K_RAMP_CEIL).contains(&self.k_ramp)
            && (self.discovery_depth == 0 || DISCOVERY_DEPTH_RANGE.contains(&self.discovery_depth))
            && self.guard <= GUARD_CEIL
            && (self.discovery_depth == 0 || self.guard >= GUARD_FLOOR)
            && (self.discovery_depth == 0 || self.max_skew <= DISCOVERY_SKEW_CEIL);
        if ok {
            Ok(())
        } else {
            Err(CurveError::InvalidParameter)
        }
    }

    /// `k` for an annualised volatility.
    ///
    /// # Errors
    /// [`CurveError::Overflow`] for volatility past the oracle's bounds.
    pub fn k(&self, volatility: u128) -> Result<u128, CurveError> {
        let variance = mul_div_u128(volatility, volatility, ONE, Rounding::Up)?;
        let horizon = mul_div_u128(
            variance,
            u128::from(self.tau_ms),
            u128::from(YEAR_MS),
            Rounding::Up,
        )?;
        let skew = mul_div_u128(self.gamma, horizon, ONE, Rounding::Up)?;
        Ok(self.k_base.saturating_add(skew).clamp(self.k_min, self.k_max))
    }

    /// Volatility per block (1e18) for an annualised volatility.
    ///
    /// # Errors
    /// [`CurveError::Overflow`] for volatility past the oracle's bounds.
    pub fn sigma_per_block(&self, volatility: u128) -> Result<u128, CurveError> {
        let block_share = mul_div_u128(
            u128::from(self.block_time_ms),
            ONE,
            u128::from(YEAR_MS),
            Rounding::Up,
        )?;
        mul_div_u128(volatility, sqrt_wad(block_share)?, ONE, Rounding::Up)
    }

    /// The fee for an annualised volatility and an oracle age.
    ///
    /// # Errors
    /// [`CurveError::Overflow`] for volatility past the oracle's bounds.
    pub fn fee(&self, volatility: u128, age_ms: u64) -> Result<u128, CurveError> {
        let block = self.block_time_ms.max(1);
        let lag_blocks = age_ms.div_ceil(block).max(1);
        let lag_factor = sqrt_wad(
            u128::from(lag_blocks)
                .checked_mul(ONE)
                .ok_or(CurveError::Overflow)?,
        )?;
        let edge = mul_div_u128(self.sigma_per_block(volatility)?, lag_factor, ONE, Rounding::Up)?;
        let vol_part = mul_div_u128(self.fee_vol, edge, ONE, Rounding::Up)?;
        Ok(self
            .fee_base
            .saturating_add(vol_part)
            .clamp(self.fee_min, self.fee_max))
    }

    /// The market an oracle reading asks for: its price, the `k` its volatility gives (the
    /// target of the pool's ramp) and the fee. A volatility past [`crate::MAX_VOLATILITY`] is
    /// priced at it.
    ///
    /// # Errors
    /// [`CurveError::InvalidPrice`] for a price outside the curve's bounds.
    pub fn market(&self, reading: &OracleReading) -> Result<Market, CurveError> {
        #[cfg(feature = "memo")]
        return crate::memo::market(&(*self, *reading), || self.price_reading(reading));
        #[cfg(not(feature = "memo"))]
        self.price_reading(reading)
    }

    fn price_reading(&self, reading: &OracleReading) -> Result<Market, CurveError> {
        if !(crate::MIN_PRICE..=crate::MAX_PRICE).contains(&reading.price) {
            return Err(CurveError::InvalidPrice);
        }
        let volatility = reading.volatility.min(crate::MAX_VOLATILITY);
        Ok(Market {
            price: reading.price,
            k: self.k(volatility)?,
            fee: self.fee(volatility, reading.age_ms)?,
        })
    }
}

#[cfg(test)]
mod tests;
