//! Checked fixed-point arithmetic: every product is widened, every division names its rounding.
//!
//! Amounts are `u128`. Products of two amounts are formed in [`U256`]; the few places that multiply
//! three factors (the PMM integral, the quadratic's discriminant) widen once more to [`U512`]
//! through [`mul_div`], so a result is the exact floor or ceiling of the rational value, never a
//! chain of truncations.

use crate::CurveError;
pub use primitive_types::{U256, U512};

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
pub fn narrow(x: U256) -> Result<u128, CurveError> {
    if x > U256::from(u128::MAX) {
        return Err(CurveError::Overflow);
    }
    Ok(x.low_u128())
}

/// `U512` back into `U256`, or [`CurveError::Overflow`].
pub fn narrow512(x: U512) -> Result<U256, CurveError> {
    U256::try_from(x).map_err(|_| CurveError::Overflow)
}

/// The one widening product: `a * b` exactly, in 512 bits.
pub fn full_mul(a: U256, b: U256) -> U512 {
    a.full_mul(b)
}

/// `a + b`, checked.
pub fn add(a: U256, b: U256) -> Result<U256, CurveError> {
    a.checked_add(b).ok_or(CurveError::Overflow)
}

/// `a - b`, checked.
pub fn sub(a: U256, b: U256) -> Result<U256, CurveError> {
    a.checked_sub(b).ok_or(CurveError::Overflow)
}

/// `a * b` in 256 bits, checked. Formed through [`full_mul`] so the contract carries one
/// multiplication routine instead of two.
pub fn mul(a: U256, b: U256) -> Result<U256, CurveError> {
    narrow512(full_mul(a, b))
}

/// Quotient and remainder of `n / d`, `d` non-zero. Off chain (`std`) operands that fit in 256
/// or 128 bits take the narrower routine: the same results several times faster, which the
/// simulator's sweeps need. The contract keeps the one 512-bit routine: smaller Wasm, and on
/// chain the division is a small part of a call's cost.
fn div_mod(n: U512, d: U512) -> (U512, U512) {
    #[cfg(feature = "std")]
    if let (Ok(n), Ok(d)) = (narrow512(n), narrow512(d)) {
        if let (Ok(n), Ok(d)) = (narrow(n), narrow(d)) {
            if let (Some(q), Some(r)) = (n.checked_div(d), n.checked_rem(d)) {
                return (U512::from(q), U512::from(r));
            }
        }
        let (q, r) = n.div_mod(d);
        return (U512::from(q), U512::from(r));
    }
    n.div_mod(d)
}

/// The integer square root of `x`, narrowed; off chain through the narrowest width that holds
/// `x`, as for [`div_mod`].
fn integer_sqrt(x: U512) -> Result<U256, CurveError> {
    #[cfg(feature = "std")]
    if let Ok(x) = narrow512(x) {
        return Ok(match narrow(x) {
            Ok(x) => wide(x.isqrt()),
            Err(_) => x.integer_sqrt(),
        });
    }
    narrow512(x.integer_sqrt())
}

/// `n / d` on 512-bit values, rounded as asked.
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
pub fn mul_div(a: U256, b: U256, c: U256, rounding: Rounding) -> Result<U256, CurveError> {
    narrow512(div512(full_mul(a, b), U512::from(c), rounding)?)
}

/// `a * b / c` on `u128`.
pub fn mul_div_u128(a: u128, b: u128, c: u128, rounding: Rounding) -> Result<u128, CurveError> {
    narrow(mul_div(wide(a), wide(b), wide(c), rounding)?)
}

/// Integer square root of a 512-bit value, rounded as asked; the root of a 512-bit value fits in 256.
pub fn sqrt512(x: U512, rounding: Rounding) -> Result<U256, CurveError> {
    let root = integer_sqrt(x)?;
    match rounding {
        Rounding::Up if full_mul(root, root) != x => {
            root.checked_add(U256::one()).ok_or(CurveError::Overflow)
        }
        _ => Ok(root),
    }
}

/// Square root of a 1e18 fixed-point value, as 1e18 fixed point, rounded down.
pub fn sqrt_wad(x: u128) -> Result<u128, CurveError> {
    narrow(sqrt512(full_mul(wide(x), wide(ONE)), Rounding::Down)?)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn narrow_division_and_roots_agree_with_the_512_bit_routines() {
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
            assert_eq!(integer_sqrt(n), narrow512(n.integer_sqrt()), "sqrt {n}");
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

    #[test]
    fn narrowing_refuses_what_does_not_fit() {
        assert_eq!(narrow(wide(u128::MAX)), Ok(u128::MAX));
        assert_eq!(
            narrow(add(wide(u128::MAX), U256::one()).unwrap()),
            Err(CurveError::Overflow)
        );
    }
}
