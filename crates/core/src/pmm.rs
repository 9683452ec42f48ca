//! The PMM curve on one side of the pool, in closed form.
//!
//! Whichever token the pool holds less of than its target is the *short* token, with reserve `s`
//! and target `s0 >= s`; the other is the *long* token. Priced in the long token, the marginal
//! price of the short token is
//!
//! ```text
//! P(s) = p * (1 - k + k * (s0 / s)^2)            p: oracle price of the short token
//! ```
//!
//! so it equals the oracle price at target and rises as the pool runs short: the pool sells what it
//! lacks dearly and buys it back at a premium, which pulls order flow toward the target
//! (DODO's PMM; `k = 0` is a constant-price swap, `k = 1` behaves like constant product).
//!
//! Three closed forms follow (derivations in `docs/math.md`):
//! - [`integrate`]: the long-token value of moving the short reserve between two levels,
//!   `p * (hi - lo) * (1 - k + k * s0^2 / (hi * lo))`;
//! - [`solve_trade`]: the reserve level reached by a given long-token amount, the positive root
//!   of `(1 - k) x^2 + b x - k s0^2 = 0`;
//! - [`solve_target`]: the target `s0` at which a long-token excess `e` is exactly the value of
//!   refilling the short side, `s0 = s + 2 d s / (s + sqrt(s^2 + 4 k d s))`, `d = e / p`.
//!
//! Every function takes the rounding it must apply, so callers round in the pool's favour.

use crate::math::{
    add, div512, full_mul, mul, mul512_u128, mul_div, narrow, narrow512, sqrt512_guess, sub, wide, Rounding,
    ONE, U256, U512,
};
use crate::CurveError;
use core::cmp::Ordering;

/// A price as an exact ratio `num / den`: the oracle's `i / 1e18` for base, its inverse for quote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ratio {
    pub num: u128,
    pub den: u128,
}

impl Ratio {
    /// Converts a long-token amount into short-token units at this price.
    ///
    /// # Errors
    /// As [`crate::math::mul_div_u128`]: a zero price, or a result past `u128`.
    pub fn long_to_short(&self, long: u128, rounding: Rounding) -> Result<u128, CurveError> {
        crate::math::mul_div_u128(long, self.den, self.num, rounding)
    }
}

/// Which way a trade moves the short reserve.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Long token paid in, short token paid out: the reserve falls, away from target.
    Drain,
    /// Short token paid in, long token paid out: the reserve rises, toward target.
    Refill,
}

/// Long-token value of moving the short reserve between `lo` and `hi` (`lo <= hi <= s0`).
///
/// # Errors
/// [`CurveError::DivisionByZero`] when `lo` is zero, [`CurveError::Overflow`] past the bounds.
pub fn integrate(
    s0: u128,
    hi: u128,
    lo: u128,
    price: Ratio,
    k: u128,
    rounding: Rounding,
) -> Result<u128, CurveError> {
    debug_assert!(lo <= hi && hi <= s0);
    let (numerator, denominator) = value_fraction(s0, hi, lo, price, k)?;
    narrow(narrow512(div512(numerator, denominator, rounding)?)?)
}

/// The exact value [`integrate`] rounds, as `numerator / denominator`:
/// `p (hi - lo) ((1 - k) hi lo + k s0^2) / (hi lo)` with `p = num / den` and `k` over `ONE`.
/// Valid past the target too (`hi > s0`), where the curve's price falls below the oracle's.
fn value_fraction(s0: u128, hi: u128, lo: u128, price: Ratio, k: u128) -> Result<(U512, U512), CurveError> {
    let span = wide(hi.checked_sub(lo).ok_or(CurveError::Overflow)?);
    let hl = mul(wide(hi), wide(lo))?;
    let one_minus_k = wide(ONE.checked_sub(k).ok_or(CurveError::InvalidParameter)?);
    let shape = add(mul(one_minus_k, hl)?, mul(wide(k), mul(wide(s0), wide(s0))?)?)?;
    let numerator = full_mul(mul(wide(price.num), span)?, shape);
    let denominator = full_mul(mul(wide(price.den), wide(ONE))?, hl);
    Ok((numerator, denominator))
}

/// How the exact value of moving the short reserve between `lo > 0` and `hi` compares with
/// `amount` of the long token. No rounding: `numerator` is compared with `amount * denominator`,
/// multiplied out in 512 bits (a product past 512 bits is above any numerator). The searches
/// call this several times a trade, and a multiplication costs a fraction of a 512-bit division.
fn compare_value(
    s0: u128,
    hi: u128,
    lo: u128,
    price: Ratio,
    k: u128,
    amount: u128,
) -> Result<Ordering, CurveError> {
    let (numerator, denominator) = value_fraction(s0, hi, lo, price, k)?;
    if denominator.is_zero() {
        return Err(CurveError::DivisionByZero);
    }
    Ok(match mul512_u128(denominator, amount) {
        Some(owed) => numerator.cmp(&owed),
        None => Ordering::Less,
    })
}

/// The least `x` in `lo..=hi` at which `holds(x)`, for a predicate that is false below some point
/// and true from it on; `None` if it holds nowhere in the range. The search gallops outward from
/// `guess` and then bisects, so a guess off by a few units costs a few evaluations.
fn least_where(
    lo: u128,
    hi: u128,
    guess: u128,
    holds: &mut dyn FnMut(u128) -> Result<bool, CurveError>,
) -> Result<Option<u128>, CurveError> {
    let guess = guess.clamp(lo, hi);
    #[cfg(test)]
    let holds = &mut |x: u128| {
        PROBES.with(|n| n.set(n.get().wrapping_add(1)));
        holds(x)
    };
    let mut step = 1u128;
    // Bracket the answer: `holds(good)` and `!holds(bad)` with `bad < good`.
    let (mut bad, mut good) = if holds(guess)? {
        let mut good = guess;
        loop {
            if good == lo {
                return Ok(Some(lo));
            }
            let probe = good.saturating_sub(step).max(lo);
            if !holds(probe)? {
                break (probe, good);
            }
            good = probe;
            step = step.saturating_mul(2);
        }
    } else {
        let mut bad = guess;
        loop {
            if bad == hi {
                return Ok(None);
            }
            let probe = bad.saturating_add(step).min(hi);
            if holds(probe)? {
                break (bad, probe);
            }
            bad = probe;
            step = step.saturating_mul(2);
        }
    };
    loop {
        let gap = good.saturating_sub(bad);
        if gap <= 1 {
            break;
        }
        let mid = bad.saturating_add(gap.div_euclid(2));
        if holds(mid)? {
            good = mid;
        } else {
            bad = mid;
        }
    }
    Ok(Some(good))
}

/// The short reserve `x` reached when `long_amount` moves the pool along the curve from `s1`.
///
/// With `d` the long amount in short units, `x` solves `(1-k) x^2 + b x - k s0^2 = 0` where
/// `b = k s0^2 / s1 - (1-k) s1 + d` for [`Direction::Drain`] and `... - d` for
/// [`Direction::Refill`]. The result is the exact level rounded up (a drain pays out less, a
/// refill asks for more), which is the pool's side in both directions: the closed form gives a
/// first guess, within a few units, and the integral itself settles the last unit.
///
/// # Errors
/// [`CurveError::InsufficientLiquidity`] when no positive level pays that much.
pub fn solve_trade(
    s0: u128,
    s1: u128,
    long_amount: u128,
    price: Ratio,
    k: u128,
    direction: Direction,
) -> Result<u128, CurveError> {
    if s1 == 0 {
        return Err(CurveError::InsufficientLiquidity);
    }
    let one_minus_k = wide(ONE.checked_sub(k).ok_or(CurveError::InvalidParameter)?);
    let k_s0_sq = mul(wide(k), mul(wide(s0), wide(s0))?)?;
    // b = plus - minus, each rounded so that b rounds down and the root rounds up.
    let mut plus = mul_div(k_s0_sq, U256::one(), wide(s1), Rounding::Down)?;
    let mut minus = mul(one_minus_k, wide(s1))?;
    match direction {
        Direction::Drain => {
            let d = price.long_to_short(long_amount, Rounding::Down)?;
            plus = add(plus, mul(wide(d), wide(ONE))?)?;
        }
        Direction::Refill => {
            let d = price.long_to_short(long_amount, Rounding::Up)?;
            minus = add(minus, mul(wide(d), wide(ONE))?)?;
        }
    }
    if one_minus_k.is_zero() {
        return Err(CurveError::InsufficientLiquidity);
    }
    // The positive root x = (sqrt(b^2 + 4 (1-k) k s0^2) - b) / (2 (1-k)). The square root's guess
    // is at or above its floor and above the root by at most `1-k` (`sqrt512_guess`), so divided
    // by `2 (1-k)` it moves x by under a unit: the guess is within a unit or two of the solution,
    // and the search below settles the last unit.
    let four_ac = full_mul(mul(U256::from(4u8), one_minus_k)?, k_s0_sq);
    let (b_abs, b_negative) = if plus >= minus {
        (sub(plus, minus)?, false)
    } else {
        (sub(minus, plus)?, true)
    };
    let disc = full_mul(b_abs, b_abs)
        .checked_add(four_ac)
        .ok_or(CurveError::Overflow)?;
    // The root's error divided by `2 (1-k)` moves the level: within `1-k`, by under half a unit.
    let sqrt = sqrt512_guess(disc, one_minus_k)?;
    let numerator = if b_negative {
        add(sqrt, b_abs)?
    } else {
        sub(sqrt, b_abs)?
    };
    let root = mul_div(
        numerator,
        U256::one(),
        mul(one_minus_k, U256::from(2u8))?,
        Rounding::Up,
    )?;
    // A level of zero means no positive level pays that much only when `4ac` is zero (then the
    // root is exactly `b`). Otherwise the root is above `b`, the level is at least one, and a
    // guess at the root's floor that shows zero is a unit low: the search starts from one.
    let x = narrow(root)?;
    if x == 0 && four_ac.is_zero() {
        return Err(CurveError::InsufficientLiquidity);
    }
    let x = x.max(1);
    // The guess rounds twice (the amount into short units, then the root), which can land a unit
    // or two past the exact ceiling; the exact ceiling is the least level that satisfies the
    // integral.
    let level = match direction {
        // The least level whose drain from `s1` is worth no more than the amount paid in.
        Direction::Drain => least_where(1, s1, x, &mut |level| {
            Ok(compare_value(s0, s1, level, price, k, long_amount)? != Ordering::Greater)
        })?,
        // The least level whose refill from `s1` is worth at least the amount paid out.
        Direction::Refill => least_where(s1, u128::MAX, x, &mut |level| {
            Ok(compare_value(s0, level, s1, price, k, long_amount)? != Ordering::Less)
        })?,
    };
    level.ok_or(CurveError::InsufficientLiquidity)
}

/// The short side's target: the level `s0 >= s1` whose refill from `s1` is worth exactly `excess`
/// of the long token at `price` on this curve, rounded as asked (the closed form is the first
/// guess; the refill's exact value settles the last unit).
///
/// # Errors
/// [`CurveError::InsufficientLiquidity`] when the short reserve is empty.
pub fn solve_target(
    s1: u128,
    excess: u128,
    price: Ratio,
    k: u128,
    rounding: Rounding,
) -> Result<u128, CurveError> {
    if excess == 0 {
        return Ok(s1);
    }
    if s1 == 0 {
        return Err(CurveError::InsufficientLiquidity);
    }
    // y = 2 d s / (s + sqrt(s^2 + 4 k d s)) with everything scaled by ONE.
    let d = price.long_to_short(excess, rounding)?;
    let one_s = mul(wide(ONE), wide(s1))?;
    let d_s = mul(wide(d), wide(s1))?;
    let four_k_one = mul(U256::from(4u8), mul(wide(k), wide(ONE))?)?;
    let disc = full_mul(one_s, one_s)
        .checked_add(full_mul(four_k_one, d_s))
        .ok_or(CurveError::Overflow)?;
    // The root's error moves y by y / (one_s + root) of it: within one_s / 2^96 (`s1 >> 37` is
    // below it), by under a unit for any y within the reserve bound.
    let root = sqrt512_guess(disc, wide(s1 >> 37))?;
    let denominator = add(one_s, root)?;
    let numerator = full_mul(mul(U256::from(2u8), wide(ONE))?, d_s);
    let guess = narrow(narrow512(div512(numerator, U512::from(denominator), rounding)?)?)?;
    // The guess rounds `d`, the root and `y`, so it can miss the exact rounding by a unit or two;
    // settle it on the refill's exact value. `worth(y)` compares the value of refilling `y` up
    // to the target `s1 + y` with the excess.
    let worth = |y: u128| -> Result<Ordering, CurveError> {
        let s0 = s1.checked_add(y).ok_or(CurveError::Overflow)?;
        compare_value(s0, s0, s1, price, k, excess)
    };
    let top = u128::MAX.saturating_sub(s1);
    let y = match rounding {
        // The largest gap worth no more than the excess: one below the least worth more.
        Rounding::Down => least_where(0, top, guess, &mut |y| Ok(worth(y)? == Ordering::Greater))?
            .ok_or(CurveError::Overflow)?
            .checked_sub(1)
            .ok_or(CurveError::Overflow)?,
        // The least gap worth at least the excess.
        Rounding::Up => least_where(0, top, guess, &mut |y| Ok(worth(y)? != Ordering::Less))?
            .ok_or(CurveError::Overflow)?,
    };
    s1.checked_add(y).ok_or(CurveError::Overflow)
}

/// The curve's premium factor `1 - k + k (s0 / s)^2` at reserve `s`, as 1e18 fixed point.
///
/// # Errors
/// [`CurveError::DivisionByZero`] for an empty reserve.
pub fn premium(s0: u128, s: u128, k: u128, rounding: Rounding) -> Result<u128, CurveError> {
    let ratio_sq = mul_div(
        mul(wide(s0), wide(s0))?,
        wide(k),
        mul(wide(s), wide(s))?,
        rounding,
    )?;
    narrow(add(
        ratio_sq,
        wide(ONE.checked_sub(k).ok_or(CurveError::InvalidParameter)?),
    )?)
}

#[cfg(test)]
thread_local! {
    /// The searches' evaluations on this thread, so the tests can bound what a guess costs.
    static PROBES: core::cell::Cell<u32> = const { core::cell::Cell::new(0) };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `f`'s answer and the evaluations its searches took.
    fn probes<T>(f: impl FnOnce() -> T) -> (T, u32) {
        let before = PROBES.with(core::cell::Cell::get);
        let out = f();
        (out, PROBES.with(core::cell::Cell::get).wrapping_sub(before))
    }

    #[test]
    fn a_large_sell_into_a_tiny_short_side_reaches_level_one() {
        // The root's floor equals `b` here, so a guess at the floor shows level zero; the exact
        // level is one.
        for (s0, amount) in [(10u128, 3 * ONE), (1_000, crate::MAX_RESERVE), (100, 300 * ONE)] {
            assert_eq!(
                solve_trade(s0, s0, amount, P1, ONE / 100, Direction::Drain),
                Ok(1),
                "{s0} {amount}"
            );
        }
        // With k = 0 no level pays that much, as before.
        assert_eq!(
            solve_trade(10, 10, 3 * ONE, P1, 0, Direction::Drain),
            Err(CurveError::InsufficientLiquidity)
        );
    }

    #[test]
    fn searches_from_the_root_guess_take_few_evaluations_at_any_size() {
        let mut worst = (0u32, 0u128, 0u128, 0u128);
        for &s0 in &[1_000u128, 1 << 40, 1 << 70, crate::MAX_RESERVE] {
            for &s1 in &[s0, s0 / 2, s0 / 1_000 + 1, 1] {
                for &k in &[ONE / 100, ONE / 4, ONE / 2, ONE / 100 * 99] {
                    for &amount in &[1u128, s1 / 3 + 1, s0, crate::MAX_RESERVE] {
                        let (drained, n) = probes(|| solve_trade(s0, s1, amount, P1, k, Direction::Drain));
                        let (_, m) = probes(|| solve_trade(s0, s1, amount, P1, k, Direction::Refill));
                        // A drain from a positive reserve at k > 0 always reaches a level.
                        assert!(drained.is_ok(), "{s0} {s1} {amount} {k}: {drained:?}");
                        let (_, t) = probes(|| solve_target(s1, amount, P1, k, Rounding::Up));
                        let most = n.max(m).max(t);
                        if most > worst.0 {
                            worst = (most, s0, s1, k);
                        }
                    }
                }
            }
        }
        println!("most evaluations: {worst:?}");
        assert!(worst.0 <= 4, "{worst:?}");
    }

    const P1: Ratio = Ratio { num: ONE, den: ONE };

    #[test]
    fn integral_at_k_zero_is_constant_price() {
        let price = Ratio {
            num: 2 * ONE,
            den: ONE,
        };
        assert_eq!(integrate(1000, 1000, 900, price, 0, Rounding::Down), Ok(200));
    }

    #[test]
    fn integral_matches_closed_form_at_half_k() {
        // 1 * 100 * (0.5 + 0.5 * 1000^2 / (1000 * 900)) = 105.55..
        assert_eq!(integrate(1000, 1000, 900, P1, ONE / 2, Rounding::Down), Ok(105));
        assert_eq!(integrate(1000, 1000, 900, P1, ONE / 2, Rounding::Up), Ok(106));
    }

    #[test]
    fn solve_trade_inverts_integral() {
        let (s0, k) = (1_000_000_000u128, ONE / 3);
        let paid = integrate(s0, s0, 800_000_000, P1, k, Rounding::Up).unwrap();
        let x = solve_trade(s0, s0, paid, P1, k, Direction::Drain).unwrap();
        assert!(x.abs_diff(800_000_000) <= 1, "{x}");
        let got = integrate(s0, s0, 800_000_000, P1, k, Rounding::Down).unwrap();
        let y = solve_trade(s0, 800_000_000, got, P1, k, Direction::Refill).unwrap();
        assert!(y.abs_diff(s0) <= 1, "{y}");
    }

    #[test]
    fn target_refill_is_worth_the_excess() {
        let (s1, k) = (700_000_000u128, ONE / 4);
        let s0 = solve_target(s1, 400_000_000, P1, k, Rounding::Down).unwrap();
        let worth = integrate(s0, s0, s1, P1, k, Rounding::Down).unwrap();
        assert!(worth <= 400_000_000 && worth > 399_999_990, "{worth}");
    }

    #[test]
    fn least_where_finds_the_switch_from_any_guess() {
        let mut at_37 = |x: u128| Ok(x >= 37);
        for guess in [0, 1, 36, 37, 38, 1000, u128::MAX] {
            assert_eq!(least_where(0, 1000, guess, &mut at_37), Ok(Some(37)), "{guess}");
        }
        assert_eq!(least_where(40, 1000, 50, &mut at_37), Ok(Some(40)));
        assert_eq!(least_where(0, 30, 10, &mut at_37), Ok(None));
    }

    #[test]
    fn target_is_the_exact_target_rounded_each_way() {
        // Quote short at 999_999 units, 1001 base of excess, 1000 base per quote, k = 0.01:
        // d = 1.001 quote and the exact gap is 1.001 - 0.01 * 1.001^2 / 999_999 = 1.00099999..
        // (Converting d first and then rounding the root gave 0 rounded down.)
        let quote = Ratio {
            num: ONE,
            den: ONE / 1000,
        };
        let down = solve_target(999_999, 1001, quote, ONE / 100, Rounding::Down);
        let up = solve_target(999_999, 1001, quote, ONE / 100, Rounding::Up);
        assert_eq!((down, up), (Ok(1_000_000), Ok(1_000_001)));
    }

    #[test]
    fn premium_is_one_at_target() {
        assert_eq!(premium(5, 5, ONE / 2, Rounding::Down), Ok(ONE));
        assert_eq!(premium(2, 1, ONE / 2, Rounding::Down), Ok(ONE / 2 + 2 * ONE));
    }
}
