//! `keel-keeper status`: one line per pool with what an operator checks first.

use crate::decide::{Decision, PoolView, Skip, Wait};
use keel_core::fixed::{signed_to_f64, signed_units_to_f64, to_f64, units_to_f64};
use keel_core::Asset;

/// The pools' tokens' decimals (`keeper.base_decimals`, `keeper.quote_decimals`): amounts are
/// shown in whole tokens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decimals {
    pub base: u32,
    pub quote: u32,
}

impl Decimals {
    fn of(self, asset: Asset) -> u32 {
        match asset {
            Asset::Base => self.base,
            Asset::Quote => self.quote,
        }
    }
}

fn tokens(x: u128, decimals: u32) -> String {
    format!("{:.2}", units_to_f64(x, decimals))
}

fn pct(x: f64) -> String {
    format!("{:+.2}%", x * 100.0)
}

/// Why a decision is what it is, in words, amounts in whole tokens of `decimals`.
pub fn explain(decision: &Decision, decimals: Decimals) -> String {
    let secs = |ms: u64| format!("{:.0}s", ms as f64 / 1_000.0);
    match decision {
        Decision::Rebalance { plan, bounty, .. } => format!(
            "due: sell {} {:?}, bounty {}",
            tokens(plan.amount_in, decimals.of(plan.sell)),
            plan.sell,
            tokens(*bounty, decimals.quote)
        ),
        Decision::Wait(Wait::InBand { .. }) => "not due: inside the band".into(),
        Decision::Wait(Wait::Cooldown { until_ms }) => format!("due after cooldown (until {until_ms} ms)"),
        Decision::Wait(Wait::Backoff { failures, .. }) => {
            format!("due, backing off after {failures} failures")
        }
        Decision::Skip(Skip::Paused) => "paused".into(),
        Decision::Skip(Skip::NoVenue) => "no venue configured".into(),
        Decision::Skip(Skip::NoLiquidity) => "no liquidity".into(),
        Decision::Skip(Skip::OracleStale { age_ms, max_ms }) => {
            format!("oracle stale ({} of {})", secs(*age_ms), secs(*max_ms))
        }
        Decision::Skip(Skip::Unprofitable { bounty, tx_cost }) => {
            format!(
                "unprofitable: bounty {} < cost {}",
                tokens(*bounty, decimals.quote),
                tokens(*tx_cost, decimals.quote)
            )
        }
        Decision::Skip(Skip::Curve(e)) => format!("curve refused: {e:?}"),
    }
}

/// The status table for `(name, view, decision)` rows at block time `now_ms`, amounts in whole
/// tokens of `decimals`.
pub fn table(pools: &[(String, PoolView, Decision)], now_ms: u64, decimals: Decimals) -> String {
    let header = [
        "pool",
        "reserves (base / quote)",
        "q",
        "band",
        "fee",
        "k",
        "oracle age",
        "delta, base (gamma -1% / +1%)",
        "last rebalance",
        "decision",
    ];
    let rows = pools.iter().map(|(name, view, decision)| {
        let q = view.inventory().map_or("n/a".into(), |q| pct(signed_to_f64(q)));
        let band = view
            .band()
            .unwrap_or_else(|_| view.config.rebalance.configured_band());
        let band = to_f64(band.trigger);
        let last = match view.rebalancing.last_ms {
            0 => "never".to_string(),
            ms => format!(
                "{:.0}s ago (epoch {})",
                now_ms.saturating_sub(ms) as f64 / 1_000.0,
                view.rebalancing.epoch
            ),
        };
        vec![
            name.clone(),
            format!(
                "{} / {}",
                tokens(view.state.base_reserve, decimals.base),
                tokens(view.state.quote_reserve, decimals.quote)
            ),
            q,
            format!("±{:.0}%", band * 100.0),
            format!("{:.1} bps", to_f64(view.market.fee) * 10_000.0),
            format!("{:.3}", to_f64(view.market.k)),
            format!("{:.0}s", view.market.age_ms as f64 / 1_000.0),
            view.greeks().map_or("n/a".into(), |g| {
                format!(
                    "{} ({:+.2} / {:+.2})",
                    tokens(g.delta, decimals.base),
                    signed_units_to_f64(g.gamma_down, decimals.base),
                    signed_units_to_f64(g.gamma_up, decimals.base)
                )
            }),
            last,
            explain(decision, decimals),
        ]
    });
    crate::table::markdown(&header, rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decide::Skip;
    use keel_core::{PoolState, ONE};
    use keel_interface::pool::{MarketStatus, PoolConfig, RebalanceStatus};

    #[test]
    fn the_table_shows_q_against_the_band_and_why() {
        let view = PoolView {
            state: PoolState::balanced(100 * ONE, 1_000 * ONE),
            market: MarketStatus {
                price: 10 * ONE,
                volatility: ONE,
                timestamp: 0,
                age_ms: 12_000,
                k: ONE / 4,
                k_target: ONE / 4,
                fee: ONE / 1_000,
                stale: false,
                drift: 0,
                reference: 10 * ONE,
                guard_fee: 0,
            },
            config: PoolConfig::default(),
            rebalancing: RebalanceStatus {
                epoch: 2,
                last_ms: 40_000,
                bounty_budget: 0,
                continuing: None,
            },
            paused: true,
            total_shares: ONE,
            venue_depth: None,
            more_venues: [None; 3],
        };
        let eighteen = Decimals { base: 18, quote: 18 };
        let table = table(
            &[("A/B".into(), view, Decision::Skip(Skip::Paused))],
            100_000,
            eighteen,
        );
        let row = table.lines().nth(2).expect("a row");
        for cell in [
            "A/B",
            "100.00 / 1000.00",
            "+0.00%",
            "±5%",
            "10.0 bps",
            "0.250",
            "12s",
            // k = 0.25, fee 10 bps: a 1% rise leaves base at 100 sqrt(0.25 / (0.00899 + 0.25))
            // and a 1% fall refills it by the quote curve's value, 0.1 x 17.70 x 1.0045.
            "100.00 (+1.78 / -1.75)",
            "60s ago (epoch 2)",
            "paused",
        ] {
            assert!(row.contains(cell), "{cell:?} missing from {row}");
        }
    }

    #[test]
    fn amounts_are_shown_in_whole_tokens_of_the_configured_decimals() {
        let unprofitable = Decision::Skip(Skip::Unprofitable {
            bounty: 1_500_000,
            tx_cost: 2_000_000,
        });
        let six = Decimals { base: 18, quote: 6 };
        assert_eq!(
            explain(&unprofitable, six),
            "unprofitable: bounty 1.50 < cost 2.00"
        );
        let eighteen = Decimals { base: 18, quote: 18 };
        assert_eq!(
            explain(&unprofitable, eighteen),
            "unprofitable: bounty 0.00 < cost 0.00"
        );
    }
}
