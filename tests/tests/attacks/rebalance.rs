//! Sandwiching a rebalance on its venue, and calling `rebalance` again and again in one block.

use crate::{assert_solvent, value, worth};
use keel_core::math::{mul_div_u128, Rounding};
use keel_harness::pool::{self, PoolSwap};
use keel_harness::venue::{self, VenueSwap};
use keel_harness::{Fixture, Setup, BOB, CAROL, KEEPER, MALLORY, UNIT};
use keel_interface::pool::{PoolConfig, PoolError, RebalanceOutcome};

const PRICE: u128 = 10 * UNIT;

/// A pool next to a venue a hundred times deeper, pushed past its trigger by Bob.
fn due_pool() -> Fixture {
    let mut m = Fixture::new(Setup {
        venue_base_liquidity: 10_000_000 * UNIT,
        venue_quote_liquidity: 100_000_000 * UNIT,
        ..Setup::default()
    });
    pool::swap_exact_in(
        &mut m.chain,
        BOB,
        m.pool,
        PoolSwap::exact_in(m.base, 12_000 * UNIT),
    )
    .expect("push");
    m
}

fn pool_value(m: &mut Fixture) -> u128 {
    let (base, quote) = pool::reserves(&mut m.chain, m.pool);
    value(base, quote, PRICE)
}

#[test]
fn sandwiching_a_rebalance_on_the_venue_loses_money_and_costs_the_pool_at_most_its_bound() {
    // given the same due pool twice: one left alone, one Mallory sandwiches
    let mut honest = due_pool();
    let clean = pool::rebalance(&mut honest.chain, KEEPER, honest.pool, 0).expect("rebalance");
    let mut m = due_pool();
    let before = worth(&mut m, MALLORY, PRICE);

    // when Mallory dumps base on the venue just before the rebalance (its price falls ~1%) and
    // buys it back right after
    let dumped = 50_000 * UNIT;
    let got = venue::swap_exact_in(
        &mut m.chain,
        MALLORY,
        m.venue,
        VenueSwap::exact_in(m.base, dumped),
    )
    .expect("front-run");
    let attacked: RebalanceOutcome = pool::rebalance(&mut m.chain, KEEPER, m.pool, 0).expect("rebalance");
    venue::swap_exact_in(&mut m.chain, MALLORY, m.venue, VenueSwap::exact_in(m.quote, got))
        .expect("back-run");

    // then Mallory paid the venue's fee twice and lost money
    let after = worth(&mut m, MALLORY, PRICE);
    assert!(after < before, "sandwich profited: {before} -> {after}");
    // and the pool sold the same amount for less, but never below the oracle value less
    // max_venue_slippage_bps: the loss is bounded by the pool's own setting
    assert_eq!(attacked.sold, clean.sold);
    assert!(attacked.bought < clean.bought);
    let fair = mul_div_u128(attacked.sold, PRICE, UNIT, Rounding::Down).expect("fair");
    let bound = u128::from(PoolConfig::default().rebalance.max_venue_slippage_bps);
    assert!(
        attacked.bought * 10_000 >= fair * (10_000 - bound),
        "sold below the bound"
    );
    let lost = pool_value(&mut honest) - pool_value(&mut m);
    assert!(
        lost * 10_000 <= fair * bound,
        "pool lost {lost} on a notional of {fair}"
    );
    assert_solvent(&mut m);
}

#[test]
fn rebalance_called_repeatedly_in_one_block_runs_and_pays_once() {
    // given a due pool and three callers in the same block
    let mut m = due_pool();
    let block = m.chain.block();
    let keeper_before = m.balance(m.quote, KEEPER);
    let out = pool::rebalance(&mut m.chain, KEEPER, m.pool, 0).expect("first");

    // when the pool is pushed out of band again within the block, and everyone tries again
    pool::swap_exact_in(
        &mut m.chain,
        BOB,
        m.pool,
        PoolSwap::exact_in(m.base, 12_000 * UNIT),
    )
    .expect("push again");
    m.assert_refused(PoolError::StaleEpoch, |m| {
        pool::rebalance(&mut m.chain, CAROL, m.pool, 0)
    });
    m.assert_refused(PoolError::RebalanceCooldown, |m| {
        pool::rebalance(&mut m.chain, CAROL, m.pool, out.epoch)
    });
    m.assert_refused(PoolError::RebalanceCooldown, |m| {
        pool::rebalance(&mut m.chain, KEEPER, m.pool, out.epoch)
    });

    // then one rebalance ran, and one bounty was paid
    assert_eq!(m.chain.block(), block);
    assert_eq!(pool::rebalance_status(&mut m.chain, m.pool).epoch, 1);
    assert_eq!(m.balance(m.quote, KEEPER), keeper_before + out.bounty);
    assert_solvent(&mut m);
}
