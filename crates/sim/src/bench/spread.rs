//! Where the spread of LP results across paths comes from. On every path LP - HODL is the sum of
//! its parts (fees, noise impact, adverse selection, rebalancing, inventory, other), so its
//! variance across paths is the sum of each part's covariance with it: each part's share of that
//! variance says how much of the spread it carries (a part that moves against the others has a
//! negative share, narrowing the spread).

use super::stats::Spread;
use super::strategy::Strategy;
use super::sweep::CaseResult;
use super::tally::PathMetrics;
use keel_keeper::table::markdown;

/// A path's part of LP - HODL, in bps of the starting value.
type Part = fn(&PathMetrics) -> f64;

/// The parts of LP - HODL as the report signs them (each adds to it), with their names.
const PARTS: [(&str, Part); 6] = [
    ("fees", |m| m.fees_bps),
    ("noise impact", |m| m.noise_impact_bps),
    ("adverse selection", |m| -m.adverse_selection_bps),
    ("rebalancing", |m| -m.rebalancing_bps),
    ("inventory", |m| m.inventory_bps),
    ("other", |m| m.other_bps),
];

/// Each of `parts`' share of the variance of `total` across paths (the parts add up to `total`
/// on every path, so the shares add up to 1); `None` with fewer than two paths or a total that
/// does not vary.
pub fn variance_shares(parts: &[Vec<f64>], total: &[f64]) -> Option<Vec<f64>> {
    let n = total.len();
    if n < 2 || parts.iter().any(|p| p.len() != n) {
        return None;
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / n as f64;
    let t_mean = mean(total);
    let cov = |v: &[f64]| {
        let v_mean = mean(v);
        v.iter()
            .zip(total)
            .map(|(x, t)| (x - v_mean) * (t - t_mean))
            .sum::<f64>()
    };
    let variance = cov(total);
    if variance <= 0.0 {
        return None;
    }
    Some(parts.iter().map(|p| cov(p) / variance).collect())
}

/// Every case and strategy: LP - HODL's width from p10 to p90 across paths, and each part's share
/// of its variance.
pub fn spread_table(results: &[CaseResult], strategies: fn(&CaseResult) -> Vec<Strategy>) -> String {
    let mut header = vec!["case", "pool", "LP - HODL p90 - p10"];
    header.extend(PARTS.iter().map(|(name, _)| *name));
    let rows = results.iter().flat_map(|case| {
        strategies(case).into_iter().map(move |s| {
            let total = case.values(s, |m| m.vs_hodl_value_bps);
            let width = Spread::of(total.clone()).map_or("-".into(), |w| format!("{:.1}", w.p90 - w.p10));
            let parts: Vec<Vec<f64>> = PARTS.iter().map(|(_, f)| case.values(s, *f)).collect();
            let shares = variance_shares(&parts, &total);
            let mut row = vec![case.case.name(), s.label().into(), width];
            row.extend((0..PARTS.len()).map(|i| {
                shares
                    .as_ref()
                    .map_or("-".into(), |sh| format!("{:+.0}%", sh[i] * 100.0))
            }));
            row
        })
    });
    markdown(&header, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shares_add_up_and_name_the_part_that_spreads_the_total() {
        // a part that varies, one constant, and one that moves against the first a little
        let moving = vec![10.0, 20.0, 30.0, 40.0];
        let constant = vec![5.0; 4];
        let against = vec![-1.0, -2.0, -3.0, -4.0];
        let total: Vec<f64> = (0..4).map(|i| moving[i] + constant[i] + against[i]).collect();
        let shares = variance_shares(&[moving, constant, against], &total).expect("varies");
        assert!((shares.iter().sum::<f64>() - 1.0).abs() < 1e-12, "{shares:?}");
        assert!((shares[0] - 10.0 / 9.0).abs() < 1e-12, "{shares:?}");
        assert!(shares[1].abs() < 1e-12, "{shares:?}");
        assert!((shares[2] + 1.0 / 9.0).abs() < 1e-12, "{shares:?}");
    }

    #[test]
    fn a_total_that_does_not_vary_has_no_shares() {
        assert_eq!(variance_shares(&[vec![1.0, 1.0]], &[1.0, 1.0]), None);
        assert_eq!(variance_shares(&[vec![1.0]], &[1.0]), None);
    }
}
