//! The fast simulator is the contracts: one scenario run on the compiled Wasm in drink and on the
//! pool's state machine in memory gives identical blocks (reserves, inventory, prices, fees,
//! rebalances) and identical pool state, block by block.

use keel_interface::pool::PoolConfig;
use keel_keeper::config::Config;
use keel_sim::backend::Backend;
use keel_sim::driver::Simulation;
use keel_sim::fast::FastBackend;
use keel_sim::record::Totals;
use keel_sim::scenario::{Scenario, Stamp};

fn cross_check(scenario: &Scenario, config: &PoolConfig) -> Totals {
    let settings = Config::default().settings(false);
    let mut chain = Simulation::on_contracts(scenario, *config, settings).expect("contracts deploy");
    let mut fast = Simulation::on(
        FastBackend::new(scenario, *config, settings).expect("state machine"),
        scenario,
    );
    for block in 1..=scenario.blocks {
        let on_chain = chain.step(None).expect("contracts step");
        let in_memory = fast.step(None).expect("mirror step");
        assert_eq!(on_chain, in_memory, "{}: block {block} differs", scenario.name);
        let mut chain_view = chain.backend.read_pool().expect("read contracts");
        let fast_view = fast.backend.read_pool().expect("read mirror");
        // The venue's address is the only thing the in-memory chain cannot know.
        chain_view.config.venue = fast_view.config.venue;
        assert_eq!(
            chain_view, fast_view,
            "{}: pool state after block {block}",
            scenario.name
        );
        assert_eq!(
            chain.backend.venue_reserves(),
            fast.backend.venue_reserves(),
            "{}: venue after block {block}",
            scenario.name
        );
    }
    assert_eq!(chain.totals, fast.totals, "{}: totals", scenario.name);
    fast.totals
}

#[test]
fn rebalancing_under_one_sided_flow_matches_the_contracts() {
    // Selling flow and no arbitrage: the keeper must rebalance through the venue.
    let scenario = Scenario {
        name: "one-sided".into(),
        blocks: 90,
        arbitrage_rate: 0.0,
        noise_rate: 1.0,
        noise_sell_bias: 1.0,
        noise_size: 0.004,
        ..Scenario::default()
    };
    let totals = cross_check(&scenario, &scenario.pool_config());
    assert!(totals.rebalances >= 1, "the path never exercised a rebalance");
}

#[test]
fn competitive_arbitrage_and_routed_flow_on_a_lagging_oracle_match_the_contracts() {
    let scenario = Scenario {
        name: "arbitraged".into(),
        blocks: 120,
        sigma: 1.2,
        oracle_lag_blocks: 1,
        arbitrage_rate: 1.0,
        noise_rate: 0.5,
        noise_sell_bias: 0.5,
        noise_size: 0.002,
        noise_routed: true,
        ..Scenario::default()
    };
    let totals = cross_check(&scenario, &scenario.pool_config());
    assert!(
        totals.pool_arbitrage > 0.0,
        "the path never exercised an arbitrage"
    );
}

#[test]
fn a_pool_without_volatility_input_under_price_jumps_matches_the_contracts() {
    // Jumps of 15% and more, reported by every reporter, become the price at once: the oracle
    // clamps the volatility they bring and never refuses the price that came with it.
    let scenario = Scenario {
        name: "fixed-k".into(),
        blocks: 80,
        seed: 11,
        arbitrage_rate: 0.5,
        jumps_per_day: 1_000.0,
        jump_sigma: 0.15,
        ..Scenario::default()
    };
    let mut config = scenario.pool_config();
    config.curve.gamma = 0;
    config.curve.fee_vol = 0;
    let totals = cross_check(&scenario, &config);
    assert!(
        totals.pool_arbitrage > 0.0,
        "the path never exercised an arbitrage"
    );
    assert_eq!(totals.oracle_refusals, 0, "a reading was refused");
}

#[test]
fn real_feeds_toxic_flow_and_whales_match_the_contracts() {
    // Noisy reporters submitting on a 0.2% deviation or a 30 s heartbeat, stamping the time they
    // observed the price, one of them 20% off, a reading that lands after the arbitrageur, an
    // outage, informed flow and whales.
    let scenario = Scenario {
        name: "real feeds".into(),
        blocks: 150,
        sigma: 1.2,
        oracle_lag_blocks: 2,
        oracle_noise_bps: 5.0,
        oracle_deviation_bps: 20.0,
        oracle_heartbeat_s: 30.0,
        oracle_after_arb: true,
        oracle_stamp: Stamp::Observed,
        oracle_outages_per_day: 500.0,
        oracle_outage_min: 1.0,
        oracle_liar_bps: 2_000.0,
        reporter_vol_start: Some(0.3),
        arbitrage_rate: 0.5,
        informed_rate: 0.3,
        informed_size: 0.002,
        informed_threshold_bps: 5.0,
        whales_per_day: 800.0,
        whale_size: 0.01,
        noise_routed: true,
        noise_sell_bias: 0.5,
        ..Scenario::default()
    };
    let totals = cross_check(&scenario, &scenario.pool_config());
    assert!(
        totals.pool_arbitrage > 0.0,
        "the path never exercised an arbitrage"
    );
    assert!(totals.noise_trades > 0, "the path never filled a noise trade");
}

#[test]
fn discovery_between_readings_on_lagging_stamped_feeds_with_jumps_matches_the_contracts() {
    // The pool's reference moves with its flow since each reading's observation time; readings
    // three blocks behind, stamped when observed, prices that jump, routed noise and whales.
    let scenario = Scenario {
        name: "discovery".into(),
        blocks: 150,
        sigma: 1.2,
        oracle_lag_blocks: 3,
        oracle_stamp: Stamp::Observed,
        jumps_per_day: 500.0,
        jump_sigma: 0.01,
        arbitrage_rate: 1.0,
        whales_per_day: 800.0,
        whale_size: 0.005,
        noise_routed: true,
        discovery: true,
        ..Scenario::default()
    };
    let totals = cross_check(&scenario, &scenario.pool_config());
    assert!(
        totals.pool_arbitrage > 0.0,
        "the path never exercised an arbitrage"
    );
    assert!(totals.noise_trades > 0, "the path never filled a noise trade");
}
