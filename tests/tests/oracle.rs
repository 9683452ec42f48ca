//! The oracle contract: feeds with their own reporters, one reading per reporter and block, the
//! median of a quorum of fresh readings, and who may administer what.

use keel_core::oracle::FeedConfig;
use keel_core::{MAX_PRICE, MAX_VOLATILITY};
use keel_harness::oracle::{self, Reading};
use keel_harness::{Fixture, CAROL, MALLORY, OWNER, REPORTER, REPORTER_B, REPORTER_C, UNIT};
use keel_interface::OracleError;

const BLOCK_MS: u64 = 6_000;

#[test]
fn the_answer_is_the_median_once_a_quorum_has_reported() {
    // given the fixture's feed: three reporters, a quorum of two
    let mut m = Fixture::standard();
    m.chain.advance(BLOCK_MS);
    // when one reporter reads 11
    {
        let r = Reading::now(&m.chain, 11 * UNIT);
        oracle::submit(&mut m.chain, REPORTER, m.oracle, r)
    }
    .expect("first");
    // then the median of 11, 10, 10 is still 10
    assert_eq!(
        oracle::latest(&mut m.chain, m.oracle).map(|r| r.price),
        Ok(10 * UNIT)
    );
    // and once a second reads 11, it is 11, stamped when the two readings of 11 were observed
    {
        let r = Reading::now(&m.chain, 11 * UNIT);
        oracle::submit(&mut m.chain, REPORTER_B, m.oracle, r)
    }
    .expect("second");
    let latest = oracle::latest(&mut m.chain, m.oracle).expect("latest");
    assert_eq!((latest.price, latest.timestamp), (11 * UNIT, m.chain.now()));
    let answer = oracle::answer(&mut m.chain, m.oracle).expect("answer");
    assert_eq!(answer.readings, 3);
    assert_eq!(oracle::readings(&mut m.chain, m.oracle).len(), 3);
}

#[test]
fn only_the_feeds_reporters_submit_and_only_the_owner_administers() {
    let mut m = Fixture::standard();
    m.chain.advance(BLOCK_MS);
    let before = oracle::answer(&mut m.chain, m.oracle);
    let r = Reading::now(&m.chain, 11 * UNIT);
    assert_eq!(
        oracle::submit(&mut m.chain, MALLORY, m.oracle, r),
        Err(OracleError::NotReporter)
    );
    assert_eq!(
        oracle::add_reporter(&mut m.chain, MALLORY, m.oracle, MALLORY.account()),
        Err(OracleError::NotOwner)
    );
    assert_eq!(
        oracle::remove_reporter(&mut m.chain, MALLORY, m.oracle, REPORTER.account()),
        Err(OracleError::NotOwner)
    );
    assert_eq!(
        oracle::configure_feed(
            &mut m.chain,
            MALLORY,
            m.oracle,
            FeedConfig {
                quorum: 1,
                ..FeedConfig::default()
            }
        ),
        Err(OracleError::NotOwner)
    );
    assert_eq!(
        oracle::add_reporter(&mut m.chain, OWNER, m.oracle, REPORTER.account()),
        Err(OracleError::AlreadyReporter)
    );
    assert_eq!(oracle::answer(&mut m.chain, m.oracle), before);
}

#[test]
fn a_removed_reporter_stops_counting_at_once_and_cannot_submit() {
    // given a compromised reporter whose reading is the median: 10 (C), 10.003 (it), 10.004 (B)
    let mut m = Fixture::standard();
    m.chain.advance(BLOCK_MS);
    for (who, price) in [
        (REPORTER_B, 10 * UNIT + UNIT / 250),
        (REPORTER, 10 * UNIT + UNIT / 1000 * 3),
    ] {
        let r = Reading::now(&m.chain, price);
        oracle::submit(&mut m.chain, who, m.oracle, r).expect("reading");
    }
    let before = oracle::answer(&mut m.chain, m.oracle).expect("answer");
    assert_eq!((before.price, before.readings), (10 * UNIT + UNIT / 1000 * 3, 3));
    // when the owner removes it
    oracle::remove_reporter(&mut m.chain, OWNER, m.oracle, REPORTER.account()).expect("remove");
    // then the answer is derived again from the two left (their mean), and the key can no
    // longer submit
    let answer = oracle::answer(&mut m.chain, m.oracle).expect("answer");
    assert_eq!((answer.price, answer.readings), (10 * UNIT + UNIT / 500, 2));
    m.chain.advance(BLOCK_MS);
    assert_eq!(
        {
            let r = Reading::now(&m.chain, 11 * UNIT);
            oracle::submit(&mut m.chain, REPORTER, m.oracle, r)
        },
        Err(OracleError::NotReporter)
    );
    assert_eq!(
        oracle::remove_reporter(&mut m.chain, OWNER, m.oracle, REPORTER.account()),
        Err(OracleError::NotReporter)
    );
    // and with too few fresh readings left for the quorum, the feed has no answer at all
    oracle::remove_reporter(&mut m.chain, OWNER, m.oracle, REPORTER_B.account()).expect("remove");
    assert_eq!(oracle::answer(&mut m.chain, m.oracle), None);
}

/// The fixture's three reporters after a minute of samples: `REPORTER` swinging its price 20%
/// every sample (the realised volatility's least interval), the other two steady. Returns the
/// liar's realised volatility.
fn a_liar_among_steady_keys(m: &mut Fixture) -> u128 {
    let sample_ms = FeedConfig::default().vol_sample_ms;
    for i in 0..12 {
        m.chain.advance(sample_ms);
        let swing = if i % 2 == 0 { 12 * UNIT } else { 10 * UNIT };
        for (who, price) in [
            (REPORTER, swing),
            (REPORTER_B, 10 * UNIT),
            (REPORTER_C, 10 * UNIT),
        ] {
            let r = Reading::now(&m.chain, price);
            oracle::submit(&mut m.chain, who, m.oracle, r).expect("reading");
        }
    }
    let steady = oracle::answer(&mut m.chain, m.oracle).expect("answer");
    assert_eq!(steady.realized_volatility, 0, "two steady keys of three hold it");
    let slots = oracle::readings(&mut m.chain, m.oracle);
    let liar = slots
        .iter()
        .find(|s| s.reporter == REPORTER.account())
        .expect("the liar's slot");
    let realised = liar.realized.volatility();
    assert!(realised > UNIT, "the liar realised {realised}");
    realised
}

fn realised(m: &mut Fixture) -> (u8, u128) {
    let a = oracle::answer(&mut m.chain, m.oracle).expect("answer");
    (a.readings, a.realized_volatility)
}

#[test]
fn a_replaced_reporters_successor_holds_the_realised_volatility_against_a_liar() {
    // given a liar with a sample among two steady keys
    let mut m = Fixture::standard();
    let liar = a_liar_among_steady_keys(&mut m);
    // when the owner removes a steady key first, the two fresh readings left are an even count,
    // whose higher middle is the liar's (the window adding the successor first avoids)
    oracle::remove_reporter(&mut m.chain, OWNER, m.oracle, REPORTER_C.account()).expect("remove");
    assert_eq!(realised(&mut m), (2, liar));
    // and once its successor reports, with no sample yet
    oracle::add_reporter(&mut m.chain, OWNER, m.oracle, CAROL.account()).expect("add");
    m.chain.advance(BLOCK_MS);
    let r = Reading::now(&m.chain, 10 * UNIT);
    oracle::submit(&mut m.chain, CAROL, m.oracle, r).expect("the successor reports");
    // then the swinging key no longer sets the realised volatility the pools price with: the
    // successor stands in with the volatility it reported (50%)
    assert_eq!(realised(&mut m), (3, UNIT / 2));
    assert_eq!(
        oracle::latest(&mut m.chain, m.oracle).map(|d| d.volatility),
        Ok(UNIT / 2)
    );
}

#[test]
fn a_successor_added_before_the_old_key_is_removed_never_lets_a_liar_set_the_realised_volatility() {
    // given a liar with a sample among two steady keys
    let mut m = Fixture::standard();
    a_liar_among_steady_keys(&mut m);
    // when the owner adds the successor, which reports, and only then removes the old key
    oracle::add_reporter(&mut m.chain, OWNER, m.oracle, CAROL.account()).expect("add");
    assert_eq!(realised(&mut m), (3, 0));
    m.chain.advance(BLOCK_MS);
    let r = Reading::now(&m.chain, 10 * UNIT);
    oracle::submit(&mut m.chain, CAROL, m.oracle, r).expect("the successor reports");
    // then four fresh readings answer with the higher middle of 0, 0, 50% and the liar's: 50%
    assert_eq!(realised(&mut m), (4, UNIT / 2));
    oracle::remove_reporter(&mut m.chain, OWNER, m.oracle, REPORTER_C.account()).expect("remove");
    // and three with the middle of 0, 50% and the liar's: 50%, never the liar's
    assert_eq!(realised(&mut m), (3, UNIT / 2));
}

#[test]
fn removing_a_reporter_whose_reading_has_expired_still_withdraws_an_answer_the_rest_cannot_give() {
    // given the fixture's three readings of 10, then one fresh reading of 10.1 thirty seconds on:
    // the answer stands on the three
    let mut m = Fixture::standard();
    m.chain.advance(5 * BLOCK_MS);
    let r = Reading::now(&m.chain, 10 * UNIT + UNIT / 10);
    oracle::submit(&mut m.chain, REPORTER, m.oracle, r).expect("reading");
    assert!(oracle::answer(&mut m.chain, m.oracle).is_some());
    // when, after the first three expired, the owner removes a reporter whose expired reading
    // shaped that answer
    m.chain.advance(FeedConfig::default().expiry_ms - 3 * BLOCK_MS);
    oracle::remove_reporter(&mut m.chain, OWNER, m.oracle, REPORTER_B.account()).expect("remove");
    // then the one fresh reading left cannot answer, and the answer is withdrawn
    assert_eq!(
        oracle::latest(&mut m.chain, m.oracle),
        Err(OracleError::UnknownFeed)
    );
}

#[test]
fn removing_a_reporter_whose_reading_expired_before_the_answer_leaves_the_answer_to_age() {
    // given the fixture's three readings of 10 and, once they expired, two fresh ones of 10.50
    // and 10.52, whose mean is the answer
    let mut m = Fixture::standard();
    m.chain.advance(FeedConfig::default().expiry_ms + 5 * BLOCK_MS);
    for (who, price) in [(REPORTER, 105 * UNIT / 10), (REPORTER_B, 1052 * UNIT / 100)] {
        let r = Reading::now(&m.chain, price);
        oracle::submit(&mut m.chain, who, m.oracle, r).expect("reading");
    }
    let before = oracle::latest(&mut m.chain, m.oracle).expect("answer");
    // when a block later the owner removes the third reporter, whose reading had expired before
    // that answer was derived, and a fresh reading disagrees past 0.5% (no new answer)
    m.chain.advance(BLOCK_MS);
    let r = Reading::now(&m.chain, 11 * UNIT);
    oracle::submit(&mut m.chain, REPORTER, m.oracle, r).expect("reading");
    oracle::remove_reporter(&mut m.chain, OWNER, m.oracle, REPORTER_C.account()).expect("remove");
    // then the answer stands, to age
    assert_eq!(oracle::latest(&mut m.chain, m.oracle), Ok(before));
}

#[test]
fn a_reading_at_the_price_bound_among_honest_ones_cannot_stop_the_feed() {
    // given one reporter at the highest price the oracle accepts
    let mut m = Fixture::standard();
    m.chain.advance(BLOCK_MS);
    let r = Reading::now(&m.chain, MAX_PRICE);
    oracle::submit(&mut m.chain, REPORTER_C, m.oracle, r).expect("within the bounds");
    // when the two others read 11
    for who in [REPORTER, REPORTER_B] {
        let r = Reading::now(&m.chain, 11 * UNIT);
        oracle::submit(&mut m.chain, who, m.oracle, r).expect("reading");
    }
    // then 11 is the answer, stamped now
    let latest = oracle::latest(&mut m.chain, m.oracle).expect("answer");
    assert_eq!((latest.price, latest.timestamp), (11 * UNIT, m.chain.now()));
}

#[test]
fn a_looser_rule_leaves_standing_an_answer_its_readings_no_longer_give() {
    // given four reporters: two readings of 10 from long ago, and two fresh ones (9.5 and 9.52)
    // whose mean is the answer
    let mut m = Fixture::standard();
    oracle::add_reporter(&mut m.chain, OWNER, m.oracle, CAROL.account()).expect("add");
    m.chain.advance(BLOCK_MS);
    let r = Reading::now(&m.chain, 10 * UNIT);
    oracle::submit(&mut m.chain, CAROL, m.oracle, r).expect("reading");
    m.chain.advance(FeedConfig::default().expiry_ms + 5 * BLOCK_MS);
    for (who, price) in [(REPORTER, 95 * UNIT / 10), (REPORTER_B, 952 * UNIT / 100)] {
        let r = Reading::now(&m.chain, price);
        oracle::submit(&mut m.chain, who, m.oracle, r).expect("reading");
    }
    let before = oracle::latest(&mut m.chain, m.oracle).expect("answer");
    assert_eq!(before.price, 951 * UNIT / 100);
    // when the owner lengthens the expiry to two minutes, which brings the two readings of 10 back:
    // four fresh readings whose middles (9.52 and 10) disagree
    let longer = FeedConfig {
        expiry_ms: 120_000,
        ..FeedConfig::default()
    };
    oracle::configure_feed(&mut m.chain, OWNER, m.oracle, longer).expect("reconfigure");
    // then the answer the stricter rule gave still stands
    assert_eq!(oracle::latest(&mut m.chain, m.oracle), Ok(before));
    // and a block later, shortening it to less than the fresh readings' age withdraws it
    m.chain.advance(BLOCK_MS);
    let shorter = FeedConfig {
        expiry_ms: 1_000,
        ..FeedConfig::default()
    };
    oracle::configure_feed(&mut m.chain, OWNER, m.oracle, shorter).expect("reconfigure");
    assert_eq!(
        oracle::latest(&mut m.chain, m.oracle),
        Err(OracleError::UnknownFeed)
    );
}

#[test]
fn zero_and_absurd_prices_are_refused_and_absurd_volatility_is_clamped() {
    let mut m = Fixture::standard();
    m.chain.advance(BLOCK_MS);
    let before = oracle::answer(&mut m.chain, m.oracle);
    let ok = Reading::now(&m.chain, 10 * UNIT);
    for bad in [
        Reading { price: 0, ..ok },
        Reading {
            price: MAX_PRICE + 1,
            ..ok
        },
    ] {
        assert_eq!(
            oracle::submit(&mut m.chain, REPORTER, m.oracle, bad),
            Err(OracleError::PriceOutOfBounds),
            "{bad:?}"
        );
    }
    assert_eq!(oracle::answer(&mut m.chain, m.oracle), before);
    // A volatility past the ceiling is taken at the ceiling, with the price that came with it.
    let wild = Reading {
        volatility: u128::MAX,
        ..ok
    };
    oracle::submit(&mut m.chain, REPORTER, m.oracle, wild).expect("clamped, not refused");
    let slot = oracle::readings(&mut m.chain, m.oracle)
        .into_iter()
        .find(|s| s.reporter == REPORTER.account())
        .and_then(|s| s.reading)
        .expect("the reading");
    assert_eq!(slot.volatility, MAX_VOLATILITY);
}

#[test]
fn readings_are_stamped_no_later_than_their_block_and_one_per_block() {
    let mut m = Fixture::standard();
    m.chain.advance(BLOCK_MS);
    let now = m.chain.now();
    let ahead = Reading {
        timestamp: now + 1,
        ..Reading::now(&m.chain, 10 * UNIT)
    };
    assert_eq!(
        oracle::submit(&mut m.chain, REPORTER, m.oracle, ahead),
        Err(OracleError::TimestampInFuture)
    );
    let stale = Reading {
        timestamp: now - FeedConfig::default().expiry_ms - 1,
        ..ahead
    };
    assert_eq!(
        oracle::submit(&mut m.chain, REPORTER, m.oracle, stale),
        Err(OracleError::ReadingExpired)
    );
    let older = Reading {
        timestamp: now - BLOCK_MS,
        ..ahead
    };
    assert_eq!(
        oracle::submit(&mut m.chain, REPORTER, m.oracle, older),
        Err(OracleError::TimestampNotIncreasing)
    );
    {
        let r = Reading::now(&m.chain, 10 * UNIT);
        oracle::submit(&mut m.chain, REPORTER, m.oracle, r)
    }
    .expect("one");
    let again = Reading {
        timestamp: now,
        ..Reading::now(&m.chain, 12 * UNIT)
    };
    assert_eq!(
        oracle::submit(&mut m.chain, REPORTER, m.oracle, again),
        Err(OracleError::AlreadyReported)
    );
}

#[test]
fn feed_settings_are_bounded() {
    let mut m = Fixture::standard();
    for bad in [
        FeedConfig {
            quorum: 0,
            ..FeedConfig::default()
        },
        FeedConfig {
            expiry_ms: 10 * 3_600_000,
            ..FeedConfig::default()
        },
    ] {
        assert_eq!(
            oracle::configure_feed(&mut m.chain, OWNER, m.oracle, bad),
            Err(OracleError::InvalidParameter)
        );
    }
}

#[test]
fn ownership_moves_only_when_the_new_owner_accepts() {
    let mut m = Fixture::standard();
    oracle::transfer_ownership(&mut m.chain, OWNER, m.oracle, MALLORY.account()).expect("offer");
    assert_eq!(oracle::owner(&mut m.chain, m.oracle), OWNER.account());
    assert_eq!(
        oracle::accept_ownership(&mut m.chain, REPORTER, m.oracle),
        Err(OracleError::NotPendingOwner)
    );
    oracle::accept_ownership(&mut m.chain, MALLORY, m.oracle).expect("accept");
    assert_eq!(oracle::owner(&mut m.chain, m.oracle), MALLORY.account());
    assert_eq!(
        oracle::accept_ownership(&mut m.chain, MALLORY, m.oracle),
        Err(OracleError::NotPendingOwner)
    );
}
