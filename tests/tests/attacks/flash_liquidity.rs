//! Sandwiching a rebalance with liquidity lent to its venue for the attack: Mallory deepens the
//! venue many times over, pushes its price down, lets the keeper's rebalance sell into it, buys
//! back and withdraws. As most of the venue's liquidity she takes back most of the fees her own
//! trades pay; what must stop her is the slice, which a deeper venue would let grow to the whole
//! excess. Liquidity counts toward the depth the venue reports only once it has stood in the
//! venue for `FRESH_LIQUIDITY_MS`.

use crate::rebalance::{due_pool_funded, pool_value, sandwich};
use crate::{assert_solvent, worth};
use keel_core::fresh::FRESH_LIQUIDITY_MS;
use keel_harness::pool;
use keel_harness::venue::{self, VenueDeposit, VenueWithdraw};
use keel_harness::{Fixture, Setup, KEEPER, MALLORY, UNIT};
use keel_interface::pool::RebalanceOutcome;

const PRICE: u128 = 10 * UNIT;

/// A pool next to a venue five times its size, pushed past its trigger by Bob; Mallory can lend
/// the venue a hundred times its liquidity.
fn due_pool() -> Fixture {
    due_pool_funded(5, 1_000 * 500_000 * UNIT)
}

/// Mallory adds `lent` times the venue's liquidity, waits `wait_ms`, dumps `dump_bps` of the
/// deepened venue's base, the keeper rebalances, and she buys back with all she got and
/// withdraws everything. Returns the rebalance, or `None` when the pool refused it.
fn flash_sandwich(m: &mut Fixture, lent: u128, wait_ms: u64, dump_bps: u128) -> Option<RebalanceOutcome> {
    let (base, quote) = venue::reserves(&mut m.chain, m.venue);
    let deposit = VenueDeposit::of(base * lent, quote * lent);
    venue::add_liquidity(&mut m.chain, MALLORY, m.venue, deposit).expect("lend the venue liquidity");
    if wait_ms > 0 {
        // the reporters keep the oracle fresh meanwhile, at the price standing
        m.chain.advance(wait_ms);
        m.report(PRICE, Setup::default().volatility)
            .expect("a fresh reading");
    }
    let dumped = base * (lent + 1) / 10_000 * dump_bps;
    let out = sandwich(m, dumped);
    let shares = venue::shares(&mut m.chain, m.venue, MALLORY.account());
    venue::remove_liquidity(&mut m.chain, MALLORY, m.venue, VenueWithdraw::of(shares))
        .expect("take the liquidity back");
    out
}

#[test]
fn liquidity_lent_to_the_venue_for_a_rebalance_neither_grows_the_slice_nor_pays() {
    // given the slice the pool sells in peace
    let mut honest = due_pool();
    let clean = pool::rebalance(&mut honest.chain, KEEPER, honest.pool, 0).expect("rebalance in peace");
    let mut accepted = 0;
    // when Mallory lends 5 to 100 times the venue's liquidity, in the rebalance's block or a
    // block before it, and dumps from 0.1% to 0.5% of the deepened venue's base
    for lent in [5, 25, 100] {
        for wait_ms in [0, 6_000, FRESH_LIQUIDITY_MS / 2] {
            for dump_bps in [10, 20, 25, 30, 40, 50] {
                let mut m = due_pool();
                let before = worth(&mut m, MALLORY, PRICE);
                let untouched = pool_value(&mut m);
                let attacked = flash_sandwich(&mut m, lent, wait_ms, dump_bps);
                let case = format!("{lent}x lent, {wait_ms} ms, {dump_bps} bps dumped");
                // then Mallory always ends poorer
                let after = worth(&mut m, MALLORY, PRICE);
                assert!(after < before, "{case}: profited {before} -> {after}");
                assert_solvent(&mut m);
                let Some(attacked) = attacked else {
                    assert_eq!(pool_value(&mut m), untouched, "{case}: a refusal moved the pool");
                    continue;
                };
                accepted += 1;
                // and the slice is the one the venue's own liquidity allows (the dump adds a
                // little base to the venue, and so to the slice)
                assert!(
                    attacked.sold <= clean.sold + clean.sold / 100,
                    "{case}: sold {} against {} in peace",
                    attacked.sold,
                    clean.sold
                );
            }
        }
    }
    assert!(
        accepted >= 12,
        "too few sandwiches got through to test anything: {accepted}"
    );
}

#[test]
fn liquidity_deposited_and_withdrawn_around_a_rebalance_leaves_its_slice_as_it_was() {
    // given the slice the pool sells in peace
    let mut honest = due_pool();
    let clean = pool::rebalance(&mut honest.chain, KEEPER, honest.pool, 0).expect("rebalance in peace");
    for rounds in [1, 10] {
        // when Mallory deposits the venue's whole liquidity and withdraws it, in one round or ten
        let mut m = due_pool();
        for _ in 0..rounds {
            let (base, quote) = venue::reserves(&mut m.chain, m.venue);
            let deposit = VenueDeposit::of(base / rounds, quote / rounds);
            let (_, _, shares) =
                venue::add_liquidity(&mut m.chain, MALLORY, m.venue, deposit).expect("deposit");
            venue::remove_liquidity(&mut m.chain, MALLORY, m.venue, VenueWithdraw::of(shares))
                .expect("withdraw");
        }
        // then the rebalance in the same block sells the slice it sells in peace
        let out = pool::rebalance(&mut m.chain, KEEPER, m.pool, 0);
        assert_eq!(out.map(|o| o.sold), Ok(clean.sold), "{rounds} rounds");
    }
}
