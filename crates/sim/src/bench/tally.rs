//! What one strategy did over one path, in the units LPs compare: basis points of the pool's
//! starting value, against holding the starting tokens and against a portfolio rebalanced daily
//! to the starting weights (both at the reference price, without costs).

use crate::books::Decomposition;
use crate::scenario::Scenario;

const DAY_MS: f64 = 86_400_000.0;

/// One strategy's results on one path. P&L parts are in bps of the pool's starting value over
/// the whole path and add up to `vs_hodl_value_bps` ([`crate::books`]).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PathMetrics {
    /// LP value at the end against holding the starting tokens, as a share of HODL.
    pub vs_hodl_bps: f64,
    /// LP value minus HODL at the end, in bps of the starting value: the sum of the parts.
    pub vs_hodl_value_bps: f64,
    pub fees_bps: f64,
    pub noise_impact_bps: f64,
    /// Taken by arbitrageurs and informed traders at the reference, before their fees.
    pub adverse_selection_bps: f64,
    /// The arbitrageurs' profit net of the fees they paid (what the LVR formula predicts).
    pub arbitrage_net_bps: f64,
    pub rebalancing_bps: f64,
    pub inventory_bps: f64,
    /// Bounties and anything else the pool paid outside trades.
    pub other_bps: f64,
    /// LP value at the end against the daily-rebalanced portfolio.
    pub vs_rebalanced_bps: f64,
    /// The quoted fee, averaged over the blocks in which the pool was not frozen.
    pub mean_fee_bps: f64,
    /// Fees over the volume traded with the pool: the fee it earned per unit traded.
    pub fee_per_volume_bps: f64,
    /// Keel only: the share of blocks with `|q|` inside the rebalancing trigger.
    pub time_in_band: Option<f64>,
    /// Keel only: the largest `|q|` seen.
    pub max_abs_q: Option<f64>,
    pub rebalances: u64,
    /// Keeper bounties paid, in bps of the starting value.
    pub bounties_bps: f64,
    /// Share of blocks in which the pool's reading was stale (every swap refused).
    pub frozen: f64,
    pub oracle_refusals: u64,
    /// Noise, whale and informed orders the pool did not fill (refused or routed away).
    pub refused_trades: u64,
    pub days: f64,
    pub blocks: u64,
    /// Wall-clock seconds this strategy's path took.
    pub seconds: f64,
}

/// How a run ended, in quote tokens at the final reference price.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Ending {
    pub pool_value: f64,
    pub parts: Decomposition,
    pub time_in_band: Option<f64>,
    pub max_abs_q: Option<f64>,
    pub rebalances: u64,
    pub bounties: f64,
    pub frozen_blocks: u64,
    pub oracle_refusals: u64,
    pub refused_trades: u64,
    pub seconds: f64,
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
    quoted_blocks: u64,
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
            quoted_blocks: 0,
            reference: scenario.price,
        }
    }

    /// One block, after everyone traded: its reference price and the fee the pool quoted (`None`
    /// when it quoted nothing: a frozen pool's fee is not a price anyone could trade at).
    pub fn observe(&mut self, reference: f64, fee_bps: Option<f64>) {
        self.blocks = self.blocks.saturating_add(1);
        if let Some(fee) = fee_bps {
            self.fee_bps_sum += fee;
            self.quoted_blocks = self.quoted_blocks.saturating_add(1);
        }
        self.reference = reference;
        if self.blocks % self.blocks_per_day == 0 {
            let value = self.rebalanced.0 * reference + self.rebalanced.1;
            self.rebalanced = (
                value * self.base_weight / reference,
                value * (1.0 - self.base_weight),
            );
        }
    }

    pub fn finish(&self, end: &Ending) -> PathMetrics {
        let p = self.reference;
        let bps = |x: f64| x / self.start_value * 10_000.0;
        let days = (self.blocks as f64 / self.blocks_per_day as f64).max(f64::MIN_POSITIVE);
        let hodl = self.start.0 * p + self.start.1;
        let rebalanced = self.rebalanced.0 * p + self.rebalanced.1;
        let d = &end.parts;
        PathMetrics {
            vs_hodl_bps: (end.pool_value / hodl - 1.0) * 10_000.0,
            vs_hodl_value_bps: bps(d.total),
            fees_bps: bps(d.fees),
            noise_impact_bps: bps(d.noise_impact),
            adverse_selection_bps: bps(d.adverse_selection),
            arbitrage_net_bps: bps(d.arbitrage_net),
            rebalancing_bps: bps(d.rebalancing),
            inventory_bps: bps(d.inventory),
            other_bps: bps(d.other),
            vs_rebalanced_bps: (end.pool_value / rebalanced - 1.0) * 10_000.0,
            mean_fee_bps: self.fee_bps_sum / (self.quoted_blocks.max(1) as f64),
            fee_per_volume_bps: if d.volume > 0.0 {
                d.fees / d.volume * 10_000.0
            } else {
                0.0
            },
            time_in_band: end.time_in_band,
            max_abs_q: end.max_abs_q,
            rebalances: end.rebalances,
            bounties_bps: bps(end.bounties),
            frozen: end.frozen_blocks as f64 / self.blocks.max(1) as f64,
            oracle_refusals: end.oracle_refusals,
            refused_trades: end.refused_trades,
            days,
            blocks: self.blocks,
            seconds: end.seconds,
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
            t.observe(p, Some(5.0));
        }
        let m = t.finish(&Ending {
            pool_value: 2_000_000.0,
            ..Ending::default()
        });
        // HODL is back at 2M; the rebalanced portfolio sold base high and bought it back low.
        assert!(m.vs_hodl_bps.abs() < 1e-9, "{m:?}");
        assert!(m.vs_rebalanced_bps < -500.0, "{m:?}");
        assert_eq!(m.mean_fee_bps, 5.0);
    }

    #[test]
    fn parts_are_bps_of_the_starting_value_and_frozen_is_a_share_of_blocks() {
        let s = scenario();
        let mut t = Tally::new(&s);
        for _ in 0..4 {
            t.observe(10.0, None);
        }
        let m = t.finish(&Ending {
            pool_value: 2_000_000.0,
            parts: Decomposition {
                adverse_selection: 400.0,
                fees: 200.0,
                ..Decomposition::default()
            },
            frozen_blocks: 1,
            ..Ending::default()
        });
        // 400 quote of a 2M pool: 2 bps, over 2 days.
        assert!((m.adverse_selection_bps - 2.0).abs() < 1e-9, "{m:?}");
        assert!((m.fees_bps - 1.0).abs() < 1e-9, "{m:?}");
        assert!(
            (m.days - 2.0).abs() < 1e-9 && (m.frozen - 0.25).abs() < 1e-12,
            "{m:?}"
        );
    }
}
