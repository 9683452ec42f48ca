//! Swaps both ways and both kinds on the deployed pool, priced by the oracle and the curve.

use keel_harness::pool::{self, PoolSwap};
use keel_harness::{Fixture, BOB, CAROL, UNIT};

#[test]
fn selling_base_exact_in_pays_quote_near_the_oracle_price() {
    let mut m = Fixture::standard();
    let quoted = pool::quote_exact_in(&mut m.chain, m.pool, m.base, 10 * UNIT).expect("quote");
    let (base0, quote0) = (m.balance(m.base, BOB), m.balance(m.quote, BOB));
    let out =
        pool::swap_exact_in(&mut m.chain, BOB, m.pool, PoolSwap::exact_in(m.base, 10 * UNIT)).expect("swap");
    // 10 base at 10 quote, less a few bps of fee and skew: between 99.5 and 100 quote.
    assert_eq!(out, quoted.amount_out);
    assert!(out < 100 * UNIT && out > 995 * UNIT / 10, "{out}");
    assert_eq!(m.balance(m.base, BOB), base0 - 10 * UNIT);
    assert_eq!(m.balance(m.quote, BOB), quote0 + out);
    let (rb, rq) = pool::reserves(&mut m.chain, m.pool);
    assert_eq!((rb, rq), (100_010 * UNIT, 1_000_000 * UNIT - out));
}

#[test]
fn selling_quote_exact_in_pays_base() {
    let mut m = Fixture::standard();
    let base0 = m.balance(m.base, BOB);
    let out = pool::swap_exact_in(&mut m.chain, BOB, m.pool, PoolSwap::exact_in(m.quote, 100 * UNIT))
        .expect("swap");
    assert!(out < 10 * UNIT && out > 995 * UNIT / 100, "{out}");
    assert_eq!(m.balance(m.base, BOB), base0 + out);
}

#[test]
fn buying_base_exact_out_costs_what_was_quoted() {
    let mut m = Fixture::standard();
    let quoted = pool::quote_exact_out(&mut m.chain, m.pool, m.quote, 10 * UNIT).expect("quote");
    let (base0, quote0) = (m.balance(m.base, BOB), m.balance(m.quote, BOB));
    let paid = pool::swap_exact_out(&mut m.chain, BOB, m.pool, PoolSwap::exact_out(m.quote, 10 * UNIT))
        .expect("swap");
    assert_eq!(paid, quoted.amount_in);
    assert!(paid > 100 * UNIT && paid < 1005 * UNIT / 10, "{paid}");
    assert_eq!(m.balance(m.base, BOB), base0 + 10 * UNIT);
    assert_eq!(m.balance(m.quote, BOB), quote0 - paid);
}

#[test]
fn buying_quote_exact_out_costs_base() {
    let mut m = Fixture::standard();
    let quote0 = m.balance(m.quote, BOB);
    let paid = pool::swap_exact_out(&mut m.chain, BOB, m.pool, PoolSwap::exact_out(m.base, 100 * UNIT))
        .expect("swap");
    assert!(paid > 10 * UNIT && paid < 1005 * UNIT / 100, "{paid}");
    assert_eq!(m.balance(m.quote, BOB), quote0 + 100 * UNIT);
}

#[test]
fn swap_output_can_be_sent_to_another_account() {
    let mut m = Fixture::standard();
    let carol_quote = m.balance(m.quote, CAROL);
    let swap = PoolSwap {
        to: Some(CAROL.account()),
        ..PoolSwap::exact_in(m.base, UNIT)
    };
    let out = pool::swap_exact_in(&mut m.chain, BOB, m.pool, swap).expect("swap");
    assert_eq!(m.balance(m.quote, CAROL), carol_quote + out);
}

#[test]
fn round_trip_loses_the_fees_and_never_profits() {
    let mut m = Fixture::standard();
    let base0 = m.balance(m.base, BOB);
    let got = pool::swap_exact_in(
        &mut m.chain,
        BOB,
        m.pool,
        PoolSwap::exact_in(m.base, 1_000 * UNIT),
    )
    .expect("sell");
    pool::swap_exact_in(&mut m.chain, BOB, m.pool, PoolSwap::exact_in(m.quote, got)).expect("buy back");
    let base1 = m.balance(m.base, BOB);
    assert!(base1 < base0, "round trip profited: {base0} -> {base1}");
}
