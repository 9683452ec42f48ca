//! The pool's code in two parts: the shipped pool runs trades, liquidity, `rebalance` and upgrades
//! in its own code and hands its views, owner's settings, split rebalances and share transfers to
//! the cold code, which it locks on the chain.
//! Every other test file calls those messages through the shipped pool; these scenarios are about
//! the cold code itself: a pool needs it to deploy and upgrade, holds it on the chain, the cold
//! code is no pool of its own, and a pool runs only on a cold code of its own layout.

use keel_harness::chain::bundles;
use keel_harness::pool::{self, PoolSetup, PoolSwap};
use keel_harness::{CallError, Fixture, Sandbox, Setup, ALICE, MALLORY, OWNER, UNIT};
use keel_interface::pool::{ConfigUpdated, PoolConfig, PoolError};

fn constructor(setup: &PoolSetup) -> keel_calls::constructors::Constructor<PoolError> {
    keel_calls::constructors::pool(setup.base, setup.quote, setup.oracle, setup.feed, setup.config)
}

#[test]
fn a_pool_deploys_only_where_its_cold_code_is_on_the_chain() {
    // given a chain without the cold code, and a market's addresses to deploy a pool on
    let market = Fixture::standard();
    let setup = market.pool_setup(PoolConfig::default());
    let mut chain = Sandbox::without_cold_code();
    // when a pool is deployed there, then its constructor refuses by name, whatever its
    // configuration: the code that checks it is missing
    let refused = chain
        .deploy(&bundles().pool.wasm, constructor(&setup), OWNER)
        .expect("the runtime runs the constructor");
    assert_eq!(refused, Err(PoolError::IncompatibleUpgrade));
    let out_of_bounds = PoolSetup {
        config: PoolConfig {
            max_oracle_age_ms: 0,
            ..PoolConfig::default()
        },
        ..setup
    };
    let refused = chain
        .deploy(&bundles().pool.wasm, constructor(&out_of_bounds), OWNER)
        .expect("the runtime runs the constructor");
    assert_eq!(refused, Err(PoolError::IncompatibleUpgrade));
    // when the cold code is uploaded, then the same pool deploys, announces its configuration
    // and answers its views; the configuration out of bounds is refused by name
    chain.upload(&bundles().pool_cold.wasm, OWNER);
    assert_eq!(
        pool::deploy(&mut chain, OWNER, out_of_bounds),
        Err(PoolError::InvalidConfig)
    );
    chain.take_events();
    let pool = pool::deploy(&mut chain, OWNER, setup).expect("deploys");
    let announced = keel_calls::events::of::<ConfigUpdated>(pool, &chain.take_events());
    assert_eq!(
        announced.iter().map(|e| e.config).collect::<Vec<_>>(),
        vec![PoolConfig::default()]
    );
    assert_eq!(pool::owner(&mut chain, pool), OWNER.account());
    assert_eq!(pool::config(&mut chain, pool), PoolConfig::default());
}

#[test]
fn no_one_removes_the_cold_code_while_a_pool_holds_it() {
    // given the standard market, whose chain holds the cold code its uploader (the owner) sent
    let mut m = Fixture::standard();
    let cold = m.chain.upload(&bundles().pool_cold.wasm, OWNER);
    // when its uploader asks the chain to remove it, then the chain refuses: the pool locks it
    assert_eq!(m.chain.remove_code(cold, OWNER), Err("CodeInUse"));
    assert_eq!(pool::owner(&mut m.chain, m.pool), OWNER.account());
    // while code the uploader sent and nothing locks is removed on the same request
    let unused = m.chain.upload(&bundles().pool_next.wasm, OWNER);
    assert_eq!(m.chain.remove_code(unused, OWNER), Ok(()));
    // and on a chain where no pool was deployed, the cold code is the uploader's to remove
    let mut bare = Sandbox::new();
    assert_eq!(bare.remove_code(cold, OWNER), Ok(()));
}

#[test]
fn the_cold_code_is_no_pool_of_its_own() {
    // given a market, and the cold code on its chain
    let mut m = Fixture::standard();
    let setup = m.pool_setup(PoolConfig::default());
    // when someone deploys the cold code as a pool, then the runtime refuses it
    let refused = m
        .chain
        .deploy(&bundles().pool_cold.wasm, constructor(&setup), MALLORY);
    assert!(
        matches!(refused, Err(CallError::Dispatch(_))),
        "the cold code deployed as a pool: {refused:?}"
    );
}

#[test]
fn an_upgrade_to_the_code_a_pool_runs_keeps_its_one_lock() {
    // given the standard market
    let mut m = Fixture::standard();
    let code = m.chain.upload(&bundles().pool.wasm, OWNER);
    let cold = m.chain.upload(&bundles().pool_cold.wasm, OWNER);
    // when its owner moves it to the code it already runs, twice, and migrates it again
    pool::set_code(&mut m.chain, OWNER, m.pool, code).expect("same code");
    pool::set_code(&mut m.chain, OWNER, m.pool, code).expect("same code again");
    assert_eq!(pool::migrate(&mut m.chain, OWNER, m.pool), Ok(3));
    // then every step succeeds and the cold code stays locked
    assert_eq!(m.chain.remove_code(cold, OWNER), Err("CodeInUse"));
    assert_eq!(pool::layout(&mut m.chain, m.pool), 3);
}

#[test]
fn an_upgrade_to_the_shipped_code_is_refused_where_its_cold_code_is_missing() {
    // given a market whose pool runs a build in one code (it locks nothing), on a chain whose
    // cold code its uploader then removes
    let mut m = Fixture::with_pool_code(Setup::default(), &bundles().pool_from_earlier.wasm);
    let cold = m.chain.upload(&bundles().pool_cold.wasm, OWNER);
    assert_eq!(m.chain.remove_code(cold, OWNER), Ok(()));
    let code = m.chain.upload(&bundles().pool.wasm, OWNER);
    // when its owner moves it to the shipped code, then the upgrade is refused and the pool
    // keeps its code and answers
    assert_eq!(
        pool::set_code(&mut m.chain, OWNER, m.pool, code),
        Err(PoolError::IncompatibleUpgrade)
    );
    assert_eq!(pool::layout(&mut m.chain, m.pool), 3);
    assert_eq!(pool::owner(&mut m.chain, m.pool), OWNER.account());
    // when the cold code is back on the chain, then the same upgrade goes through and locks it
    m.chain.upload(&bundles().pool_cold.wasm, OWNER);
    pool::set_code(&mut m.chain, OWNER, m.pool, code).expect("upgrade");
    assert_eq!(m.chain.remove_code(cold, OWNER), Err("CodeInUse"));
}

#[test]
fn an_upgrade_to_a_release_with_another_cold_code_moves_the_lock_to_it_and_back() {
    // given the standard market, its pool holding the shipped cold code
    let mut m = Fixture::standard();
    let cold = m.chain.upload(&bundles().pool_cold.wasm, OWNER);
    // when its owner moves it to another release of the same layout, whose cold code is another
    let other_cold = m.chain.upload(&bundles().pool_cold_variant.wasm, OWNER);
    let other = m.chain.upload(&bundles().pool_variant.wasm, OWNER);
    assert_ne!(cold, other_cold, "two cold codes");
    let kept = Kept::read(&mut m);
    pool::set_code(&mut m.chain, OWNER, m.pool, other).expect("upgrade");
    // then the pool lets the old cold code go (its uploader removes it) and runs on the new one,
    // which it holds: its books, shares, views and trades as before (with the old cold code off
    // the chain, every view that answers ran in the new one)
    assert_eq!(m.chain.remove_code(cold, OWNER), Ok(()));
    kept.holds(&mut m, other_cold);
    // and when the owner moves it back to the shipped release, the lock moves back likewise
    let cold = m.chain.upload(&bundles().pool_cold.wasm, OWNER);
    let shipped = m.chain.upload(&bundles().pool.wasm, OWNER);
    let kept = Kept::read(&mut m);
    pool::set_code(&mut m.chain, OWNER, m.pool, shipped).expect("back");
    assert_eq!(m.chain.remove_code(other_cold, OWNER), Ok(()));
    kept.holds(&mut m, cold);
}

/// What a refused upgrade must leave as it was.
struct Kept {
    reserves: (u128, u128),
    shares: u128,
}

impl Kept {
    fn read(m: &mut Fixture) -> Kept {
        Kept {
            reserves: pool::reserves(&mut m.chain, m.pool),
            shares: pool::shares(&mut m.chain, m.pool, ALICE.account()),
        }
    }

    /// The pool runs this layout's code on this layout's storage with its books and shares as
    /// read, holds `cold` locked, and trades.
    fn holds(&self, m: &mut Fixture, cold: ink::primitives::Hash) {
        assert_eq!(pool::code_layout(&mut m.chain, m.pool), 3);
        assert_eq!(pool::layout(&mut m.chain, m.pool), 3);
        assert_eq!(pool::reserves(&mut m.chain, m.pool), self.reserves);
        assert_eq!(pool::shares(&mut m.chain, m.pool, ALICE.account()), self.shares);
        assert_eq!(m.chain.remove_code(cold, OWNER), Err("CodeInUse"));
        let sale = PoolSwap::exact_in(m.base, 10 * UNIT);
        assert!(pool::swap_exact_in(&mut m.chain, ALICE, m.pool, sale).expect("swap") > 0);
    }
}

#[test]
fn a_pool_refuses_a_cold_code_that_reads_another_layout() {
    // given the standard market, and on its chain a build of the shipped pool whose cold code is
    // the next layout's build (its code answers every message, in a layout this code cannot read)
    let mut m = Fixture::standard();
    let setup = m.pool_setup(PoolConfig::default());
    let cold = m.chain.upload(&bundles().pool_cold.wasm, OWNER);
    m.chain.upload(&bundles().pool_next.wasm, OWNER);
    let mispaired = m.chain.upload(&bundles().pool_mispaired.wasm, OWNER);
    let before = Kept::read(&mut m);
    // when its owner moves the pool to that build, then the upgrade is refused by name
    assert_eq!(
        pool::set_code(&mut m.chain, OWNER, m.pool, mispaired),
        Err(PoolError::IncompatibleUpgrade)
    );
    // and the pool keeps its code, its layout, its books and its lock on its own cold code
    before.holds(&mut m, cold);
    // and a pool of that build does not deploy either
    assert_eq!(
        m.chain
            .deploy(&bundles().pool_mispaired.wasm, constructor(&setup), OWNER)
            .expect("the runtime runs the constructor"),
        Err(PoolError::IncompatibleUpgrade)
    );
}

#[test]
fn a_new_release_paired_with_the_old_cold_code_is_refused_and_leaves_the_pool_as_it_was() {
    // given the standard market, and on its chain a two-code build of the next layout whose cold
    // code is this layout's (it would read and write the migrated storage as the old layout)
    let mut m = Fixture::standard();
    let cold = m.chain.upload(&bundles().pool_cold.wasm, OWNER);
    let next = m.chain.upload(&bundles().pool_next_mispaired.wasm, OWNER);
    let before = Kept::read(&mut m);
    // when its owner moves the pool to it: its `migrate` moves and stores the book in the next
    // layout, then asks the cold code, which answers another layout
    assert_eq!(
        pool::set_code(&mut m.chain, OWNER, m.pool, next),
        Err(PoolError::IncompatibleUpgrade)
    );
    // then the refusal undid the migrated storage: the pool's code, layout, books and shares
    // are as they were, it trades, and the new code is locked by nothing
    before.holds(&mut m, cold);
    assert_eq!(m.chain.remove_code(next, OWNER), Ok(()));
}
