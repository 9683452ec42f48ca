//! Realised volatility: an exponentially weighted average of the squared returns of one
//! reporter's own prices, normalised by the time between them (a feed answers with the median of
//! its reporters' estimates).
//!
//! Each sample is the return `r` of the price since the last sample, over `dt` milliseconds; its
//! annualised variance is `r^2 * YEAR / dt`, and it moves the average by the weight
//! `a = min(dt / horizon, 1)`: `V <- V + a * (r^2 * YEAR / dt - V)`. For `dt` below the horizon
//! this is `V * (1 - dt / horizon) + r^2 * YEAR / horizon`, so a burst of small samples weighs what
//! one sample over the same time would, and a crash raises the estimate at once by
//! `r^2 * YEAR / horizon`. Samples are at least `sample_ms` apart, so two readings close together
//! never count as a move of their own.

use crate::dynamic::YEAR_MS;
use crate::math::{mul_div_u128, sqrt_wad, Rounding, ONE};
use crate::{CurveError, MAX_VOLATILITY};

/// The largest return one sample counts (1000%): beyond it the estimate is at its ceiling anyway.
const MAX_RETURN: u128 = 10 * ONE;

/// A reporter's realised variance and the price it was last sampled at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(
    feature = "scale",
    derive(parity_scale_codec::Encode, parity_scale_codec::Decode, scale_info::TypeInfo)
)]
#[cfg_attr(
    all(feature = "ink", feature = "std"),
    derive(ink::storage::traits::StorageLayout)
)]
pub struct Realized {
    /// Annualised variance, 1e18 (0.64e18 = 80%/yr squared); at most `MAX_VOLATILITY^2`.
    pub variance: u128,
    /// The price at the last sample; zero before the first.
    pub price: u128,
    /// The price's observation time at the last sample (ms).
    pub timestamp: u64,
    /// Samples taken (the first price only starts the series): a series with none says nothing
    /// about volatility yet.
    pub samples: u32,
}

impl Realized {
    /// Annualised volatility (1e18), at most [`MAX_VOLATILITY`].
    pub fn volatility(&self) -> u128 {
        sqrt_wad(self.variance).map_or(MAX_VOLATILITY, |v| v.min(MAX_VOLATILITY))
    }

    /// Takes `(price, timestamp)` as a sample when it is at least `sample_ms` after the last one;
    /// the first only starts the series.
    ///
    /// # Errors
    /// [`CurveError::Overflow`] past the bounds (not reachable with prices in the oracle's
    /// bounds: returns and the variance are capped).
    pub fn sample(
        &mut self,
        price: u128,
        timestamp: u64,
        sample_ms: u64,
        horizon_ms: u64,
    ) -> Result<(), CurveError> {
        if self.price == 0 {
            self.price = price;
            self.timestamp = timestamp;
            return Ok(());
        }
        let Some(dt) = timestamp.checked_sub(self.timestamp) else {
            return Ok(());
        };
        if dt == 0 || dt < sample_ms {
            return Ok(());
        }
        // |r| against the lower of the two prices: rounds the estimate up, never down.
        let low = price.min(self.price);
        let r = mul_div_u128(price.abs_diff(self.price), ONE, low, Rounding::Up)?.min(MAX_RETURN);
        let r2 = mul_div_u128(r, r, ONE, Rounding::Up)?;
        let horizon = horizon_ms.max(1);
        let variance = if dt >= horizon {
            mul_div_u128(r2, u128::from(YEAR_MS), u128::from(dt), Rounding::Up)?
        } else {
            let kept = self
                .variance
                .checked_sub(mul_div_u128(
                    self.variance,
                    u128::from(dt),
                    u128::from(horizon),
                    Rounding::Down,
                )?)
                .ok_or(CurveError::Overflow)?;
            let added = mul_div_u128(r2, u128::from(YEAR_MS), u128::from(horizon), Rounding::Up)?;
            kept.saturating_add(added)
        };
        let ceiling = mul_div_u128(MAX_VOLATILITY, MAX_VOLATILITY, ONE, Rounding::Down)?;
        self.variance = variance.min(ceiling);
        self.price = price;
        self.timestamp = timestamp;
        self.samples = self.samples.saturating_add(1);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: u64 = 60_000;
    const HOUR: u64 = 3_600_000;

    /// The variance one sample from 10 to `to` (whole quote) a hundred years later counts (so
    /// long a sample keeps even a 1000% return's variance at 1, under every ceiling).
    fn one_move(to: u128) -> u128 {
        let century = 100 * YEAR_MS;
        let mut r = Realized::default();
        r.sample(10 * ONE, 0, MINUTE / 2, HOUR).expect("start");
        r.sample(to * ONE, century, MINUTE / 2, HOUR).expect("move");
        r.variance
    }

    #[test]
    fn a_sample_counts_a_return_of_up_to_a_thousand_percent() {
        assert!(one_move(60) > one_move(30), "500% counts more than 200%");
        assert!(one_move(110) > one_move(60), "1000% counts more than 500%");
        assert!(one_move(110) > one_move(109), "the ceiling is 1000% itself");
        assert_eq!(one_move(200), one_move(110), "past 1000%, the ceiling");
    }

    /// A price path with the same absolute log-step every `step_ms`, alternating up and down: its
    /// realised volatility is `step * sqrt(YEAR / step_ms)`.
    fn zigzag(step_bps: u128, step_ms: u64, steps: u64) -> Realized {
        let mut r = Realized::default();
        let mut price = 10 * ONE;
        r.sample(price, 0, MINUTE / 2, HOUR).expect("start");
        for i in 1..=steps {
            let up = i % 2 == 1;
            let moved = price / 10_000 * step_bps;
            price = if up { price + moved } else { price - moved };
            r.sample(price, i * step_ms, MINUTE / 2, HOUR).expect("sample");
        }
        r
    }

    #[test]
    fn a_steady_path_converges_to_its_volatility() {
        // 0.5% a minute: 0.005 * sqrt(525,960) = 3.63 (363%/yr); after six horizons the estimate
        // is within a few percent of it.
        let r = zigzag(50, MINUTE, 360);
        let vol = r.volatility();
        assert!(vol > ONE / 100 * 355 && vol < ONE / 100 * 372, "{vol}");
    }

    #[test]
    fn samples_closer_than_sample_ms_are_ignored() {
        let mut r = Realized::default();
        r.sample(10 * ONE, 0, MINUTE, HOUR).expect("start");
        r.sample(11 * ONE, MINUTE - 1, MINUTE, HOUR).expect("too soon");
        assert_eq!(r.variance, 0);
        assert_eq!(r.price, 10 * ONE);
        r.sample(11 * ONE, MINUTE, MINUTE, HOUR).expect("sample");
        assert!(r.variance > 0);
    }

    #[test]
    fn a_crash_raises_the_estimate_at_once_and_it_decays() {
        let mut r = Realized::default();
        r.sample(10 * ONE, 0, MINUTE, HOUR).expect("start");
        r.sample(7 * ONE, MINUTE, MINUTE, HOUR).expect("crash");
        // r = 3/7 against the lower price; r^2 * YEAR / HOUR = 0.1837 * 8766 = 1610 -> 40/yr,
        // capped at the ceiling of 10.
        assert_eq!(r.volatility(), MAX_VOLATILITY);
        let crashed = r.variance;
        r.sample(7 * ONE, MINUTE + HOUR / 2, MINUTE, HOUR).expect("calm");
        assert_eq!(r.variance, crashed / 2);
    }

    #[test]
    fn time_going_backwards_is_not_a_sample() {
        let mut r = Realized::default();
        r.sample(10 * ONE, HOUR, MINUTE, HOUR).expect("start");
        r.sample(12 * ONE, 0, MINUTE, HOUR).expect("ignored");
        assert_eq!(r.variance, 0);
        assert_eq!(r.timestamp, HOUR);
    }
}
