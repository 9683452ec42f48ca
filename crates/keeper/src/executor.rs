//! One keeper pass over one pool: read, decide, dry-run, submit, wait, with the care a bot that
//! signs needs.
//!
//! - Always dry-run first, and again before every resend: a rebalance the pool refuses in the
//!   dry-run, or whose dry-run pays a bounty below the policy's `tx_cost`, is never signed. (State can still change between the dry-run and the block; the
//!   transaction then reverts on chain, which costs its fee and moves nothing.)
//! - No duplicates: `rebalance` carries the epoch the keeper read, so the chain refuses a second
//!   execution; the keeper remembers the epochs it has landed, waits again for a transaction
//!   that timed out before sending another, and before any resend re-reads the pool: if the epoch
//!   moved, its earlier attempt (or a competitor's) already landed.
//! - A dry-run the pool answers with `StaleEpoch` means that epoch was rebalanced first: the pass
//!   ends as "already done", not as a failure. A transaction of ours that lands and reverts with
//!   `StaleEpoch` also ends as "already done", but it paid a fee for nothing: it is counted
//!   (`reverted`) and puts the pool into backoff, so a node that keeps faking "due" and then
//!   "already done" cannot make the keeper pay every block.
//! - The epochs a keeper remembers as done are a floor that only saves fees; the chain's epoch
//!   check is what prevents a second execution. A floor more than one epoch above what the chain
//!   now reads (a node once answered a huge epoch, or a reorg) is dropped, so a single false
//!   answer cannot silence a pool.
//! - Retries, with bounded backoff, only on transport errors while submitting or confirming; a
//!   transport error before anything is sent (the read, the first dry-run on the keeper's node)
//!   ends the pass without backing the pool off, and the next pass reads again; a failure after
//!   retries backs off from the time last read on the backend's clock (`Chain::clock_ms`). A
//!   pool's refusal is final for this pass and puts the pool into backoff, so a bad state is not
//!   hammered every block. A pass that ends without a failure clears the record.

use crate::backoff::{Backoff, Health};
use crate::chain::{Chain, ChainError, Snapshot, Submitted};
use crate::decide::{decide, Decision, Policy, PoolView, Route, Skip, Wait};
use crate::metrics::Metrics;
use crate::trust::Distrust;
use ink::primitives::AccountId;
use keel_interface::pool::{PoolError, RebalanceOutcome};

/// A pool the keeper looks after, with what it remembers about it.
#[derive(Clone, Debug)]
pub struct Watched {
    pub name: String,
    pub address: AccountId,
    pub health: Health,
    /// Epochs below this were rebalanced (by anyone) as far as this keeper knows.
    pub done_below: u64,
    /// The head the keeper read when it last raised `done_below`: the floor holds for
    /// [`FLOOR_BLOCKS`] blocks after it.
    pub done_block: u64,
    /// Why the keeper stopped signing for this pool, if it did (another chain, code not on the
    /// allow-list, a contract absent from a synced node): it stays stopped until restart.
    pub halted: Option<Distrust>,
}

impl Watched {
    pub fn new(name: impl Into<String>, address: AccountId) -> Self {
        Watched {
            name: name.into(),
            address,
            health: Health::default(),
            done_below: 0,
            done_block: 0,
            halted: None,
        }
    }
}

/// How the keeper acts on its decisions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settings {
    pub policy: Policy,
    pub backoff: Backoff,
    /// Further attempts after a retryable failure to submit or confirm.
    pub max_retries: u32,
    /// Decide and dry-run, never sign.
    pub dry_run: bool,
}

/// What a pass did.
#[derive(Debug, PartialEq, Eq)]
pub enum Action {
    /// Nothing to send (the decision says why).
    None,
    /// Dry-run mode: the rebalance that would have been sent.
    WouldRebalance(RebalanceOutcome),
    /// The rebalance landed in `block`.
    Landed { outcome: RebalanceOutcome, block: u64 },
    /// The epoch moved on before ours landed: someone else rebalanced (or an earlier attempt of
    /// ours landed unconfirmed). Nothing more to do for that epoch.
    AlreadyDone { epoch: u64 },
    /// The pool refused (in the dry-run or on chain).
    Refused(PoolError),
    /// The chain failed (after retries, if retryable).
    Failed(ChainError),
}

/// A pass's record, for logs and the status table.
#[derive(Debug, PartialEq, Eq)]
pub struct Report {
    pub pool: String,
    pub block_time_ms: u64,
    /// The head's number when the pass read it (0 when it could not).
    pub block: u64,
    pub view: Option<PoolView>,
    pub decision: Option<Decision>,
    pub action: Action,
    /// Submissions sent in this pass (retries included).
    pub submissions: u32,
}

impl Report {
    /// Whether this pass leaves `pool` healthy for `/healthz`: the pool was read, nothing failed
    /// or was refused, and it is not backing off after an earlier failure (a pool refused every
    /// time would otherwise read healthy in most passes, which are spent waiting out its backoff).
    #[must_use]
    pub fn healthy(&self, pool: &Watched) -> bool {
        self.view.is_some()
            && !matches!(self.action, Action::Failed(_) | Action::Refused(_))
            && pool.health.failures == 0
    }
}

/// How many blocks an epoch remembered as done outlasts a chain that still reads it as due: an
/// honest node behind our landing (or a rival's) catches up sooner; a node that once answered
/// `StaleEpoch` falsely silences the pool for these blocks only.
pub const FLOOR_BLOCKS: u64 = 3;

/// Remembers epochs below `epoch + 1` as done, as of block `block`.
fn remember_done(pool: &mut Watched, epoch: u64, block: u64) {
    pool.done_below = pool.done_below.max(epoch.saturating_add(1));
    pool.done_block = block;
}

/// Runs one pass over `pool`; the metrics count the decision the pass ended on.
pub fn tick<C: Chain>(
    chain: &mut C,
    pool: &mut Watched,
    settings: &Settings,
    metrics: Option<&Metrics>,
) -> Report {
    let report = pass(chain, pool, settings, metrics);
    if let (Some(m), Some(decision)) = (metrics, &report.decision) {
        m.decided(&report.pool, decision);
    }
    report
}

fn pass<C: Chain>(
    chain: &mut C,
    pool: &mut Watched,
    settings: &Settings,
    metrics: Option<&Metrics>,
) -> Report {
    let mut report = Report {
        pool: pool.name.clone(),
        block_time_ms: 0,
        block: 0,
        view: None,
        decision: None,
        action: Action::None,
        submissions: 0,
    };
    if let Some(why) = &pool.halted {
        report.action = Action::Failed(ChainError::Untrusted(why.clone()));
        return report;
    }
    let Snapshot { head, view } = match chain.read_pool(pool.address) {
        Ok(read) => read,
        Err(e) => {
            halt_if_untrusted(pool, &e, metrics);
            tracing::warn!(pool = %pool.name, error = %e, "cannot read the pool");
            return unsent(pool, report, e, metrics);
        }
    };
    report.block_time_ms = head.time_ms;
    report.block = head.number;
    report.view = Some(view);
    let now_ms = chain.clock_ms(head.time_ms);
    let health = pool.health.on_chain_clock(head.time_ms, now_ms);
    let decision = decide(&view, &settings.policy, &health, head.time_ms);
    report.decision = Some(decision);
    if let Some(m) = metrics {
        m.observe(&pool.name, &view);
    }
    let (epoch, route) = match decision {
        Decision::Rebalance { epoch, route, .. } => (epoch, route),
        Decision::Wait(Wait::Backoff { .. }) => return report,
        _ => {
            // A pass that ends without a failure clears the pool's failure record.
            pool.health.record_success();
            return report;
        }
    };
    if epoch.saturating_add(1) == pool.done_below {
        // Either way from the block it was learned at: a head once answered far ahead does not
        // stretch the hold.
        if head.number.abs_diff(pool.done_block) <= FLOOR_BLOCKS {
            pool.health.record_success();
            report.action = Action::AlreadyDone { epoch };
            return report;
        }
        tracing::warn!(
            pool = %pool.name, epoch, since = pool.done_block,
            "the chain still reads as due an epoch this keeper saw done; trusting the chain"
        );
        pool.done_below = epoch;
    }
    if epoch < pool.done_below {
        tracing::warn!(
            pool = %pool.name, epoch, remembered = pool.done_below,
            "the chain's epoch is below the one this keeper saw done; trusting the chain"
        );
        pool.done_below = epoch;
    }
    match chain.dry_run_rebalance(pool.address, epoch, &route) {
        Err(e) if e.is_retryable() => {
            tracing::warn!(pool = %pool.name, epoch, error = %e, "cannot dry-run the rebalance");
            return unsent(pool, report, e, metrics);
        }
        Err(e) => return fail(pool, report, e, now_ms, settings, metrics),
        Ok(Err(PoolError::StaleEpoch)) => return beaten(pool, report, epoch, metrics),
        Ok(Err(refusal)) => return refuse(pool, report, refusal, now_ms, settings, metrics),
        Ok(Ok(outcome)) => {
            if let Some(short) = unprofitable(&outcome, &settings.policy) {
                // The estimate from the views said it pays; what the pool would pay now does not.
                report.decision = Some(short);
                pool.health.record_success();
                return report;
            }
            if settings.dry_run {
                pool.health.record_success();
                report.action = Action::WouldRebalance(outcome);
                return report;
            }
        }
    }
    submit(chain, pool, report, (epoch, route), now_ms, settings, metrics)
}

/// The skip a dry-run's `outcome` calls for when the bounty the pool would pay now is below the
/// policy's `tx_cost`: the decision priced the bounty from views read separately, and the dry-run
/// is what the signed call would do.
fn unprofitable(outcome: &RebalanceOutcome, policy: &Policy) -> Option<Decision> {
    (outcome.bounty < policy.tx_cost).then_some(Decision::Skip(Skip::Unprofitable {
        bounty: outcome.bounty,
        tx_cost: policy.tx_cost,
    }))
}

/// What a re-check before a retry found.
enum Recheck {
    /// Still due, same epoch, dry-run accepted along this route: send (or wait) again.
    Go(Route),
    /// Nothing more to send; this is the pass's action.
    Stop(Action),
    /// The re-check itself failed.
    Error(ChainError),
}

/// Before a retry: has the epoch moved (something landed), and is the rebalance still due and
/// still accepted by a dry-run? `now_ms` moves on to the clock at the read, so a failure recorded
/// after the retries backs off from then, not from the pass's start.
fn recheck<C: Chain>(
    chain: &mut C,
    pool: &mut Watched,
    report: &mut Report,
    (epoch, now_ms): (u64, &mut u64),
    settings: &Settings,
) -> Recheck {
    let Snapshot { head, view } = match chain.read_pool(pool.address) {
        Ok(read) => read,
        Err(e) => return Recheck::Error(e),
    };
    *now_ms = (*now_ms).max(chain.clock_ms(head.time_ms));
    if view.rebalancing.epoch != epoch {
        remember_done(pool, epoch, report.block);
        return Recheck::Stop(Action::AlreadyDone { epoch });
    }
    let decision = decide(&view, &settings.policy, &Health::default(), head.time_ms);
    report.view = Some(view);
    report.decision = Some(decision);
    let route = match decision {
        Decision::Rebalance { epoch: e, route, .. } if e == epoch => route,
        _ => return Recheck::Stop(Action::None),
    };
    match chain.dry_run_rebalance(pool.address, epoch, &route) {
        Ok(Ok(outcome)) => match unprofitable(&outcome, &settings.policy) {
            Some(short) => {
                report.decision = Some(short);
                Recheck::Stop(Action::None)
            }
            None => Recheck::Go(route),
        },
        Ok(Err(PoolError::StaleEpoch)) => Recheck::Stop(Action::AlreadyDone { epoch }),
        Ok(Err(refusal)) => Recheck::Stop(Action::Refused(refusal)),
        Err(e) => Recheck::Error(e),
    }
}

fn submit<C: Chain>(
    chain: &mut C,
    pool: &mut Watched,
    mut report: Report,
    (epoch, mut route): (u64, Route),
    mut now_ms: u64,
    settings: &Settings,
    metrics: Option<&Metrics>,
) -> Report {
    let mut attempt: u32 = 0;
    // A transaction sent but not confirmed: waited for again before anything is resent.
    let mut pending: Option<Submitted> = None;
    loop {
        if attempt > 0 {
            chain.sleep_ms(settings.backoff.delay_ms(attempt));
            // An earlier attempt may have landed unconfirmed, or the pool may have changed (paused,
            // no longer due, oracle stale): never send the same epoch twice, never send a refusal.
            match recheck(chain, pool, &mut report, (epoch, &mut now_ms), settings) {
                Recheck::Go(now) => route = now,
                Recheck::Stop(Action::Refused(refusal)) => {
                    return refuse(pool, report, refusal, now_ms, settings, metrics)
                }
                Recheck::Stop(Action::AlreadyDone { .. }) => return beaten(pool, report, epoch, metrics),
                Recheck::Stop(action) => {
                    pool.health.record_success();
                    report.action = action;
                    return report;
                }
                Recheck::Error(e) if e.is_retryable() && attempt < settings.max_retries => {
                    attempt = attempt.saturating_add(1);
                    continue;
                }
                Recheck::Error(e) => return fail(pool, report, e, now_ms, settings, metrics),
            }
        }
        let tx = if let Some(tx) = pending.take() {
            Ok(tx)
        } else {
            let sent = chain.submit_rebalance(pool.address, epoch, &route);
            // Counted when it went out or may have (the connection failed as it was handed
            // over); a refusal (the keeper's limits, its trust, the node's) or a failure before
            // signing sent nothing.
            if matches!(sent, Ok(_) | Err(ChainError::MaybeSent(_))) {
                if let Some(m) = metrics {
                    m.submitted(&pool.name, report.submissions > 0);
                }
                report.submissions = report.submissions.saturating_add(1);
            }
            sent
        };
        let result = tx.and_then(|tx| match chain.wait_included(&tx) {
            Err(ChainError::Timeout) => {
                pending = Some(tx);
                Err(ChainError::Timeout)
            }
            other => other,
        });
        match result {
            Ok(included) => {
                return match included.result {
                    Ok(outcome) => {
                        remember_done(pool, epoch, included.block);
                        pool.health.record_success();
                        if let Some(m) = metrics {
                            m.landed(&pool.name, &outcome);
                        }
                        report.action = Action::Landed {
                            outcome,
                            block: included.block,
                        };
                        report
                    }
                    Err(PoolError::StaleEpoch) => reverted(pool, report, epoch, now_ms, settings, metrics),
                    Err(refusal) => refuse(pool, report, refusal, now_ms, settings, metrics),
                };
            }
            Err(e) if e.is_retryable() && attempt < settings.max_retries => {
                tracing::warn!(pool = %pool.name, attempt, error = %e, "submission not confirmed; retrying");
                attempt = attempt.saturating_add(1);
            }
            Err(e) => return fail(pool, report, e, now_ms, settings, metrics),
        }
    }
}

/// `epoch` was rebalanced before our transaction ran (a competitor's, or an unconfirmed attempt
/// of ours): nothing more to send for it, and nothing went wrong.
fn beaten(pool: &mut Watched, report: Report, epoch: u64, metrics: Option<&Metrics>) -> Report {
    pool.health.record_success();
    done(pool, report, epoch, metrics)
}

/// Our own transaction landed and reverted because `epoch` was done first: done, but paid for,
/// so unlike [`beaten`] the failure record grows and the pool backs off.
fn reverted(
    pool: &mut Watched,
    report: Report,
    epoch: u64,
    now_ms: u64,
    settings: &Settings,
    metrics: Option<&Metrics>,
) -> Report {
    tracing::warn!(pool = %pool.name, epoch, "our rebalance reverted: the epoch was done first");
    pool.health.record_failure(now_ms, &settings.backoff);
    if let Some(m) = metrics {
        m.reverted(&pool.name);
    }
    done(pool, report, epoch, metrics)
}

/// Remembers `epoch` as done and ends the pass "already done".
fn done(pool: &mut Watched, mut report: Report, epoch: u64, metrics: Option<&Metrics>) -> Report {
    remember_done(pool, epoch, report.block);
    if let Some(m) = metrics {
        m.beaten(&pool.name);
    }
    report.action = Action::AlreadyDone { epoch };
    report
}

fn fail(
    pool: &mut Watched,
    report: Report,
    error: ChainError,
    now_ms: u64,
    settings: &Settings,
    metrics: Option<&Metrics>,
) -> Report {
    tracing::warn!(pool = %pool.name, %error, "chain failure");
    halt_if_untrusted(pool, &error, metrics);
    setback(pool, report, Action::Failed(error), now_ms, settings, metrics)
}

/// Ends a pass that sent nothing on a transport `error`: counted, but the pool does not back off
/// (there is nothing to back off from), so the next pass reads again.
fn unsent(pool: &Watched, mut report: Report, error: ChainError, metrics: Option<&Metrics>) -> Report {
    if let Some(m) = metrics {
        m.failed(&pool.name);
    }
    report.action = Action::Failed(error);
    report
}

/// Stops signing for `pool` for good when `error` says its chain or code is not trusted, or a
/// contract it needs is absent from a synced node. A contract missing from a node that lags
/// ([`Distrust::NoContract`]: still syncing, or before the record's block) halts nothing: every
/// later read checks the code again before anything is signed, and the keeper's start refuses
/// to run on such a node, so a pool missing here was read, and paired, before.
fn halt_if_untrusted(pool: &mut Watched, error: &ChainError, metrics: Option<&Metrics>) {
    if let ChainError::Untrusted(why) = error {
        if why.is_lag() {
            return;
        }
        tracing::error!(pool = %pool.name, reason = %why, "stopped signing for this pool until restart: check the pool, its venue and the node");
        pool.halted = Some(why.clone());
        if let Some(m) = metrics {
            m.halted(&pool.name);
        }
    }
}

fn refuse(
    pool: &mut Watched,
    report: Report,
    refusal: PoolError,
    now_ms: u64,
    settings: &Settings,
    metrics: Option<&Metrics>,
) -> Report {
    tracing::warn!(pool = %pool.name, ?refusal, "pool refused the rebalance");
    setback(pool, report, Action::Refused(refusal), now_ms, settings, metrics)
}

/// Records a failed pass: the pool backs off and the failure is counted.
fn setback(
    pool: &mut Watched,
    mut report: Report,
    action: Action,
    now_ms: u64,
    settings: &Settings,
    metrics: Option<&Metrics>,
) -> Report {
    pool.health.record_failure(now_ms, &settings.backoff);
    if let Some(m) = metrics {
        m.failed(&pool.name);
    }
    report.action = action;
    report
}
