//! A scripted chain for the executor's tests: its pool is due, its submissions fail as each test
//! scripts, and it lands a rebalance by moving the epoch on.

// Each test file that uses the chain takes the faults it scripts.
#![allow(dead_code)]

use crate::common::{self, NOW};
use ink::primitives::AccountId;
use keel_core::ONE;
use keel_interface::pool::{PoolError, RebalanceOutcome};
use keel_keeper::backoff::Backoff;
use keel_keeper::chain::{Chain, ChainError, Head, Included, Snapshot, Submitted};
use keel_keeper::decide::{Policy, PoolView, Route};
use keel_keeper::executor::{Settings, Watched};
use keel_keeper::trust::Distrust;
use std::collections::VecDeque;

/// One whole inventory fraction (1e18), signed.
const Q_ONE: i128 = 1_000_000_000_000_000_000;

pub const POOL: [u8; 32] = [7; 32];

/// What one submission does.
#[derive(Clone, Debug)]
pub enum Fault {
    /// Lands and is confirmed.
    None,
    /// Never reaches the chain.
    SubmitFails(ChainError),
    /// Lands, but the confirmation is lost.
    LandsUnconfirmed(ChainError),
    /// Is dropped before inclusion.
    Dropped,
    /// A competitor landed this epoch first: the pool answers `StaleEpoch`.
    Beaten,
    /// Lands, but only after the first wait timed out.
    SlowConfirm,
    /// Never reaches the chain, and meanwhile the owner pauses the pool.
    FailsAndPaused,
    /// Never reaches the chain, and meanwhile the pool's bounty falls to this.
    FailsAndBountyFalls(u128),
}

pub struct Scripted {
    pub view: PoolView,
    pub faults: VecDeque<Fault>,
    pub dry_run: Result<(), PoolError>,
    /// The chain's failure on the next dry-run, taken by it.
    pub dry_run_fails: Option<ChainError>,
    /// The bounty the pool pays (dry-run and execution).
    pub bounty: u128,
    pub submissions: u32,
    pub executions: u32,
    pub pending: Option<Included>,
    pub slow: bool,
    pub late: bool,
    pub slept_ms: u64,
    /// The node's answer on the code at the pool, when it is not what the keeper trusts.
    pub distrust: Option<Distrust>,
    /// The number of the block the pool is read at.
    pub block: u64,
    /// Blocks sealed since the pool was read (six seconds each): the head is this far ahead of
    /// the block a read answers from.
    pub sealed_since: u64,
}

impl Scripted {
    pub fn due(faults: impl IntoIterator<Item = Fault>) -> Scripted {
        // Due: 15,000 base over target; fresh oracle; the first epoch, never rebalanced.
        let mut view = common::view(15_000 * ONE);
        view.market.timestamp = NOW;
        view.market.age_ms = 0;
        view.rebalancing.epoch = 0;
        view.rebalancing.last_ms = 0;
        view.total_shares = ONE;
        Scripted {
            view,
            faults: faults.into_iter().collect(),
            dry_run: Ok(()),
            dry_run_fails: None,
            bounty: ONE,
            submissions: 0,
            executions: 0,
            pending: None,
            slow: false,
            late: false,
            slept_ms: 0,
            distrust: None,
            block: 1,
            sealed_since: 0,
        }
    }

    /// The chain's time: [`NOW`], plus what the keeper has slept since (blocks go on meanwhile).
    pub fn now_ms(&self) -> u64 {
        NOW + self.slept_ms
    }

    pub fn outcome(&self) -> RebalanceOutcome {
        RebalanceOutcome {
            epoch: self.view.rebalancing.epoch + 1,
            token_sold: AccountId::from([1; 32]),
            sold: ONE,
            bought: 10 * ONE,
            bounty: self.bounty,
            q_before: Q_ONE / 10,
            q_after: Q_ONE / 100,
        }
    }

    pub fn execute(&mut self) -> RebalanceOutcome {
        let out = self.outcome();
        self.executions += 1;
        self.view.rebalancing.epoch += 1;
        self.view.rebalancing.last_ms = self.now_ms();
        out
    }
}

impl Chain for Scripted {
    fn head(&mut self) -> Result<Head, ChainError> {
        Ok(Head {
            number: self.block + self.sealed_since,
            time_ms: self.now_ms() + self.sealed_since * 6_000,
        })
    }

    fn read_pool(&mut self, _pool: AccountId) -> Result<Snapshot, ChainError> {
        match &self.distrust {
            Some(why) => Err(ChainError::Untrusted(why.clone())),
            None => Ok(Snapshot {
                head: Head {
                    number: self.block,
                    time_ms: self.now_ms(),
                },
                view: self.view,
            }),
        }
    }

    fn dry_run_rebalance(
        &mut self,
        _pool: AccountId,
        _epoch: u64,
        _route: &Route,
    ) -> Result<Result<RebalanceOutcome, PoolError>, ChainError> {
        if let Some(e) = self.dry_run_fails.take() {
            return Err(e);
        }
        Ok(match &self.dry_run {
            Ok(()) => Ok(self.outcome()),
            Err(PoolError::StaleEpoch) => Err(PoolError::StaleEpoch),
            Err(_) => Err(PoolError::RebalanceNotDue),
        })
    }

    fn submit_rebalance(
        &mut self,
        pool: AccountId,
        epoch: u64,
        _route: &Route,
    ) -> Result<Submitted, ChainError> {
        self.submissions += 1;
        let fault = self.faults.pop_front().unwrap_or(Fault::None);
        let tx = Submitted {
            pool,
            epoch,
            handle: vec![],
        };
        let included = |result| Included {
            block: 1,
            result,
            events: vec![],
        };
        match fault {
            Fault::SubmitFails(e) => return Err(e),
            Fault::Dropped => self.pending = None,
            Fault::SlowConfirm => self.slow = true,
            Fault::FailsAndPaused => {
                self.view.paused = true;
                return Err(ChainError::Rpc("connection reset".into()));
            }
            Fault::FailsAndBountyFalls(bounty) => {
                self.bounty = bounty;
                return Err(ChainError::Rpc("connection reset".into()));
            }
            Fault::Beaten => {
                self.view.rebalancing.epoch += 1;
                self.pending = Some(included(Err(PoolError::StaleEpoch)));
            }
            Fault::LandsUnconfirmed(e) => {
                self.execute();
                self.faults.push_front(Fault::LandsUnconfirmed(e));
                self.pending = None;
                return Ok(tx);
            }
            Fault::None => {
                assert_eq!(epoch, self.view.rebalancing.epoch, "submitted a stale epoch");
                let out = self.execute();
                self.pending = Some(included(Ok(out)));
            }
        }
        Ok(tx)
    }

    fn wait_included(&mut self, _tx: &Submitted) -> Result<Included, ChainError> {
        if self.slow {
            // The first wait times out; the transaction lands while the keeper waits again.
            self.slow = false;
            self.late = true;
            return Err(ChainError::Timeout);
        }
        if self.late {
            self.late = false;
            let out = self.execute();
            return Ok(Included {
                block: 2,
                result: Ok(out),
                events: vec![],
            });
        }
        if let Some(Fault::LandsUnconfirmed(e)) = self.faults.front().cloned() {
            self.faults.pop_front();
            return Err(e);
        }
        self.pending.take().ok_or(ChainError::Dropped)
    }

    fn sleep_ms(&mut self, ms: u64) {
        self.slept_ms += ms;
    }
}

pub const SETTINGS: Settings = Settings {
    policy: Policy {
        tx_cost: 0,
        oracle_margin_ms: 0,
    },
    backoff: Backoff {
        base_ms: 1_000,
        max_ms: 8_000,
    },
    max_retries: 3,
    dry_run: false,
};

pub fn pool() -> Watched {
    Watched::new("test", AccountId::from(POOL))
}
