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

use keel_core::oracle::{answer, FeedConfig, OracleData, Slot};
use keel_core::{MAX_PRICE, MIN_PRICE, ONE};
use proptest::prelude::*;

const NOW: u64 = 1_700_000_000_000;
const EXPIRY: u64 = 60_000;

fn config(quorum: u8) -> FeedConfig {
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

/// The `n`-th largest of `times` (1 is the largest).
fn nth_freshest(times: &[u64], n: usize) -> u64 {
    let mut t = times.to_vec();
    t.sort_unstable_by(|a, b| b.cmp(a));
    t[n - 1]
}

proptest! {
    #[test]
    fn the_stamp_never_withholds_an_answer_nor_makes_it_fresher(
        readings in prop::collection::vec(reading(), 1..=9),
        quorum in 1u8..=9,
    ) {
        let n = readings.len();
        let got = answer(&slots(&readings), &config(quorum), NOW);
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
        quorum in 1u8..=9,
    ) {
        // Honest prices within 0.4% of each other: centre x (1 + k / 10,000), k <= 40; liars at
        // centre x (1 + (k - 150) / 10,000).
        let at = |k: u128| centre * ONE / 1_000 * (9_850 + k) / 10_000;
        let honest: Vec<(u128, u64)> = honest.iter().map(|&(k, age)| (at(k + 150), age)).collect();
        let liars: Vec<(u128, u64)> = liars.iter().map(|&(k, age)| (at(k), age)).collect();
        let q = usize::from(quorum);
        prop_assume!(q <= honest.len());
        let mut all = honest.clone();
        all.extend(&liars);
        let got = answer(&slots(&all), &config(quorum), NOW);
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
        readings in prop::collection::vec(reading(), 1..=9),
        quorum in 1u8..=9,
    ) {
        if let Some(a) = answer(&slots(&readings), &config(quorum), NOW) {
            let near = readings
                .iter()
                .filter(|r| r.0.abs_diff(a.price).checked_mul(10_000).is_some_and(|d| d <= a.price * 50))
                .count();
            if near < usize::from(quorum) {
                let oldest = readings.iter().map(|r| NOW - r.1).min();
                prop_assert_eq!(Some(a.timestamp), oldest);
            }
        }
    }

    #[test]
    fn fewer_liars_than_the_quorum_lend_the_stamp_no_more_than_their_own_places(
        honest in prop::collection::vec(reading(), 1..=8),
        liars in prop::collection::vec(reading(), 0..=4),
        quorum in 1u8..=9,
    ) {
        let q = usize::from(quorum);
        prop_assume!(liars.len() < q && honest.len() + liars.len() <= 9);
        let mut all = honest.clone();
        all.extend(&liars);
        if let Some(a) = answer(&slots(&all), &config(quorum), NOW) {
            let agreeing: Vec<u64> = honest
                .iter()
                .filter(|r| r.0.abs_diff(a.price).checked_mul(10_000).is_some_and(|d| d <= a.price * 50))
                .map(|r| NOW - r.1)
                .collect();
            let places = q - liars.len();
            if agreeing.len() >= places {
                prop_assert!(a.timestamp <= nth_freshest(&agreeing, places));
            }
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
        let a = answer(&slots(&readings), &config(2), NOW).expect("an odd count answers");
        prop_assert_eq!(a.price, stale);
        prop_assert_eq!(a.timestamp, NOW - stale_age);
    }
}
