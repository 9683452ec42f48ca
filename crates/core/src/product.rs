//! Products on 64-bit limbs without the 128-bit multiplication routine.
//!
//! Wasm has no instruction for the high half of a 64 x 64-bit product: a `u128` product compiles
//! to a call into the compiler's generic 128 x 128-bit routine, about 60 instructions on chain
//! (`tests/examples/curve_cost.rs`). [`widening_by_halves`] forms the product from 32-bit halves
//! with four 64-bit multiplications instead (what [`widening`] runs in the contracts), for the
//! core's own limb loops (the long division and `math::mul512_u128`). `uint`'s products, built
//! at opt-level 3, stay `uint`'s: unrolled, they cost less than any loop the size-optimised core
//! compiles to.

/// The low 32 bits of a limb.
const HALF_MASK: u64 = (1 << 32) - 1;

/// `a * b` as its `(high, low)` limbs: in the contracts (`no_std`) by [`widening_by_halves`],
/// off chain (`std`) by the host's 64 x 64-bit product.
#[allow(clippy::cast_possible_truncation)]
pub fn widening(a: u64, b: u64) -> (u64, u64) {
    #[cfg(not(feature = "std"))]
    {
        widening_by_halves(a, b)
    }
    #[cfg(feature = "std")]
    {
        // Below 2^128: the product of two 64-bit values never overflows.
        let product = u128::from(a).wrapping_mul(u128::from(b));
        ((product >> 64) as u64, product as u64)
    }
}

/// `a * b` as its `(high, low)` limbs, from 32-bit halves with four 64-bit multiplications.
// Each partial product of two 32-bit halves is below 2^64, and `middle`, the sum of three values
// below 2^32, is below 2^34: no operation below wraps, nor does the high limb, which is at most
// 2^64 - 2.
#[cfg_attr(all(feature = "std", not(test)), allow(dead_code))]
pub fn widening_by_halves(a: u64, b: u64) -> (u64, u64) {
    let (a1, a0) = (a >> 32, a & HALF_MASK);
    let (b1, b0) = (b >> 32, b & HALF_MASK);
    let low_low = a0.wrapping_mul(b0);
    let low_high = a0.wrapping_mul(b1);
    let high_low = a1.wrapping_mul(b0);
    let middle = (low_low >> 32)
        .wrapping_add(low_high & HALF_MASK)
        .wrapping_add(high_low & HALF_MASK);
    let low = (middle << 32) | (low_low & HALF_MASK);
    let high = a1
        .wrapping_mul(b1)
        .wrapping_add(low_high >> 32)
        .wrapping_add(high_low >> 32)
        .wrapping_add(middle >> 32);
    (high, low)
}

/// `limb * factor + add + carry` as its `(high, low)` limbs: one step of a schoolbook row. At
/// most `(2^64 - 1)^2 + 2 (2^64 - 1) = 2^128 - 1`, so the high limb never wraps.
pub fn multiply_add(limb: u64, factor: u64, add: u64, carry: u64) -> (u64, u64) {
    let (high, low) = widening(limb, factor);
    let (low, first) = low.overflowing_add(add);
    let (low, second) = low.overflowing_add(carry);
    (
        high.wrapping_add(u64::from(first))
            .wrapping_add(u64::from(second)),
        low,
    )
}

#[cfg(test)]
#[allow(clippy::cast_possible_truncation)]
mod tests {
    use super::*;

    const EDGES: [u64; 7] = [0, 1, 2, 1 << 32, (1 << 32) - 1, u64::MAX - 1, u64::MAX];

    #[test]
    fn widening_is_the_exact_product() {
        let mut next = crate::math::operand_stream(0x2468_ace0_1357_9bdf);
        let mut pairs: Vec<(u64, u64)> = EDGES
            .iter()
            .flat_map(|&a| EDGES.iter().map(move |&b| (a, b)))
            .collect();
        pairs.extend((0..200_000).map(|_| (next() >> (next() % 64), next() >> (next() % 64))));
        for (a, b) in pairs {
            let product = u128::from(a) * u128::from(b);
            assert_eq!(
                widening_by_halves(a, b),
                ((product >> 64) as u64, product as u64),
                "{a} * {b}"
            );
        }
    }
}
