//! The strategies compared on every path: Keel (and, on request, Keel without its keeper or its
//! volatility input) and constant-product pools at 30 bps, at Keel's base fee and at the fee
//! Keel actually quoted on that path ("equal fee"). Each faces the same reference path, reporters
//! and order flow (the same seed).

use super::tally::{Ending, PathMetrics, Tally};
use crate::arbitrage;
use crate::books::{Books, Flow};
use crate::driver::{informed_order, Engine, Simulation, MIN_ARB_PROFIT};
use crate::fast::FastBackend;
use crate::reporter::Reporters;
use crate::scenario::Scenario;
use crate::venue::InMemoryVenue;
use crate::world::World;
use crate::SimError;
use keel_core::fixed::to_f64;
use keel_core::Asset;
use keel_interface::pool::PoolConfig;
use keel_keeper::executor::Settings;
use serde::Deserialize;
use std::time::Instant;

/// One pool design under test.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    /// Keel as shipped: volatility-scaled `k` and fee, keeper on.
    Keel,
    KeelNoKeeper,
    /// `k` and fee fixed at their base values (no volatility input), keeper on.
    KeelNoVol,
    /// Keel with its rebalancing band adapting to volatility (`keel_core::band`) at
    /// [`ADAPTIVE_COST_BPS`], keeper on.
    KeelAdaptiveBand,
    /// Keel rebalancing across both of the scenario's venues (its `hedge_venue_*` fields), the
    /// keeper splitting each rebalance (`keel_core::split`); every other strategy has the first
    /// venue alone.
    KeelTwoVenues,
    /// Keel without price discovery between readings, whatever the scenario says: the PMM
    /// anchored at the oracle alone, with the default configuration's fee, for the same-run
    /// comparison.
    KeelStatic,
    #[serde(rename = "cp-30")]
    Cp30,
    /// Constant product at Keel's base fee.
    CpBaseFee,
    /// Constant product at Keel's mean quoted fee on the same path: the equal-fee comparison.
    CpEqualFee,
}

/// The strategies a suite runs unless it names its own.
pub const DEFAULT: [Strategy; 4] = [
    Strategy::Keel,
    Strategy::CpEqualFee,
    Strategy::CpBaseFee,
    Strategy::Cp30,
];

impl Strategy {
    pub fn label(self) -> &'static str {
        match self {
            Strategy::Keel => "keel",
            Strategy::KeelNoKeeper => "keel, no keeper",
            Strategy::KeelNoVol => "keel, no vol input",
            Strategy::KeelAdaptiveBand => "keel, adaptive band",
            Strategy::KeelTwoVenues => "keel, two venues",
            Strategy::KeelStatic => "keel, no discovery",
            Strategy::Cp30 => "cp 30 bps",
            Strategy::CpBaseFee => "cp at keel's base fee",
            Strategy::CpEqualFee => "cp at keel's mean fee",
        }
    }

    /// Whether this is one of Keel's variants (each needs the pool's exact integer path).
    pub fn is_keel(self) -> bool {
        matches!(
            self,
            Strategy::Keel
                | Strategy::KeelNoKeeper
                | Strategy::KeelNoVol
                | Strategy::KeelAdaptiveBand
                | Strategy::KeelTwoVenues
                | Strategy::KeelStatic
        )
    }
}

/// The cost of a rebalance the adaptive band prices in: the venue's 30 bps fee and the keeper's
/// 10 bps bounty.
pub const ADAPTIVE_COST_BPS: u32 = 40;

/// Keel's base fee in bps in `scenario` (its configuration's `fee_base`).
pub fn keel_base_fee_bps(scenario: &Scenario) -> f64 {
    to_f64(scenario.pool_config().curve.fee_base) * 10_000.0
}

/// Calls `progress` with the blocks run since its last call, every this many blocks.
const PROGRESS_EVERY: u32 = 4_096;

/// The `strategies` on one path (one seeded scenario). Keel runs first when asked for: the
/// equal-fee pool needs its mean fee (and runs Keel for it when Keel itself is not listed).
///
/// # Errors
/// An invalid scenario, or a Keel run that failed (a planned trade priced differently).
pub fn run_all(
    given: &Scenario,
    strategies: &[Strategy],
    settings: Settings,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<(Strategy, PathMetrics)>, SimError> {
    let scenario = &Scenario {
        hedge_venue_depth: 0.0,
        ..given.clone()
    };
    let mut out: Vec<(Strategy, PathMetrics)> = Vec::new();
    let mut keel: Option<PathMetrics> = None;
    let mut ordered = strategies.to_vec();
    ordered.sort_by_key(|s| !s.is_keel());
    for &strategy in &ordered {
        let metrics = match strategy {
            Strategy::Keel => {
                let m = run_keel(scenario, scenario.pool_config(), settings, Engine::Fast, progress)?;
                keel = Some(m);
                m
            }
            Strategy::KeelNoKeeper => {
                let without = Scenario {
                    keeper: false,
                    ..scenario.clone()
                };
                run_keel(&without, without.pool_config(), settings, Engine::Fast, progress)?
            }
            Strategy::KeelNoVol => {
                let mut fixed = scenario.pool_config();
                fixed.curve.gamma = 0;
                fixed.curve.fee_vol = 0;
                run_keel(scenario, fixed, settings, Engine::Fast, progress)?
            }
            Strategy::KeelAdaptiveBand => {
                let mut adaptive = scenario.pool_config();
                adaptive.rebalance.cost_bps = ADAPTIVE_COST_BPS;
                run_keel(scenario, adaptive, settings, Engine::Fast, progress)?
            }
            Strategy::KeelTwoVenues => {
                run_keel(given, given.pool_config(), settings, Engine::Fast, progress)?
            }
            Strategy::KeelStatic => {
                let without = Scenario {
                    discovery: false,
                    fee_vol: None,
                    ..scenario.clone()
                };
                run_keel(scenario, without.pool_config(), settings, Engine::Fast, progress)?
            }
            Strategy::Cp30 => run_cp(scenario, 30, progress)?,
            Strategy::CpBaseFee => run_cp(
                scenario,
                (keel_base_fee_bps(scenario).round() as u32).max(1),
                progress,
            )?,
            Strategy::CpEqualFee => {
                let mean = if let Some(m) = keel {
                    m.mean_fee_bps
                } else {
                    let m = run_keel(scenario, scenario.pool_config(), settings, Engine::Fast, progress)?;
                    keel = Some(m);
                    m.mean_fee_bps
                };
                run_cp(scenario, (mean.round() as u32).max(1), progress)?
            }
        };
        out.push((strategy, metrics));
    }
    Ok(out)
}

/// Keel on the fast backend, through the same driver as the drink simulation, with the
/// simulation's sums done by `engine` (the exact engine also runs every keeper pass and forgets
/// every re-derivation, as the simulator did before the fast engine).
///
/// # Errors
/// As [`run_all`].
pub fn run_keel(
    scenario: &Scenario,
    config: PoolConfig,
    settings: Settings,
    engine: Engine,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<PathMetrics, SimError> {
    let started = Instant::now();
    let mut backend = FastBackend::new(scenario, config, settings)?;
    backend.skip_idle_keeper = engine == Engine::Fast;
    keel_core::memo::remembering(engine == Engine::Fast);
    let mut sim = Simulation::on(backend, scenario);
    sim.engine = engine;
    let mut tally = Tally::new(scenario);
    let mut last = None;
    for block in 1..=scenario.blocks {
        let frozen = sim.totals.frozen_blocks;
        let row = sim.step(None)?;
        let quoted = sim.totals.frozen_blocks == frozen;
        tally.observe(row.reference, quoted.then_some(row.fee_bps));
        last = Some(row);
        if block % PROGRESS_EVERY == 0 {
            progress(u64::from(PROGRESS_EVERY));
        }
    }
    progress(u64::from(scenario.blocks % PROGRESS_EVERY));
    let row = last.ok_or_else(|| SimError::Invalid("a scenario needs at least one block".into()))?;
    let totals = &sim.totals;
    Ok(tally.finish(&Ending {
        pool_value: row.pool_value,
        parts: sim.books.finish(row.pool_value),
        time_in_band: Some(totals.blocks_in_band as f64 / totals.blocks.max(1) as f64),
        max_abs_q: Some(totals.max_abs_q),
        rebalances: totals.rebalances,
        bounties: totals.bounties,
        frozen_blocks: totals.frozen_blocks,
        oracle_refusals: totals.oracle_refusals,
        refused_trades: totals.noise_refused.saturating_add(totals.informed_refused),
        seconds: started.elapsed().as_secs_f64(),
    }))
}

/// A constant-product pool at `fee_bps` facing the same path, reporters, arbitrageur, venue and
/// flow as Keel does in the driver ([`crate::driver`]), block for block.
///
/// # Errors
/// Liquidity the curve refuses.
pub fn run_cp(
    scenario: &Scenario,
    fee_bps: u32,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<PathMetrics, SimError> {
    let started = Instant::now();
    let start = scenario.liquidity();
    let seeded =
        |b, q, fee| InMemoryVenue::seeded(b, q, fee).map_err(|e| SimError::Liquidity(format!("{e:?}")));
    let venue_fee = scenario.venue_fee_bps;
    let mut pool = seeded(start.base, start.quote, fee_bps)?;
    let mut venue = seeded(start.venue_base, start.venue_quote, venue_fee)?;
    let funds = (start.venue_base, start.venue_quote);
    let mut world = World::new(scenario);
    let mut reporters = Reporters::new(scenario);
    let mut tally = Tally::new(scenario);
    let mut books = Books::new(scenario.liquidity_base, scenario.liquidity_quote, scenario.price);
    let fee_rate = f64::from(fee_bps) / 10_000.0;
    let mut refused = 0u64;
    for _ in 0..scenario.blocks {
        let tick = world.next_tick();
        books.price(tick.reference);
        let _ = reporters.next_block(tick.reference);
        let best = |m: &InMemoryVenue, fee| {
            arbitrage::on_venue(m.reserves(), fee, tick.reference, funds, MIN_ARB_PROFIT)
        };
        if let Some(t) = best(&venue, venue_fee) {
            let _ = venue.swap_exact_in(t.sell, t.amount_in, 0);
        }
        let published = reporters.published().unwrap_or(tick.reference);
        let mut fill = |pool: &mut InMemoryVenue, who, sell: Asset, amount: u128, min_out| {
            let out = pool.swap_exact_in(sell, amount, min_out).ok()?;
            let amount = to_f64(amount);
            books.trade(who, sell, amount, to_f64(out), amount * fee_rate);
            Some(out)
        };
        if tick.informed {
            if let Some(o) = informed_order(scenario, tick.reference, published) {
                if fill(&mut pool, Flow::Informed, o.sell, o.amount_in, o.min_out).is_none() {
                    refused = refused.saturating_add(1);
                }
            }
        }
        if let Some(t) = best(&pool, fee_bps).filter(|_| tick.arbitrage) {
            let _ = fill(&mut pool, Flow::Arbitrage, t.sell, t.amount_in, t.amount_out);
        }
        for order in [tick.noise, tick.whale].into_iter().flatten() {
            let (sell, amount) = order.amount_in(scenario.liquidity_base, published);
            let routed = scenario.noise_routed.then(|| venue.reserves());
            let min_out = arbitrage::routed_min_out(routed, venue_fee, sell, amount);
            let on_pool = fill(&mut pool, Flow::Noise, sell, amount, min_out).is_some();
            if !on_pool {
                refused = refused.saturating_add(1);
            }
            if !(scenario.noise_routed && on_pool) {
                let _ = venue.swap_exact_in(sell, amount, 0);
            }
        }
        books.holdings(to_f64(pool.reserves().0));
        tally.observe(tick.reference, Some(f64::from(fee_bps)));
    }
    progress(u64::from(scenario.blocks));
    let (b, q) = pool.reserves();
    let value = to_f64(b) * world.price() + to_f64(q);
    Ok(tally.finish(&Ending {
        pool_value: value,
        parts: books.finish(value),
        refused_trades: refused,
        seconds: started.elapsed().as_secs_f64(),
        ..Ending::default()
    }))
}
