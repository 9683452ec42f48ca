//! Runs a suite: every strategy on every seed of every case, spread over the machine's cores,
//! with a progress bar counted in simulated blocks.

use super::strategy::{self, Strategy};
use super::suite::Case;
use super::tally::PathMetrics;
use crate::scenario::Scenario;
use crate::SimError;
use keel_keeper::executor::Settings;
use rayon::prelude::*;

/// One case's paths: for each seed, every strategy's metrics.
#[derive(Clone, Debug)]
pub struct CaseResult {
    pub case: Case,
    pub paths: Vec<Vec<(Strategy, PathMetrics)>>,
}

impl CaseResult {
    /// `a`'s and `b`'s metrics on every path that ran both.
    pub fn pairs(&self, a: Strategy, b: Strategy) -> Vec<(PathMetrics, PathMetrics)> {
        self.paths
            .iter()
            .filter_map(|path| {
                let of = |s: Strategy| path.iter().find(|(x, _)| *x == s).map(|(_, m)| *m);
                Some((of(a)?, of(b)?))
            })
            .collect()
    }

    /// The paired difference `metric(a) - metric(b)` on every path that ran both.
    pub fn paired(&self, a: Strategy, b: Strategy, metric: impl Fn(&PathMetrics) -> f64) -> Vec<f64> {
        self.pairs(a, b)
            .iter()
            .map(|(x, y)| metric(x) - metric(y))
            .collect()
    }

    /// One metric of one strategy across the case's seeds.
    pub fn values(&self, strategy: Strategy, metric: impl Fn(&PathMetrics) -> f64) -> Vec<f64> {
        self.paths
            .iter()
            .flat_map(|path| {
                path.iter()
                    .filter(|(s, _)| *s == strategy)
                    .map(|(_, m)| metric(m))
            })
            .collect()
    }
}

/// Runs `seeds` paths of every case, each with every one of `strategies`.
///
/// # Errors
/// The first path that failed, named by case and seed.
pub fn run(
    cases: &[Case],
    seeds: u32,
    strategies: &[Strategy],
    settings: Settings,
    progress: bool,
) -> Result<Vec<CaseResult>, SimError> {
    let jobs: Vec<(usize, Scenario)> = cases
        .iter()
        .enumerate()
        .flat_map(|(i, case)| {
            (0..u64::from(seeds)).map(move |n| {
                let scenario = Scenario {
                    seed: case.scenario.seed.wrapping_add(n),
                    ..case.scenario.clone()
                };
                (i, scenario)
            })
        })
        .collect();
    let blocks: u64 = jobs
        .iter()
        .map(|(_, s)| u64::from(s.blocks) * strategies.len() as u64)
        .sum();
    let bar = crate::progress::bar(
        blocks,
        "{bar:40.cyan/blue} {percent:>3}%  {human_pos}/{human_len} pool-blocks  {per_sec}  eta {eta}",
        progress,
    );
    let tick = |n: u64| bar.inc(n);
    let done: Vec<(usize, Vec<(Strategy, PathMetrics)>)> = jobs
        .par_iter()
        .map(|(i, scenario)| {
            strategy::run_all(scenario, strategies, settings, &tick)
                .map(|r| (*i, r))
                .map_err(|e| SimError::Path {
                    case: scenario.name.clone(),
                    seed: scenario.seed,
                    source: Box::new(e),
                })
        })
        .collect::<Result<_, _>>()?;
    bar.finish_and_clear();
    let mut results: Vec<CaseResult> = cases
        .iter()
        .map(|case| CaseResult {
            case: case.clone(),
            paths: Vec::new(),
        })
        .collect();
    for (i, path) in done {
        results[i].paths.push(path);
    }
    Ok(results)
}
