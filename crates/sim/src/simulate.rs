//! The demo: one scenario run to the end on a backend, with a progress bar, a summary, a CSV of
//! every block and a PNG chart.

use crate::backend::Backend;
use crate::driver::Simulation;
use crate::record::{self, Row, Summary};
use crate::{chart, SimError};
use keel_keeper::metrics::Metrics;
use std::path::{Path, PathBuf};

/// Where a run's files went and what it found.
pub struct Outcome {
    pub summary: Summary,
    pub rows: Vec<Row>,
    pub csv: PathBuf,
    pub chart: Option<PathBuf>,
    /// Seconds the blocks took to run.
    pub wall_seconds: f64,
}

/// Runs `sim` to the end of its scenario, writing `<out>/<name>.csv` and `<out>/<name>.png`;
/// `metrics` sees the keeper's decisions as a live keeper's would.
///
/// # Errors
/// A chain failure, or an unwritable output directory. A chart that cannot be drawn (no font) is
/// reported on stderr and skipped; the CSV is always written.
pub fn simulate<B: Backend>(
    mut sim: Simulation<B>,
    out: &Path,
    progress: bool,
    metrics: Option<&Metrics>,
) -> Result<Outcome, SimError> {
    let started = std::time::Instant::now();
    let blocks = sim.scenario.blocks;
    let bar = crate::progress::bar(
        u64::from(blocks),
        "{bar:40.cyan/blue} {pos}/{len} blocks  {per_sec}  eta {eta}  {msg}",
        progress,
    );
    let mut rows = Vec::with_capacity(blocks as usize);
    sim.record_exposure = true;
    for _ in 0..blocks {
        let row = sim.step(metrics)?;
        bar.set_message(format!("q {:+.3}  rebalances {}", row.q, sim.totals.rebalances));
        bar.inc(1);
        rows.push(row);
    }
    bar.finish_and_clear();
    let wall_seconds = started.elapsed().as_secs_f64();
    std::fs::create_dir_all(out).map_err(SimError::write(out))?;
    let name = &sim.scenario.name;
    let csv = out.join(format!("{name}.csv"));
    record::write_csv(&csv, &rows).map_err(SimError::write(&csv))?;
    let png = out.join(format!("{name}.png"));
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
        wall_seconds,
    })
}
