//! The decision core, branch by branch, on states built with the pool's own curve math.

// Inventory values are 1e18 fractions, far below `i128::MAX`.
#![allow(clippy::cast_possible_wrap)]

mod common;

use common::{view, NOW, VENUE};
use ink::primitives::AccountId;
use keel_core::split;
use keel_core::{CurveError, ONE};
use keel_interface::pool::PoolConfig;
use keel_keeper::backoff::Health;
use keel_keeper::decide::{decide, Decision, Policy, PoolView, Route, Skip, Wait};

const DUE: u128 = 15_000 * ONE;
const POLICY: Policy = Policy {
    tx_cost: ONE / 2,
    oracle_margin_ms: 6_000,
};

fn decide_now(v: &PoolView) -> Decision {
    decide(v, &POLICY, &Health::default(), NOW)
}

#[test]
fn a_due_pool_is_rebalanced_at_its_current_epoch_with_the_pools_plan() {
    let v = view(DUE);
    let Decision::Rebalance {
        epoch,
        plan,
        bounty,
        route,
    } = decide_now(&v)
    else {
        panic!("expected a rebalance, got {:?}", decide_now(&v));
    };
    assert_eq!(route, Route::Venue, "one venue: the configured one's slice");
    assert_eq!(epoch, 3);
    assert_eq!(plan.sell, keel_core::Asset::Base);
    assert!(plan.q_before >= v.config.rebalance.trigger as i128);
    assert_eq!(bounty, (plan.notional / 1_000).min(v.config.rebalance.bounty_cap));
}

#[test]
fn a_pool_in_band_waits_and_says_where_it_is() {
    let v = view(1_000 * ONE);
    match decide_now(&v) {
        Decision::Wait(Wait::InBand { q, trigger }) => {
            assert_eq!(q, v.inventory().expect("q"));
            assert_eq!(trigger, v.config.rebalance.trigger);
        }
        other => panic!("expected in band, got {other:?}"),
    }
    assert!(matches!(
        decide_now(&view(0)),
        Decision::Wait(Wait::InBand { q: 0, .. })
    ));
}

#[test]
fn the_trigger_is_inclusive_and_the_band_edge_is_exact() {
    // Find the smallest excess that is due, then check one unit less is not.
    let (mut lo, mut hi) = (0u128, DUE);
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if matches!(decide_now(&view(mid)), Decision::Rebalance { .. }) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    let edge = view(hi);
    assert!(edge.inventory().expect("q") >= edge.config.rebalance.trigger as i128);
    assert!(view(lo).inventory().expect("q") < edge.config.rebalance.trigger as i128);
}

/// `excess` of base over target in a pool whose band adapts at `cost_bps`, read at `volatility`.
fn adaptive(excess: u128, cost_bps: u32, volatility: u128) -> PoolView {
    let mut v = view(excess);
    v.config.rebalance.cost_bps = cost_bps;
    v.market.volatility = volatility;
    v
}

fn is_due(v: &PoolView) -> bool {
    matches!(decide_now(v), Decision::Rebalance { .. })
}

#[test]
fn an_adaptive_band_waits_longer_as_a_rebalance_costs_more_and_less_as_volatility_rises() {
    // The smallest due excess at each cost never falls as the cost rises, and at each volatility
    // never rises as volatility rises: found by bisection on the keeper's own decision.
    let edge = |cost: u32, volatility: u128| {
        let (mut lo, mut hi) = (0u128, 60_000 * ONE);
        assert!(is_due(&adaptive(hi, cost, volatility)));
        while hi - lo > ONE {
            let mid = lo + (hi - lo) / 2;
            if is_due(&adaptive(mid, cost, volatility)) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        hi
    };
    let vol = ONE / 10 * 8;
    let by_cost: Vec<u128> = [5, 15, 30, 60, 120].map(|c| edge(c, vol)).to_vec();
    assert!(
        by_cost.windows(2).all(|w| w[0] < w[1]),
        "wider with cost: {by_cost:?}"
    );
    let by_vol: Vec<u128> = [4, 6, 8, 12, 16].map(|v| edge(30, ONE / 10 * v)).to_vec();
    assert!(
        by_vol.windows(2).all(|w| w[0] > w[1]),
        "narrower with volatility: {by_vol:?}"
    );
    // At the reference, the configured band.
    assert_eq!(by_cost[2], edge(0, vol));
    // And the keeper reports the band's trigger, not the configured one.
    let calm = adaptive(1_000 * ONE, 30, ONE / 10 * 4);
    let Decision::Wait(Wait::InBand { trigger, .. }) = decide_now(&calm) else {
        panic!("in band");
    };
    assert!(trigger > calm.config.rebalance.trigger);
}

#[test]
fn cooldown_delays_a_due_rebalance_until_it_ends() {
    let mut v = view(DUE);
    v.rebalancing.last_ms = NOW - 1_000;
    let until = NOW - 1_000 + v.config.rebalance.cooldown_ms;
    assert_eq!(decide_now(&v), Decision::Wait(Wait::Cooldown { until_ms: until }));
    assert!(matches!(
        decide(&v, &POLICY, &Health::default(), until),
        Decision::Rebalance { .. }
    ));
}

#[test]
fn backoff_delays_a_due_rebalance_after_failures() {
    let v = view(DUE);
    let health = Health {
        failures: 2,
        retry_at_ms: NOW + 5_000,
    };
    assert_eq!(
        decide(&v, &POLICY, &health, NOW),
        Decision::Wait(Wait::Backoff {
            until_ms: NOW + 5_000,
            failures: 2
        })
    );
    assert!(matches!(
        decide(&v, &POLICY, &health, NOW + 5_000),
        Decision::Rebalance { .. }
    ));
}

#[test]
fn pools_that_cannot_rebalance_are_skipped_before_anything_else() {
    let mut paused = view(DUE);
    paused.paused = true;
    assert_eq!(decide_now(&paused), Decision::Skip(Skip::Paused));

    let mut no_venue = view(DUE);
    no_venue.config.venue = None;
    assert_eq!(decide_now(&no_venue), Decision::Skip(Skip::NoVenue));

    let mut empty = view(DUE);
    empty.total_shares = 0;
    assert_eq!(decide_now(&empty), Decision::Skip(Skip::NoLiquidity));
}

#[test]
fn an_oracle_near_its_age_limit_is_skipped_with_the_margin() {
    let max = PoolConfig::default().max_oracle_age_ms;
    let mut v = view(DUE);
    v.market.age_ms = max - POLICY.oracle_margin_ms;
    assert!(matches!(decide_now(&v), Decision::Rebalance { .. }));
    v.market.age_ms += 1;
    assert_eq!(
        decide_now(&v),
        Decision::Skip(Skip::OracleStale {
            age_ms: max - POLICY.oracle_margin_ms + 1,
            max_ms: max
        })
    );
    let mut stale = view(DUE);
    stale.market.stale = true;
    assert!(matches!(
        decide_now(&stale),
        Decision::Skip(Skip::OracleStale { .. })
    ));
}

#[test]
fn a_bounty_below_the_transaction_cost_is_skipped() {
    let mut v = view(DUE);
    v.rebalancing.bounty_budget = ONE / 4;
    assert_eq!(
        decide_now(&v),
        Decision::Skip(Skip::Unprofitable {
            bounty: ONE / 4,
            tx_cost: POLICY.tx_cost
        })
    );
    let free = Policy { tx_cost: 0, ..POLICY };
    assert!(matches!(
        decide(&v, &free, &Health::default(), NOW),
        Decision::Rebalance { .. }
    ));
}

#[test]
fn a_state_the_curve_refuses_is_skipped_not_acted_on() {
    let mut v = view(DUE);
    v.state.quote_reserve = 0;
    assert!(matches!(
        decide_now(&v),
        Decision::Skip(Skip::Curve(
            CurveError::InsufficientLiquidity | CurveError::DivisionByZero
        ))
    ));
}

#[test]
fn labels_are_distinct_per_reason() {
    let mut labels: Vec<&str> = [
        decide_now(&view(DUE)),
        decide_now(&view(0)),
        Decision::Wait(Wait::Cooldown { until_ms: 0 }),
        Decision::Wait(Wait::Backoff {
            until_ms: 0,
            failures: 1,
        }),
        Decision::Skip(Skip::Paused),
        Decision::Skip(Skip::NoVenue),
        Decision::Skip(Skip::NoLiquidity),
        Decision::Skip(Skip::OracleStale { age_ms: 0, max_ms: 0 }),
        Decision::Skip(Skip::Unprofitable {
            bounty: 0,
            tx_cost: 0,
        }),
        Decision::Skip(Skip::Curve(CurveError::Overflow)),
    ]
    .iter()
    .map(Decision::label)
    .collect();
    let n = labels.len();
    labels.sort_unstable();
    labels.dedup();
    assert_eq!(labels.len(), n);
}

/// A second venue as deep as the first at a third of its fee.
const SECOND: [u8; 32] = [8; 32];

fn with_second_venue(v: &PoolView, readable: bool) -> PoolView {
    let depth = keel_interface::pool::VenueDepth { fee_bps: 10, ..VENUE };
    PoolView {
        more_venues: [
            Some((AccountId::from(SECOND), readable.then_some(depth))),
            None,
            None,
        ],
        ..*v
    }
}

#[test]
fn with_several_venues_read_the_keeper_splits_as_the_core_plans() {
    // given a due pool that lists a second, cheaper venue
    let v = with_second_venue(&view(DUE), true);
    // when the keeper decides
    let Decision::Rebalance { plan, route, .. } = decide_now(&v) else {
        panic!("expected a rebalance, got {:?}", decide_now(&v));
    };
    // then it sends the split `keel_core::split::best` plans on the depths it read, whose total
    // is the plan, and it sells on both venues more than the configured one's slice alone
    let Route::Split(_) = route else {
        panic!("expected a split, got {route:?}")
    };
    let excess = keel_core::rebalance::excess(
        &v.equilibrated().expect("state"),
        v.market.price,
        &v.band().expect("band"),
        None,
    )
    .expect("excess")
    .expect("due");
    let venues = v.split_depths(excess.sell).expect("both read");
    let planned = split::best(&excess, v.market.price, &v.config.rebalance, &venues).expect("split");
    assert_eq!(route.legs(), planned.legs().collect::<Vec<_>>());
    assert_eq!(plan, planned.total);
    let alone = excess
        .slice(v.market.price, &v.config.rebalance, &VENUE)
        .expect("slice");
    assert!(plan.amount_in > alone.amount_in);
    assert_eq!(route.legs().len(), 2);
}

#[test]
fn while_k_ramps_the_keeper_sells_on_the_configured_venue_rather_than_split() {
    // given the due pool with a second, cheaper venue read, whose `k` is still on its ramp
    let split = with_second_venue(&view(DUE), true);
    let ramping = PoolView {
        market: keel_core::pool::MarketStatus {
            k_target: split.market.k + ONE / 10,
            ..split.market
        },
        ..split
    };
    // when the keeper decides
    let Decision::Rebalance { route, plan, .. } = decide_now(&ramping) else {
        panic!("expected a rebalance, got {:?}", decide_now(&ramping));
    };
    // then it sends the configured venue's slice, which the pool sizes when it runs (a split's
    // total, fixed here, would miss the excess a later block's `k` gives); at `k`'s target the
    // same pool splits
    assert_eq!(route, Route::Venue);
    let Decision::Rebalance {
        plan: at_target,
        route: split_route,
        ..
    } = decide_now(&split)
    else {
        panic!("expected a rebalance");
    };
    assert!(matches!(split_route, Route::Split(_)));
    assert!(
        plan.amount_in < at_target.amount_in,
        "the slice alone sells less than the split"
    );
}

#[test]
fn a_listed_venue_it_cannot_read_leaves_the_keeper_on_the_configured_one() {
    let v = with_second_venue(&view(DUE), false);
    let Decision::Rebalance { route, .. } = decide_now(&v) else {
        panic!("expected a rebalance, got {:?}", decide_now(&v));
    };
    assert_eq!(
        route,
        Route::Venue,
        "a split would fail the pool's read of every venue"
    );
}
