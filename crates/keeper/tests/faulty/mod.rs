//! A keeper's chain with faults injected: the real sandbox backend (compiled contracts in drink)
//! behind a wrapper that, per call, may fail the way a node and a keeper process fail, and a
//! ledger that records what actually reached the chain, so tests can check the keeper's promises
//! against it rather than against the keeper's own account.

use ink::primitives::AccountId;
use keel_calls::ToMessage;
use keel_harness::keeper::SandboxChain;
use keel_harness::Actor;
use keel_interface::pool::{PoolError, RebalanceOutcome};
use keel_keeper::chain::{Chain, ChainError, Head, Included, Snapshot, Submitted, REBALANCE_DEADLINE_MS};
use keel_keeper::decide::Route;
use keel_keeper::executor::{tick, Report, Settings, Watched};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

/// The keeper's calls on its chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Head,
    Read,
    DryRun,
    Submit,
    Wait,
}

/// One injected failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fault {
    /// The request never reaches the node.
    Rpc,
    /// No answer in time. On `Wait`, the transaction is still pending and lands later.
    Timeout,
    /// The dry-run traps (out of gas, say): not a pool refusal, and not worth retrying.
    Reverted,
    /// An answer that does not decode: not worth retrying.
    Undecodable,
    /// The transaction is accepted, then dropped before inclusion: it never executes.
    Dropped,
    /// The transaction executes, but the node's answer is lost.
    LostAnswer,
    /// A rival keeper's rebalance of the same epoch lands just before ours.
    Raced,
    /// The keeper process stops just before sending.
    CrashBeforeSend,
    /// The keeper process stops just after sending: the transaction executes.
    CrashAfterSend,
}

impl Fault {
    fn for_op(op: Op) -> &'static [Fault] {
        use Fault::*;
        match op {
            Op::Head | Op::Wait => &[Rpc, Timeout],
            Op::Read => &[Rpc, Timeout, Undecodable],
            Op::DryRun => &[Rpc, Timeout, Reverted],
            Op::Submit => &[Rpc, Dropped, LostAnswer, Raced, CrashBeforeSend, CrashAfterSend],
        }
    }

    fn error(self) -> ChainError {
        match self {
            Fault::Timeout => ChainError::Timeout,
            // What the node backend says of a send whose hand-over failed with the connection.
            Fault::LostAnswer => ChainError::MaybeSent("injected: the node's answer was lost".into()),
            Fault::Reverted => ChainError::Reverted("injected: dry-run ran out of gas".into()),
            Fault::Undecodable => ChainError::Decode("injected: unexpected answer".into()),
            Fault::Dropped => ChainError::Dropped,
            _ => ChainError::Rpc("injected: connection reset".into()),
        }
    }
}

/// Decides which calls fail: at random at a fixed rate, or as a script.
pub enum Injector {
    /// Each call fails with probability `rate`, with a fault drawn uniformly from those that call
    /// can meet.
    Random { rng: Box<ChaCha8Rng>, rate: f64 },
    /// The first call of each listed kind fails as listed, in order; every other call succeeds.
    Script(VecDeque<(Op, Fault)>),
}

impl Injector {
    pub fn random(seed: u64, rate: f64) -> Self {
        Injector::Random {
            rng: Box::new(ChaCha8Rng::seed_from_u64(seed)),
            rate,
        }
    }

    pub fn script(faults: impl IntoIterator<Item = (Op, Fault)>) -> Self {
        Injector::Script(faults.into_iter().collect())
    }

    fn next(&mut self, op: Op) -> Option<Fault> {
        match self {
            Injector::Random { rng, rate } => {
                if !rng.gen_bool(*rate) {
                    return None;
                }
                let kinds = Fault::for_op(op);
                Some(kinds[rng.gen_range(0..kinds.len())])
            }
            Injector::Script(faults) => match faults.front() {
                Some(&(next, fault)) if next == op => {
                    faults.pop_front();
                    Some(fault)
                }
                _ => None,
            },
        }
    }
}

/// What reached the chain and what the keeper did, over every pass and restart of one keeper.
#[derive(Debug, Default)]
pub struct Executions {
    pub passes: u32,
    pub calls: u32,
    pub faults: BTreeMap<Fault, u32>,
    /// Rebalance transactions that executed on chain, by this keeper.
    pub executed: u32,
    /// Epochs this keeper's transactions rebalanced, and the bounties they paid.
    pub landed: BTreeSet<u64>,
    pub bounties: u128,
    /// Executed transactions the pool answered with `StaleEpoch`: a rival got there first.
    pub beaten: u32,
    /// Executed transactions for an epoch this keeper had already landed. Must stay 0.
    pub duplicates: u32,
    /// Calls made in a pass after a non-retryable failure in it. Must stay 0.
    pub calls_after_fatal: u32,
    /// Submissions in a pass after the pool refused the rebalance's dry-run in it. Must stay 0.
    pub submits_after_refusal: u32,
    /// Rebalances a rival landed in front of this keeper (`Raced`), and what they paid.
    pub rival_landed: u32,
    pub rival_bounties: u128,
    pub restarts: u32,
    /// Pool refusals seen by the keeper's dry-runs.
    pub refusals: BTreeMap<String, u32>,
    fatal: bool,
    refused: bool,
    crashed: bool,
}

impl Executions {
    pub fn faults_total(&self) -> u32 {
        self.faults.values().sum()
    }
}

/// A keeper process (its memory: the watched pool) with the faults it will meet and its ledger.
pub struct Keeper {
    pub signer: Actor,
    pub watched: Watched,
    pub injector: Injector,
    pub ledger: Executions,
    /// Who lands the rebalance in front of this keeper on a `Raced` fault.
    pub rival: Actor,
    /// How far the keeper's clock runs ahead of the chain's block time (ms), as a node's wall
    /// clock does on a dev chain that seals no block while it waits.
    pub clock_ahead_ms: u64,
}

impl Keeper {
    pub fn new(signer: Actor, rival: Actor, pool: AccountId, injector: Injector) -> Self {
        Keeper {
            signer,
            watched: Watched::new("pool", pool),
            injector,
            ledger: Executions::default(),
            rival,
            clock_ahead_ms: 0,
        }
    }

    /// One keeper pass on `chain`. A pass in which the process "stopped" ends with a restart:
    /// the keeper's memory is gone, as for a process started again.
    pub fn pass(&mut self, chain: &mut keel_harness::Sandbox, settings: &Settings) -> Report {
        let ledger = &mut self.ledger;
        ledger.passes += 1;
        ledger.fatal = false;
        ledger.refused = false;
        ledger.crashed = false;
        let mut faulty = Faulty {
            inner: SandboxChain::new(chain, self.signer),
            injector: &mut self.injector,
            ledger,
            rival: self.rival,
            included: HashMap::new(),
            handles: 0,
            clock_ahead_ms: self.clock_ahead_ms,
        };
        let report = tick(&mut faulty, &mut self.watched, settings, None);
        if self.ledger.crashed {
            self.ledger.restarts += 1;
            self.watched = Watched::new("pool", self.watched.address);
        }
        report
    }
}

/// The sandbox backend with faults injected into its calls.
struct Faulty<'a, 'c> {
    inner: SandboxChain<'c>,
    injector: &'a mut Injector,
    ledger: &'a mut Executions,
    rival: Actor,
    /// Transactions that executed, by handle, until the keeper's wait collects them.
    included: HashMap<Vec<u8>, Included>,
    handles: u64,
    clock_ahead_ms: u64,
}

impl Faulty<'_, '_> {
    /// Books a call; the fault to inject into it, if any. A stopped process makes no calls that
    /// reach anything.
    fn enter(&mut self, op: Op) -> Result<Option<Fault>, ChainError> {
        self.ledger.calls += 1;
        if self.ledger.fatal {
            self.ledger.calls_after_fatal += 1;
        }
        if self.ledger.crashed {
            return Err(ChainError::Rpc("keeper process stopped".into()));
        }
        let fault = self.injector.next(op);
        if let Some(f) = fault {
            *self.ledger.faults.entry(f).or_default() += 1;
            if matches!(f, Fault::Reverted | Fault::Undecodable) {
                self.ledger.fatal = true;
            }
        }
        Ok(fault)
    }

    fn handle(&mut self) -> Vec<u8> {
        self.handles += 1;
        self.handles.to_le_bytes().to_vec()
    }

    /// Sends `rebalance(epoch)` for real and books what the chain did with it.
    fn execute(&mut self, pool: AccountId, epoch: u64, route: &Route) -> Result<Submitted, ChainError> {
        if self.ledger.landed.contains(&epoch) {
            self.ledger.duplicates += 1;
        }
        let tx = self.inner.submit_rebalance(pool, epoch, route)?;
        let included = self.inner.wait_included(&tx)?;
        self.ledger.executed += 1;
        match &included.result {
            Ok(outcome) => {
                self.ledger.landed.insert(outcome.epoch.saturating_sub(1));
                self.ledger.bounties += outcome.bounty;
            }
            Err(PoolError::StaleEpoch) => self.ledger.beaten += 1,
            Err(_) => {}
        }
        let handle = self.handle();
        self.included.insert(handle.clone(), included);
        Ok(Submitted { handle, ..tx })
    }

    /// A rival keeper's `rebalance(epoch)`, sent directly.
    fn rival_rebalances(&mut self, pool: AccountId, epoch: u64) {
        let chain = self.inner.sandbox();
        let deadline = chain.now().saturating_add(REBALANCE_DEADLINE_MS);
        let message = keel_calls::pool(pool).rebalance(epoch, deadline).message();
        let answer = chain.try_call(self.rival, pool, &message);
        if let Ok(Ok(outcome)) = answer {
            self.ledger.rival_landed += 1;
            self.ledger.rival_bounties += outcome.bounty;
        }
    }
}

impl Chain for Faulty<'_, '_> {
    fn head(&mut self) -> Result<Head, ChainError> {
        match self.enter(Op::Head)? {
            Some(f) => Err(f.error()),
            None => self.inner.head(),
        }
    }

    fn read_pool(&mut self, pool: AccountId) -> Result<Snapshot, ChainError> {
        match self.enter(Op::Read)? {
            Some(f) => Err(f.error()),
            None => self.inner.read_pool(pool),
        }
    }

    fn dry_run_rebalance(
        &mut self,
        pool: AccountId,
        epoch: u64,
        route: &Route,
    ) -> Result<Result<RebalanceOutcome, PoolError>, ChainError> {
        if let Some(f) = self.enter(Op::DryRun)? {
            return Err(f.error());
        }
        let answer = self.inner.dry_run_rebalance(pool, epoch, route)?;
        if let Err(refusal) = &answer {
            self.ledger.refused = true;
            *self.ledger.refusals.entry(format!("{refusal:?}")).or_default() += 1;
        }
        Ok(answer)
    }

    fn submit_rebalance(
        &mut self,
        pool: AccountId,
        epoch: u64,
        route: &Route,
    ) -> Result<Submitted, ChainError> {
        let fault = self.enter(Op::Submit)?;
        if self.ledger.refused {
            self.ledger.submits_after_refusal += 1;
        }
        match fault {
            None => self.execute(pool, epoch, route),
            Some(Fault::Dropped) => Ok(Submitted {
                pool,
                epoch,
                handle: b"dropped".to_vec(),
            }),
            Some(Fault::LostAnswer) => {
                self.execute(pool, epoch, route)?;
                Err(Fault::LostAnswer.error())
            }
            Some(Fault::Raced) => {
                self.rival_rebalances(pool, epoch);
                self.execute(pool, epoch, route)
            }
            Some(Fault::CrashAfterSend) => {
                self.execute(pool, epoch, route)?;
                self.ledger.crashed = true;
                Err(ChainError::Rpc("keeper process stopped".into()))
            }
            Some(Fault::CrashBeforeSend) => {
                self.ledger.crashed = true;
                Err(ChainError::Rpc("keeper process stopped".into()))
            }
            Some(f) => Err(f.error()),
        }
    }

    fn wait_included(&mut self, tx: &Submitted) -> Result<Included, ChainError> {
        if let Some(f) = self.enter(Op::Wait)? {
            // The transaction stays where it is: a later wait may still find it.
            return Err(f.error());
        }
        self.included.remove(&tx.handle).ok_or(ChainError::Dropped)
    }

    fn sleep_ms(&mut self, _ms: u64) {}

    fn clock_ms(&mut self, head_ms: u64) -> u64 {
        head_ms.saturating_add(self.clock_ahead_ms)
    }
}
