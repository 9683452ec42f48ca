//! Constant-product market maker math (Uniswap v2): the venue the keeper rebalances on and the
//! baseline Keel's pool is compared with.
//!
//! The venue holds reserves `R_a`, `R_b` and trades along `R_a * R_b = k`, charging its fee on the
//! input. The fee stays in the reserves, so `k` grows with every swap and the LPs earn it.
//! Every division rounds in the venue's favour: outputs and shares down, deposits up, so no
//! sequence of calls can take out more than it put in.

use crate::liquidity::{
    add_within_limit, check_amounts, first_mint, pro_rata, proportional, MINIMUM_LIQUIDITY,
};
use crate::math::{add, mul, mul_div, narrow, wide, Rounding, BPS, U256};
use crate::{CurveError, MAX_RESERVE};

/// Highest swap fee a venue may charge: 1,000 bps (10%). Uniswap v2 charges 30 bps; the bound
/// only stops a typo from deploying a venue that confiscates trades.
pub const FEE_BPS_MAX: u32 = 1_000;

/// A constant-product venue's reserves, as it accounts them (tokens sent to it without a swap or
/// deposit are not counted).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[cfg_attr(
    feature = "scale",
    derive(parity_scale_codec::Encode, parity_scale_codec::Decode, scale_info::TypeInfo)
)]
#[cfg_attr(
    all(feature = "ink", feature = "std"),
    derive(ink::storage::traits::StorageLayout)
)]
pub struct CpState {
    pub reserve_a: u128,
    pub reserve_b: u128,
}

/// One of the venue's two tokens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    A,
    B,
}

impl CpState {
    /// The invariant `R_a * R_b`. A product of two `u128` always fits in 256 bits.
    pub fn k(&self) -> U256 {
        wide(self.reserve_a).overflowing_mul(wide(self.reserve_b)).0
    }

    /// `(reserve of side_in, reserve of the other side)`.
    fn toward(&self, side_in: Side) -> (u128, u128) {
        match side_in {
            Side::A => (self.reserve_a, self.reserve_b),
            Side::B => (self.reserve_b, self.reserve_a),
        }
    }
}

/// A priced swap and the reserves it leaves; nothing is applied until the caller stores `after`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CpSwap {
    pub amount_out: u128,
    pub after: CpState,
}

/// A deposit as the venue accepts it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CpDeposit {
    pub amount_a: u128,
    pub amount_b: u128,
    /// Shares minted to the depositor (the first deposit's locked shares excluded).
    pub shares: u128,
    /// Shares locked at the first deposit; zero afterwards.
    pub locked: u128,
    pub after: CpState,
}

/// A withdrawal as the venue pays it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CpWithdrawal {
    pub amount_a: u128,
    pub amount_b: u128,
    pub after: CpState,
}

/// What selling `amount_in` into a venue holding `reserve_in` and `reserve_out` pays, after a fee
/// of `fee_bps`:
///
/// ```text
/// out = floor(in * (10000 - fee) * R_out / (R_in * 10000 + in * (10000 - fee)))
/// ```
///
/// The output is always below `reserve_out`, so a swap can never empty the venue.
///
/// # Errors
/// [`CurveError::ZeroAmount`], [`CurveError::InsufficientLiquidity`] when a reserve is empty,
/// [`CurveError::ZeroOutput`] for dust, [`CurveError::ReserveLimitExceeded`] when a reserve would
/// pass [`MAX_RESERVE`], [`CurveError::InvalidParameter`] for a fee above [`FEE_BPS_MAX`].
pub fn amount_out(
    reserve_in: u128,
    reserve_out: u128,
    amount_in: u128,
    fee_bps: u32,
) -> Result<u128, CurveError> {
    if amount_in == 0 {
        return Err(CurveError::ZeroAmount);
    }
    if fee_bps > FEE_BPS_MAX {
        return Err(CurveError::InvalidParameter);
    }
    if reserve_in == 0 || reserve_out == 0 {
        return Err(CurveError::InsufficientLiquidity);
    }
    if reserve_out > MAX_RESERVE {
        return Err(CurveError::ReserveLimitExceeded);
    }
    add_within_limit(reserve_in, amount_in)?;
    let kept_bps = BPS
        .checked_sub(u128::from(fee_bps))
        .ok_or(CurveError::InvalidParameter)?;
    let in_after_fee = mul(wide(amount_in), wide(kept_bps))?;
    let denominator = add(mul(wide(reserve_in), wide(BPS))?, in_after_fee)?;
    let out = narrow(mul_div(
        in_after_fee,
        wide(reserve_out),
        denominator,
        Rounding::Down,
    )?)?;
    if out == 0 {
        return Err(CurveError::ZeroOutput);
    }
    Ok(out)
}

/// Prices selling exactly `amount_in` of `side_in` on `state`; the whole input, fee included,
/// joins the reserves.
///
/// # Errors
/// As [`amount_out`].
pub fn swap(state: &CpState, side_in: Side, amount_in: u128, fee_bps: u32) -> Result<CpSwap, CurveError> {
    let (reserve_in, reserve_out) = state.toward(side_in);
    let out = amount_out(reserve_in, reserve_out, amount_in, fee_bps)?;
    let new_in = add_within_limit(reserve_in, amount_in)?;
    let new_out = reserve_out
        .checked_sub(out)
        .ok_or(CurveError::InsufficientLiquidity)?;
    let after = match side_in {
        Side::A => CpState {
            reserve_a: new_in,
            reserve_b: new_out,
        },
        Side::B => CpState {
            reserve_a: new_out,
            reserve_b: new_in,
        },
    };
    Ok(CpSwap {
        amount_out: out,
        after,
    })
}

/// Prices a deposit of at most `a_max` and `b_max` into a venue with `total_shares` outstanding.
///
/// The first deposit takes both amounts as given and mints `sqrt(a * b)` shares, of which
/// [`MINIMUM_LIQUIDITY`] are locked so the share price can never be inflated from one share.
/// Later deposits take the largest amounts in the reserve ratio that fit both maxima: shares are
/// rounded down, the amounts taken for them up.
///
/// # Errors
/// [`CurveError::ZeroAmount`] for a zero amount or a deposit too small to mint a share,
/// [`CurveError::ReserveLimitExceeded`] past [`MAX_RESERVE`],
/// [`CurveError::InsufficientLiquidity`] for shares outstanding on an empty reserve.
pub fn deposit(
    state: &CpState,
    total_shares: u128,
    a_max: u128,
    b_max: u128,
) -> Result<CpDeposit, CurveError> {
    check_amounts(a_max, b_max)?;
    if total_shares == 0 {
        return Ok(CpDeposit {
            amount_a: a_max,
            amount_b: b_max,
            shares: first_mint(a_max, b_max)?,
            locked: MINIMUM_LIQUIDITY,
            after: CpState {
                reserve_a: a_max,
                reserve_b: b_max,
            },
        });
    }
    if state.reserve_a == 0 || state.reserve_b == 0 {
        return Err(CurveError::InsufficientLiquidity);
    }
    let reserves = (state.reserve_a, state.reserve_b);
    let (amount_a, amount_b, shares) = proportional(reserves, total_shares, a_max, b_max)?;
    Ok(CpDeposit {
        amount_a,
        amount_b,
        shares,
        locked: 0,
        after: CpState {
            reserve_a: add_within_limit(state.reserve_a, amount_a)?,
            reserve_b: add_within_limit(state.reserve_b, amount_b)?,
        },
    })
}

/// Prices burning `shares` of `total_shares`: the pro-rata part of each reserve, rounded down.
///
/// # Errors
/// [`CurveError::ZeroAmount`] for zero shares, [`CurveError::InsufficientLiquidity`] for all the
/// shares or more (the locked ones never leave), [`CurveError::ZeroOutput`] when either amount
/// rounds to zero, so dust shares are not burnt for nothing.
pub fn withdraw(state: &CpState, total_shares: u128, shares: u128) -> Result<CpWithdrawal, CurveError> {
    let (amount_a, amount_b) = pro_rata((state.reserve_a, state.reserve_b), total_shares, shares)?;
    if amount_a == 0 || amount_b == 0 {
        return Err(CurveError::ZeroOutput);
    }
    Ok(CpWithdrawal {
        amount_a,
        amount_b,
        after: CpState {
            reserve_a: state
                .reserve_a
                .checked_sub(amount_a)
                .ok_or(CurveError::Overflow)?,
            reserve_b: state
                .reserve_b
                .checked_sub(amount_b)
                .ok_or(CurveError::Overflow)?,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const UNIT: u128 = crate::ONE;

    fn state(a: u128, b: u128) -> CpState {
        CpState {
            reserve_a: a,
            reserve_b: b,
        }
    }

    #[test]
    fn output_follows_the_uniswap_v2_formula_rounded_down() {
        // 100 * 9970 * 1000 / (1000 * 10000 + 100 * 9970) = 90.66..
        assert_eq!(amount_out(1_000, 1_000, 100, 30), Ok(90));
        // without a fee: 100 * 1000 / 1100 = 90.9..
        assert_eq!(amount_out(1_000, 1_000, 100, 0), Ok(90));
        assert_eq!(amount_out(1_000, 1_000, 1_000, 0), Ok(500));
    }

    #[test]
    fn swap_moves_both_reserves() {
        let s = swap(&state(1_000, 2_000), Side::B, 100, 30).unwrap();
        assert_eq!(s.amount_out, 47); // 997000 * 1000 / 20997000 = 47.48..
        assert_eq!(s.after, state(953, 2_100));
    }

    #[test]
    fn refusals_are_named() {
        assert_eq!(amount_out(1_000, 1_000, 0, 30), Err(CurveError::ZeroAmount));
        assert_eq!(
            amount_out(0, 1_000, 10, 30),
            Err(CurveError::InsufficientLiquidity)
        );
        assert_eq!(
            amount_out(1_000, 0, 10, 30),
            Err(CurveError::InsufficientLiquidity)
        );
        assert_eq!(amount_out(1_000_000, 1_000, 10, 30), Err(CurveError::ZeroOutput));
        assert_eq!(
            amount_out(MAX_RESERVE, 1_000, 1, 30),
            Err(CurveError::ReserveLimitExceeded)
        );
        assert_eq!(
            amount_out(1_000, 1_000, 10, FEE_BPS_MAX + 1),
            Err(CurveError::InvalidParameter)
        );
        // an output reserve at the limit is a venue, one unit past it is refused
        assert!(amount_out(1_000, MAX_RESERVE, 10, 30).is_ok());
        assert_eq!(
            amount_out(1_000, MAX_RESERVE + 1, 10, 30),
            Err(CurveError::ReserveLimitExceeded)
        );
        // shares outstanding on an empty reserve, either one: no deposit can be priced
        for empty in [state(0, 1_000), state(1_000, 0)] {
            assert_eq!(
                deposit(&empty, 1_000, 10, 10).map(|d| d.shares),
                Err(CurveError::InsufficientLiquidity)
            );
        }
    }

    #[test]
    fn fee_bound_allows_the_maximum() {
        assert!(amount_out(1_000, 1_000, 100, FEE_BPS_MAX).is_ok());
    }

    #[test]
    fn first_deposit_locks_minimum_liquidity() {
        let d = deposit(&CpState::default(), 0, 4_000_000, 1_000_000).unwrap();
        assert_eq!(
            (d.shares, d.locked),
            (2_000_000 - MINIMUM_LIQUIDITY, MINIMUM_LIQUIDITY)
        );
        assert_eq!(d.after, state(4_000_000, 1_000_000));
        assert_eq!(
            deposit(&CpState::default(), 0, 1_000, 1_000),
            Err(CurveError::ZeroAmount)
        );
    }

    #[test]
    fn later_deposit_takes_the_ratio_rounding_amounts_up_and_shares_down() {
        let d = deposit(&state(3_000, 1_000), 1_000, 1_000, 1_000).unwrap();
        // 1,000 of A buys 333.3 shares, 1,000 of B 1,000: the A side binds, 333 shares.
        assert_eq!((d.amount_a, d.amount_b, d.shares, d.locked), (999, 333, 333, 0));
        let d = deposit(&state(3_001, 1_001), 1_000, 10, 10).unwrap();
        // 3 shares cost 9.003 A and 3.003 B, both taken as 10 and 4
        assert_eq!((d.amount_a, d.amount_b, d.shares), (10, 4, 3));
        assert_eq!(d.after, state(3_011, 1_005));
    }

    #[test]
    fn withdrawal_is_pro_rata_rounded_down_and_never_takes_the_locked_shares() {
        let w = withdraw(&state(3_001, 1_001), 3_000, 1_000).unwrap();
        assert_eq!((w.amount_a, w.amount_b), (1_000, 333));
        assert_eq!(w.after, state(2_001, 668));
        assert_eq!(
            withdraw(&state(3_001, 1_001), 3_000, 3_000),
            Err(CurveError::InsufficientLiquidity)
        );
        assert_eq!(
            withdraw(&state(3_001, 1_001), 3_000, 0),
            Err(CurveError::ZeroAmount)
        );
        assert_eq!(withdraw(&state(3_001, 10), 3_000, 1), Err(CurveError::ZeroOutput));
    }

    fn reserve() -> impl Strategy<Value = u128> {
        1_000_000u128..=1_000_000_000 * UNIT
    }

    fn side() -> impl Strategy<Value = Side> {
        prop_oneof![Just(Side::A), Just(Side::B)]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        #[test]
        fn k_never_decreases_through_a_swap(
            a in reserve(), b in reserve(), amount in 1u128..=1_000_000 * UNIT,
            fee in 0..=FEE_BPS_MAX, side in side(),
        ) {
            let start = state(a, b);
            // (`k` is the product itself, or the property below could not fail)
            prop_assert_eq!(start.k(), wide(a) * wide(b));
            if let Ok(s) = swap(&start, side, amount, fee) {
                prop_assert!(s.after.k() >= start.k());
                prop_assert!(s.after.reserve_a > 0 && s.after.reserve_b > 0);
            }
        }

        #[test]
        fn output_is_the_exact_floor(
            r_in in reserve(), r_out in reserve(), amount in 1u128..=1_000_000 * UNIT, fee in 0..=FEE_BPS_MAX,
        ) {
            // out is the largest integer keeping (R_in*10000 + in*(10000-fee)) * (R_out - out)
            // at or above R_in * R_out * 10000, the fee-adjusted invariant.
            if let Ok(out) = amount_out(r_in, r_out, amount, fee) {
                let kept = wide(amount) * wide(BPS - u128::from(fee));
                let grown = wide(r_in) * wide(BPS) + kept;
                let floor = wide(r_in) * wide(r_out) * wide(BPS);
                prop_assert!(grown * wide(r_out - out) >= floor);
                prop_assert!(grown * wide(r_out - out - 1) < floor);
            }
        }

        #[test]
        fn round_trip_never_profits(
            a in reserve(), b in reserve(), amount in 1u128..=1_000_000 * UNIT,
            fee in 0..=FEE_BPS_MAX, side in side(),
        ) {
            let back = match side { Side::A => Side::B, Side::B => Side::A };
            if let Ok(there) = swap(&state(a, b), side, amount, fee) {
                if let Ok(home) = swap(&there.after, back, there.amount_out, fee) {
                    prop_assert!(home.amount_out <= amount);
                }
            }
        }

        #[test]
        fn deposit_then_withdraw_never_profits_nor_dilutes(
            a in reserve(), b in reserve(), a_max in 1u128..=1_000_000 * UNIT, b_max in 1u128..=1_000_000 * UNIT,
        ) {
            let first = deposit(&CpState::default(), 0, a, b).unwrap();
            let total = first.shares + first.locked;
            // reserves per share never fall: r_after / t_after >= r_before / t_before
            let kept = |before: u128, t_before: u128, after: u128, t_after: u128| {
                wide(after) * wide(t_before) >= wide(before) * wide(t_after)
            };
            if let Ok(d) = deposit(&first.after, total, a_max, b_max) {
                prop_assert!(d.amount_a <= a_max && d.amount_b <= b_max);
                let grown = total + d.shares;
                prop_assert!(kept(a, total, d.after.reserve_a, grown));
                prop_assert!(kept(b, total, d.after.reserve_b, grown));
                if let Ok(w) = withdraw(&d.after, grown, d.shares) {
                    prop_assert!(w.amount_a <= d.amount_a && w.amount_b <= d.amount_b);
                    prop_assert!(kept(d.after.reserve_a, grown, w.after.reserve_a, total));
                    prop_assert!(kept(d.after.reserve_b, grown, w.after.reserve_b, total));
                }
            }
        }
    }
}
