//! Sandwiching a rebalance on its venue, at venue depths from five to a hundred times the pool's,
//! and calling `rebalance` again and again in one block.

use crate::{assert_solvent, pool_value_at, worth};
use ink::primitives::AccountId;
use keel_core::math::{mul_div_u128, Rounding};
use keel_core::Asset;
use keel_harness::pool::{self, PoolSwap};
use keel_harness::venue::{self, VenueSwap};
use keel_harness::{Fixture, Setup, BOB, CAROL, KEEPER, MALLORY, UNIT};
use keel_interface::pool::{PoolConfig, PoolError, RebalanceOutcome};
use keel_interface::VenueError;

const PRICE: u128 = 10 * UNIT;

/// A pool next to a venue `depth` times its size, pushed past its trigger by Bob.
fn due_pool(depth: u128) -> Fixture {
    due_pool_funded(depth, 100_000_000 * UNIT)
}

/// [`due_pool`] with `funds` of each token for every trader.
pub(crate) fn due_pool_funded(depth: u128, funds: u128) -> Fixture {
    let mut m = Fixture::new(Setup {
        venue_base_liquidity: depth * 100_000 * UNIT,
        venue_quote_liquidity: depth * 1_000_000 * UNIT,
        trader_funds: funds,
        ..Setup::default()
    });
    m.push_long_base(12_000);
    m
}

/// The pool's reserves in quote at the test's price.
pub(crate) fn pool_value(m: &mut Fixture) -> u128 {
    pool_value_at(m, PRICE)
}

/// Mallory dumps `dumped` base on the venue, calls the rebalance herself (so its bounty is hers:
/// any keeper is paid the bounty a rebalance in peace pays, so the sandwich pays only if she
/// ends above her worth plus that), and buys back with all she got. Returns the rebalance, or
/// `None` when the pool refused it (then Mallory unwinds).
pub(crate) fn sandwich(m: &mut Fixture, dumped: u128) -> Option<RebalanceOutcome> {
    let (base, quote) = (m.base, m.quote);
    sandwich_selling(m, (base, quote), dumped)
}

/// [`sandwich`] of a rebalance that sells `sold.0` for `sold.1`: Mallory dumps `dumped` of the
/// token the pool sells, rebalances, and buys it back with all she got. A refusal must be the
/// venue's price check, and must leave the pool, every venue and the rebalancing record as the
/// dump left them.
fn sandwich_selling(
    m: &mut Fixture,
    (sold, bought): (AccountId, AccountId),
    dumped: u128,
) -> Option<RebalanceOutcome> {
    let got = venue::swap_exact_in(&mut m.chain, MALLORY, m.venue, VenueSwap::exact_in(sold, dumped))
        .expect("front-run");
    let before = m.snapshot();
    let out = match pool::rebalance(&mut m.chain, MALLORY, m.pool, 0) {
        Ok(out) => Some(out),
        Err(e) => {
            assert_eq!(
                e,
                PoolError::Venue(VenueError::SlippageExceeded),
                "dumped {dumped}"
            );
            assert_eq!(m.snapshot(), before, "a refused rebalance moved something");
            None
        }
    };
    venue::swap_exact_in(&mut m.chain, MALLORY, m.venue, VenueSwap::exact_in(bought, got)).expect("back-run");
    out
}

#[test]
fn sandwiching_a_rebalance_loses_money_on_venues_five_to_a_hundred_times_the_pool() {
    for depth in [5, 10, 20, 100] {
        // given the same due pool twice: one rebalanced in peace
        let mut honest = due_pool(depth);
        let clean = pool::rebalance(&mut honest.chain, KEEPER, honest.pool, 0).expect("rebalance");
        let reserve = depth * 100_000 * UNIT;
        let mut accepted = 0;
        // when Mallory front-runs with dumps from 0.02% of the venue's base to 2% (a move of
        // about 4%, far past what the pool accepts)
        for bps in [2, 5, 10, 15, 20, 25, 30, 50, 100, 200] {
            let mut m = due_pool(depth);
            let before = worth(&mut m, MALLORY, PRICE);
            let dumped = reserve / 10_000 * bps;
            let attacked = sandwich(&mut m, dumped);
            // then Mallory always ends poorer than the bounty alone would have left her (the one
            // paid in peace: the dump may grow the slice, and the bounty with it)
            let paid = before + attacked.as_ref().map_or(0, |a| a.bounty.min(clean.bounty));
            let after = worth(&mut m, MALLORY, PRICE);
            assert!(
                after < paid,
                "{depth}x, {bps} bps: sandwich profited {paid} -> {after}"
            );
            let Some(attacked) = attacked else {
                assert_eq!(
                    pool_value(&mut m),
                    pool_value(&mut due_pool(depth)),
                    "a refusal moved the pool"
                );
                continue;
            };
            accepted += 1;
            // and the pool sold its slice (a shade larger: the dump deepened the venue's base
            // side, and the cap with it) for at most the tolerance less than in peace
            let grown = mul_div_u128(clean.sold, reserve + dumped, reserve, Rounding::Up).expect("fits");
            assert!(
                attacked.sold >= clean.sold && attacked.sold <= grown + 2,
                "{depth}x, {bps} bps: sold {} against {} in peace",
                attacked.sold,
                clean.sold
            );
            let fair = mul_div_u128(attacked.sold, PRICE, UNIT, Rounding::Down).expect("fair");
            let tolerance = u128::from(PoolConfig::default().rebalance.max_venue_slippage_bps);
            let lost = pool_value(&mut honest).saturating_sub(pool_value(&mut m));
            assert!(
                lost * 10_000 <= fair * tolerance,
                "{depth}x, {bps} bps: pool lost {lost} on a slice worth {fair}"
            );
            // and Mallory's loss exceeds what the pool gave up
            assert!(
                paid - after > lost,
                "{depth}x, {bps} bps: Mallory lost {} < {lost}",
                paid - after
            );
            assert_solvent(&mut m);
        }
        assert!(
            accepted >= 2,
            "{depth}x: too few sandwiches got through to test anything"
        );
    }
}

#[test]
fn sandwiching_a_rebalance_that_sells_quote_loses_money_too() {
    for depth in [5, 20, 100] {
        // given a pool long quote by Bob's sales (the worth of 12,000 base), which its rebalance
        // sells on a venue `depth` times its size, rebalanced once in peace
        let due = || {
            let mut m = Fixture::new(Setup {
                venue_base_liquidity: depth * 100_000 * UNIT,
                venue_quote_liquidity: depth * 1_000_000 * UNIT,
                trader_funds: 100_000_000 * UNIT,
                ..Setup::default()
            });
            let quote = m.quote;
            m.push(quote, 120_000 * UNIT);
            m
        };
        let mut honest = due();
        let clean = pool::rebalance(&mut honest.chain, KEEPER, honest.pool, 0).expect("rebalance");
        assert_eq!(
            clean.token_sold, honest.quote,
            "{depth}x: the rebalance sells quote"
        );
        let reserve = depth * 1_000_000 * UNIT;
        let mut accepted = 0;
        // when Mallory front-runs with quote dumps from 0.05% of the venue's quote to 2%
        for bps in [5, 10, 20, 30, 50, 100, 200] {
            let mut m = due();
            let before = worth(&mut m, MALLORY, PRICE);
            let (quote, base) = (m.quote, m.base);
            let attacked = sandwich_selling(&mut m, (quote, base), reserve / 10_000 * bps);
            // then Mallory always ends poorer than the bounty alone would have left her, and a
            // slice that ran lost the pool at most the tolerance on its worth, less than Mallory
            // lost
            let paid = before + attacked.as_ref().map_or(0, |a| a.bounty.min(clean.bounty));
            let after = worth(&mut m, MALLORY, PRICE);
            assert!(
                after < paid,
                "{depth}x, {bps} bps: sandwich profited {paid} -> {after}"
            );
            let Some(attacked) = attacked else {
                continue;
            };
            accepted += 1;
            let tolerance = u128::from(PoolConfig::default().rebalance.max_venue_slippage_bps);
            let lost = pool_value(&mut honest).saturating_sub(pool_value(&mut m));
            assert!(
                lost * 10_000 <= attacked.sold * tolerance,
                "{depth}x, {bps} bps: pool lost {lost} on a slice of {} quote",
                attacked.sold
            );
            assert!(
                paid - after > lost,
                "{depth}x, {bps} bps: Mallory lost less than the pool"
            );
            assert_solvent(&mut m);
        }
        assert!(
            accepted >= 2,
            "{depth}x: too few sandwiches got through to test anything"
        );
    }
}

#[test]
fn a_slice_sells_at_most_a_quarter_of_the_venues_fee_times_its_reserve() {
    for depth in [5, 10, 100] {
        let mut m = due_pool(depth);
        let (reserve_base, _) = venue::reserves(&mut m.chain, m.venue);
        let fee = u128::from(venue::fee_bps(&mut m.chain, m.venue));
        let out = pool::rebalance(&mut m.chain, KEEPER, m.pool, 0).expect("rebalance");
        assert!(
            out.sold <= reserve_base * fee / 40_000,
            "{depth}x: sold {}",
            out.sold
        );
        // a shallow venue leaves the pool due, having sold the whole cap: the next slice waits
        // for the cooldown
        if depth < 100 {
            assert_eq!(out.sold, reserve_base * fee / 40_000, "{depth}x");
            assert_eq!(
                pool::rebalance_status(&mut m.chain, m.pool).continuing,
                Some(Asset::Base)
            );
        }
        assert_solvent(&mut m);
    }
}

#[test]
fn rebalance_called_repeatedly_in_one_block_runs_and_pays_once() {
    // given a due pool and three callers in the same block
    let mut m = due_pool(100);
    let block = m.chain.block();
    let keeper_before = m.balance(m.quote, KEEPER);
    let out = pool::rebalance(&mut m.chain, KEEPER, m.pool, 0).expect("first");

    // when the pool is pushed further out within the block, and everyone tries again
    pool::swap_exact_in(
        &mut m.chain,
        BOB,
        m.pool,
        PoolSwap::exact_in(m.base, 2_000 * UNIT),
    )
    .expect("push again");
    m.assert_refused(PoolError::StaleEpoch, |m| {
        pool::rebalance(&mut m.chain, CAROL, m.pool, 0)
    });
    for caller in [CAROL, KEEPER, MALLORY] {
        m.assert_refused(PoolError::RebalanceCooldown, |m| {
            pool::rebalance(&mut m.chain, caller, m.pool, out.epoch)
        });
    }

    // then one rebalance ran, and one bounty was paid
    assert_eq!(m.chain.block(), block);
    assert_eq!(pool::rebalance_status(&mut m.chain, m.pool).epoch, 1);
    assert_eq!(m.balance(m.quote, KEEPER), keeper_before + out.bounty);
    assert_solvent(&mut m);
}
