//! `k` moves toward the value the oracle's volatility and the configuration ask for by at most
//! `k_ramp` per priced transition, and only after a period (`dynamic::K_RAMP_PERIOD_MS`, a 6 s
//! block) has passed since the last one: never within a block, and never by more than one step
//! however long the pool sat idle, so a target that changes after a quiet spell (a reading, a
//! configuration change) moves `k` one step, not all the way.
//!
//! `k` reprices every open position: the short side's target is re-derived at the current `k`,
//! so a trader who sold into the pool before `k` rises buys back cheaper after it. A jump in `k`
//! (a volatility reading, a configuration change) could be sandwiched; a ramp cannot, as long as
//! one block's step moves a band-maximal position by less than the two fees of a round trip. The
//! pool prices everything within a block with one `k`, so a sandwich inside one block meets no
//! change at all; across blocks, competing arbitrageurs trade each step's mispricing away once it
//! exceeds the fee.

use crate::math::{mul_div_u128, Rounding};
use crate::CurveError;

/// The `k` a pool last priced with, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(
    feature = "scale",
    derive(parity_scale_codec::Encode, parity_scale_codec::Decode, scale_info::TypeInfo)
)]
#[cfg_attr(
    all(feature = "ink", feature = "std"),
    derive(ink::storage::traits::StorageLayout)
)]
pub struct PricedK {
    /// 1e18; meaningless while `at_ms` is zero.
    pub k: u128,
    /// Block time it was priced at (ms); zero before the pool's first priced transition.
    pub at_ms: u64,
}

impl PricedK {
    /// The `k` to price with at `now_ms` when the market asks for `target`: the last `k` moved
    /// toward `target` by `k_ramp` times the elapsed share of one `period_ms` (rounded down, and
    /// at most one whole step), or `target` itself before the first priced transition.
    ///
    /// # Errors
    /// [`CurveError::Overflow`] past the bounds (not reachable with `k` and `k_ramp` at most one).
    pub fn at(&self, target: u128, now_ms: u64, k_ramp: u128, period_ms: u64) -> Result<u128, CurveError> {
        if self.at_ms == 0 {
            return Ok(target);
        }
        let elapsed = now_ms.saturating_sub(self.at_ms).min(period_ms);
        let step = mul_div_u128(
            k_ramp,
            u128::from(elapsed),
            u128::from(period_ms.max(1)),
            Rounding::Down,
        )?;
        Ok(if target > self.k {
            self.k.saturating_add(step).min(target)
        } else {
            self.k.saturating_sub(step).max(target)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ONE;

    const BLOCK: u64 = 6_000;
    const RAMP: u128 = ONE / 500;

    #[test]
    fn before_the_first_priced_transition_k_is_the_target() {
        assert_eq!(PricedK::default().at(ONE / 2, 123, RAMP, BLOCK), Ok(ONE / 2));
    }

    #[test]
    fn k_does_not_move_within_a_block_and_moves_one_step_per_block() {
        let last = PricedK {
            k: ONE / 4,
            at_ms: 60_000,
        };
        assert_eq!(last.at(ONE / 10 * 9, 60_000, RAMP, BLOCK), Ok(ONE / 4));
        assert_eq!(last.at(ONE / 10 * 9, 66_000, RAMP, BLOCK), Ok(ONE / 4 + RAMP));
        assert_eq!(last.at(ONE / 10, 63_000, RAMP, BLOCK), Ok(ONE / 4 - RAMP / 2));
        assert_eq!(last.at(ONE / 10, 72_000, RAMP, BLOCK), Ok(ONE / 4 - RAMP));
    }

    #[test]
    fn the_ramp_stops_at_the_target() {
        let last = PricedK {
            k: ONE / 4,
            at_ms: 6_000,
        };
        assert_eq!(last.at(ONE / 4 + 1, 600_000, RAMP, BLOCK), Ok(ONE / 4 + 1));
        assert_eq!(last.at(ONE / 4 - 1, 600_000, RAMP, BLOCK), Ok(ONE / 4 - 1));
    }

    #[test]
    fn an_idle_pool_moves_k_one_step_however_long_it_waited() {
        let last = PricedK {
            k: ONE / 4,
            at_ms: 6_000,
        };
        assert_eq!(last.at(ONE / 10 * 9, 6_000_000, RAMP, BLOCK), Ok(ONE / 4 + RAMP));
        assert_eq!(last.at(ONE / 10, 6_000_000, RAMP, BLOCK), Ok(ONE / 4 - RAMP));
    }
}
