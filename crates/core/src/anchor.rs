//! Pricing at the pool's own reference: the oracle's price moved by the discovery its reading
//! does not know yet ([`crate::discovery`]), plus a guard fee on the distance between the two.
//!
//! - A trade worth `v` (quote, at the oracle) in a pool worth `V` shifts the reference by
//!   `4 v / (discovery_depth * V)`: constant product's relative price move (`dP/P = -2 dB/B`,
//!   `B = V / 2P`), at `discovery_depth` times its depth. Selling base moves it down.
//! - The trade is priced on the curve anchored at the reference halfway through its own shift,
//!   and the shift is clamped to the price band: the anchor is a function of the position of the
//!   flow alone, so trading out and back along it returns to the same anchor, and a round trip
//!   pays two fees (the curve at a fixed anchor is round-trip safe).
//! - The guard fee is `guard * |drift|` at that midpoint: a trader who pushes the reference away
//!   from the oracle (to trade against the mispricing once a later reading lands) pays for the
//!   distance both ways.
//! - The price band holds against the oracle: the marginal price at the reference after an
//!   imbalance-adding trade stays within `oracle * (1 +/- max_skew)`.
//!
//! With `discovery_depth` zero the reference is the oracle, and the pool prices as Keel's plain
//! PMM does, unit for unit.

use crate::dynamic::FEE_CEIL;
use crate::math::{mul_div_u128, Rounding, ONE};
use crate::{swap_exact_in, swap_exact_out, Asset, CurveError, CurveParams, Market, PoolState, Trade};

/// Which amount of a swap is fixed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SwapKind {
    /// The trader sells exactly this much of the input token.
    ExactIn,
    /// The trader buys exactly this much of the other token.
    ExactOut,
}

/// The oracle's market and the discovery on top of it: what a trade is priced against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Anchor {
    /// The oracle's price, `k` on its ramp, and the fee before the guard.
    pub market: Market,
    /// The reference's offset from the oracle (1e18 relative, clamped to the price band).
    pub drift: i128,
}

/// A swap priced at the reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Priced {
    pub trade: Trade,
    /// What the curve priced it with: the reference at the trade's midpoint, the guarded fee.
    pub market: Market,
    /// The trade's shift of the flow record (1e18 relative, negative when base was sold).
    pub shift: i128,
    /// The market a next trade would see (the reference after this one).
    pub after: Market,
    /// The oracle's price the reference was moved from.
    pub oracle: u128,
}

impl CurveParams {
    /// Whether trades move the pool's reference ([`CurveParams::discovery_depth`] non-zero).
    pub fn discovers(&self) -> bool {
        self.discovery_depth != 0
    }

    fn band(&self) -> i128 {
        i128::try_from(self.max_skew).unwrap_or(i128::MAX)
    }
}

/// `x / 2` rounded away from zero, by shifts: Wasm has no 128-bit division, and a signed one
/// links the compiler's routine.
// The half of a magnitude of at most 2^127, rounded up, is at most 2^126: it fits in `i128`
// and so does its negation, so neither the cast nor the negation wraps.
#[allow(clippy::cast_possible_wrap)]
fn half_away_from_zero(x: i128) -> i128 {
    let magnitude = x.unsigned_abs();
    let half = (magnitude >> 1).wrapping_add(magnitude & 1) as i128;
    if x < 0 {
        half.wrapping_neg()
    } else {
        half
    }
}

impl Anchor {
    /// The anchor for the oracle's `market` and the discovery `since` its reading (clamped to the
    /// price band); no drift when `params` turn discovery off.
    pub fn new(market: Market, since: i128, params: &CurveParams) -> Anchor {
        let band = params.band();
        let drift = if params.discovers() {
            since.clamp(band.saturating_neg(), band)
        } else {
            0
        };
        Anchor { market, drift }
    }

    /// The reference price (quote per base, 1e18) at `drift`, rounded `rounding`.
    fn at(&self, drift: i128, rounding: Rounding) -> Result<u128, CurveError> {
        let factor = if drift >= 0 {
            ONE.checked_add(drift.unsigned_abs())
        } else {
            ONE.checked_sub(drift.unsigned_abs())
        }
        .ok_or(CurveError::Overflow)?;
        mul_div_u128(self.market.price, factor, ONE, rounding)
    }

    /// The market at `drift`: the reference as the anchor, the fee with its guard.
    fn market_at(&self, drift: i128, params: &CurveParams, rounding: Rounding) -> Result<Market, CurveError> {
        let guard = mul_div_u128(params.guard, drift.unsigned_abs(), ONE, Rounding::Up)?;
        Ok(Market {
            price: self.at(drift, rounding)?,
            k: self.market.k,
            fee: self.market.fee.saturating_add(guard).min(FEE_CEIL),
        })
    }

    /// The market a vanishing trade meets now: the reference, and the fee with its guard.
    ///
    /// # Errors
    /// [`CurveError::Overflow`] past the bounds.
    pub fn quoted(&self, params: &CurveParams) -> Result<Market, CurveError> {
        self.market_at(self.drift, params, Rounding::Down)
    }

    /// The reference's shift for a trade selling `asset_in` in which `amount` (`kind` says of
    /// which side) is fixed, on a pool holding `state`: negative when base is sold.
    fn shift(
        &self,
        state: &PoolState,
        params: &CurveParams,
        kind: SwapKind,
        asset_in: Asset,
        amount: u128,
    ) -> Result<i128, CurveError> {
        if !params.discovers() {
            return Ok(0);
        }
        let price = self.market.price;
        let fixed = match kind {
            SwapKind::ExactIn => asset_in,
            SwapKind::ExactOut => asset_in.other(),
        };
        let value = match fixed {
            Asset::Base => mul_div_u128(amount, price, ONE, Rounding::Up)?,
            Asset::Quote => amount,
        };
        let pool = mul_div_u128(state.base_reserve, price, ONE, Rounding::Down)?
            .checked_add(state.quote_reserve)
            .ok_or(CurveError::Overflow)?;
        let rate = mul_div_u128(4 * ONE, ONE, params.discovery_depth, Rounding::Up)?;
        let size = mul_div_u128(value, rate, pool, Rounding::Up)?;
        let size = i128::try_from(size).map_err(|_| CurveError::Overflow)?;
        Ok(match asset_in {
            Asset::Base => size.checked_neg().ok_or(CurveError::Overflow)?,
            Asset::Quote => size,
        })
    }

    /// Prices a swap of `amount` (`kind` says of which side) selling `asset_in` at the reference
    /// halfway through the trade's own shift, with the guard fee there and the price band held
    /// against the oracle. Changes nothing.
    ///
    /// # Errors
    /// As [`swap_exact_in`] / [`swap_exact_out`]; [`CurveError::PriceBandExceeded`] when the
    /// reference alone has reached the band and the trade adds to the imbalance.
    pub fn swap(
        &self,
        state: &PoolState,
        params: &CurveParams,
        kind: SwapKind,
        asset_in: Asset,
        amount: u128,
    ) -> Result<Priced, CurveError> {
        let shift = self.shift(state, params, kind, asset_in, amount)?;
        let band = params.band();
        // Half the shift, rounded away from zero: the midpoint never favours the trader.
        let half = half_away_from_zero(shift);
        let low = band.checked_neg().ok_or(CurveError::Overflow)?;
        let mid = self.drift.saturating_add(half).clamp(low, band);
        let end = self.drift.saturating_add(shift).clamp(low, band);
        // Selling base, the anchor rounds down (less quote per base paid); buying, up.
        let (rounding, away) = match asset_in {
            Asset::Base => (Rounding::Down, Rounding::Up),
            Asset::Quote => (Rounding::Up, Rounding::Down),
        };
        let market = self.market_at(mid, params, rounding)?;
        let after = self.market_at(end, params, rounding)?;
        let max_skew = self.band_at(after.price, params, asset_in, away)?;
        let curve = CurveParams { max_skew, ..*params };
        let trade = match kind {
            SwapKind::ExactIn => swap_exact_in(state, &market, &curve, asset_in, amount),
            SwapKind::ExactOut => swap_exact_out(state, &market, &curve, asset_in, amount),
        }?;
        Ok(Priced {
            trade,
            market,
            shift,
            after,
            oracle: self.market.price,
        })
    }

    /// The band, relative to `reference`, that keeps an imbalance-adding trade selling
    /// `asset_in` within `oracle * (1 +/- max_skew)`; zero when the reference is already there.
    fn band_at(
        &self,
        reference: u128,
        params: &CurveParams,
        asset_in: Asset,
        rounding: Rounding,
    ) -> Result<u128, CurveError> {
        if reference == self.market.price {
            return Ok(params.max_skew);
        }
        let oracle = self.market.price;
        Ok(match asset_in {
            // The price falls: reference / f >= oracle * (1 - s).
            Asset::Base => {
                let floor = ONE
                    .checked_sub(params.max_skew)
                    .ok_or(CurveError::InvalidParameter)?;
                ONE.saturating_sub(mul_div_u128(oracle, floor, reference, rounding)?)
            }
            // The price rises: reference * f <= oracle * (1 + s).
            Asset::Quote => {
                let ceiling = ONE.checked_add(params.max_skew).ok_or(CurveError::Overflow)?;
                mul_div_u128(oracle, ceiling, reference, rounding)?.saturating_sub(ONE)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::half_away_from_zero;

    #[test]
    fn half_rounds_away_from_zero_as_division_with_its_remainder_does() {
        let mut values = vec![i128::MIN, i128::MIN + 1, i128::MAX, i128::MAX - 1];
        values.extend(-1_000..=1_000);
        values.extend((0..127).flat_map(|bits| {
            let p = 1i128 << bits;
            [p - 1, p, p + 1, -p - 1, -p, 1 - p]
        }));
        for x in values {
            let expected = x.checked_div(2).and_then(|h| h.checked_add(x.checked_rem(2)?));
            assert_eq!(Some(half_away_from_zero(x)), expected, "{x}");
        }
    }
}
