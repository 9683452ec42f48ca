//! The oracle in memory: one feed with the drink fixture's three reporters and quorum, answering by
//! `keel_core::oracle`'s rules, so the fast backend's pool reads what the contract's would.

use keel_core::oracle::{answer, submit, Answer, Clock, FeedConfig, OracleData, OracleError, Slot};
use keel_core::pool::{Feed, Refusal};

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

    /// Reporter `reporter` submits `price` and `volatility` observed at `now_ms`, in block
    /// `block`.
    ///
    /// # Errors
    /// The oracle's refusal.
    pub fn report_as(
        &mut self,
        reporter: u8,
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
        let answer = submit(
            &mut self.slots,
            &self.config,
            &reporter,
            reading,
            Clock { now_ms, block },
        )?;
        if answer.is_some() {
            self.answer = answer;
        }
        Ok(())
    }

    /// The block's readings `(reporter, price, volatility)`, each recorded in its reporter's
    /// slot in turn, the answer derived once from the slots they leave. It is the answer the same
    /// submissions one by one leave: within a block the fresh readings only grow, so with three
    /// reporters and a quorum of two an answer derived between them never outlives the last one.
    /// Returns how many were refused.
    pub fn report_block(&mut self, readings: &[(u8, u128, u128)], now_ms: u64, block: u64) -> u64 {
        let mut refused = 0u64;
        for &(reporter, price, volatility) in readings {
            let reading = OracleData {
                price,
                volatility,
                timestamp: now_ms,
            };
            let recorded = self
                .slots
                .iter_mut()
                .find(|s| s.reporter == reporter)
                .ok_or(OracleError::NotReporter)
                .and_then(|slot| slot.record(reading, &self.config, now_ms, block));
            refused = refused.saturating_add(u64::from(recorded.is_err()));
        }
        if refused < readings.len() as u64 {
            if let Some(answer) = answer(&self.slots, &self.config, now_ms) {
                self.answer = Some(answer);
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
