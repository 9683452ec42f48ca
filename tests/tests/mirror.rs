//! The oracle's mirror: a copy of its answers that pools read instead of the oracle, written by
//! the oracle in the call that changes an answer and by no one else.

use keel_core::ONE;
use keel_harness::oracle::{self, Reading};
use keel_harness::pool::{self, PoolSwap};
use keel_harness::{Fixture, Setup, ALICE, BOB, MALLORY, OWNER, REPORTER, REPORTER_B, UNIT};
use keel_interface::pool::PoolError;
use keel_interface::{OracleData, OracleError};

const BLOCK_MS: u64 = 6_000;

fn reading(m: &Fixture, price: u128) -> Reading {
    Reading {
        price,
        volatility: ONE / 2,
        timestamp: m.chain.now(),
    }
}

fn mirror_of(m: &Fixture) -> ink::primitives::AccountId {
    m.mirror.expect("the default market reads a mirror")
}

#[test]
fn the_mirror_holds_every_answer_the_oracle_publishes_and_withdraws() {
    // given the default market, whose pool reads the oracle's mirror
    let mut m = Fixture::standard();
    let mirror = mirror_of(&m);
    assert_eq!(
        oracle::mirrored(&mut m.chain, mirror),
        oracle::latest(&mut m.chain, m.oracle)
    );
    // when the answer moves block after block
    for (block, price) in [11u128, 9, 12, 10].into_iter().enumerate() {
        m.chain.advance(BLOCK_MS);
        m.report(price * UNIT, ONE / 2).expect("readings");
        // then the mirror answers what the oracle answers, every time
        let latest = oracle::latest(&mut m.chain, m.oracle).expect("an answer");
        assert_eq!(latest.price, price * UNIT, "block {block}");
        assert_eq!(
            oracle::mirrored(&mut m.chain, mirror),
            Ok(latest),
            "block {block}"
        );
    }
    // and when removing reporters withdraws the answer (two fresh readings of three, quorum two),
    // the mirror withdraws it too
    m.chain.advance(BLOCK_MS);
    for who in [REPORTER, REPORTER_B] {
        let r = reading(&m, 13 * UNIT);
        oracle::submit(&mut m.chain, who, m.oracle, r).expect("reading");
    }
    oracle::remove_reporter(&mut m.chain, OWNER, m.oracle, REPORTER.account()).expect("remove");
    assert_eq!(
        oracle::latest(&mut m.chain, m.oracle),
        Err(OracleError::UnknownFeed)
    );
    assert_eq!(
        oracle::mirrored(&mut m.chain, mirror),
        Err(OracleError::UnknownFeed)
    );
    // so the pool refuses to trade on it, as it would on the oracle
    let sale = PoolSwap::exact_in(m.base, 10 * UNIT);
    assert_eq!(
        pool::swap_exact_in(&mut m.chain, BOB, m.pool, sale),
        Err(PoolError::Oracle(OracleError::UnknownFeed))
    );
}

#[test]
fn a_pool_on_the_mirror_trades_exactly_as_a_pool_on_the_oracle() {
    // given two identical markets, one pool reading the mirror and one the oracle itself
    let mut on_mirror = Fixture::standard();
    let mut on_oracle = Fixture::new(Setup {
        mirror: false,
        ..Setup::default()
    });
    assert!(on_oracle.mirror.is_none());
    // when both see the same readings and the same sales, both ways, block after block
    for (block, price) in [10u128, 11, 10, 9, 10].into_iter().enumerate() {
        let mut outs = Vec::new();
        for m in [&mut on_mirror, &mut on_oracle] {
            m.chain.advance(BLOCK_MS);
            m.report(price * UNIT, ONE / 2).expect("readings");
            let sell_base = PoolSwap::exact_in(m.base, 300 * UNIT);
            let sell_quote = PoolSwap::exact_in(m.quote, 2_000 * UNIT);
            outs.push((
                pool::swap_exact_in(&mut m.chain, BOB, m.pool, sell_base),
                pool::swap_exact_in(&mut m.chain, BOB, m.pool, sell_quote),
                pool::curve_state(&mut m.chain, m.pool),
            ));
        }
        // then they pay the same, to the unit, and leave the same curve
        assert!(
            outs[0].0.is_ok() && outs[0].1.is_ok(),
            "block {block}: {:?}",
            outs[0]
        );
        assert_eq!(outs[0], outs[1], "block {block}");
    }
}

#[test]
fn only_the_oracle_writes_its_mirror() {
    let mut m = Fixture::standard();
    let mirror = mirror_of(&m);
    let before = oracle::mirrored(&mut m.chain, mirror);
    let forged = OracleData {
        price: 5 * UNIT,
        volatility: ONE / 100,
        timestamp: m.chain.now(),
    };
    // neither an outsider nor the oracle's own owner may write or withdraw an answer
    for who in [MALLORY, OWNER] {
        for answer in [Some(forged), None] {
            assert_eq!(
                oracle::record(&mut m.chain, who, mirror, answer),
                Err(OracleError::NotSource)
            );
        }
    }
    assert_eq!(oracle::mirrored(&mut m.chain, mirror), before);
    assert_ne!(before.map(|a| a.price), Ok(forged.price));
}

#[test]
fn the_oracle_takes_as_its_mirror_only_a_mirror_of_itself() {
    // given a second oracle and a mirror of it
    let mut m = Fixture::standard();
    let mirror = mirror_of(&m);
    let other = oracle::deploy(&mut m.chain, OWNER);
    let foreign = oracle::deploy_mirror(&mut m.chain, OWNER, other);
    // when the owner offers the foreign mirror, an account with no code, or the pool
    for candidate in [foreign, ALICE.account(), m.pool] {
        // then the oracle refuses it and keeps writing its own
        assert_eq!(
            oracle::set_mirror(&mut m.chain, OWNER, m.oracle, Some(candidate)),
            Err(OracleError::InvalidParameter)
        );
    }
    // and no one but the owner may change it
    assert_eq!(
        oracle::set_mirror(&mut m.chain, MALLORY, m.oracle, None),
        Err(OracleError::NotOwner)
    );
    m.chain.advance(BLOCK_MS);
    m.report(12 * UNIT, ONE / 2).expect("readings");
    assert_eq!(
        oracle::mirrored(&mut m.chain, mirror).map(|a| a.price),
        Ok(12 * UNIT)
    );
    assert_eq!(
        oracle::mirrored(&mut m.chain, foreign),
        Err(OracleError::UnknownFeed)
    );
}

#[test]
fn a_mirror_the_oracle_no_longer_writes_ages_until_the_pool_refuses_it() {
    // given the owner points the oracle at no mirror
    let mut m = Fixture::standard();
    let mirror = mirror_of(&m);
    let kept = oracle::mirrored(&mut m.chain, mirror).expect("an answer");
    oracle::set_mirror(&mut m.chain, OWNER, m.oracle, None).expect("unset");
    // when the oracle's answer moves on
    m.chain.advance(BLOCK_MS);
    m.report(12 * UNIT, ONE / 2).expect("readings");
    // then the mirror keeps the old answer with its old time: never a newer price than it has
    assert_eq!(oracle::mirrored(&mut m.chain, mirror), Ok(kept));
    // and once that time is older than the pool accepts, the pool refuses to trade on it
    let max_age = pool::config(&mut m.chain, m.pool).max_oracle_age_ms;
    m.chain.advance(max_age);
    m.report(12 * UNIT, ONE / 2).expect("readings");
    let before = m.snapshot();
    let sale = PoolSwap::exact_in(m.base, 10 * UNIT);
    assert_eq!(
        pool::swap_exact_in(&mut m.chain, BOB, m.pool, sale),
        Err(PoolError::OracleStale)
    );
    assert_eq!(m.snapshot(), before);
}
