//! Swap properties of the curve: monotonicity, no profitable round trip, pool value through a
//! swap, and agreement between exact-in and exact-out.

// The float model's values become token units by truncation, on purpose.
#![allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap
)]

#[macro_use]
mod common;

use common::*;
use proptest::prelude::*;

// Monotonicity

/// How much larger the second trade is: a few units, or a fraction of the first.
#[derive(Clone, Copy, Debug)]
enum Step {
    Units(u128),
    Fraction(f64),
}

impl Step {
    fn apply(self, a: u128) -> u128 {
        match self {
            Step::Units(u) => a + u,
            Step::Fraction(f) => a + ((a as f64 * f) as u128).max(1),
        }
    }
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (1u128..=1000).prop_map(Step::Units),
        log_f64(1e-9, 1.0).prop_map(Step::Fraction)
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn exact_in_output_never_falls_as_the_input_grows(
        s in scenario(), x in asset(), f in fraction(), step in step(),
    ) {
        let a = s.amount_in(x, f);
        let b = step.apply(a);
        let (Ok(ta), Ok(tb)) = (s.exact_in(x, a), s.exact_in(x, b)) else { reject!() };
        prop_assert!(ta.amount_out <= tb.amount_out, "out({a}) = {} > out({b}) = {}", ta.amount_out, tb.amount_out);
    }

    #[test]
    fn exact_out_input_never_falls_as_the_output_grows(
        s in scenario(), x in asset(), f in fraction(), step in step(),
    ) {
        let a = s.amount_out(x.other(), f);
        let b = step.apply(a);
        let (Ok(ta), Ok(tb)) = (s.exact_out(x, a), s.exact_out(x, b)) else { reject!() };
        prop_assert!(ta.amount_in <= tb.amount_in, "in({a}) = {} > in({b}) = {}", ta.amount_in, tb.amount_in);
    }

    /// Sales of the short token whose net input lands a few units either side of the distance
    /// to target: the switch from the refill leg to the crossing keeps the output monotone.
    #[test]
    fn exact_in_output_never_falls_across_the_target(s in scenario_moved(), from in 0u128..8) {
        let Some(x) = s.short() else { reject!() };
        let eq = s.equilibrated();
        let room = eq.target(x) - eq.reserve(x);
        let gross = (room as f64 / (1.0 - s.float().fee)) as u128;
        let a = (gross + from).saturating_sub(4).max(1);
        let (Ok(ta), Ok(tb)) = (s.exact_in(x, a), s.exact_in(x, a + 1)) else { reject!() };
        prop_assert!(ta.amount_out <= tb.amount_out, "out({a}) = {} > out({}) = {}", ta.amount_out, a + 1, tb.amount_out);
    }

    /// Purchases of the long token a few units either side of its excess over target: the switch
    /// from the refill leg to the crossing keeps the input monotone.
    #[test]
    fn exact_out_input_never_falls_across_the_target(s in scenario_moved(), from in 0u128..8) {
        let Some(x) = s.short() else { reject!() };
        let eq = s.equilibrated();
        let y = x.other();
        let excess = eq.reserve(y) - eq.target(y);
        let a = (excess + from).saturating_sub(4).max(1);
        let (Ok(ta), Ok(tb)) = (s.exact_out(x, a), s.exact_out(x, a + 1)) else { reject!() };
        prop_assert!(ta.amount_in <= tb.amount_in, "in({a}) = {} > in({}) = {}", ta.amount_in, a + 1, tb.amount_in);
    }
}

// Round trips

proptest! {
    #![proptest_config(config())]

    /// Sell `a` of one token for `o` of the other (exact-in), then on the resulting pool:
    /// selling the `o` back returns at most `a`, and buying exactly `a` back costs at least `o`.
    #[test]
    fn no_round_trip_after_an_exact_in_sale_profits(s in scenario(), x in asset(), f in fraction()) {
        let a = s.amount_in(x, f);
        let Ok(first) = s.exact_in(x, a) else { reject!() };
        let o = first.amount_out;
        let next = s.after(&first);
        let (Ok(sell_back), Ok(buy_back)) = (next.exact_in(x.other(), o), next.exact_out(x.other(), a))
        else {
            reject!()
        };
        prop_assert!(sell_back.amount_out <= a, "sold {a} for {o}, sold that back for {}", sell_back.amount_out);
        prop_assert!(buy_back.amount_in >= o, "sold {a} for {o}, bought {a} back for {}", buy_back.amount_in);
    }

    /// Buy exactly `o` of one token for `c` of the other (exact-out), then on the resulting
    /// pool: selling the `o` back returns at most `c`, and buying exactly `c` back costs at
    /// least `o`.
    #[test]
    fn no_round_trip_after_an_exact_out_purchase_profits(s in scenario(), x in asset(), f in fraction()) {
        let o = s.amount_out(x.other(), f);
        let Ok(first) = s.exact_out(x, o) else { reject!() };
        let c = first.amount_in;
        let next = s.after(&first);
        let (Ok(sell_back), Ok(buy_back)) = (next.exact_in(x.other(), o), next.exact_out(x.other(), c))
        else {
            reject!()
        };
        prop_assert!(sell_back.amount_out <= c, "bought {o} for {c}, sold it back for {}", sell_back.amount_out);
        prop_assert!(buy_back.amount_in >= o, "bought {o} for {c}, bought {c} back for {}", buy_back.amount_in);
    }
}

// Pool value

proptest! {
    #![proptest_config(config())]

    /// The LPs' claim in a PMM is its target inventory: valued at the oracle, the equilibrated
    /// targets never fall through a swap, whichever way and however far it goes.
    ///
    /// The reserves' mark-to-oracle value is *not* monotone: a trade that restores inventory buys
    /// the short token back at the premium the pool charged when it ran short, so the reserves
    /// can lose oracle value while the targets (what the curve returns to) do not. The next
    /// property covers the reserves for trades entirely away from target.
    #[test]
    fn equilibrated_target_value_never_falls_through_a_swap(
        s in scenario(), x in asset(), f in fraction(), exact_out in any::<bool>(),
    ) {
        let trade = if exact_out {
            s.exact_out(x, s.amount_out(x.other(), f))
        } else {
            s.exact_in(x, s.amount_in(x, f))
        };
        let Ok(trade) = trade else { reject!() };
        let (before, after) = (s.target_value(), s.after(&trade).target_value());
        prop_assert!(after >= before, "target value {before} -> {after} ({trade:?})");
    }

    /// A trade entirely away from target (its input token is not short before it, so the whole
    /// trade drains the other side at or above the oracle price) never lowers the reserves'
    /// value at the oracle. A trade that *crosses* the target also ends with its input token
    /// long, but its refill leg buys the short token back at a premium and can lower it.
    #[test]
    fn reserve_value_never_falls_on_a_trade_away_from_target(
        s in scenario(), pick in asset(), f in fraction(), exact_out in any::<bool>(),
    ) {
        // Sell the long token, or either one into a balanced pool.
        let x = s.short().map_or(pick, Asset::other);
        let trade = if exact_out {
            s.exact_out(x, s.amount_out(x.other(), f))
        } else {
            s.exact_in(x, s.amount_in(x, f))
        };
        let Ok(trade) = trade else { reject!() };
        let before = reserves_value(&s.state, s.market.price);
        let after = reserves_value(&trade.after, s.market.price);
        prop_assert!(after >= before, "reserve value {before} -> {after} ({trade:?})");
    }
}

// Exact-in and exact-out agree

proptest! {
    #![proptest_config(config())]

    /// If `a` buys `o`, the exact-out quote for `o` asks at most `a`. The one exception is a sale
    /// whose refill leg lands exactly on the target (its payout is then the whole excess, which
    /// exact-out prices as a crossing: the distance to target plus one unit), where it asks
    /// `a + 1`.
    #[test]
    fn exact_out_quote_for_an_exact_in_output_never_asks_more_than_its_input(
        s in scenario(), x in asset(), f in fraction(),
    ) {
        let a = s.amount_in(x, f);
        let Ok(sell) = s.exact_in(x, a) else { reject!() };
        let o = sell.amount_out;
        let buy = s.exact_out(x, o);
        prop_assert!(buy.is_ok(), "exact-in {a} -> {o} accepted, exact-out refused: {buy:?}");
        let asked = buy.unwrap().amount_in;
        let y = x.other();
        let landed_on_target = s.short() == Some(x) && sell.after.reserve(y) == sell.after.target(y);
        prop_assert!(
            asked <= a || (landed_on_target && asked == a + 1),
            "{a} buys {o}, whose exact-out quote is {asked}",
        );
    }

    /// Paying the exact-out quote for `o` as an exact-in trade delivers at least `o`.
    #[test]
    fn exact_in_of_an_exact_out_quote_delivers_at_least_its_output(
        s in scenario(), x in asset(), f in fraction(),
    ) {
        let o = s.amount_out(x.other(), f);
        let Ok(buy) = s.exact_out(x, o) else { reject!() };
        let sell = s.exact_in(x, buy.amount_in);
        prop_assert!(sell.is_ok(), "exact-out {o} for {} accepted, exact-in refused: {sell:?}", buy.amount_in);
        let sell = sell.unwrap();
        prop_assert!(sell.amount_out >= o, "{} quoted for {o} but buys {}", buy.amount_in, sell.amount_out);
    }
}
