//! What the owner's configuration power can and cannot do to users. Changes take effect at once
//! (the owner is trusted with the code anyway: see `docs/security.md`), so the protections are
//! that no configuration moves funds, withdrawals stay open whatever the configuration, and a
//! trader's own limit catches a change made between their quote and their swap.

use crate::assert_solvent;
use keel_core::dynamic::{FEE_CEIL, K_CEIL, SKEW_CEIL};
use keel_core::rebalance::{MAX_SLIPPAGE_BPS, MIN_COOLDOWN_MS, MIN_TRIGGER};
use keel_core::{CurveParams, ONE};
use keel_harness::pool::{self, PoolSwap, PoolWithdraw};
use keel_harness::{Fixture, ALICE, BOB, MALLORY, OWNER, UNIT};
use keel_interface::pool::{PoolConfig, PoolError};

/// The harshest configuration within the hard bounds: the widest fee, the steepest curve, the
/// widest band, an oracle that is always stale, the loosest rebalancing (lowest trigger, widest
/// venue tolerance, shortest cooldown) and a "venue" that is Mallory's own account.
fn harshest() -> PoolConfig {
    let mut config = PoolConfig {
        curve: CurveParams {
            fee_base: FEE_CEIL,
            fee_min: FEE_CEIL,
            fee_max: FEE_CEIL,
            k_base: K_CEIL,
            k_min: K_CEIL,
            k_max: K_CEIL,
            max_skew: SKEW_CEIL,
            q_max: ONE,
            ..CurveParams::default()
        },
        max_oracle_age_ms: 1,
        venue: Some(MALLORY.account()),
        ..PoolConfig::default()
    };
    config.rebalance.cooldown_ms = config.curve.block_time_ms.max(MIN_COOLDOWN_MS);
    config.rebalance.trigger = MIN_TRIGGER;
    config.rebalance.target = 0;
    config.rebalance.max_venue_slippage_bps = MAX_SLIPPAGE_BPS;
    config
}

#[test]
fn the_harshest_configuration_moves_no_funds_and_withdrawals_pay_the_same() {
    // given a traded pool, and what Alice's whole withdrawal would pay now
    let mut m = Fixture::standard();
    pool::swap_exact_in(
        &mut m.chain,
        BOB,
        m.pool,
        PoolSwap::exact_in(m.base, 5_000 * UNIT),
    )
    .expect("swap");
    let shares = pool::shares(&mut m.chain, m.pool, ALICE.account());
    let pool_addr = m.pool;
    let would_pay = m
        .chain
        .dry_run(|c| pool::remove_liquidity(c, ALICE, pool_addr, PoolWithdraw::of(shares)))
        .expect("withdrawal");
    let before = m.snapshot();

    // when the owner sets the harshest configuration the bounds allow, and pauses
    pool::set_config(&mut m.chain, OWNER, m.pool, harshest()).expect("within bounds");

    // then nothing moved, no rebalance can run (the stale oracle and an account that is no
    // venue both refuse it), trading stops, and Alice still withdraws exactly as much
    assert_eq!(m.snapshot(), before, "a configuration change moved funds");
    for epoch in [0, 1] {
        assert!(pool::rebalance(&mut m.chain, MALLORY, m.pool, epoch).is_err());
    }
    assert_eq!(m.snapshot(), before, "a rebalance moved funds");
    pool::pause(&mut m.chain, OWNER, m.pool).expect("pause");
    m.assert_refused(PoolError::Paused, |m| {
        pool::swap_exact_in(&mut m.chain, BOB, m.pool, PoolSwap::exact_in(m.base, UNIT))
    });
    let paid =
        pool::remove_liquidity(&mut m.chain, ALICE, m.pool, PoolWithdraw::of(shares)).expect("withdraw");
    assert_eq!(paid, would_pay);
    assert_solvent(&mut m);
}

#[test]
fn a_fee_raised_between_quote_and_swap_is_caught_by_the_traders_min_out() {
    // given Bob's quote for a sale, with his limit at the quoted output
    let mut m = Fixture::standard();
    let quote = pool::quote_exact_in(&mut m.chain, m.pool, m.base, 1_000 * UNIT).expect("quote");

    // when the owner raises the fee to its ceiling before Bob's swap lands
    let mut config = pool::config(&mut m.chain, m.pool);
    config.curve.fee_base = FEE_CEIL;
    config.curve.fee_min = FEE_CEIL;
    config.curve.fee_max = FEE_CEIL;
    pool::set_config(&mut m.chain, OWNER, m.pool, config).expect("within bounds");

    // then the swap is refused and nothing moves
    let swap = PoolSwap {
        limit: quote.amount_out,
        ..PoolSwap::exact_in(m.base, 1_000 * UNIT)
    };
    m.assert_refused(PoolError::SlippageExceeded, |m| {
        pool::swap_exact_in(&mut m.chain, BOB, m.pool, swap)
    });
}
