//! `keel-sim`: a seeded market around Keel (`simulate`, the demo) and Keel against
//! constant-product pools over a suite of such markets (`bench`).

use anyhow::{bail, Context};
use clap::{Args, Parser, Subcommand, ValueEnum};
use keel_keeper::config::Config;
use keel_keeper::executor::Settings;
use keel_keeper::metrics::{self, Metrics};
use keel_sim::bench::suite::Suite;
use keel_sim::bench::{chart, report, strategy, sweep, targets};
use keel_sim::driver::Engine;
use keel_sim::driver::Simulation;
use keel_sim::fast::FastBackend;
use keel_sim::scenario::Scenario;
use keel_sim::simulate::{simulate, Outcome};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "keel-sim",
    version,
    about = "Keel in a simulated market: the demo, and the benchmark against constant-product pools"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a seeded market with Keel, its venue, its oracle and its keeper; write a CSV and a chart.
    Simulate(SimulateArgs),
    /// Keel against constant-product pools: LP loss to arbitrage, returns vs HODL, fees, time in band.
    Bench(BenchArgs),
}

/// Which chain the simulated market runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum BackendKind {
    /// The compiled contracts in drink's pallet-contracts runtime (build with `--features drink`).
    Drink,
    /// The pool's state machine in memory: the same blocks, hundreds of times faster.
    Fast,
}

impl BackendKind {
    fn describe(self) -> &'static str {
        match self {
            BackendKind::Drink => "the compiled contracts (drink)",
            BackendKind::Fast => "the in-memory state machine",
        }
    }
}

#[derive(Args)]
struct SimulateArgs {
    /// A scenario TOML; flags below override its fields.
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// Keeper settings: the `[keeper]` table of a keeper.toml (default: built-in defaults).
    #[arg(long)]
    config: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = BackendKind::Drink)]
    backend: BackendKind,
    /// Blocks to simulate.
    #[arg(long)]
    blocks: Option<u32>,
    /// Seed of the price path and the traders: the same seed gives the same run.
    #[arg(long)]
    seed: Option<u64>,
    /// Annualised volatility of the reference price (0.8 = 80%/yr).
    #[arg(long)]
    sigma: Option<f64>,
    /// Annualised drift of the reference price.
    #[arg(long)]
    drift: Option<f64>,
    /// Oracle lag in blocks.
    #[arg(long)]
    oracle_lag: Option<u32>,
    /// Run without the keeper (to see the drift it prevents).
    #[arg(long)]
    no_keeper: bool,
    /// Serve the keeper's Prometheus metrics here while the market runs (loopback only).
    #[arg(long)]
    metrics: Option<std::net::SocketAddr>,
    /// Directory for the CSV and PNG.
    #[arg(long, default_value = "target/sim")]
    out: PathBuf,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
}

#[derive(Args)]
struct BenchArgs {
    /// The suite: market, duration, seeds, strategies and cases.
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
    /// Paths of the first case on which the fast engine is timed against the exact one it
    /// replaced (0: not timed).
    #[arg(long, default_value_t = 2)]
    speed_paths: u32,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Simulate(args) => run_simulation(&args),
        Command::Bench(args) => bench(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run_simulation(args: &SimulateArgs) -> anyhow::Result<()> {
    let mut scenario = match &args.scenario {
        Some(path) => Scenario::load(path)?,
        None => Scenario::default(),
    };
    scenario.blocks = args.blocks.unwrap_or(scenario.blocks);
    scenario.seed = args.seed.unwrap_or(scenario.seed);
    scenario.sigma = args.sigma.unwrap_or(scenario.sigma);
    scenario.drift = args.drift.unwrap_or(scenario.drift);
    scenario.oracle_lag_blocks = args.oracle_lag.unwrap_or(scenario.oracle_lag_blocks);
    scenario.keeper &= !args.no_keeper;
    let config = match &args.config {
        Some(path) => Config::load(path).with_context(|| format!("reading {}", path.display()))?,
        None => Config::default(),
    };
    let metrics = match args.metrics {
        Some(addr) => {
            let m = Arc::new(Metrics::new(
                config.keeper.base_decimals,
                config.keeper.quote_decimals,
            ));
            let bound = metrics::serve(m.clone(), addr).context("serving metrics")?;
            eprintln!("keeper metrics on http://{bound}/metrics");
            Some(m)
        }
        None => None,
    };
    eprintln!(
        "simulating `{}` on {}: {} blocks of {} ms, sigma {:.0}%/yr, oracle lag {} block(s), seed {}, keeper {}",
        scenario.name,
        args.backend.describe(),
        scenario.blocks,
        scenario.block_ms,
        scenario.sigma * 100.0,
        scenario.oracle_lag_blocks,
        scenario.seed,
        if scenario.keeper { "on" } else { "off" }
    );
    let settings = config.settings(false);
    let outcome = run_on(args, &scenario, settings, metrics.as_deref())?;
    println!("{}", outcome.summary.table());
    println!(
        "\n{} blocks in {:.1} s ({:.1} blocks/s)",
        outcome.summary.blocks,
        outcome.wall_seconds,
        outcome.summary.blocks as f64 / outcome.wall_seconds
    );
    println!("csv:   {}", outcome.csv.display());
    if let Some(chart) = outcome.chart {
        println!("chart: {}", chart.display());
    }
    Ok(())
}

fn run_on(
    args: &SimulateArgs,
    scenario: &Scenario,
    settings: Settings,
    metrics: Option<&Metrics>,
) -> anyhow::Result<Outcome> {
    let progress = !args.quiet;
    match args.backend {
        BackendKind::Fast => {
            let backend = FastBackend::new(scenario, scenario.pool_config(), settings)?;
            Ok(simulate(Simulation::on(backend, scenario), &args.out, progress, metrics)?)
        }
        #[cfg(feature = "drink")]
        BackendKind::Drink => {
            if progress {
                eprintln!("deploying the contracts into drink");
            }
            let sim = Simulation::on_contracts(scenario, scenario.pool_config(), settings)?;
            Ok(simulate(sim, &args.out, progress, metrics)?)
        }
        #[cfg(not(feature = "drink"))]
        BackendKind::Drink => bail!(
            "this keel-sim was built without the drink backend: rebuild with `--features drink`, or pass `--backend fast`"
        ),
    }
}

fn bench(args: &BenchArgs) -> anyhow::Result<()> {
    let mut suite = Suite::load(&args.suite)?;
    suite.seeds = args.seeds.unwrap_or(suite.seeds);
    suite.days = args.days.unwrap_or(suite.days);
    let cases = suite.cases()?;
    let Some(first) = cases.first() else {
        bail!("the suite has no cases");
    };
    eprintln!(
        "{} cases x {} seeds x {} strategies, {} days ({} blocks of {} ms) each, on {} threads",
        cases.len(),
        suite.seeds,
        suite.strategies.len(),
        suite.days,
        first.scenario.blocks,
        suite.market.block_ms,
        rayon::current_num_threads()
    );
    let settings = Config::default().settings(false);
    let started = std::time::Instant::now();
    let results = sweep::run(&cases, suite.seeds, &suite.strategies, settings, !args.quiet)?;
    let mut speed = report::Speed {
        seconds: started.elapsed().as_secs_f64(),
        ..report::Speed::default()
    };
    if args.speed_paths > 0 {
        eprintln!(
            "timing the fast engine against the exact one on {} paths of `{}`",
            args.speed_paths, first.name
        );
        let rate = |sizing| -> anyhow::Result<f64> {
            let (mut blocks, mut seconds) = (0u64, 0.0f64);
            for n in 0..u64::from(args.speed_paths) {
                let scenario = Scenario {
                    seed: first.scenario.seed.wrapping_add(n),
                    ..first.scenario.clone()
                };
                let m = strategy::run_keel(&scenario, scenario.pool_config(), settings, sizing, &|_| {})?;
                blocks = blocks.saturating_add(m.blocks);
                seconds += m.seconds;
            }
            Ok(blocks as f64 / seconds.max(1e-9))
        };
        speed.keel_fast = Some(rate(Engine::Fast)?);
        speed.keel_exact = Some(rate(Engine::Exact)?);
    }
    let verdicts = targets::verdicts(&results);
    let text = report::render(&results, &verdicts, &suite, speed);
    println!("{text}");
    std::fs::create_dir_all(&args.out).with_context(|| args.out.display().to_string())?;
    let md = args.out.join("report.md");
    std::fs::write(&md, &text).with_context(|| md.display().to_string())?;
    println!("report: {}", md.display());
    let charts: [(&str, ChartFn); 2] = [
        ("lp-parts.png", chart::parts),
        ("keel-minus-cp.png", chart::paired),
    ];
    for (file, draw) in charts {
        let png = args.out.join(file);
        match draw(&png, &results) {
            Ok(()) => println!("chart:  {}", png.display()),
            Err(e) => eprintln!("chart {file} skipped: {e}"),
        }
    }
    Ok(())
}

/// Draws one of the benchmark's charts.
type ChartFn = fn(&std::path::Path, &[sweep::CaseResult]) -> Result<(), keel_sim::SimError>;
