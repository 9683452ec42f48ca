//! Integer square roots: the exact root the curve mints shares with, and the first guess its
//! searches start from.
//!
//! Newton's iteration for `floor(sqrt(x))` from a start at or above the root: the iterates fall
//! until they reach the floor, and the first that does not fall is it. In 512 bits every step
//! is a 512-bit division, so the start matters: the root of the top 128 bits, shifted back,
//! is above the root with about 64 correct bits, and one step from it is within a unit of the
//! root at a swap's sizes.

use crate::div128::div_rem_u128;
use crate::math::{div_mod, full_mul, narrow, narrow512, wide, Rounding, ONE, U256, U512};
use crate::CurveError;

/// A power of two above `sqrt(x)`: where Newton's iteration starts on chain.
fn power_of_two_above_root(x: u128) -> u128 {
    let bits = 128u32.saturating_sub(x.leading_zeros());
    1u128 << bits.div_ceil(2)
}

/// The float root of `x` nudged above the true one (a float root errs by a few parts in 1e16),
/// or a power of two above it should the nudge fall short: where Newton's iteration starts off
/// chain, a division or two from the root instead of seven.
#[cfg(feature = "std")]
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss
)]
fn float_above_root(x: u128) -> u128 {
    // The root of a 128-bit value is below 2^64, but its nudge can reach 2^64: the 64-bit cast
    // (a single instruction, where the 128-bit one calls the compiler's routine) below it only.
    let root = crate::fixed::u128_to_f64(x).sqrt() * (1.0 + 1e-12);
    let guess = if root < 18_446_744_073_709_551_616.0 {
        u128::from(root as u64)
    } else {
        root as u128
    }
    .saturating_add(1);
    match guess.checked_mul(guess) {
        Some(square) if square < x => power_of_two_above_root(x),
        _ => guess,
    }
}

/// `floor(sqrt(x))` of a 128-bit value: Newton's iteration from a start at or above the root
/// (the float one off chain; the answer is the same).
fn isqrt_u128(x: u128) -> u128 {
    #[cfg(feature = "std")]
    let start = float_above_root;
    #[cfg(not(feature = "std"))]
    let start = power_of_two_above_root;
    newton_down(x, start(x))
}

/// Newton's iteration for `floor(sqrt(x))` from `root >= sqrt(x)`: the iterates fall until they
/// reach the floor of the root, and the first that does not fall is it.
fn newton_down(x: u128, mut root: u128) -> u128 {
    if x < 2 {
        return x;
    }
    loop {
        let next = root.saturating_add(div_rem_u128(x, root).map_or(0, |(q, _)| q)) >> 1;
        if next >= root {
            return root;
        }
        root = next;
    }
}

/// `floor(sqrt(x))` of a 512-bit value. Newton's iteration in 512 bits, as `U512::integer_sqrt`
/// does, but from [`first_root`]: a swap's roots take a few 512-bit divisions instead of six to
/// nine, and a multiplication, not one more division, confirms the root.
fn isqrt512(x: U512) -> U512 {
    let (mut root, moved) = first_root(x);
    if moved.is_none() {
        return root;
    }
    loop {
        // Newton's iterates from above never fall below the root's floor, so the first whose
        // square is at most `x` is the floor.
        if let Ok(narrow_root) = narrow512(root) {
            if full_mul(narrow_root, narrow_root) <= x {
                return root;
            }
        }
        root = newton_step(x, root);
    }
}

/// `floor(sqrt(x))` for a value within 128 bits, which never leaves 128 bits (and `None`).
/// Otherwise Newton's first step from the root of the top 128 bits, a start above the root with
/// about 64 correct bits, and how far that step moved: the step is at or above the floor, and
/// above the root by at most `2 moved^2 / root` (the step is at least half the start's error,
/// and leaves the square of it over twice the start), plus one for the floors.
fn first_root(x: U512) -> (U512, Option<U512>) {
    let bits = x.bits();
    if bits <= 128 {
        return (U512::from(isqrt_u128(x.low_u128())), None);
    }
    // An even shift leaving at most 128 bits: sqrt(x) < (sqrt(top) + 1) * 2^(shift / 2).
    let shift = bits.saturating_sub(127) & !1;
    let top = shr512(x, shift).low_u128();
    let start = shl512(U512::from(isqrt_u128(top).saturating_add(1)), shift / 2);
    let root = newton_step(x, start);
    // Newton's iterates from above fall: `root <= start`.
    (root, Some(start.checked_sub(root).unwrap_or_default()))
}

/// Newton's step for `sqrt(x)` from `root >= floor(sqrt(x))`, `root > 0`: the next iterate, at
/// or above the floor still. `root + x / root` stays far inside 512 bits for any root the
/// callers hold (at most 2^257), so the addition never saturates.
fn newton_step(x: U512, root: U512) -> U512 {
    let (quotient, _) = div_mod(x, root);
    shr512(root.checked_add(quotient).unwrap_or(U512::MAX), 1)
}

/// `x >> by`: bits shifted out are dropped, nothing can overflow or panic, which the arithmetic lint
/// cannot tell from the operator.
#[allow(clippy::arithmetic_side_effects)]
fn shr512(x: U512, by: usize) -> U512 {
    x >> by
}

/// `x << by`, for values known to stay within 512 bits (as [`shr512`]).
#[allow(clippy::arithmetic_side_effects)]
fn shl512(x: U512, by: usize) -> U512 {
    x << by
}

/// Integer square root of a 512-bit value, rounded as asked; the root of a 512-bit value fits in 256.
///
/// # Errors
/// [`CurveError::Overflow`] rounding up past `U256::MAX`.
pub fn sqrt512(x: U512, rounding: Rounding) -> Result<U256, CurveError> {
    let root = narrow512(isqrt512(x))?;
    match rounding {
        Rounding::Up if full_mul(root, root) != x => {
            root.checked_add(U256::one()).ok_or(CurveError::Overflow)
        }
        _ => Ok(root),
    }
}

/// A first guess at `sqrt(x)` for a search that settles the last unit exactly: at or above
/// `floor(sqrt(x))`, and above `sqrt(x)` by at most `slack` plus one, where `slack` is the error
/// the caller's use of the root turns into less than a unit. Newton's first step from the root
/// of the top 128 bits, and a second only when the first's bound is not within `slack`: one
/// 512-bit division at a swap's sizes, where the exact root takes two or three and a
/// multiplication to confirm. Exact (the floor) for values within 128 bits.
///
/// # Errors
/// [`CurveError::Overflow`] past `U256::MAX`, which no 512-bit value's guess reaches.
pub fn sqrt512_guess(x: U512, slack: U256) -> Result<U256, CurveError> {
    let (root, moved) = first_root(x);
    let Some(moved) = moved else {
        return narrow512(root);
    };
    // By bit lengths, no multiplication: `2 (moved + 1)^2 / root < 2^(2 m - r + 2)` with `m` and
    // `r` the bit lengths of `moved + 1` and `root`, which is within `slack >= 2^(s - 1)` when
    // `2 m + 3 <= r + s`. The one unit added to `moved` covers the floors of the integer step.
    let m = moved.checked_add(U512::one()).map_or(512, |m| m.bits());
    let close = m.saturating_mul(2).saturating_add(3) <= root.bits().saturating_add(slack.bits());
    narrow512(if close { root } else { newton_step(x, root) })
}

/// Square root of a 1e18 fixed-point value, as 1e18 fixed point, rounded down.
///
/// # Errors
/// [`CurveError::Overflow`] for a root past the bounds.
pub fn sqrt_wad(x: u128) -> Result<u128, CurveError> {
    // Off chain a scaled value within 128 bits (every fee's lag, a block's share of a year, a
    // variance under 340) takes the 128-bit root: the same floor, without the 512-bit product.
    // In the pool the shortcut cost 104 bytes, which add and remove pay without pricing.
    #[cfg(feature = "std")]
    if let Some(scaled) = x.checked_mul(ONE) {
        return Ok(isqrt_u128(scaled));
    }
    narrow(sqrt512(full_mul(wide(x), wide(ONE)), Rounding::Down)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::math::add;

    #[test]
    fn the_128_bit_root_is_the_floor_of_the_root_wherever_newton_starts() {
        // Squares, their neighbours, the extremes, and a spread of magnitudes.
        let mut samples = vec![2u128, 3, 4, u128::MAX, u128::MAX - 1, 1 << 127];
        for bits in 1..=63u32 {
            let r = (1u128 << bits) - 1;
            samples.extend([r * r - 1, r * r, r * r + 1, (r + 1) * (r + 1) - 1]);
        }
        let mut x = 0x9E37_79B9_7F4A_7C15_F39C_C060_5CED_C835u128;
        for _ in 0..2_000 {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            samples.extend([x, x >> 37, x >> 90]);
        }
        // The float start is what runs off chain, the power of two what the contracts run.
        for &x in &samples {
            for r in [isqrt_u128(x), newton_down(x, power_of_two_above_root(x))] {
                assert!(r.checked_mul(r).is_some_and(|sq| sq <= x), "{x}: {r}^2 > x");
                let next = r + 1;
                assert!(
                    next.checked_mul(next).is_none_or(|sq| sq > x),
                    "{x}: {r} is not the floor"
                );
            }
        }
    }

    #[test]
    fn sqrt_rounds_both_ways() {
        assert_eq!(sqrt512(U512::from(15u8), Rounding::Down), Ok(U256::from(3u8)));
        assert_eq!(sqrt512(U512::from(15u8), Rounding::Up), Ok(U256::from(4u8)));
        assert_eq!(sqrt512(U512::from(16u8), Rounding::Up), Ok(U256::from(4u8)));
        assert_eq!(sqrt_wad(4 * ONE), Ok(2 * ONE));
    }

    /// A 512-bit value of about `bits` bits, from random words.
    fn value_of_bits(words: [u64; 8], bits: usize) -> U512 {
        let x = U512(words);
        match bits {
            0 => U512::zero(),
            512 => x,
            _ => x & ((U512::one() << bits) - U512::one()),
        }
    }

    proptest::proptest! {
        #[test]
        fn sqrt512_is_integer_sqrt(words in proptest::array::uniform8(proptest::num::u64::ANY), bits in 0usize..=512) {
            let x = value_of_bits(words, bits);
            let root = isqrt512(x);
            proptest::prop_assert_eq!(root, x.integer_sqrt());
            for rounding in [Rounding::Down, Rounding::Up] {
                let exact = narrow512(x.integer_sqrt()).and_then(|r| match rounding {
                    Rounding::Up if full_mul(r, r) != x => add(r, U256::one()),
                    _ => Ok(r),
                });
                proptest::prop_assert_eq!(sqrt512(x, rounding), exact);
            }
        }

        #[test]
        fn sqrt512_guess_is_at_or_above_the_floor_within_its_slack(words in proptest::array::uniform8(proptest::num::u64::ANY), bits in 0usize..=512, slack_bits in 0usize..=256) {
            let x = value_of_bits(words, bits);
            let slack = U256::MAX >> (256 - slack_bits).min(255);
            let slack = if slack_bits == 0 { U256::zero() } else { slack };
            let floor = narrow512(x.integer_sqrt()).unwrap();
            let guess = sqrt512_guess(x, slack).unwrap();
            proptest::prop_assert!(guess >= floor, "{guess} below {floor}");
            proptest::prop_assert!(guess - floor <= slack.saturating_add(U256::from(2u8)), "{guess} more than {slack} above {floor}");
        }

        #[test]
        fn sqrt512_is_exact_around_squares(r in proptest::num::u128::ANY, hi in proptest::num::u128::ANY, delta in 0u8..3) {
            let root = U256::from(hi) << 128 | U256::from(r);
            let square = full_mul(root, root);
            for x in [square.saturating_sub(U512::from(delta)), square.saturating_add(U512::from(delta))] {
                proptest::prop_assert_eq!(isqrt512(x), x.integer_sqrt());
            }
        }
    }

    #[test]
    fn the_512_bit_root_agrees_with_uint_across_the_widths() {
        let samples = crate::math::boundary_samples();
        for &n in &samples {
            assert_eq!(isqrt512(n), n.integer_sqrt(), "sqrt {n}");
        }
    }
}
