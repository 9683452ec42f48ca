//! The executor under injected chain faults, on a scripted chain (`scripted`). The same executor
//! against the compiled contracts runs in `on_contracts.rs` and `faults.rs`; what it signs for, in
//! `trust.rs`.

mod common;
mod scripted;

use common::NOW;
use keel_core::{PoolState, ONE};
use keel_interface::pool::PoolError;
use keel_keeper::backoff::Health;
use keel_keeper::chain::ChainError;
use keel_keeper::decide::{Decision, Policy, Skip, Wait};
use keel_keeper::executor::{tick, Action, Report, Settings, Watched, FLOOR_BLOCKS};
use keel_keeper::metrics::Metrics;
use scripted::{pool, Fault, Scripted, SETTINGS};

#[test]
fn a_due_pool_is_dry_run_then_rebalanced_once() {
    let mut chain = Scripted::due([]);
    let mut p = pool();
    let report = tick(&mut chain, &mut p, &SETTINGS, None);
    assert_landed(&report);
    assert_eq!((chain.submissions, chain.executions), (1, 1));
    assert_eq!(p.done_below, 1);
}

#[test]
fn the_decision_takes_the_time_of_the_block_the_pool_was_read_at() {
    // given: a pool whose cooldown ends a millisecond after the block it is read at, and a head
    // that moved on a block since
    let mut chain = Scripted::due([]);
    let cooldown_ms = chain.view.config.rebalance.cooldown_ms;
    chain.view.rebalancing.epoch = 1;
    chain.view.rebalancing.last_ms = NOW + 1 - cooldown_ms;
    chain.sealed_since = 1;
    // when
    let report = tick(&mut chain, &mut pool(), &SETTINGS, None);
    // then: the pass waits out the cooldown as of the block it read, and sends nothing
    assert_eq!((report.block, report.block_time_ms), (1, NOW));
    assert_eq!(
        report.decision,
        Some(Decision::Wait(Wait::Cooldown { until_ms: NOW + 1 }))
    );
    assert_eq!(chain.submissions, 0);
}

#[test]
fn dry_run_mode_never_signs() {
    let mut chain = Scripted::due([]);
    let settings = Settings {
        dry_run: true,
        ..SETTINGS
    };
    let report = tick(&mut chain, &mut pool(), &settings, None);
    assert!(matches!(report.action, Action::WouldRebalance(_)));
    assert_eq!(chain.submissions, 0);
}

#[test]
fn a_dry_run_refusal_is_never_submitted_and_backs_off() {
    let mut chain = Scripted::due([]);
    chain.dry_run = Err(PoolError::RebalanceNotDue);
    let mut p = pool();
    let report = tick(&mut chain, &mut p, &SETTINGS, None);
    assert_eq!(report.action, Action::Refused(PoolError::RebalanceNotDue));
    assert_eq!(chain.submissions, 0);
    assert_eq!((p.health.failures, p.health.retry_at_ms), (1, NOW + 1_000));
}

/// Fails unless the pass landed its rebalance.
/// The metrics say `sent` submissions of the test pool, `resent` of them resubmissions.
fn assert_sent(metrics: &str, sent: u32, resent: u32) {
    for line in [
        format!("keel_keeper_submissions_total{{pool=\"test\"}} {sent}"),
        format!("keel_keeper_resubmissions_total{{pool=\"test\"}} {resent}"),
    ] {
        assert!(metrics.contains(&line), "{line} not in {metrics}");
    }
}

fn assert_landed(report: &Report) {
    assert!(
        matches!(report.action, Action::Landed { .. }),
        "{:?}",
        report.action
    );
}

/// One pass over a due pool whose node fails its dry-run with `error`: it ends failed, sending
/// nothing. Returns the chain and the pool's record after it.
fn dry_run_failing(error: &ChainError) -> (Scripted, Watched) {
    let mut chain = Scripted::due([]);
    chain.dry_run_fails = Some(error.clone());
    let mut p = pool();
    let report = tick(&mut chain, &mut p, &SETTINGS, None);
    assert_eq!(report.action, Action::Failed(error.clone()));
    assert_eq!(chain.submissions, 0);
    (chain, p)
}

#[test]
fn a_transport_error_on_the_dry_run_sends_nothing_and_leaves_the_next_pass_free_to_try() {
    // given a due pool whose node drops the dry-run once
    let (mut chain, mut p) = dry_run_failing(&ChainError::Rpc("connection reset".into()));
    // then the pool does not back off: the next pass lands it
    assert_eq!(p.health, Health::default());
    let report = tick(&mut chain, &mut p, &SETTINGS, None);
    assert_landed(&report);
    assert_eq!((chain.submissions, chain.executions), (1, 1));
}

#[test]
fn a_dry_run_that_traps_is_not_sent_and_backs_the_pool_off() {
    let (_, p) = dry_run_failing(&ChainError::Reverted("out of gas".into()));
    assert_eq!((p.health.failures, p.health.retry_at_ms), (1, NOW + 1_000));
}

#[test]
fn a_pass_that_ends_without_a_failure_clears_the_record_in_dry_run_mode_too() {
    let mut chain = Scripted::due([]);
    let mut p = pool();
    p.health = Health {
        failures: 3,
        retry_at_ms: NOW,
    };
    let settings = Settings {
        dry_run: true,
        ..SETTINGS
    };
    let report = tick(&mut chain, &mut p, &settings, None);
    assert!(matches!(report.action, Action::WouldRebalance(_)));
    assert_eq!(p.health, Health::default());
}

#[test]
fn a_transport_error_is_retried_with_backoff_and_lands_once() {
    let mut chain = Scripted::due([Fault::SubmitFails(ChainError::Rpc("connection reset".into()))]);
    let report = tick(&mut chain, &mut pool(), &SETTINGS, None);
    assert_landed(&report);
    assert_eq!((chain.submissions, chain.executions), (2, 1));
    assert_eq!(chain.slept_ms, 1_000);
}

#[test]
fn a_lost_confirmation_is_not_resubmitted_once_the_epoch_moved() {
    let mut chain = Scripted::due([Fault::LandsUnconfirmed(ChainError::Timeout)]);
    let mut p = pool();
    let report = tick(&mut chain, &mut p, &SETTINGS, None);
    assert_eq!(report.action, Action::AlreadyDone { epoch: 0 });
    assert_eq!((chain.submissions, chain.executions), (1, 1));
    assert_eq!(p.done_below, 1);
    assert_eq!(p.health.failures, 0);
}

#[test]
fn a_dropped_transaction_is_resent_and_executes_once() {
    let mut chain = Scripted::due([Fault::Dropped]);
    let report = tick(&mut chain, &mut pool(), &SETTINGS, None);
    assert_landed(&report);
    assert_eq!((chain.submissions, chain.executions), (2, 1));
}

#[test]
fn a_non_retryable_error_is_not_retried() {
    let mut chain = Scripted::due([Fault::SubmitFails(ChainError::Reverted("out of gas".into()))]);
    let mut p = pool();
    let report = tick(&mut chain, &mut p, &SETTINGS, None);
    assert_eq!(
        report.action,
        Action::Failed(ChainError::Reverted("out of gas".into()))
    );
    assert_eq!((chain.submissions, chain.executions), (1, 0));
    assert_eq!(p.health.failures, 1);
}

#[test]
fn the_metrics_count_as_sent_only_what_may_have_gone_out() {
    // given: an attempt refused before signing (the hourly budget); then one whose reads before
    // signing fail, one lost with the connection as the node may have taken it, and one that
    // lands
    let refused = ChainError::OverLimit(keel_keeper::spending::OverLimit::Transactions { sent: 6 });
    let mut chain = Scripted::due([Fault::SubmitFails(refused.clone())]);
    let metrics = Metrics::default();
    // when
    let report = tick(&mut chain, &mut pool(), &SETTINGS, Some(&metrics));
    // then: nothing was signed, so nothing was sent
    assert_eq!(report.action, Action::Failed(refused));
    assert_eq!(report.submissions, 0);
    assert!(!metrics.render().contains("keel_keeper_submissions_total{"));

    let mut chain = Scripted::due([
        Fault::SubmitFails(ChainError::Rpc("connection reset".into())),
        Fault::SubmitFails(ChainError::MaybeSent("connection reset as it was sent".into())),
    ]);
    let report = tick(&mut chain, &mut pool(), &SETTINGS, Some(&metrics));
    assert_landed(&report);
    // the lost one may have gone out: counted, and the send after it as a resubmission; the
    // one that failed before signing is not
    assert_eq!(report.submissions, 2);
    let text = metrics.render();
    assert_sent(&text, 2, 1);
}

#[test]
fn retries_are_bounded_and_then_the_pool_backs_off() {
    let faults = (0..10).map(|_| Fault::SubmitFails(ChainError::Timeout));
    let mut chain = Scripted::due(faults);
    let mut p = pool();
    let report = tick(&mut chain, &mut p, &SETTINGS, None);
    assert_eq!(report.action, Action::Failed(ChainError::Timeout));
    assert_eq!(chain.submissions, SETTINGS.max_retries + 1);
    assert_eq!(chain.slept_ms, 1_000 + 2_000 + 4_000);
    // backing off from the last retry's block, not the pass's first: the chain's time moved on
    // while the keeper slept between retries
    assert_eq!(p.health.failures, 1);
    assert_eq!(p.health.retry_at_ms, chain.now_ms() + 1_000);
    // The next pass waits out the backoff instead of hammering the chain.
    let again = tick(&mut chain, &mut p, &SETTINGS, None);
    assert_eq!(again.action, Action::None);
    assert_eq!(chain.submissions, SETTINGS.max_retries + 1);
}

#[test]
fn our_transaction_reverting_as_already_done_is_counted_and_backs_off() {
    // given: a competitor's rebalance lands between our dry-run and our transaction
    let mut chain = Scripted::due([Fault::Beaten]);
    let mut p = pool();
    let metrics = Metrics::default();
    // when
    let report = tick(&mut chain, &mut p, &SETTINGS, Some(&metrics));
    // then: the epoch is done, but ours paid a fee for nothing: counted, and the pool backs off
    assert_eq!(report.action, Action::AlreadyDone { epoch: 0 });
    assert_eq!(chain.executions, 0);
    assert_eq!((p.health.failures, p.done_below), (1, 1));
    let text = metrics.render();
    assert!(
        text.contains("keel_keeper_reverted_total{pool=\"test\"} 1"),
        "{text}"
    );
    // and the next pass, due again at once (a node faking "due"), sends nothing
    chain.view.rebalancing.epoch = 1;
    let again = tick(&mut chain, &mut p, &SETTINGS, Some(&metrics));
    assert_eq!(again.decision.map(|d| d.label()), Some("backoff"));
    assert_eq!(chain.submissions, 1);
}

#[test]
fn a_pool_waiting_out_its_backoff_is_not_healthy_until_a_pass_succeeds() {
    // given: a pass whose transaction reverted, which backs the pool off
    let mut chain = Scripted::due([Fault::Beaten]);
    let mut p = pool();
    let first = tick(&mut chain, &mut p, &SETTINGS, None);
    assert!(!first.healthy(&p));
    // when: the next pass only waits out the backoff, reading the pool and failing nothing
    chain.view.rebalancing.epoch = 1;
    let waiting = tick(&mut chain, &mut p, &SETTINGS, None);
    assert_eq!(waiting.decision.map(|d| d.label()), Some("backoff"));
    // then: it still reads unhealthy; once the backoff has passed and a rebalance lands, healthy
    assert!(
        !waiting.healthy(&p),
        "a pool backing off after a failure reads healthy"
    );
    p.health.retry_at_ms = 0;
    let landed = tick(&mut chain, &mut p, &SETTINGS, None);
    assert_landed(&landed);
    assert!(landed.healthy(&p));
}

#[test]
fn reverts_in_a_row_lengthen_the_backoff() {
    // given: two passes already ended in a revert of ours, and the backoff has passed
    let mut chain = Scripted::due([Fault::Beaten]);
    let mut p = pool();
    p.health.failures = 2;
    // when: a third pass's transaction reverts as already done
    tick(&mut chain, &mut p, &SETTINGS, None);
    // then: the record grows (so the delay doubles) instead of starting over at one
    assert_eq!(p.health.failures, 3);
    assert_eq!(p.health.retry_at_ms, NOW + 4_000);
}

#[test]
fn a_false_epoch_once_answered_does_not_silence_the_pool() {
    // given: a node once answered a huge epoch, and the keeper remembered it as done
    let mut chain = Scripted::due([]);
    let mut p = pool();
    p.done_below = u64::MAX;
    // when: the chain reads epoch 0, due
    let report = tick(&mut chain, &mut p, &SETTINGS, None);
    // then: the chain is trusted over the memory, and the rebalance lands
    assert_landed(&report);
    assert_eq!((chain.executions, p.done_below), (1, 1));
}

#[test]
fn a_node_behind_our_own_landing_is_not_sent_the_same_epoch_again() {
    let mut chain = Scripted::due([]);
    let mut p = pool();
    p.done_below = 1; // we landed epoch 0; this node still reads it
    let report = tick(&mut chain, &mut p, &SETTINGS, None);
    assert_eq!(report.action, Action::AlreadyDone { epoch: 0 });
    assert_eq!(chain.submissions, 0);
}

#[test]
fn a_dry_run_answering_stale_epoch_is_a_lost_race_not_a_refusal() {
    // given: a competitor's rebalance landed between our read and our dry-run
    let mut chain = Scripted::due([]);
    chain.dry_run = Err(PoolError::StaleEpoch);
    let mut p = pool();
    let metrics = Metrics::default();
    // when
    let report = tick(&mut chain, &mut p, &SETTINGS, Some(&metrics));
    // then: nothing sent, no backoff, the epoch remembered as done, and counted
    assert_eq!(report.action, Action::AlreadyDone { epoch: 0 });
    assert_eq!(chain.submissions, 0);
    assert_eq!((p.health.failures, p.done_below), (0, 1));
    let text = metrics.render();
    assert!(
        text.contains("keel_keeper_already_done_total{pool=\"test\"} 1"),
        "{text}"
    );
    assert!(!text.contains("keel_keeper_failures_total{"), "{text}");
}

#[test]
fn a_resend_is_counted_as_a_resubmission() {
    let mut chain = Scripted::due([Fault::Dropped]);
    let metrics = Metrics::default();
    let report = tick(&mut chain, &mut pool(), &SETTINGS, Some(&metrics));
    assert_landed(&report);
    let text = metrics.render();
    assert_sent(&text, 2, 1);
    assert!(
        text.contains("keel_keeper_rebalances_total{pool=\"test\"} 1"),
        "{text}"
    );
}

#[test]
fn a_timed_out_transaction_is_waited_for_again_not_resent() {
    let mut chain = Scripted::due([Fault::SlowConfirm]);
    let mut p = pool();
    let report = tick(&mut chain, &mut p, &SETTINGS, None);
    assert!(
        matches!(report.action, Action::Landed { block: 2, .. }),
        "{:?}",
        report.action
    );
    assert_eq!((chain.submissions, chain.executions), (1, 1));
}

#[test]
fn a_pool_paused_between_attempts_is_not_resent() {
    let mut chain = Scripted::due([Fault::FailsAndPaused]);
    let report = tick(&mut chain, &mut pool(), &SETTINGS, None);
    assert_eq!(report.action, Action::None);
    assert_eq!(
        report.decision,
        Some(keel_keeper::decide::Decision::Skip(
            keel_keeper::decide::Skip::Paused
        ))
    );
    assert_eq!((chain.submissions, chain.executions), (1, 0));
}

/// The bounty the keeper estimates from the scripted pool's views, and settings whose `tx_cost`
/// is exactly that estimate.
fn priced_at_the_estimate() -> (u128, Settings) {
    let dry = Settings {
        dry_run: true,
        ..SETTINGS
    };
    let report = tick(&mut Scripted::due([]), &mut pool(), &dry, None);
    let Some(Decision::Rebalance { bounty, .. }) = report.decision else {
        panic!("the scripted pool is due: {:?}", report.decision);
    };
    assert!(bounty > 1);
    let policy = Policy {
        tx_cost: bounty,
        ..SETTINGS.policy
    };
    (bounty, Settings { policy, ..SETTINGS })
}

#[test]
fn a_dry_run_paying_less_than_the_transaction_costs_is_not_signed() {
    // given: the views' estimate covers tx_cost, but the pool would pay a unit less now
    let (estimate, settings) = priced_at_the_estimate();
    let mut chain = Scripted::due([]);
    chain.bounty = estimate - 1;
    let mut p = pool();
    // when
    let report = tick(&mut chain, &mut p, &settings, None);
    // then
    assert_eq!(report.action, Action::None);
    let short = Skip::Unprofitable {
        bounty: estimate - 1,
        tx_cost: estimate,
    };
    assert_eq!(report.decision, Some(Decision::Skip(short)));
    assert_eq!(
        (chain.submissions, chain.executions, p.health.failures),
        (0, 0, 0)
    );
}

#[test]
fn the_metrics_count_a_rebalance_its_dry_run_finds_unprofitable_as_that_skip() {
    // given: one pass the dry-run finds unprofitable, then one it finds worth sending
    let (estimate, settings) = priced_at_the_estimate();
    let mut chain = Scripted::due([]);
    chain.bounty = estimate - 1;
    let mut p = pool();
    let metrics = Metrics::default();
    // when
    tick(&mut chain, &mut p, &settings, Some(&metrics));
    chain.bounty = estimate;
    let landed = tick(&mut chain, &mut p, &settings, Some(&metrics));
    // then: one decision of each kind, the first counted as the skip it ended on
    assert!(matches!(landed.action, Action::Landed { .. }), "{landed:?}");
    let rendered = metrics.render();
    for kind in ["unprofitable", "rebalance"] {
        let line = format!("keel_keeper_decisions_total{{pool=\"test\",decision=\"{kind}\"}} 1");
        assert!(rendered.contains(&line), "{line} not in {rendered}");
    }
}

#[test]
fn a_bounty_that_falls_below_the_cost_before_a_resend_stops_the_resend() {
    // given: the first send fails, and meanwhile the pool's bounty falls a unit below tx_cost
    let (estimate, settings) = priced_at_the_estimate();
    let mut chain = Scripted::due([Fault::FailsAndBountyFalls(estimate - 1)]);
    chain.bounty = estimate;
    // when
    let report = tick(&mut chain, &mut pool(), &settings, None);
    // then: sent once, not resent
    assert_eq!(report.action, Action::None);
    let short = Skip::Unprofitable {
        bounty: estimate - 1,
        tx_cost: estimate,
    };
    assert_eq!(report.decision, Some(Decision::Skip(short)));
    assert_eq!((chain.submissions, chain.executions), (1, 0));
}

#[test]
fn a_pass_without_failure_clears_the_failure_record() {
    let mut chain = Scripted::due([]);
    chain.dry_run = Err(PoolError::RebalanceNotDue);
    let mut p = pool();
    tick(&mut chain, &mut p, &SETTINGS, None);
    assert_eq!(p.health.failures, 1);
    chain.view.state = PoolState::balanced(100_000 * ONE, 1_000_000 * ONE);
    let report = tick(&mut chain, &mut p, &SETTINGS, None);
    assert_eq!(report.action, Action::None);
    assert_eq!(p.health.failures, 0);
}

#[test]
fn a_false_stale_epoch_silences_the_pool_for_a_few_blocks_only() {
    // given: a node answers one dry-run with `StaleEpoch` while the epoch stays where it is
    let mut chain = Scripted::due([]);
    chain.dry_run = Err(PoolError::StaleEpoch);
    let mut p = pool();
    assert_eq!(
        tick(&mut chain, &mut p, &SETTINGS, None).action,
        Action::AlreadyDone { epoch: 0 }
    );
    // when: the node answers honestly again, within the floor's blocks and past them
    chain.dry_run = Ok(());
    chain.block = 1 + FLOOR_BLOCKS;
    let within = tick(&mut chain, &mut p, &SETTINGS, None);
    chain.block = 2 + FLOOR_BLOCKS;
    let past = tick(&mut chain, &mut p, &SETTINGS, None);
    // then: skipped while a lagging node could explain it, rebalanced once it cannot
    assert_eq!(within.action, Action::AlreadyDone { epoch: 0 });
    assert_landed(&past);
    assert_eq!((chain.submissions, chain.executions), (1, 1));
}

#[test]
fn a_head_once_answered_far_ahead_does_not_stretch_the_floor() {
    // given: a false `StaleEpoch` answered together with a head far in the future
    let mut chain = Scripted::due([]);
    chain.dry_run = Err(PoolError::StaleEpoch);
    chain.block = u64::from(u32::MAX);
    let mut p = pool();
    assert_eq!(
        tick(&mut chain, &mut p, &SETTINGS, None).action,
        Action::AlreadyDone { epoch: 0 }
    );
    // when: honest heads again, far below it
    chain.dry_run = Ok(());
    chain.block = 5;
    let report = tick(&mut chain, &mut p, &SETTINGS, None);
    // then: the chain is trusted, and the rebalance lands
    assert_landed(&report);
    assert_eq!(chain.executions, 1);
}
