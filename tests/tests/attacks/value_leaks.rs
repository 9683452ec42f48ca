//! The smaller value leaks: the keepers' bounty budget erased by deposit-and-withdraw cycles,
//! tokens stranded by paying the pool or the zero account, and an upgrade that bricks the pool.

use crate::{assert_solvent, worth};
use ink::primitives::AccountId;
use keel_core::{CurveParams, RebalanceParams};
use keel_harness::pool::{self, PoolDeposit, PoolSwap, PoolWithdraw, Release};
use keel_harness::{chain, Fixture, Setup, ALICE, BOB, CAROL, KEEPER, MALLORY, OWNER, UNIT};
use keel_interface::pool::{PoolConfig, PoolError};

const PRICE: u128 = 10 * UNIT;

#[test]
fn deposit_and_withdraw_cycles_never_shrink_the_bounty_budget() {
    // given a pool whose swaps have put fees aside for keepers
    let mut m = Fixture::new(Setup {
        trader_funds: 10_000_000 * UNIT,
        ..Setup::default()
    });
    for _ in 0..5 {
        let got = pool::swap_exact_in(
            &mut m.chain,
            BOB,
            m.pool,
            PoolSwap::exact_in(m.base, 2_000 * UNIT),
        )
        .expect("sell");
        pool::swap_exact_in(&mut m.chain, BOB, m.pool, PoolSwap::exact_in(m.quote, got)).expect("buy");
    }
    let budget = pool::rebalance_status(&mut m.chain, m.pool).bounty_budget;
    assert!(budget > 0);
    let before = worth(&mut m, MALLORY, PRICE);
    // when Mallory deposits up to five times the pool and withdraws it all, twenty times
    let cycles = 20;
    for i in 0..cycles {
        let size = 1 + i % 5;
        let deposit = PoolDeposit::of(size * 100_000 * UNIT, size * 1_000_000 * UNIT);
        let (_, _, shares) = pool::add_liquidity(&mut m.chain, MALLORY, m.pool, deposit).expect("deposit");
        pool::remove_liquidity(&mut m.chain, MALLORY, m.pool, PoolWithdraw::of(shares)).expect("withdraw");
    }
    // then the budget is what it was, less at most two units of rounding per cycle (one each way)
    let after = pool::rebalance_status(&mut m.chain, m.pool).bounty_budget;
    assert!(after + 2 * cycles >= budget, "budget {budget} -> {after}");
    assert!(after <= budget);
    assert!(worth(&mut m, MALLORY, PRICE) <= before);
    assert_solvent(&mut m);
}

#[test]
fn paying_the_pool_or_the_zero_account_is_refused_and_moves_nothing() {
    let mut m = Fixture::standard();
    let alice_shares = pool::shares(&mut m.chain, m.pool, ALICE.account());
    for to in [m.pool, AccountId::from([0; 32])] {
        let swap = PoolSwap {
            to: Some(to),
            ..PoolSwap::exact_in(m.base, 1_000 * UNIT)
        };
        m.assert_refused(PoolError::InvalidRecipient, |m| {
            pool::swap_exact_in(&mut m.chain, BOB, m.pool, swap)
        });
        let buy = PoolSwap {
            to: Some(to),
            ..PoolSwap::exact_out(m.quote, 100 * UNIT)
        };
        m.assert_refused(PoolError::InvalidRecipient, |m| {
            pool::swap_exact_out(&mut m.chain, BOB, m.pool, buy)
        });
        let withdraw = PoolWithdraw {
            to: Some(to),
            ..PoolWithdraw::of(alice_shares / 2)
        };
        m.assert_refused(PoolError::InvalidRecipient, |m| {
            pool::remove_liquidity(&mut m.chain, ALICE, m.pool, withdraw)
        });
        let deposit = PoolDeposit {
            to: Some(to),
            ..PoolDeposit::of(1_000 * UNIT, 10_000 * UNIT)
        };
        m.assert_refused(PoolError::InvalidRecipient, |m| {
            pool::add_liquidity(&mut m.chain, BOB, m.pool, deposit)
        });
    }
}

/// A second provider (Bob, a tenth of the pool) and a sale of `base` by Mallory.
fn bob_provides_and_mallory_sells(m: &mut Fixture, base: u128) {
    pool::add_liquidity(
        &mut m.chain,
        BOB,
        m.pool,
        PoolDeposit::of(10_000 * UNIT, 100_000 * UNIT),
    )
    .expect("bob");
    pool::swap_exact_in(&mut m.chain, MALLORY, m.pool, PoolSwap::exact_in(m.base, base)).expect("swap");
}

/// Alice and Bob each withdraw all their shares, and each gets both tokens.
fn every_provider_withdraws(m: &mut Fixture) {
    for provider in [ALICE, BOB] {
        let shares = pool::shares(&mut m.chain, m.pool, provider.account());
        let (base, quote) = pool::remove_liquidity(&mut m.chain, provider, m.pool, PoolWithdraw::of(shares))
            .expect("withdraw after the upgrade");
        assert!(base > 0 && quote > 0);
    }
}

#[test]
fn an_upgrade_to_a_changed_layout_migrates_and_every_provider_still_withdraws() {
    // given a traded pool with two providers
    let mut m = Fixture::standard();
    bob_provides_and_mallory_sells(&mut m, 3_000 * UNIT);
    let reserves = pool::reserves(&mut m.chain, m.pool);
    let config = pool::config(&mut m.chain, m.pool);
    // when the owner moves it to code with the next storage layout (nobody else may migrate)
    let next = m.chain.upload(&chain::bundles().pool_next.wasm, OWNER);
    assert_eq!(
        pool::set_code(&mut m.chain, MALLORY, m.pool, next),
        Err(PoolError::NotOwner)
    );
    assert_eq!(
        pool::migrate(&mut m.chain, MALLORY, m.pool),
        Err(PoolError::NotOwner)
    );
    pool::set_code(&mut m.chain, OWNER, m.pool, next).expect("upgrade");
    // then the storage moved to layout 4 with nothing lost
    assert_eq!(pool::layout(&mut m.chain, m.pool), 4);
    assert_eq!(pool::reserves(&mut m.chain, m.pool), reserves);
    assert_eq!(pool::config(&mut m.chain, m.pool), config);
    // and trading and every withdrawal still work
    pool::swap_exact_in(
        &mut m.chain,
        MALLORY,
        m.pool,
        PoolSwap::exact_in(m.quote, 1_000 * UNIT),
    )
    .expect("swap");
    every_provider_withdraws(&mut m);
    // and going back to the old layout's code is refused: it cannot read layout 4
    let old = m.chain.upload(&chain::bundles().pool.wasm, OWNER);
    assert_eq!(
        pool::set_code(&mut m.chain, OWNER, m.pool, old),
        Err(PoolError::IncompatibleUpgrade)
    );
    assert_eq!(pool::layout(&mut m.chain, m.pool), 4);
    assert_solvent(&mut m);
}

/// A pool of `release` deployed with `deployed` (its venue the fixture's), traded past its trigger
/// and rebalanced (a slice on a venue as deep as the pool), paused and offering its ownership, then
/// moved by its owner to the shipped code, each step checked: the shipped code alone is refused,
/// as is anyone but the owner; through the build that reads earlier layouts, the books,
/// configuration and quotes reach layout 3 unchanged, and the release's code cannot come back.
/// Returns the market, unpaused, with the configuration it has after the upgrade.
fn upgraded_from(release: Release, deployed: &PoolConfig) -> (Fixture, PoolConfig) {
    // given
    let mut m = Fixture::release(
        Setup {
            config: *deployed,
            ..Setup::default()
        },
        release,
    );
    assert_eq!(pool::layout(&mut m.chain, m.pool), release.layout());
    bob_provides_and_mallory_sells(&mut m, 12_000 * UNIT);
    pool::rebalance(&mut m.chain, KEEPER, m.pool, 0).expect("a slice");
    pool::transfer_ownership(&mut m.chain, OWNER, m.pool, CAROL.account()).expect("offer");
    pool::pause(&mut m.chain, OWNER, m.pool).expect("pause");
    let rebalancing = pool::rebalance_status(&mut m.chain, m.pool);
    assert_eq!(rebalancing.epoch, 1);
    let reserves = pool::reserves(&mut m.chain, m.pool);
    let curve = pool::curve_state(&mut m.chain, m.pool);
    let supply = pool::total_shares(&mut m.chain, m.pool);
    let quote = pool::quote_exact_in(&mut m.chain, m.pool, m.quote, 1_000 * UNIT).expect("quote");
    let old_code = m.chain.upload(&release.wasm(), OWNER);
    let code = m.chain.upload(&chain::bundles().pool.wasm, OWNER);
    let reading = m.chain.upload(&chain::bundles().pool_from_earlier.wasm, OWNER);
    // when its owner moves it to the shipped code, which cannot read an earlier layout
    // then the upgrade is refused and the pool keeps its code and books
    assert_eq!(
        pool::set_code(&mut m.chain, OWNER, m.pool, code),
        Err(PoolError::IncompatibleUpgrade)
    );
    assert_eq!(pool::layout(&mut m.chain, m.pool), release.layout());
    assert_eq!(pool::reserves(&mut m.chain, m.pool), reserves);
    // when its owner moves it to the build that reads earlier layouts, and from there to the
    // shipped one
    assert_eq!(
        pool::set_code(&mut m.chain, MALLORY, m.pool, reading),
        Err(PoolError::NotOwner)
    );
    pool::set_code(&mut m.chain, OWNER, m.pool, reading).expect("upgrade to the reading build");
    assert_eq!(pool::layout(&mut m.chain, m.pool), 3);
    pool::set_code(&mut m.chain, OWNER, m.pool, code).expect("upgrade to the shipped build");
    // then its books are in layout 3 as they were, with a fixed band, and it prices as before
    assert_eq!(pool::layout(&mut m.chain, m.pool), 3);
    assert_eq!(pool::reserves(&mut m.chain, m.pool), reserves);
    assert_eq!(pool::curve_state(&mut m.chain, m.pool), curve);
    assert_eq!(pool::total_shares(&mut m.chain, m.pool), supply);
    assert_eq!(pool::rebalance_status(&mut m.chain, m.pool), rebalancing);
    assert_eq!(pool::owner(&mut m.chain, m.pool), OWNER.account());
    assert_eq!(
        pool::venues(&mut m.chain, m.pool),
        [m.venue],
        "its configured venue alone"
    );
    assert_eq!(pool::pending_owner(&mut m.chain, m.pool), Some(CAROL.account()));
    assert!(pool::is_paused(&mut m.chain, m.pool));
    let config = pool::config(&mut m.chain, m.pool);
    assert_eq!(
        config,
        PoolConfig {
            venue: Some(m.venue),
            ..*deployed
        }
    );
    assert_eq!(config.rebalance.cost_bps, 0, "the band stays fixed");
    assert_eq!(
        pool::quote_exact_in(&mut m.chain, m.pool, m.quote, 1_000 * UNIT),
        Ok(quote)
    );
    // and the release's code cannot come back
    assert_eq!(
        pool::set_code(&mut m.chain, OWNER, m.pool, old_code),
        Err(PoolError::IncompatibleUpgrade)
    );
    pool::unpause(&mut m.chain, OWNER, m.pool).expect("unpause");
    (m, config)
}

/// A configuration whose every number differs from its neighbours'.
fn distinct(config: &PoolConfig) -> PoolConfig {
    PoolConfig {
        max_oracle_age_ms: 45_000,
        rebalance: RebalanceParams {
            cooldown_ms: 12_000,
            ..config.rebalance
        },
        ..*config
    }
}

/// The defaults of the releases before discovery between readings was the default.
fn released() -> PoolConfig {
    PoolConfig {
        curve: CurveParams::without_discovery(),
        ..PoolConfig::default()
    }
}

#[test]
fn a_pool_of_the_layout_1_release_upgrades_through_the_reading_build_with_its_books_intact_and_discovery_off()
{
    // given a pool deployed by the release before discovery between readings, moved to today's
    let (mut m, config) = upgraded_from(Release::Layout1, &distinct(&released()));
    assert!(!config.curve.discovers());
    // when its owner turns discovery on
    let discovering = PoolConfig {
        curve: config.curve.discovering(),
        ..config
    };
    pool::set_config(&mut m.chain, OWNER, m.pool, discovering).expect("discovery on");
    pool::swap_exact_in(
        &mut m.chain,
        MALLORY,
        m.pool,
        PoolSwap::exact_in(m.quote, 10_000 * UNIT),
    )
    .expect("swap");
    // then flow moves the reference
    let status = pool::market_status(&mut m.chain, m.pool).expect("status");
    assert!(status.drift > 0, "a purchase moves the reference up: {status:?}");
    // and every provider withdraws
    every_provider_withdraws(&mut m);
    assert_solvent(&mut m);
}

#[test]
fn a_pool_of_the_layout_2_release_upgrades_through_the_reading_build_with_its_books_intact_and_a_fixed_band()
{
    // given a pool deployed by the release before the adaptive band, moved to today's
    let (mut m, config) = upgraded_from(Release::Layout2, &distinct(&released()));
    // when its owner sets a rebalance cost
    let adaptive = PoolConfig {
        rebalance: RebalanceParams {
            cost_bps: 60,
            ..config.rebalance
        },
        ..config
    };
    pool::set_config(&mut m.chain, OWNER, m.pool, adaptive).expect("an adaptive band");
    // then the pool keeps it, and every provider withdraws
    assert_eq!(pool::config(&mut m.chain, m.pool), adaptive);
    every_provider_withdraws(&mut m);
    assert_solvent(&mut m);
}

#[test]
fn an_upgrade_to_code_that_is_no_pool_is_refused_and_the_pool_keeps_working() {
    let mut m = Fixture::standard();
    let before = m.snapshot();
    // The venue's and the token's codes, and the pool's own cold code (a pool's layout, but its
    // `migrate` traps: it answers only the messages the pool hands it).
    let bundles = chain::bundles();
    for wasm in [&bundles.venue.wasm, &bundles.token.wasm, &bundles.pool_cold.wasm] {
        let code = m.chain.upload(wasm, OWNER);
        assert_eq!(
            pool::set_code(&mut m.chain, OWNER, m.pool, code),
            Err(PoolError::IncompatibleUpgrade)
        );
    }
    assert_eq!(m.snapshot(), before);
    let shares = pool::shares(&mut m.chain, m.pool, ALICE.account());
    pool::remove_liquidity(&mut m.chain, ALICE, m.pool, PoolWithdraw::of(shares)).expect("withdraw");
    assert_solvent(&mut m);
}
