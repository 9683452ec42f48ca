//! The demo's simulation on the compiled contracts: the keeper keeps a drifting market inside its
//! band, and a run writes its CSV and chart.

use keel_core::fixed::to_f64;
use keel_interface::pool::PoolConfig;
use keel_keeper::config::Config;
use keel_sim::driver::Simulation;
use keel_sim::scenario::Scenario;
use keel_sim::simulate::simulate;

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
    let settings = Config::default().settings(false);
    let run = |scenario: &Scenario| {
        let sim = Simulation::on_contracts(scenario, scenario.pool_config(), settings).expect("deploys");
        simulate(sim, &out, false, None).expect("runs")
    };
    let with = run(&drifting);
    let without_scenario = Scenario {
        keeper: false,
        name: "drift-test-no-keeper".into(),
        ..drifting.clone()
    };
    let without = run(&without_scenario);

    let trigger = to_f64(PoolConfig::default().rebalance.trigger);
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
