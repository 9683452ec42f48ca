//! Providing and withdrawing liquidity on the deployed pool.

use keel_core::math::{mul_div_u128, Rounding};
use keel_core::CurveError;
use keel_core::MINIMUM_LIQUIDITY;
use keel_harness::pool::{self, PoolDeposit, PoolWithdraw};
use keel_harness::{Fixture, Setup, ALICE, BOB, UNIT};
use keel_interface::pool::PoolError;

#[test]
fn first_deposit_mints_sqrt_shares_and_locks_minimum_liquidity() {
    // given an empty pool
    let mut m = Fixture::new(Setup {
        base_liquidity: 0,
        ..Setup::default()
    });
    let before = m.snapshot();
    // when Alice deposits 100 base and 1,000 quote
    let (base_in, quote_in, shares) = pool::add_liquidity(
        &mut m.chain,
        ALICE,
        m.pool,
        PoolDeposit::of(100 * UNIT, 1_000 * UNIT),
    )
    .expect("deposit");
    // then she gets sqrt(100 * 1000) * 1e18 shares less the locked ones, and the pool holds both tokens
    let expected = 316_227_766_016_837_933_199u128; // floor(sqrt(1e5) * 1e18)
    assert_eq!((base_in, quote_in), (100 * UNIT, 1_000 * UNIT));
    assert_eq!(shares, expected - MINIMUM_LIQUIDITY);
    assert_eq!(pool::total_shares(&mut m.chain, m.pool), expected);
    assert_eq!(pool::reserves(&mut m.chain, m.pool), (100 * UNIT, 1_000 * UNIT));
    let after = m.snapshot();
    assert_eq!(
        after.pool_tokens,
        (before.pool_tokens.0 + base_in, before.pool_tokens.1 + quote_in)
    );
    assert_eq!(m.balance(m.base, ALICE), before.balances[0].1 - base_in);
}

#[test]
fn later_deposit_takes_the_reserve_ratio_and_leaves_the_rest() {
    let mut m = Fixture::standard();
    let total = pool::total_shares(&mut m.chain, m.pool);
    let bob_base = m.balance(m.base, BOB);
    let bob_quote = m.balance(m.quote, BOB);
    // Bob offers 10 base and 1,000 quote; the pool's ratio is 1:10, so it takes 10 base and 100 quote.
    let (base_in, quote_in, shares) = pool::add_liquidity(
        &mut m.chain,
        BOB,
        m.pool,
        PoolDeposit::of(10 * UNIT, 1_000 * UNIT),
    )
    .expect("deposit");
    assert_eq!(base_in, 10 * UNIT);
    // the ratio is applied to whole shares, so the quote taken may fall a few units short of 100
    assert!(
        quote_in <= 100 * UNIT && 100 * UNIT - quote_in <= 10,
        "{quote_in}"
    );
    assert_eq!(shares, total / 10_000);
    assert_eq!(m.balance(m.base, BOB), bob_base - base_in);
    assert_eq!(m.balance(m.quote, BOB), bob_quote - quote_in);
    assert_eq!(pool::shares(&mut m.chain, m.pool, BOB.account()), shares);
}

#[test]
fn withdrawal_pays_pro_rata_and_burns_shares() {
    let mut m = Fixture::standard();
    let alice_shares = pool::shares(&mut m.chain, m.pool, ALICE.account());
    let (rb, rq) = pool::reserves(&mut m.chain, m.pool);
    let total = pool::total_shares(&mut m.chain, m.pool);
    let base_before = m.balance(m.base, ALICE);
    let (base_out, quote_out) =
        pool::remove_liquidity(&mut m.chain, ALICE, m.pool, PoolWithdraw::of(alice_shares / 2))
            .expect("withdraw");
    let pro_rata = |reserve| mul_div_u128(reserve, alice_shares / 2, total, Rounding::Down).expect("fits");
    assert_eq!((base_out, quote_out), (pro_rata(rb), pro_rata(rq)));
    assert_eq!(m.balance(m.base, ALICE), base_before + base_out);
    assert_eq!(
        pool::shares(&mut m.chain, m.pool, ALICE.account()),
        alice_shares - alice_shares / 2
    );
    assert_eq!(
        pool::reserves(&mut m.chain, m.pool),
        (rb - base_out, rq - quote_out)
    );
}

#[test]
fn deposit_below_min_shares_is_refused_and_changes_nothing() {
    let mut m = Fixture::standard();
    let before = m.snapshot();
    let d = PoolDeposit {
        min_shares: u128::MAX,
        ..PoolDeposit::of(10 * UNIT, 100 * UNIT)
    };
    assert_eq!(
        pool::add_liquidity(&mut m.chain, BOB, m.pool, d),
        Err(PoolError::MinSharesNotMet)
    );
    assert_eq!(m.snapshot(), before);
}

#[test]
fn withdrawal_below_minimum_amounts_is_refused_and_changes_nothing() {
    let mut m = Fixture::standard();
    let before = m.snapshot();
    let w = PoolWithdraw {
        min_base: u128::MAX,
        ..PoolWithdraw::of(UNIT)
    };
    assert_eq!(
        pool::remove_liquidity(&mut m.chain, ALICE, m.pool, w),
        Err(PoolError::MinAmountsNotMet)
    );
    assert_eq!(m.snapshot(), before);
}

#[test]
fn withdrawing_shares_too_few_to_pay_anything_is_refused_and_changes_nothing() {
    // given a pool at 1 quote a base that bought 5,000 base at 1 and sold about 7,000 back at
    // 0.25, so each share is worth less than a unit of either token (both reserves below the
    // share supply)
    let mut m = Fixture::new(Setup {
        price: UNIT,
        base_liquidity: 100_000 * UNIT,
        quote_liquidity: 100_000 * UNIT,
        ..Setup::default()
    });
    let volatility = Setup::default().volatility;
    m.push_long_base(5_000);
    let block_ms = pool::config(&mut m.chain, m.pool).curve.block_time_ms;
    m.chain.advance(block_ms);
    m.report(UNIT / 4, volatility).expect("the price falls");
    m.push(m.quote, 1_800 * UNIT);
    let (base_reserve, quote_reserve) = pool::reserves(&mut m.chain, m.pool);
    let total = pool::total_shares(&mut m.chain, m.pool);
    assert!(
        base_reserve < total && quote_reserve < total,
        "reserves ({base_reserve}, {quote_reserve}) against {total} shares"
    );
    let before = m.snapshot();
    // when Alice burns one share, whose part of each reserve rounds to zero
    let refused = pool::remove_liquidity(&mut m.chain, ALICE, m.pool, PoolWithdraw::of(1));
    // then the pool refuses, and her share is not burnt for nothing
    assert_eq!(refused, Err(PoolError::Curve(CurveError::ZeroOutput)));
    assert_eq!(m.snapshot(), before);
    // and the fewest shares that pay a unit of base go through
    let shares = total / base_reserve + 1;
    let (base_out, _) =
        pool::remove_liquidity(&mut m.chain, ALICE, m.pool, PoolWithdraw::of(shares)).expect("withdraw");
    assert_eq!(base_out, 1);
}

#[test]
fn burning_more_shares_than_held_is_refused_and_changes_nothing() {
    let mut m = Fixture::standard();
    let before = m.snapshot();
    assert_eq!(
        pool::remove_liquidity(&mut m.chain, BOB, m.pool, PoolWithdraw::of(1)),
        Err(PoolError::InsufficientShares)
    );
    assert_eq!(m.snapshot(), before);
}

#[test]
fn donated_tokens_do_not_move_reserves_or_price() {
    let mut m = Fixture::standard();
    let mid = pool::mid_price(&mut m.chain, m.pool).expect("mid");
    let reserves = pool::reserves(&mut m.chain, m.pool);
    keel_harness::token::transfer(&mut m.chain, BOB, m.base, m.pool, 5_000 * UNIT).expect("donation");
    assert_eq!(pool::reserves(&mut m.chain, m.pool), reserves);
    assert_eq!(pool::mid_price(&mut m.chain, m.pool), Ok(mid));
}
