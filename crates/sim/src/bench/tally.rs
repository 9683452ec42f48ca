//! What one strategy did over one path, in the units LPs compare: basis points of the pool's
//! starting value, against holding the starting tokens and against a portfolio rebalanced daily
//! to the starting weights (both at the reference price, without costs).

use crate::scenario::Scenario;

const DAY_MS: f64 = 86_400_000.0;

/// One strategy's results on one path.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PathMetrics {
    /// The arbitrageur's profit at the reference price, per day: the LPs' loss to arbitrage net
    /// of the fees it paid (loss-versus-rebalancing style).
    pub arb_loss_bps_day: f64,
    /// Fee income per day (valued at the price of the day it was paid).
    pub fees_bps_day: f64,
    /// LP value at the end against holding the starting tokens.
    pub vs_hodl_bps: f64,
    /// LP value at the end against the daily-rebalanced portfolio.
    pub vs_rebalanced_bps: f64,
    /// The quoted fee, averaged over blocks.
    pub mean_fee_bps: f64,
    /// Keel only: the share of blocks with `|q|` inside the rebalancing trigger.
    pub time_in_band: Option<f64>,
    /// Keel only: the largest `|q|` seen.
    pub max_abs_q: Option<f64>,
    pub rebalances: u64,
    /// Keeper bounties paid, in bps of the starting value.
    pub bounties_bps: f64,
}

/// How a run ended, in quote tokens at the final reference price.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Ending {
    pub pool_value: f64,
    pub arbitrage: f64,
    pub fees: f64,
    pub time_in_band: Option<f64>,
    pub max_abs_q: Option<f64>,
    pub rebalances: u64,
    pub bounties: f64,
}

/// Follows a path block by block: the benchmark portfolios and the mean fee.
#[derive(Clone, Debug)]
pub struct Tally {
    start: (f64, f64),
    start_value: f64,
    base_weight: f64,
    rebalanced: (f64, f64),
    blocks_per_day: u64,
    blocks: u64,
    fee_bps_sum: f64,
    reference: f64,
}

impl Tally {
    pub fn new(scenario: &Scenario) -> Tally {
        let start = (scenario.liquidity_base, scenario.liquidity_quote);
        let start_value = start.0 * scenario.price + start.1;
        Tally {
            start,
            start_value,
            base_weight: start.0 * scenario.price / start_value,
            rebalanced: start,
            blocks_per_day: ((DAY_MS / scenario.block_ms as f64).round() as u64).max(1),
            blocks: 0,
            fee_bps_sum: 0.0,
            reference: scenario.price,
        }
    }

    /// One block, after everyone traded: its reference price and the fee the pool quoted.
    pub fn observe(&mut self, reference: f64, fee_bps: f64) {
        self.blocks = self.blocks.saturating_add(1);
        self.fee_bps_sum += fee_bps;
        self.reference = reference;
        if self.blocks % self.blocks_per_day == 0 {
            let value = self.rebalanced.0 * reference + self.rebalanced.1;
            self.rebalanced = (
                value * self.base_weight / reference,
                value * (1.0 - self.base_weight),
            );
        }
    }

    pub fn finish(&self, end: Ending) -> PathMetrics {
        let p = self.reference;
        let bps = |x: f64| x / self.start_value * 10_000.0;
        let days = (self.blocks as f64 / self.blocks_per_day as f64).max(f64::MIN_POSITIVE);
        let hodl = self.start.0 * p + self.start.1;
        let rebalanced = self.rebalanced.0 * p + self.rebalanced.1;
        PathMetrics {
            arb_loss_bps_day: bps(end.arbitrage) / days,
            fees_bps_day: bps(end.fees) / days,
            vs_hodl_bps: (end.pool_value / hodl - 1.0) * 10_000.0,
            vs_rebalanced_bps: (end.pool_value / rebalanced - 1.0) * 10_000.0,
            mean_fee_bps: self.fee_bps_sum / (self.blocks.max(1) as f64),
            time_in_band: end.time_in_band,
            max_abs_q: end.max_abs_q,
            rebalances: end.rebalances,
            bounties_bps: bps(end.bounties),
        }
    }
}

#[cfg(test)]
// The values compared are exactly representable: equality is the claim.
#[allow(clippy::float_cmp)]
mod tests {
    use super::*;

    fn scenario() -> Scenario {
        Scenario {
            block_ms: 43_200_000,
            ..Scenario::default()
        }
    }

    #[test]
    fn the_daily_portfolio_sells_what_rose_and_beats_hodl_on_a_round_trip() {
        // Two blocks a day: the price doubles, rebalances, halves back, rebalances.
        let s = scenario();
        let mut t = Tally::new(&s);
        for p in [20.0, 20.0, 10.0, 10.0] {
            t.observe(p, 5.0);
        }
        let m = t.finish(Ending {
            pool_value: 2_000_000.0,
            ..Ending::default()
        });
        // HODL is back at 2M; the rebalanced portfolio sold base high and bought it back low.
        assert!(m.vs_hodl_bps.abs() < 1e-9, "{m:?}");
        assert!(m.vs_rebalanced_bps < -500.0, "{m:?}");
        assert_eq!(m.mean_fee_bps, 5.0);
    }

    #[test]
    fn losses_and_fees_are_per_day_in_bps_of_the_start() {
        let s = scenario();
        let mut t = Tally::new(&s);
        for _ in 0..4 {
            t.observe(10.0, 0.0);
        }
        let m = t.finish(Ending {
            pool_value: 2_000_000.0,
            arbitrage: 400.0,
            fees: 200.0,
            ..Ending::default()
        });
        // 400 quote over 2 days of a 2M pool: 1 bps a day.
        assert!((m.arb_loss_bps_day - 1.0).abs() < 1e-9, "{m:?}");
        assert!((m.fees_bps_day - 0.5).abs() < 1e-9, "{m:?}");
    }
}
