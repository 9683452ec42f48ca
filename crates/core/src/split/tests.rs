//! Splitting a rebalance across venues: the pool's checks, cheapest-first, and the keeper's split.

use super::*;
use crate::state::Asset;
use proptest::prelude::*;

const P: u128 = 10 * ONE;

/// `KEEL_PROPTEST_CASES`, 10,000 unless set, as the crate's other properties run.
fn cases() -> u32 {
    std::env::var("KEEL_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
}

/// A venue selling base into `reserve` base (at the oracle price) for `fee_bps`.
fn venue(reserve: u128, fee_bps: u32) -> VenueDepth {
    VenueDepth {
        reserve_in: reserve * ONE,
        reserve_out: reserve * ONE * 10,
        fee_bps,
    }
}

/// An excess of `amount` whole base units.
fn excess(amount: u128) -> Excess {
    excess_of(Asset::Base, amount)
}

/// An excess of `sell` worth `amount` whole base units at the oracle price.
fn excess_of(sell: Asset, amount: u128) -> Excess {
    let q = i128::try_from(ONE / 10).expect("fits");
    match sell {
        Asset::Base => Excess {
            sell,
            amount: amount * ONE,
            q,
        },
        Asset::Quote => Excess {
            sell,
            amount: amount * P,
            q: -q,
        },
    }
}

/// `venues` (each taking base) as the same venues taking `sell`: a venue's price and its offset
/// from the oracle carry over to the other direction.
fn taking(sell: Asset, venues: Vec<(u8, VenueDepth)>) -> Vec<(u8, VenueDepth)> {
    match sell {
        Asset::Base => venues,
        Asset::Quote => venues
            .into_iter()
            .map(|(v, d)| {
                let d = VenueDepth {
                    reserve_in: d.reserve_in * 10,
                    reserve_out: d.reserve_out / 10,
                    ..d
                };
                (v, d)
            })
            .collect(),
    }
}

/// Either token as the pool's excess.
fn side() -> impl Strategy<Value = Asset> {
    prop_oneof![Just(Asset::Base), Just(Asset::Quote)]
}

fn leg(venue: u8, amount: u128) -> Leg<u8> {
    Leg {
        venue,
        amount_in: amount,
    }
}

fn check(excess: &Excess, legs: &[Leg<u8>], venues: &[(u8, VenueDepth)]) -> Result<Split<u8>, Refusal> {
    Split::check(excess, P, &RebalanceParams::default(), legs, venues)
}

/// What selling `amount` on `depth` alone is expected to pay at the least.
fn single(excess: &Excess, depth: &VenueDepth, amount: u128) -> u128 {
    excess
        .leg(P, &RebalanceParams::default(), depth, amount)
        .expect("a leg within the cap")
        .min_out
}

#[test]
fn cheapest_first_fills_the_lowest_fee_first_and_the_deeper_of_equal_fees() {
    // caps: 1,000,000 * fee / 40,000 base
    let venues = [
        (0u8, venue(1_000_000, 100)),
        (1, venue(1_000_000, 30)),
        (2, venue(2_000_000, 30)),
    ];
    let caps: Vec<u128> = venues.iter().map(|(_, d)| Excess::cap(d).unwrap()).collect();
    assert_eq!(caps, [2_500 * ONE, 750 * ONE, 1_500 * ONE]);
    assert_eq!(
        cheapest_first(&venues, 1_000 * ONE, 0).unwrap(),
        [0, 0, 1_000 * ONE, 0]
    );
    assert_eq!(
        cheapest_first(&venues, 2_000 * ONE, 0).unwrap(),
        [0, 500 * ONE, 1_500 * ONE, 0]
    );
    assert_eq!(
        cheapest_first(&venues, 10_000 * ONE, 0).unwrap(),
        [2_500 * ONE, 750 * ONE, 1_500 * ONE, 0],
        "past every cap, what is left is not placed"
    );
}

#[test]
fn malformed_splits_are_invalid() {
    let venues = [(0u8, venue(1_000_000, 30)), (1, venue(1_000_000, 30))];
    let e = excess(1_000);
    let cases: [(&str, Vec<Leg<u8>>); 6] = [
        ("no legs", vec![]),
        ("a leg of nothing", vec![leg(0, 0)]),
        (
            "a leg of nothing beside one of something",
            vec![leg(0, ONE), leg(1, 0)],
        ),
        ("an unlisted venue", vec![leg(7, ONE)]),
        ("a venue twice", vec![leg(0, ONE), leg(0, ONE)]),
        (
            "more legs than venues",
            vec![leg(0, ONE), leg(1, ONE), leg(0, ONE)],
        ),
    ];
    for (what, legs) in cases {
        assert_eq!(check(&e, &legs, &venues), Err(Refusal::InvalidSplit), "{what}");
    }
}

#[test]
fn a_leg_over_its_cap_or_a_total_over_the_excess_is_too_large() {
    let venues = [(0u8, venue(1_000_000, 30)), (1, venue(1_000_000, 30))];
    let cap = 750 * ONE;
    assert!(check(&excess(10_000), &[leg(0, cap)], &venues).is_ok());
    assert_eq!(
        check(&excess(10_000), &[leg(0, cap + 1)], &venues),
        Err(Refusal::SplitTooLarge)
    );
    let e = excess(1_000);
    assert!(check(&e, &[leg(0, 500 * ONE), leg(1, 500 * ONE)], &venues).is_ok());
    assert_eq!(
        check(&e, &[leg(0, 500 * ONE), leg(1, 500 * ONE + 1)], &venues),
        Err(Refusal::SplitTooLarge),
        "one unit past the excess"
    );
}

#[test]
fn routing_through_a_dearer_venue_than_needed_is_refused() {
    // given a cheap deep venue with room and a dear one
    let venues = [(0u8, venue(1_000_000, 30)), (1, venue(1_000_000, 100))];
    let e = excess(500);
    // when the whole total goes to the dear venue, then the pool refuses it
    assert_eq!(
        check(&e, &[leg(1, 500 * ONE)], &venues),
        Err(Refusal::CostlierSplit)
    );
    // and the same total on the cheap venue passes
    let split = check(&e, &[leg(0, 500 * ONE)], &venues).unwrap();
    assert!(!split.total.partial);
    assert_eq!(split.total.min_out, single(&e, &venues[0].1, 500 * ONE));
}

#[test]
fn the_total_sums_the_legs_and_is_partial_below_the_excess() {
    let venues = [(0u8, venue(1_000_000, 30)), (1, venue(2_000_000, 30))];
    let e = excess(10_000);
    let legs = [leg(1, 600 * ONE), leg(0, 400 * ONE)];
    let split = check(&e, &legs, &venues).unwrap();
    let one = split.legs[0].unwrap();
    let two = split.legs[1].unwrap();
    assert_eq!((one.venue, two.venue), (1, 0), "the caller's order");
    assert_eq!(split.total.amount_in, 1_000 * ONE);
    assert_eq!(split.total.min_out, one.plan.min_out + two.plan.min_out);
    assert_eq!(split.total.fair_out, 10_000 * ONE);
    assert!(split.total.partial);
    assert_eq!(split.legs().collect::<Vec<_>>(), legs);
}

#[test]
fn one_leg_at_the_cap_is_the_single_venue_slice() {
    let depth = venue(1_000_000, 30);
    let e = excess(10_000);
    let slice = e.slice(P, &RebalanceParams::default(), &depth).unwrap();
    let split = check(&e, &[leg(0, slice.amount_in)], &[(0, depth)]).unwrap();
    assert_eq!(split.total, slice);
}

#[test]
fn two_venues_of_equal_fee_cost_less_than_the_best_one_alone() {
    // given two venues of one fee, one twice as deep, and an excess the deeper one takes alone
    let venues = [(0u8, venue(1_000_000, 30)), (1, venue(2_000_000, 30))];
    let e = excess(1_500);
    // when the keeper splits it
    let split = best(&e, P, &RebalanceParams::default(), &venues).unwrap();
    // then both venues trade, and the split is expected to pay more than the deeper venue alone
    assert_eq!(split.total.amount_in, 1_500 * ONE);
    assert_eq!(split.legs().count(), 2);
    let alone = single(&e, &venues[1].1, 1_500 * ONE);
    assert!(
        split.total.min_out > alone,
        "split {} against alone {alone}",
        split.total.min_out
    );
    // in proportion to depth, within a part
    let deep = split.legs().find(|l| l.venue == 1).unwrap().amount_in;
    assert!(
        deep.abs_diff(1_000 * ONE) <= 1_500 * ONE / PARTS,
        "deep leg {deep}"
    );
}

#[test]
fn a_second_venue_sells_only_what_pays_as_well_as_the_configured_ones_last_unit() {
    let on = |split: &Split<u8>, v: u8| split.legs().find(|l| l.venue == v).map_or(0, |l| l.amount_in);
    let params = RebalanceParams::default();
    // a dear second venue adds nothing: its first unit pays less than the first venue's last
    let dear = [(0u8, venue(1_000_000, 30)), (1, venue(1_000_000, 100))];
    let split = best(&excess(2_000), P, &params, &dear).unwrap();
    assert_eq!((on(&split, 0), on(&split, 1)), (750 * ONE, 0));
    // a cheaper one sells to its cap, a dear configured one only to where the cheaper one's
    // price falls to its last unit's
    let cheaper = [(0u8, venue(1_000_000, 30)), (1, venue(1_000_000, 10))];
    let split = best(&excess(2_000), P, &params, &cheaper).unwrap();
    assert_eq!((on(&split, 0), on(&split, 1)), (750 * ONE, 250 * ONE));
    let reversed = [(0u8, venue(1_000_000, 100)), (1, venue(1_000_000, 30))];
    let split = best(&excess(2_000), P, &params, &reversed).unwrap();
    assert_eq!(
        (on(&split, 0), on(&split, 1)),
        (2_000 * ONE - 750 * ONE, 750 * ONE)
    );
}

#[test]
fn a_venue_off_the_oracle_that_would_refuse_its_leg_is_left_out() {
    // given a cheap venue and a dearer one, either pushed 2% under the oracle price
    let off = |d: VenueDepth| VenueDepth {
        reserve_out: d.reserve_out / 100 * 98,
        ..d
    };
    let (cheap, dear) = (venue(1_000_000, 30), venue(1_000_000, 35));
    let e = excess(1_000);
    let params = RebalanceParams::default();
    // with both at the oracle, the keeper uses both
    assert_eq!(
        best(&e, P, &params, &[(0u8, cheap), (1, dear)])
            .unwrap()
            .legs()
            .count(),
        2
    );
    // with the dear one off, the cheap one takes what it can alone
    let split = best(&e, P, &params, &[(0u8, cheap), (1, off(dear))]).unwrap();
    assert_eq!(split.legs().collect::<Vec<_>>(), [leg(0, 750 * ONE)]);
    // with the cheap (configured) one off, the dear one alone sells less than the configured
    // venue's slice before its units pay less than that slice's last: the pool would refuse it,
    // and the keeper waits
    assert_eq!(
        best(&e, P, &params, &[(0u8, off(cheap)), (1, dear)]),
        Err(Refusal::SplitTooSmall)
    );
}

#[test]
fn no_venue_with_room_is_insufficient_liquidity() {
    let venues = [(0u8, venue(1_000_000, 0))];
    assert_eq!(
        best(&excess(1_000), P, &RebalanceParams::default(), &venues),
        Err(Refusal::Curve(CurveError::InsufficientLiquidity))
    );
}

#[test]
fn an_empty_venue_is_refused_by_name_configured_or_not() {
    let e = excess(1_000);
    let empty = VenueDepth {
        reserve_in: 0,
        reserve_out: 0,
        fee_bps: 30,
    };
    // the configured venue empty: as `rebalance` answers, whatever the legs
    let venues = [(0u8, empty), (1, venue(1_000_000, 30))];
    for legs in [vec![leg(1, 1_000 * ONE)], vec![leg(0, ONE)]] {
        assert_eq!(
            check(&e, &legs, &venues),
            Err(Refusal::Curve(CurveError::InsufficientLiquidity))
        );
    }
    assert_eq!(
        best(&e, P, &RebalanceParams::default(), &venues),
        Err(Refusal::Curve(CurveError::InsufficientLiquidity))
    );
    // another venue empty: it has no room
    let venues = [(0u8, venue(1_000_000, 30)), (1, empty)];
    assert_eq!(
        check(&e, &[leg(0, 1_000 * ONE), leg(1, ONE)], &venues),
        Err(Refusal::SplitTooLarge)
    );
}

#[test]
fn a_leg_worth_nothing_is_the_curves_refusal() {
    // given an excess of quote, at 10 quote a base, on a venue as deep as the price says
    let depth = VenueDepth {
        reserve_in: 10_000_000 * ONE,
        reserve_out: 1_000_000 * ONE,
        fee_bps: 30,
    };
    let e = Excess {
        sell: Asset::Quote,
        amount: 1_000 * ONE,
        q: -i128::try_from(ONE / 10).expect("fits"),
    };
    let venues = [(0u8, depth)];
    // when a split sells 9 units of the smallest denomination (worth 0.9 of base's), then the
    // curve refuses the leg by name; 10 of them are worth one and pass the leg's own rules
    assert_eq!(
        check(&e, &[leg(0, 9)], &venues),
        Err(Refusal::Curve(CurveError::ZeroOutput))
    );
    assert_eq!(check(&e, &[leg(0, 10)], &venues), Err(Refusal::SplitTooSmall));
}

/// Cheapest-first as its definition says, by sorting: lowest fee (as priced) first, the deeper
/// first among equal fees, each to its cap; what each venue is expected to pay at the least.
fn reference(e: &Excess, venues: &[(u8, VenueDepth)], total: u128) -> u128 {
    let first = &venues[0].1;
    let floor = next_unit_pays(first, e.amount.min(Excess::cap(first).unwrap())).unwrap();
    let mut order: Vec<&(u8, VenueDepth)> = venues.iter().collect();
    order.sort_by_key(|(_, d)| (d.fee_bps.min(MAX_VENUE_FEE_BPS), std::cmp::Reverse(d.reserve_in)));
    let mut left = total;
    let mut paid = 0;
    for (_, d) in order {
        // To its cap, or to the last unit that pays the floor (`room_above`, held to that
        // definition by its own property below).
        let take = left.min(room_above(d, floor).unwrap());
        left -= take;
        if take > 0 {
            paid += e
                .leg(P, &RebalanceParams::default(), d, take)
                .map_or(0, |p| p.min_out);
        }
    }
    paid
}

/// What the last unit of the configured venue's slice alone pays, and of `leg` on `depth`.
fn last_unit(e: &Excess, venues: &[(u8, VenueDepth)], l: &Leg<u8>) -> (u128, u128) {
    let first = &venues[0].1;
    let floor = next_unit_pays(first, e.amount.min(Excess::cap(first).unwrap())).unwrap();
    (
        floor,
        next_unit_pays(&venues[usize::from(l.venue)].1, l.amount_in).unwrap(),
    )
}

/// One to four venues, each at the oracle price or (one in four) 2% under it.
fn priced_venues() -> impl Strategy<Value = Vec<(u8, VenueDepth)>> {
    prop::collection::vec(
        (
            1_000u128..100_000_000,
            1u32..=MAX_VENUE_FEE_BPS,
            prop::bool::weighted(0.25),
        ),
        1..=MAX_VENUES,
    )
    .prop_map(|v| {
        v.into_iter()
            .enumerate()
            .map(|(i, (reserve, fee, off))| {
                let d = venue(reserve, fee);
                let d = if off {
                    VenueDepth {
                        reserve_out: d.reserve_out / 100 * 98,
                        ..d
                    }
                } else {
                    d
                };
                (u8::try_from(i).expect("four"), d)
            })
            .collect()
    })
}

proptest! {
    // The pool's own check of a keeper's split: the crate's property budget, not proptest's 256.
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn the_keepers_split_passes_pays_now_and_beats_every_venue_alone(
        sell in side(), venues in priced_venues(), amount in 1u128..10_000_000,
    ) {
        let e = excess_of(sell, amount);
        let params = RebalanceParams::default();
        let all_at_oracle = venues.iter().all(|(_, d)| d.reserve_out == d.reserve_in * 10);
        let venues = taking(sell, venues);
        let split = match best(&e, P, &params, &venues) {
            Ok(split) => split,
            // Only a venue off the oracle keeps the keeper from a split the pool takes.
            Err(refusal) => {
                prop_assert!(!all_at_oracle, "{refusal:?} with every venue at the oracle");
                return Ok(());
            }
        };
        let legs: Vec<_> = split.legs().collect();
        prop_assert_eq!(Split::check(&e, P, &params, &legs, &venues), Ok(split));
        for l in &split.legs {
            let l = l.as_ref().map(|l| (l.venue, l.plan));
            if let Some((v, plan)) = l {
                prop_assert!(pays_now(&venues[usize::from(v)].1, plan.amount_in) >= plan.min_out, "a leg its venue refuses");
            }
        }
        let total = split.total.amount_in;
        let room: u128 = venues.iter().map(|(_, d)| Excess::cap(d).unwrap()).sum();
        prop_assert!(total <= e.amount.min(room));
        prop_assert!(total >= e.amount.min(Excess::cap(&venues[0].1).unwrap()), "at least the configured venue's slice");
        if all_at_oracle {
            for (_, depth) in &venues {
                if Excess::cap(depth).unwrap() >= total && depth.fee_bps <= venues[0].1.fee_bps {
                    prop_assert!(split.total.min_out >= single(&e, depth, total));
                }
            }
        }
    }

    #[test]
    fn room_above_ends_within_a_millionth_of_the_last_unit_that_pays_the_floor(
        reserve in 1_000u128..100_000_000, fee in 1u32..=MAX_VENUE_FEE_BPS, floor in 9_800u128..=10_000,
    ) {
        let d = venue(reserve, fee);
        let floor = floor * ONE / 10_000;
        let room = room_above(&d, floor).unwrap();
        let cap = Excess::cap(&d).unwrap();
        prop_assert!(room <= cap);
        prop_assert!(room == 0 || next_unit_pays(&d, room).unwrap() >= floor);
        // within a millionth of the last unit that pays the floor
        prop_assert!(room == cap || next_unit_pays(&d, room + room / 1_000_000 + 1).unwrap() < floor);
    }

    #[test]
    fn a_split_passes_only_within_every_rule(
        sell in side(), venues in priced_venues(), amount in 1u128..10_000_000, shares in prop::collection::vec(0u128..=100, MAX_VENUES),
    ) {
        let e = excess_of(sell, amount);
        let venues = taking(sell, venues);
        let params = RebalanceParams::default();
        let legs: Vec<Leg<u8>> = venues
            .iter()
            .zip(&shares)
            .map(|((v, d), s)| leg(*v, Excess::cap(d).unwrap() * s / 100))
            .filter(|l| l.amount_in > 0)
            .collect();
        let total: u128 = legs.iter().map(|l| l.amount_in).sum();
        let reference = reference(&e, &venues, total);
        let paid: u128 = legs.iter().map(|l| single(&e, &venues[usize::from(l.venue)].1, l.amount_in)).sum();
        let below_floor = legs.iter().any(|l| { let (floor, last) = last_unit(&e, &venues, l); last < floor });
        let too_small = total < e.amount.min(Excess::cap(&venues[0].1).unwrap());
        match Split::check(&e, P, &params, &legs, &venues) {
            Ok(split) => {
                prop_assert!(split.total.min_out >= reference && !below_floor && !too_small && total <= e.amount);
                prop_assert_eq!(split.total.min_out, paid);
            }
            Err(Refusal::CostlierSplit) => prop_assert!(paid < reference || below_floor),
            Err(Refusal::SplitTooSmall) => prop_assert!(too_small),
            Err(Refusal::SplitTooLarge) => prop_assert!(total > e.amount),
            Err(Refusal::InvalidSplit) => prop_assert!(legs.is_empty()),
            // Every leg here sells at least a hundredth of a venue's room, far more than the
            // smallest unit a leg's output rounds to nothing below (`a_leg_worth_nothing_is_the_curves_refusal`
            // has that case): the curve refuses none.
            Err(other) => prop_assert!(false, "refused outside the split's rules: {other:?}"),
        }
    }
}
