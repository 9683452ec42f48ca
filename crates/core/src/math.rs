//! Checked fixed-point arithmetic: every product is widened, every division names its rounding.
//!
//! Amounts are `u128`. Products of two amounts are formed in [`U256`]; the few places that multiply
//! three factors (the PMM integral, the quadratic's discriminant) widen once more to [`U512`]
//! through [`mul_div`], so a result is the exact floor or ceiling of the rational value, never a
//! chain of truncations.

pub use crate::division::{div_rem_u128, div_wide_u128};
use crate::CurveError;
pub use primitive_types::{U128, U256, U512};

/// Fixed-point scale (1e18) of prices, `k`, fees, volatility and the inventory ratio `q`.
pub const ONE: u128 = 1_000_000_000_000_000_000;

/// Basis points in one.
pub const BPS: u128 = 10_000;

/// Which way a division rounds. Callers pick the direction that favours the pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rounding {
    Down,
    Up,
}

/// `u128` into `U256`.
pub fn wide(x: u128) -> U256 {
    U256::from(x)
}

/// `U256` back into `u128`, or [`CurveError::Overflow`].
///
/// # Errors
/// [`CurveError::Overflow`] above `u128::MAX`.
pub fn narrow(x: U256) -> Result<u128, CurveError> {
    if x > U256::from(u128::MAX) {
        return Err(CurveError::Overflow);
    }
    Ok(x.low_u128())
}

/// `U512` back into `U256`, or [`CurveError::Overflow`].
///
/// # Errors
/// [`CurveError::Overflow`] above `U256::MAX`.
pub fn narrow512(x: U512) -> Result<U256, CurveError> {
    U256::try_from(x).map_err(|_| CurveError::Overflow)
}

/// The one widening product: `a * b` exactly, in 512 bits.
pub fn full_mul(a: U256, b: U256) -> U512 {
    a.full_mul(b)
}

/// `x * m` exactly, or `None` when the product needs more than 512 bits. Schoolbook on the
/// 64-bit limbs (`product.rs`), in plain loops over indices: a few dozen instructions, where
/// `U512`'s own multiplication is a 512 x 512 routine several KiB long.
#[allow(clippy::cast_possible_truncation, clippy::indexing_slicing)]
pub fn mul512_u128(x: U512, m: u128) -> Option<U512> {
    // Ten limbs hold any 512 x 128-bit product; `shift + i < 10` for `shift < 2`, `i < 8`.
    let mut limbs = [0u64; 10];
    let factors = [m as u64, (m >> 64) as u64];
    let mut shift = 0usize;
    while shift < 2 {
        let mut carry = 0u64;
        let mut i = 0usize;
        while i < 8 {
            let at = shift.wrapping_add(i);
            let (high, low) = crate::product::multiply_add(x.0[i], factors[shift], limbs[at], carry);
            limbs[at] = low;
            carry = high;
            i = i.wrapping_add(1);
        }
        limbs[shift.wrapping_add(8)] = carry;
        shift = shift.wrapping_add(1);
    }
    if limbs[8] != 0 || limbs[9] != 0 {
        return None;
    }
    let mut words = [0u64; 8];
    words.copy_from_slice(&limbs[..8]);
    Some(U512(words))
}

/// `a + b`, checked.
///
/// # Errors
/// [`CurveError::Overflow`].
pub fn add(a: U256, b: U256) -> Result<U256, CurveError> {
    a.checked_add(b).ok_or(CurveError::Overflow)
}

/// `a - b`, checked.
///
/// # Errors
/// [`CurveError::Overflow`] when `b > a`.
pub fn sub(a: U256, b: U256) -> Result<U256, CurveError> {
    a.checked_sub(b).ok_or(CurveError::Overflow)
}

/// `a * b` in 256 bits, checked. Two operands within 128 bits (amounts, prices, `k`) take
/// `uint`'s 128 x 128-bit product, four limb products; wider ones the 512-bit product, narrowed.
/// Not inlined: one copy of the unrolled product serves every caller.
///
/// # Errors
/// [`CurveError::Overflow`].
#[inline(never)]
pub fn mul(a: U256, b: U256) -> Result<U256, CurveError> {
    if let (Ok(a), Ok(b)) = (U128::try_from(a), U128::try_from(b)) {
        return Ok(a.full_mul(b));
    }
    narrow512(full_mul(a, b))
}

/// Quotient and remainder of `n / d`, `d` non-zero, by [`crate::division::div_rem`]. A dividend
/// within 256 bits over a divisor within 128 (`a * b / c` on amounts, most of the curve's
/// divisions) is two 128-bit steps instead ([`div_rem_u128`], [`div_wide_u128`]), on chain and
/// off. Off chain (`std`) other operands that fit in 256 bits take `uint`'s routine: the same
/// results several times faster, which the simulator's sweeps need. The contract keeps the one
/// 512-bit routine: 6 KB less Wasm, for a call cost that measured the same.
#[allow(clippy::cast_possible_truncation, clippy::indexing_slicing)]
fn div_mod(n: U512, d: U512) -> (U512, U512) {
    let limbs = n.0;
    if let (true, Ok(Ok(d))) = (limbs[4..].iter().all(|&limb| limb == 0), narrow512(d).map(narrow)) {
        let high = (u128::from(limbs[3]) << 64) | u128::from(limbs[2]);
        let low = (u128::from(limbs[1]) << 64) | u128::from(limbs[0]);
        // `high % d < d`, so the second step's quotient fits in 128 bits.
        if let Some((q1, r1)) = div_rem_u128(high, d) {
            if let Some((q0, r)) = div_wide_u128(r1, low, d) {
                let q = U512([
                    q0 as u64,
                    (q0 >> 64) as u64,
                    q1 as u64,
                    (q1 >> 64) as u64,
                    0,
                    0,
                    0,
                    0,
                ]);
                return (q, U512::from(r));
            }
        }
    }
    #[cfg(feature = "std")]
    if let (Ok(n), Ok(d)) = (narrow512(n), narrow512(d)) {
        let (q, r) = n.div_mod(d);
        return (U512::from(q), U512::from(r));
    }
    crate::division::div_rem(n, d)
}

/// `n / d` on 512-bit values, rounded as asked.
///
/// # Errors
/// [`CurveError::DivisionByZero`]; [`CurveError::Overflow`] rounding up past `U512::MAX`.
pub fn div512(n: U512, d: U512, rounding: Rounding) -> Result<U512, CurveError> {
    if d.is_zero() {
        return Err(CurveError::DivisionByZero);
    }
    let (q, r) = div_mod(n, d);
    match rounding {
        Rounding::Up if !r.is_zero() => q.checked_add(U512::one()).ok_or(CurveError::Overflow),
        _ => Ok(q),
    }
}

/// `a * b / c`, exact up to the final rounding, for any `U256` inputs whose result fits in 256 bits.
///
/// # Errors
/// [`CurveError::DivisionByZero`]; [`CurveError::Overflow`] when the result needs more than 256 bits.
pub fn mul_div(a: U256, b: U256, c: U256, rounding: Rounding) -> Result<U256, CurveError> {
    narrow512(div512(full_mul(a, b), U512::from(c), rounding)?)
}

/// `a * b / c` on `u128`.
///
/// Divided in 128 bits when `a * b` fits there, and otherwise as a 256-bit value by a 128-bit
/// one ([`div_wide_u128`]): the same exact quotient and remainder as [`mul_div`] in 512 bits,
/// for a small fraction of the contract's instructions.
///
/// # Errors
/// [`CurveError::DivisionByZero`]; [`CurveError::Overflow`] when the result needs more than 128 bits.
pub fn mul_div_u128(a: u128, b: u128, c: u128, rounding: Rounding) -> Result<u128, CurveError> {
    let Some(product) = a.checked_mul(b) else {
        if c == 0 {
            return Err(CurveError::DivisionByZero);
        }
        // The product in two 128-bit halves; a quotient past 128 bits needs `high >= c`.
        let limbs = U128::from(a).full_mul(U128::from(b)).0;
        let high = (u128::from(limbs[3]) << 64) | u128::from(limbs[2]);
        let low = (u128::from(limbs[1]) << 64) | u128::from(limbs[0]);
        let (quotient, remainder) = div_wide_u128(high, low, c).ok_or(CurveError::Overflow)?;
        return round(quotient, remainder, rounding);
    };
    let (quotient, remainder) = div_rem_u128(product, c).ok_or(CurveError::DivisionByZero)?;
    round(quotient, remainder, rounding)
}

/// A quotient rounded as asked, given its remainder.
fn round(quotient: u128, remainder: u128, rounding: Rounding) -> Result<u128, CurveError> {
    match rounding {
        Rounding::Up if remainder != 0 => quotient.checked_add(1).ok_or(CurveError::Overflow),
        _ => Ok(quotient),
    }
}

/// A power of two above `sqrt(x)`: where Newton's iteration starts on chain.
fn power_of_two_above_root(x: u128) -> u128 {
    let bits = 128u32.saturating_sub(x.leading_zeros());
    1u128 << bits.div_ceil(2)
}

/// The float root of `x` nudged above the true one (a float root errs by a few parts in 1e16),
/// or a power of two above it should the nudge fall short: where Newton's iteration starts off
/// chain, a division or two from the root instead of seven.
#[cfg(any(feature = "std", test))]
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss
)]
fn float_above_root(x: u128) -> u128 {
    let guess = (((x as f64).sqrt() * (1.0 + 1e-12)) as u128).saturating_add(1);
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
    narrow(sqrt512(full_mul(wide(x), wide(ONE)), Rounding::Down)?)
}

/// A repeatable stream of 64-bit values (a linear congruential generator from `seed`): the
/// operands the arithmetic tests sweep, the same in every run.
#[cfg(test)]
pub(crate) fn operand_stream(mut seed: u64) -> impl FnMut() -> u64 {
    move || {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        seed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mul512_u128_is_the_exact_product_or_none_past_512_bits() {
        // 2^511 * 2^65 leaves every limb zero and the carry alone past 512 bits.
        let factors = [
            0u128,
            1,
            2,
            u128::from(u64::MAX),
            1 << 64,
            1 << 65,
            3 << 64,
            ONE,
            u128::MAX,
        ];
        let mut values = vec![
            U512::zero(),
            U512::one(),
            U512::MAX,
            U512::MAX >> 128,
            U512::MAX >> 129,
        ];
        for bits in [63usize, 64, 127, 200, 383, 384, 385, 511] {
            values.push((U512::one() << bits) + U512::from(12_345u32));
            values.push((U512::one() << bits) - U512::one());
        }
        // Products on both sides of 2^512, with every limb carrying: random limbs under a random
        // top bit, times factors of every width.
        let mut next = operand_stream(0x9e37_79b9_7f4a_7c15);
        let mut pairs: Vec<(U512, u128)> = values.iter().flat_map(|&x| factors.map(|m| (x, m))).collect();
        for _ in 0..20_000 {
            let x = U512([next(), next(), next(), next(), next(), next(), next(), next()]) >> (next() % 512);
            let m = (u128::from(next()) << 64 | u128::from(next())) >> (next() % 128);
            pairs.push((x, m));
        }
        for (x, m) in pairs {
            let (product, overflowed) = x.overflowing_mul(U512::from(m));
            let expected = (!overflowed).then_some(product);
            assert_eq!(mul512_u128(x, m), expected, "{x} * {m}");
        }
    }

    #[test]
    fn mul_div_rounds_both_ways() {
        assert_eq!(mul_div_u128(7, 3, 2, Rounding::Down), Ok(10));
        assert_eq!(mul_div_u128(7, 3, 2, Rounding::Up), Ok(11));
        assert_eq!(mul_div_u128(8, 3, 2, Rounding::Up), Ok(12));
    }

    #[test]
    fn mul_div_keeps_full_precision_past_256_bits() {
        let big = U256::MAX;
        assert_eq!(mul_div(big, big, big, Rounding::Down), Ok(big));
        assert_eq!(
            mul_div(big, big, U256::one(), Rounding::Down),
            Err(CurveError::Overflow)
        );
    }

    #[test]
    fn narrow_division_and_fast_roots_agree_with_the_512_bit_routines() {
        // Values on both sides of the 128- and 256-bit boundaries, and typical products.
        let mut samples = vec![
            U512::from(7u8),
            U512::from(ONE),
            full_mul(wide(ONE), wide(10u128.pow(23))),
        ];
        for bits in [1u32, 64, 127, 128, 129, 200, 255, 256, 257, 400, 511] {
            let p = U512::one() << bits;
            samples.extend([p - U512::one(), p, p + U512::from(12_345u32)]);
        }
        for &n in &samples {
            for &d in &samples {
                assert_eq!(div_mod(n, d), n.div_mod(d), "{n} / {d}");
            }
            assert_eq!(isqrt512(n), n.integer_sqrt(), "sqrt {n}");
        }
    }

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
        for &x in &samples {
            let r = isqrt_u128(x);
            assert!(r.checked_mul(r).is_some_and(|sq| sq <= x), "{x}: {r}^2 > x");
            let next = r + 1;
            assert!(
                next.checked_mul(next).is_none_or(|sq| sq > x),
                "{x}: {r} is not the floor"
            );
        }
    }

    #[test]
    fn division_by_zero_is_an_error() {
        assert_eq!(
            mul_div_u128(1, 1, 0, Rounding::Down),
            Err(CurveError::DivisionByZero)
        );
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

        #[test]
        fn mul_div_u128_matches_the_512_bit_path(a in proptest::num::u128::ANY, b in proptest::num::u128::ANY, c in proptest::num::u128::ANY, shift_a in 0u32..128, shift_b in 0u32..128, shift_c in 0u32..128) {
            let (a, b, c) = (a >> shift_a, b >> shift_b, c >> shift_c);
            // `uint`'s own 512-bit division is the reference: `mul_div` shares the routines tested.
            let expected = |rounding: Rounding| -> Result<u128, CurveError> {
                if c == 0 {
                    return Err(CurveError::DivisionByZero);
                }
                let (q, r) = U256::from(a).full_mul(U256::from(b)).div_mod(U512::from(c));
                let q = if rounding == Rounding::Up && !r.is_zero() { q + U512::one() } else { q };
                narrow(narrow512(q)?)
            };
            for rounding in [Rounding::Down, Rounding::Up] {
                proptest::prop_assert_eq!(mul_div_u128(a, b, c, rounding), expected(rounding));
            }
        }
    }

    #[test]
    fn narrowing_refuses_what_does_not_fit() {
        assert_eq!(narrow(wide(u128::MAX)), Ok(u128::MAX));
        assert_eq!(
            narrow(add(wide(u128::MAX), U256::one()).unwrap()),
            Err(CurveError::Overflow)
        );
    }
}
