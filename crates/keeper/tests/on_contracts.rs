//! The keeper against the compiled contracts in drink: it rebalances a due pool exactly once,
//! reads its own `Rebalanced` event back, and never signs in dry-run mode.

// Inventory values are 1e18 fractions, far below `i128::MAX`.
#![allow(clippy::cast_possible_wrap)]

use keel_harness::keeper::SandboxChain;
use keel_harness::pool;
use keel_harness::{Fixture, Setup, KEEPER, UNIT};
use keel_interface::pool::PoolConfig;
use keel_keeper::chain::Chain as _;
use keel_keeper::config::Config;
use keel_keeper::decide::Route;
use keel_keeper::executor::{tick, Action, Settings, Watched};

fn settings() -> Settings {
    Config::default().settings(false)
}

/// A pool Bob has left long base past its trigger, next to a deep venue.
fn due_market() -> Fixture {
    let mut m = Fixture::new(Setup {
        venue_base_liquidity: 10_000_000 * UNIT,
        venue_quote_liquidity: 100_000_000 * UNIT,
        ..Setup::default()
    });
    m.push_long_base(12_000);
    m
}

#[test]
fn the_keeper_rebalances_a_due_pool_once_and_earns_the_bounty() {
    let mut m = due_market();
    let mut watched = Watched::new("pool", m.pool);
    let keeper_quote = m.balance(m.quote, KEEPER);

    let report = tick(
        &mut SandboxChain::new(&mut m.chain, KEEPER),
        &mut watched,
        &settings(),
        None,
    );
    let Action::Landed { outcome, .. } = report.action else {
        panic!("expected a landed rebalance, got {:?}", report.action);
    };
    assert_eq!(outcome.epoch, 1);
    assert_eq!(m.balance(m.quote, KEEPER) - keeper_quote, outcome.bounty);
    let trigger = PoolConfig::default().rebalance.trigger as i128;
    assert!(outcome.q_after.abs() < trigger);

    // The next pass, same block: in band, nothing sent.
    let again = tick(
        &mut SandboxChain::new(&mut m.chain, KEEPER),
        &mut watched,
        &settings(),
        None,
    );
    assert_eq!(again.action, Action::None);
    assert_eq!(again.submissions, 0);
    assert_eq!(pool::rebalance_status(&mut m.chain, m.pool).epoch, 1);
}

#[test]
fn submissions_return_the_pools_rebalanced_event() {
    let mut m = due_market();
    let pool_address = m.pool;
    let mut chain = SandboxChain::new(&mut m.chain, KEEPER);
    let tx = chain
        .submit_rebalance(pool_address, 0, &Route::Venue)
        .expect("submitted");
    let included = chain.wait_included(&tx).expect("included");
    let outcome = included.result.expect("rebalanced");
    assert_eq!(included.events, vec![outcome]);
}

#[test]
fn dry_run_mode_reports_the_rebalance_and_changes_nothing() {
    let mut m = due_market();
    let before = m.snapshot();
    let dry = Settings {
        dry_run: true,
        ..settings()
    };
    let report = tick(
        &mut SandboxChain::new(&mut m.chain, KEEPER),
        &mut Watched::new("pool", m.pool),
        &dry,
        None,
    );
    assert!(matches!(report.action, Action::WouldRebalance(ref o) if o.epoch == 1));
    assert_eq!(report.submissions, 0);
    assert_eq!(m.snapshot(), before);
    assert_eq!(pool::rebalance_status(&mut m.chain, m.pool).epoch, 0);
}

#[test]
fn with_two_venues_the_keeper_splits_and_the_pool_takes_its_split() {
    // given a due pool that also lists a second venue, as deep at a third of the fee
    let mut m = due_market();
    let second = m.add_venue(10, 10_000_000 * UNIT, 100_000_000 * UNIT);
    let first = m.venue;
    let reserves = |m: &mut Fixture, v| keel_harness::venue::reserves(&mut m.chain, v);
    let before = [reserves(&mut m, first), reserves(&mut m, second)];
    // when the keeper's pass runs
    let report = tick(
        &mut SandboxChain::new(&mut m.chain, KEEPER),
        &mut Watched::new("pool", m.pool),
        &settings(),
        None,
    );
    // then it decided a split, the pool took it, and both venues bought base
    let Some(keel_keeper::decide::Decision::Rebalance { route, plan, .. }) = report.decision else {
        panic!("expected a rebalance, got {:?}", report.decision);
    };
    let Action::Landed { outcome, .. } = report.action else {
        panic!("expected a landed rebalance, got {:?}", report.action);
    };
    assert!(matches!(route, Route::Split(_)), "{route:?}");
    assert_eq!(outcome.sold, plan.amount_in);
    assert!(outcome.bought >= plan.min_out);
    let after = [reserves(&mut m, first), reserves(&mut m, second)];
    for (leg, (b, a)) in route.legs().iter().zip(before.iter().zip(after)) {
        assert_eq!(a.0 - b.0, leg.amount_in, "each venue took its own leg");
    }
}
