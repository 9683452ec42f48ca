//! Division by a divisor within 128 bits, on the 64-bit instructions Wasm has.
//!
//! Wasm has 64-bit division instructions but no 128-bit ones: a `u128` division compiles to
//! the compiler's generic routine, which on chain costs about as much as a thousand plain
//! instructions (`tests/examples/curve_cost.rs`). [`long_div_rem_u128`] divides on 32-bit
//! half-limbs with 64-bit instructions instead (Knuth's algorithm D, as Hacker's Delight's
//! `divlu` writes it), and [`div_256_by_128`] divides a 256-bit value by a 128-bit one in
//! two such steps, which is what `a * b / c` on amounts and most of the curve's 512-bit
//! divisions need. Every division of the curve goes through [`div_rem_u128`] and
//! [`div_256_by_128`], which run these steps on 64-bit instructions in the contracts (`no_std`)
//! and on the operators off chain (`std`), where the compiler's routine runs on the host's
//! 64-bit division and the simulator's sweeps run the curve billions of times.
//!
//! Every wrapping operation below is one whose result fits (the comments say why where it is
//! not plain). The entry points answer `None` for a zero divisor; past them no divisor is zero,
//! so the checked divisions' fallback is never taken.

use crate::product::widening;

/// `(x << shift) | (below >> (64 - shift))` for `shift < 64`: a limb of a value shifted left.
pub(crate) fn shifted(x: u64, below: u64, shift: u32) -> u64 {
    if shift == 0 {
        x
    } else {
        (x << shift) | (below >> 64u32.wrapping_sub(shift))
    }
}

/// `x * limb` for `x < 2^64` (the estimate's product; its loop condition checks the bound first).
#[allow(clippy::cast_possible_truncation)]
pub(crate) fn times_limb(x: u128, limb: u64) -> u128 {
    let (high, low) = widening(x as u64, limb);
    join(high, low)
}

/// The high and low halves of a 128-bit value.
#[allow(clippy::cast_possible_truncation)]
pub(crate) fn split(x: u128) -> (u64, u64) {
    ((x >> 64) as u64, x as u64)
}

/// `high * 2^64 + low`: a 128-bit value from its limbs.
pub(crate) fn join(high: u64, low: u64) -> u128 {
    (u128::from(high) << 64) | u128::from(low)
}

/// Quotient and remainder of `n / d` on `u128`, as `/` and `%` give them; `None` when `d` is
/// zero. In the contracts (`no_std`), [`long_div_rem_u128`]; off chain (`std`: the simulator,
/// the bots), the operators: the same answer, which the tests hold them to.
pub fn div_rem_u128(n: u128, d: u128) -> Option<(u128, u128)> {
    Host::div_rem(n, d)
}

/// A 256-bit dividend given as four 64-bit limbs, least significant first (as `U256` and `U512`
/// hold them), over a 128-bit divisor: [`div_256_by_128`] on the limbs joined into halves.
// Out of line, this wrapper cost every contract that divides about 100 bytes.
#[allow(clippy::inline_always)]
#[inline(always)]
pub fn div_limbs_by_u128(limbs: [u64; 4], d: u128) -> Option<((u128, u128), u128)> {
    let [l0, l1, l2, l3] = limbs;
    div_256_by_128(join(l3, l2), join(l1, l0), d)
}

/// `(high * 2^128 + low) / d`: the quotient's high and low halves, and the remainder; `None`
/// when `d` is zero. The high half alone first, then the rest under its remainder; a high half
/// below `d`, as in every `a * b / c` whose quotient fits in 128 bits, takes the second step
/// alone. In the contracts (`no_std`) each step divides on 64-bit instructions ([`Long`]); off
/// chain (`std`) on the operators, which run on the host's 64-bit division.
pub fn div_256_by_128(high: u128, low: u128, d: u128) -> Option<((u128, u128), u128)> {
    div_256_by_128_on::<Host>(high, low, d)
}

/// The divisions this build runs: [`Long`] in the contracts (`no_std`), `Native` off chain.
#[cfg(not(feature = "std"))]
type Host = Long;
#[cfg(feature = "std")]
type Host = Native;

/// The two divisions a 256-by-128-bit division is built from: 128 bits by 128, and two limbs by
/// one under the divisor. [`Long`] runs them on 64-bit instructions (the contracts), `Native`
/// on the operators (off chain); the steps around them are the same code either way.
trait Steps {
    /// Quotient and remainder of `n / d`; `None` when `d` is zero.
    fn div_rem(n: u128, d: u128) -> Option<(u128, u128)>;
    /// `(high * 2^64 + low) / d` and its remainder, for `high < d`.
    fn two_by_one(high: u64, low: u64, d: u64) -> (u64, u64);
}

/// The divisions on 64-bit instructions: what the contracts run (off chain, only the tests).
#[cfg_attr(feature = "std", allow(dead_code))]
struct Long;

impl Steps for Long {
    fn div_rem(n: u128, d: u128) -> Option<(u128, u128)> {
        long_div_rem_u128(n, d)
    }
    fn two_by_one(high: u64, low: u64, d: u64) -> (u64, u64) {
        div_128_by_64(high, low, d)
    }
}

/// The divisions on the operators: what runs off chain.
#[cfg(feature = "std")]
struct Native;

#[cfg(feature = "std")]
impl Steps for Native {
    fn div_rem(n: u128, d: u128) -> Option<(u128, u128)> {
        n.checked_div(d).zip(n.checked_rem(d))
    }
    #[allow(clippy::cast_possible_truncation)]
    fn two_by_one(high: u64, low: u64, d: u64) -> (u64, u64) {
        // `high < d`: the quotient fits in a limb, the remainder is below `d`.
        let (q, r) = Self::div_rem(join(high, low), u128::from(d)).unwrap_or((0, 0));
        (q as u64, r as u64)
    }
}

/// Quotient and remainder of `n / d` on `u128`, as `/` and `%` give them; `None` when `d` is
/// zero. On 64-bit operations only (see the module's documentation): what [`div_rem_u128`] runs
/// in the contracts.
#[allow(clippy::cast_possible_truncation)]
#[cfg_attr(feature = "std", allow(dead_code))]
pub fn long_div_rem_u128(n: u128, d: u128) -> Option<(u128, u128)> {
    let (n1, n0) = split(n);
    let (d1, d0) = split(d);
    if d1 == 0 {
        // Two limbs by one: the high limb alone first, then the rest under its remainder.
        let high = n1.checked_div(d0)?;
        let (low, rem) = div_128_by_64(n1.wrapping_sub(high.wrapping_mul(d0)), n0, d0);
        return Some((join(high, low), u128::from(rem)));
    }
    if n < d {
        return Some((0, n));
    }
    // A divisor past 64 bits leaves a quotient within 64 (Hacker's Delight, `divlu64`):
    // divide half the dividend by the divisor's normalised top limb, undo both scalings, which
    // leaves the quotient exact or one too small, and settle the last unit on the remainder.
    let shift = d1.leading_zeros();
    let top = ((d << shift) >> 64) as u64;
    let half = n >> 1;
    // `half < 2^127 <= top * 2^64`: the step's quotient fits in a limb.
    let (estimate, _) = div_128_by_64((half >> 64) as u64, half as u64, top);
    let mut q = (u128::from(estimate) << shift) >> 63;
    q = q.saturating_sub(1);
    // `q <= n / d`, so neither the product nor the difference wraps.
    let mut rem = n.wrapping_sub(q.wrapping_mul(d));
    if rem >= d {
        q = q.wrapping_add(1);
        rem = rem.wrapping_sub(d);
    }
    Some((q, rem))
}

/// [`div_256_by_128`]'s steps, on the divisions of `S`.
fn div_256_by_128_on<S: Steps>(high: u128, low: u128, d: u128) -> Option<((u128, u128), u128)> {
    let (q1, r1) = if high < d { (0, high) } else { S::div_rem(high, d)? };
    let (q0, rem) = div_wide_u128::<S>(r1, low, d)?;
    Some(((q1, q0), rem))
}

/// `(high * 2^128 + low) / d` and its remainder, for `high < d` (so that the quotient fits in
/// 128 bits): a 256-bit value by a 128-bit one, as `a * b / c` on amounts needs it. `None` when
/// `d` is zero or `high >= d`.
#[allow(clippy::cast_possible_truncation)]
fn div_wide_u128<S: Steps>(high: u128, low: u128, d: u128) -> Option<(u128, u128)> {
    if high >= d {
        return None;
    }
    if high == 0 {
        return S::div_rem(low, d);
    }
    let (l1, l0) = split(low);
    if d >> 64 == 0 {
        // `high < d < 2^64`: two limbs by one, twice.
        let (q1, r) = S::two_by_one(high as u64, l1, d as u64);
        let (q0, r) = S::two_by_one(r, l0, d as u64);
        return Some((join(q1, q0), u128::from(r)));
    }
    // A divisor of two limbs: normalise it, then two steps of three limbs by two.
    let shift = d.leading_zeros();
    let d = d << shift;
    let high = if shift == 0 {
        high
    } else {
        (high << shift) | (low >> 128u32.wrapping_sub(shift))
    };
    let low = low << shift;
    let (l1, l0) = split(low);
    let (q1, r) = three_by_two::<S>(high, l1, d);
    let (q0, r) = three_by_two::<S>(r, l0, d);
    Some((join(q1, q0), r >> shift))
}

/// `(high * 2^64 + low) / d` and its remainder for a normalised two-limb `d` (top bit set) and
/// `high < d`: the quotient digit estimated from the top limbs, and corrected against the
/// divisor's second limb (Knuth's algorithm D, step D3). With a two-limb divisor that
/// correction compares the whole remainder, so the digit it leaves is exact.
// The remainder `rhat * 2^64 + low - q * d0` is below `d < 2^128`; formed modulo 2^128 it is exact
// even when `rhat * 2^64` is not.
fn three_by_two<S: Steps>(high: u128, low: u64, d: u128) -> (u64, u128) {
    let (d1, d0) = split(d);
    let (mut q, mut rhat) = S::div_rem(high, u128::from(d1)).unwrap_or((0, 0));
    while q >> 64 != 0 || times_limb(q, d0) > ((rhat << 64) | u128::from(low)) {
        q = q.wrapping_sub(1);
        rhat = rhat.wrapping_add(u128::from(d1));
        if rhat >> 64 != 0 {
            break;
        }
    }
    let rem = (rhat << 64)
        .wrapping_add(u128::from(low))
        .wrapping_sub(times_limb(q, d0));
    (split(q).1, rem)
}

/// `(high * 2^64 + low) / d` and its remainder, for `high < d` (so the quotient fits in a limb):
/// the dividend and divisor normalised, then two half-limb steps, each estimated from a 64-bit
/// division and corrected at most twice (Knuth's algorithm D on 32-bit digits).
// Every product and sum below stays within 64 bits: the corrections run only while an estimate
// is under 2^32, and a remainder under 2^32 times 2^32 plus a digit is under 2^64.
#[allow(clippy::cast_possible_truncation)]
pub(crate) fn div_128_by_64(high: u64, low: u64, d: u64) -> (u64, u64) {
    const HALF: u64 = 1 << 32;
    const MASK: u64 = HALF - 1;
    let shift = d.leading_zeros();
    let d = d << shift;
    let (d1, d0) = (d >> 32, d & MASK);
    let top = shifted(high, low, shift);
    let rest = low << shift;
    let (r1, r0) = (rest >> 32, rest & MASK);
    let digit = |num: u64, next: u64| -> u64 {
        // `d1 >= 2^31` after normalising, so `num / d1 < 2^33`.
        let mut q = num.checked_div(d1).unwrap_or(0);
        let mut r = num.wrapping_sub(q.wrapping_mul(d1));
        while q >= HALF || q.wrapping_mul(d0) > (r << 32) | next {
            q = q.wrapping_sub(1);
            r = r.wrapping_add(d1);
            if r >= HALF {
                break;
            }
        }
        q
    };
    let q1 = digit(top, r1);
    // The partial remainder, `(top * 2^32 + r1) - q1 * d`, is below `d`: its high bits drop out.
    let mid = (top << 32).wrapping_add(r1).wrapping_sub(q1.wrapping_mul(d));
    let q0 = digit(mid, r0);
    let rem = (mid << 32).wrapping_add(r0).wrapping_sub(q0.wrapping_mul(d)) >> shift;
    ((q1 << 32) | q0, rem)
}

#[cfg(test)]
/// Limb values that sit at the edges of the estimate and its corrections.
pub(crate) const EDGES: [u64; 7] = [0, 1, 2, 1 << 63, (1 << 63) - 1, u64::MAX - 1, u64::MAX];

/// A 128-bit operand from the stream's values `r` and `fresh`: each limb an edge value one time
/// in four, the whole shifted right by `shift % 128`.
#[cfg(test)]
#[allow(clippy::cast_possible_truncation)]
fn edge_value(r: u64, fresh: u64, shift: u64) -> u128 {
    let limb = |x: u64, y: u64| {
        if x % 4 == 0 {
            EDGES[(x >> 8) as usize % EDGES.len()]
        } else {
            y
        }
    };
    ((u128::from(limb(r, fresh)) << 64) | u128::from(limb(r >> 3, fresh.rotate_left(17)))) >> (shift % 128)
}

#[cfg(test)]
#[allow(clippy::cast_possible_truncation)]
mod tests {
    use super::*;

    #[test]
    fn u128_division_agrees_with_the_operators_on_values_of_every_width() {
        let mut next = crate::math::operand_stream(0x0fed_cba9_8765_4321);
        let limb = |r: u64, fresh: u64| match r % 4 {
            0 => EDGES[(r >> 8) as usize % EDGES.len()],
            _ => fresh,
        };
        for _ in 0..500_000 {
            let (r1, r2, r3, r4) = (next(), next(), next(), next());
            let n = ((u128::from(limb(r1, next())) << 64) | u128::from(limb(r2, next()))) >> (next() % 128);
            let d = ((u128::from(limb(r3, next())) << 64) | u128::from(limb(r4, next()))) >> (next() % 128);
            for (n, d) in [
                (n, d),
                (n, n.saturating_sub(1)),
                (n.saturating_add(1), n),
                (d.saturating_mul(u128::from(next() % 1_000)), d),
            ] {
                let expected = n.checked_div(d).zip(n.checked_rem(d));
                assert_eq!(long_div_rem_u128(n, d), expected, "{n} / {d}");
            }
        }
    }

    #[test]
    fn u128_division_agrees_with_the_operators_on_edge_limbs() {
        for &a in &EDGES {
            for &b in &EDGES {
                for &c in &EDGES {
                    for &e in &EDGES {
                        let n = (u128::from(a) << 64) | u128::from(b);
                        for d in [
                            (u128::from(c) << 64) | u128::from(e),
                            u128::from(e),
                            u128::from(c) << 17,
                        ] {
                            let expected = n.checked_div(d).zip(n.checked_rem(d));
                            assert_eq!(long_div_rem_u128(n, d), expected, "{n} / {d}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn wide_u128_division_agrees_with_uint_below_the_divisor() {
        use crate::math::U256;
        let mut next = crate::math::operand_stream(0x5eed_5eed_0ddb_a115);
        for _ in 0..300_000 {
            let d = edge_value(next(), next(), next()).max(1);
            let high = edge_value(next(), next(), next()) % d;
            let low = edge_value(next(), next(), next());
            let n = (U256::from(high) << 128) | U256::from(low);
            let (q, r) = n.div_mod(U256::from(d));
            let expected = Some((q.low_u128(), r.low_u128()));
            assert_eq!(div_wide_u128::<Long>(high, low, d), expected, "{n} / {d}");
            assert_eq!(div_wide_u128::<Native>(high, low, d), expected, "{n} / {d}");
        }
        assert_eq!(div_wide_u128::<Long>(5, 0, 5), None);
        assert_eq!(div_wide_u128::<Long>(0, 7, 0), None);
        assert_eq!(div_wide_u128::<Native>(5, 0, 5), None);
        assert_eq!(div_wide_u128::<Native>(0, 7, 0), None);
    }

    #[test]
    fn the_two_limb_step_agrees_with_the_operators_below_the_divisor() {
        let mut next = crate::math::operand_stream(0x1357_9bdf_0246_8ace);
        for _ in 0..500_000 {
            let d = (next() >> (next() % 64)).max(1);
            let high = next() % d;
            let low = next();
            let n = join(high, low);
            let expected = ((n / u128::from(d)) as u64, (n % u128::from(d)) as u64);
            assert_eq!(div_128_by_64(high, low, d), expected, "{n} / {d}");
        }
    }

    #[test]
    fn a_256_bit_value_by_a_128_bit_one_agrees_with_uint() {
        use crate::math::U256;
        let mut next = crate::math::operand_stream(0x2468_ace0_1357_9bdf);
        for _ in 0..300_000 {
            let (high, low, d) = (
                edge_value(next(), next(), next()),
                edge_value(next(), next(), next()),
                edge_value(next(), next(), next()),
            );
            // Divisors above, at and below the high half, and the high half below every divisor.
            for (high, d) in [
                (high, d),
                (high, high),
                (high, high.saturating_add(1)),
                (high % d.max(1), d),
            ] {
                let n = (U256::from(high) << 128) | U256::from(low);
                let expected = (d != 0).then(|| {
                    let (q, r) = n.div_mod(U256::from(d));
                    (((q >> 128).low_u128(), q.low_u128()), r.low_u128())
                });
                assert_eq!(div_256_by_128_on::<Long>(high, low, d), expected, "{n} / {d}");
                assert_eq!(div_256_by_128(high, low, d), expected, "{n} / {d}");
            }
        }
    }
}
