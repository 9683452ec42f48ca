//! Front-running an oracle update: buy before a rising reading lands, sell after (or the reverse
//! for a falling one). The pool's defence is its fee, which grows with volatility and with the
//! square root of the reading's age: the two legs pay `fee(age) + fee(0)`, which covers a move of
//! ~5.8 sigma one block after the last reading and ~2.9 sigma ten blocks after it (80%/yr, 6 s
//! blocks). The moves are derived from volatility, not from the fee, so a fee that failed to
//! track volatility or age fails these tests. A reporter that publishes every block keeps moves
//! small; a single jump beyond the fees is outside that assumption (`docs/security.md`).
//!
//! The fee's tests run on a pool without discovery between readings (`Setup::without_discovery`,
//! as pools of the earlier releases and `discovery = false` plans run), where the fee is the only
//! defence. On the default pool each leg also moves the reference and pays the guard on that
//! distance, and the same two sandwiches lose there too (the last test).

use crate::{assert_solvent, band_maximal_sale, pool_value_at, worth};
use keel_core::math::sqrt_wad;
use keel_core::math::{mul_div_u128, Rounding};
use keel_core::{CurveParams, ONE};
use keel_harness::pool::{self, PoolSwap};
use keel_harness::{Fixture, Setup, MALLORY, UNIT};

const PRICE: u128 = 10 * UNIT;
const VOL: u128 = UNIT / 10 * 8;

/// The fee the pool charges right now (1e18).
fn fee_now(m: &mut Fixture) -> u128 {
    pool::market_status(&mut m.chain, m.pool).expect("market").fee
}

/// `price` moved by `fraction` (1e18, signed by `up`).
fn moved(price: u128, fraction: u128, up: bool) -> u128 {
    let delta = mul_div_u128(price, fraction, ONE, Rounding::Down).expect("fits");
    if up {
        price + delta
    } else {
        price - delta
    }
}

/// Mallory trades `notional` quote's worth in the direction of the coming reading, lets it land,
/// and trades back. Returns her worth before and after at the new price.
pub(crate) fn sandwich(m: &mut Fixture, new_price: u128, notional: u128) -> (u128, u128) {
    sandwich_at(m, new_price, notional, VOL)
}

/// [`sandwich`] with the reading that lands carrying `volatility`.
fn sandwich_at(m: &mut Fixture, new_price: u128, notional: u128, volatility: u128) -> (u128, u128) {
    let up = new_price > PRICE;
    let before = worth(m, MALLORY, new_price);
    if up {
        let base = pool::swap_exact_in(
            &mut m.chain,
            MALLORY,
            m.pool,
            PoolSwap::exact_in(m.quote, notional),
        )
        .expect("buy base");
        m.report(new_price, volatility).expect("reading lands");
        pool::swap_exact_in(&mut m.chain, MALLORY, m.pool, PoolSwap::exact_in(m.base, base))
            .expect("sell base");
    } else {
        let base_in = notional / 10;
        let quote = pool::swap_exact_in(&mut m.chain, MALLORY, m.pool, PoolSwap::exact_in(m.base, base_in))
            .expect("sell base");
        m.report(new_price, volatility).expect("reading lands");
        pool::swap_exact_in(&mut m.chain, MALLORY, m.pool, PoolSwap::exact_in(m.quote, quote))
            .expect("buy base");
    }
    (before, worth(m, MALLORY, new_price))
}

/// `sigmas` tenths of a standard deviation of the price move over `blocks` 6 s blocks at 80%/yr
/// (1e18).
fn move_of(sigmas: u128, blocks: u64) -> u128 {
    move_at(VOL, sigmas, blocks)
}

/// [`move_of`] at `volatility` (annualised, 1e18).
fn move_at(volatility: u128, sigmas: u128, blocks: u64) -> u128 {
    let per_block = CurveParams::default().sigma_per_block(volatility).expect("sigma");
    let over_lag = mul_div_u128(
        per_block,
        sqrt_wad(u128::from(blocks) * ONE).expect("sqrt"),
        ONE,
        Rounding::Up,
    )
    .expect("fits");
    over_lag * sigmas / 10
}

/// Mallory's worth before and after sandwiching a reading one block after the last, on a pool
/// without discovery whose feed reads `volatility`, that moves the price `tenths_of_sigma` tenths
/// of that volatility's one-block sigma.
fn one_block_sandwich(volatility: u128, tenths_of_sigma: u128, up: bool) -> (u128, u128) {
    let mut m = Fixture::new(Setup {
        volatility,
        ..Setup::without_discovery()
    });
    m.chain.advance(6_000);
    let new_price = moved(PRICE, move_at(volatility, tenths_of_sigma, 1), up);
    let worths = sandwich_at(&mut m, new_price, 20_000 * UNIT, volatility);
    assert_solvent(&mut m);
    worths
}

/// [`one_block_sandwich`] of a `tenths_of_sigma` move up and down at 20%, 80% and 300%/yr:
/// (volatility, up, worth before, worth after) of each.
fn at_every_volatility(tenths_of_sigma: u128) -> Vec<(u128, bool, u128, u128)> {
    [UNIT / 5, VOL, UNIT * 3]
        .into_iter()
        .flat_map(|volatility| [true, false].map(|up| (volatility, up)))
        .map(|(volatility, up)| {
            let (before, after) = one_block_sandwich(volatility, tenths_of_sigma, up);
            (volatility, up, before, after)
        })
        .collect()
}

#[test]
fn front_running_a_three_sigma_one_block_update_loses_money_at_any_volatility() {
    // given the reporters are about to publish a 3-sigma move after one block (at 80%/yr ~10.5
    // bps, while the fee is ~10.2 bps on each leg), at volatilities from calm to wild: the fee
    // covers it only if it tracks the volatility (at 300%/yr the move is ~39 bps); when Mallory
    // trades 20,000 quote around it, then she paid more in fees than the move gave her
    for (volatility, up, before, after) in at_every_volatility(30) {
        assert!(
            after < before,
            "{volatility} vol, up {up}: front-running profited: {before} -> {after}"
        );
    }
}

#[test]
fn front_running_a_move_far_past_the_fees_pays_so_the_sandwich_tests_can_fail() {
    // The control for the test above: a 20-sigma one-block move is past both legs' fees
    // (`2 x (fee_base + 1.5 sigma)`: 14.4 sigma at 20%/yr, 5.9 at 80%, 3.8 at 300%), and the same
    // sandwich profits, at every volatility.
    for (volatility, up, before, after) in at_every_volatility(200) {
        assert!(
            after > before,
            "{volatility} vol, up {up}: a 20-sigma sandwich lost: {before} -> {after}"
        );
    }
}

#[test]
fn after_ten_blocks_without_a_reading_the_wider_fee_covers_a_larger_move() {
    for up in [true, false] {
        // given no reading for ten blocks: the fee has grown with the square root of the lag
        let mut m = Fixture::new(Setup::without_discovery());
        let fresh = fee_now(&mut m);
        m.chain.advance(60_000);
        let stale = fee_now(&mut m);
        assert!(
            stale > fresh * 2,
            "fee {stale} did not widen with age from {fresh}"
        );
        // when the reading that lands has moved 2.5 sigma over those ten blocks (~27.6 bps),
        // and Mallory trades around it (the front leg pays the stale fee, the back leg the
        // fresh one: ~21.6 + ~10.2 bps)
        let new_price = moved(PRICE, move_of(25, 10), up);
        let (before, after) = sandwich(&mut m, new_price, 20_000 * UNIT);
        // then the fees ate the move
        assert!(
            after < before,
            "up {up}: front-running profited: {before} -> {after}"
        );
        assert_solvent(&mut m);
    }
}

#[test]
fn on_the_default_pool_both_sandwiches_lose_to_the_fee_and_the_guard() {
    // the one-block 3-sigma move and the ten-block 2.5-sigma move above, on the default pool,
    // whose fee is lower (fee_vol 0.75) and whose reference moves with each leg
    for (blocks, tenths_of_sigma) in [(1, 30), (10, 25)] {
        for up in [true, false] {
            let mut m = Fixture::standard();
            m.chain.advance(6_000 * blocks);
            let new_price = moved(PRICE, move_of(tenths_of_sigma, blocks), up);
            let (before, after) = sandwich(&mut m, new_price, 20_000 * UNIT);
            assert!(
                after < before,
                "{blocks} blocks, up {up}: front-running profited: {before} -> {after}"
            );
            assert_solvent(&mut m);
        }
    }
}

#[test]
fn front_running_a_crash_pays_only_past_half_the_band_and_then_at_most_the_excess() {
    // given the default pool, and a quorum's reading a block later that moves the price down by
    // 1% to 30% (past both legs' fees: the published-every-block assumption broken)
    let largest = band_maximal_sale(&mut Fixture::standard());
    for move_pct in [1, 2, 3, 5, 10, 20, 30] {
        let mut m = Fixture::standard();
        m.chain.advance(6_000);
        let new_price = PRICE / 100 * (100 - move_pct);
        let lp_before = pool_value_at(&mut m, new_price);
        // when Mallory sells the largest sale the band allows before it and buys back after it
        let (before, after) = sandwich(&mut m, new_price, largest * 10);
        let lp_lost = lp_before.saturating_sub(pool_value_at(&mut m, new_price));
        // then up to half the band (5%) she loses: the sale moves the pool's reference down
        // with it (to the band's edge at the largest sale), is priced halfway along that move and
        // pays the guard; past it she gains, and the LPs lose, at most the move's excess over
        // half the band on that sale (at 30%: 6,452 quote, 0.38% of the pool)
        if move_pct <= 5 {
            assert!(after < before, "{move_pct}%: front-running profited");
        } else {
            let excess = PRICE / 100 * (move_pct - 5);
            let bound = mul_div_u128(largest, excess, UNIT, Rounding::Up).expect("fits");
            let gained = after.saturating_sub(before);
            assert!(
                gained <= bound && lp_lost <= bound,
                "{move_pct}%: +{gained}, LPs -{lp_lost}, bound {bound}"
            );
        }
        assert_solvent(&mut m);
    }
    // and the control: without discovery the same sale before a 5% crash pays
    let mut m = Fixture::new(Setup::without_discovery());
    m.chain.advance(6_000);
    let (before, after) = sandwich(&mut m, PRICE / 100 * 95, largest * 10);
    assert!(after > before, "without discovery, front-running a 5% crash lost");
}
