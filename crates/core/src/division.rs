//! Long division of 512-bit values on 64-bit limbs (Knuth's algorithm D, TAOCP 4.3.1), its
//! steps by `div128`'s routines, a 128-bit value by a 64-bit one on 64-bit operations alone.
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

use crate::div128::{div_128_by_64, div_rem_u128, shifted, split, times_limb};
use crate::math::U512;
use crate::product::multiply_add;

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
    use crate::div128::EDGES;

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
