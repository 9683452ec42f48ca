//! One price from several sources: the median of the fresh ones, after dropping those that
//! disagree with it beyond a bound, and nothing when too few agree.
//!
//! A source that failed, whose observation is older than its own staleness limit, or that sits
//! further than `max_spread_bps` from the median of the fresh ones is dropped (and counted by
//! kind in the metrics). The median is then taken again over the sources left. The reading is
//! stamped with the *oldest* observation it rests on: a reading claims to know the market only
//! up to the time every one of its sources had seen it, so the pool never prices a stale reading
//! as fresh.

use crate::source::Observation;
use keel_core::math::{mul_div_u128, Rounding};

/// What one source answered this round.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Answer {
    /// The observation, or `None` when the source failed.
    pub observation: Option<Observation>,
    /// Its staleness limit (ms).
    pub max_age_ms: u64,
}

/// How sources are combined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rules {
    /// Sources that must agree for a reading (at least 1).
    pub min_sources: usize,
    /// Furthest a source may sit from the median of the fresh ones (basis points).
    pub max_spread_bps: u32,
}

/// Why a source did not count this round.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Drop {
    /// It gave no price.
    Failed,
    /// Its observation was older than its limit.
    Stale { age_ms: u64 },
    /// It sat this far from the median of the fresh sources (basis points, rounded down).
    Outlier { off_bps: u128 },
}

impl Drop {
    /// The metric label for this kind of drop.
    pub fn label(&self) -> &'static str {
        match self {
            Drop::Failed => "failed",
            Drop::Stale { .. } => "stale",
            Drop::Outlier { .. } => "outlier",
        }
    }
}

/// The round's reading, when enough sources agreed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reading {
    /// Median of the agreeing sources (quote per base, 1e18; an even count's middles averaged,
    /// rounded down).
    pub price: u128,
    /// The oldest observation among them (ms).
    pub observed_ms: u64,
    /// How many sources it rests on.
    pub sources: usize,
}

/// The round's outcome: the reading (or how many agreed, when too few), and each dropped source
/// by its index in the answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub reading: Result<Reading, TooFew>,
    pub dropped: Vec<(usize, Drop)>,
}

/// Fewer sources agreed than the rules require.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{agreed} source(s) agreed, {needed} needed")]
pub struct TooFew {
    pub agreed: usize,
    pub needed: usize,
}

fn median(prices: &mut [u128]) -> Option<u128> {
    prices.sort_unstable();
    let n = prices.len();
    let upper = *prices.get(n / 2)?;
    let lower = *prices.get(n.checked_sub(1)? / 2)?;
    // The mean of the two middles without overflow, rounded down.
    Some(lower / 2 + upper / 2 + (lower % 2 + upper % 2) / 2)
}

/// Combines this round's `answers` at `now_ms` under `rules`.
pub fn combine(answers: &[Answer], rules: &Rules, now_ms: u64) -> Outcome {
    let mut dropped = Vec::new();
    let mut fresh = Vec::new();
    for (i, answer) in answers.iter().enumerate() {
        match answer.observation {
            None => dropped.push((i, Drop::Failed)),
            Some(o) => {
                let age_ms = now_ms.saturating_sub(o.observed_ms);
                if age_ms > answer.max_age_ms {
                    dropped.push((i, Drop::Stale { age_ms }));
                } else {
                    fresh.push((i, o));
                }
            }
        }
    }
    let mut prices: Vec<u128> = fresh.iter().map(|(_, o)| o.price).collect();
    let centre = median(&mut prices);
    let mut agreed = Vec::new();
    for (i, o) in fresh {
        let off_bps = centre
            .and_then(|c| mul_div_u128(o.price.abs_diff(c), 10_000, c, Rounding::Down).ok())
            .unwrap_or(u128::MAX);
        if off_bps > u128::from(rules.max_spread_bps) {
            dropped.push((i, Drop::Outlier { off_bps }));
        } else {
            agreed.push(o);
        }
    }
    dropped.sort_by_key(|&(i, _)| i);
    let needed = rules.min_sources.max(1);
    let mut prices: Vec<u128> = agreed.iter().map(|o| o.price).collect();
    let reading = match (median(&mut prices), agreed.iter().map(|o| o.observed_ms).min()) {
        (Some(price), Some(observed_ms)) if agreed.len() >= needed => Ok(Reading {
            price,
            observed_ms,
            sources: agreed.len(),
        }),
        _ => Err(TooFew {
            agreed: agreed.len(),
            needed,
        }),
    };
    Outcome { reading, dropped }
}

/// `a` against `b` in basis points, rounded up (for deviation checks); `u128::MAX` when `b` is 0.
pub fn deviation_bps(a: u128, b: u128) -> u128 {
    if b == 0 {
        return u128::MAX;
    }
    mul_div_u128(a.abs_diff(b), 10_000, b, Rounding::Up).unwrap_or(u128::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use keel_core::ONE;

    const NOW: u64 = 1_700_000_000_000;
    const RULES: Rules = Rules {
        min_sources: 2,
        max_spread_bps: 100,
    };

    fn fresh(price: u128, age_ms: u64) -> Answer {
        Answer {
            observation: Some(Observation {
                price,
                observed_ms: NOW - age_ms,
            }),
            max_age_ms: 10_000,
        }
    }

    const FAILED: Answer = Answer {
        observation: None,
        max_age_ms: 10_000,
    };

    #[test]
    fn the_median_of_agreeing_sources_is_stamped_with_the_oldest_of_them() {
        let out = combine(
            &[
                fresh(100 * ONE, 2_000),
                fresh(101 * ONE, 500),
                fresh(100 * ONE + ONE / 2, 0),
            ],
            &RULES,
            NOW,
        );
        assert_eq!(
            out.reading,
            Ok(Reading {
                price: 100 * ONE + ONE / 2,
                observed_ms: NOW - 2_000,
                sources: 3
            })
        );
        assert!(out.dropped.is_empty());
    }

    #[test]
    fn a_liar_is_dropped_and_the_honest_median_stands() {
        // One source lies by 20%: the median of the fresh ones is honest, the liar sits 2,000
        // bps off it and leaves, and the honest pair's median is the reading.
        let out = combine(
            &[
                fresh(100 * ONE, 0),
                fresh(120 * ONE, 0),
                fresh(ONE * 1005 / 10, 0),
            ],
            &RULES,
            NOW,
        );
        assert_eq!(
            out.reading.map(|r| (r.price, r.sources)),
            Ok((ONE * 1_0025 / 100, 2))
        );
        assert_eq!(out.dropped, vec![(1, Drop::Outlier { off_bps: 1_940 })]);
    }

    #[test]
    fn failed_and_stale_sources_are_dropped_by_kind() {
        let out = combine(
            &[
                FAILED,
                fresh(100 * ONE, 10_001),
                fresh(100 * ONE, 10_000),
                fresh(101 * ONE, 0),
            ],
            &RULES,
            NOW,
        );
        assert_eq!(
            out.reading.map(|r| (r.price, r.observed_ms)),
            Ok((ONE * 1005 / 10, NOW - 10_000))
        );
        assert_eq!(
            out.dropped,
            vec![(0, Drop::Failed), (1, Drop::Stale { age_ms: 10_001 })]
        );
        assert_eq!(
            out.dropped.iter().map(|(_, d)| d.label()).collect::<Vec<_>>(),
            ["failed", "stale"]
        );
    }

    #[test]
    fn with_too_few_agreeing_sources_there_is_no_reading() {
        // Two that disagree: each sits ~10% from their mean, both leave.
        let split = combine(&[fresh(100 * ONE, 0), fresh(120 * ONE, 0)], &RULES, NOW);
        assert_eq!(split.reading, Err(TooFew { agreed: 0, needed: 2 }));
        assert_eq!(split.dropped.len(), 2);
        let alone = combine(&[fresh(100 * ONE, 0), FAILED, FAILED], &RULES, NOW);
        assert_eq!(alone.reading, Err(TooFew { agreed: 1, needed: 2 }));
        assert_eq!(
            combine(&[], &RULES, NOW).reading,
            Err(TooFew { agreed: 0, needed: 2 })
        );
        let one = Rules {
            min_sources: 0,
            ..RULES
        };
        assert_eq!(
            combine(&[], &one, NOW).reading,
            Err(TooFew { agreed: 0, needed: 1 })
        );
    }

    #[test]
    fn medians_of_extreme_prices_do_not_overflow() {
        assert_eq!(median(&mut [u128::MAX, u128::MAX]), Some(u128::MAX));
        assert_eq!(median(&mut [u128::MAX - 1, u128::MAX]), Some(u128::MAX - 1));
        assert_eq!(median(&mut [3, 1, 2]), Some(2));
        assert_eq!(median(&mut []), None);
    }

    #[test]
    fn deviation_is_rounded_up_against_the_reference() {
        assert_eq!(deviation_bps(ONE * 1005 / 1000, ONE), 50);
        assert_eq!(deviation_bps(ONE * 10_049 / 10_000 + 1, ONE), 50);
        assert_eq!(deviation_bps(ONE, 0), u128::MAX);
    }
}
