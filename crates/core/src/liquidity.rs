//! LP share arithmetic: first mint, proportional deposits and withdrawals.
//!
//! Shares are a pro-rata claim on the reserves. Deposits after the first are taken in the pool's
//! current reserve ratio (rounded up, in the pool's favour) and shares are minted rounded down;
//! withdrawals pay out rounded down. Targets scale with the shares so the curve keeps its shape.

use crate::math::{full_mul, mul_div_u128, narrow, sqrt512, wide, Rounding};
use crate::state::PoolState;
use crate::{CurveError, MAX_RESERVE};

/// Shares locked forever at the first mint, so the share price can never be inflated from one
/// share (the first-depositor donation attack).
pub const MINIMUM_LIQUIDITY: u128 = 1_000;

/// A deposit as the pool accepts it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deposit {
    pub base_in: u128,
    pub quote_in: u128,
    /// Shares minted to the depositor (the first deposit's locked shares excluded).
    pub shares: u128,
    /// Shares locked at the first deposit; zero afterwards.
    pub locked: u128,
    pub after: PoolState,
}

/// A withdrawal as the pool pays it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Withdrawal {
    pub base_out: u128,
    pub quote_out: u128,
    pub after: PoolState,
}

/// Prices a deposit of at most `base_max` and `quote_max`.
///
/// The first deposit takes both amounts as given and mints `sqrt(base * quote)` shares, of which
/// [`MINIMUM_LIQUIDITY`] are locked. Later deposits take the largest amounts in the reserve ratio
/// that fit both maxima.
///
/// # Errors
/// [`CurveError::ZeroAmount`] for a zero amount or a deposit too small to mint a share,
/// [`CurveError::ReserveLimitExceeded`] past [`MAX_RESERVE`].
pub fn deposit(
    state: &PoolState,
    total_shares: u128,
    base_max: u128,
    quote_max: u128,
) -> Result<Deposit, CurveError> {
    check_amounts(base_max, quote_max)?;
    if total_shares == 0 {
        return Ok(Deposit {
            base_in: base_max,
            quote_in: quote_max,
            shares: first_mint(base_max, quote_max)?,
            locked: MINIMUM_LIQUIDITY,
            after: PoolState::balanced(base_max, quote_max),
        });
    }
    let reserves = (state.base_reserve, state.quote_reserve);
    let (base_in, quote_in, shares) = proportional(reserves, total_shares, base_max, quote_max)?;
    let mut after = *state;
    after.base_reserve = add_within_limit(state.base_reserve, base_in)?;
    after.quote_reserve = add_within_limit(state.quote_reserve, quote_in)?;
    after.base_target = state
        .base_target
        .checked_add(mul_div_u128(
            shares,
            state.base_target,
            total_shares,
            Rounding::Down,
        )?)
        .ok_or(CurveError::Overflow)?;
    after.quote_target = state
        .quote_target
        .checked_add(mul_div_u128(
            shares,
            state.quote_target,
            total_shares,
            Rounding::Down,
        )?)
        .ok_or(CurveError::Overflow)?;
    Ok(Deposit {
        base_in,
        quote_in,
        shares,
        locked: 0,
        after,
    })
}

/// Prices burning `shares` of `total_shares`.
///
/// # Errors
/// [`CurveError::ZeroAmount`] for zero shares, [`CurveError::InsufficientLiquidity`] for all the
/// shares or more (the locked ones never leave), [`CurveError::ZeroOutput`] when both amounts
/// round to zero, so dust shares are not burnt for nothing. One side may round to zero: a pool
/// whose inventory is all on one side pays that side alone.
pub fn withdraw(state: &PoolState, total_shares: u128, shares: u128) -> Result<Withdrawal, CurveError> {
    let (base_out, quote_out) = pro_rata((state.base_reserve, state.quote_reserve), total_shares, shares)?;
    if base_out == 0 && quote_out == 0 {
        return Err(CurveError::ZeroOutput);
    }
    let mut after = *state;
    after.base_reserve = state
        .base_reserve
        .checked_sub(base_out)
        .ok_or(CurveError::Overflow)?;
    after.quote_reserve = state
        .quote_reserve
        .checked_sub(quote_out)
        .ok_or(CurveError::Overflow)?;
    // Targets shrink rounded up so the long side's reserve never falls below its target.
    after.base_target = state.base_target.saturating_sub(mul_div_u128(
        state.base_target,
        shares,
        total_shares,
        Rounding::Up,
    )?);
    after.quote_target = state.quote_target.saturating_sub(mul_div_u128(
        state.quote_target,
        shares,
        total_shares,
        Rounding::Up,
    )?);
    Ok(Withdrawal {
        base_out,
        quote_out,
        after,
    })
}

// Share arithmetic over any two reserves, shared with the constant-product venue (`cpmm`).

/// Refuses a zero amount or one past [`MAX_RESERVE`].
pub(crate) fn check_amounts(a_max: u128, b_max: u128) -> Result<(), CurveError> {
    if a_max == 0 || b_max == 0 {
        return Err(CurveError::ZeroAmount);
    }
    if a_max > MAX_RESERVE || b_max > MAX_RESERVE {
        return Err(CurveError::ReserveLimitExceeded);
    }
    Ok(())
}

/// Shares a first deposit of `a` and `b` mints to its depositor: `sqrt(a * b)` less the
/// [`MINIMUM_LIQUIDITY`] locked.
pub(crate) fn first_mint(a: u128, b: u128) -> Result<u128, CurveError> {
    let minted = narrow(sqrt512(full_mul(wide(a), wide(b)), Rounding::Down)?)?;
    minted
        .checked_sub(MINIMUM_LIQUIDITY)
        .filter(|s| *s > 0)
        .ok_or(CurveError::ZeroAmount)
}

/// A later deposit into `reserves` with `total_shares` outstanding: the largest amounts in the
/// reserve ratio that fit both maxima, as `(a_in, b_in, shares)`; shares rounded down, the
/// amounts taken for them up.
pub(crate) fn proportional(
    reserves: (u128, u128),
    total_shares: u128,
    a_max: u128,
    b_max: u128,
) -> Result<(u128, u128, u128), CurveError> {
    let by_a = mul_div_u128(a_max, total_shares, reserves.0, Rounding::Down)?;
    let by_b = mul_div_u128(b_max, total_shares, reserves.1, Rounding::Down)?;
    let shares = by_a.min(by_b);
    if shares == 0 {
        return Err(CurveError::ZeroAmount);
    }
    let a_in = mul_div_u128(shares, reserves.0, total_shares, Rounding::Up)?;
    let b_in = mul_div_u128(shares, reserves.1, total_shares, Rounding::Up)?;
    Ok((a_in, b_in, shares))
}

/// What burning `shares` of `total_shares` pays from `reserves`, rounded down.
///
/// # Errors
/// [`CurveError::ZeroAmount`] for zero shares, [`CurveError::InsufficientLiquidity`] for all the
/// shares or more (the locked ones never leave).
pub(crate) fn pro_rata(
    reserves: (u128, u128),
    total_shares: u128,
    shares: u128,
) -> Result<(u128, u128), CurveError> {
    if shares == 0 {
        return Err(CurveError::ZeroAmount);
    }
    if shares >= total_shares {
        return Err(CurveError::InsufficientLiquidity);
    }
    Ok((
        mul_div_u128(reserves.0, shares, total_shares, Rounding::Down)?,
        mul_div_u128(reserves.1, shares, total_shares, Rounding::Down)?,
    ))
}

pub(crate) fn add_within_limit(reserve: u128, amount: u128) -> Result<u128, CurveError> {
    reserve
        .checked_add(amount)
        .filter(|total| *total <= MAX_RESERVE)
        .ok_or(CurveError::ReserveLimitExceeded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_refused_when_either_is_zero_or_past_the_reserve_limit() {
        for (a, b) in [(0, 1), (1, 0)] {
            assert_eq!(check_amounts(a, b), Err(CurveError::ZeroAmount), "{a}, {b}");
        }
        for (a, b) in [(MAX_RESERVE + 1, 1), (1, MAX_RESERVE + 1)] {
            assert_eq!(
                check_amounts(a, b),
                Err(CurveError::ReserveLimitExceeded),
                "{a}, {b}"
            );
        }
        assert_eq!(check_amounts(MAX_RESERVE, MAX_RESERVE), Ok(()));
        assert_eq!(check_amounts(1, 1), Ok(()));
    }

    #[test]
    fn first_deposit_locks_minimum_liquidity() {
        let d = deposit(&PoolState::default(), 0, 4_000_000, 1_000_000).unwrap();
        assert_eq!(
            (d.shares, d.locked),
            (2_000_000 - MINIMUM_LIQUIDITY, MINIMUM_LIQUIDITY)
        );
        assert_eq!(d.after, PoolState::balanced(4_000_000, 1_000_000));
    }

    #[test]
    fn later_deposit_is_proportional_and_rounds_up() {
        let state = PoolState::balanced(3_000, 1_000);
        let d = deposit(&state, 1_000, 1_000, 1_000).unwrap();
        assert_eq!((d.base_in, d.quote_in, d.shares), (999, 333, 333));
    }

    #[test]
    fn withdrawal_is_pro_rata_rounded_down() {
        let state = PoolState::balanced(3_001, 1_001);
        let w = withdraw(&state, 3_000, 1_000).unwrap();
        assert_eq!((w.base_out, w.quote_out), (1_000, 333));
        assert!(withdraw(&state, 3_000, 3_000).is_err());
    }

    #[test]
    fn withdrawal_of_dust_is_refused_unless_one_side_pays() {
        let state = PoolState::balanced(3_001, 1_001);
        assert_eq!(
            withdraw(&state, 1_000_000, 1).map(|w| w.after),
            Err(CurveError::ZeroOutput)
        );
        // 400 of 1,000,000 shares: 1 base (1.2004 rounded down), no quote.
        let w = withdraw(&state, 1_000_000, 400).unwrap();
        assert_eq!((w.base_out, w.quote_out), (1, 0));
    }
}
