//! A feed's rules, reporter by reporter.

use super::feed::MAX_EXPIRY_MS;
use super::*;
use crate::ONE;

const START: u64 = 1_700_000_000_000;
const BLOCK_MS: u64 = 6_000;

/// A feed with `n` reporters (named 0..n) and a quorum, stepping block by block.
struct Feed {
    config: FeedConfig,
    slots: Vec<Slot<u8>>,
    answer: Option<Answer>,
    block: u64,
}

impl Feed {
    fn new(n: u8, quorum: u8) -> Feed {
        Feed {
            config: FeedConfig {
                quorum,
                ..FeedConfig::default()
            },
            slots: (0..n).map(Slot::new).collect(),
            answer: None,
            block: 1,
        }
    }

    fn now(&self) -> u64 {
        START + self.block * BLOCK_MS
    }

    fn next_block(&mut self) {
        self.block += 1;
    }

    fn submit_reading(&mut self, reporter: u8, reading: OracleData) -> Result<Option<Answer>, OracleError> {
        let clock = Clock {
            now_ms: self.now(),
            block: self.block,
        };
        let answer = submit(&mut self.slots, &self.config, &reporter, reading, clock)?;
        if answer.is_some() {
            self.answer = answer;
        }
        Ok(answer)
    }

    fn submit_at(
        &mut self,
        reporter: u8,
        price: u128,
        timestamp: u64,
    ) -> Result<Option<Answer>, OracleError> {
        let reading = OracleData {
            price,
            volatility: ONE / 2,
            timestamp,
        };
        self.submit_reading(reporter, reading)
    }

    fn submit(&mut self, reporter: u8, price: u128) -> Result<Option<Answer>, OracleError> {
        self.submit_at(reporter, price, self.now())
    }

    fn price(&self) -> Option<u128> {
        self.answer.map(|a| a.price)
    }
}

#[test]
fn one_liar_of_three_never_moves_the_price_or_the_volatility_however_long_it_lies() {
    let mut feed = Feed::new(3, 2);
    let honest = [10 * ONE, 10 * ONE + ONE / 100];
    for block in 0..500 {
        feed.submit(0, honest[0]).expect("honest");
        // the liar alternates 20% high and low, claiming ten times the volatility
        let lie = if block % 2 == 0 { 12 * ONE } else { 8 * ONE };
        let reading = OracleData {
            price: lie,
            volatility: 5 * ONE,
            timestamp: feed.now(),
        };
        feed.submit_reading(1, reading).expect("liar");
        feed.submit(2, honest[1]).expect("honest");
        let answer = feed.answer.expect("answer");
        assert!(
            (honest[0]..=honest[1]).contains(&answer.price),
            "block {block}: {}",
            answer.price
        );
        assert_eq!(answer.reported_volatility, ONE / 2, "block {block}");
        assert_eq!(answer.realized_volatility, 0, "block {block}");
        feed.next_block();
    }
}

/// Three reporters, one offline: two fresh readings, reporter 0 honest at `honest`, reporter 1 a
/// liar choosing each block's lie from the answer so far. Returns the answers.
fn even_count_under(honest: u128, lie: impl Fn(u128) -> u128, blocks: u32) -> Vec<u128> {
    let mut feed = Feed::new(3, 2);
    feed.submit(0, 10 * ONE).expect("start");
    feed.submit(1, 10 * ONE).expect("start");
    (0..blocks)
        .map(|_| {
            feed.next_block();
            feed.submit(0, honest).expect("honest");
            let answer = feed.price().expect("answer");
            feed.submit(1, lie(answer)).expect("liar");
            feed.price().expect("answer")
        })
        .collect()
}

#[test]
fn a_liar_among_an_even_count_cannot_walk_the_price() {
    let honest = 10 * ONE + ONE / 1000;
    let quarter = honest / 10_000 * 25 + 1;
    // a lie mirrored through the answer (the walk a "middle nearer the previous answer" rule
    // allowed), and a lie just inside the agreement band below the answer, every block
    let mirrored = even_count_under(honest, |answer| (2 * answer).saturating_sub(honest), 100);
    let creeping = even_count_under(honest, |answer| answer / 10_000 * 9_951, 100);
    for (block, price) in mirrored.iter().chain(&creeping).enumerate() {
        assert!(price.abs_diff(honest) <= quarter, "block {block}: {price}");
    }
}

#[test]
fn an_even_count_answers_with_the_mean_of_its_middles_only_while_they_agree() {
    let honest = 10 * ONE;
    // 50 bps of the lower price apart: the mean
    let inside = even_count_under(honest, |_| honest + honest / 10_000 * 50, 1);
    assert_eq!(inside, [honest + honest / 10_000 * 25]);
    // over 50 bps apart: no new answer; the one before the lie (the honest 10.001 with the
    // liar's earlier 10) stands
    let outside = even_count_under(honest + ONE / 1000, |_| honest + honest / 10_000 * 52, 1);
    assert_eq!(outside, [10 * ONE + ONE / 2000]);
}

#[test]
fn a_crash_a_quorum_reports_is_the_price_within_its_quorum_of_readings() {
    let mut feed = Feed::new(3, 2);
    for r in 0..3 {
        feed.submit(r, 10 * ONE).expect("before");
    }
    feed.next_block();
    assert_eq!(
        feed.submit(0, 7 * ONE).expect("first").map(|a| a.price),
        Some(10 * ONE)
    );
    assert_eq!(
        feed.submit(1, 7 * ONE).expect("second").map(|a| a.price),
        Some(7 * ONE)
    );
}

#[test]
fn a_reporter_reads_once_per_block_and_never_ahead_of_it() {
    let mut feed = Feed::new(3, 2);
    feed.submit(0, 10 * ONE).expect("first");
    assert_eq!(feed.submit(0, 11 * ONE), Err(OracleError::AlreadyReported));
    feed.next_block();
    let now = feed.now();
    assert_eq!(
        feed.submit_at(0, 10 * ONE, now + 1),
        Err(OracleError::TimestampInFuture)
    );
    assert_eq!(
        feed.submit_at(0, 10 * ONE, now - BLOCK_MS),
        Err(OracleError::TimestampNotIncreasing)
    );
    assert_eq!(
        feed.submit_at(0, 10 * ONE, now - feed.config.expiry_ms - 1),
        Err(OracleError::ReadingExpired)
    );
    // (a reading exactly as old as the expiry is accepted: reporter 1's, on its own slot)
    let at_expiry = now - feed.config.expiry_ms;
    assert!(feed.submit_at(1, 10 * ONE, at_expiry).is_ok());
    assert_eq!(feed.submit(7, 10 * ONE), Err(OracleError::NotReporter));
    assert_eq!(feed.submit(0, 0), Err(OracleError::PriceOutOfBounds));
    // None of the refusals touched the slot.
    assert_eq!(feed.slots[0].block, 1);
}

#[test]
fn an_answer_needs_a_quorum_of_fresh_readings_and_carries_the_quorum_th_freshest_time() {
    let mut feed = Feed::new(3, 2);
    let first = feed.now();
    assert_eq!(feed.submit(0, 10 * ONE), Ok(None));
    feed.next_block();
    let answer = feed.submit(1, 10 * ONE).expect("second").expect("quorum");
    assert_eq!(answer.timestamp, first);
    assert_eq!(answer.readings, 2);
    // Past the expiry the first reading no longer counts: one fresh reading is no answer.
    for _ in 0..=(feed.config.expiry_ms / BLOCK_MS) {
        feed.next_block();
    }
    assert_eq!(feed.submit(1, 11 * ONE), Ok(None));
    assert_eq!(feed.price(), Some(10 * ONE));
}

#[test]
fn a_fresh_stamp_cannot_lend_its_age_to_a_price_only_older_readings_report() {
    // Honest 0 saw 95 two seconds ago, honest 1 still holds 100 from 40 s ago; key 2 submits 100
    // stamped now. The median is 100: the stamp is the older reading's that agrees with it.
    let mut feed = Feed::new(3, 2);
    let now = feed.now();
    feed.submit_at(1, 100 * ONE, now - 40_000).expect("lagging");
    feed.submit_at(0, 95 * ONE, now - 2_000).expect("fresh");
    let answer = feed.submit_at(2, 100 * ONE, now).expect("liar").expect("answer");
    assert_eq!(answer.price, 100 * ONE);
    assert_eq!(answer.timestamp, now - 40_000);
    // Once an honest reading agrees with the price freshly, the quorum of agreeing readings is
    // its and the key's: the answer is as old as the older of the two.
    feed.next_block();
    let later = feed.now();
    let answer = feed
        .submit_at(1, 100 * ONE, later - 1_000)
        .expect("caught up")
        .expect("answer");
    assert_eq!((answer.price, answer.timestamp), (100 * ONE, now));
}

#[test]
fn lagging_readings_that_set_the_median_set_its_age_whatever_the_quorum() {
    // Five reporters, a quorum of two: three still hold 100 from 50 s ago, two saw 95 now. The
    // median is the laggards' 100, so the answer is 50 s old, not as fresh as the two.
    let mut feed = Feed::new(5, 2);
    let now = feed.now();
    for r in 0..3 {
        feed.submit_at(r, 100 * ONE, now - 50_000).expect("lagging");
    }
    feed.submit(3, 95 * ONE).expect("fresh");
    let answer = feed.submit(4, 95 * ONE).expect("fresh").expect("answer");
    assert_eq!((answer.price, answer.timestamp), (100 * ONE, now - 50_000));
}

#[test]
fn readings_too_far_apart_to_agree_stamp_the_answer_with_the_oldest() {
    // 95, 100 and 105: the median alone agrees with itself
    let mut feed = Feed::new(3, 2);
    let now = feed.now();
    feed.submit_at(0, 95 * ONE, now - 30_000).expect("oldest");
    feed.submit_at(1, 100 * ONE, now - 10_000).expect("middle");
    let answer = feed.submit(2, 105 * ONE).expect("freshest").expect("answer");
    assert_eq!((answer.price, answer.timestamp), (100 * ONE, now - 30_000));
    // A key between two honest readings that disagree (95 two seconds ago, 100 forty seconds
    // ago), nearer the fresher, does not lend its price that reading's age
    let mut feed = Feed::new(3, 2);
    let now = feed.now();
    feed.submit_at(1, 100 * ONE, now - 40_000).expect("lagging");
    feed.submit_at(0, 95 * ONE, now - 2_000).expect("fresh");
    let answer = feed.submit(2, 974 * ONE / 10).expect("liar").expect("answer");
    assert_eq!((answer.price, answer.timestamp), (974 * ONE / 10, now - 40_000));
    // The price of the rule: an outlier held just inside the expiry makes the answer as old
    let mut feed = Feed::new(3, 2);
    let now = feed.now();
    let held = now - feed.config.expiry_ms + 1_000;
    feed.submit_at(2, 200 * ONE, held).expect("outlier");
    feed.submit_at(1, 100 * ONE, now - 25_000).expect("lagging");
    let answer = feed.submit(0, 102 * ONE).expect("fresh").expect("answer");
    assert_eq!((answer.price, answer.timestamp), (102 * ONE, held));
}

#[test]
fn a_reading_at_the_price_bound_among_honest_ones_still_lets_the_feed_answer() {
    // Its distance from the median in basis points is past u128: it disagrees, nothing more.
    let mut feed = Feed::new(3, 2);
    feed.next_block();
    feed.submit(0, 10 * ONE).expect("honest");
    feed.submit(2, crate::MAX_PRICE).expect("within the bounds");
    let answer = feed.submit(1, 10 * ONE).expect("honest").expect("answer");
    assert_eq!((answer.price, answer.timestamp), (10 * ONE, feed.now()));
}

/// Twelve samples, 30 s apart: key 0 swings between 12 and 10, each of `steady` reads 10.
fn swing(feed: &mut Feed, steady: &[u8]) {
    for i in 0..12 {
        let price = if i % 2 == 0 { 12 * ONE } else { 10 * ONE };
        feed.submit(0, price).expect("swinging");
        for &r in steady {
            feed.submit(r, 10 * ONE).expect("steady");
        }
        for _ in 0..5 {
            feed.next_block();
        }
    }
}

#[test]
fn one_reporters_realised_volatility_alone_is_no_answer_until_a_quorum_has_one() {
    // Key 0 swings 20% every sample and completes its sample first; the other two report
    // steadily but only from later on, so theirs are not complete yet.
    let mut feed = Feed::new(3, 2);
    swing(&mut feed, &[]);
    for r in 1..3 {
        feed.submit(r, 10 * ONE).expect("steady");
    }
    let answer = feed.answer.expect("answer");
    assert!(feed.slots[0].realized.samples > 0);
    assert_eq!(feed.slots[1].realized.samples, 0);
    assert_eq!(answer.realized_volatility, 0);
    assert_eq!(answer.data().volatility, ONE / 2);
    // Once a second reporter completes a sample, a quorum has one: the realised median counts,
    // over all three fresh readings, the third reporter standing in with what it reported.
    for _ in 0..5 {
        feed.next_block();
    }
    let answer = feed
        .submit(1, 10 * ONE + ONE / 10)
        .expect("steady")
        .expect("answer");
    assert!(feed.slots[1].realized.samples > 0);
    assert_eq!(feed.slots[2].realized.samples, 0);
    let (swinging, steady) = (
        feed.slots[0].realized.volatility(),
        feed.slots[1].realized.volatility(),
    );
    assert!(swinging > steady.max(ONE / 2), "{swinging} against {steady}");
    assert_eq!(answer.realized_volatility, steady.max(ONE / 2).min(swinging));
}

#[test]
fn a_liar_with_a_sample_cannot_set_the_realised_volatility_when_an_honest_key_is_replaced() {
    // given three reporters, one of them swinging 20% every sample, all with samples
    let mut feed = Feed::new(3, 2);
    swing(&mut feed, &[1, 2]);
    let liar = feed.slots[0].realized.volatility();
    assert!(liar > ONE, "the liar realised {liar}");
    assert_eq!(feed.answer.expect("answer").realized_volatility, 0);
    // when the owner replaces honest key 2 with a new one, which reports with no sample yet
    feed.slots[2] = Slot::new(3);
    let answer = feed
        .submit(3, 10 * ONE)
        .expect("the new key reports")
        .expect("answer");
    // then the three fresh readings, two of them honest, still hold the realised volatility:
    // the median of the steady key's (zero), the new key's reported and the liar's is the new
    // key's, not the liar's (the higher of the liar's and the steady key's, were the new key
    // left out)
    assert_eq!(feed.slots[2].realized.samples, 0);
    assert_eq!(answer.readings, 3);
    assert_eq!(answer.realized_volatility, ONE / 2);
    assert_eq!(answer.data().volatility, ONE / 2);
}

#[test]
fn with_an_even_count_half_the_readings_cannot_move_the_price() {
    let mut feed = Feed::new(4, 2);
    for r in 0..4 {
        feed.submit(r, 10 * ONE).expect("start");
    }
    feed.next_block();
    feed.submit(0, 13 * ONE).expect("liar");
    feed.submit(1, 13 * ONE).expect("liar");
    assert_eq!(feed.price(), Some(10 * ONE));
    feed.submit(2, 13 * ONE).expect("a third reports the move");
    assert_eq!(feed.price(), Some(13 * ONE));
}

#[test]
fn volatility_is_the_higher_of_reported_and_realised_and_clamped_not_refused() {
    let mut feed = Feed::new(3, 2);
    let wild = OracleData {
        price: 10 * ONE,
        volatility: u128::MAX,
        timestamp: feed.now(),
    };
    let clock = Clock {
        now_ms: feed.now(),
        block: feed.block,
    };
    let config = feed.config;
    submit(&mut feed.slots, &config, &0, wild, clock).expect("clamped");
    assert_eq!(
        feed.slots[0].reading.map(|r| r.volatility),
        Some(crate::MAX_VOLATILITY)
    );
    // Reporters say 50%/yr while their prices swing 3% every sample: the realised volatility rules.
    let mut feed = Feed::new(3, 2);
    let mut up = true;
    for _ in 0..200 {
        let price = if up { 103 * ONE / 10 } else { 10 * ONE };
        for r in 0..3 {
            feed.submit(r, price).expect("report");
        }
        up = !up;
        for _ in 0..5 {
            feed.next_block();
        }
    }
    let answer = feed.answer.expect("answer");
    assert!(answer.realized_volatility > answer.reported_volatility);
    assert_eq!(answer.data().volatility, answer.realized_volatility);
}

#[test]
fn feed_configs_are_bounded() {
    assert_eq!(FeedConfig::default().validate(), Ok(()));
    let bad = [
        FeedConfig {
            quorum: 0,
            ..FeedConfig::default()
        },
        FeedConfig {
            quorum: 10,
            ..FeedConfig::default()
        },
        FeedConfig {
            expiry_ms: MAX_EXPIRY_MS + 1,
            ..FeedConfig::default()
        },
        FeedConfig {
            expiry_ms: 999,
            ..FeedConfig::default()
        },
        FeedConfig {
            vol_sample_ms: 4_000_000,
            ..FeedConfig::default()
        },
        FeedConfig {
            vol_sample_ms: 0,
            ..FeedConfig::default()
        },
    ];
    for config in bad {
        assert_eq!(
            config.validate(),
            Err(OracleError::InvalidParameter),
            "{config:?}"
        );
    }
}
