//! A compromised reporter key, readings stamped ahead of the chain, and a genuine crash: the
//! pool's price is the median of a quorum of reporters' fresh readings, one reading per reporter
//! and block, stamped no later than the block.

use crate::assert_solvent;
use keel_core::oracle::FeedConfig;
use keel_harness::oracle::{self, Reading};
use keel_harness::pool::{self, PoolSwap};
use keel_harness::{Fixture, MALLORY, REPORTER, REPORTER_B, REPORTER_C, UNIT};
use keel_interface::{OracleError, PoolError};

const BLOCK_MS: u64 = 6_000;
const PRICE: u128 = 10 * UNIT;
const VOL: u128 = UNIT / 10 * 8;

fn at(m: &Fixture, price: u128, volatility: u128) -> Reading {
    Reading {
        price,
        volatility,
        timestamp: m.chain.now(),
    }
}

#[test]
fn one_reporter_of_three_lying_for_many_blocks_moves_neither_price_nor_volatility_nor_k() {
    // given the fixture's feed (three reporters, quorum two), whose honest reporters read 10.00
    // and 10.01, and the pool's market then
    let mut m = Fixture::standard();
    let honest = [PRICE, PRICE + UNIT / 100];
    let start = pool::market_status(&mut m.chain, m.pool).expect("market");
    for block in 0..40u128 {
        m.chain.advance(BLOCK_MS);
        // when REPORTER's key, in Mallory's hands, reports 20% high, then 20% low, with ten
        // times the volatility, and tries a second reading in the same block
        let lie = if block % 2 == 0 {
            PRICE / 10 * 12
        } else {
            PRICE / 10 * 8
        };
        // (first in even blocks, last in odd ones, so the pool is read while this block's fresh
        // readings and the last block's older ones mix)
        let mut order = vec![
            (REPORTER, lie, VOL * 10),
            (REPORTER_B, honest[0], VOL),
            (REPORTER_C, honest[1], VOL),
        ];
        if block % 2 == 1 {
            order.rotate_left(1);
        }
        for (reporter, price, volatility) in order {
            let r = at(&m, price, volatility);
            oracle::submit(&mut m.chain, reporter, m.oracle, r).expect("a reading");
            if reporter == REPORTER {
                let again = at(&m, PRICE * 2, VOL * 10);
                assert_eq!(
                    oracle::submit(&mut m.chain, REPORTER, m.oracle, again),
                    Err(OracleError::AlreadyReported)
                );
            }
            // then after every reading the pool prices within the honest readings
            let now = pool::market_status(&mut m.chain, m.pool).expect("market");
            assert!(
                (honest[0]..=honest[1]).contains(&now.price),
                "block {block}, after {reporter:?}: {}",
                now.price
            );
        }
        // and, once the block's readings are in, with the honest volatility, k and fee
        let now = pool::market_status(&mut m.chain, m.pool).expect("market");
        assert!(
            (honest[0]..=honest[1]).contains(&now.price),
            "block {block}: {}",
            now.price
        );
        assert_eq!(
            (now.volatility, now.k, now.fee),
            (start.volatility, start.k, start.fee),
            "block {block}"
        );
        // and the realised volatility is the honest reporters' (C's one move from the fixture's
        // 10 to 10.01), not the liar's swings nor the median flipping between honest readings
        let answer = oracle::answer(&mut m.chain, m.oracle).expect("answer");
        let honest_realized = oracle::readings(&mut m.chain, m.oracle)
            .iter()
            .filter(|s| s.reporter != REPORTER.account())
            .map(|s| s.realized.volatility())
            .max()
            .expect("honest slots");
        assert!(answer.realized_volatility <= honest_realized, "block {block}");
        assert!(answer.realized_volatility < VOL / 5, "block {block}");
    }
    assert_solvent(&mut m);
}

#[test]
fn a_thirty_percent_crash_reported_by_a_quorum_is_the_price_within_three_readings() {
    let mut m = Fixture::standard();
    let crashed = PRICE / 10 * 7;
    m.chain.advance(BLOCK_MS);
    // when the reporters report the crash one after another
    let mut readings = 0;
    for reporter in [REPORTER, REPORTER_B, REPORTER_C] {
        let r = at(&m, crashed, VOL * 3);
        oracle::submit(&mut m.chain, reporter, m.oracle, r).expect("the crash is accepted");
        readings += 1;
        if pool::market_status(&mut m.chain, m.pool).expect("market").price == crashed {
            break;
        }
    }
    // then the quorum's second reading made it the price, and the pool trades at it
    assert_eq!(readings, 2);
    let market = pool::market_status(&mut m.chain, m.pool).expect("market");
    assert_eq!(market.price, crashed);
    assert!(!market.stale);
    let (bid, ask) = pool::bid_ask(&mut m.chain, m.pool, UNIT).expect("quotes");
    assert!(bid < crashed && ask > crashed, "bid {bid}, ask {ask}");
    pool::swap_exact_in(
        &mut m.chain,
        MALLORY,
        m.pool,
        PoolSwap::exact_in(m.quote, 1_000 * UNIT),
    )
    .expect("the pool trades after the crash");
    // and the reporters keep reporting afterwards: the feed is not frozen
    m.chain.advance(BLOCK_MS);
    m.report(crashed / 10 * 9, VOL * 3).expect("a further fall");
    assert_eq!(
        pool::market_status(&mut m.chain, m.pool).expect("market").price,
        crashed / 10 * 9
    );
    assert_solvent(&mut m);
}

#[test]
fn readings_ahead_of_the_block_are_refused_and_never_lock_honest_reporters_out() {
    let mut m = Fixture::standard();
    for _ in 0..10 {
        m.chain.advance(BLOCK_MS);
        let now = m.chain.now();
        // when the compromised key stamps readings 1 ms to 30 s ahead of the block
        for ahead in [1, 1_000, 30_000] {
            let r = Reading {
                timestamp: now + ahead,
                ..at(&m, PRICE, VOL)
            };
            assert_eq!(
                oracle::submit(&mut m.chain, REPORTER, m.oracle, r),
                Err(OracleError::TimestampInFuture)
            );
        }
        // then every reporter stamping the block time is still accepted, and the pool reads the
        // answer's true age
        m.report(PRICE, VOL).expect("honest readings");
        let market = pool::market_status(&mut m.chain, m.pool).expect("market");
        assert_eq!((market.timestamp, market.age_ms), (now, 0));
    }
}

#[test]
fn expired_readings_leave_an_aging_answer_the_pool_refuses_until_a_quorum_reports_again() {
    // given readings older than the feed's expiry
    let mut m = Fixture::standard();
    m.chain.advance(FeedConfig::default().expiry_ms + BLOCK_MS);
    // then the oracle and the pool's source still answer the last price, older than the pool's
    // bound
    let bound = keel_interface::pool::PoolConfig::default().max_oracle_age_ms;
    for source in [Some(m.oracle), m.mirror].into_iter().flatten() {
        let answer = oracle::latest(&mut m.chain, source).expect("the last answer stays");
        assert!(m.chain.now() - answer.timestamp > bound);
    }
    // and the pool refuses to trade on it, in either direction, and nothing moves
    refuses_both_ways(&mut m);
    // and one fresh reading is not a quorum, two are
    let r = at(&m, PRICE, VOL);
    oracle::submit(&mut m.chain, REPORTER, m.oracle, r).expect("one");
    refuses_both_ways(&mut m);
    let r = at(&m, PRICE, VOL);
    oracle::submit(&mut m.chain, REPORTER_B, m.oracle, r).expect("two");
    pool::swap_exact_in(
        &mut m.chain,
        MALLORY,
        m.pool,
        PoolSwap::exact_in(m.base, 1_000 * UNIT),
    )
    .expect("trades again");
    assert_solvent(&mut m);
}

/// Sales of 1,000 base and of 10,000 quote are both refused as `OracleStale`, moving nothing.
fn refuses_both_ways(m: &mut Fixture) {
    for (token_in, amount) in [(m.base, 1_000 * UNIT), (m.quote, 10_000 * UNIT)] {
        m.assert_refused(PoolError::OracleStale, |m| {
            pool::swap_exact_in(
                &mut m.chain,
                MALLORY,
                m.pool,
                PoolSwap::exact_in(token_in, amount),
            )
        });
    }
}
