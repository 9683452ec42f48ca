//! The `WOOFi` pattern: dump a large notional through the inventory skew to push the pool's price
//! far from the oracle, then trade back at the distorted price. Keel's price is the oracle's,
//! moved between readings only by the discovery of its own flow (which the next reading replaces)
//! and skewed by its inventory; the price band (`max_skew`) bounds both together against the
//! oracle, the inventory bound (`q_max`) bounds the skew, and a round trip on the curve returns no
//! more than it took. The dump runs in one block on a pool without discovery, where the band
//! lets the most through at once, and across blocks on the default pool, each sale described by
//! a reading, so the reference returns to the oracle and the skew builds up to the band.

use crate::{assert_solvent, worth};
use keel_core::math::{mul_div_u128, Rounding};
use keel_core::{CurveError, ONE};
use keel_harness::pool::{self, PoolSwap};
use keel_harness::{Fixture, Setup, MALLORY, UNIT};
use keel_interface::pool::PoolError;

const PRICE: u128 = 10 * UNIT;
const VOLATILITY: u128 = UNIT / 10 * 8;
const BLOCK_MS: u64 = 6_000;

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

/// How Mallory dumps and buys back: in `step`-base trades, all in one block, or one a block with
/// every reporter describing each.
#[derive(Clone, Copy)]
pub(crate) struct Dump {
    pub(crate) step: u128,
    pub(crate) across_blocks: bool,
}

/// What passes between two of Mallory's trades: nothing in one block; across blocks, a block
/// and every reporter's reading of the oracle's unchanged price, which describes the trade.
fn between_trades(m: &mut Fixture, dump: Dump) {
    if dump.across_blocks {
        m.chain.advance(BLOCK_MS);
        m.report(PRICE, VOLATILITY).expect("a reading");
    }
}

/// Mallory sells base in `dump.step` trades for as long as the pool takes them, checking the
/// bounds after each, then buys back every base token she sold. Returns the steps she sold in,
/// the refusal that stopped her, and her worth before and after.
pub(crate) fn dump_and_buy_back(m: &mut Fixture, dump: Dump) -> (u32, PoolError, u128, u128) {
    let params = pool::config(&mut m.chain, m.pool).curve;
    let floor = mul_div_u128(PRICE, ONE - params.max_skew, ONE, Rounding::Down).expect("floor");
    let before = worth(m, MALLORY, PRICE);
    let base_before = m.balance(m.base, MALLORY);
    let mut steps = 0;
    let stopped = loop {
        let sale = PoolSwap::exact_in(m.base, dump.step * UNIT);
        if let Err(refused) = pool::swap_exact_in(&mut m.chain, MALLORY, m.pool, sale) {
            break refused;
        }
        steps += 1;
        // the pool's price (its reference with the skew, before the fee and the guard) never
        // leaves the band, and its inventory never passes q_max
        let mid = pool::mid_price(&mut m.chain, m.pool).expect("mid");
        assert!(
            mid >= floor,
            "step {steps}: mid {mid} below the band floor {floor}"
        );
        let q = pool::inventory(&mut m.chain, m.pool).expect("q");
        assert!(q.unsigned_abs() <= params.q_max, "q {q} past q_max");
        assert!(steps < 200, "the pool never stopped taking base");
        between_trades(m, dump);
    };
    // she buys back every base token she sold, at the skewed (cheap) price
    let mut owed = base_before - m.balance(m.base, MALLORY);
    while owed > 0 {
        let buy = if dump.across_blocks {
            owed.min(dump.step * UNIT)
        } else {
            owed
        };
        pool::swap_exact_out(&mut m.chain, MALLORY, m.pool, PoolSwap::exact_out(m.quote, buy))
            .expect("buy back");
        owed -= buy;
        between_trades(m, dump);
    }
    assert_eq!(m.balance(m.base, MALLORY), base_before);
    assert_solvent(m);
    (steps, stopped, before, worth(m, MALLORY, PRICE))
}

#[test]
fn dumping_up_to_the_bounds_in_one_block_and_buying_back_loses_money() {
    // given a pool without discovery (its reference stays at the oracle, so one block takes the
    // most), and Mallory selling base in 2,000-token steps for as long as it takes them
    let mut m = Fixture::new(Setup::without_discovery());
    let dump = Dump {
        step: 2_000,
        across_blocks: false,
    };
    // when she dumps and buys back, then a bound stopped her, after several steps, the bounds
    // held at every step, and she lost
    let outcome = dump_and_buy_back(&mut m, dump);
    assert_a_bound_stopped_a_losing_dump("no discovery", outcome);
}

/// A dump's outcome (`dump_and_buy_back`'s): a bound stopped it after several sales (the bounds
/// held at every one, checked as it ran), and the round trip lost money.
pub(crate) fn assert_a_bound_stopped_a_losing_dump(
    case: &str,
    (steps, stopped, before, after): (u32, PoolError, u128, u128),
) {
    assert!(
        matches!(
            stopped,
            PoolError::Curve(CurveError::PriceBandExceeded | CurveError::InventoryLimitExceeded)
        ),
        "{case}: stopped by {stopped:?}"
    );
    assert!(
        steps > 2,
        "{case}: only {steps} steps: the bounds stopped it at once"
    );
    assert!(
        after < before,
        "{case}: dump and buy back profited: {before} -> {after}"
    );
}

#[test]
fn dumping_up_to_the_bounds_across_blocks_and_buying_back_loses_money() {
    // given the default pool, and Mallory selling 500 base a block, each sale described by the
    // next reading, for as long as it takes them
    let mut m = Fixture::standard();
    let dump = Dump {
        step: 500,
        across_blocks: true,
    };
    // when she dumps and buys back the same way
    let (steps, stopped, before, after) = dump_and_buy_back(&mut m, dump);
    // then the band stopped her once the skew had built up over many blocks (one block's
    // discovery takes about six such sales), the bounds held at every step, and she lost
    assert_eq!(stopped, PoolError::Curve(CurveError::PriceBandExceeded));
    assert!(steps > 10, "only {steps} steps: one block's discovery stopped it");
    assert!(after < before, "dump and buy back profited: {before} -> {after}");
}
