//! Quoting and applying a swap: exact-in and exact-out, fee included, limits enforced.
//!
//! A trade that sells the pool's short token first refills it to target (the long side's excess
//! pays for that leg) and, if anything is left, continues on the other side of the curve, which it
//! then leaves short: DODO's piecewise "back to one" trade. The fee is charged on the input token
//! and stays in the pool; when that token is the long side its target (the LPs' claim) grows by
//! the fee, when it is the short side the re-derived target absorbs it.

use crate::math::{mul_div_u128, Rounding, ONE};
use crate::pmm::{integrate, premium, solve_trade, Direction};
use crate::state::{Asset, PoolState, Regime};
use crate::{CurveError, CurveParams, Market, MAX_RESERVE};

/// A priced swap and the state it leaves; nothing is applied until the caller stores `after`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "scale",
    derive(parity_scale_codec::Encode, parity_scale_codec::Decode, scale_info::TypeInfo)
)]
pub struct Trade {
    pub asset_in: Asset,
    /// Paid by the trader, fee included.
    pub amount_in: u128,
    /// Paid to the trader.
    pub amount_out: u128,
    /// Part of `amount_in` kept as fee.
    pub fee: u128,
    pub after: PoolState,
}

#[derive(Clone, Copy)]
enum Want {
    In(u128),
    Out(u128),
}

#[derive(Clone, Copy)]
struct Move {
    curve_in: u128,
    out: u128,
    after: PoolState,
}

/// Prices selling exactly `amount_in` of `asset_in`.
///
/// # Errors
/// [`CurveError::ZeroAmount`], [`CurveError::ZeroOutput`] for dust,
/// [`CurveError::ReserveLimitExceeded`], [`CurveError::InsufficientLiquidity`],
/// [`CurveError::PriceBandExceeded`], [`CurveError::InventoryLimitExceeded`].
pub fn swap_exact_in(
    state: &PoolState,
    market: &Market,
    params: &CurveParams,
    asset_in: Asset,
    amount_in: u128,
) -> Result<Trade, CurveError> {
    #[cfg(feature = "memo")]
    return crate::memo::swap(&(*state, *market, *params, asset_in, amount_in), || {
        price_exact_in(state, market, params, asset_in, amount_in)
    });
    #[cfg(not(feature = "memo"))]
    price_exact_in(state, market, params, asset_in, amount_in)
}

fn price_exact_in(
    state: &PoolState,
    market: &Market,
    params: &CurveParams,
    asset_in: Asset,
    amount_in: u128,
) -> Result<Trade, CurveError> {
    if amount_in == 0 {
        return Err(CurveError::ZeroAmount);
    }
    check_reserve(state.reserve(asset_in), amount_in)?;
    let fee = mul_div_u128(amount_in, market.fee, ONE, Rounding::Up)?;
    let net = amount_in.checked_sub(fee).ok_or(CurveError::Overflow)?;
    let moved = move_along(state, market, asset_in, Want::In(net))?;
    if moved.out == 0 {
        return Err(CurveError::ZeroOutput);
    }
    finish(market, params, asset_in, amount_in, fee, moved)
}

/// Prices buying exactly `amount_out` of the other token with `asset_in`.
///
/// # Errors
/// As [`swap_exact_in`].
pub fn swap_exact_out(
    state: &PoolState,
    market: &Market,
    params: &CurveParams,
    asset_in: Asset,
    amount_out: u128,
) -> Result<Trade, CurveError> {
    if amount_out == 0 {
        return Err(CurveError::ZeroAmount);
    }
    if amount_out >= state.reserve(asset_in.other()) {
        return Err(CurveError::InsufficientLiquidity);
    }
    let moved = move_along(state, market, asset_in, Want::Out(amount_out))?;
    let keep = ONE.checked_sub(market.fee).ok_or(CurveError::InvalidParameter)?;
    let amount_in = mul_div_u128(moved.curve_in, ONE, keep, Rounding::Up)?.max(1);
    check_reserve(state.reserve(asset_in), amount_in)?;
    let fee = amount_in
        .checked_sub(moved.curve_in)
        .ok_or(CurveError::Overflow)?;
    finish(market, params, asset_in, amount_in, fee, moved)
}

fn check_reserve(reserve: u128, amount_in: u128) -> Result<(), CurveError> {
    match reserve.checked_add(amount_in) {
        Some(total) if total <= MAX_RESERVE => Ok(()),
        _ => Err(CurveError::ReserveLimitExceeded),
    }
}

fn move_along(state: &PoolState, market: &Market, x: Asset, want: Want) -> Result<Move, CurveError> {
    if state.regime.short() != Some(x) {
        return drain(
            &state.equilibrate(market.price, market.k, Rounding::Up)?,
            market,
            x,
            want,
        );
    }
    // The trader sells the short token: refill toward target first.
    let y = x.other();
    let down = state.equilibrate(market.price, market.k, Rounding::Down)?;
    if down.regime == Regime::Balanced {
        return drain(&down, market, x, want);
    }
    let (s1, s0) = (down.reserve(x), down.target(x));
    let (l1, l0) = (down.reserve(y), down.target(y));
    let excess = l1.checked_sub(l0).ok_or(CurveError::Overflow)?;
    let room = s0.checked_sub(s1).ok_or(CurveError::Overflow)?;
    let price = x.price_in_other(market.price);
    let within = match want {
        Want::In(net) if net <= room => {
            let hi = s1.checked_add(net).ok_or(CurveError::Overflow)?;
            let out = integrate(s0, hi, s1, price, market.k, Rounding::Down)?.min(excess);
            Some((net, out))
        }
        Want::Out(out) if out < excess => {
            let s2 = solve_trade(s0, s1, out, price, market.k, Direction::Refill)?;
            // The refill curve is anchored at the target rounded down, so its last units can
            // cost a unit more than the crossing below charges for the whole excess; never ask
            // more for less.
            let cost = s2.checked_sub(s1).ok_or(CurveError::Overflow)?;
            Some((cost.min(room.checked_add(1).ok_or(CurveError::Overflow)?), out))
        }
        _ => None,
    };
    if let Some((curve_in, out)) = within {
        let mut after = down;
        after.set_reserve(x, s1.checked_add(curve_in).ok_or(CurveError::Overflow)?);
        after.set_reserve(y, l1.checked_sub(out).ok_or(CurveError::Overflow)?);
        return Ok(Move { curve_in, out, after });
    }
    // Crosses the target: the refill leg costs the rounded-up distance and pays the whole excess.
    let leg1_in = room.checked_add(1).ok_or(CurveError::Overflow)?;
    let mut refilled = down;
    refilled.set_reserve(x, s1.checked_add(leg1_in).ok_or(CurveError::Overflow)?);
    refilled.set_reserve(y, l0);
    let at_target = PoolState::balanced(refilled.base_reserve, refilled.quote_reserve);
    let rest = match want {
        Want::In(net) => Want::In(net.saturating_sub(leg1_in)),
        Want::Out(out) => Want::Out(out.checked_sub(excess).ok_or(CurveError::Overflow)?),
    };
    let leg2 = drain(&at_target, market, x, rest)?;
    Ok(Move {
        curve_in: leg1_in.checked_add(leg2.curve_in).ok_or(CurveError::Overflow)?,
        out: excess.checked_add(leg2.out).ok_or(CurveError::Overflow)?,
        after: leg2.after,
    })
}

/// Sells `x` into an equilibrated pool that is short of the other token (or balanced).
fn drain(eq: &PoolState, market: &Market, x: Asset, want: Want) -> Result<Move, CurveError> {
    let y = x.other();
    let (y1, y0) = (eq.reserve(y), eq.target(y));
    let price = y.price_in_other(market.price);
    let (curve_in, out) = match want {
        Want::In(0) | Want::Out(0) => (0, 0),
        Want::In(net) => {
            let s2 = solve_trade(y0, y1, net, price, market.k, Direction::Drain)?;
            (net, y1.checked_sub(s2).ok_or(CurveError::Overflow)?)
        }
        Want::Out(out) => {
            let lo = y1
                .checked_sub(out)
                .filter(|lo| *lo > 0)
                .ok_or(CurveError::InsufficientLiquidity)?;
            (integrate(y0, y1, lo, price, market.k, Rounding::Up)?, out)
        }
    };
    let mut after = *eq;
    after.set_reserve(
        x,
        eq.reserve(x).checked_add(curve_in).ok_or(CurveError::Overflow)?,
    );
    after.set_reserve(y, y1.checked_sub(out).ok_or(CurveError::Overflow)?);
    if out > 0 {
        after.regime = Regime::short_of(y);
    }
    Ok(Move { curve_in, out, after })
}

fn finish(
    market: &Market,
    params: &CurveParams,
    x: Asset,
    amount_in: u128,
    fee: u128,
    moved: Move,
) -> Result<Trade, CurveError> {
    let mut after = moved.after;
    let reserve = after.reserve(x).checked_add(fee).ok_or(CurveError::Overflow)?;
    after.set_reserve(x, reserve);
    if after.regime.short() != Some(x) {
        after.set_target(x, after.target(x).checked_add(fee).ok_or(CurveError::Overflow)?);
    }
    if after.base_reserve > MAX_RESERVE || after.quote_reserve > MAX_RESERVE {
        return Err(CurveError::ReserveLimitExceeded);
    }
    // Limits bind only trades that leave the input token long, i.e. that added to the imbalance;
    // a trade toward target is always allowed, however far the oracle has moved the curve.
    if after.regime.short() == Some(x.other()) {
        check_band(&after, market, params)?;
        if after.inventory(market.price)?.unsigned_abs() > params.q_max {
            return Err(CurveError::InventoryLimitExceeded);
        }
    }
    Ok(Trade {
        asset_in: x,
        amount_in,
        amount_out: moved.out,
        fee,
        after,
    })
}

/// The marginal price must stay within `oracle * (1 +/- max_skew)`.
fn check_band(after: &PoolState, market: &Market, params: &CurveParams) -> Result<(), CurveError> {
    let Some(short) = after.regime.short() else {
        return Ok(());
    };
    let f = premium(after.target(short), after.reserve(short), market.k, Rounding::Up)?;
    let within = match short {
        // Base dearer: i * f <= i * (1 + s).
        Asset::Base => f <= ONE.saturating_add(params.max_skew),
        // Base cheaper: i / f >= i * (1 - s), i.e. f * (1 - s) <= 1.
        Asset::Quote => {
            let floor = ONE
                .checked_sub(params.max_skew)
                .ok_or(CurveError::InvalidParameter)?;
            mul_div_u128(f, floor, ONE, Rounding::Up)? <= ONE
        }
    };
    if within {
        Ok(())
    } else {
        Err(CurveError::PriceBandExceeded)
    }
}
