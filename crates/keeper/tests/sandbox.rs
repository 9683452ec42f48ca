//! The keeper against the compiled contracts in drink: it rebalances a due pool exactly once,
//! never signs in dry-run mode, and keeps a drifting simulated market inside its band.

use keel_keeper::chain::Chain as _;
use keel_keeper::executor::{tick, Action, Settings, Watched};
use keel_keeper::sandbox::SandboxChain;
use keel_keeper::sim::scenario::Scenario;
use keel_keeper::{config::Config, sim};
use keel_pool::PoolConfig;
use keel_sandbox::pool::{self, Swap};
use keel_sandbox::{Market, Setup, BOB, KEEPER, UNIT};

fn settings() -> Settings {
    Config::default().settings(false)
}

/// A pool Bob has left long base past its trigger, next to a deep venue.
fn due_market() -> Market {
    let mut m = Market::new(Setup {
        venue_base_liquidity: 10_000_000 * UNIT,
        venue_quote_liquidity: 100_000_000 * UNIT,
        ..Setup::default()
    });
    pool::swap_exact_in(&mut m.chain, BOB, m.pool, Swap::exact_in(m.base, 12_000 * UNIT)).expect("sell base");
    m
}

#[test]
fn the_keeper_rebalances_a_due_pool_once_and_earns_the_bounty() {
    let mut m = due_market();
    let mut watched = Watched::new("pool", m.pool);
    let keeper_quote = m.balance(m.quote, KEEPER);

    let report = tick(
        &mut SandboxChain::new(&mut m.chain, KEEPER),
        &mut watched,
        &settings(),
        None,
    );
    let Action::Landed { outcome, .. } = report.action else {
        panic!("expected a landed rebalance, got {:?}", report.action);
    };
    assert_eq!(outcome.epoch, 1);
    assert_eq!(m.balance(m.quote, KEEPER) - keeper_quote, outcome.bounty);
    let trigger = PoolConfig::default().rebalance.trigger as i128;
    assert!(outcome.q_after.abs() < trigger);

    // The next pass, same block: in band, nothing sent.
    let again = tick(
        &mut SandboxChain::new(&mut m.chain, KEEPER),
        &mut watched,
        &settings(),
        None,
    );
    assert_eq!(again.action, Action::None);
    assert_eq!(again.submissions, 0);
    assert_eq!(pool::rebalance_status(&mut m.chain, m.pool).epoch, 1);
}

#[test]
fn submissions_return_the_pools_rebalanced_event() {
    let mut m = due_market();
    let pool_address = m.pool;
    let mut chain = SandboxChain::new(&mut m.chain, KEEPER);
    let tx = chain.submit_rebalance(pool_address, 0).expect("submitted");
    let included = chain.wait_included(&tx).expect("included");
    let outcome = included.result.expect("rebalanced");
    assert_eq!(included.events, vec![outcome]);
}

#[test]
fn dry_run_mode_reports_the_rebalance_and_changes_nothing() {
    let mut m = due_market();
    let before = m.snapshot();
    let dry = Settings {
        dry_run: true,
        ..settings()
    };
    let report = tick(
        &mut SandboxChain::new(&mut m.chain, KEEPER),
        &mut Watched::new("pool", m.pool),
        &dry,
        None,
    );
    assert!(matches!(report.action, Action::WouldRebalance(ref o) if o.epoch == 1));
    assert_eq!(report.submissions, 0);
    assert_eq!(m.snapshot(), before);
    assert_eq!(pool::rebalance_status(&mut m.chain, m.pool).epoch, 0);
}

#[test]
fn the_keeper_holds_a_drifting_market_inside_its_band() {
    // Every block a noise trader sells base and no arbitrageur buys it back: without a keeper
    // the pool fills up with base until its price band refuses the flow.
    let drifting = Scenario {
        name: "drift-test".into(),
        blocks: 80,
        arbitrage_rate: 0.0,
        noise_rate: 1.0,
        noise_sell_bias: 1.0,
        noise_size: 0.004,
        ..Scenario::default()
    };
    let out = std::env::temp_dir().join(format!("keel-sim-test-{}", std::process::id()));
    let with = sim::simulate(&drifting, PoolConfig::default(), settings(), &out, false, None).expect("sim");
    let without_scenario = Scenario {
        keeper: false,
        name: "drift-test-no-keeper".into(),
        ..drifting.clone()
    };
    let without = sim::simulate(
        &without_scenario,
        PoolConfig::default(),
        settings(),
        &out,
        false,
        None,
    )
    .expect("sim");

    let trigger = PoolConfig::default().rebalance.trigger as f64 / 1e18;
    assert!(with.summary.rebalances >= 1, "{:?}", with.summary);
    assert_eq!(without.summary.rebalances, 0);
    assert!(with.summary.max_abs_q < without.summary.max_abs_q);
    assert!(with.summary.time_in_band > without.summary.time_in_band);
    assert!(without.summary.max_abs_q > trigger);

    let csv = std::fs::read_to_string(&with.csv).expect("csv written");
    assert_eq!(csv.lines().count(), drifting.blocks as usize + 1);
    assert!(csv.starts_with("block,reference,"));
    if let Some(png) = &with.chart {
        let bytes = std::fs::read(png).expect("png written");
        assert_eq!(&bytes[1..4], b"PNG");
    }
    let _ = std::fs::remove_dir_all(out);
}
