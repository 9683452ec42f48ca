//! The `WOOFi` pattern: dump a large notional through the inventory skew to push the pool's price
//! far from the oracle, then trade back at the distorted price. Keel's price comes from the
//! oracle, not from its own trades; the skew is bounded by the price band (`max_skew`) and the
//! inventory bound (`q_max`), and a round trip on the curve returns no more than it took.

use crate::{assert_solvent, worth};
use keel_core::math::{mul_div_u128, Rounding};
use keel_core::{CurveError, CurveParams, ONE};
use keel_harness::pool::{self, PoolSwap};
use keel_harness::{Fixture, MALLORY, UNIT};
use keel_interface::pool::PoolError;

const PRICE: u128 = 10 * UNIT;

#[test]
fn a_dump_ten_times_the_pool_is_refused_and_moves_nothing() {
    let mut m = Fixture::standard();
    let dump = PoolSwap::exact_in(m.base, 1_000_000 * UNIT);
    let refused = m.chain.dry_run(|c| pool::swap_exact_in(c, MALLORY, m.pool, dump));
    assert!(
        matches!(
            refused,
            Err(PoolError::Curve(
                CurveError::PriceBandExceeded | CurveError::InventoryLimitExceeded
            ))
        ),
        "got {refused:?}"
    );
    let expected = refused.expect_err("refused");
    m.assert_refused(expected, |m| {
        pool::swap_exact_in(&mut m.chain, MALLORY, m.pool, dump)
    });
}

#[test]
fn dumping_up_to_the_bounds_and_buying_back_loses_money() {
    // given Mallory sells base in 500-token steps, in one block, for as long as the pool takes it
    let mut m = Fixture::standard();
    let params = CurveParams::default();
    let floor = mul_div_u128(PRICE, ONE - params.max_skew, ONE, Rounding::Down).expect("floor");
    let before = worth(&mut m, MALLORY, PRICE);
    let base_before = m.balance(m.base, MALLORY);
    let mut steps = 0;
    while pool::swap_exact_in(
        &mut m.chain,
        MALLORY,
        m.pool,
        PoolSwap::exact_in(m.base, 500 * UNIT),
    )
    .is_ok()
    {
        steps += 1;
        // then the pool's price (its reference with the skew, before the fee and the guard
        // that charges the reference's distance from the oracle) never leaves the band, and its
        // inventory never passes q_max
        let mid = pool::mid_price(&mut m.chain, m.pool).expect("mid");
        assert!(mid >= floor, "mid {mid} below the band floor {floor}");
        let q = pool::inventory(&mut m.chain, m.pool).expect("q");
        assert!(q.unsigned_abs() <= params.q_max, "q {q} past q_max");
        assert!(steps < 100, "the pool never stopped taking base");
    }
    assert!(steps > 2, "only {steps} steps: the bounds stopped it at once");

    // when she buys back every base token she sold, at the skewed (cheap) price
    let sold = base_before - m.balance(m.base, MALLORY);
    pool::swap_exact_out(&mut m.chain, MALLORY, m.pool, PoolSwap::exact_out(m.quote, sold))
        .expect("buy back");

    // then she ends with the same base and less quote
    assert_eq!(m.balance(m.base, MALLORY), base_before);
    let after = worth(&mut m, MALLORY, PRICE);
    assert!(after < before, "dump and buy back profited: {before} -> {after}");
    assert_solvent(&mut m);
}
