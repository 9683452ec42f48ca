//! What the executor signs for (`keel_keeper::trust`), on a scripted chain (`scripted`): code it
//! does not trust and a contract absent from a synced node halt the pool until restart; a node
//! that only lags halts nothing.

mod common;
mod scripted;

use keel_keeper::chain::ChainError;
use keel_keeper::executor::{tick, Action};
use keel_keeper::metrics::Metrics;
use keel_keeper::trust::{Distrust, Hash, Role};
use scripted::{pool, Scripted, SETTINGS};

#[test]
fn code_the_keeper_does_not_trust_stops_it_for_that_pool_until_restart() {
    // given: a pool that landed one rebalance, then its owner swaps its code
    let mut chain = Scripted::due([]);
    let mut p = pool();
    let metrics = Metrics::default();
    assert!(matches!(
        tick(&mut chain, &mut p, &SETTINGS, Some(&metrics)).action,
        Action::Landed { .. }
    ));
    chain.view.rebalancing.epoch = 1;
    chain.view.rebalancing.last_ms = 0;
    let swapped = Distrust::Code {
        role: Role::Pool,
        found: Hash([9; 32]),
    };
    chain.distrust = Some(swapped.clone());
    // when
    let report = tick(&mut chain, &mut p, &SETTINGS, Some(&metrics));
    // then: nothing is sent, the pool is halted, and the metric says so
    assert_eq!(
        report.action,
        Action::Failed(ChainError::Untrusted(swapped.clone()))
    );
    assert_eq!(p.halted, Some(swapped.clone()));
    assert!(metrics.render().contains("keel_keeper_halted{pool=\"test\"} 1"));
    // and when the node answers with the trusted code again, the keeper still signs nothing
    chain.distrust = None;
    for _ in 0..3 {
        let again = tick(&mut chain, &mut p, &SETTINGS, Some(&metrics));
        assert_eq!(
            again.action,
            Action::Failed(ChainError::Untrusted(swapped.clone()))
        );
        assert_eq!(again.view, None, "a halted pool is not even read");
    }
    assert_eq!((chain.submissions, chain.executions), (1, 1));
}

#[test]
fn a_node_that_lags_without_the_pools_contract_halts_nothing_and_the_pool_is_signed_for_once_it_reads() {
    // given: a node that has not reached the pool's block (a syncing node, a lagging replica)
    let mut chain = Scripted::due([]);
    let mut p = pool();
    let metrics = Metrics::default();
    let missing = Distrust::NoContract(Role::Pool);
    chain.distrust = Some(missing.clone());
    // when
    for _ in 0..3 {
        let report = tick(&mut chain, &mut p, &SETTINGS, Some(&metrics));
        // then: nothing is sent and the pool is not halted
        assert_eq!(
            report.action,
            Action::Failed(ChainError::Untrusted(missing.clone()))
        );
        assert_eq!(p.halted, None);
    }
    assert!(!metrics.render().contains("keel_keeper_halted{pool=\"test\"} 1"));
    assert_eq!((chain.submissions, chain.executions), (0, 0));
    // and when the node has the pool (its code trusted), the next pass rebalances it
    chain.distrust = None;
    assert!(matches!(
        tick(&mut chain, &mut p, &SETTINGS, Some(&metrics)).action,
        Action::Landed { .. }
    ));
    assert_eq!((chain.submissions, chain.executions), (1, 1));
}

#[test]
fn a_contract_absent_from_a_synced_node_stops_the_keeper_for_that_pool_until_restart() {
    for role in [Role::Pool, Role::Venue] {
        // given: a synced node with nothing at the pool's address, or at its venue's
        let mut chain = Scripted::due([]);
        let mut p = pool();
        let absent = Distrust::Absent { role, block: 40 };
        chain.distrust = Some(absent.clone());
        // when
        tick(&mut chain, &mut p, &SETTINGS, None);
        chain.distrust = None;
        let again = tick(&mut chain, &mut p, &SETTINGS, None);
        // then: halted, and not read again
        assert_eq!(p.halted, Some(absent.clone()));
        assert_eq!(again.action, Action::Failed(ChainError::Untrusted(absent)));
        assert_eq!(again.view, None);
        assert_eq!((chain.submissions, chain.executions), (0, 0));
    }
}
