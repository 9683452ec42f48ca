//! The minimal cases the property tests found, replayed as plain tests.

#[macro_use]
mod common;

use common::*;

// Regressions: the minimal cases the properties found

fn base_short(base: u128, quote: u128, base_target: u128, quote_target: u128) -> PoolState {
    PoolState {
        base_reserve: base,
        quote_reserve: quote,
        base_target,
        quote_target,
        regime: Regime::BaseShort,
    }
}

/// `solve_target` rounded twice (the excess into short units, then the gap), so a target
/// "rounded down" could sit two units below the exact one; the crossing then refilled a target
/// more than a unit short of the exact one for its `room + 1` and paid out the whole excess, and
/// buying the refill straight back was cheaper than what the sale paid.
#[test]
fn regression_crossing_round_trip_was_profitable() {
    let state = base_short(215_622_735, 3_859_825_888_377, 248_767_562, 3_858_643_950_673);
    let s = PoolCase::new(
        state,
        Market {
            price: 33_625_761_227_177_119_744,
            k: 393_517_748_936_007_769,
            fee: 0,
        },
    );
    let a = 57_393_881_171;
    let sale = s.exact_in(Asset::Base, a).unwrap();
    let back = s.after(&sale).exact_out(Asset::Quote, a).unwrap();
    // Was 1_533_083_458_576 for a sale that paid 1_533_083_458_583.
    assert!(
        back.amount_in >= sale.amount_out,
        "{} < {}",
        back.amount_in,
        sale.amount_out
    );
}

#[test]
fn regression_exact_out_round_trip_was_profitable() {
    let state = base_short(923_626, 15_513_750_489, 1_000_000, 15_511_041_373);
    let s = PoolCase::new(
        state,
        Market {
            price: 33_625_761_227_177_119_744,
            k: 663_687_546_182_804_681,
            fee: 0,
        },
    );
    let o = 42_411_824;
    let purchase = s.exact_out(Asset::Base, o).unwrap();
    let back = s
        .after(&purchase)
        .exact_out(Asset::Quote, purchase.amount_in)
        .unwrap();
    // Was 42_411_822.
    assert!(back.amount_in >= o, "{}", back.amount_in);
}

/// The derived target lost a unit to the double rounding: 1001 base (1.001 quote) taken for 1
/// quote left a quote target of 999,999, so the targets' value fell from 1,001,000 to 1,000,999;
/// and 1001 base sold exact-in bought nothing (1.001 quote floored to 1, then the premium).
#[test]
fn regression_dust_trade_lowered_target_value_and_exact_in_paid_nothing() {
    let s = PoolCase::new(
        PoolState::balanced(1_000_000, 1_000_000),
        Market {
            price: ONE / 1000,
            k: ONE / 100,
            fee: 0,
        },
    );
    let purchase = s.exact_out(Asset::Base, 1).unwrap();
    assert_eq!(purchase.amount_in, 1001);
    assert!(s.after(&purchase).target_value() >= s.target_value());
    assert_eq!(s.exact_in(Asset::Base, 1001).map(|t| t.amount_out), Ok(1));
}

/// `solve_trade` rounded twice, so an exact-out quote for what 4563 base bought asked 4565.
#[test]
fn regression_exact_out_quote_asked_two_units_more_than_exact_in() {
    let state = base_short(2_196_099_099, 1_584_157_146_095, 2_544_496_780, 1_468_731_914_821);
    let s = PoolCase::new(
        state,
        Market {
            price: 355_702_830_523_905_605_632,
            k: ONE / 100,
            fee: 1_971_954_425_942_157,
        },
    );
    let sale = s.exact_in(Asset::Base, 4563).unwrap();
    assert_eq!(sale.amount_out, 1_625_003);
    assert!(s.exact_out(Asset::Base, sale.amount_out).unwrap().amount_in <= 4563);
}

/// Buying one unit less than the excess refilled along the curve anchored at the rounded-down
/// target and could cost a unit more than buying the whole excess (a crossing at `room + 1`).
#[test]
fn regression_exact_out_cost_fell_at_the_crossing() {
    let cases = [
        (
            base_short(504_858, 520_077_834, 1_000_000, 346_718_556),
            Market {
                price: 346_718_556_011_511_152_640,
                k: ONE / 100,
                fee: 0,
            },
        ),
        (
            base_short(
                2_683_906_532_377_216_506_154_458,
                593_326_759_086_796_441_204_555_776,
                4_741_353_846_538_005_286_748_160,
                406_392_598_842_334_578_160_630_971,
            ),
            Market {
                price: 85_573_966_701_448_855_552,
                k: 80_539_161_294_273_222,
                fee: 3_497_742_946_994_689,
            },
        ),
    ];
    for (state, market) in cases {
        let s = PoolCase::new(state, market);
        let excess = state.quote_reserve - state.quote_target;
        let below = s.exact_out(Asset::Base, excess - 1).unwrap().amount_in;
        let at = s.exact_out(Asset::Base, excess).unwrap().amount_in;
        assert!(below <= at, "{below} > {at}");
    }
}

/// A purchase of the long token that crosses the target is priced as two legs, each rounded up;
/// with `k` at its floor the skew is worth less than a unit, the second leg's rounding adds a unit
/// of curve input, and grossing it up for the fee adds another: two units more than a balanced
/// pool's single leg, both in the pool's favour (the skew property allowed one).
#[test]
fn regression_a_crossing_purchase_may_cost_two_units_more_than_a_balanced_pools() {
    let long = PoolCase::new(
        base_short(998_863, 1_000_060, 1_000_000, 1_000_001),
        Market {
            price: 51_879_846_106_613_336,
            k: 10_000_000_000_000_000,
            fee: 4_643_962_848_297_214,
        },
    );
    let balanced = PoolCase::new(PoolState::balanced(998_863, 1_000_060), long.market);
    // 100 quote: past the long pool's 59-unit surplus.
    let (cost_long, cost_balanced) = (
        long.exact_out(Asset::Base, 100).unwrap(),
        balanced.exact_out(Asset::Base, 100).unwrap(),
    );
    assert_eq!((cost_long.amount_in, cost_balanced.amount_in), (1_939, 1_937));
}
