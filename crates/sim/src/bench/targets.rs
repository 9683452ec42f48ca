//! The targets Keel is held to, each PASS or MISS on paired per-path differences against
//! constant product at Keel's own mean fee, and the self-check that the simulator's constant
//! product pays arbitrageurs what the fee-adjusted LVR formula says it should.

use super::stats::{mean, median, Spread};
use super::strategy::Strategy;
use super::sweep::CaseResult;
use super::tally::PathMetrics;
use keel_core::dynamic::YEAR_MS;

/// A target checked on one case (or on the whole suite).
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    pub target: &'static str,
    pub case: String,
    pub pass: bool,
    pub evidence: String,
}

pub const ADVERSE: &str = "adverse selection <= cp at equal fee";
pub const ADVERSE_HALF: &str = "adverse selection <= 50% of cp at equal fee (oracle <= 2 blocks behind)";
pub const LP_CASE: &str = "LP vs HODL >= cp at equal fee (paired median)";
pub const LP_SUITE: &str = "LP vs HODL >= cp at equal fee in >= 80% of cases";
pub const LP_SPREAD: &str = "LP vs HODL spread across paths (p90 - p10) narrower than cp's";
pub const LVR: &str = "self-check: cp arbitrage net of fees within 25% of the LVR formula";

/// How far the measured arbitrage may sit from the formula.
const LVR_TOLERANCE: f64 = 0.25;

fn adverse(m: &PathMetrics) -> f64 {
    m.adverse_selection_bps
}

/// The fee-adjusted LVR formula (Milionis, Moallemi, Roughgarden): arbitrage profit net of fees
/// on a constant-product pool, in bps of its value over `days`, at annual volatility `sigma`,
/// blocks of `block_ms` and fee `fee_bps`: `sigma^2 / 8` per year times the probability of a
/// trade `1 / (1 + sqrt(2) f / sigma_block)`.
pub fn lvr_bps(sigma: f64, days: f64, block_ms: u64, fee_bps: f64) -> f64 {
    let sigma_block = sigma * (block_ms as f64 / YEAR_MS as f64).sqrt();
    let fee = fee_bps / 10_000.0;
    let p_trade = 1.0 / (1.0 + std::f64::consts::SQRT_2 * fee / sigma_block);
    sigma * sigma / 8.0 * days / 365.25 * p_trade * 10_000.0
}

/// Every target on every case, then the suite-wide share.
pub fn verdicts(results: &[CaseResult]) -> Vec<Verdict> {
    let mut out = Vec::new();
    let (mut lp_cases, mut lp_passes) = (0usize, 0usize);
    for case in results {
        let name = case.case.name();
        let keel_as = median(case.values(Strategy::Keel, adverse));
        let frozen = median(case.values(Strategy::Keel, |m| m.frozen));
        let cp_as = median(case.values(Strategy::CpEqualFee, adverse));
        let diff = case.paired(Strategy::Keel, Strategy::CpEqualFee, adverse);
        if !diff.is_empty() {
            let d = median(diff);
            out.push(Verdict {
                target: ADVERSE,
                case: name.clone(),
                pass: d <= 0.0,
                evidence: format!(
                    "keel {keel_as:.2} vs cp {cp_as:.2} bps; paired median {d:+.2}{}",
                    if frozen > 0.01 {
                        format!("; keel frozen {:.0}% of blocks", frozen * 100.0)
                    } else {
                        String::new()
                    }
                ),
            });
        }
        if case.case.fresh_oracle() {
            let half: Vec<f64> = case
                .pairs(Strategy::Keel, Strategy::CpEqualFee)
                .iter()
                .map(|(keel, cp)| keel.adverse_selection_bps - 0.5 * cp.adverse_selection_bps)
                .collect();
            if !half.is_empty() {
                out.push(Verdict {
                    target: ADVERSE_HALF,
                    case: name.clone(),
                    pass: median(half) <= 0.0,
                    evidence: format!("keel/cp {:.0}%", ratio(keel_as, cp_as)),
                });
            }
        }
        let lp = case.paired(Strategy::Keel, Strategy::CpEqualFee, |m| m.vs_hodl_bps);
        if !lp.is_empty() {
            let d = median(lp);
            lp_cases += 1;
            lp_passes += usize::from(d >= 0.0);
            out.push(Verdict {
                target: LP_CASE,
                case: name.clone(),
                pass: d >= 0.0,
                evidence: format!("paired median {d:+.1} bps"),
            });
        }
        let width = |strategy| Spread::of(case.values(strategy, |m| m.vs_hodl_bps)).map(|s| s.p90 - s.p10);
        if let (Some(keel), Some(cp)) = (width(Strategy::Keel), width(Strategy::CpEqualFee)) {
            out.push(Verdict {
                target: LP_SPREAD,
                case: name.clone(),
                pass: keel < cp,
                evidence: format!("keel {keel:.1} vs cp {cp:.1} bps"),
            });
        }
        // Constant product does not see the oracle: one such case is the whole evidence.
        if case.case.lvr_setting() && !out.iter().any(|v| v.target == LVR) {
            out.extend(lvr_checks(case));
        }
    }
    if lp_cases > 0 {
        out.push(Verdict {
            target: LP_SUITE,
            case: "all cases".into(),
            pass: lp_passes * 5 >= lp_cases * 4,
            evidence: format!("{lp_passes} of {lp_cases} cases"),
        });
    }
    out
}

/// The LVR self-check for every constant-product pool of a case.
fn lvr_checks(case: &CaseResult) -> Vec<Verdict> {
    let s = &case.case.scenario;
    [Strategy::CpEqualFee, Strategy::CpBaseFee, Strategy::Cp30]
        .into_iter()
        .filter_map(|strategy| {
            // The formula is an expectation: compared with the mean across paths.
            let measured = mean(&case.values(strategy, |m| m.arbitrage_net_bps));
            let fee = median(case.values(strategy, |m| m.mean_fee_bps));
            let days = median(case.values(strategy, |m| m.days));
            if measured.is_nan() {
                return None;
            }
            let formula = lvr_bps(s.sigma, days, s.block_ms, fee);
            let r = measured / formula;
            Some(Verdict {
                target: LVR,
                case: format!("{}, {}", case.case.name(), strategy.label()),
                pass: (r - 1.0).abs() <= LVR_TOLERANCE,
                evidence: format!(
                    "measured {:.3} vs formula {:.3} bps/day ({:.0}%)",
                    measured / days,
                    formula / days,
                    r * 100.0
                ),
            })
        })
        .collect()
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 {
        a / b * 100.0
    } else {
        f64::NAN
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::suite::Case;
    use crate::scenario::Scenario;

    /// One path: (adverse selection, LP vs HODL) for Keel, then for the equal-fee pool.
    type Path = ((f64, f64), (f64, f64));

    /// A case whose paths give Keel and the equal-fee pool these adverse selections and LP
    /// results, path by path.
    fn case(lag: u32, paths: &[Path]) -> CaseResult {
        let m = |adverse: f64, lp: f64| PathMetrics {
            adverse_selection_bps: adverse,
            vs_hodl_bps: lp,
            ..PathMetrics::default()
        };
        CaseResult {
            case: Case {
                name: format!("lag {lag}"),
                scenario: Scenario {
                    oracle_lag_blocks: lag,
                    ..Scenario::default()
                },
            },
            paths: paths
                .iter()
                .map(|&((ka, kl), (ca, cl))| {
                    vec![(Strategy::Keel, m(ka, kl)), (Strategy::CpEqualFee, m(ca, cl))]
                })
                .collect(),
        }
    }

    fn result(verdicts: &[Verdict], target: &str, case: &str) -> Option<bool> {
        verdicts
            .iter()
            .find(|v| v.target == target && v.case == case)
            .map(|v| v.pass)
    }

    #[test]
    fn targets_are_judged_on_paired_paths_and_half_only_where_the_oracle_is_fresh() {
        // given Keel losing 40% of cp's adverse selection at lag 1 and 120% at lag 5, with LP
        // results better on two paths of three at lag 1 and worse on every path at lag 5
        let fresh = case(
            1,
            &[
                ((4.0, 1.0), (10.0, 0.0)),
                ((4.0, 1.0), (10.0, 0.0)),
                ((4.0, -1.0), (10.0, 0.0)),
            ],
        );
        let stale = case(5, &[((12.0, -1.0), (10.0, 0.0)); 3]);
        // when
        let v = verdicts(&[fresh, stale]);
        // then
        assert_eq!(result(&v, ADVERSE, "lag 1"), Some(true));
        assert_eq!(result(&v, ADVERSE_HALF, "lag 1"), Some(true));
        assert_eq!(result(&v, LP_CASE, "lag 1"), Some(true));
        assert_eq!(result(&v, ADVERSE, "lag 5"), Some(false));
        assert_eq!(
            result(&v, ADVERSE_HALF, "lag 5"),
            None,
            "lag 5 is not held to half"
        );
        assert_eq!(result(&v, LP_CASE, "lag 5"), Some(false));
        assert_eq!(
            result(&v, LP_SUITE, "all cases"),
            Some(false),
            "1 of 2 cases is not 80%"
        );
    }

    #[test]
    fn the_spread_target_holds_keels_p10_to_p90_width_of_lp_results_below_cps() {
        // given Keel's LP results within 1 bps across paths and cp's across 10, at lag 1; at
        // lag 5 Keel's across 6 and cp's identical on every path
        let narrower = case(
            1,
            &[
                ((4.0, 1.0), (10.0, -5.0)),
                ((4.0, 2.0), (10.0, 5.0)),
                ((4.0, 1.5), (10.0, 0.0)),
            ],
        );
        let wider = case(
            5,
            &[
                ((4.0, -3.0), (10.0, 0.0)),
                ((4.0, 3.0), (10.0, 0.0)),
                ((4.0, 0.0), (10.0, 0.0)),
            ],
        );
        // when
        let v = verdicts(&[narrower, wider]);
        // then
        assert_eq!(result(&v, LP_SPREAD, "lag 1"), Some(true));
        assert_eq!(result(&v, LP_SPREAD, "lag 5"), Some(false));
    }

    #[test]
    fn the_lvr_formula_falls_with_the_fee_and_matches_sigma_squared_over_8_without_one() {
        // 80%/yr over a year with no fee: sigma^2 / 8 = 8% = 800 bps.
        assert!((lvr_bps(0.8, 365.25, 6_000, 0.0) - 800.0).abs() < 1e-9);
        let (low, high) = (lvr_bps(0.8, 30.0, 6_000, 5.0), lvr_bps(0.8, 30.0, 6_000, 30.0));
        assert!(high < low && low < lvr_bps(0.8, 30.0, 6_000, 0.0));
    }
}
