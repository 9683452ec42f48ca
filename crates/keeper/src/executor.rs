//! One keeper pass over one pool: read, decide, dry-run, submit, wait, with the care a bot that
//! signs needs.
//!
//! - Always dry-run first: a rebalance the pool would refuse is never signed.
//! - No duplicates: `rebalance` carries the epoch the keeper read, so the chain refuses a second
//!   execution; the keeper also remembers the epochs it has landed and, before any resubmission,
//!   re-reads the pool: if the epoch moved, its earlier attempt (or a competitor's) already landed.
//! - Retries, with bounded backoff, only on transport errors; a pool's refusal is final for this
//!   pass and puts the pool into backoff, so a bad state is not hammered every block.

use crate::backoff::{Backoff, Health};
use crate::chain::{Chain, ChainError};
use crate::decide::{decide, Decision, Policy, PoolView};
use crate::metrics::Metrics;
use ink::primitives::AccountId;
use keel_pool::{Error as PoolError, RebalanceOutcome};

/// A pool the keeper looks after, with what it remembers about it.
#[derive(Clone, Debug)]
pub struct Watched {
    pub name: String,
    pub address: AccountId,
    pub health: Health,
    /// Epochs below this were rebalanced (by anyone) as far as this keeper knows.
    pub done_below: u64,
}

impl Watched {
    pub fn new(name: impl Into<String>, address: AccountId) -> Self {
        Watched {
            name: name.into(),
            address,
            health: Health::default(),
            done_below: 0,
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
    pub view: Option<PoolView>,
    pub decision: Option<Decision>,
    pub action: Action,
    /// Submissions sent in this pass (retries included).
    pub submissions: u32,
}

/// Runs one pass over `pool`.
pub fn tick<C: Chain>(
    chain: &mut C,
    pool: &mut Watched,
    settings: &Settings,
    metrics: Option<&Metrics>,
) -> Report {
    let mut report = Report {
        pool: pool.name.clone(),
        block_time_ms: 0,
        view: None,
        decision: None,
        action: Action::None,
        submissions: 0,
    };
    let read = chain
        .head()
        .and_then(|head| Ok((head, chain.read_pool(pool.address)?)));
    let (head, view) = match read {
        Ok(read) => read,
        Err(e) => return fail(pool, report, e, 0, settings, metrics),
    };
    report.block_time_ms = head.time_ms;
    report.view = Some(view);
    let decision = decide(&view, &settings.policy, &pool.health, head.time_ms);
    report.decision = Some(decision);
    if let Some(m) = metrics {
        m.observe(&pool.name, &view, &decision);
    }
    let Decision::Rebalance { epoch, .. } = decision else {
        return report;
    };
    if epoch < pool.done_below {
        report.action = Action::AlreadyDone { epoch };
        return report;
    }
    match chain.dry_run_rebalance(pool.address, epoch) {
        Err(e) => return fail(pool, report, e, head.time_ms, settings, metrics),
        Ok(Err(refusal)) => return refuse(pool, report, refusal, head.time_ms, settings, metrics),
        Ok(Ok(outcome)) if settings.dry_run => {
            report.action = Action::WouldRebalance(outcome);
            return report;
        }
        Ok(Ok(_)) => {}
    }
    submit(chain, pool, report, epoch, head.time_ms, settings, metrics)
}

fn submit<C: Chain>(
    chain: &mut C,
    pool: &mut Watched,
    mut report: Report,
    epoch: u64,
    now_ms: u64,
    settings: &Settings,
    metrics: Option<&Metrics>,
) -> Report {
    let mut attempt: u32 = 0;
    loop {
        if attempt > 0 {
            chain.sleep_ms(settings.backoff.delay_ms(attempt));
            // An earlier attempt may have landed unconfirmed: never send the same epoch twice.
            match chain.read_pool(pool.address) {
                Ok(view) if view.rebalancing.epoch != epoch => {
                    pool.done_below = pool.done_below.max(view.rebalancing.epoch);
                    pool.health.record_success();
                    report.action = Action::AlreadyDone { epoch };
                    return report;
                }
                Ok(_) => {}
                Err(e) if e.is_retryable() && attempt < settings.max_retries => {
                    attempt = attempt.saturating_add(1);
                    continue;
                }
                Err(e) => return fail(pool, report, e, now_ms, settings, metrics),
            }
        }
        report.submissions = report.submissions.saturating_add(1);
        if let Some(m) = metrics {
            m.submitted(&pool.name);
        }
        let result = chain
            .submit_rebalance(pool.address, epoch)
            .and_then(|tx| chain.wait_included(&tx));
        match result {
            Ok(included) => {
                return match included.result {
                    Ok(outcome) => {
                        pool.done_below = pool.done_below.max(outcome.epoch);
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
                    Err(PoolError::StaleEpoch) => {
                        pool.done_below = pool.done_below.max(epoch.saturating_add(1));
                        report.action = Action::AlreadyDone { epoch };
                        report
                    }
                    Err(refusal) => refuse(pool, report, refusal, now_ms, settings, metrics),
                };
            }
            Err(e) if e.is_retryable() && attempt < settings.max_retries => {
                tracing::warn!(pool = %pool.name, attempt, error = %e, "submission failed; retrying");
                attempt = attempt.saturating_add(1);
            }
            Err(e) => return fail(pool, report, e, now_ms, settings, metrics),
        }
    }
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
    setback(pool, report, Action::Failed(error), now_ms, settings, metrics)
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
