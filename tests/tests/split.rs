//! `rebalance_split`: a due pool sells its excess across its venues, each leg held to its own
//! venue's oracle bound and the whole to cheapest-first; `set_venues` lists them. A refused split
//! moves nothing.

use ink::primitives::AccountId;
use keel_harness::pool;
use keel_harness::venue::{self, VenueSwap};
use keel_harness::{Fixture, Setup, BOB, KEEPER, MALLORY, OWNER, UNIT};
use keel_interface::pool::{Leg, PoolError, RebalanceOutcome, VenuesUpdated};
use keel_interface::VenueError;

fn split(m: &mut Fixture, legs: &[Leg]) -> Result<RebalanceOutcome, PoolError> {
    pool::rebalance_split(&mut m.chain, KEEPER, m.pool, 0, legs)
}

fn leg(venue: AccountId, amount_in: u128) -> Leg {
    Leg { venue, amount_in }
}

#[test]
fn a_split_across_two_venues_pays_more_than_either_venue_alone() {
    // given three identical pools past their trigger, each next to two venues of one fee, one
    // half as deep as the other, both deep enough to take the whole excess alone
    let market = || {
        let mut m = Fixture::new(Setup::deep_venue());
        let half = m.add_venue(30, 50_000_000 * UNIT, 500_000_000 * UNIT);
        m.push_long_base(12_000);
        (m, half)
    };
    // when one sells on the deep venue, one on the half, and one splits
    let (mut deep, _) = market();
    let alone_deep = pool::rebalance(&mut deep.chain, KEEPER, deep.pool, 0).expect("deep alone");
    let (mut shallow, half) = market();
    let first = shallow.venue;
    pool::set_venues(&mut shallow.chain, OWNER, shallow.pool, &[half, first]).expect("half first");
    let alone_half = pool::rebalance(&mut shallow.chain, KEEPER, shallow.pool, 0).expect("half alone");
    let (mut both, _) = market();
    let planned = both.keeper_split();
    let legs: Vec<Leg> = planned.legs().collect();
    let split = split(&mut both, &legs).expect("split");
    // then all three sell the same excess, and the split buys more quote for it
    assert_eq!(alone_deep.sold, alone_half.sold);
    assert_eq!(split.sold, alone_deep.sold);
    assert_eq!(legs.len(), 2, "both venues trade");
    assert!(
        split.bought > alone_deep.bought.max(alone_half.bought),
        "split {} against deep {} and half {}",
        split.bought,
        alone_deep.bought,
        alone_half.bought
    );
    assert!(split.bought >= planned.total.min_out);
}

#[test]
fn shallow_venues_together_sell_more_in_one_rebalance_than_the_configured_one_alone() {
    // given the default shallow venue (30 bps, a cap of 75 base) and a cheaper, deeper one (10
    // bps, a cap of 50 base)
    let mut m = Fixture::standard();
    let second = m.add_venue(10, 200_000 * UNIT, 2_000_000 * UNIT);
    m.push_long_base(12_000);
    let venues_before = [
        venue::reserves(&mut m.chain, m.venue),
        venue::reserves(&mut m.chain, second),
    ];
    // when the keeper splits
    let planned = m.keeper_split();
    let out = split(&mut m, &planned.legs().collect::<Vec<_>>()).expect("split");
    // then each venue sells to its cap, and each moved by its own leg
    let on = |v: AccountId| planned.legs().find(|l| l.venue == v).map_or(0, |l| l.amount_in);
    assert_eq!(on(m.venue), 75 * UNIT);
    assert_eq!(on(second), 50 * UNIT);
    assert_eq!(out.sold, 125 * UNIT);
    let venues_after = [
        venue::reserves(&mut m.chain, m.venue),
        venue::reserves(&mut m.chain, second),
    ];
    assert_eq!(venues_after[0].0 - venues_before[0].0, on(m.venue));
    assert_eq!(venues_after[1].0 - venues_before[1].0, on(second));
    let paid = (venues_before[0].1 - venues_after[0].1) + (venues_before[1].1 - venues_after[1].1);
    assert_eq!(paid, out.bought);
    // and more remains to sell, one cooldown on
    assert_eq!(
        pool::rebalance_status(&mut m.chain, m.pool).continuing,
        Some(keel_core::Asset::Base)
    );
}

#[test]
fn a_split_the_rules_refuse_moves_nothing() {
    let mut m = Fixture::standard();
    let dear = m.add_venue(100, 200_000 * UNIT, 2_000_000 * UNIT);
    m.push_long_base(12_000);
    let cheap = m.venue;
    let stranger = MALLORY.account();
    let cases: [(&str, Vec<Leg>, PoolError); 9] = [
        ("no legs", vec![], PoolError::InvalidSplit),
        (
            "a leg of nothing beside the cheap venue's slice",
            vec![leg(cheap, 75 * UNIT), leg(dear, 0)],
            PoolError::InvalidSplit,
        ),
        (
            "an unlisted venue",
            vec![leg(stranger, UNIT)],
            PoolError::InvalidSplit,
        ),
        (
            "a venue twice",
            vec![leg(cheap, UNIT), leg(cheap, UNIT)],
            PoolError::InvalidSplit,
        ),
        (
            "a leg over its venue's cap",
            vec![leg(cheap, 75 * UNIT + 1)],
            PoolError::SplitTooLarge,
        ),
        (
            "the dear venue while the cheap one has room",
            vec![leg(dear, 75 * UNIT)],
            PoolError::CostlierSplit,
        ),
        (
            "less on the cheap venue than it has room for",
            vec![leg(dear, 500 * UNIT), leg(cheap, 50 * UNIT)],
            PoolError::CostlierSplit,
        ),
        (
            "a dearer tail after the cheap venue's whole slice",
            vec![leg(cheap, 75 * UNIT), leg(dear, 500 * UNIT)],
            PoolError::CostlierSplit,
        ),
        (
            "dust that would use up the epoch",
            vec![leg(cheap, UNIT)],
            PoolError::SplitTooSmall,
        ),
    ];
    for (what, legs, refusal) in cases {
        let status = pool::rebalance_status(&mut m.chain, m.pool);
        let dear_reserves = venue::reserves(&mut m.chain, dear);
        let keeper = m.balance(m.quote, KEEPER);
        m.assert_refused(refusal, |m| split(m, &legs));
        assert_eq!(pool::rebalance_status(&mut m.chain, m.pool), status, "{what}");
        assert_eq!(venue::reserves(&mut m.chain, dear), dear_reserves, "{what}");
        assert_eq!(m.balance(m.quote, KEEPER), keeper, "{what}");
    }
    // and the keeper's split still lands
    let planned = m.keeper_split();
    split(&mut m, &planned.legs().collect::<Vec<_>>()).expect("the keeper's split");
}

#[test]
fn a_total_over_the_excess_is_too_large() {
    // given two deep venues whose caps together pass the excess
    let mut m = Fixture::new(Setup::deep_venue());
    let other = m.add_venue(30, 100_000_000 * UNIT, 1_000_000_000 * UNIT);
    m.push_long_base(12_000);
    let planned = m.keeper_split();
    let total = planned.total.amount_in;
    // when a split asks one unit more than the excess, then it is refused and nothing moves
    let half = total / 2;
    m.assert_refused(PoolError::SplitTooLarge, |m| {
        split(m, &[leg(m.venue, half), leg(other, total - half + 1)])
    });
}

#[test]
fn one_venue_off_the_oracle_reverts_the_whole_split() {
    // given a second, cheaper venue the keeper's split uses, and the configured venue, which Bob
    // then pushes well below the oracle price
    let mut m = Fixture::standard();
    let second = m.add_venue(10, 200_000 * UNIT, 2_000_000 * UNIT);
    m.push_long_base(12_000);
    let planned = m.keeper_split();
    assert_eq!(planned.legs().count(), 2);
    venue::swap_exact_in(
        &mut m.chain,
        BOB,
        m.venue,
        VenueSwap::exact_in(m.base, 20_000 * UNIT),
    )
    .expect("skew the venue");
    // when the split planned before is sent with the second venue's leg first, then the
    // configured venue refuses its leg, and the second venue's leg is undone with it
    let legs: Vec<Leg> = planned.legs().rev().collect();
    assert_eq!(legs[0].venue, second);
    let second_before = venue::reserves(&mut m.chain, second);
    m.assert_refused(PoolError::Venue(VenueError::SlippageExceeded), |m| {
        split(m, &legs)
    });
    assert_eq!(venue::reserves(&mut m.chain, second), second_before);
    assert_eq!(pool::rebalance_status(&mut m.chain, m.pool).epoch, 0);
}

/// The venue lists the pool announced (`VenuesUpdated`) since the last look.
fn announced(m: &mut Fixture) -> Vec<Vec<AccountId>> {
    let events = m.chain.take_events();
    keel_calls::events::of::<VenuesUpdated>(m.pool, &events)
        .into_iter()
        .map(|e| e.venues)
        .collect()
}

#[test]
fn the_owner_lists_at_most_four_distinct_venues_the_configured_one_first() {
    let mut m = Fixture::standard();
    let first = m.venue;
    let second = m.add_venue(50, 1_000 * UNIT, 10_000 * UNIT);
    assert_eq!(pool::venues(&mut m.chain, m.pool), [first, second]);
    let others: Vec<AccountId> = (1..=5u8).map(|i| AccountId::from([i; 32])).collect();
    assert_eq!(
        pool::set_venues(&mut m.chain, MALLORY, m.pool, &[second]),
        Err(PoolError::NotOwner)
    );
    assert_eq!(
        pool::set_venues(&mut m.chain, OWNER, m.pool, &others),
        Err(PoolError::InvalidConfig),
        "five venues"
    );
    assert_eq!(
        pool::set_venues(&mut m.chain, OWNER, m.pool, &[second, first, second]),
        Err(PoolError::InvalidConfig),
        "a venue twice"
    );
    assert_eq!(
        pool::venues(&mut m.chain, m.pool),
        [first, second],
        "refusals change nothing"
    );
    // when the owner reorders them, the first becomes the configured venue, and the list is
    // announced
    m.chain.take_events();
    pool::set_venues(&mut m.chain, OWNER, m.pool, &[second, first]).expect("reorder");
    assert_eq!(pool::venues(&mut m.chain, m.pool), [second, first]);
    assert_eq!(pool::config(&mut m.chain, m.pool).venue, Some(second));
    assert_eq!(announced(&mut m), [vec![second, first]]);
    // and a configuration naming another venue replaces the configured one, announced the same
    // way; one that keeps the venue announces no list
    let mut config = pool::config(&mut m.chain, m.pool);
    config.venue = Some(first);
    pool::set_config(&mut m.chain, OWNER, m.pool, config).expect("venue");
    assert_eq!(pool::venues(&mut m.chain, m.pool), [first]);
    assert_eq!(announced(&mut m), [vec![first]]);
    pool::set_config(&mut m.chain, OWNER, m.pool, config).expect("same venue");
    assert!(announced(&mut m).is_empty());
    // and an empty list turns rebalancing off, split or not
    pool::set_venues(&mut m.chain, OWNER, m.pool, &[]).expect("none");
    assert!(pool::venues(&mut m.chain, m.pool).is_empty());
    m.push_long_base(12_000);
    assert_eq!(
        pool::rebalance(&mut m.chain, KEEPER, m.pool, 0),
        Err(PoolError::NoVenue)
    );
    assert_eq!(split(&mut m, &[leg(first, UNIT)]), Err(PoolError::NoVenue));
}

#[test]
fn a_paused_pool_refuses_a_split_that_its_venues_would_take() {
    // given a due pool and the split the keeper would send, which runs while the pool is open
    let market = || {
        let mut m = Fixture::new(Setup::deep_venue());
        m.add_venue(30, 50_000_000 * UNIT, 500_000_000 * UNIT);
        m.push_long_base(12_000);
        m
    };
    let mut open = market();
    let legs: Vec<Leg> = open.keeper_split().legs().collect();
    assert!(
        split(&mut open, &legs).is_ok(),
        "the control: the split runs on an open pool"
    );
    // when the owner pauses a pool in the same state, then the split is refused by the cold code's
    // check, and nothing moves
    let mut paused = market();
    let legs: Vec<Leg> = paused.keeper_split().legs().collect();
    pool::pause(&mut paused.chain, OWNER, paused.pool).expect("pause");
    paused.assert_refused(PoolError::Paused, |m| split(m, &legs));
}
