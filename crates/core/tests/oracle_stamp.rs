//! Properties of a feed's answer over any fresh readings (`keel_core::oracle::answer`):
//! - it answers exactly when a quorum is fresh and an even count's middle prices agree within
//!   0.5%: the stamp never withholds an answer, whatever the prices (the bounds included);
//! - its stamp is the time of one of the readings, at least `quorum` readings were observed at
//!   or after it, and it is never fresher than the `quorum`-th freshest reading's;
//! - while honest readings are the majority and agree within 0.4%, liars at any time, inside
//!   the honest band or near it, never make it older than the honest readings' own
//!   `quorum`-th freshest;
//! - with fewer than `quorum` readings within 0.5% of the price it is the oldest reading's, so a
//!   liar between two honest readings that disagree lends its price neither one's age;
//! - with fewer liars than the quorum, whatever the honest readings say, it is never fresher
//!   than the honest readings near its price allow: `f` liars lend it at most `f` places among
//!   the readings that agree with it (a liar stamping now, at a price only older honest readings
//!   report, cannot give that price a fresher honest reading's age at another price).

mod common;

use keel_core::oracle::{answer, FeedConfig, OracleData, Slot};
use keel_core::{MAX_PRICE, MIN_PRICE, ONE};
use proptest::prelude::*;

const NOW: u64 = 1_700_000_000_000;
const EXPIRY: u64 = 60_000;

fn feed(quorum: u8) -> FeedConfig {
    FeedConfig {
        quorum,
        expiry_ms: EXPIRY,
        ..FeedConfig::default()
    }
}

/// One slot a reading, as (price, age in ms).
fn slots(readings: &[(u128, u64)]) -> Vec<Slot<usize>> {
    readings
        .iter()
        .enumerate()
        .map(|(i, &(price, age))| Slot {
            reading: Some(OracleData {
                price,
                volatility: ONE / 2,
                timestamp: NOW - age,
            }),
            block: 1,
            ..Slot::new(i)
        })
        .collect()
}

/// Prices from the bounds and around 10, where readings agree and disagree.
fn price() -> impl Strategy<Value = u128> {
    prop_oneof![
        Just(MIN_PRICE),
        Just(MAX_PRICE),
        (9_900u128..10_100).prop_map(|p| p * ONE / 1_000),
        (1u128..1_000_000).prop_map(|p| p * ONE / 1_000),
    ]
}

fn reading() -> impl Strategy<Value = (u128, u64)> {
    (price(), 0..=EXPIRY)
}

/// Readings in up to four clusters 2% apart around 10, each spread over 0.6%: readings of two
/// clusters never agree, readings of one mostly do, and some of them lie either side of the 0.5%
/// within which readings agree.
fn clustered() -> impl Strategy<Value = (u128, u64)> {
    (0u128..4, 0u128..=60, 0..=EXPIRY).prop_map(|(cluster, bps, age)| {
        let price = 10 * ONE / 100 * (100 + 2 * cluster) / 10_000 * (10_000 + bps);
        (price, age)
    })
}

/// A quorum from `least` to `most` (both at least 1), picked by `pick`.
fn quorum_within(least: usize, most: usize, pick: usize) -> u8 {
    let q = least + pick % (most - least + 1);
    u8::try_from(q).expect("at most nine")
}

/// Whether a reading at `reading` lies within 0.5% of `price` (the stamp's agreement).
fn near(reading: u128, price: u128) -> bool {
    reading
        .abs_diff(price)
        .checked_mul(10_000)
        .is_some_and(|d| d <= price * 50)
}

/// The `n`-th largest of `times` (1 is the largest).
fn nth_freshest(times: &[u64], n: usize) -> u64 {
    let mut t = times.to_vec();
    t.sort_unstable_by(|a, b| b.cmp(a));
    t[n - 1]
}

proptest! {
    #![proptest_config(common::config())]

    #[test]
    fn the_stamp_never_withholds_an_answer_nor_makes_it_fresher(
        readings in prop::collection::vec(reading(), 1..=9),
        quorum in 1u8..=9,
    ) {
        let n = readings.len();
        let got = answer(&slots(&readings), &feed(quorum), NOW);
        let mut prices: Vec<u128> = readings.iter().map(|r| r.0).collect();
        prices.sort_unstable();
        let (low, high) = (prices[(n - 1) / 2], prices[n / 2]);
        let agree = (high - low).checked_mul(10_000).is_some_and(|d| d <= low * 50);
        prop_assert_eq!(got.is_some(), n >= usize::from(quorum) && agree);
        if let Some(a) = got {
            let times: Vec<u64> = readings.iter().map(|r| NOW - r.1).collect();
            prop_assert!(times.contains(&a.timestamp));
            let at_or_after = times.iter().filter(|&&t| t >= a.timestamp).count();
            prop_assert!(at_or_after >= usize::from(quorum));
            prop_assert!(a.timestamp <= nth_freshest(&times, usize::from(quorum)));
        }
    }

    #[test]
    fn liars_in_the_minority_cannot_make_the_stamp_older_than_agreeing_honest_readings(
        (centre, honest, liars) in (5_000u128..20_000, 1usize..=9).prop_flat_map(|(centre, h)| {
            let f = (h - 1).min(9 - h);
            (
                Just(centre),
                prop::collection::vec((0u128..=40, 0..=EXPIRY), h),
                // Liars from 1.5% below to 1.5% above the honest band, inside it and out.
                prop::collection::vec((0u128..=340, 0..=EXPIRY), 0..=f),
            )
        }),
        pick in 0usize..9,
    ) {
        // Honest prices within 0.4% of each other: centre x (1 + k / 10,000), k <= 40; liars at
        // centre x (1 + (k - 150) / 10,000).
        let at = |k: u128| centre * ONE / 1_000 * (9_850 + k) / 10_000;
        let honest: Vec<(u128, u64)> = honest.iter().map(|&(k, age)| (at(k + 150), age)).collect();
        let liars: Vec<(u128, u64)> = liars.iter().map(|&(k, age)| (at(k), age)).collect();
        // A quorum the honest readings can meet on their own.
        let quorum = quorum_within(1, honest.len(), pick);
        let q = usize::from(quorum);
        let mut all = honest.clone();
        all.extend(&liars);
        let got = answer(&slots(&all), &feed(quorum), NOW);
        let honest_times: Vec<u64> = honest.iter().map(|r| NOW - r.1).collect();
        // An odd count's median lies among the honest readings; an even count may disagree.
        if all.len() % 2 == 1 {
            prop_assert!(got.is_some());
        }
        if let Some(a) = got {
            prop_assert!(a.timestamp >= nth_freshest(&honest_times, q));
        }
    }

    #[test]
    fn with_too_few_readings_near_the_price_the_stamp_is_the_oldest_reading(
        readings in prop::collection::vec(prop_oneof![clustered(), reading()], 2..=9),
        pick in 0usize..9,
    ) {
        // The answer's price does not depend on the quorum, so the readings near it are counted
        // first and the quorum drawn above them: every case is one the property speaks of (an
        // even count whose middles disagree, which gives no answer, is drawn again).
        let n = readings.len();
        let priced = answer(&slots(&readings), &feed(1), NOW);
        prop_assume!(priced.is_some());
        let price = priced.expect("assumed").price;
        let near = readings
            .iter()
            .filter(|r| near(r.0, price))
            .count();
        prop_assume!(near < n);
        let quorum = quorum_within(near + 1, n, pick);
        let a = answer(&slots(&readings), &feed(quorum), NOW).expect("a quorum of fresh readings");
        prop_assert_eq!(a.price, price);
        let oldest = readings.iter().map(|r| NOW - r.1).min();
        prop_assert_eq!(Some(a.timestamp), oldest);
    }

    #[test]
    fn fewer_liars_than_the_quorum_lend_the_stamp_no_more_than_their_own_places(
        (honest, liars) in (1usize..=8).prop_flat_map(|h| (
            prop::collection::vec(prop_oneof![reading(), clustered()], h),
            prop::collection::vec(prop_oneof![reading(), clustered()], 0..=(9 - h).min(4)),
        )),
        pick in 0usize..9,
    ) {
        let mut all = honest.clone();
        all.extend(&liars);
        let quorum = quorum_within(liars.len() + 1, all.len(), pick);
        let q = usize::from(quorum);
        let a = answer(&slots(&all), &feed(quorum), NOW);
        // An even count whose middles disagree gives no answer: drawn again.
        prop_assume!(a.is_some());
        let a = a.expect("assumed");
        let agreeing: Vec<u64> = honest
            .iter()
            .filter(|r| near(r.0, a.price))
            .map(|r| NOW - r.1)
            .collect();
        let places = q - liars.len();
        // With fewer agreeing honest readings than places, fewer than `quorum` readings are near
        // the price (liars fill at most their own number), so the stamp is the oldest reading's.
        if agreeing.len() >= places {
            prop_assert!(a.timestamp <= nth_freshest(&agreeing, places));
        } else {
            let oldest = all.iter().map(|r| NOW - r.1).min().expect("readings");
            prop_assert_eq!(a.timestamp, oldest);
        }
    }

    #[test]
    fn a_fresh_liar_at_a_stale_honest_price_leaves_it_stale(
        stale in 9_000u128..11_000,
        moved_bps in 60u128..2_000,
        stale_age in 10_000..=EXPIRY,
        fresh_age in 0u64..5_000,
    ) {
        // Honest readings: the stale price, and a fresh one that moved past 0.5%; the liar
        // repeats the stale price stamped now.
        let stale = stale * ONE / 1_000;
        let moved = stale / 10_000 * (10_000 - moved_bps);
        let readings = [(stale, stale_age), (moved, fresh_age), (stale, 0)];
        let a = answer(&slots(&readings), &feed(2), NOW).expect("an odd count answers");
        prop_assert_eq!(a.price, stale);
        prop_assert_eq!(a.timestamp, NOW - stale_age);
    }
}
