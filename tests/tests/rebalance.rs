//! `rebalance`: a due pool trades its excess on the venue back into the band and pays the caller
//! once; every condition is re-checked on chain and a refusal moves nothing.

// Inventory values are 1e18 fractions, far below `i128::MAX`.
#![allow(clippy::cast_possible_wrap)]

use keel_core::band::{MAX_COST_BPS, REFERENCE_COST_BPS};
use keel_core::math::{mul_div_u128, Rounding};
use keel_core::rebalance::{plan, MAX_BOUNTY_BPS};
use keel_core::{Band, RebalanceParams, ONE};
use keel_harness::pool::{self, PoolSwap, PoolWithdraw};
use keel_harness::venue::{self, VenueSwap};
use keel_harness::{Fixture, Setup, ALICE, BOB, CAROL, KEEPER, MALLORY, OWNER, UNIT};
use keel_interface::pool::{PoolConfig, PoolError, RebalanceStatus, VenueDepth};
use keel_interface::VenueError;

/// The default pool next to a venue a thousand times deeper: one slice sells the whole excess.
fn deep_venue() -> Fixture {
    Fixture::new(Setup::deep_venue())
}

/// Bob sells `base` whole tokens to the pool, leaving it long base.
fn push_long_base(m: &mut Fixture, base: u128) {
    m.push_long_base(base);
}

fn trigger() -> i128 {
    PoolConfig::default().rebalance.trigger as i128
}

#[test]
fn due_rebalance_sells_the_excess_and_lands_inside_the_band() {
    // given a pool pushed past its trigger
    let mut m = deep_venue();
    push_long_base(&mut m, 12_000);
    let q_before = pool::inventory(&mut m.chain, m.pool).expect("q");
    assert!(q_before >= trigger(), "setup: q {q_before} below the trigger");
    let keeper_quote = m.balance(m.quote, KEEPER);
    let budget = pool::rebalance_status(&mut m.chain, m.pool).bounty_budget;
    let venue_before = venue::reserves(&mut m.chain, m.venue);
    let reserves_before = pool::reserves(&mut m.chain, m.pool);

    // when the keeper rebalances
    let out = pool::rebalance(&mut m.chain, KEEPER, m.pool, 0).expect("rebalance");

    // then q is back near the target, inside the band
    let q_after = pool::inventory(&mut m.chain, m.pool).expect("q");
    let target = PoolConfig::default().rebalance.target as i128;
    assert_eq!(out.q_after, q_after);
    assert_eq!(out.q_before, q_before);
    assert!(q_after > 0 && q_after < trigger(), "q after {q_after}");
    assert!(
        (q_after - target).abs() < ONE as i128 / 200,
        "q after {q_after}, target {target}"
    );
    // and the tokens moved exactly as reported
    assert_eq!(out.token_sold, m.base);
    let venue_after = venue::reserves(&mut m.chain, m.venue);
    assert_eq!(venue_after.0 - venue_before.0, out.sold);
    assert_eq!(venue_before.1 - venue_after.1, out.bought);
    let reserves_after = pool::reserves(&mut m.chain, m.pool);
    assert_eq!(reserves_before.0 - reserves_after.0, out.sold);
    assert_eq!(reserves_after.1 - reserves_before.1, out.bought - out.bounty);
    // and the keeper earned a bounty from the fee budget, once
    assert!(out.bounty > 0 && out.bounty <= budget);
    assert_eq!(m.balance(m.quote, KEEPER) - keeper_quote, out.bounty);
    let status = pool::rebalance_status(&mut m.chain, m.pool);
    assert_eq!(
        status,
        RebalanceStatus {
            epoch: 1,
            last_ms: m.chain.now(),
            bounty_budget: budget - out.bounty,
            continuing: None,
        }
    );
    assert_eq!(out.epoch, 1);
}

#[test]
fn a_pool_long_quote_buys_base_back() {
    let mut m = deep_venue();
    m.push(m.quote, 110_000 * UNIT);
    assert!(pool::inventory(&mut m.chain, m.pool).expect("q") <= -trigger());
    let out = pool::rebalance(&mut m.chain, KEEPER, m.pool, 0).expect("rebalance");
    assert_eq!(out.token_sold, m.quote);
    let target = PoolConfig::default().rebalance.target as i128;
    assert!(
        out.q_after < 0 && out.q_after > -trigger(),
        "q after {}",
        out.q_after
    );
    assert!(
        (out.q_after + target).abs() < ONE as i128 / 200,
        "q after {}",
        out.q_after
    );
}

#[test]
fn the_keepers_plan_is_what_the_pool_does_with_a_fixed_band_and_an_adaptive_one() {
    // The adaptive pool reads 90% volatility at a 15 bps cost: its band, and so what it sells
    // down to, differs from the configured one, and the keeper's plan must find the same.
    for (cost_bps, volatility, sold) in [(0, UNIT / 10 * 8, 12_000), (15, UNIT / 10 * 9, 10_000)] {
        let mut m = adaptive_band_at(cost_bps, volatility);
        push_long_base(&mut m, sold);
        let state = pool::curve_state(&mut m.chain, m.pool);
        let market = pool::market_status(&mut m.chain, m.pool).expect("market");
        assert_eq!(market.volatility, volatility);
        let eq = state
            .equilibrate(market.price, market.k, Rounding::Down)
            .expect("equilibrate");
        let (reserve_in, reserve_out) = venue::reserves(&mut m.chain, m.venue);
        let depth = VenueDepth {
            reserve_in,
            reserve_out,
            fee_bps: venue::fee_bps(&mut m.chain, m.venue),
        };
        let rebalance = pool::config(&mut m.chain, m.pool).rebalance;
        let planned = plan(&eq, market.price, market.volatility, &rebalance, None, &depth)
            .expect("plan")
            .expect("due");
        let fixed = plan(
            &eq,
            market.price,
            market.volatility,
            &PoolConfig::default().rebalance,
            None,
            &depth,
        )
        .expect("plan")
        .map(|p| p.amount_in);
        assert_eq!(cost_bps == 0, fixed == Some(planned.amount_in), "{cost_bps} bps");
        let out = pool::rebalance(&mut m.chain, KEEPER, m.pool, 0).expect("rebalance");
        assert_eq!(out.sold, planned.amount_in, "{cost_bps} bps");
        assert_eq!(out.q_before, planned.q_before);
        assert!(out.bought >= planned.min_out);
    }
}

#[test]
fn a_pool_inside_its_band_is_not_due() {
    let mut m = deep_venue();
    push_long_base(&mut m, 1_000);
    m.assert_refused(PoolError::RebalanceNotDue, |m| {
        pool::rebalance(&mut m.chain, KEEPER, m.pool, 0)
    });
}

/// The deep-venue market with its oracle at `volatility` and its band adapting to it at a
/// rebalance cost of `cost_bps` (fixed at zero).
fn adaptive_band_at(cost_bps: u32, volatility: u128) -> Fixture {
    let defaults = PoolConfig::default();
    Fixture::new(Setup {
        venue_base_liquidity: 100_000_000 * UNIT,
        venue_quote_liquidity: 1_000_000_000 * UNIT,
        volatility,
        config: PoolConfig {
            rebalance: RebalanceParams {
                cost_bps,
                ..defaults.rebalance
            },
            ..defaults
        },
        ..Setup::default()
    })
}

/// [`adaptive_band_at`] the fixture's 80% volatility.
fn adaptive_band(cost_bps: u32) -> Fixture {
    adaptive_band_at(cost_bps, Setup::default().volatility)
}

/// Base sold into each adaptive pool: `q` lands between the band's narrowest and widest.
const ADAPTIVE_PUSH: u128 = 8_000;

/// The band a pool whose rebalance costs `cost_bps` has at `volatility` (the core's rule).
fn band_at(cost_bps: u32, volatility: u128) -> Band {
    RebalanceParams {
        cost_bps,
        ..RebalanceParams::default()
    }
    .band(volatility)
    .expect("band")
}

/// `q` once [`ADAPTIVE_PUSH`] is sold into an adaptive pool at 80% volatility, and the costs on
/// either side of the band's edge there: the highest whose trigger `q` reaches, and the next one,
/// whose trigger it does not.
fn edge_costs() -> (i128, u32, u32) {
    let volatility = Setup::default().volatility;
    let mut probe = adaptive_band(REFERENCE_COST_BPS);
    push_long_base(&mut probe, ADAPTIVE_PUSH);
    let q = pool::inventory(&mut probe.chain, probe.pool).expect("q");
    let trigger = |cost: u32| band_at(cost, volatility).trigger as i128;
    let due = (1..MAX_COST_BPS)
        .rev()
        .find(|&c| trigger(c) <= q)
        .expect("q reaches the narrowest band");
    assert!(trigger(due + 1) > q, "q {q} past the widest band");
    (q, due, due + 1)
}

#[test]
fn an_adaptive_band_refuses_a_rebalance_inside_the_rule_and_allows_one_at_its_edge() {
    // given q pushed between the narrowest and the widest band at 80% volatility
    let (q, due, not_due) = edge_costs();
    // when the pool whose rebalance costs more rebalances, then it is refused and nothing moves
    let mut dear = adaptive_band(not_due);
    push_long_base(&mut dear, ADAPTIVE_PUSH);
    assert_eq!(pool::inventory(&mut dear.chain, dear.pool), Ok(q));
    dear.assert_refused(PoolError::RebalanceNotDue, |m| {
        pool::rebalance(&mut m.chain, KEEPER, m.pool, 0)
    });
    // when the one at the edge rebalances, then it sells back toward its target
    let mut cheap = adaptive_band(due);
    push_long_base(&mut cheap, ADAPTIVE_PUSH);
    let out = pool::rebalance(&mut cheap.chain, KEEPER, cheap.pool, 0).expect("due at the edge");
    assert_eq!(out.q_before, q);
    assert!(out.q_after < q);
}

#[test]
fn an_adaptive_band_narrows_when_volatility_rises() {
    // given a pool just inside its band at 80% volatility
    let (_, _, not_due) = edge_costs();
    let mut m = adaptive_band(not_due);
    push_long_base(&mut m, ADAPTIVE_PUSH);
    m.assert_refused(PoolError::RebalanceNotDue, |m| {
        pool::rebalance(&mut m.chain, KEEPER, m.pool, 0)
    });
    // when the oracle reports 90% at the same price
    m.chain.advance(6_000);
    let wilder = UNIT / 10 * 9;
    m.report(10 * UNIT, wilder).expect("report");
    // then q is past the band at 90% (and still inside the one at 80%), and the rebalance goes
    // through
    let q = pool::inventory(&mut m.chain, m.pool).expect("q");
    let (narrower, at_80) = (
        band_at(not_due, wilder),
        band_at(not_due, Setup::default().volatility),
    );
    assert!(
        q >= narrower.trigger as i128,
        "q {q}, trigger {}",
        narrower.trigger
    );
    assert!(q < at_80.trigger as i128, "q {q} would be due at 80% too");
    pool::rebalance(&mut m.chain, KEEPER, m.pool, 0).expect("due at 90%");
}

#[test]
fn a_second_rebalance_waits_for_the_cooldown() {
    // given a ten-minute cooldown, long enough for a push past the trigger within it
    let mut config = PoolConfig::default();
    config.rebalance.cooldown_ms = 600_000;
    let mut m = Fixture::new(Setup {
        config,
        ..Setup::deep_venue()
    });
    push_long_base(&mut m, 12_000);
    pool::rebalance(&mut m.chain, KEEPER, m.pool, 0).expect("first");
    let first_ms = m.chain.now();
    push_long_base(&mut m, 10_000);
    let cooldown = config.rebalance.cooldown_ms;
    m.chain.advance(first_ms + cooldown - 1_000 - m.chain.now());
    m.report(10 * UNIT, UNIT / 10 * 8).expect("fresh oracle");
    m.assert_refused(PoolError::RebalanceCooldown, |m| {
        pool::rebalance(&mut m.chain, KEEPER, m.pool, 1)
    });
    m.chain.advance(1_000);
    assert!(pool::rebalance(&mut m.chain, KEEPER, m.pool, 1).is_ok());
}

#[test]
fn a_stale_oracle_refuses_rebalancing() {
    let mut m = deep_venue();
    push_long_base(&mut m, 12_000);
    m.chain.advance(PoolConfig::default().max_oracle_age_ms + 1);
    m.assert_refused(PoolError::OracleStale, |m| {
        pool::rebalance(&mut m.chain, KEEPER, m.pool, 0)
    });
}

#[test]
fn a_paused_pool_refuses_rebalancing() {
    let mut m = deep_venue();
    push_long_base(&mut m, 12_000);
    pool::pause(&mut m.chain, OWNER, m.pool).expect("pause");
    m.assert_refused(PoolError::Paused, |m| {
        pool::rebalance(&mut m.chain, KEEPER, m.pool, 0)
    });
}

#[test]
fn a_pool_without_a_venue_cannot_rebalance() {
    let mut m = deep_venue();
    push_long_base(&mut m, 12_000);
    let config = PoolConfig {
        venue: None,
        ..pool::config(&mut m.chain, m.pool)
    };
    pool::set_config(&mut m.chain, OWNER, m.pool, config).expect("unset venue");
    m.assert_refused(PoolError::NoVenue, |m| {
        pool::rebalance(&mut m.chain, KEEPER, m.pool, 0)
    });
}

#[test]
fn a_manipulated_venue_price_reverts_the_whole_rebalance() {
    // given a due pool and a venue a hundred times its size whose base price Mallory just
    // crashed by ~4%
    let mut m = Fixture::new(Setup {
        venue_base_liquidity: 10_000_000 * UNIT,
        venue_quote_liquidity: 100_000_000 * UNIT,
        ..Setup::default()
    });
    push_long_base(&mut m, 12_000);
    let dump = VenueSwap::exact_in(m.base, 200_000 * UNIT);
    venue::swap_exact_in(&mut m.chain, MALLORY, m.venue, dump).expect("dump on venue");
    // when anyone rebalances, the venue pays less than the oracle value minus the allowed
    // slippage, and nothing moves: not the pool, not the venue, not the caller
    m.assert_refused(PoolError::Venue(VenueError::SlippageExceeded), |m| {
        pool::rebalance(&mut m.chain, KEEPER, m.pool, 0)
    });
    assert_eq!(pool::rebalance_status(&mut m.chain, m.pool).epoch, 0);
}

#[test]
fn the_bounty_is_paid_once_per_epoch_however_many_keepers_race() {
    let mut m = deep_venue();
    push_long_base(&mut m, 12_000);
    // Two keepers read epoch 0; the first lands.
    let out = pool::rebalance(&mut m.chain, KEEPER, m.pool, 0).expect("first keeper");
    // The second sends the epoch it read. Even once the pool is due again and the cooldown has
    // passed, that epoch is refused and pays nothing: only the epoch stops it.
    push_long_base(&mut m, 10_000);
    m.chain.advance(PoolConfig::default().rebalance.cooldown_ms);
    m.report(10 * UNIT, UNIT / 10 * 8).expect("fresh oracle");
    m.assert_refused(PoolError::StaleEpoch, |m| {
        pool::rebalance(&mut m.chain, CAROL, m.pool, 0)
    });
    m.assert_refused(PoolError::StaleEpoch, |m| {
        pool::rebalance(&mut m.chain, KEEPER, m.pool, 0)
    });
    assert_eq!(pool::rebalance_status(&mut m.chain, m.pool).epoch, out.epoch);
    assert!(pool::rebalance(&mut m.chain, CAROL, m.pool, out.epoch).is_ok());
}

#[test]
fn every_swaps_fee_is_set_aside_for_bounties_at_the_oracle_price() {
    let mut m = deep_venue();
    let sell = pool::quote_exact_in(&mut m.chain, m.pool, m.base, 1_000 * UNIT).expect("quote");
    pool::swap_exact_in(
        &mut m.chain,
        BOB,
        m.pool,
        PoolSwap::exact_in(m.base, 1_000 * UNIT),
    )
    .expect("sell");
    // A fee paid in base is valued at the oracle price (10), rounded down.
    assert_eq!(
        pool::rebalance_status(&mut m.chain, m.pool).bounty_budget,
        sell.fee * 10
    );
    let buy = pool::quote_exact_in(&mut m.chain, m.pool, m.quote, 5_000 * UNIT).expect("quote");
    pool::swap_exact_in(
        &mut m.chain,
        BOB,
        m.pool,
        PoolSwap::exact_in(m.quote, 5_000 * UNIT),
    )
    .expect("buy");
    assert_eq!(
        pool::rebalance_status(&mut m.chain, m.pool).bounty_budget,
        sell.fee * 10 + buy.fee
    );
}

#[test]
fn the_bounty_never_exceeds_the_fees_set_aside() {
    // given a generous bounty rate with no cap: only the budget binds
    let mut m = deep_venue();
    let config = PoolConfig {
        rebalance: RebalanceParams {
            bounty_bps: MAX_BOUNTY_BPS,
            bounty_cap: u128::MAX,
            ..PoolConfig::default().rebalance
        },
        ..pool::config(&mut m.chain, m.pool)
    };
    pool::set_config(&mut m.chain, OWNER, m.pool, config).expect("config");
    push_long_base(&mut m, 12_000);
    let budget = pool::rebalance_status(&mut m.chain, m.pool).bounty_budget;
    let keeper_before = m.balance(m.quote, KEEPER);
    // when
    let out = pool::rebalance(&mut m.chain, KEEPER, m.pool, 0).expect("rebalance");
    // then the whole budget, and no more, was paid, into the keeper's account
    assert_eq!(out.bounty, budget);
    assert_eq!(m.balance(m.quote, KEEPER), keeper_before + budget);
    assert_eq!(pool::rebalance_status(&mut m.chain, m.pool).bounty_budget, 0);
}

#[test]
fn leaving_liquidity_takes_its_share_of_the_bounty_budget() {
    let mut m = deep_venue();
    push_long_base(&mut m, 1_000);
    let budget = pool::rebalance_status(&mut m.chain, m.pool).bounty_budget;
    let half = pool::shares(&mut m.chain, m.pool, ALICE.account()) / 2;
    let total = pool::total_shares(&mut m.chain, m.pool);
    pool::remove_liquidity(&mut m.chain, ALICE, m.pool, PoolWithdraw::of(half)).expect("withdraw");
    assert_eq!(
        pool::rebalance_status(&mut m.chain, m.pool).bounty_budget,
        mul_div_u128(budget, total - half, total, Rounding::Down).expect("in range")
    );
}
