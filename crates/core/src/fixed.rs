//! 1e18 fixed point to and from `f64`, for what people read (logs, metrics, tables, charts) and
//! for the simulator's market model. Off chain only: the contracts never touch a float.

use crate::math::ONE;

/// `x as f64`, rounded to nearest as the cast rounds, in a few instructions: the cast calls the
/// compiler's generic routine, and the simulator converts amounts tens of millions of times a
/// run. Past 64 bits the value is shifted into a limb whose last bit keeps whether anything
/// shifted out was set, so the limb's rounding to 53 bits is the value's; the power of two
/// that scales it back is exact.
#[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
pub fn u128_to_f64(x: u128) -> f64 {
    let high = (x >> 64) as u64;
    if high == 0 {
        return x as u64 as f64;
    }
    // 1 to 64 bits leave the top limb, and a bit count within 64 keeps both shifts defined.
    let shift = 64u32.saturating_sub(high.leading_zeros());
    let lost = x & ((1u128 << shift).wrapping_sub(1));
    let limb = (x >> shift) as u64 | u64::from(lost != 0);
    limb as f64 * f64::from_bits(u64::from(1023u32.saturating_add(shift)) << 52)
}

/// `x` (1e18 fixed point: a price, a ratio, or an amount of an 18-decimal token) as a float.
pub fn to_f64(x: u128) -> f64 {
    u128_to_f64(x) / ONE as f64
}

/// A signed 1e18 fixed-point value (the inventory `q`) as a float.
pub fn signed_to_f64(x: i128) -> f64 {
    x as f64 / ONE as f64
}

/// An amount of a token with `decimals` decimals, in whole tokens.
pub fn units_to_f64(x: u128, decimals: u32) -> f64 {
    u128_to_f64(x) / unit(decimals)
}

/// A signed amount of a token with `decimals` decimals (a change of holdings), in whole tokens.
pub fn signed_units_to_f64(x: i128, decimals: u32) -> f64 {
    x as f64 / unit(decimals)
}

/// One whole token in units, as a float: exact up to 22 decimals.
fn unit(decimals: u32) -> f64 {
    10u128.pow(decimals.min(38)) as f64
}

/// `x` whole tokens of a token with `decimals` decimals, in its units, truncated toward zero;
/// `None` for a negative, non-finite or too large value.
pub fn units_from_f64(x: f64, decimals: u32) -> Option<u128> {
    let scaled = x * unit(decimals);
    // The cast truncates toward zero, and the range check above it keeps it from saturating.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let units = scaled as u128;
    (scaled.is_finite() && scaled >= 0.0 && scaled < u128::MAX as f64).then_some(units)
}

/// `x` in 1e18 fixed point, truncated toward zero; `None` for a negative, non-finite or too
/// large value.
pub fn from_f64(x: f64) -> Option<u128> {
    units_from_f64(x, 18)
}

#[cfg(test)]
// The values compared are exactly representable: equality is the claim.
#[allow(clippy::float_cmp, clippy::cast_possible_wrap)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_conversion_rounds_as_the_cast_does() {
        let mut next = crate::math::operand_stream(0x0f64_0f64_0f64_0f64);
        let mut samples = vec![
            0u128,
            1,
            u128::MAX,
            u128::MAX - 1,
            1 << 64,
            (1 << 64) - 1,
            (1 << 64) + 1,
        ];
        for bits in 54..=128u32 {
            // Exactly halfway between two floats, and a unit either side of it, at every width.
            let half = 1u128 << (bits - 54);
            let base = u128::MAX >> (128 - bits) & !((half << 1) - 1);
            samples.extend([base, base | half, (base | half) - 1, (base | half) + 1]);
            samples.extend([base ^ (half << 1) | half, (base ^ (half << 1)) | half | 1]);
            if bits >= 65 {
                // A tie but for the highest bit shifted out of the 64-bit limb: only a sticky
                // bit that keeps every shifted-out bit rounds it up.
                samples.push((base ^ (half << 1)) | half | (1 << (bits - 65)));
            }
        }
        for _ in 0..200_000 {
            samples.push(u128::from(next()) << 64 | u128::from(next()) >> (next() % 128));
            samples.push((u128::from(next()) << 64 | u128::from(next())) >> (next() % 128));
        }
        for x in samples {
            assert_eq!(u128_to_f64(x).to_bits(), (x as f64).to_bits(), "{x}");
        }
    }

    #[test]
    fn round_trips_exactly_representable_values_and_refuses_nonsense() {
        assert_eq!(from_f64(0.8), Some(ONE / 10 * 8));
        assert_eq!(from_f64(10.0), Some(10 * ONE));
        assert_eq!(to_f64(ONE / 4), 0.25);
        assert_eq!(signed_to_f64(-(ONE as i128) / 2), -0.5);
        assert_eq!(units_to_f64(1_500_000, 6), 1.5);
        assert_eq!(signed_units_to_f64(-1_500_000, 6), -1.5);
        assert_eq!(units_from_f64(1.5, 6), Some(1_500_000));
        for bad in [-1.0, f64::NAN, f64::INFINITY, 1e60] {
            assert_eq!(from_f64(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_largest_value_is_the_last_float_below_2_to_the_128() {
        // 2^128 - 2^75; 2^128 itself would saturate the cast to u128::MAX, a value it is not
        let largest = 2f64.powi(128).next_down();
        assert_eq!(units_from_f64(largest, 0), Some(u128::MAX << 75));
        assert_eq!(units_from_f64(2f64.powi(128), 0), None);
        assert_eq!(from_f64(2f64.powi(128) / 1e18), None);
    }
}
