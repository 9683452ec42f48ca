//! The oracle's mirror: a copy of its answers that pools read instead of the oracle, written by
//! the oracle in the call that changes an answer and by no one else.

use keel_core::oracle::FeedConfig;
use keel_core::ONE;
use keel_harness::oracle::{self, Reading};
use keel_harness::pool::{self, PoolSwap};
use keel_harness::{Fixture, Setup, ALICE, BOB, MALLORY, OWNER, REPORTER, REPORTER_B, UNIT};
use keel_interface::pool::PoolError;
use keel_interface::{OracleData, OracleError};

const BLOCK_MS: u64 = 6_000;

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
        let r = Reading::now(&m.chain, 13 * UNIT);
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
            Err(OracleError::NotMirror)
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
fn moving_to_another_mirror_retires_the_old_one_for_good() {
    // given the default market on mirror A
    let mut m = Fixture::standard();
    let a = mirror_of(&m);
    let b = oracle::deploy_mirror(&mut m.chain, OWNER, m.oracle);
    // when the owner moves the oracle to mirror B
    oracle::set_mirror(&mut m.chain, OWNER, m.oracle, Some(b)).expect("move to B");
    // then A answers nothing, so the pool on it stops trading instead of pricing with A's last
    // answer, and A can never be taken back
    assert_eq!(oracle::mirrored(&mut m.chain, a), Err(OracleError::UnknownFeed));
    let before = m.snapshot();
    let sale = PoolSwap::exact_in(m.base, 10 * UNIT);
    assert_eq!(
        pool::swap_exact_in(&mut m.chain, BOB, m.pool, sale),
        Err(PoolError::Oracle(OracleError::UnknownFeed))
    );
    assert_eq!(m.snapshot(), before);
    assert_eq!(
        oracle::set_mirror(&mut m.chain, OWNER, m.oracle, Some(a)),
        Err(OracleError::NotMirror)
    );
    // and B holds the feed once anyone syncs it, then follows every answer
    assert_eq!(oracle::mirrored(&mut m.chain, b), Err(OracleError::UnknownFeed));
    oracle::sync_mirror(&mut m.chain, MALLORY, m.oracle).expect("anyone syncs");
    assert_eq!(
        oracle::mirrored(&mut m.chain, b),
        oracle::latest(&mut m.chain, m.oracle)
    );
    m.chain.advance(BLOCK_MS);
    m.report(12 * UNIT, ONE / 2).expect("readings");
    assert_eq!(oracle::mirrored(&mut m.chain, b).map(|a| a.price), Ok(12 * UNIT));
}

#[test]
fn a_reconfiguration_that_withdraws_the_answer_withdraws_the_mirrors() {
    // given two fresh readings of three, after the fixture's first three expired
    let mut m = Fixture::standard();
    let mirror = mirror_of(&m);
    m.chain.advance(FeedConfig::default().expiry_ms + BLOCK_MS);
    for who in [REPORTER, REPORTER_B] {
        let r = Reading::now(&m.chain, 11 * UNIT);
        oracle::submit(&mut m.chain, who, m.oracle, r).expect("reading");
    }
    assert_eq!(
        oracle::mirrored(&mut m.chain, mirror).map(|a| a.price),
        Ok(11 * UNIT)
    );
    // when the owner raises the quorum to three
    let three = FeedConfig {
        quorum: 3,
        ..FeedConfig::default()
    };
    oracle::configure_feed(&mut m.chain, OWNER, m.oracle, three).expect("reconfigure");
    // then the oracle has no answer, and neither has its mirror
    assert_eq!(
        oracle::latest(&mut m.chain, m.oracle),
        Err(OracleError::UnknownFeed)
    );
    assert_eq!(
        oracle::mirrored(&mut m.chain, mirror),
        Err(OracleError::UnknownFeed)
    );
}

#[test]
fn every_change_the_mirror_refuses_is_refused_whole_and_the_owner_can_leave_it() {
    // given the oracle on a mirror that refuses every write
    let mut m = Fixture::standard();
    let wasm = &keel_harness::chain::bundles().mirror_refusing.wasm;
    let refusing = oracle::deploy_mirror_code(&mut m.chain, OWNER, m.oracle, wasm);
    oracle::set_mirror(&mut m.chain, OWNER, m.oracle, Some(refusing)).expect("it is a mirror of this oracle");
    m.chain.advance(BLOCK_MS);
    let answer = oracle::answer(&mut m.chain, m.oracle);
    let readings = oracle::readings(&mut m.chain, m.oracle);
    let config = oracle::feed_config(&mut m.chain, m.oracle);
    // when a reading would change the answer, a reconfiguration or a removal would derive it again
    let r = Reading::now(&m.chain, 12 * UNIT);
    let refused = [
        oracle::submit(&mut m.chain, REPORTER, m.oracle, r),
        oracle::sync_mirror(&mut m.chain, MALLORY, m.oracle),
        oracle::configure_feed(
            &mut m.chain,
            OWNER,
            m.oracle,
            FeedConfig {
                quorum: 3,
                ..FeedConfig::default()
            },
        ),
        oracle::remove_reporter(&mut m.chain, OWNER, m.oracle, REPORTER.account()),
    ];
    // then each is refused, and the oracle's answer, readings and configuration stay as they were
    assert_eq!(refused, [Err(OracleError::MirrorFailed); 4]);
    assert_eq!(oracle::answer(&mut m.chain, m.oracle), answer);
    assert_eq!(oracle::readings(&mut m.chain, m.oracle), readings);
    assert_eq!(oracle::feed_config(&mut m.chain, m.oracle), config);
    // and the owner can still leave it (it refuses its retirement too), and the feed moves again
    oracle::set_mirror(&mut m.chain, OWNER, m.oracle, None).expect("leave the refusing mirror");
    oracle::submit(&mut m.chain, REPORTER, m.oracle, r).expect("the reading lands");
}
