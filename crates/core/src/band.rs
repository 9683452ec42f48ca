//! The rebalancing band: the inventory at which a rebalance becomes due and the one it stops at,
//! fixed or adapting to volatility and to what a rebalance costs.
//!
//! A hedger paying a proportional cost `c` on what it trades, charged `gamma * sigma^2 * q^2 / 2`
//! per unit of time for holding inventory `q` that the order flow moves as a diffusion of variance
//! `s^2`, does best to leave `q` alone inside `|q| < H` and trade it back to the edge when it
//! leaves, with `H = (3 c s^2 / (2 gamma sigma^2))^(1/3)` (Whalley-Wilmott, Davis-Norman; the
//! derivation is in `crates/core/README.md`). The band widens as the cube root of the cost and
//! narrows as volatility's power 2/3.
//!
//! A pool knows neither its flow's variance nor its LPs' risk aversion, so the owner calibrates
//! the rule with the fixed band: `trigger` and `target` are the band for a rebalance costing
//! [`REFERENCE_COST_BPS`] at [`REFERENCE_VOLATILITY`], and at volatility `sigma` and cost `c` both
//! scale by `(c / REFERENCE_COST_BPS * (REFERENCE_VOLATILITY / sigma)^2)^(1/3)`, held within
//! [`BAND_FACTOR_MIN`]..=[`BAND_FACTOR_MAX`] so that a volatility reading, however wrong, moves
//! the band by at most those factors. `cost_bps = 0` keeps the band fixed.

use crate::math::{mul_div_u128, Rounding, ONE};
use crate::rebalance::{RebalanceParams, MIN_TRIGGER};
use crate::CurveError;

/// The volatility at which an adaptive band is the configured one (80%/yr, 1e18).
pub const REFERENCE_VOLATILITY: u128 = ONE / 10 * 8;
/// The cost of a rebalance at which an adaptive band is the configured one (30 bps, a
/// constant-product venue's usual fee).
pub const REFERENCE_COST_BPS: u32 = 30;
/// The most a configured cost may be (10% of the notional).
pub const MAX_COST_BPS: u32 = 1_000;
/// The narrowest an adaptive band gets: half the configured one.
pub const BAND_FACTOR_MIN: u128 = ONE / 2;
/// The widest an adaptive band gets: twice the configured one.
pub const BAND_FACTOR_MAX: u128 = 2 * ONE;

/// Where a rebalance is due and where it stops (`q` as a 1e18 fraction of the targets' value).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "scale",
    derive(parity_scale_codec::Encode, parity_scale_codec::Decode, scale_info::TypeInfo)
)]
pub struct Band {
    /// A rebalance is due once `|q|` reaches this.
    pub trigger: u128,
    /// A rebalance sells down to this, below `trigger`.
    pub target: u128,
}

impl RebalanceParams {
    /// The configured band: `trigger` and `target` as set, whatever the volatility.
    pub fn configured_band(&self) -> Band {
        Band {
            trigger: self.trigger,
            target: self.target,
        }
    }

    /// The band at the oracle's `volatility` (annualised, 1e18): `trigger` and `target` when
    /// `cost_bps` is zero, otherwise both scaled by [`band_factor`], the trigger at least
    /// [`MIN_TRIGGER`] and at most one, the target below the trigger. Rounded down: the band is
    /// never wider than the rule's.
    ///
    /// # Errors
    /// [`CurveError::Overflow`] (not reachable for validated parameters).
    pub fn band(&self, volatility: u128) -> Result<Band, CurveError> {
        if self.cost_bps == 0 {
            return Ok(self.configured_band());
        }
        let factor = band_factor(self.cost_bps, volatility)?;
        let scaled = |x: u128| mul_div_u128(x, factor, ONE, Rounding::Down);
        let trigger = scaled(self.trigger)?.clamp(MIN_TRIGGER, ONE);
        // Held below the trigger where the trigger's clamp or rounding would meet it, so a
        // rebalance never lands on its own trigger.
        let target = scaled(self.target)?.min(trigger.saturating_sub(1));
        Ok(Band { trigger, target })
    }
}

/// How much wider than the configured band the rule makes it for a rebalance costing `cost_bps`
/// at `volatility` (1e18): `(cost / REFERENCE_COST_BPS * (REFERENCE_VOLATILITY / volatility)^2)
/// ^(1/3)`, within [`BAND_FACTOR_MIN`]..=[`BAND_FACTOR_MAX`], to nine digits (rounded down). Zero
/// volatility gives the widest.
///
/// # Errors
/// [`CurveError::Overflow`] (not reachable for `cost_bps <= MAX_COST_BPS`).
pub fn band_factor(cost_bps: u32, volatility: u128) -> Result<u128, CurveError> {
    // Past this ratio of volatilities the factor is at its widest for any cost of at least 1 bps
    // (it is there from sqrt(8 * 30) = 15.5), and the ratio's square (2.56e38) stays within 128
    // bits.
    const RATIO_CEIL: u128 = 16 * ONE;
    if volatility == 0 {
        return Ok(BAND_FACTOR_MAX);
    }
    let ratio = mul_div_u128(REFERENCE_VOLATILITY, ONE, volatility, Rounding::Down)?.min(RATIO_CEIL);
    let squared = mul_div_u128(ratio, ratio, ONE, Rounding::Down)?;
    // The cube of the factor, 1e18, rounded down, then held where its root is within bounds.
    let cube = mul_div_u128(
        squared,
        u128::from(cost_bps),
        u128::from(REFERENCE_COST_BPS),
        Rounding::Down,
    )?;
    let root = cbrt_wad(cube.clamp(ONE / 8, 8 * ONE))?;
    Ok(root.clamp(BAND_FACTOR_MIN, BAND_FACTOR_MAX))
}

/// The cube root of a 1e18 fixed-point `x` in `ONE / 8 ..= 8 * ONE` to nine digits, rounded
/// down: `floor(cbrt(x * 1e9)) * 1e9`, by Newton's iteration from above on 128-bit integers (it
/// falls monotonically to the floor, so it stops at the first step that does not fall).
///
/// # Errors
/// [`CurveError::InvalidParameter`] for `x` outside its range.
pub fn cbrt_wad(x: u128) -> Result<u128, CurveError> {
    const GIGA: u128 = 1_000_000_000;
    if !(ONE / 8..=8 * ONE).contains(&x) {
        return Err(CurveError::InvalidParameter);
    }
    // n <= 8e27 and every iterate lies in 5e8 ..= 2e9 + 1, so nothing below can fail.
    let n = x.checked_mul(GIGA).ok_or(CurveError::Overflow)?;
    let mut y: u128 = 2 * GIGA + 1;
    loop {
        let square = y.checked_mul(y).ok_or(CurveError::Overflow)?;
        let sum = y
            .checked_mul(2)
            .and_then(|d| d.checked_add(crate::math::div_rem_u128(n, square)?.0))
            .ok_or(CurveError::Overflow)?;
        // `sum < 2^64` (at most 2 y + n / 5e8^2, under 4e10), and 64-bit division is one
        // instruction where 128-bit division is the compiler's routine.
        let next = u128::from(u64::try_from(sum).map_err(|_| CurveError::Overflow)? / 3);
        if next >= y {
            return y.checked_mul(GIGA).ok_or(CurveError::Overflow);
        }
        y = next;
    }
}

#[cfg(test)]
mod tests;
