//! Division without the 128-bit division routine: long division of 512-bit values on 64-bit
//! limbs (Knuth's algorithm D, TAOCP 4.3.1), and its step, a 128-bit value by a 64-bit one,
//! on 64-bit operations alone.
//!
//! Wasm has 64-bit division instructions but no 128-bit ones: a `u128` division compiles to
//! the compiler's generic routine, which on chain costs about as much as a thousand plain
//! instructions (`tests/examples/curve_cost.rs`). [`div_rem_u128`] divides on 32-bit
//! half-limbs with 64-bit instructions instead (Knuth's algorithm D again, as Hacker's Delight's
//! `divlu` writes it), and every `u128` division of the curve goes through it.
//!
//! The contract divides 512-bit values through [`div_rem`] rather than `U512::div_mod`: the
//! same quotient and remainder from well under half the code, with the loops left as loops. Each
//! quotient limb is estimated from the top two limbs of the running remainder and the top limb
//! of the normalised divisor, corrected at most twice against the divisor's second limb, and
//! then at most once more after the multiply-and-subtract (the rare add-back).
//!
//! Every index below is under the limb counts it is derived from (at most 8 for the operands, 9
//! for the normalised dividend), every wrapping operation is one whose result fits (the comments
//! say why where it is not plain), and no divisor is zero: the checked divisions' fallback is
//! never taken.

use crate::math::U512;
use crate::product::{multiply_add, widening};

/// Limbs of a 512-bit value, least significant first.
type Limbs = [u64; 8];

/// How many of `x`'s low limbs hold its value (0 for zero).
fn used(x: &Limbs) -> usize {
    let mut n = 8usize;
    while n > 0 && x[n.wrapping_sub(1)] == 0 {
        n = n.wrapping_sub(1);
    }
    n
}

/// `(x << shift) | (below >> (64 - shift))` for `shift < 64`: a limb of a value shifted left.
fn shifted(x: u64, below: u64, shift: u32) -> u64 {
    if shift == 0 {
        x
    } else {
        (x << shift) | (below >> 64u32.wrapping_sub(shift))
    }
}

/// `x * limb` for `x < 2^64` (the estimate's product; its loop condition checks the bound first).
#[allow(clippy::cast_possible_truncation)]
fn times_limb(x: u128, limb: u64) -> u128 {
    let (high, low) = widening(x as u64, limb);
    (u128::from(high) << 64) | u128::from(low)
}

/// The high and low halves of a 128-bit value.
#[allow(clippy::cast_possible_truncation)]
fn split(x: u128) -> (u64, u64) {
    ((x >> 64) as u64, x as u64)
}

/// Quotient and remainder of `n / d` on `u128`, as `/` and `%` give them; `None` when `d` is
/// zero. On 64-bit operations only (see the module's documentation).
#[allow(clippy::cast_possible_truncation)]
pub fn div_rem_u128(n: u128, d: u128) -> Option<(u128, u128)> {
    let (n1, n0) = split(n);
    let (d1, d0) = split(d);
    if d1 == 0 {
        // Two limbs by one: the high limb alone first, then the rest under its remainder.
        let high = n1.checked_div(d0)?;
        let (low, rem) = div_128_by_64(n1.wrapping_sub(high.wrapping_mul(d0)), n0, d0);
        return Some(((u128::from(high) << 64) | u128::from(low), u128::from(rem)));
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

/// `(high * 2^128 + low) / d` and its remainder, for `high < d` (so that the quotient fits in
/// 128 bits): a 256-bit value by a 128-bit one, as `a * b / c` on amounts needs it. `None` when
/// `d` is zero or `high >= d`.
#[allow(clippy::cast_possible_truncation)]
pub fn div_wide_u128(high: u128, low: u128, d: u128) -> Option<(u128, u128)> {
    if high >= d {
        return None;
    }
    if high == 0 {
        return div_rem_u128(low, d);
    }
    let (l1, l0) = split(low);
    if d >> 64 == 0 {
        // `high < d < 2^64`: two limbs by one, twice.
        let (q1, r) = div_128_by_64(high as u64, l1, d as u64);
        let (q0, r) = div_128_by_64(r, l0, d as u64);
        return Some(((u128::from(q1) << 64) | u128::from(q0), u128::from(r)));
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
    let (q1, r) = three_by_two(high, l1, d);
    let (q0, r) = three_by_two(r, l0, d);
    Some(((u128::from(q1) << 64) | u128::from(q0), r >> shift))
}

/// `(high * 2^64 + low) / d` and its remainder for a normalised two-limb `d` (top bit set) and
/// `high < d`: the quotient digit estimated from the top limbs, and corrected against the
/// divisor's second limb (Knuth's algorithm D, step D3). With a two-limb divisor that
/// correction compares the whole remainder, so the digit it leaves is exact.
// The remainder `rhat * 2^64 + low - q * d0` is below `d < 2^128`; formed modulo 2^128 it is exact
// even when `rhat * 2^64` is not.
fn three_by_two(high: u128, low: u64, d: u128) -> (u64, u128) {
    let (d1, d0) = split(d);
    let (mut q, mut rhat) = div_rem_u128(high, u128::from(d1)).unwrap_or((0, 0));
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
fn div_128_by_64(high: u64, low: u64, d: u64) -> (u64, u64) {
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

/// Quotient and remainder of `n / d`, exactly as `U512::div_mod` gives them.
///
/// # Panics
/// When `d` is zero, as `U512::div_mod` does (a trap on chain): a quotient of zero would be a
/// price of zero. Callers check for zero first and name the error.
#[allow(clippy::indexing_slicing)]
pub fn div_rem(n: U512, d: U512) -> (U512, U512) {
    let (u, v) = (n.0, d.0);
    let (m, len) = (used(&u), used(&v));
    assert!(len > 0, "division by zero");
    if m < len {
        return (U512::zero(), n);
    }
    if len == 1 {
        return short_division(&u, m, v[0]);
    }
    // Normalise: shift so that the divisor's top limb has its high bit set; the dividend gains a
    // limb on top.
    let shift = v[len.wrapping_sub(1)].leading_zeros();
    let mut vn: Limbs = [0; 8];
    let mut un = [0u64; 9];
    shift_into(&v, len, shift, &mut vn);
    shift_into(&u, m, shift, &mut un);
    un[m] = shifted(0, u[m.wrapping_sub(1)], shift);

    let mut q: Limbs = [0; 8];
    // One quotient limb per step, from the most significant.
    let mut j = m.wrapping_sub(len).wrapping_add(1);
    while j > 0 {
        j = j.wrapping_sub(1);
        let qhat = estimate(&un, &vn, j, len);
        q[j] = subtract_multiple(&mut un, &vn, j, len, qhat);
    }
    // The remainder is the low `len` limbs of `un`, shifted back.
    let mut r: Limbs = [0; 8];
    let mut i = 0usize;
    while i < len {
        r[i] = if shift == 0 {
            un[i]
        } else {
            (un[i] >> shift) | (un[i.wrapping_add(1)] << 64u32.wrapping_sub(shift))
        };
        i = i.wrapping_add(1);
    }
    (U512(q), U512(r))
}

/// `n / d` for a one-limb divisor: two limbs by one per limb, from the top.
#[allow(clippy::indexing_slicing)]
fn short_division(u: &Limbs, m: usize, d: u64) -> (U512, U512) {
    let mut q: Limbs = [0; 8];
    let mut rem = 0u64;
    let mut i = m;
    while i > 0 {
        i = i.wrapping_sub(1);
        // `rem < d`: each step's quotient fits in a limb.
        let (digit, left) = div_128_by_64(rem, u[i], d);
        q[i] = digit;
        rem = left;
    }
    (U512(q), U512::from(rem))
}

/// The low `len` limbs of `x`, shifted left by `shift`, into `out`.
#[allow(clippy::indexing_slicing)]
fn shift_into(x: &Limbs, len: usize, shift: u32, out: &mut [u64]) {
    let mut i = len.wrapping_sub(1);
    while i > 0 {
        out[i] = shifted(x[i], x[i.wrapping_sub(1)], shift);
        i = i.wrapping_sub(1);
    }
    out[0] = x[0] << shift;
}

/// The quotient limb at `j`, estimated from the top two limbs of the running remainder and the
/// divisor's top limb, corrected against its second limb: never too small, and at most one too
/// large.
#[allow(clippy::indexing_slicing)]
fn estimate(un: &[u64; 9], vn: &Limbs, j: usize, len: usize) -> u128 {
    let high = j.wrapping_add(len);
    let top = u128::from(vn[len.wrapping_sub(1)]);
    let second = vn[len.wrapping_sub(2)];
    let num = (u128::from(un[high]) << 64) | u128::from(un[high.wrapping_sub(1)]);
    let (mut qhat, mut rhat) = div_rem_u128(num, top).unwrap_or((0, 0));
    // `rhat < top < 2^64` inside the loop, so `rhat << 64` keeps every bit, and `qhat < 2^64`
    // when the product is formed.
    while qhat >> 64 != 0 || times_limb(qhat, second) > ((rhat << 64) | u128::from(un[high.wrapping_sub(2)]))
    {
        qhat = qhat.wrapping_sub(1);
        rhat = rhat.wrapping_add(top);
        if rhat >> 64 != 0 {
            break;
        }
    }
    qhat
}

/// Subtracts `qhat * vn` from the window `un[j ..= j + len]` and returns the quotient limb:
/// `qhat`, or one less when that took one divisor too many and it is added back.
// `t as u64` keeps a limb's low 64 bits, two's complement when it went below zero: on purpose.
#[allow(
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)]
fn subtract_multiple(un: &mut [u64; 9], vn: &Limbs, j: usize, len: usize, qhat: u128) -> u64 {
    let mut borrow = 0i128;
    let mut carry = 0u64;
    let mut i = 0usize;
    while i < len {
        // `qhat < 2^64`: a limb's product plus a limb of carry fits in 128 bits.
        let (high, low) = multiply_add(qhat as u64, vn[i], 0, carry);
        carry = high;
        let at = i.wrapping_add(j);
        let t = i128::from(un[at])
            .wrapping_sub(i128::from(low))
            .wrapping_add(borrow);
        un[at] = t as u64;
        // -1 when the limb went below zero, else 0.
        borrow = t >> 64;
        i = i.wrapping_add(1);
    }
    let high = j.wrapping_add(len);
    let t = i128::from(un[high])
        .wrapping_sub(i128::from(carry))
        .wrapping_add(borrow);
    un[high] = t as u64;
    let q = qhat as u64;
    if t >= 0 {
        return q;
    }
    #[cfg(test)]
    ADD_BACKS.with(|n| n.set(n.get().wrapping_add(1)));
    let mut carry = 0u64;
    let mut i = 0usize;
    while i < len {
        let at = i.wrapping_add(j);
        let (c, sum) = split(
            u128::from(un[at])
                .wrapping_add(u128::from(vn[i]))
                .wrapping_add(u128::from(carry)),
        );
        un[at] = sum;
        carry = c;
        i = i.wrapping_add(1);
    }
    un[high] = un[high].wrapping_add(carry);
    q.wrapping_sub(1)
}

#[cfg(test)]
thread_local! {
    /// Add-backs taken on this thread, so the tests can show they reach that branch.
    static ADD_BACKS: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

#[cfg(test)]
#[allow(clippy::cast_possible_truncation)]
mod tests {
    use super::*;

    /// Limb values that sit at the edges of the estimate and its corrections.
    const EDGES: [u64; 7] = [0, 1, 2, 1 << 63, (1 << 63) - 1, u64::MAX - 1, u64::MAX];

    fn check(n: U512, d: U512) {
        if d.is_zero() {
            return;
        }
        assert_eq!(div_rem(n, d), n.div_mod(d), "{n} / {d}");
    }

    #[test]
    fn agrees_with_uint_on_values_of_every_width() {
        let mut next = crate::math::operand_stream(0x0123_4567_89ab_cdef);
        for _ in 0..200_000 {
            let mut n = [0u64; 8];
            let mut d = [0u64; 8];
            for limb in n.iter_mut().chain(d.iter_mut()) {
                let r = next();
                *limb = match r % 4 {
                    0 => EDGES[(r >> 8) as usize % EDGES.len()],
                    _ => next(),
                };
            }
            let n = U512(n) >> (next() % 512) as usize;
            let d = U512(d) >> (next() % 512) as usize;
            check(n, d);
            // A divisor just below or above the dividend, and the dividend a multiple of it.
            check(n, n.saturating_sub(U512::one()));
            check(n.saturating_add(U512::one()), n);
            if let (Some(product), false) = (d.checked_mul(U512::from(next() % 1_000 + 1)), d.is_zero()) {
                check(product, d);
            }
        }
    }

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
                assert_eq!(div_rem_u128(n, d), expected, "{n} / {d}");
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
                            assert_eq!(div_rem_u128(n, d), expected, "{n} / {d}");
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
        let value = |r: u64, fresh: u64, shift: u64| -> u128 {
            let limb = |x: u64, y: u64| {
                if x % 4 == 0 {
                    EDGES[(x >> 8) as usize % EDGES.len()]
                } else {
                    y
                }
            };
            ((u128::from(limb(r, fresh)) << 64) | u128::from(limb(r >> 3, fresh.rotate_left(17))))
                >> (shift % 128)
        };
        for _ in 0..300_000 {
            let d = value(next(), next(), next()).max(1);
            let high = value(next(), next(), next()) % d;
            let low = value(next(), next(), next());
            let n = (U256::from(high) << 128) | U256::from(low);
            let (q, r) = n.div_mod(U256::from(d));
            assert_eq!(
                div_wide_u128(high, low, d),
                Some((q.low_u128(), r.low_u128())),
                "{n} / {d}"
            );
        }
        assert_eq!(div_wide_u128(5, 0, 5), None);
        assert_eq!(div_wide_u128(0, 7, 0), None);
    }

    #[test]
    fn the_two_limb_step_agrees_with_the_operators_below_the_divisor() {
        let mut next = crate::math::operand_stream(0x1357_9bdf_0246_8ace);
        for _ in 0..500_000 {
            let d = (next() >> (next() % 64)).max(1);
            let high = next() % d;
            let low = next();
            let n = (u128::from(high) << 64) | u128::from(low);
            let expected = ((n / u128::from(d)) as u64, (n % u128::from(d)) as u64);
            assert_eq!(div_128_by_64(high, low, d), expected, "{n} / {d}");
        }
    }

    #[test]
    #[should_panic(expected = "division by zero")]
    fn a_zero_divisor_panics_as_uint_does() {
        let _ = div_rem(U512::from(7u8), U512::zero());
    }

    #[test]
    fn agrees_with_uint_on_edge_limbs_and_takes_the_add_back() {
        // Every divisor of two or three edge limbs under every dividend of five edge limbs, at
        // two shifts: these are the operands whose estimates need correcting.
        let before = ADD_BACKS.with(std::cell::Cell::get);
        let value = |limbs: &[u64]| {
            let mut words = [0u64; 8];
            words[..limbs.len()].copy_from_slice(limbs);
            U512(words)
        };
        for &a in &EDGES {
            for &b in &EDGES {
                for &c in &EDGES {
                    for d in [value(&[a, b]), value(&[a, b, c])] {
                        for &w in &EDGES {
                            for &x in &EDGES {
                                for shift in [0usize, 17] {
                                    let n = value(&[w, x, c, a, b]) << shift;
                                    check(n, d);
                                    check(n, d << 64);
                                }
                            }
                        }
                    }
                }
            }
        }
        // An estimate the corrections leave one too large: only the add-back settles it.
        check(
            value(&[0, 0, 0x8000_0000_0000_0000, 0x7fff_ffff_ffff_ffff]),
            value(&[1, 0, 0x8000_0000_0000_0000]),
        );
        assert!(
            ADD_BACKS.with(std::cell::Cell::get) > before,
            "no operand took the add-back"
        );
    }
}
