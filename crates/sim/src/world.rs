//! The simulated world outside the chain: a reference price following geometric Brownian motion,
//! the oracle's lagged and noisy view of it, and noise traders' orders. Seeded, so runs repeat.

use crate::scenario::{units, Scenario};
use keel_core::dynamic::YEAR_MS;
use keel_core::Asset;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Exp, StandardNormal};
use std::collections::VecDeque;

/// A noise trader's order, sized in base.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NoiseOrder {
    pub sell_base: bool,
    /// Fraction of the pool's base reserve.
    pub size: f64,
}

impl NoiseOrder {
    /// The order in token units: `size` of the pool's starting base liquidity, or its value in
    /// quote at `price`. Sized from the starting liquidity, so every pool compared on the same
    /// path sees the same flow.
    pub fn amount_in(&self, liquidity_base: f64, price: f64) -> (Asset, u128) {
        let size = (liquidity_base * self.size).max(1e-6);
        if self.sell_base {
            (Asset::Base, units(size))
        } else {
            (Asset::Quote, units(size * price))
        }
    }
}

/// One block of the outside world.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tick {
    /// The "true" price arbitrageurs trade toward.
    pub reference: f64,
    /// What the oracle reports this block.
    pub oracle: f64,
    /// The oracle's annualised volatility: an exponentially weighted estimate from its own
    /// reported prices, so the pool's `k` and fee move with the market.
    pub volatility: f64,
    pub arbitrage: bool,
    pub noise: Option<NoiseOrder>,
}

/// The seeded generator of [`Tick`]s.
pub struct World {
    rng: ChaCha8Rng,
    scenario: Scenario,
    price: f64,
    history: VecDeque<f64>,
    dt_years: f64,
    last_oracle: f64,
    /// Per-block variance of the oracle's log returns (EWMA).
    variance: f64,
}

/// Weight of the previous estimate in the oracle's volatility EWMA (a half-life of about 35
/// blocks).
const EWMA_LAMBDA: f64 = 0.98;

const DAY_MS: f64 = 86_400_000.0;

impl World {
    pub fn new(scenario: &Scenario) -> World {
        World {
            rng: ChaCha8Rng::seed_from_u64(scenario.seed),
            price: scenario.price,
            history: VecDeque::from([scenario.price]),
            dt_years: scenario.block_ms as f64 / YEAR_MS as f64,
            last_oracle: scenario.price,
            variance: scenario.sigma * scenario.sigma * scenario.block_ms as f64 / YEAR_MS as f64,
            scenario: scenario.clone(),
        }
    }

    /// The reference price now.
    pub fn price(&self) -> f64 {
        self.price
    }

    /// Advances one block.
    pub fn next_tick(&mut self) -> Tick {
        let s = &self.scenario;
        let z: f64 = StandardNormal.sample(&mut self.rng);
        let step = (s.drift - s.sigma * s.sigma / 2.0) * self.dt_years + s.sigma * self.dt_years.sqrt() * z;
        self.price *= step.exp();
        // Drawn only when jumps are on, so paths without them do not depend on this feature.
        if s.jumps_per_day > 0.0 {
            let chance = (s.jumps_per_day * s.block_ms as f64 / DAY_MS).min(1.0);
            if self.rng.gen_bool(chance) {
                let j: f64 = StandardNormal.sample(&mut self.rng);
                self.price *= (j * s.jump_sigma).exp();
            }
        }
        self.history.push_back(self.price);
        let lag = s.oracle_lag_blocks as usize;
        while self.history.len() > lag + 1 {
            self.history.pop_front();
        }
        let lagged = self.history.front().copied().unwrap_or(self.price);
        let noise: f64 = StandardNormal.sample(&mut self.rng);
        let oracle = lagged * (1.0 + noise * s.oracle_noise_bps / 10_000.0);
        let r = (oracle / self.last_oracle).ln();
        self.last_oracle = oracle;
        self.variance = EWMA_LAMBDA * self.variance + (1.0 - EWMA_LAMBDA) * r * r;
        let volatility = (self.variance / self.dt_years).sqrt();
        let arbitrage = self.rng.gen_bool(s.arbitrage_rate);
        let trades = self.rng.gen_bool(s.noise_rate);
        let sell_base = self.rng.gen_bool(s.noise_sell_bias);
        let size = Exp::new(1.0)
            .map(|e| e.sample(&mut self.rng) * s.noise_size)
            .unwrap_or(0.0);
        Tick {
            reference: self.price,
            oracle,
            volatility,
            arbitrage,
            noise: (trades && size > 0.0).then_some(NoiseOrder { sell_base, size }),
        }
    }
}

#[cfg(test)]
// The values compared are exactly representable: equality is the claim.
#[allow(clippy::float_cmp)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_path_and_other_seed_differs() {
        let s = Scenario::default();
        let a: Vec<Tick> = (0..50).scan(World::new(&s), |w, _| Some(w.next_tick())).collect();
        let b: Vec<Tick> = (0..50).scan(World::new(&s), |w, _| Some(w.next_tick())).collect();
        assert_eq!(a, b);
        let other = Scenario { seed: 8, ..s };
        let c: Vec<Tick> = (0..50)
            .scan(World::new(&other), |w, _| Some(w.next_tick()))
            .collect();
        assert_ne!(a, c);
    }

    #[test]
    fn oracle_reports_the_price_lag_blocks_ago() {
        let s = Scenario {
            oracle_lag_blocks: 2,
            ..Scenario::default()
        };
        let ticks: Vec<Tick> = (0..10).scan(World::new(&s), |w, _| Some(w.next_tick())).collect();
        for i in 2..10 {
            assert_eq!(ticks[i].oracle, ticks[i - 2].reference);
        }
    }

    #[test]
    fn log_returns_have_the_scenario_volatility() {
        let s = Scenario {
            sigma: 1.0,
            blocks: 20_000,
            ..Scenario::default()
        };
        let mut w = World::new(&s);
        let mut prev = s.price;
        let returns: Vec<f64> = (0..20_000)
            .map(|_| {
                let p = w.next_tick().reference;
                let r = (p / prev).ln();
                prev = p;
                r
            })
            .collect();
        let mean = returns.iter().sum::<f64>() / returns.len() as f64;
        let var = returns.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / returns.len() as f64;
        let annual = (var * YEAR_MS as f64 / s.block_ms as f64).sqrt();
        assert!((annual - 1.0).abs() < 0.03, "annualised sigma {annual}");
    }

    #[test]
    fn the_oracles_volatility_estimate_tracks_the_scenarios() {
        let s = Scenario {
            sigma: 1.2,
            ..Scenario::default()
        };
        let mut w = World::new(&s);
        let estimates: Vec<f64> = (0..5_000).map(|_| w.next_tick().volatility).collect();
        let mean = estimates.iter().sum::<f64>() / estimates.len() as f64;
        assert!((mean / 1.2 - 1.0).abs() < 0.1, "mean estimate {mean}");
        assert!(
            estimates.iter().any(|v| (v / 1.2 - 1.0).abs() > 0.1),
            "the estimate never moves"
        );
    }
}
