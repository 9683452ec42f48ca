//! The reporter's volatility: a time-normalised EWMA of squared log returns of the prices it
//! reads, the oracle's own rule ([`keel_core::oracle::Realized`]), so the reporter submits what
//! the oracle would realise from the same prices. Optionally floored by a configured implied
//! volatility, for markets quieter on the reporter's sources than the options market expects.
//!
//! The rule weighs a sample `dt` after the last by `dt / horizon`, so past samples decay as
//! `exp(-t / horizon)`: the **half-life** is `horizon * ln 2`. Configured by half-life, the
//! horizon is `half_life / ln 2`.

use keel_core::math::{mul_div_u128, Rounding};
use keel_core::oracle::Realized;
use keel_core::{CurveError, MAX_VOLATILITY, ONE};

/// `ln 2` in millionths, for the half-life's conversion.
const LN2_MILLIONTHS: u64 = 693_147;

/// How the estimate is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Time for a sample's weight to halve (ms).
    pub half_life_ms: u64,
    /// Least time between two samples (ms): two reads close together never count as a move.
    pub sample_ms: u64,
    /// What the estimate starts from (1e18, annualised): its value before the first return, and
    /// the variance the first returns are averaged into, so a new estimate moves from the prior
    /// toward what the prices show at the rule's pace rather than starting from nothing.
    pub prior: u128,
    /// The estimate never goes below this (1e18, annualised; 0 for none).
    pub floor: u128,
}

impl Settings {
    /// The averaging horizon the oracle's rule takes: `half_life / ln 2` (ms, rounded down).
    pub fn horizon_ms(&self) -> u64 {
        let scaled = u128::from(self.half_life_ms) * 1_000_000 / u128::from(LN2_MILLIONTHS);
        u64::try_from(scaled).unwrap_or(u64::MAX)
    }
}

/// The running estimate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Estimator {
    settings: Settings,
    realized: Realized,
}

impl Estimator {
    /// An estimate at `settings.prior`: its variance seeded with the prior's square (capped at
    /// the oracle's ceiling), so the first 30-second return weighs about 1% of the average, as
    /// every later one does, instead of being all of it.
    pub fn new(settings: Settings) -> Estimator {
        let capped = settings.prior.min(MAX_VOLATILITY);
        let variance = mul_div_u128(capped, capped, ONE, Rounding::Down).unwrap_or(0);
        Estimator {
            settings,
            realized: Realized {
                variance,
                ..Realized::default()
            },
        }
    }

    /// Takes a price observed at `observed_ms`.
    ///
    /// # Errors
    /// [`CurveError::Overflow`] past the rule's bounds (returns and variance are capped, so not
    /// reachable with a positive price).
    pub fn observe(&mut self, price: u128, observed_ms: u64) -> Result<(), CurveError> {
        let s = self.settings;
        self.realized
            .sample(price, observed_ms, s.sample_ms, s.horizon_ms())
    }

    /// The annualised volatility to submit (1e18): the estimate (the prior before any return),
    /// at least the floor, at most the oracle's ceiling.
    pub fn volatility(&self) -> u128 {
        let estimate = if self.realized.samples == 0 {
            self.settings.prior
        } else {
            self.realized.volatility()
        };
        estimate.max(self.settings.floor).min(MAX_VOLATILITY)
    }

    /// Returns counted so far.
    pub fn samples(&self) -> u32 {
        self.realized.samples
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use keel_core::ONE;

    const MINUTE: u64 = 60_000;
    const SETTINGS: Settings = Settings {
        half_life_ms: 30 * MINUTE,
        sample_ms: 30_000,
        prior: ONE / 2,
        floor: 0,
    };

    /// Steps of `step_bps`, alternately up and down, every `step_ms`.
    fn zigzag(est: &mut Estimator, from_ms: u64, step_bps: u128, step_ms: u64, steps: u64) {
        let mut price = 10 * ONE;
        for i in 0..=steps {
            if i > 0 {
                let moved = price / 10_000 * step_bps;
                price = if i % 2 == 1 { price + moved } else { price - moved };
            }
            est.observe(price, from_ms + i * step_ms).expect("observe");
        }
    }

    fn as_f64(v: u128) -> f64 {
        v as f64 / ONE as f64
    }

    #[test]
    fn the_horizon_is_the_half_life_over_ln_2() {
        assert_eq!(SETTINGS.horizon_ms(), 2_596_851);
        let day = Settings {
            half_life_ms: 86_400_000,
            ..SETTINGS
        };
        assert_eq!(day.horizon_ms(), 124_648_884);
    }

    #[test]
    fn it_starts_at_the_prior_and_converges_to_the_realised_volatility() {
        let mut est = Estimator::new(SETTINGS);
        assert_eq!(est.volatility(), ONE / 2);
        // 20 bps a minute: sqrt(525,600) * 0.002 = 145%/yr.
        zigzag(&mut est, 0, 20, MINUTE, 600);
        let expected = 0.002 * (525_600f64).sqrt();
        let got = as_f64(est.volatility());
        assert!((got / expected - 1.0).abs() < 0.01, "{got} vs {expected}");
        assert_eq!(est.samples(), 600);
    }

    #[test]
    fn the_first_returns_move_the_estimate_from_the_prior_at_the_rules_pace() {
        // given: a fresh estimate at a 50% prior, and a flat price sampled 30 s apart
        let mut est = Estimator::new(SETTINGS);
        est.observe(10 * ONE, 0).expect("observe");
        // when: the first return (none: the price did not move) is taken
        est.observe(10 * ONE, 30_000).expect("observe");
        // then: it weighs 30 s of a 43-minute horizon (1.2%), so the estimate stays near the
        // prior rather than dropping to what one return shows (0)
        assert_eq!(est.samples(), 1);
        let expected = 0.5 * (1.0 - 30_000.0 / SETTINGS.horizon_ms() as f64).sqrt();
        let got = as_f64(est.volatility());
        assert!((got - expected).abs() < 1e-6, "{got} vs {expected}");
        // and after one horizon of flat prices, the prior's variance has decayed by about e
        for i in 2..=87 {
            est.observe(10 * ONE, i * 30_000).expect("observe");
        }
        let decayed = as_f64(est.volatility());
        assert!((decayed / 0.5 - (-0.5f64).exp()).abs() < 0.01, "{decayed}");
    }

    #[test]
    fn a_half_life_after_the_market_calms_half_the_excess_variance_is_gone() {
        let mut est = Estimator::new(SETTINGS);
        zigzag(&mut est, 0, 20, MINUTE, 600);
        let wild = as_f64(est.volatility()).powi(2);
        // Then a flat price for one half-life: the variance halves.
        let t0 = 600 * MINUTE;
        let price = est.realized.price;
        for i in 1..=30 {
            est.observe(price, t0 + i * MINUTE).expect("observe");
        }
        let calm = as_f64(est.volatility()).powi(2);
        assert!((calm / wild - 0.5).abs() < 0.02, "{calm} / {wild}");
    }

    #[test]
    fn the_floor_holds_a_quiet_market_at_the_implied_volatility() {
        let mut est = Estimator::new(Settings {
            floor: ONE / 10 * 6,
            ..SETTINGS
        });
        zigzag(&mut est, 0, 1, MINUTE, 600);
        assert_eq!(est.volatility(), ONE / 10 * 6);
        let unfloored = Estimator {
            settings: SETTINGS,
            ..est
        };
        assert!(unfloored.volatility() < ONE / 10);
    }

    #[test]
    fn reads_closer_than_the_sample_interval_do_not_count_as_moves() {
        let mut est = Estimator::new(SETTINGS);
        est.observe(10 * ONE, 0).expect("start");
        est.observe(11 * ONE, 1_000).expect("too soon");
        assert_eq!(est.samples(), 0);
        assert_eq!(est.volatility(), ONE / 2);
    }
}
