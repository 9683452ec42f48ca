//! The benchmark's findings: medians and spreads per case and strategy as markdown tables, and
//! the targets Keel is held to, each PASS or MISS.

use super::strategy::{Strategy, ALL};
use super::suite::Suite;
use super::sweep::CaseResult;
use super::tally::PathMetrics;
use keel_keeper::table::markdown;

/// The whole report as markdown: the targets, the two headline tables, every metric, and how
/// long the sweep took (`seconds`).
pub fn render(results: &[CaseResult], verdicts: &[Verdict], suite: &Suite, seconds: f64) -> String {
    let paths = results.iter().map(|c| c.paths.len()).sum::<usize>();
    let blocks: u64 = results
        .iter()
        .map(|c| u64::from(c.case.scenario.blocks) * c.paths.len() as u64)
        .sum::<u64>()
        * ALL.len() as u64;
    let passed = verdicts.iter().filter(|v| v.pass).count();
    format!(
        "## Targets ({passed} of {} PASS)\n\n{}\n\n## LP value vs HODL at the end, bps (median)\n\n{}\n\n\
         ## LP loss to arbitrage net of fees, bps/day (median)\n\n{}\n\n## Every metric: median [p10, p90]\n\n{}\n\n\
         {paths} paths of {} days, {blocks} pool-blocks in {seconds:.0} s ({:.0} pool-blocks/s)\n",
        verdicts.len(),
        verdict_table(verdicts),
        compact_table(results, |m| m.vs_hodl_bps, 1),
        compact_table(results, |m| m.arb_loss_bps_day, 3),
        full_table(results),
        suite.days,
        blocks as f64 / seconds.max(1e-9),
    )
}

/// The median and the 10th and 90th percentiles of a sample.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spread {
    pub p10: f64,
    pub median: f64,
    pub p90: f64,
}

impl Spread {
    /// `None` for an empty sample.
    pub fn of(mut values: Vec<f64>) -> Option<Spread> {
        if values.is_empty() {
            return None;
        }
        values.sort_by(f64::total_cmp);
        let at = |q: f64| {
            let pos = q * (values.len() - 1) as f64;
            let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
            values[lo] + (values[hi] - values[lo]) * (pos - lo as f64)
        };
        Some(Spread {
            p10: at(0.1),
            median: at(0.5),
            p90: at(0.9),
        })
    }

    fn show(&self, decimals: usize) -> String {
        format!(
            "{:+.d$} [{:+.d$}, {:+.d$}]",
            self.median,
            self.p10,
            self.p90,
            d = decimals
        )
    }
}

fn median(case: &CaseResult, strategy: Strategy, metric: impl Fn(&PathMetrics) -> f64) -> f64 {
    Spread::of(case.values(strategy, metric)).map_or(f64::NAN, |s| s.median)
}

/// Every case and strategy: median [p10, p90] across seeds.
pub fn full_table(results: &[CaseResult]) -> String {
    let header = [
        "case",
        "strategy",
        "arb loss bps/day",
        "fees bps/day",
        "LP vs HODL bps",
        "LP vs daily-rebalanced bps",
        "mean fee bps",
        "time in band",
        "max abs(q)",
        "rebalances",
        "bounties bps",
    ];
    let rows = results.iter().flat_map(|case| {
        ALL.iter().map(move |&strategy| {
            let spread = |metric: fn(&PathMetrics) -> f64, d: usize| {
                Spread::of(case.values(strategy, metric)).map_or("-".into(), |s| s.show(d))
            };
            let optional = |metric: fn(&PathMetrics) -> Option<f64>| {
                let values: Vec<f64> = case
                    .paths
                    .iter()
                    .flatten()
                    .filter(|(s, _)| *s == strategy)
                    .filter_map(|(_, m)| metric(m))
                    .collect();
                Spread::of(values).map_or("-".into(), |s| format!("{:.1}%", s.median * 100.0))
            };
            vec![
                case.case.name(),
                strategy.label().into(),
                spread(|m| m.arb_loss_bps_day, 3),
                spread(|m| m.fees_bps_day, 3),
                spread(|m| m.vs_hodl_bps, 1),
                spread(|m| m.vs_rebalanced_bps, 1),
                format!("{:.1}", median(case, strategy, |m| m.mean_fee_bps)),
                optional(|m| m.time_in_band),
                optional(|m| m.max_abs_q),
                format!("{:.1}", median(case, strategy, |m| m.rebalances as f64)),
                format!("{:.2}", median(case, strategy, |m| m.bounties_bps)),
            ]
        })
    });
    markdown(&header, rows)
}

/// One metric's median for every strategy, a row per case.
pub fn compact_table(results: &[CaseResult], metric: fn(&PathMetrics) -> f64, decimals: usize) -> String {
    let mut header = vec!["case"];
    header.extend(ALL.iter().map(|s| s.label()));
    let rows = results.iter().map(|case| {
        let mut row = vec![case.case.name()];
        row.extend(
            ALL.iter()
                .map(|&s| format!("{:+.d$}", median(case, s, metric), d = decimals)),
        );
        row
    });
    markdown(&header, rows)
}

/// A target checked on one case.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    pub target: &'static str,
    pub case: String,
    pub pass: bool,
    pub evidence: String,
}

/// The targets, on medians across seeds:
/// 1. Keel's arbitrage loss is at most half a constant-product pool's at the same fee, where the
///    oracle lags at most one block (the constant-product pool charges Keel's mean quoted fee).
/// 2. Keel (5 bps base fee) does no worse for its LPs than constant product at 30 bps.
/// 3. Keel's LPs end at least level with holding.
pub fn verdicts(results: &[CaseResult]) -> Vec<Verdict> {
    let mut out = Vec::new();
    for case in results {
        let name = case.case.name();
        let keel_loss = median(case, Strategy::Keel, |m| m.arb_loss_bps_day);
        let keel_hodl = median(case, Strategy::Keel, |m| m.vs_hodl_bps);
        if case.case.oracle_lag <= 1 {
            let cp_loss = median(case, Strategy::CpAtKeelFee, |m| m.arb_loss_bps_day);
            out.push(Verdict {
                target: "arb loss <= 50% of cp at equal fee",
                case: name.clone(),
                pass: keel_loss <= 0.5 * cp_loss,
                evidence: format!(
                    "keel {keel_loss:.3} vs cp {cp_loss:.3} bps/day ({:.0}%)",
                    ratio(keel_loss, cp_loss)
                ),
            });
        }
        let cp30 = median(case, Strategy::Cp30, |m| m.vs_hodl_bps);
        out.push(Verdict {
            target: "keel (5 bps) no worse than cp 30 bps",
            case: name.clone(),
            pass: keel_hodl >= cp30,
            evidence: format!("LP vs HODL: keel {keel_hodl:+.1} vs cp 30 {cp30:+.1} bps"),
        });
        out.push(Verdict {
            target: "median keel LP >= HODL",
            case: name,
            pass: keel_hodl >= 0.0,
            evidence: format!("{keel_hodl:+.1} bps"),
        });
    }
    out
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 {
        a / b * 100.0
    } else {
        f64::NAN
    }
}

pub fn verdict_table(verdicts: &[Verdict]) -> String {
    markdown(
        &["target", "case", "result", "medians"],
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

#[cfg(test)]
// The values compared are exactly representable: equality is the claim.
#[allow(clippy::float_cmp)]
mod tests {
    use super::*;

    #[test]
    fn spread_interpolates_percentiles() {
        let s = Spread::of((0..=10).map(f64::from).collect()).expect("sample");
        assert_eq!((s.p10, s.median, s.p90), (1.0, 5.0, 9.0));
        let even = Spread::of(vec![4.0, 1.0, 3.0, 2.0]).expect("sample");
        assert_eq!(even.median, 2.5);
        assert_eq!(Spread::of(Vec::new()), None);
    }
}
