//! What the owner's configuration power can and cannot do to users. Changes take effect at once,
//! but for `k`, which ramps (the owner is trusted with the code anyway: see `docs/security.md`),
//! so the protections are that no configuration message moves funds, a venue of the owner's
//! choosing gets at most its fee and the tolerance on each slice, one slice a block, withdrawals
//! stay open whatever the configuration, and a trader's own limit catches a change made between
//! their quote and their swap.

use crate::assert_solvent;
use crate::dump::{assert_a_bound_stopped_a_losing_dump, dump_and_buy_back, Dump};
use keel_core::dynamic::{
    DISCOVERY_DEPTH_RANGE, DISCOVERY_SKEW_CEIL, FEE_CEIL, FEE_FLOOR, GUARD_FLOOR, K_CEIL, K_FLOOR, SKEW_CEIL,
};
use keel_core::rebalance::{MAX_SLIPPAGE_BPS, MAX_VENUE_FEE_BPS, MIN_COOLDOWN_MS, MIN_TRIGGER};
use keel_core::{CurveParams, ONE};
use keel_harness::pool::{self, PoolSwap, PoolWithdraw};
use keel_harness::venue::{self, VenueDeposit, VenueSwap};
use keel_harness::{token, Fixture, Setup, ALICE, BOB, MALLORY, OWNER, UNIT};
use keel_interface::pool::{PoolConfig, PoolError};
use keel_interface::VenueError;

/// The harshest configurations within the hard bounds, each named: at the ceilings (the widest
/// fee, the steepest curve, the widest band discovery accepts); at the floors with discovery (the
/// thinnest fee, the flattest curve, the shallowest discovery, which moves the reference most per
/// trade, and the lightest guard it accepts, in its widest band); and without discovery at the
/// floors and the widest band such a pool may set (50%). Each with an oracle that is stale a
/// millisecond after its reading, the loosest rebalancing (lowest trigger, widest venue
/// tolerance, shortest cooldown) and a "venue" that is Mallory's own account.
fn harshest() -> [(&'static str, PoolConfig); 3] {
    let ceilings = CurveParams {
        fee_base: FEE_CEIL,
        fee_min: FEE_CEIL,
        fee_max: FEE_CEIL,
        k_base: K_CEIL,
        k_min: K_CEIL,
        k_max: K_CEIL,
        max_skew: DISCOVERY_SKEW_CEIL,
        q_max: ONE,
        ..CurveParams::default()
    };
    let floors = CurveParams {
        fee_base: FEE_FLOOR,
        fee_min: FEE_FLOOR,
        fee_max: FEE_FLOOR,
        k_base: K_FLOOR,
        k_min: K_FLOOR,
        k_max: K_FLOOR,
        discovery_depth: *DISCOVERY_DEPTH_RANGE.start(),
        guard: GUARD_FLOOR,
        max_skew: DISCOVERY_SKEW_CEIL,
        q_max: ONE,
        ..CurveParams::default()
    };
    let without_discovery = CurveParams {
        max_skew: SKEW_CEIL,
        discovery_depth: 0,
        fee_vol: CurveParams::without_discovery().fee_vol,
        guard: CurveParams::without_discovery().guard,
        ..floors
    };
    [
        ("ceilings", ceilings),
        ("floors", floors),
        ("floors without discovery, 50% band", without_discovery),
    ]
    .map(|(name, curve)| (name, loosest(curve)))
}

/// A pool of `curve` whose oracle is stale a millisecond after its reading, rebalancing as loosely
/// as the bounds allow, into Mallory's own account as its venue.
fn loosest(curve: CurveParams) -> PoolConfig {
    let mut config = PoolConfig {
        curve,
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
fn the_harshest_configurations_move_no_funds_and_withdrawals_pay_the_same() {
    for (name, harsh) in harshest() {
        // given a traded pool, and what Alice's whole withdrawal would pay now
        let mut m = Fixture::standard();
        m.push_long_base(5_000);
        let shares = pool::shares(&mut m.chain, m.pool, ALICE.account());
        let pool_addr = m.pool;
        let would_pay = m
            .chain
            .dry_run(|c| pool::remove_liquidity(c, ALICE, pool_addr, PoolWithdraw::of(shares)))
            .expect("withdrawal");
        let before = m.snapshot();

        // when the owner sets the configuration, and pauses
        pool::set_config(&mut m.chain, OWNER, m.pool, harsh)
            .unwrap_or_else(|e| panic!("{name}: within bounds, refused with {e:?}"));

        // then nothing moved, no rebalance can run (an account that is no venue refuses it, then
        // the oracle is stale), trading stops, and Alice still withdraws exactly as much
        assert_eq!(m.snapshot(), before, "{name}: a configuration change moved funds");
        m.assert_refused(PoolError::VenueCallFailed, |m| {
            pool::rebalance(&mut m.chain, MALLORY, m.pool, 0)
        });
        m.chain.advance(1_000);
        m.assert_refused(PoolError::OracleStale, |m| {
            pool::rebalance(&mut m.chain, MALLORY, m.pool, 0)
        });
        assert_eq!(m.snapshot(), before, "{name}: a rebalance moved funds");
        pool::pause(&mut m.chain, OWNER, m.pool).expect("pause");
        m.assert_refused(PoolError::Paused, |m| {
            pool::swap_exact_in(&mut m.chain, BOB, m.pool, PoolSwap::exact_in(m.base, UNIT))
        });
        let paid =
            pool::remove_liquidity(&mut m.chain, ALICE, m.pool, PoolWithdraw::of(shares)).expect("withdraw");
        assert_eq!(paid, would_pay, "{name}");
        assert_solvent(&mut m);
    }
}

#[test]
fn dumping_to_the_bounds_in_one_block_and_buying_back_loses_money_under_the_harshest_configurations() {
    for (name, harsh) in harshest() {
        // given a pool under the configuration, with a reading of this block (the only block
        // its oracle is fresh in)
        let mut m = Fixture::standard();
        pool::set_config(&mut m.chain, OWNER, m.pool, harsh)
            .unwrap_or_else(|e| panic!("{name}: within bounds, refused with {e:?}"));
        m.chain.advance(harsh.curve.block_time_ms);
        m.report(10 * UNIT, UNIT / 10 * 8).expect("a reading");

        // when Mallory sells base in steps of a tenth of the largest sale the pool takes at once,
        // for as long as it takes them, then buys every token back, all in this block
        let dump = Dump {
            step: (largest_sale(&mut m) / UNIT / 10).max(1),
            across_blocks: false,
        };
        let outcome @ (steps, stopped, before, after) = dump_and_buy_back(&mut m, dump);
        println!(
            "{name}: {steps} sales of {} base, stopped by {stopped:?}; Mallory's worth {before} -> {after}",
            dump.step
        );

        // then a bound stopped her after several steps, the bounds held at every step (checked
        // inside), and she lost
        assert_a_bound_stopped_a_losing_dump(name, outcome);
    }
}

/// The largest sale of base (to a unit) the pool takes from Mallory now, found by dry-runs.
fn largest_sale(m: &mut Fixture) -> u128 {
    let pool_addr = m.pool;
    let base = m.base;
    let mut takes = |amount: u128| {
        m.chain
            .dry_run(|c| pool::swap_exact_in(c, MALLORY, pool_addr, PoolSwap::exact_in(base, amount)))
            .is_ok()
    };
    let (mut lo, mut hi) = (0, UNIT);
    while takes(hi) {
        lo = hi;
        hi *= 2;
    }
    while hi - lo > UNIT {
        let mid = lo + (hi - lo) / 2;
        if takes(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
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

#[test]
fn an_owner_chosen_venue_takes_at_most_its_fee_and_the_tolerance_of_a_slice_once_a_block() {
    // given the owner's accomplice owns the pool's venue: a constant-product pool at the highest
    // fee a rebalance counts on (1%), priced 0.5% under the oracle, and the loosest rebalancing
    let mut m = Fixture::new(Setup {
        trader_funds: 100_000_000 * UNIT,
        ..Setup::default()
    });
    let rigged = venue::deploy(&mut m.chain, MALLORY, m.base, m.quote, MAX_VENUE_FEE_BPS).expect("venue");
    for t in [m.base, m.quote] {
        token::approve(&mut m.chain, MALLORY, t, rigged, u128::MAX).expect("approve");
    }
    let (depth, price) = (1_000_000 * UNIT, 10 * UNIT);
    venue::add_liquidity(
        &mut m.chain,
        MALLORY,
        rigged,
        VenueDeposit::of(depth, depth / 1000 * 995 * 10),
    )
    .expect("seed at 9.95");
    let mut config = crate::rebalance_loosely_on(&mut m, rigged);
    config.rebalance.cooldown_ms = config.curve.block_time_ms.max(MIN_COOLDOWN_MS);
    pool::set_config(&mut m.chain, OWNER, m.pool, config).expect("within bounds");

    // when, block after block, Mallory pushes the pool past the trigger, rebalances into her
    // venue, tries again in the same block, and buys the base back on her venue
    let mut epoch = 0;
    let (mut fair_total, mut paid_total) = (0, 0);
    for _ in 0..10 {
        m.chain.advance(config.rebalance.cooldown_ms);
        m.report(price, UNIT / 10 * 8).expect("fresh");
        pool::swap_exact_in(
            &mut m.chain,
            MALLORY,
            m.pool,
            PoolSwap::exact_in(m.base, 2_500 * UNIT),
        )
        .expect("push");
        let out = pool::rebalance(&mut m.chain, MALLORY, m.pool, epoch).expect("rebalance");
        epoch = out.epoch;
        m.assert_refused(PoolError::RebalanceCooldown, |m| {
            pool::rebalance(&mut m.chain, MALLORY, m.pool, epoch)
        });
        // then each slice is paid at least the oracle value less the venue's 1% fee, the 1%
        // tolerance and the slice's impact on the venue's reported depth
        let fair = out.sold * (price / UNIT);
        let (reserve, _) = venue::reserves(&mut m.chain, rigged);
        let impact_bps = out.sold * 10_000 / reserve + 1;
        assert!(
            out.bought * 10_000 >= fair * (10_000 - 199 - impact_bps),
            "a slice of {fair} paid {}",
            out.bought
        );
        fair_total += fair;
        paid_total += out.bought;
        // and Mallory buys the base back on her venue, holding its price under the oracle
        venue::swap_exact_in(
            &mut m.chain,
            MALLORY,
            rigged,
            VenueSwap::exact_in(m.quote, out.bought),
        )
        .expect("re-price the venue");
    }
    let discount_bps = (fair_total - paid_total) * 10_000 / fair_total;
    println!("the rigged venue paid {discount_bps} bps under the oracle over 10 slices");
    assert!(discount_bps <= 199 + 25, "{discount_bps} bps");
    assert_solvent(&mut m);
}

/// A 1%-fee venue Mallory seeds at `price_bps` of the oracle price, made the pool's venue with
/// the loosest rebalancing, and the pool pushed past the trigger.
fn pool_on_a_rigged_venue(price_bps: u128) -> (Fixture, ink::primitives::AccountId) {
    let mut m = Fixture::new(Setup {
        trader_funds: 100_000_000 * UNIT,
        ..Setup::default()
    });
    let rigged = venue::deploy(&mut m.chain, MALLORY, m.base, m.quote, MAX_VENUE_FEE_BPS).expect("venue");
    for t in [m.base, m.quote] {
        token::approve(&mut m.chain, MALLORY, t, rigged, u128::MAX).expect("approve");
    }
    let depth = 1_000_000 * UNIT;
    venue::add_liquidity(
        &mut m.chain,
        MALLORY,
        rigged,
        VenueDeposit::of(depth, depth * 10 / 10_000 * price_bps),
    )
    .expect("seed");
    crate::rebalance_loosely_on(&mut m, rigged);
    pool::swap_exact_in(
        &mut m.chain,
        MALLORY,
        m.pool,
        PoolSwap::exact_in(m.base, 3_000 * UNIT),
    )
    .expect("push");
    (m, rigged)
}

#[test]
fn a_venue_priced_past_its_fee_and_the_tolerance_under_the_oracle_is_refused() {
    // A 1% venue 0.9% under the oracle pays about 98.1% of the oracle value, just above the
    // pool's floor of 99% x 99% (less the slice's impact); 1.2% under it pays about 97.8%.
    let (mut inside, _) = pool_on_a_rigged_venue(9_910);
    assert!(pool::rebalance(&mut inside.chain, MALLORY, inside.pool, 0).is_ok());
    assert_solvent(&mut inside);
    let (mut past, rigged) = pool_on_a_rigged_venue(9_880);
    let venue_before = venue::reserves(&mut past.chain, rigged);
    past.assert_refused(PoolError::Venue(VenueError::SlippageExceeded), |m| {
        pool::rebalance(&mut m.chain, MALLORY, m.pool, 0)
    });
    assert_eq!(venue::reserves(&mut past.chain, rigged), venue_before);
}
