//! The oracle's reporters as real feeds behave: each reads a source that is `oracle_lag_blocks`
//! behind the reference price (with its own noise, and one of them lying when the scenario says
//! so), estimates volatility from what it reads, and submits on a deviation threshold or a
//! heartbeat, checking its source every `oracle_check_s`. Source outages silence them all.
//!
//! Seeded from the scenario's seed on a stream of its own, so the reference path and the order
//! flow of a seed are the same whatever the oracle model: cases differ only in what they change.

use crate::oracle::REPORTERS;
use crate::scenario::Scenario;
use crate::world::chance_per_block;
use keel_core::dynamic::YEAR_MS;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use std::collections::VecDeque;

/// The reporter that lies when `oracle_liar_bps` is set.
pub const LIAR: u8 = REPORTERS - 1;

/// Weight of the previous estimate in a reporter's volatility EWMA per block of 6 s elapsed: a
/// half-life of about 35 blocks (3.5 minutes), normalised by the time between reads.
const EWMA_LAMBDA_PER_6S: f64 = 0.98;

/// Keeps the reporters' streams apart from the world's.
const STREAM: u64 = 0x05EE_D0F0_AC1E;

/// One reporter's submission this block.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Submission {
    pub reporter: u8,
    /// Quote per base.
    pub price: f64,
    /// Annualised.
    pub volatility: f64,
    /// Blocks between the price this reading describes and the block it is sent in.
    pub age_blocks: u32,
}

#[derive(Clone, Copy, Debug)]
struct Source {
    /// The last price read and the block it was read in.
    seen: (f64, u64),
    /// Annualised variance estimate.
    variance: f64,
    /// The last price submitted and its block.
    sent: Option<(f64, u64)>,
}

/// The reporters of one path.
pub struct Reporters {
    rng: ChaCha8Rng,
    scenario: Scenario,
    history: VecDeque<f64>,
    sources: Vec<Source>,
    block: u64,
    check_every: u64,
    heartbeat_blocks: Option<u64>,
    outage_blocks: u64,
    silent_until: u64,
    /// The last EWMA weight computed ([`ewma_lambda`]) and the blocks it spans: the blocks
    /// between two reads are the same for every reporter, and from one check to the next.
    last_lambda: (u64, f64),
}

/// The weight the EWMA keeps of its variance over `elapsed` blocks of `block_ms`.
fn ewma_lambda(elapsed: u64, block_ms: u64) -> f64 {
    EWMA_LAMBDA_PER_6S.powf(elapsed as f64 * block_ms as f64 / 6_000.0)
}

impl Reporters {
    pub fn new(scenario: &Scenario) -> Reporters {
        let blocks = |s: f64| ((s * 1_000.0 / scenario.block_ms as f64).round() as u64).max(1);
        let start = scenario.reporter_vol_start.unwrap_or(scenario.sigma);
        Reporters {
            rng: ChaCha8Rng::seed_from_u64(scenario.seed ^ STREAM),
            history: VecDeque::from([scenario.price]),
            sources: (0..REPORTERS)
                .map(|_| Source {
                    seen: (scenario.price, 0),
                    variance: start * start,
                    sent: None,
                })
                .collect(),
            block: 0,
            check_every: if scenario.oracle_check_s > 0.0 {
                blocks(scenario.oracle_check_s)
            } else {
                1
            },
            heartbeat_blocks: (scenario.oracle_heartbeat_s > 0.0)
                .then(|| blocks(scenario.oracle_heartbeat_s)),
            outage_blocks: (scenario.oracle_outage_min * 60_000.0 / scenario.block_ms as f64).round() as u64,
            silent_until: 0,
            last_lambda: (1, ewma_lambda(1, scenario.block_ms)),
            scenario: scenario.clone(),
        }
    }

    /// Whether the scenario submits only on deviation or heartbeat.
    fn triggered(&self) -> bool {
        self.scenario.oracle_deviation_bps > 0.0 || self.heartbeat_blocks.is_some()
    }

    /// The next block, in which the reference price is `reference`: what each reporter submits.
    pub fn next_block(&mut self, reference: f64) -> Vec<Submission> {
        self.block = self.block.saturating_add(1);
        self.history.push_back(reference);
        while self.history.len() > self.scenario.oracle_lag_blocks as usize + 1 {
            self.history.pop_front();
        }
        let s = &self.scenario;
        if s.oracle_outages_per_day > 0.0
            && self.block >= self.silent_until
            && self
                .rng
                .gen_bool(chance_per_block(s.oracle_outages_per_day, s.block_ms))
        {
            self.silent_until = self.block.saturating_add(self.outage_blocks);
        }
        if self.block < self.silent_until || self.block % self.check_every != 0 {
            return Vec::new();
        }
        let lagged = self.history.front().copied().unwrap_or(reference);
        let mut out = Vec::new();
        for reporter in 0..REPORTERS {
            let noise: f64 = StandardNormal.sample(&mut self.rng);
            let mut price = lagged * (1.0 + noise * s.oracle_noise_bps / 10_000.0);
            if reporter == LIAR {
                price *= 1.0 + s.oracle_liar_bps / 10_000.0;
            }
            let triggered = self.triggered();
            let source = &mut self.sources[usize::from(reporter)];
            let elapsed = self.block.saturating_sub(source.seen.1).max(1);
            let dt_years = elapsed as f64 * s.block_ms as f64 / YEAR_MS as f64;
            let r = (price / source.seen.0).ln();
            if self.last_lambda.0 != elapsed {
                self.last_lambda = (elapsed, ewma_lambda(elapsed, s.block_ms));
            }
            let lambda = self.last_lambda.1;
            source.variance = lambda * source.variance + (1.0 - lambda) * r * r / dt_years;
            source.seen = (price, self.block);
            let due = match source.sent {
                _ if !triggered => true,
                None => true,
                Some((last, at)) => {
                    (s.oracle_deviation_bps > 0.0
                        && (price / last - 1.0).abs() * 10_000.0 >= s.oracle_deviation_bps)
                        || self
                            .heartbeat_blocks
                            .is_some_and(|h| self.block.saturating_sub(at) >= h)
                }
            };
            if due {
                source.sent = Some((price, self.block));
                out.push(Submission {
                    reporter,
                    price,
                    volatility: source.variance.sqrt() * s.reporter_vol_scale,
                    age_blocks: s.oracle_lag_blocks,
                });
            }
        }
        out
    }

    /// The median of the reporters' last submitted prices: what the feed publishes, as the
    /// informed trader sees it. `None` before anyone submitted.
    pub fn published(&self) -> Option<f64> {
        let mut sent: Vec<f64> = self
            .sources
            .iter()
            .filter_map(|s| s.sent.map(|(p, _)| p))
            .collect();
        if sent.is_empty() {
            return None;
        }
        sent.sort_by(f64::total_cmp);
        let mid = sent.len() / 2;
        Some(if sent.len() % 2 == 1 {
            sent[mid]
        } else {
            (sent[mid - 1] + sent[mid]) / 2.0
        })
    }
}

#[cfg(test)]
// The values compared are exactly representable: equality is the claim.
#[allow(clippy::float_cmp)]
mod tests {
    use super::*;

    fn run(scenario: &Scenario, prices: &[f64]) -> Vec<Vec<Submission>> {
        let mut r = Reporters::new(scenario);
        prices.iter().map(|&p| r.next_block(p)).collect()
    }

    #[test]
    fn every_block_reporters_send_the_price_lag_blocks_ago() {
        let s = Scenario {
            oracle_lag_blocks: 2,
            ..Scenario::default()
        };
        let prices: Vec<f64> = (0..10).map(|i| 10.0 + f64::from(i)).collect();
        let sent = run(&s, &prices);
        for i in 2..10 {
            assert_eq!(sent[i].len(), 3);
            assert!(sent[i].iter().all(|x| x.price == prices[i - 2]), "{:?}", sent[i]);
        }
    }

    #[test]
    fn a_deviation_oracle_stays_silent_until_the_price_moves_or_the_heartbeat_is_due() {
        let s = Scenario {
            oracle_lag_blocks: 0,
            oracle_deviation_bps: 50.0,
            oracle_heartbeat_s: 60.0,
            ..Scenario::default()
        };
        // Flat for 9 blocks, a 1% move, then flat again.
        let mut prices = vec![10.0; 9];
        prices.push(10.1);
        prices.extend([10.1; 12]);
        let sent = run(&s, &prices);
        assert_eq!(sent[0].len(), 3, "the first read is always sent");
        assert!(sent[1..9].iter().all(Vec::is_empty));
        assert_eq!(sent[9].len(), 3, "a 1% move passes the 0.5% threshold");
        // The heartbeat (10 blocks of 6 s) is due 10 blocks after the last submission.
        assert!(sent[10..19].iter().all(Vec::is_empty));
        assert_eq!(sent[19].len(), 3);
    }

    #[test]
    fn outages_silence_every_reporter_for_their_length() {
        let s = Scenario {
            oracle_outages_per_day: 1_000.0,
            oracle_outage_min: 1.0,
            ..Scenario::default()
        };
        let sent = run(&s, &[10.0; 2_000]);
        let silent = sent.iter().filter(|b| b.is_empty()).count();
        assert!(silent > 500, "{silent} silent blocks");
        assert!(sent.iter().all(|b| b.is_empty() || b.len() == 3));
    }

    #[test]
    fn the_liar_is_off_by_its_bps_and_the_median_ignores_it() {
        let s = Scenario {
            oracle_lag_blocks: 0,
            oracle_liar_bps: 2_000.0,
            ..Scenario::default()
        };
        let mut r = Reporters::new(&s);
        let sent = r.next_block(10.0);
        let liar = sent.iter().find(|x| x.reporter == LIAR).expect("liar");
        assert!((liar.price - 12.0).abs() < 1e-12);
        assert_eq!(r.published(), Some(10.0));
    }

    #[test]
    fn the_volatility_estimate_learns_from_its_own_reads_and_can_be_understated() {
        let s = Scenario {
            sigma: 1.0,
            reporter_vol_start: Some(0.2),
            oracle_lag_blocks: 0,
            ..Scenario::default()
        };
        let mut w = crate::world::World::new(&s);
        let mut r = Reporters::new(&s);
        let first = r.next_block(w.next_tick().reference)[0].volatility;
        let mut late = Vec::new();
        for _ in 0..5_000 {
            late.extend(
                r.next_block(w.next_tick().reference)
                    .first()
                    .map(|x| x.volatility),
            );
        }
        let mean = late[1_000..].iter().sum::<f64>() / (late.len() - 1_000) as f64;
        assert!(first < 0.5, "starts near its prior, not the truth: {first}");
        assert!((mean - 1.0).abs() < 0.1, "learns the truth: {mean}");
        let under = Scenario {
            reporter_vol_scale: 0.5,
            ..s.clone()
        };
        let halved = Reporters::new(&under).next_block(10.0)[0].volatility;
        let full = Reporters::new(&s).next_block(10.0)[0].volatility;
        assert!((halved / full - 0.5).abs() < 1e-12);
    }
}
