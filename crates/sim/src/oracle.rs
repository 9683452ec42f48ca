//! The oracle in memory: one feed with the drink fixture's three reporters and quorum, answering by
//! `keel_core::oracle`'s rules, so the fast backend's pool reads what the contract's would.

use crate::backend::ReporterReading;
use keel_core::oracle::{answer, submit, Answer, Clock, FeedConfig, OracleData, OracleError, Slot};
use keel_core::pool::{Feed, Refusal};

/// The oracle's form of a reporter's reading.
fn data(r: ReporterReading) -> OracleData {
    OracleData {
        price: r.price,
        volatility: r.volatility,
        timestamp: r.observed_ms,
    }
}

/// How many reporters the simulated feed has (as the drink fixture's).
pub const REPORTERS: u8 = 3;

/// A feed and its reporters, named `0..REPORTERS`.
#[derive(Clone, Debug)]
pub struct InMemoryOracle {
    config: FeedConfig,
    slots: Vec<Slot<u8>>,
    answer: Option<Answer>,
}

impl InMemoryOracle {
    /// A feed every reporter has read `price` and `volatility` in at `now_ms`, as the fixture
    /// starts it.
    pub fn started(price: u128, volatility: u128, now_ms: u64, block: u64) -> InMemoryOracle {
        let mut oracle = InMemoryOracle {
            config: FeedConfig::default(),
            slots: (0..REPORTERS).map(Slot::new).collect(),
            answer: None,
        };
        // A fresh feed accepts a reading from each reporter: the start cannot be refused.
        let _ = oracle.report_all(price, volatility, now_ms, block);
        oracle
    }

    /// Every reporter submits `price` and `volatility` observed at `now_ms`, in block `block`.
    ///
    /// # Errors
    /// The first refusal; the readings before it stand, as on chain.
    pub fn report_all(
        &mut self,
        price: u128,
        volatility: u128,
        now_ms: u64,
        block: u64,
    ) -> Result<(), OracleError> {
        let reading = OracleData {
            price,
            volatility,
            timestamp: now_ms,
        };
        let clock = Clock { now_ms, block };
        for reporter in 0..REPORTERS {
            let answer = submit(&mut self.slots, &self.config, &reporter, reading, clock)?;
            if answer.is_some() {
                self.answer = answer;
            }
        }
        Ok(())
    }

    /// A reporter submits its reading at block time `now_ms`, in block `block`.
    ///
    /// # Errors
    /// The oracle's refusal.
    pub fn report_as(&mut self, r: ReporterReading, now_ms: u64, block: u64) -> Result<(), OracleError> {
        let answer = submit(
            &mut self.slots,
            &self.config,
            &r.reporter,
            data(r),
            Clock { now_ms, block },
        )?;
        if answer.is_some() {
            self.answer = answer;
        }
        Ok(())
    }

    /// The block's readings, submitted in turn; returns how many were refused. Leaves the answer
    /// the same submissions one by one leave, deriving it once where it can: within a block the
    /// fresh readings only grow, so an answer derived between them outlives the last one only
    /// when the last derives none (an even count whose middle prices disagree, or too few); then
    /// the block is replayed one submission at a time.
    pub fn report_block(&mut self, readings: &[ReporterReading], now_ms: u64, block: u64) -> u64 {
        let before = self.slots.clone();
        let mut refused = 0u64;
        for r in readings {
            let recorded = self
                .slots
                .iter_mut()
                .find(|s| s.reporter == r.reporter)
                .ok_or(OracleError::NotReporter)
                .and_then(|slot| slot.record(data(*r), &self.config, now_ms, block));
            refused = refused.saturating_add(u64::from(recorded.is_err()));
        }
        if refused == readings.len() as u64 {
            return refused;
        }
        if let Some(answer) = answer(&self.slots, &self.config, now_ms) {
            self.answer = Some(answer);
        } else {
            self.slots = before;
            for r in readings {
                let _ = self.report_as(*r, now_ms, block);
            }
        }
        refused
    }

    /// The answer pools read.
    pub fn latest(&self) -> Option<OracleData> {
        self.answer.map(|a| a.data())
    }
}

impl Feed for InMemoryOracle {
    fn read(&self) -> Result<OracleData, Refusal> {
        self.latest().ok_or(Refusal::Oracle(OracleError::UnknownFeed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use keel_core::ONE;

    /// Runs blocks 6 s apart of readings `(reporter, price in hundredths of a token)`, once through
    /// `report_block` and once one submission at a time, and returns both answers after each.
    fn both_ways(blocks: &[Vec<(u8, u128)>]) -> Vec<(Option<OracleData>, Option<OracleData>)> {
        let start = 1_000_000;
        let mut batched = InMemoryOracle::started(10 * ONE, ONE / 2, start, 0);
        let mut single = batched.clone();
        let mut out = Vec::new();
        for (block, readings) in (1u64..).zip(blocks) {
            let now = start + 6_000 * block;
            let readings: Vec<ReporterReading> = readings
                .iter()
                .map(|&(reporter, p)| ReporterReading {
                    reporter,
                    price: p * ONE / 100,
                    volatility: ONE / 2,
                    observed_ms: now,
                })
                .collect();
            batched.report_block(&readings, now, block);
            for r in &readings {
                let _ = single.report_as(*r, now, block);
            }
            out.push((batched.latest(), single.latest()));
        }
        out
    }

    #[test]
    fn a_block_answered_once_leaves_the_answer_one_by_one_submissions_leave() {
        // given three reporters in agreement, then a liar, then reporter 2 silent until its
        // reading expires (60 s), leaving two fresh readings
        let mut blocks = vec![
            vec![(0, 1_000), (1, 1_000), (2, 1_000)],
            vec![(0, 1_000), (1, 1_010), (2, 1_500)],
        ];
        blocks.extend((0..11).map(|_| vec![(0, 1_000), (1, 1_000)]));
        // when the first of the two moves the answer and the second takes it away (an even count
        // whose middle prices disagree), and then when they agree again
        blocks.push(vec![(0, 1_002), (1, 1_300)]);
        blocks.push(vec![(0, 1_000), (1, 1_000)]);
        // then both ways leave the same answer after every block
        let answers = both_ways(&blocks);
        for (block, (batched, single)) in answers.iter().enumerate() {
            assert_eq!(batched, single, "block {}", block + 1);
        }
    }
}
