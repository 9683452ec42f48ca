//! The simulated world outside the chain: a reference price following geometric Brownian motion
//! with jumps and volatility regimes, and the traders who arrive in each block. Seeded, so runs
//! repeat. What the oracle's reporters make of the price is [`crate::reporter`]'s.

use crate::scenario::{units, Scenario};
use keel_core::dynamic::YEAR_MS;
use keel_core::Asset;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Exp, StandardNormal};

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
    pub arbitrage: bool,
    pub noise: Option<NoiseOrder>,
    /// An informed trader looks at the pools this block.
    pub informed: bool,
    /// A whale's uninformed order, routed as noise.
    pub whale: Option<NoiseOrder>,
    /// Whether the market is in its wild regime.
    pub wild: bool,
}

/// The seeded generator of [`Tick`]s.
pub struct World {
    rng: ChaCha8Rng,
    scenario: Scenario,
    price: f64,
    dt_years: f64,
    wild: bool,
}

const DAY_MS: f64 = 86_400_000.0;

/// The chance of an event expected `per_day` times a day within one block of `block_ms`.
pub fn chance_per_block(per_day: f64, block_ms: u64) -> f64 {
    (per_day * block_ms as f64 / DAY_MS).clamp(0.0, 1.0)
}

impl World {
    pub fn new(scenario: &Scenario) -> World {
        World {
            rng: ChaCha8Rng::seed_from_u64(scenario.seed),
            price: scenario.price,
            dt_years: scenario.block_ms as f64 / YEAR_MS as f64,
            wild: false,
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
        // Each optional feature draws only when it is on, so paths without it do not depend on it.
        if s.regime_switches_per_day > 0.0
            && self
                .rng
                .gen_bool(chance_per_block(s.regime_switches_per_day, s.block_ms))
        {
            self.wild = !self.wild;
        }
        let sigma = if self.wild {
            s.sigma * s.wild_multiplier
        } else {
            s.sigma
        };
        let z: f64 = StandardNormal.sample(&mut self.rng);
        let step = (s.drift - sigma * sigma / 2.0) * self.dt_years + sigma * self.dt_years.sqrt() * z;
        self.price *= step.exp();
        if s.jumps_per_day > 0.0 && self.rng.gen_bool(chance_per_block(s.jumps_per_day, s.block_ms)) {
            let j: f64 = StandardNormal.sample(&mut self.rng);
            self.price *= (j * s.jump_sigma).exp();
        }
        let arbitrage = self.rng.gen_bool(s.arbitrage_rate);
        let trades = self.rng.gen_bool(s.noise_rate);
        let sell_base = self.rng.gen_bool(s.noise_sell_bias);
        let size = Exp::new(1.0)
            .map(|e| e.sample(&mut self.rng) * s.noise_size)
            .unwrap_or(0.0);
        let informed = s.informed_rate > 0.0 && self.rng.gen_bool(s.informed_rate);
        let whale = (s.whales_per_day > 0.0
            && self.rng.gen_bool(chance_per_block(s.whales_per_day, s.block_ms)))
        .then(|| NoiseOrder {
            sell_base: self.rng.gen_bool(0.5),
            size: s.whale_size,
        });
        Tick {
            reference: self.price,
            arbitrage,
            noise: (trades && size > 0.0).then_some(NoiseOrder { sell_base, size }),
            informed,
            whale,
            wild: self.wild,
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
    fn the_wild_regime_is_wilder() {
        let s = Scenario {
            sigma: 0.5,
            wild_multiplier: 4.0,
            regime_switches_per_day: 20.0,
            ..Scenario::default()
        };
        let mut w = World::new(&s);
        let (mut calm, mut wild) = (Vec::new(), Vec::new());
        let mut prev = s.price;
        for _ in 0..40_000 {
            let t = w.next_tick();
            let r = (t.reference / prev).ln();
            prev = t.reference;
            if t.wild {
                wild.push(r * r);
            } else {
                calm.push(r * r);
            }
        }
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        assert!(!calm.is_empty() && !wild.is_empty(), "both regimes occur");
        let ratio = (mean(&wild) / mean(&calm)).sqrt();
        assert!((ratio / 4.0 - 1.0).abs() < 0.1, "wild/calm volatility {ratio}");
    }
}
