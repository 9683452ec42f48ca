//! Keeper throughput, two ways, each next to a baseline measured in the same process:
//! - the pure decision core: pool evaluations per second over many pools in different states (in
//!   band, due, cooling down, stale, unprofitable), against the curve's own inventory computation;
//! - end to end on drink: the executor's pass per block (reads through the pool's view messages,
//!   decide, dry-run when due) on the demo market, against the market's own block (oracle update,
//!   arbitrage, noise trades, record).
//!
//! Run: `cargo run -p keel-sim --features drink --example keeper_throughput [pools] [blocks]`
//! after `scripts/build.sh` (the dev profile optimises the core; see the workspace Cargo.toml).

use ink::primitives::AccountId;
use keel_core::math::Rounding;
use keel_core::{PoolState, Regime, ONE};
use keel_harness::keeper::SandboxChain;
use keel_interface::pool::{MarketStatus, PoolConfig, RebalanceStatus};
use keel_keeper::backoff::Health;
use keel_keeper::config::Config;
use keel_keeper::decide::{decide, Decision, Policy, PoolView};
use keel_keeper::executor::{self, Action, Watched};
use keel_sim::driver::Simulation;
use keel_sim::scenario::Scenario;
use std::collections::BTreeMap;
use std::time::Instant;

const NOW: u64 = 1_000_000_000;

/// Pool `i`: excess base between 0 and 25% of the base target, and every few pools a state
/// that stops the decision early or late.
fn pool(i: u64) -> PoolView {
    let balanced = PoolState::balanced(100_000 * ONE, 1_000_000 * ONE);
    let excess = u128::from(i % 26) * 1_000 * ONE;
    let state = PoolState {
        base_reserve: balanced.base_reserve + excess,
        quote_reserve: balanced.quote_reserve - excess * 9,
        regime: if excess == 0 {
            Regime::Balanced
        } else {
            Regime::QuoteShort
        },
        ..balanced
    }
    .equilibrate(10 * ONE, ONE / 3, Rounding::Down)
    .expect("state");
    PoolView {
        state,
        market: MarketStatus {
            price: 10 * ONE,
            volatility: ONE / 10 * 8,
            timestamp: NOW,
            age_ms: if i % 17 == 0 { 120_000 } else { 6_000 },
            k: ONE / 3,
            k_target: ONE / 3,
            fee: ONE / 1_000,
            stale: i % 17 == 0,
            drift: 0,
            reference: 10 * ONE,
            guard_fee: 0,
        },
        config: PoolConfig {
            venue: Some(AccountId::from([9; 32])),
            ..PoolConfig::default()
        },
        rebalancing: RebalanceStatus {
            epoch: i,
            last_ms: if i % 5 == 0 { NOW - 1_000 } else { 0 },
            bounty_budget: if i % 7 == 0 { 0 } else { 1_000 * ONE },
            continuing: None,
        },
        paused: i % 31 == 0,
        total_shares: ONE,
        // A venue ten times the pool, at the oracle price, charging 0.3%.
        venue_depth: Some(keel_interface::pool::VenueDepth {
            reserve_in: 1_000_000 * ONE,
            reserve_out: 10_000_000 * ONE,
            fee_bps: 30,
        }),
        more_venues: [None; 3],
    }
}

fn main() {
    let pools: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let views: Vec<PoolView> = (0..pools).map(pool).collect();
    let policy = Policy {
        tx_cost: ONE / 2,
        oracle_margin_ms: 6_000,
    };
    let health = Health::default();

    // Baseline: the curve's inventory computation alone, on the same pools.
    let started = Instant::now();
    let mut sum = 0i128;
    for v in &views {
        sum = sum.wrapping_add(v.inventory().unwrap_or_default());
    }
    let baseline = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let mut kinds: BTreeMap<&str, u64> = BTreeMap::new();
    for v in &views {
        let d: Decision = decide(v, &policy, &health, NOW);
        *kinds.entry(d.label()).or_default() += 1;
    }
    let elapsed = started.elapsed().as_secs_f64();

    println!("pools evaluated: {pools} (checksum {sum})");
    println!("decisions: {kinds:?}");
    println!(
        "decide():          {:>12.0} pool evaluations/s ({:.2} us each)",
        pools as f64 / elapsed,
        elapsed * 1e6 / pools as f64
    );
    println!(
        "baseline inventory: {:>11.0} pools/s ({:.2} us each); decide / baseline time = {:.2}x",
        pools as f64 / baseline,
        baseline * 1e6 / pools as f64,
        elapsed / baseline
    );
    let blocks: u32 = std::env::args()
        .nth(2)
        .and_then(|a| a.parse().ok())
        .unwrap_or(300);
    sandbox_loop(blocks);
}

/// The keeper's pass on drink, once per block of the demo market (without its own keeper, so
/// the pool drifts and becomes due): dry-run mode, so the market stays the same as without it.
fn sandbox_loop(blocks: u32) {
    let scenario = Scenario {
        blocks,
        keeper: false,
        ..Scenario::default()
    };
    let settings = Config::default().settings(true);
    let mut sim =
        Simulation::on_contracts(&scenario, scenario.pool_config(), settings).expect("contracts deploy");
    let mut watched = Watched::new("pool", sim.backend.market.pool);
    let (mut market_s, mut keeper_s, mut dry_runs) = (0.0, 0.0, 0u32);
    for _ in 0..blocks {
        let started = Instant::now();
        sim.step(None).expect("market step");
        market_s += started.elapsed().as_secs_f64();
        let started = Instant::now();
        let mut chain = SandboxChain::new(&mut sim.backend.market.chain, keel_harness::KEEPER);
        let report = executor::tick(&mut chain, &mut watched, &settings, None);
        keeper_s += started.elapsed().as_secs_f64();
        dry_runs += u32::from(matches!(report.action, Action::WouldRebalance(_)));
    }
    let per_block = |s: f64| s * 1e3 / f64::from(blocks);
    println!("sandbox keeper loop over {blocks} blocks ({dry_runs} with a rebalance due and dry-run):");
    println!(
        "keeper pass:        {:>8.2} ms/block; market block (baseline) {:.2} ms; keeper / market = {:.2}x",
        per_block(keeper_s),
        per_block(market_s),
        keeper_s / market_s
    );
}
