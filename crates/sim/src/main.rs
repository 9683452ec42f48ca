//! `keel-bench`: Keel against constant-product pools over a suite of seeded markets.

use clap::Parser;
use keel_keeper::config::Config;
use keel_sim::report::{self, Verdict};
use keel_sim::suite::Suite;
use keel_sim::tally::PathMetrics;
use keel_sim::{chart, sweep};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "keel-bench",
    version,
    about = "Keel against constant-product pools: LP loss to arbitrage, returns vs HODL, fees, time in band"
)]
struct Cli {
    /// The suite: market, duration, seeds, volatilities and lags.
    #[arg(long, default_value = "scenarios/bench.toml")]
    suite: PathBuf,
    /// Override the suite's number of seeds per case.
    #[arg(long)]
    seeds: Option<u32>,
    /// Override the suite's path length in days.
    #[arg(long)]
    days: Option<f64>,
    /// Directory for the report and charts.
    #[arg(long, default_value = "target/bench")]
    out: PathBuf,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
}

fn main() -> ExitCode {
    match bench(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn bench(cli: Cli) -> Result<(), String> {
    let mut suite = Suite::load(&cli.suite)?;
    suite.seeds = cli.seeds.unwrap_or(suite.seeds);
    suite.days = cli.days.unwrap_or(suite.days);
    let cases = suite.cases()?;
    let blocks = cases.first().map_or(0, |c| c.scenario.blocks);
    eprintln!(
        "{} cases x {} seeds x {} strategies, {} days ({} blocks of {} ms) each, on {} threads",
        cases.len(),
        suite.seeds,
        keel_sim::strategy::ALL.len(),
        suite.days,
        blocks,
        suite.market.block_ms,
        rayon::current_num_threads()
    );
    let started = std::time::Instant::now();
    let results = sweep::run(&cases, suite.seeds, Config::default().settings(false), !cli.quiet)?;
    let seconds = started.elapsed().as_secs_f64();
    let verdicts = report::verdicts(&results);
    let text = render(&results, &verdicts, &suite, seconds);
    println!("{text}");
    std::fs::create_dir_all(&cli.out).map_err(|e| format!("{}: {e}", cli.out.display()))?;
    let md = cli.out.join("report.md");
    std::fs::write(&md, &text).map_err(|e| format!("{}: {e}", md.display()))?;
    println!("report: {}", md.display());
    let charts: [(&str, &str, Metric); 2] = [
        (
            "lp-vs-hodl.png",
            "LP value vs HODL at the end (bps), across seeds",
            |m| m.vs_hodl_bps,
        ),
        (
            "arb-loss.png",
            "LP loss to arbitrage, net of fees (bps/day), across seeds",
            |m| m.arb_loss_bps_day,
        ),
    ];
    for (file, title, metric) in charts {
        let png = cli.out.join(file);
        match chart::draw(&png, &results, title, metric) {
            Ok(()) => println!("chart:  {}", png.display()),
            Err(e) => eprintln!("chart {file} skipped: {e}"),
        }
    }
    Ok(())
}

/// One number of a path's results.
type Metric = fn(&PathMetrics) -> f64;

fn render(results: &[sweep::CaseResult], verdicts: &[Verdict], suite: &Suite, seconds: f64) -> String {
    let paths = results.iter().map(|c| c.paths.len()).sum::<usize>();
    let blocks: u64 = results
        .iter()
        .map(|c| u64::from(c.case.scenario.blocks) * c.paths.len() as u64)
        .sum::<u64>()
        * keel_sim::strategy::ALL.len() as u64;
    let passed = verdicts.iter().filter(|v| v.pass).count();
    format!(
        "## Targets ({passed} of {} PASS)\n\n{}\n\n## LP value vs HODL at the end, bps (median)\n\n{}\n\n\
         ## LP loss to arbitrage net of fees, bps/day (median)\n\n{}\n\n## Every metric: median [p10, p90]\n\n{}\n\n\
         {paths} paths of {} days, {blocks} pool-blocks in {seconds:.0} s ({:.0} pool-blocks/s)\n",
        verdicts.len(),
        report::verdict_table(verdicts),
        report::compact_table(results, |m| m.vs_hodl_bps, 1),
        report::compact_table(results, |m| m.arb_loss_bps_day, 3),
        report::full_table(results),
        suite.days,
        blocks as f64 / seconds.max(1e-9),
    )
}
