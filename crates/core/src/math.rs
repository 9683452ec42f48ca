//! Checked fixed-point arithmetic: every product is widened, every division names its rounding.
//!
//! Amounts are `u128`. Products of two amounts are formed in [`U256`]; the few places that multiply
//! three factors (the PMM integral, the quadratic's discriminant) widen once more to [`U512`]
//! through [`mul_div`], so a result is the exact floor or ceiling of the rational value, never a
//! chain of truncations.

pub use crate::div128::div_rem_u128;
use crate::div128::{div_limbs_by_u128, split};
pub use crate::sqrt::{sqrt512, sqrt512_guess, sqrt_wad};
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
/// divisions) is [`div_limbs_by_u128`]'s instead: two 128-bit steps, on 64-bit instructions in
/// the contracts and on the operators off chain. Off chain (`std`) other operands that fit in 256 bits take
/// `uint`'s routine: the same results several times faster, which the simulator's sweeps need.
/// The contract keeps the one 512-bit routine: 6 KB less Wasm, for a call cost that measured
/// the same.
#[allow(clippy::indexing_slicing)]
pub(crate) fn div_mod(n: U512, d: U512) -> (U512, U512) {
    let limbs = n.0;
    if let (true, Ok(Ok(d))) = (limbs[4..].iter().all(|&limb| limb == 0), narrow512(d).map(narrow)) {
        if let Some(((q1, q0), r)) = div_limbs_by_u128([limbs[0], limbs[1], limbs[2], limbs[3]], d) {
            let ((q3, q2), (q1, q0)) = (split(q1), split(q0));
            return (U512([q0, q1, q2, q3, 0, 0, 0, 0]), U512::from(r));
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
/// Off chain (`std`) operands within 128 bits (amounts, prices, fees) take the 128 x 128-bit
/// product and the 256-by-128-bit division ([`div_limbs_by_u128`]): the same quotient as the
/// 512-bit path, for a fraction of the instructions. The contracts keep the 512-bit path alone:
/// in the pool the shortcut cost 547 bytes, which every call pays for loading them.
///
/// # Errors
/// [`CurveError::DivisionByZero`]; [`CurveError::Overflow`] when the result needs more than 256 bits.
pub fn mul_div(a: U256, b: U256, c: U256, rounding: Rounding) -> Result<U256, CurveError> {
    #[cfg(feature = "std")]
    if let (Ok(a), Ok(b), Ok(c)) = (narrow(a), narrow(b), narrow(c)) {
        let ((high, low), remainder) = wide_mul_div(a, b, c)?;
        let ((q3, q2), (q1, q0)) = (split(high), split(low));
        let quotient = U256([q0, q1, q2, q3]);
        // The quotient is at most `a * b < 2^256 - 1`: rounding up never overflows.
        return match rounding {
            Rounding::Up if remainder != 0 => add(quotient, U256::one()),
            _ => Ok(quotient),
        };
    }
    narrow512(div512(full_mul(a, b), U512::from(c), rounding)?)
}

/// `a * b / c` on `u128`.
///
/// Divided in 128 bits when `a * b` fits there, and otherwise as a 256-bit value by a 128-bit
/// one ([`div_limbs_by_u128`]): the same exact quotient and remainder as [`mul_div`] in 512 bits,
/// for a small fraction of the contract's instructions.
///
/// # Errors
/// [`CurveError::DivisionByZero`]; [`CurveError::Overflow`] when the result needs more than 128 bits.
pub fn mul_div_u128(a: u128, b: u128, c: u128, rounding: Rounding) -> Result<u128, CurveError> {
    let Some(product) = a.checked_mul(b) else {
        let ((high, quotient), remainder) = wide_mul_div(a, b, c)?;
        if high != 0 {
            return Err(CurveError::Overflow);
        }
        return round(quotient, remainder, rounding);
    };
    let (quotient, remainder) = div_rem_u128(product, c).ok_or(CurveError::DivisionByZero)?;
    round(quotient, remainder, rounding)
}

/// `a * b / c` on `u128` operands with the product in 256 bits: the quotient's high and low
/// halves, and the remainder.
///
/// # Errors
/// [`CurveError::DivisionByZero`].
// Inlined like `div_limbs_by_u128`, so that sharing it adds no call to the contracts' code.
#[allow(clippy::inline_always)]
#[inline(always)]
fn wide_mul_div(a: u128, b: u128, c: u128) -> Result<((u128, u128), u128), CurveError> {
    let limbs = U128::from(a).full_mul(U128::from(b)).0;
    div_limbs_by_u128(limbs, c).ok_or(CurveError::DivisionByZero)
}

/// A quotient rounded as asked, given its remainder.
fn round(quotient: u128, remainder: u128, rounding: Rounding) -> Result<u128, CurveError> {
    match rounding {
        Rounding::Up if remainder != 0 => quotient.checked_add(1).ok_or(CurveError::Overflow),
        _ => Ok(quotient),
    }
}

/// 512-bit values on both sides of the 128- and 256-bit boundaries, and typical products: the
/// operands the routines' agreement with `uint` is checked on.
#[cfg(test)]
pub(crate) fn boundary_samples() -> Vec<U512> {
    let mut samples = vec![
        U512::from(7u8),
        U512::from(ONE),
        full_mul(wide(ONE), wide(10u128.pow(23))),
    ];
    for bits in [1u32, 64, 127, 128, 129, 200, 255, 256, 257, 400, 511] {
        let p = U512::one() << bits;
        samples.extend([p - U512::one(), p, p + U512::from(12_345u32)]);
    }
    samples
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
    fn narrow_division_agrees_with_the_512_bit_routine() {
        let samples = boundary_samples();
        for &n in &samples {
            for &d in &samples {
                assert_eq!(div_mod(n, d), n.div_mod(d), "{n} / {d}");
            }
        }
    }

    #[test]
    fn division_by_zero_is_an_error() {
        assert_eq!(
            mul_div_u128(1, 1, 0, Rounding::Down),
            Err(CurveError::DivisionByZero)
        );
        // Within 128 bits and past them: both of `mul_div`'s paths.
        for a in [U256::one(), U256::MAX] {
            assert_eq!(
                mul_div(a, a, U256::zero(), Rounding::Up),
                Err(CurveError::DivisionByZero)
            );
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4_096))]
        #[test]
        fn mul_matches_uint_within_and_past_128_bits(a in proptest::array::uniform4(proptest::num::u64::ANY), b in proptest::array::uniform4(proptest::num::u64::ANY), shift_a in 0usize..256, shift_b in 0usize..256) {
            // Operands of every width, so that `mul`'s choice of path and its 128 x 128-bit
            // product are held to `uint`'s 512-bit product (wider operands take that product
            // itself, narrowed: refused past 256 bits).
            let (a, b) = (U256(a) >> shift_a, U256(b) >> shift_b);
            proptest::prop_assert_eq!(mul(a, b), narrow512(a.full_mul(b)));
        }
    }

    proptest::proptest! {
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

    proptest::proptest! {
        // One case in eight has every operand within 128 bits: enough cases for both paths.
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4_096))]
        #[test]
        fn mul_div_matches_uint_within_and_past_128_bits(a in proptest::array::uniform4(proptest::num::u64::ANY), b in proptest::array::uniform4(proptest::num::u64::ANY), c in proptest::array::uniform4(proptest::num::u64::ANY), shift_a in 0usize..256, shift_b in 0usize..256, shift_c in 0usize..256) {
            // Operands of every width, so both the 128-bit path and the 512-bit one answer.
            let (a, b, c) = (U256(a) >> shift_a, U256(b) >> shift_b, U256(c) >> shift_c);
            let expected = |rounding: Rounding| -> Result<U256, CurveError> {
                if c.is_zero() {
                    return Err(CurveError::DivisionByZero);
                }
                let (q, r) = a.full_mul(b).div_mod(U512::from(c));
                let q = if rounding == Rounding::Up && !r.is_zero() { q + U512::one() } else { q };
                narrow512(q)
            };
            for rounding in [Rounding::Down, Rounding::Up] {
                proptest::prop_assert_eq!(mul_div(a, b, c, rounding), expected(rounding));
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
