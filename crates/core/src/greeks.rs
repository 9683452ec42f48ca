//! The LP position's Greeks between two readings: how the pool's value answers the market's price
//! (delta, gamma) and the oracle's volatility (vega).
//!
//! Between readings the oracle's price `p` stands while the market moves to `m`. Arbitrageurs
//! trade the pool until its all-in marginal price (fee included) meets `m`, and the pool holds
//! what its curve leaves there ([`arbitraged`]); inside its bid and ask nothing trades. The LPs'
//! position is worth `V(m) = base(m) m + quote(m)` in quote.
//!
//! - **delta** is `dV/dm`: the base the pool holds. A trade at the margin pays the price it moves
//!   the pool to, so what changes hands adds nothing to `dV/dm` (the envelope theorem).
//! - **gamma** is delta's change on a 1% move of the market from the oracle price, up and down:
//!   the base the pool sells as the price rises and buys as it falls. A flatter curve (lower `k`)
//!   trades more inventory per move.
//! - **vega** is the change in `V`, after a 1% move (the mean of both ways), when the oracle's
//!   volatility is 10 points higher. Volatility reaches the position through `k` and the fee: a
//!   steeper curve gives up less inventory on a move and a wider fee earns more from it, so a pool
//!   at its targets gains. Off its targets a steeper curve also quotes further from the oracle on
//!   the side that takes it back, and vega can be negative.
//!
//! The curve at a pre-fee marginal price `e` (quote per base), with targets `B0` and `Q0`: on the
//! base-short side (`e >= p`) `p (1 - k + k B0^2 / s^2) = e` at base level
//! `s = B0 sqrt(k p / (e - p + k p))`, and the pool holds `Q0` plus the value of the base it sold
//! (`pmm::integrate`); on the quote-short side (`e < p`) the quote level is
//! `Q0 sqrt(k e / (p - e + k e))`, the same curve in the quote token. A buyer of base meets the
//! all-in price `e / (1 - fee)`, a seller `e (1 - fee)`, and the fee stays in the pool on the token
//! paid in.
//!
//! The targets stand through the move. A real sequence of swaps re-derives them as fees accrue (by
//! at most the fee on what is traded), which the tests bound; discovery between readings (the
//! reference moving with flow) is not modelled: these are the curve's Greeks at the reading.

use crate::math::{
    add, div512, full_mul, mul, mul_div, narrow, narrow512, sqrt512, wide, Rounding, ONE, U512,
};
use crate::pmm::integrate;
use crate::state::{Asset, PoolState};
use crate::{CurveError, Market};

/// What the pool holds, in token units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Holdings {
    pub base: u128,
    pub quote: u128,
}

impl Holdings {
    /// Their value in quote at `price` (quote per base, 1e18), rounded down.
    ///
    /// # Errors
    /// [`CurveError::Overflow`] past `u128`.
    pub fn value(&self, price: u128) -> Result<u128, CurveError> {
        let base = narrow(mul_div(wide(self.base), wide(price), wide(ONE), Rounding::Down)?)?;
        base.checked_add(self.quote).ok_or(CurveError::Overflow)
    }
}

/// The LP position's Greeks (module docs), in token units of the whole pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[cfg_attr(
    feature = "scale",
    derive(parity_scale_codec::Encode, parity_scale_codec::Decode, scale_info::TypeInfo)
)]
pub struct Greeks {
    /// Base the pool holds at the oracle's price, after any trade its curve invites there.
    pub delta: u128,
    /// `delta` less the base target: the base held beyond the LPs' claim at the oracle price
    /// (negative when the pool is short base). Holding the deposit instead would have none.
    pub delta_vs_target: i128,
    /// Base the pool's holdings change by when the market rises 1% (zero or negative: it sells).
    pub gamma_up: i128,
    /// Base the pool's holdings change by when the market falls 1% (zero or positive: it buys).
    pub gamma_down: i128,
    /// Quote: how much more the position is worth after a 1% move, the mean of both ways, when
    /// the volatility is 10 points higher.
    pub vega: i128,
}

/// A 1% move, as a share of the price (1e18).
const MOVE: u128 = ONE / 100;

/// Ten points of annualised volatility (1e18).
pub const VEGA_BUMP: u128 = ONE / 10;

/// The pool's Greeks at `market`. `bumped` is the same reading's market at 10 points more
/// volatility ([`VEGA_BUMP`]): its `k` and fee.
///
/// # Errors
/// The curve's errors for an empty side or values past the bounds.
pub fn greeks(state: &PoolState, market: &Market, bumped: &Market) -> Result<Greeks, CurveError> {
    let p = market.price;
    let up = mul_div(wide(p), wide(ONE.saturating_add(MOVE)), wide(ONE), Rounding::Down)?;
    let up = narrow(up)?;
    let down = narrow(mul_div(
        wide(p),
        wide(ONE.saturating_sub(MOVE)),
        wide(ONE),
        Rounding::Down,
    )?)?;
    let now = arbitraged(state, market, p)?;
    let (rise, fall) = (arbitraged(state, market, up)?, arbitraged(state, market, down)?);
    let (rise_hot, fall_hot) = (arbitraged(state, bumped, up)?, arbitraged(state, bumped, down)?);
    let gained = |hot: Holdings, cold: Holdings, m: u128| -> Result<i128, CurveError> {
        signed_difference(hot.value(m)?, cold.value(m)?)
    };
    let vega_sum = gained(rise_hot, rise, up)?
        .checked_add(gained(fall_hot, fall, down)?)
        .ok_or(CurveError::Overflow)?;
    let target = state.equilibrate(p, market.k, Rounding::Down)?.base_target;
    Ok(Greeks {
        delta: now.base,
        delta_vs_target: signed_difference(now.base, target)?,
        gamma_up: signed_difference(rise.base, now.base)?,
        gamma_down: signed_difference(fall.base, now.base)?,
        vega: vega_sum / 2,
    })
}

/// What the pool holds once arbitrageurs have traded it to the all-in price `m` (quote per base,
/// 1e18) at `market`, between readings: `state` itself when `m` lies between its bid and ask.
///
/// # Errors
/// The curve's errors for an empty side or values past the bounds.
pub fn arbitraged(state: &PoolState, market: &Market, m: u128) -> Result<Holdings, CurveError> {
    let eq = state.equilibrate(market.price, market.k, Rounding::Down)?;
    let held = Holdings {
        base: eq.base_reserve,
        quote: eq.quote_reserve,
    };
    let mid = eq.marginal_price(market.price, market.k)?;
    let keep = ONE.checked_sub(market.fee).ok_or(CurveError::InvalidParameter)?;
    let ask = narrow(mul_div(wide(mid), wide(ONE), wide(keep), Rounding::Up)?)?;
    let bid = narrow(mul_div(wide(mid), wide(keep), wide(ONE), Rounding::Down)?)?;
    if m > ask {
        // Buyers of base pay quote: the pre-fee price is `m (1 - fee)`, the fee is on quote.
        let e = narrow(mul_div(wide(m), wide(keep), wide(ONE), Rounding::Down)?)?;
        let at = curve_at(&eq, market, e)?;
        let paid = at.quote.saturating_sub(held.quote);
        let fee = fee_on(paid, market.fee, keep)?;
        Ok(Holdings {
            base: at.base,
            quote: at.quote.checked_add(fee).ok_or(CurveError::Overflow)?,
        })
    } else if m < bid {
        // Sellers of base pay base: the pre-fee price is `m / (1 - fee)`, the fee is on base.
        let e = narrow(mul_div(wide(m), wide(ONE), wide(keep), Rounding::Up)?)?;
        let at = curve_at(&eq, market, e)?;
        let paid = at.base.saturating_sub(held.base);
        let fee = fee_on(paid, market.fee, keep)?;
        Ok(Holdings {
            base: at.base.checked_add(fee).ok_or(CurveError::Overflow)?,
            quote: at.quote,
        })
    } else {
        Ok(held)
    }
}

/// The fee on an input whose net part `net` reached the curve: `net fee / (1 - fee)`.
fn fee_on(net: u128, fee: u128, keep: u128) -> Result<u128, CurveError> {
    narrow(mul_div(wide(net), wide(fee), wide(keep), Rounding::Down)?)
}

/// The curve's holdings at the pre-fee marginal price `e`, with `eq`'s targets (module docs).
fn curve_at(eq: &PoolState, market: &Market, e: u128) -> Result<Holdings, CurveError> {
    let (p, k) = (market.price, market.k);
    let (b0, q0) = (eq.base_target, eq.quote_target);
    if e >= p {
        // Base short: k p / (e - p + k p), in price units.
        let kp = mul_div(wide(k), wide(p), wide(ONE), Rounding::Down)?;
        let gap = add(wide(e.saturating_sub(p)), kp)?;
        let s = level(b0, kp, gap)?;
        let sold = integrate(b0, b0, s, Asset::Base.price_in_other(p), k, Rounding::Down)?;
        Ok(Holdings {
            base: s,
            quote: q0.checked_add(sold).ok_or(CurveError::Overflow)?,
        })
    } else {
        // Quote short: k e / (p - e + k e).
        let ke = mul_div(wide(k), wide(e), wide(ONE), Rounding::Down)?;
        let gap = add(wide(p.saturating_sub(e)), ke)?;
        let s = level(q0, ke, gap)?;
        let sold = integrate(q0, q0, s, Asset::Quote.price_in_other(p), k, Rounding::Down)?;
        Ok(Holdings {
            base: b0.checked_add(sold).ok_or(CurveError::Overflow)?,
            quote: s,
        })
    }
}

/// `target sqrt(num / den)`, at least one unit (the curve never empties a side).
fn level(target: u128, num: crate::math::U256, den: crate::math::U256) -> Result<u128, CurveError> {
    if den.is_zero() {
        return Ok(target);
    }
    let squared = full_mul(mul(wide(target), wide(target))?, num);
    let ratio = narrow512(div512(squared, U512::from(den), Rounding::Down)?)?;
    let root = narrow(sqrt512(U512::from(ratio), Rounding::Down)?)?;
    Ok(root.clamp(1, target.max(1)))
}

fn signed_difference(a: u128, b: u128) -> Result<i128, CurveError> {
    let (a, b) = (
        i128::try_from(a).map_err(|_| CurveError::Overflow)?,
        i128::try_from(b).map_err(|_| CurveError::Overflow)?,
    );
    a.checked_sub(b).ok_or(CurveError::Overflow)
}

#[cfg(test)]
mod tests;
