//! Positioning before a rise in `k`: Mallory sells into the pool just before an honest reading
//! that raises volatility (and so `k`), and buys back after. The pool ramps its priced `k` toward
//! the target by at most `k_ramp` per block and never within a block, so the buy-back meets the
//! `k` the sale was priced at, or one step more.

use crate::{assert_solvent, band_maximal_sale, worth};
use keel_core::CurveParams;
use keel_harness::pool::{self, PoolSwap};
use keel_harness::{Actor, Fixture, Setup, BOB, MALLORY, UNIT};
use keel_interface::pool::PoolConfig;

const BLOCK_MS: u64 = 6_000;
const PRICE: u128 = 10 * UNIT;
const CALM: u128 = UNIT / 10 * 8;
const WILD: u128 = UNIT * 3;

/// Mallory sells `base` in the block before the volatility reading lands, buys back with
/// everything she got `blocks` blocks after it (the reporters re-report it each block).
/// Returns her worth before and after, and the `k` the pool priced the sale and the buy-back at.
fn position_across_a_k_rise(curve: CurveParams, base: u128, blocks: u64) -> (u128, u128, u128, u128) {
    let mut m = market(curve);
    m.chain.advance(BLOCK_MS);
    m.report(PRICE, CALM).expect("calm");
    let k_sold = pool::market_status(&mut m.chain, m.pool).expect("market").k;
    let before = worth(&mut m, MALLORY, PRICE);
    let got = pool::swap_exact_in(&mut m.chain, MALLORY, m.pool, PoolSwap::exact_in(m.base, base))
        .expect("sell before the reading");
    m.chain.advance(BLOCK_MS);
    m.report(PRICE, WILD)
        .expect("the volatility rise lands in the next block");
    for _ in 0..blocks {
        m.chain.advance(BLOCK_MS);
        m.report(PRICE, WILD).expect("fresh");
    }
    let k_bought = pool::market_status(&mut m.chain, m.pool).expect("market").k;
    pool::swap_exact_in(&mut m.chain, MALLORY, m.pool, PoolSwap::exact_in(m.quote, got))
        .expect("buy back after it");
    assert_solvent(&mut m);
    (before, worth(&mut m, MALLORY, PRICE), k_sold, k_bought)
}

/// The standard market with the pool on `curve`: the attacks run on the default pool and on one
/// without discovery between readings, whose sale before the rise is the larger (its reference
/// does not move with her sale, so the band lets more through), which shows the ramp's part.
fn market(curve: CurveParams) -> Fixture {
    Fixture::new(Setup {
        config: PoolConfig {
            curve,
            ..PoolConfig::default()
        },
        ..Setup::default()
    })
}

#[test]
fn selling_before_a_volatility_rise_and_buying_back_within_three_blocks_of_it_loses_money() {
    // sizes up to the largest the price band lets a trader sell
    for curve in [CurveParams::default(), CurveParams::without_discovery()] {
        let largest = band_maximal_sale(&mut market(curve));
        for (base, blocks) in [largest / 10, largest / 2, largest]
            .into_iter()
            .flat_map(|base| [0, 1, 2].map(|blocks| (base, blocks)))
        {
            let (before, after, k_sold, k_bought) = position_across_a_k_rise(curve, base, blocks);
            assert!(k_bought >= k_sold);
            assert!(
                after < before,
                "discovery {}: {} base, {blocks} blocks: profit {} (k {k_sold} -> {k_bought})",
                curve.discovers(),
                base / UNIT,
                after - before
            );
        }
    }
}

#[test]
fn k_moves_at_most_its_ramp_per_block_toward_the_target_and_one_step_after_a_quiet_spell() {
    let mut m = Fixture::standard();
    m.chain.advance(BLOCK_MS);
    m.report(PRICE, CALM).expect("calm");
    let tiny = PoolSwap::exact_in(m.base, UNIT);
    // a swap records the k the pool prices with; the ramp continues from it
    pool::swap_exact_in(&mut m.chain, MALLORY, m.pool, tiny).expect("swap");
    let ramp = pool::config(&mut m.chain, m.pool).curve.k_ramp;
    let mut k = pool::market_status(&mut m.chain, m.pool).expect("market").k;
    // when the pool sits idle for fifty blocks and then the volatility jumps
    m.chain.advance(50 * BLOCK_MS);
    m.report(PRICE, WILD).expect("wild");
    let market = pool::market_status(&mut m.chain, m.pool).expect("market");
    assert!(
        market.k_target > k + ramp,
        "the test needs a rise of more than one step"
    );
    // then k moves one step, and one more per block with a trade, never more
    let mut steps = 0;
    while k < market.k_target {
        pool::swap_exact_in(&mut m.chain, MALLORY, m.pool, tiny).expect("swap");
        let priced = pool::market_status(&mut m.chain, m.pool).expect("market").k;
        assert!(priced > k && priced - k <= ramp, "step {steps}: {k} -> {priced}");
        // and a second trade in the same block meets the same k
        pool::swap_exact_in(&mut m.chain, MALLORY, m.pool, tiny).expect("swap");
        assert_eq!(
            pool::market_status(&mut m.chain, m.pool).expect("market").k,
            priced
        );
        k = priced;
        steps += 1;
        m.chain.advance(BLOCK_MS);
        m.report(PRICE, WILD).expect("wild");
    }
    assert_eq!(k, market.k_target);
    assert!(steps > 100);
    assert_solvent(&mut m);
}

/// `who` buys base from the pool in 1,000-quote steps, spending at most `budget`, while the pool
/// sells base below the oracle price. Returns the quote spent.
fn buy_the_skew(m: &mut Fixture, who: Actor, budget: u128) -> u128 {
    let step = 1_000 * UNIT;
    let mut spent = 0;
    while spent + step <= budget {
        let Ok(quote) = pool::quote_exact_in(&mut m.chain, m.pool, m.quote, step) else {
            return spent;
        };
        if quote.amount_out * (PRICE / UNIT) <= step {
            return spent;
        }
        pool::swap_exact_in(&mut m.chain, who, m.pool, PoolSwap::exact_in(m.quote, step)).expect("buy");
        spent += step;
    }
    spent
}

#[test]
fn holding_a_position_across_the_ramp_loses_to_the_arbitrage_the_skew_invites() {
    // Mallory sells a band-maximal amount of base before the volatility rise and buys back what
    // the pool sells below the oracle in the block of her choice, moving first in it; in every
    // block before, an arbitrageur does the same.
    for (curve, hold) in [CurveParams::default(), CurveParams::without_discovery()]
        .into_iter()
        .flat_map(|curve| [1, 2, 5, 20, 100].map(|hold| (curve, hold)))
    {
        let mut m = market(curve);
        m.chain.advance(BLOCK_MS);
        m.report(PRICE, CALM).expect("calm");
        let before = worth(&mut m, MALLORY, PRICE);
        let largest = band_maximal_sale(&mut m);
        let got = pool::swap_exact_in(&mut m.chain, MALLORY, m.pool, PoolSwap::exact_in(m.base, largest))
            .expect("sell before the reading");
        let (mut mallory_bought, mut bob_bought) = (0, 0);
        for block in 1..=hold {
            m.chain.advance(BLOCK_MS);
            m.report(PRICE, WILD)
                .expect("the volatility rise, re-reported each block");
            if block == hold {
                mallory_bought = buy_the_skew(&mut m, MALLORY, got);
            } else {
                bob_bought += buy_the_skew(&mut m, BOB, u128::MAX / 2);
            }
        }
        // (the premise: a skew is left for whoever moves first, Mallory in the rise's block, the
        // arbitrageur before her when she holds)
        if hold == 1 {
            assert!(
                mallory_bought > 0,
                "discovery {}: nothing to buy back",
                curve.discovers()
            );
        } else {
            assert!(
                bob_bought > 0,
                "discovery {}: held {hold}: no arbitrage",
                curve.discovers()
            );
        }
        let after = worth(&mut m, MALLORY, PRICE);
        assert!(
            after < before,
            "discovery {}: held {hold} blocks: profit {}",
            curve.discovers(),
            after - before
        );
        assert_solvent(&mut m);
    }
}
