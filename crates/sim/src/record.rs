//! What a simulation records: one row per block, running totals, the closing summary, the CSV.

use keel_core::fixed::{signed_to_f64, to_f64};
use keel_core::Greeks;
use std::io::Write;
use std::path::Path;

/// The LPs' exposure in a block: Keel's Greeks ([`keel_core::greeks`]) and, for comparison, the
/// gamma of a constant-product pool holding Keel's base at Keel's fee (its closed form,
/// [`Exposure::constant_product`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Exposure {
    pub keel: Greeks,
    /// Base that constant-product pool sells on a 1% rise and buys on a 1% fall, whole tokens.
    pub cp_gamma_up: f64,
    pub cp_gamma_down: f64,
}

impl Exposure {
    /// Constant product's base change on a 1% rise and fall for `base` whole tokens at fee
    /// `fee` (a fraction), or none inside the fee. With `x y` held through the move, arbitrage
    /// moves the curve's base to `x / sqrt(1.01 (1 - fee))` on a rise (paid in quote) and to
    /// `x sqrt((1 - fee) / 0.99)` on a fall, where the sellers also leave the fee on their base:
    /// the pool keeps `1 / (1 - fee)` of what reached the curve, as Keel's Greeks count it.
    pub fn constant_product(base: f64, fee: f64) -> (f64, f64) {
        let keep = 1.0 - fee;
        let up = (1.01 * keep).max(1.0);
        let down = (keep / 0.99).max(1.0);
        (base / up.sqrt() - base, (base * down.sqrt() - base) / keep)
    }

    fn csv(&self) -> String {
        let g = &self.keel;
        format!(
            "{:.6},{:.6},{:.6},{:.6},{},{:.6},{:.6}",
            to_f64(g.delta),
            signed_to_f64(g.delta_vs_target),
            signed_to_f64(g.gamma_up),
            signed_to_f64(g.gamma_down),
            g.vega
                .map_or(String::new(), |v| format!("{:.6}", signed_to_f64(v))),
            self.cp_gamma_up,
            self.cp_gamma_down
        )
    }
}

/// One block, after everyone acted. Values are in quote tokens at the reference price.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Row {
    pub block: u64,
    pub reference: f64,
    pub oracle: f64,
    /// The pool's reference: the oracle moved by the flow since its reading was observed.
    pub pool_reference: f64,
    pub pool_mid: f64,
    pub venue_price: f64,
    pub q: f64,
    /// The pool's stored reserves, in token units.
    pub base_reserve: u128,
    pub quote_reserve: u128,
    pub trigger: f64,
    pub target: f64,
    /// The fee a vanishing trade pays, the guard included, and the guard's part.
    pub fee_bps: f64,
    pub guard_bps: f64,
    pub k: f64,
    pub pool_value: f64,
    pub hodl_value: f64,
    pub venue_value: f64,
    /// The venue's starting tokens, held.
    pub venue_hodl_value: f64,
    /// Fees the pool has earned so far (its bounty budget plus bounties paid).
    pub fees_to_date: f64,
    pub rebalanced: bool,
    /// Recorded by the demo's runs, not the benchmark's (`Simulation::record_exposure`).
    pub exposure: Option<Exposure>,
}

const HEADER: &str = "block,reference,oracle,pool_reference,pool_mid,venue_price,q,trigger,target,fee_bps,guard_bps,k,pool_value,hodl_value,venue_value,venue_hodl_value,fees_to_date,rebalanced,delta,delta_vs_target,gamma_up,gamma_down,vega,cp_gamma_up,cp_gamma_down";

impl Row {
    fn csv(&self) -> String {
        let exposure = self.exposure.map_or(",,,,,,".to_string(), |e| e.csv());
        format!(
            "{},{:.6},{:.6},{:.6},{:.6},{:.6},{:.6},{:.4},{:.4},{:.3},{:.3},{:.4},{:.2},{:.2},{:.2},{:.2},{:.4},{},{exposure}",
            self.block,
            self.reference,
            self.oracle,
            self.pool_reference,
            self.pool_mid,
            self.venue_price,
            self.q,
            self.trigger,
            self.target,
            self.fee_bps,
            self.guard_bps,
            self.k,
            self.pool_value,
            self.hodl_value,
            self.venue_value,
            self.venue_hodl_value,
            self.fees_to_date,
            u8::from(self.rebalanced)
        )
    }
}

/// Writes the rows as CSV with a header line.
///
/// # Errors
/// The file cannot be written.
pub fn write_csv(path: &Path, rows: &[Row]) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(out, "{HEADER}")?;
    for row in rows {
        writeln!(out, "{}", row.csv())?;
    }
    out.flush()
}

/// Running counts over a simulation.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Totals {
    pub blocks: u64,
    pub blocks_in_band: u64,
    pub max_abs_q: f64,
    pub rebalances: u64,
    pub bounties: f64,
    pub noise_trades: u64,
    pub noise_refused: u64,
    pub informed_refused: u64,
    /// Readings the oracle refused.
    pub oracle_refusals: u64,
    /// Blocks in which the pool's reading was stale: it refused every swap.
    pub frozen_blocks: u64,
    /// The arbitrageur's profit at the reference price, per market (quote tokens).
    pub pool_arbitrage: f64,
    pub venue_arbitrage: f64,
}

impl Totals {
    pub fn observe(&mut self, row: &Row, in_band: bool) {
        self.blocks = self.blocks.saturating_add(1);
        if in_band {
            self.blocks_in_band = self.blocks_in_band.saturating_add(1);
        }
        self.max_abs_q = self.max_abs_q.max(row.q.abs());
    }
}

/// The closing numbers of a run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    pub blocks: u64,
    pub time_in_band: f64,
    pub max_abs_q: f64,
    pub rebalances: u64,
    pub bounties: f64,
    pub fees: f64,
    /// Final values relative to holding the starting tokens (1.0 = equal).
    pub pool_vs_hodl: f64,
    pub venue_vs_hodl: f64,
    pub pool_arbitrage: f64,
    pub venue_arbitrage: f64,
    pub noise_trades: u64,
    pub noise_refused: u64,
}

impl Summary {
    pub fn of(totals: &Totals, last: Option<&Row>) -> Summary {
        let ratio = |v: f64, h: f64| if h > 0.0 { v / h } else { 0.0 };
        Summary {
            blocks: totals.blocks,
            time_in_band: ratio(totals.blocks_in_band as f64, totals.blocks as f64),
            max_abs_q: totals.max_abs_q,
            rebalances: totals.rebalances,
            bounties: totals.bounties,
            fees: last.map_or(0.0, |r| r.fees_to_date),
            pool_vs_hodl: last.map_or(0.0, |r| ratio(r.pool_value, r.hodl_value)),
            venue_vs_hodl: last.map_or(0.0, |r| ratio(r.venue_value, r.venue_hodl_value)),
            pool_arbitrage: totals.pool_arbitrage,
            venue_arbitrage: totals.venue_arbitrage,
            noise_trades: totals.noise_trades,
            noise_refused: totals.noise_refused,
        }
    }

    /// The summary as a two-column markdown table.
    pub fn table(&self) -> String {
        let pct = |x: f64| format!("{:.2}%", x * 100.0);
        let bps = |x: f64| format!("{:+.1} bps", (x - 1.0) * 10_000.0);
        let rows = [
            ("blocks", self.blocks.to_string()),
            ("time in band", pct(self.time_in_band)),
            ("max abs(q)", pct(self.max_abs_q)),
            ("rebalances", self.rebalances.to_string()),
            ("bounties paid (quote)", format!("{:.2}", self.bounties)),
            ("pool fees earned (quote)", format!("{:.2}", self.fees)),
            ("Keel LP value vs HODL", bps(self.pool_vs_hodl)),
            ("venue LP value vs HODL", bps(self.venue_vs_hodl)),
            (
                "arbitrage taken from Keel (quote)",
                format!("{:.2}", self.pool_arbitrage),
            ),
            (
                "arbitrage taken from venue (quote)",
                format!("{:.2}", self.venue_arbitrage),
            ),
            (
                "noise trades (refused)",
                format!("{} ({})", self.noise_trades, self.noise_refused),
            ),
        ];
        keel_keeper::table::markdown(
            &["metric", "value"],
            rows.iter().map(|(k, v)| vec![(*k).to_string(), v.clone()]),
        )
    }
}
