//! Keeper decision throughput: pool evaluations per second of the pure decision core over many
//! pools in different states (in band, due, cooling down, stale, unprofitable), next to the cost
//! of the curve's own inventory computation measured in the same process as the baseline.
//!
//! Run: `cargo run -p keel-keeper --example throughput [pools]` (the dev profile builds
//! `keel-curve` at opt-level 2; see the workspace Cargo.toml).

use ink::primitives::AccountId;
use keel_curve::math::Rounding;
use keel_curve::{PoolState, Regime, ONE};
use keel_keeper::backoff::Health;
use keel_keeper::decide::{decide, Decision, Policy, PoolView};
use keel_pool::{MarketStatus, PoolConfig, RebalanceStatus};
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
            fee: ONE / 1_000,
            stale: i % 17 == 0,
        },
        config: PoolConfig {
            venue: Some(AccountId::from([9; 32])),
            ..PoolConfig::default()
        },
        rebalancing: RebalanceStatus {
            epoch: i,
            last_ms: if i % 5 == 0 { NOW - 1_000 } else { 0 },
            bounty_budget: if i % 7 == 0 { 0 } else { 1_000 * ONE },
        },
        paused: i % 31 == 0,
        total_shares: ONE,
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
}
