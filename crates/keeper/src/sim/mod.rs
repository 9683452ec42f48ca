//! `keel-keeper simulate`: the whole system in one process, no node needed.
//!
//! Deploys tokens, oracle, venue and pool into a drink chain, then runs a seeded market for N
//! blocks with the keeper acting every block; ends with a summary, a CSV and a PNG chart. The
//! market and its driver are generic over a [`backend::Backend`], which `keel-sim` implements in
//! memory for fast benchmarks.

pub mod arbitrage;
pub mod backend;
pub mod chart;
pub mod contracts;
pub mod market;
pub mod record;
pub mod run;
pub mod scenario;

use crate::executor::Settings;
use crate::metrics::Metrics;
use indicatif::{ProgressBar, ProgressStyle};
use keel_pool::PoolConfig;
use record::{Row, Summary};
use run::Simulation;
use scenario::Scenario;
use std::path::{Path, PathBuf};

/// Where a run's files went and what it found.
pub struct Outcome {
    pub summary: Summary,
    pub rows: Vec<Row>,
    pub csv: PathBuf,
    pub chart: Option<PathBuf>,
    pub wall_seconds: f64,
}

/// Runs `scenario` to the end, writing `<out>/<name>.csv` and `<out>/<name>.png`.
///
/// # Errors
/// An invalid scenario, a chain failure, or an unwritable output directory. A chart that cannot
/// be drawn (no font) is reported on stderr and skipped; the CSV is always written.
pub fn simulate(
    scenario: &Scenario,
    config: PoolConfig,
    settings: Settings,
    out: &Path,
    progress: bool,
    metrics: Option<&Metrics>,
) -> Result<Outcome, String> {
    let started = std::time::Instant::now();
    let bar = if progress {
        ProgressBar::new(u64::from(scenario.blocks))
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} deploying contracts into drink {elapsed}")
            .map_err(|e| e.to_string())?,
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    let mut sim = Simulation::new(scenario, config, settings)?;
    bar.set_style(
        ProgressStyle::with_template("{bar:40.cyan/blue} {pos}/{len} blocks  {per_sec}  eta {eta}  {msg}")
            .map_err(|e| e.to_string())?,
    );
    let mut rows = Vec::with_capacity(scenario.blocks as usize);
    for _ in 0..scenario.blocks {
        let row = sim.step(metrics).map_err(|e| e.to_string())?;
        bar.set_message(format!("q {:+.3}  rebalances {}", row.q, sim.totals.rebalances));
        bar.inc(1);
        rows.push(row);
    }
    bar.finish_and_clear();
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let csv = out.join(format!("{}.csv", scenario.name));
    record::write_csv(&csv, &rows).map_err(|e| format!("{}: {e}", csv.display()))?;
    let png = out.join(format!("{}.png", scenario.name));
    let chart = match chart::draw(&png, &rows) {
        Ok(()) => Some(png),
        Err(e) => {
            eprintln!("chart skipped: {e}");
            None
        }
    };
    Ok(Outcome {
        summary: Summary::of(&sim.totals, rows.last()),
        rows,
        csv,
        chart,
        wall_seconds: started.elapsed().as_secs_f64(),
    })
}
