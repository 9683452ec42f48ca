//! The fast engine's shortcuts change nothing a run records: skipping the keeper's idle passes
//! and remembering the curve's last re-derivation give the same blocks as doing every pass and
//! every re-derivation; and Keel's LP P&L taken apart adds up, with bounties as the only part
//! paid outside trades.

use keel_keeper::config::Config;
use keel_sim::driver::Simulation;
use keel_sim::fast::FastBackend;
use keel_sim::record::Row;
use keel_sim::scenario::{Scenario, Stamp};

/// The demo's one-sided market with informed flow and a deviation oracle: the keeper rebalances.
fn scenario() -> Scenario {
    Scenario {
        blocks: 600,
        oracle_deviation_bps: 20.0,
        oracle_heartbeat_s: 30.0,
        informed_rate: 0.1,
        informed_size: 0.002,
        informed_threshold_bps: 5.0,
        ..Scenario::default()
    }
}

fn run(skip_idle_keeper: bool, remember: bool) -> (Vec<Row>, Simulation<FastBackend>) {
    let s = scenario();
    let mut backend =
        FastBackend::new(&s, s.pool_config(), Config::default().settings(false)).expect("backend");
    backend.skip_idle_keeper = skip_idle_keeper;
    keel_core::memo::remembering(remember);
    let mut sim = Simulation::on(backend, &s);
    let rows = (0..s.blocks).map(|_| sim.step(None).expect("block")).collect();
    keel_core::memo::remembering(true);
    (rows, sim)
}

#[test]
fn skipping_idle_keeper_passes_and_remembering_re_derivations_change_no_block() {
    let (exact, slow) = run(false, false);
    let (fast, quick) = run(true, true);
    assert!(slow.totals.rebalances >= 3, "the path never exercised the keeper");
    assert_eq!(exact, fast);
    assert_eq!(slow.totals, quick.totals);
    assert_eq!(slow.books, quick.books);
}

#[test]
fn keels_books_add_up_and_only_bounties_are_paid_outside_trades() {
    let (rows, sim) = run(true, true);
    let last = rows.last().expect("a block");
    let parts = sim.books.finish(last.pool_value);
    let known =
        parts.fees + parts.noise_impact - parts.adverse_selection - parts.rebalancing + parts.inventory;
    assert!((known + parts.other - parts.total).abs() < 1e-6, "{parts:?}");
    assert!(sim.totals.bounties > 0.0, "no bounty was paid");
    assert!(
        (parts.other + sim.totals.bounties).abs() < 1e-6 * sim.totals.bounties.max(1.0),
        "outside trades the pool paid {} but bounties were {}",
        -parts.other,
        sim.totals.bounties
    );
    assert!(parts.rebalancing > 0.0, "selling on the venue costs: {parts:?}");
}

#[test]
fn readings_stamped_when_observed_carry_their_lag_into_the_pools_age_and_fee() {
    let stamped = |stamp| {
        let s = Scenario {
            blocks: 40,
            oracle_lag_blocks: 3,
            oracle_stamp: stamp,
            ..Scenario::default()
        };
        let backend =
            FastBackend::new(&s, s.pool_config(), Config::default().settings(false)).expect("backend");
        let mut sim = Simulation::on(backend, &s);
        let rows: Vec<Row> = (0..s.blocks).map(|_| sim.step(None).expect("block")).collect();
        let view = keel_sim::backend::Backend::read_pool(&mut sim.backend).expect("view");
        (view.market.age_ms, rows.last().expect("a block").fee_bps)
    };
    let (arrival_age, arrival_fee) = stamped(Stamp::Arrival);
    let (observed_age, observed_fee) = stamped(Stamp::Observed);
    assert_eq!(arrival_age, 0);
    assert_eq!(observed_age, 18_000, "three 6 s blocks behind");
    assert!(
        observed_fee > arrival_fee,
        "the fee prices the age: {observed_fee} vs {arrival_fee}"
    );
}

#[test]
fn recording_the_exposure_changes_no_block_and_keel_trades_more_per_move_than_constant_product() {
    // given the same run with and without the exposure recorded
    let (plain, _) = run(true, true);
    let s = scenario();
    let backend = FastBackend::new(&s, s.pool_config(), Config::default().settings(false)).expect("backend");
    let mut sim = Simulation::on(backend, &s);
    sim.record_exposure = true;
    let recorded: Vec<Row> = (0..s.blocks).map(|_| sim.step(None).expect("block")).collect();
    // then the blocks are the same but for it
    let without: Vec<Row> = recorded.iter().map(|r| Row { exposure: None, ..*r }).collect();
    assert_eq!(plain, without);
    assert!(plain.iter().all(|r| r.exposure.is_none()));
    // and with k below 1 Keel's curve is flatter at the oracle than constant product's holding
    // the same base at the same fee, so a 1% move trades more of it either way
    for r in &recorded {
        let e = r.exposure.expect("recorded");
        let (up, down) = (e.keel.gamma_up as f64 / 1e18, e.keel.gamma_down as f64 / 1e18);
        assert!(
            up < e.cp_gamma_up && down > e.cp_gamma_down,
            "block {}: {e:?}",
            r.block
        );
    }
}
