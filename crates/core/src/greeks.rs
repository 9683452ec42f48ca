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
//!   the base the pool sells as the price rises and buys as it falls, from where arbitrage at
//!   the oracle price leaves it (nothing moves while the fee is wider than 1%). A flatter curve
//!   (lower `k`) trades more inventory per move.
//! - **vega** is the change in `V`, after a 1% move (the mean of both ways), when the oracle's
//!   volatility is 10 points higher. Volatility reaches the position through `k` and the fee: a
//!   steeper curve gives up less inventory on a move and a wider fee earns more from it, so a pool
//!   at its targets gains. Off its targets a steeper curve also quotes further from the oracle on
//!   the side that takes it back, and vega can be negative. `k` is taken at once as far as its
//!   target moves; on chain it ramps there by `k_ramp` per 6 s, so over a single reading vega
//!   overstates `k`'s part.
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

use crate::math::{add, div512, full_mul, mul, mul_div, narrow, sqrt512, wide, Rounding, ONE, U256, U512};
use crate::pmm::integrate;
use crate::state::{Asset, Holdings, PoolState, Regime};
use crate::{CurveError, Market};

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
    /// the volatility is 10 points higher; `None` when that is past the bounds.
    pub vega: Option<i128>,
}

/// A 1% move, as a share of the price (1e18).
const MOVE: u128 = ONE / 100;

/// Ten points of annualised volatility (1e18).
pub const VEGA_BUMP: u128 = ONE / 10;

/// The pool's Greeks at `market`. `bumped` is the same reading's market at 10 points more
/// volatility ([`VEGA_BUMP`]): its `k` and fee. Delta and gamma are read from the state the
/// curve reaches at the oracle price (a pool whose quotes leave the oracle price outside its bid
/// and ask is traded there first), the moves from there.
///
/// # Errors
/// [`CurveError::InsufficientLiquidity`] for a pool with an empty side; the curve's errors past
/// the bounds. Vega alone may be unreadable ([`Greeks::vega`] is then `None`).
pub fn greeks(state: &PoolState, market: &Market, bumped: &Market) -> Result<Greeks, CurveError> {
    if state.base_reserve == 0 || state.quote_reserve == 0 {
        return Err(CurveError::InsufficientLiquidity);
    }
    let p = market.price;
    let (up, down) = (moved(p, true)?, moved(p, false)?);
    // Re-derived, so a fee left on the short side counts in its target as the pool's views see it.
    let now = arbitraged(state, market, p)?.equilibrate(p, market.k, Rounding::Down)?;
    let rise = arbitraged(&now, market, up)?;
    let fall = arbitraged(&now, market, down)?;
    Ok(Greeks {
        delta: now.base_reserve,
        delta_vs_target: signed_difference(now.base_reserve, now.base_target)?,
        gamma_up: signed_difference(rise.base_reserve, now.base_reserve)?,
        gamma_down: signed_difference(fall.base_reserve, now.base_reserve)?,
        vega: vega(state, bumped, (up, down), (&rise, &fall)).ok(),
    })
}

/// `p` moved 1% up or down.
fn moved(p: u128, up: bool) -> Result<u128, CurveError> {
    let factor = if up {
        ONE.saturating_add(MOVE)
    } else {
        ONE.saturating_sub(MOVE)
    };
    narrow(mul_div(wide(p), wide(factor), wide(ONE), Rounding::Down)?)
}

/// Half the sum, over a 1% rise and fall, of what the pool holds more at `bumped` than it does.
fn vega(
    state: &PoolState,
    bumped: &Market,
    (up, down): (u128, u128),
    (rise, fall): (&PoolState, &PoolState),
) -> Result<i128, CurveError> {
    let now = arbitraged(state, bumped, bumped.price)?;
    let gained = |cold: &PoolState, m: u128| -> Result<i128, CurveError> {
        let hot = arbitraged(&now, bumped, m)?;
        signed_difference(Holdings::of(&hot).value(m)?, Holdings::of(cold).value(m)?)
    };
    let sum = gained(rise, up)?
        .checked_add(gained(fall, down)?)
        .ok_or(CurveError::Overflow)?;
    Ok(sum / 2)
}

/// The state arbitrageurs leave once they have traded the pool to the all-in price `m` (quote per
/// base, 1e18) at `market`, between readings: `state` re-derived at `market` when `m` lies
/// between its bid and ask. The fee stays in the reserve of the token paid in, and in its target
/// when that token is the long side, as a swap books it.
///
/// # Errors
/// [`CurveError::InsufficientLiquidity`] for an empty side; the curve's errors past the bounds.
pub fn arbitraged(state: &PoolState, market: &Market, m: u128) -> Result<PoolState, CurveError> {
    let eq = state.equilibrate(market.price, market.k, Rounding::Down)?;
    let mid = eq.marginal_price(market.price, market.k)?;
    let keep = ONE.checked_sub(market.fee).ok_or(CurveError::InvalidParameter)?;
    let ask = narrow(mul_div(wide(mid), wide(ONE), wide(keep), Rounding::Up)?)?;
    let bid = narrow(mul_div(wide(mid), wide(keep), wide(ONE), Rounding::Down)?)?;
    let (e, paid_in) = if m > ask {
        // Buyers of base pay quote: the pre-fee price is `m (1 - fee)`.
        let e = mul_div(wide(m), wide(keep), wide(ONE), Rounding::Down)?;
        (narrow(e)?, Asset::Quote)
    } else if m < bid {
        // Sellers of base pay base: the pre-fee price is `m / (1 - fee)`.
        let e = mul_div(wide(m), wide(ONE), wide(keep), Rounding::Up)?;
        (narrow(e)?, Asset::Base)
    } else {
        return Ok(eq);
    };
    let mut at = curve_at(&eq, market, e)?;
    let net = at.reserve(paid_in).saturating_sub(eq.reserve(paid_in));
    let fee = narrow(mul_div(wide(net), wide(market.fee), wide(keep), Rounding::Down)?)?;
    let reserve = at.reserve(paid_in).checked_add(fee).ok_or(CurveError::Overflow)?;
    at.set_reserve(paid_in, reserve);
    if at.regime.short() != Some(paid_in) {
        let target = at.target(paid_in).checked_add(fee).ok_or(CurveError::Overflow)?;
        at.set_target(paid_in, target);
    }
    Ok(at)
}

/// The curve's state at the pre-fee marginal price `e`, with `eq`'s targets (module docs).
fn curve_at(eq: &PoolState, market: &Market, e: u128) -> Result<PoolState, CurveError> {
    let (p, k) = (market.price, market.k);
    // The level's share of its target, squared: k p / (e - p + k p) on the base-short side,
    // k e / (p - e + k e) on the quote-short one; both scaled by ONE, so nothing is floored.
    let (short, target, kx, gap) = if e >= p {
        let kp = mul(wide(k), wide(p))?;
        (
            Asset::Base,
            eq.base_target,
            kp,
            add(mul(wide(e.saturating_sub(p)), wide(ONE))?, kp)?,
        )
    } else {
        let ke = mul(wide(k), wide(e))?;
        (
            Asset::Quote,
            eq.quote_target,
            ke,
            add(mul(wide(p.saturating_sub(e)), wide(ONE))?, ke)?,
        )
    };
    let s = level(target, kx, gap)?;
    let sold = integrate(target, target, s, short.price_in_other(p), k, Rounding::Down)?;
    let long = short.other();
    let mut at = PoolState {
        regime: if s < target {
            Regime::short_of(short)
        } else {
            Regime::Balanced
        },
        ..*eq
    };
    at.set_reserve(short, s);
    at.set_reserve(
        long,
        eq.target(long).checked_add(sold).ok_or(CurveError::Overflow)?,
    );
    Ok(at)
}

/// `target sqrt(num / den)`, at least one unit (the curve never empties a side).
///
/// # Errors
/// [`CurveError::InsufficientLiquidity`] for an empty target.
fn level(target: u128, num: U256, den: U256) -> Result<u128, CurveError> {
    if target == 0 {
        return Err(CurveError::InsufficientLiquidity);
    }
    if den.is_zero() {
        return Ok(target);
    }
    let squared = full_mul(mul(wide(target), wide(target))?, num);
    let ratio = div512(squared, U512::from(den), Rounding::Down)?;
    let root = narrow(sqrt512(ratio, Rounding::Down)?)?;
    Ok(root.clamp(1, target))
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
