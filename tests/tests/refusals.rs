//! Every bad input is refused with its named error and leaves every balance unchanged.

use keel_core::CurveError;
use keel_harness::pool::{self, PoolDeposit, PoolSwap};
use keel_harness::{Fixture, BOB, MALLORY, UNIT};
use keel_interface::pool::{PoolConfig, PoolError};

#[test]
fn stale_oracle_refuses_swaps() {
    let mut m = Fixture::standard();
    m.chain.advance(PoolConfig::default().max_oracle_age_ms + 1);
    m.assert_refused(PoolError::OracleStale, |m| {
        pool::swap_exact_in(&mut m.chain, BOB, m.pool, PoolSwap::exact_in(m.base, UNIT))
    });
    m.assert_refused(PoolError::OracleStale, |m| {
        pool::swap_exact_out(&mut m.chain, BOB, m.pool, PoolSwap::exact_out(m.base, UNIT))
    });
}

#[test]
fn a_reading_stamped_after_the_block_is_refused_and_changes_nothing() {
    // given the feed's answer stamped now, read by a block 10 s earlier: what a pool on a feed
    // that stamps ahead of the chain sees (it would read as fresh until the clock caught up)
    let mut m = Fixture::standard();
    let stamped = m.chain.now();
    m.chain.set_time(stamped - 10_000);
    // when / then: swaps are refused, balances unchanged
    m.assert_refused(PoolError::OracleInvalid, |m| {
        pool::swap_exact_in(&mut m.chain, BOB, m.pool, PoolSwap::exact_in(m.base, UNIT))
    });
    m.assert_refused(PoolError::OracleInvalid, |m| {
        pool::swap_exact_out(&mut m.chain, BOB, m.pool, PoolSwap::exact_out(m.quote, UNIT))
    });
}

#[test]
fn fresh_reading_reopens_trading_after_staleness() {
    let mut m = Fixture::standard();
    m.chain.advance(PoolConfig::default().max_oracle_age_ms + 1);
    m.report(10 * UNIT, UNIT / 2).expect("report");
    assert!(pool::swap_exact_in(&mut m.chain, BOB, m.pool, PoolSwap::exact_in(m.base, UNIT)).is_ok());
}

#[test]
fn paused_pool_refuses_swaps_and_deposits_but_not_withdrawals() {
    let mut m = Fixture::standard();
    pool::pause(&mut m.chain, keel_harness::OWNER, m.pool).expect("pause");
    m.assert_refused(PoolError::Paused, |m| {
        pool::swap_exact_in(&mut m.chain, BOB, m.pool, PoolSwap::exact_in(m.base, UNIT))
    });
    m.assert_refused(PoolError::Paused, |m| {
        pool::swap_exact_out(&mut m.chain, BOB, m.pool, PoolSwap::exact_out(m.base, UNIT))
    });
    m.assert_refused(PoolError::Paused, |m| {
        pool::add_liquidity(&mut m.chain, BOB, m.pool, PoolDeposit::of(UNIT, 10 * UNIT))
    });
    let withdraw = keel_harness::pool::PoolWithdraw::of(UNIT);
    assert!(pool::remove_liquidity(&mut m.chain, keel_harness::ALICE, m.pool, withdraw).is_ok());
    pool::unpause(&mut m.chain, keel_harness::OWNER, m.pool).expect("unpause");
    assert!(pool::swap_exact_in(&mut m.chain, BOB, m.pool, PoolSwap::exact_in(m.base, UNIT)).is_ok());
}

#[test]
fn expired_deadline_is_refused() {
    let mut m = Fixture::standard();
    let past = m.chain.now() - 1;
    m.assert_refused(PoolError::Expired, |m| {
        pool::swap_exact_in(
            &mut m.chain,
            BOB,
            m.pool,
            PoolSwap {
                deadline: past,
                ..PoolSwap::exact_in(m.base, UNIT)
            },
        )
    });
    m.assert_refused(PoolError::Expired, |m| {
        pool::add_liquidity(
            &mut m.chain,
            BOB,
            m.pool,
            PoolDeposit {
                deadline: past,
                ..PoolDeposit::of(UNIT, 10 * UNIT)
            },
        )
    });
}

#[test]
fn slippage_bounds_are_enforced_both_kinds() {
    let mut m = Fixture::standard();
    let q = pool::quote_exact_in(&mut m.chain, m.pool, m.base, UNIT).expect("quote");
    m.assert_refused(PoolError::SlippageExceeded, |m| {
        let swap = PoolSwap {
            limit: q.amount_out + 1,
            ..PoolSwap::exact_in(m.base, UNIT)
        };
        pool::swap_exact_in(&mut m.chain, BOB, m.pool, swap)
    });
    let q = pool::quote_exact_out(&mut m.chain, m.pool, m.quote, UNIT).expect("quote");
    m.assert_refused(PoolError::SlippageExceeded, |m| {
        let swap = PoolSwap {
            limit: q.amount_in - 1,
            ..PoolSwap::exact_out(m.quote, UNIT)
        };
        pool::swap_exact_out(&mut m.chain, BOB, m.pool, swap)
    });
    // exactly at the bound is accepted
    let swap = PoolSwap {
        limit: q.amount_in,
        ..PoolSwap::exact_out(m.quote, UNIT)
    };
    assert_eq!(
        pool::swap_exact_out(&mut m.chain, BOB, m.pool, swap),
        Ok(q.amount_in)
    );
}

#[test]
fn a_token_that_is_not_the_pools_is_refused() {
    let mut m = Fixture::standard();
    let stranger = m.oracle;
    m.assert_refused(PoolError::UnknownToken, |m| {
        pool::swap_exact_in(&mut m.chain, BOB, m.pool, PoolSwap::exact_in(stranger, UNIT))
    });
    m.assert_refused(PoolError::UnknownToken, |m| {
        pool::swap_exact_out(&mut m.chain, BOB, m.pool, PoolSwap::exact_out(stranger, UNIT))
    });
}

#[test]
fn zero_amounts_are_refused() {
    let mut m = Fixture::standard();
    m.assert_refused(PoolError::ZeroAmount, |m| {
        pool::swap_exact_in(&mut m.chain, BOB, m.pool, PoolSwap::exact_in(m.base, 0))
    });
    m.assert_refused(PoolError::ZeroAmount, |m| {
        pool::swap_exact_out(&mut m.chain, BOB, m.pool, PoolSwap::exact_out(m.base, 0))
    });
    m.assert_refused(PoolError::ZeroAmount, |m| {
        pool::add_liquidity(&mut m.chain, BOB, m.pool, PoolDeposit::of(0, UNIT))
    });
    m.assert_refused(PoolError::ZeroAmount, |m| {
        pool::remove_liquidity(
            &mut m.chain,
            keel_harness::ALICE,
            m.pool,
            keel_harness::pool::PoolWithdraw::of(0),
        )
    });
}

#[test]
fn amounts_near_u128_max_are_refused() {
    let mut m = Fixture::standard();
    let huge = u128::MAX - 1;
    // (the sale's shift of the pool's reference, its worth at the oracle, is priced first)
    m.assert_refused(PoolError::Curve(CurveError::Overflow), |m| {
        pool::swap_exact_in(&mut m.chain, BOB, m.pool, PoolSwap::exact_in(m.base, huge))
    });
    m.assert_refused(PoolError::Curve(CurveError::InsufficientLiquidity), |m| {
        pool::swap_exact_out(&mut m.chain, BOB, m.pool, PoolSwap::exact_out(m.base, huge))
    });
    m.assert_refused(PoolError::Curve(CurveError::ReserveLimitExceeded), |m| {
        pool::add_liquidity(&mut m.chain, BOB, m.pool, PoolDeposit::of(huge, huge))
    });
}

#[test]
fn a_trade_past_the_price_band_is_refused() {
    let mut m = Fixture::standard();
    // Buying 40% of the base reserve would push base far above oracle * 1.1.
    m.assert_refused(PoolError::Curve(CurveError::PriceBandExceeded), |m| {
        pool::swap_exact_out(
            &mut m.chain,
            BOB,
            m.pool,
            PoolSwap::exact_out(m.quote, 40_000 * UNIT),
        )
    });
}

#[test]
fn a_trade_past_the_inventory_bound_is_refused() {
    let wide_band = PoolConfig {
        curve: keel_core::CurveParams {
            max_skew: keel_core::dynamic::DISCOVERY_SKEW_CEIL,
            q_max: keel_core::ONE / 100,
            ..Default::default()
        },
        ..PoolConfig::default()
    };
    let mut m = Fixture::new(keel_harness::Setup {
        config: wide_band,
        ..Default::default()
    });
    // Selling 4,000 base (2% of the pool's value) would leave q past q_max = 0.01, while its
    // shift of the reference (about 11%) stays inside the 25% band.
    m.assert_refused(PoolError::Curve(CurveError::InventoryLimitExceeded), |m| {
        pool::swap_exact_in(
            &mut m.chain,
            BOB,
            m.pool,
            PoolSwap::exact_in(m.base, 4_000 * UNIT),
        )
    });
}

#[test]
fn a_swap_without_allowance_is_refused_by_the_token() {
    let mut m = Fixture::standard();
    keel_harness::token::approve(&mut m.chain, MALLORY, m.base, m.pool, 0).expect("revoke");
    m.assert_refused(
        PoolError::Token(keel_interface::pool::TokenError::InsufficientAllowance),
        |m| pool::swap_exact_in(&mut m.chain, MALLORY, m.pool, PoolSwap::exact_in(m.base, UNIT)),
    );
}

#[test]
fn unauthorized_admin_calls_are_refused() {
    let mut m = Fixture::standard();
    // given a configuration the owner could set (its venue Mallory's, its age limit shorter)
    let standing = pool::config(&mut m.chain, m.pool);
    let mut config = standing;
    config.venue = Some(MALLORY.account());
    config.max_oracle_age_ms /= 2;
    assert_ne!(config, standing);
    // when Mallory sets it, pauses, hands herself the ownership and replaces the code
    m.assert_refused(PoolError::NotOwner, |m| {
        pool::set_config(&mut m.chain, MALLORY, m.pool, config)
    });
    m.assert_refused(PoolError::NotOwner, |m| {
        pool::pause(&mut m.chain, MALLORY, m.pool)
    });
    m.assert_refused(PoolError::NotOwner, |m| {
        pool::transfer_ownership(&mut m.chain, MALLORY, m.pool, MALLORY.account())
    });
    m.assert_refused(PoolError::NotOwner, |m| {
        pool::set_code(&mut m.chain, MALLORY, m.pool, ink::primitives::Hash::default())
    });
    // then the configuration, the ownership and trading stand
    assert_eq!(pool::config(&mut m.chain, m.pool), standing);
    assert!(!pool::is_paused(&mut m.chain, m.pool));
    assert_eq!(pool::owner(&mut m.chain, m.pool), keel_harness::OWNER.account());
    assert_eq!(pool::pending_owner(&mut m.chain, m.pool), None);
    // and a pause the owner set, Mallory cannot lift
    pool::pause(&mut m.chain, keel_harness::OWNER, m.pool).expect("the owner pauses");
    m.assert_refused(PoolError::NotOwner, |m| {
        pool::unpause(&mut m.chain, MALLORY, m.pool)
    });
    assert!(pool::is_paused(&mut m.chain, m.pool));
}
