//! The benchmark's findings as markdown: the targets, the LP P&L of every pool taken apart, the
//! paired comparison of Keel with constant product at its own mean fee, what the oracle did
//! (refusals, frozen blocks), and how fast the sweep ran.

use super::stats::{bootstrap_mean, mean, median, Spread};
use super::strategy::{keel_base_fee_bps, Strategy};
use super::suite::Suite;
use super::sweep::CaseResult;
use super::tally::PathMetrics;
use super::targets::Verdict;
use keel_keeper::table::markdown;
use std::fmt::Write as _;

/// Throughput of the sweep, and of the fast engine against the exact one.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Speed {
    pub seconds: f64,
    /// Keel blocks per second on one core: the fast engine, then the exact one, both timed on
    /// the same paths in this process ([`crate::driver::Engine`]).
    pub keel_fast: Option<f64>,
    pub keel_exact: Option<f64>,
}

/// Pool-blocks per second the sweep is held to.
const THROUGHPUT_TARGET: f64 = 1_400_000.0;

/// The whole report.
pub fn render(results: &[CaseResult], verdicts: &[Verdict], suite: &Suite, speed: Speed) -> String {
    let passed = verdicts.iter().filter(|v| v.pass).count();
    format!(
        "## Targets ({passed} of {} PASS)\n\n{}\n\n\
         ## LP P&L taken apart, bps of the starting value over {} days (mean across paths)\n\n\
         fees + noise impact - adverse selection - rebalancing + inventory + other = LP - HODL, \
         path by path and so in the mean (medians do not add up: constant product's inventory \
         term is skewed, its median above its mean of about zero). \
         Adverse selection is what arbitrageurs and informed traders take at the reference price \
         before their fees; with noise flow on, arbitrageurs also take back impact noise just paid \
         (read noise impact and adverse selection together).\n\n{}\n\n\
         ## Keel minus constant product at Keel's mean fee, path by path\n\n\
         Mean of the per-path differences with its 95% bootstrap interval, the median, and the share \
         of paths on which Keel did better for its LPs.\n\n{}\n\n\
         ## What the oracle and the pools did (median across paths)\n\n\
         Keel's base fee is {:.1} bps; \"mean fee\" is the fee it quoted, averaged over the blocks \
         it was not frozen in, which sets the equal-fee pool's (rounded to whole bps); \"fee per \
         volume\" is what it earned per unit traded, higher where its fee rises with the flow. Orders not filled: noise, whale and informed orders a pool refused \
         or that routing sent to the venue.\n\n{}\n\n\
         ## LP - HODL's spread across paths, taken apart\n\n\
         The width of LP - HODL from p10 to p90 (bps of the starting value), and each part's \
         share of its variance across paths: the parts add up to LP - HODL on every path, so \
         the shares add up to 100%; a negative share is a part moving against the others.\n\n{}\n\n\
         ## Every metric: median [p10, p90]\n\n{}\n\n{}\n",
        verdicts.len(),
        verdict_table(verdicts),
        suite.days,
        parts_table(results),
        paired_table(results),
        keel_base_fee_bps(&suite.market),
        oracle_table(results),
        super::spread::spread_table(results, strategies),
        full_table(results),
        speed_text(results, suite, speed),
    )
}

fn strategies(case: &CaseResult) -> Vec<Strategy> {
    case.paths
        .first()
        .map(|p| p.iter().map(|(s, _)| *s).collect())
        .unwrap_or_default()
}

fn avg(case: &CaseResult, s: Strategy, metric: fn(&PathMetrics) -> f64, d: usize) -> String {
    format!("{:+.d$}", mean(&case.values(s, metric)), d = d)
}

fn parts_table(results: &[CaseResult]) -> String {
    let header = [
        "case",
        "pool",
        "fees",
        "noise impact",
        "adverse selection",
        "rebalancing",
        "inventory",
        "other",
        "LP - HODL",
    ];
    let rows = results.iter().flat_map(|case| {
        strategies(case).into_iter().map(move |s| {
            vec![
                case.case.name(),
                s.label().into(),
                avg(case, s, |m| m.fees_bps, 1),
                avg(case, s, |m| m.noise_impact_bps, 1),
                avg(case, s, |m| -m.adverse_selection_bps, 1),
                avg(case, s, |m| -m.rebalancing_bps, 1),
                avg(case, s, |m| m.inventory_bps, 1),
                avg(case, s, |m| m.other_bps, 1),
                avg(case, s, |m| m.vs_hodl_value_bps, 1),
            ]
        })
    });
    markdown(&header, rows)
}

fn paired_table(results: &[CaseResult]) -> String {
    let header = [
        "case",
        "adverse selection, mean [95% CI]",
        "median",
        "LP vs HODL, mean [95% CI]",
        "median",
        "paths keel better",
    ];
    let show = |v: &[f64]| {
        bootstrap_mean(v).map_or("-".into(), |i| {
            format!("{:+.2} [{:+.2}, {:+.2}]", i.mean, i.low, i.high)
        })
    };
    let rows = results.iter().map(|case| {
        let adverse = case.paired(Strategy::Keel, Strategy::CpEqualFee, |m| m.adverse_selection_bps);
        let lp = case.paired(Strategy::Keel, Strategy::CpEqualFee, |m| m.vs_hodl_bps);
        let better = lp.iter().filter(|d| **d > 0.0).count();
        vec![
            case.case.name(),
            show(&adverse),
            format!("{:+.2}", median(adverse.clone())),
            show(&lp),
            format!("{:+.2}", median(lp.clone())),
            format!("{better} of {}", lp.len()),
        ]
    });
    markdown(&header, rows)
}

fn oracle_table(results: &[CaseResult]) -> String {
    let header = [
        "case",
        "keel mean fee bps",
        "keel fee per volume bps",
        "cp equal fee bps",
        "keel frozen",
        "oracle refusals",
        "keel orders not filled",
        "cp equal fee orders not filled",
    ];
    let rows = results.iter().map(|case| {
        let m = |s, f: fn(&PathMetrics) -> f64| median(case.values(s, f));
        vec![
            case.case.name(),
            format!("{:.1}", m(Strategy::Keel, |x| x.mean_fee_bps)),
            format!("{:.1}", m(Strategy::Keel, |x| x.fee_per_volume_bps)),
            format!("{:.0}", m(Strategy::CpEqualFee, |x| x.mean_fee_bps)),
            format!("{:.2}%", m(Strategy::Keel, |x| x.frozen) * 100.0),
            format!("{:.0}", m(Strategy::Keel, |x| x.oracle_refusals as f64)),
            format!("{:.0}", m(Strategy::Keel, |x| x.refused_trades as f64)),
            format!("{:.0}", m(Strategy::CpEqualFee, |x| x.refused_trades as f64)),
        ]
    });
    markdown(&header, rows)
}

/// Every case and strategy: median [p10, p90] across seeds.
pub fn full_table(results: &[CaseResult]) -> String {
    let header = [
        "case",
        "pool",
        "LP vs HODL bps",
        "LP vs daily-rebalanced bps",
        "adverse selection bps",
        "arbitrage net of fees bps",
        "time in band",
        "max abs(q)",
        "rebalances",
        "bounties bps",
    ];
    let rows = results.iter().flat_map(|case| {
        strategies(case).into_iter().map(move |s| {
            let spread = |metric: fn(&PathMetrics) -> f64, d: usize| {
                Spread::of(case.values(s, metric)).map_or("-".into(), |x| x.show(d))
            };
            let share = |metric: fn(&PathMetrics) -> Option<f64>| {
                let v: Vec<f64> = case.values(s, |m| metric(m).unwrap_or(f64::NAN));
                let v: Vec<f64> = v.into_iter().filter(|x| !x.is_nan()).collect();
                Spread::of(v).map_or("-".into(), |x| format!("{:.1}%", x.median * 100.0))
            };
            vec![
                case.case.name(),
                s.label().into(),
                spread(|m| m.vs_hodl_bps, 1),
                spread(|m| m.vs_rebalanced_bps, 1),
                spread(|m| m.adverse_selection_bps, 2),
                spread(|m| m.arbitrage_net_bps, 2),
                share(|m| m.time_in_band),
                share(|m| m.max_abs_q),
                format!("{:.1}", median(case.values(s, |m| m.rebalances as f64))),
                format!("{:.2}", median(case.values(s, |m| m.bounties_bps))),
            ]
        })
    });
    markdown(&header, rows)
}

fn speed_text(results: &[CaseResult], suite: &Suite, speed: Speed) -> String {
    let paths: usize = results.iter().map(|c| c.paths.len()).sum();
    let (mut blocks, mut keel_blocks, mut keel_seconds) = (0u64, 0u64, 0.0f64);
    for (s, m) in results.iter().flat_map(|c| c.paths.iter().flatten()) {
        blocks = blocks.saturating_add(m.blocks);
        if s.is_keel() {
            keel_blocks = keel_blocks.saturating_add(m.blocks);
            keel_seconds += m.seconds;
        }
    }
    let rate = blocks as f64 / speed.seconds.max(1e-9);
    let mut text = format!(
        "{paths} paths of {} days, {blocks} pool-blocks in {:.0} s: {rate:.0} pool-blocks/s on {} \
         threads ({} the 1.4 million target); Keel alone {:.0} blocks/s per core.",
        suite.days,
        speed.seconds,
        rayon::current_num_threads(),
        if rate >= THROUGHPUT_TARGET {
            "PASS:"
        } else {
            "MISS:"
        },
        keel_blocks as f64 / keel_seconds.max(1e-9),
    );
    if let (Some(fast), Some(exact)) = (speed.keel_fast, speed.keel_exact) {
        let _ = write!(
            text,
            "\n\nTimed on the same paths in this run, one core: the fast engine {fast:.0} Keel \
             blocks/s, the exact engine (arbitrage searched on the pool's integer math, every \
             keeper pass and every recorded block re-derived exactly) {exact:.0}: {:.1}x.",
            fast / exact
        );
    }
    text
}

pub fn verdict_table(verdicts: &[Verdict]) -> String {
    markdown(
        &["target", "case", "result", "evidence"],
        verdicts.iter().map(|v| {
            vec![
                v.target.into(),
                v.case.clone(),
                if v.pass { "PASS" } else { "MISS" }.into(),
                v.evidence.clone(),
            ]
        }),
    )
}
