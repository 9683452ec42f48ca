//! The strategies compared on every path: Keel with and without its keeper and its volatility
//! input, and constant-product pools at 30 bps, 5 bps and at the fee Keel quoted on that path.
//! Each faces the same reference path, oracle and order flow (the same seed).

use super::tally::{Ending, PathMetrics, Tally};
use crate::arbitrage;
use crate::driver::{Simulation, MIN_ARB_PROFIT};
use crate::fast::FastBackend;
use crate::scenario::Scenario;
use crate::venue::InMemoryVenue;
use crate::world::World;
use crate::SimError;
use keel_core::consts::DEFAULT_VENUE_FEE_BPS as VENUE_FEE_BPS;
use keel_core::fixed::to_f64;
use keel_core::Asset;
use keel_interface::pool::PoolConfig;
use keel_keeper::executor::Settings;

/// One pool design under test.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Strategy {
    /// Keel as shipped: volatility-scaled `k` and fee, keeper on.
    Keel,
    KeelNoKeeper,
    /// `k` and fee fixed at their base values (no volatility input), keeper on.
    KeelNoVol,
    Cp30,
    Cp5,
    /// Constant product at Keel's mean quoted fee on the same path: the equal-fee comparison.
    CpAtKeelFee,
}

pub const ALL: [Strategy; 6] = [
    Strategy::Keel,
    Strategy::KeelNoKeeper,
    Strategy::KeelNoVol,
    Strategy::Cp30,
    Strategy::Cp5,
    Strategy::CpAtKeelFee,
];

impl Strategy {
    pub fn label(self) -> &'static str {
        match self {
            Strategy::Keel => "keel",
            Strategy::KeelNoKeeper => "keel, no keeper",
            Strategy::KeelNoVol => "keel, no vol input",
            Strategy::Cp30 => "cp 30 bps",
            Strategy::Cp5 => "cp 5 bps",
            Strategy::CpAtKeelFee => "cp at keel's fee",
        }
    }
}

/// Calls `progress` with the blocks run since its last call, every this many blocks.
const PROGRESS_EVERY: u32 = 4_096;

/// Every strategy on one path (one seeded scenario).
///
/// # Errors
/// An invalid scenario, or a Keel run that failed (a planned trade priced differently).
pub fn run_all(
    scenario: &Scenario,
    settings: Settings,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<(Strategy, PathMetrics)>, SimError> {
    let keel = run_keel(scenario, PoolConfig::default(), settings, progress)?;
    // A keeper that never landed a rebalance only read the pool: without it the run is the same.
    let no_keeper = if keel.rebalances == 0 {
        progress(u64::from(scenario.blocks));
        keel
    } else {
        let without = Scenario {
            keeper: false,
            ..scenario.clone()
        };
        run_keel(&without, PoolConfig::default(), settings, progress)?
    };
    let mut fixed = PoolConfig::default();
    fixed.curve.gamma = 0;
    fixed.curve.fee_vol = 0;
    let no_vol = run_keel(scenario, fixed, settings, progress)?;
    let matched = (keel.mean_fee_bps.round() as u32).max(1);
    Ok(vec![
        (Strategy::Keel, keel),
        (Strategy::KeelNoKeeper, no_keeper),
        (Strategy::KeelNoVol, no_vol),
        (Strategy::Cp30, run_cp(scenario, 30, progress)?),
        (Strategy::Cp5, run_cp(scenario, 5, progress)?),
        (Strategy::CpAtKeelFee, run_cp(scenario, matched, progress)?),
    ])
}

/// Keel on the fast backend, through the same driver as the drink simulation.
///
/// # Errors
/// As [`run_all`].
pub fn run_keel(
    scenario: &Scenario,
    config: PoolConfig,
    settings: Settings,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<PathMetrics, SimError> {
    let mut sim = Simulation::on(FastBackend::new(scenario, config, settings)?, scenario);
    let mut tally = Tally::new(scenario);
    let mut last = None;
    for block in 1..=scenario.blocks {
        let row = sim.step(None)?;
        tally.observe(row.reference, row.fee_bps);
        last = Some(row);
        if block % PROGRESS_EVERY == 0 {
            progress(u64::from(PROGRESS_EVERY));
        }
    }
    progress(u64::from(scenario.blocks % PROGRESS_EVERY));
    let row = last.ok_or_else(|| SimError::Invalid("a scenario needs at least one block".into()))?;
    let totals = &sim.totals;
    Ok(tally.finish(Ending {
        pool_value: row.pool_value,
        arbitrage: totals.pool_arbitrage,
        fees: row.fees_to_date,
        time_in_band: Some(totals.blocks_in_band as f64 / totals.blocks.max(1) as f64),
        max_abs_q: Some(totals.max_abs_q),
        rebalances: totals.rebalances,
        bounties: totals.bounties,
    }))
}

/// A constant-product pool at `fee_bps` facing the same path, arbitrageur, venue and noise flow
/// as Keel does in the driver ([`crate::driver`]), block for block.
///
/// # Errors
/// Liquidity the curve refuses.
pub fn run_cp(
    scenario: &Scenario,
    fee_bps: u32,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<PathMetrics, SimError> {
    let start = scenario.liquidity();
    let seeded =
        |b, q, fee| InMemoryVenue::seeded(b, q, fee).map_err(|e| SimError::Liquidity(format!("{e:?}")));
    let mut pool = seeded(start.base, start.quote, fee_bps)?;
    let mut venue = seeded(start.venue_base, start.venue_quote, VENUE_FEE_BPS)?;
    let funds = (start.venue_base, start.venue_quote);
    let mut world = World::new(scenario);
    let mut tally = Tally::new(scenario);
    let (mut arbitrage, mut fees) = (0.0, 0.0);
    let fee_value = |sell: Asset, amount: u128, price: f64| {
        let tokens = to_f64(amount) * f64::from(fee_bps) / 10_000.0;
        if sell == Asset::Base {
            tokens * price
        } else {
            tokens
        }
    };
    for _ in 0..scenario.blocks {
        let tick = world.next_tick();
        let best = |m: &InMemoryVenue, fee| {
            arbitrage::on_venue(m.reserves(), fee, tick.reference, funds, MIN_ARB_PROFIT)
        };
        if let Some(t) = best(&venue, VENUE_FEE_BPS) {
            let _ = venue.swap_exact_in(t.sell, t.amount_in, 0);
        }
        if let Some(t) = best(&pool, fee_bps).filter(|_| tick.arbitrage) {
            if pool.swap_exact_in(t.sell, t.amount_in, t.amount_out).is_ok() {
                arbitrage += t.profit;
                fees += fee_value(t.sell, t.amount_in, tick.reference);
            }
        }
        if let Some(order) = tick.noise {
            let (sell, amount) = order.amount_in(scenario.liquidity_base, tick.oracle);
            let routed = scenario.noise_routed.then(|| venue.reserves());
            let min_out = arbitrage::routed_min_out(routed, VENUE_FEE_BPS, sell, amount);
            let on_pool = pool.swap_exact_in(sell, amount, min_out).is_ok();
            if on_pool {
                fees += fee_value(sell, amount, tick.reference);
            }
            if !(scenario.noise_routed && on_pool) {
                let _ = venue.swap_exact_in(sell, amount, 0);
            }
        }
        tally.observe(tick.reference, f64::from(fee_bps));
    }
    progress(u64::from(scenario.blocks));
    let (b, q) = pool.reserves();
    let price = world.price();
    Ok(tally.finish(Ending {
        pool_value: to_f64(b) * price + to_f64(q),
        arbitrage,
        fees,
        ..Ending::default()
    }))
}
