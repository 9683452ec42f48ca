//! The skew's sign: a pool long one token buys it below the oracle and sells it cheaper than a
//! balanced pool would.

#[macro_use]
mod common;

use common::*;
use keel_core::fixed::to_f64;
use proptest::prelude::*;

// Skew sign

/// On a pool long `long`, a trade of 0.01% of its `long` reserve:
/// - selling `long` to it pays less per unit than the oracle price;
/// - buying `long` from it costs less than from a balanced pool with the same reserves, which
///   costs no more than from a pool short of `long`.
///
/// Comparisons are strict when the skew is worth at least 4 units of the other token on the part
/// of the trade it applies to; below that, rounding (always toward the pool) may absorb it. A
/// purchase larger than the pool's surplus crosses the target and is priced as two legs, each
/// rounded up, so when the skew is worth less than a unit its curve input may be one unit more
/// than the balanced pool's single leg, and grossing that unit up for the fee (rounded up again)
/// may make it two.
fn check_skew(s: &PoolCase, long: Asset) -> Result<(), TestCaseError> {
    let other = long.other();
    let eq = s.equilibrated();
    if eq.regime.short() != Some(other) {
        reject!()
    }
    let m = s.float();
    let amount = (s.state.reserve(long) / 10_000).max(1);
    let surplus = eq.reserve(long) - eq.target(long);

    // How far below the oracle the pool's marginal price of `long` sits (in `other` per `long`).
    let marginal_base = to_f64(
        eq.marginal_price(s.market.price, s.market.k)
            .expect("marginal price"),
    );
    let marginal = match long {
        Asset::Base => marginal_base,
        Asset::Quote => 1.0 / marginal_base,
    };
    let discount = m.price_of(long) - marginal;
    prop_assert!(
        discount >= 0.0,
        "marginal {marginal} above oracle {}",
        m.price_of(long)
    );

    // Selling `long`: the payout, valued at the oracle, is below what was sold. The whole sale
    // is priced at or below the marginal price.
    if let Ok(sell) = s.exact_in(long, amount) {
        let price = s.market.price;
        let (paid, received) = match long {
            Asset::Base => (
                exact_value(amount, 0, price),
                exact_value(0, sell.amount_out, price),
            ),
            Asset::Quote => (
                exact_value(0, amount, price),
                exact_value(sell.amount_out, 0, price),
            ),
        };
        let strict = amount as f64 * discount >= 4.0;
        prop_assert!(
            received < paid || (!strict && received == paid),
            "sold {amount} worth {paid}, received {} worth {received}",
            sell.amount_out,
        );
    }

    // Buying `long`: only the part up to the surplus is discounted, on average by at least half
    // the marginal discount (the price rises to the oracle's at target).
    let balanced = PoolCase::new(
        PoolState::balanced(s.state.base_reserve, s.state.quote_reserve),
        s.market,
    );
    let (Ok(cost_long), Ok(cost_balanced)) = (s.exact_out(other, amount), balanced.exact_out(other, amount))
    else {
        reject!()
    };
    let (long_in, balanced_in) = (cost_long.amount_in, cost_balanced.amount_in);
    let strict = amount.min(surplus) as f64 * discount / 2.0 >= 4.0;
    let crossing_units = if amount >= surplus { 2 } else { 0 };
    if strict {
        prop_assert!(long_in < balanced_in, "long {long_in} >= balanced {balanced_in}");
    } else {
        prop_assert!(
            long_in <= balanced_in + crossing_units,
            "long {long_in} > balanced {balanced_in}"
        );
    }
    // The mirror pool: as far short of `long` as `s` is long of it, by value.
    let mirror_in = to_amount(surplus as f64 * m.price_of(long));
    if let Ok(short) = balanced.exact_in(other, mirror_in) {
        if let Ok(cost_short) = balanced.after(&short).exact_out(other, amount) {
            let short_in = cost_short.amount_in;
            prop_assert!(
                balanced_in <= short_in,
                "balanced {balanced_in} > short {short_in}"
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn pool_long_base_buys_base_below_oracle_and_sells_it_cheaper_than_a_balanced_pool(
        s in scenario_long(Asset::Base),
    ) {
        check_skew(&s, Asset::Base)?;
    }

    #[test]
    fn pool_long_quote_buys_quote_below_oracle_and_sells_it_cheaper_than_a_balanced_pool(
        s in scenario_long(Asset::Quote),
    ) {
        check_skew(&s, Asset::Quote)?;
    }
}
