//! `keel-keeper`: run the keeper, show pool status, or simulate a market with Keel in it.

use clap::{Args, Parser, Subcommand};
use keel_client::deploy::{self, Deployment};
use keel_client::keys::KeySource;
use keel_client::Node;
use keel_keeper::chain::Chain as _;
use keel_keeper::config::{Backend, Config};
use keel_keeper::decide::decide;
use keel_keeper::executor::{tick, Action, Report, Watched};
use keel_keeper::metrics::{self, Metrics};
use keel_keeper::node::NodeChain;
use keel_keeper::sandbox::SandboxChain;
use keel_keeper::sim::contracts::Contracts;
use keel_keeper::sim::run::Simulation;
use keel_keeper::sim::scenario::Scenario;
use keel_keeper::{sim, status};
use keel_pool::PoolConfig;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

#[derive(Parser)]
#[command(
    name = "keel-keeper",
    version,
    about = "Keeps Keel pools inside their inventory band"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Watch the configured pools and rebalance them when due.
    Run {
        #[arg(long, default_value = "keeper.toml")]
        config: PathBuf,
        /// Decide and dry-run every rebalance, never sign.
        #[arg(long)]
        dry_run: bool,
        /// Sandbox backend: blocks to run (default: the scenario's).
        #[arg(long)]
        blocks: Option<u32>,
        /// Node backend: passes over the pools before exiting (default: run until stopped).
        #[arg(long)]
        passes: Option<u64>,
    },
    /// A table per pool: reserves, q against its band, fee, k, oracle age, last rebalance, and
    /// whether one is due and why.
    Status {
        #[arg(long, default_value = "keeper.toml")]
        config: PathBuf,
        /// Sandbox backend: blocks of market (without the keeper) before the table.
        #[arg(long, default_value_t = 300)]
        blocks: u32,
    },
    /// Deploy Keel into an in-process chain and run a seeded market against it, keeper included.
    Simulate(SimulateArgs),
}

#[derive(Args)]
struct SimulateArgs {
    /// A scenario TOML; flags below override its fields.
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// Keeper settings (tx cost, retries); default: built-in defaults.
    #[arg(long)]
    config: Option<PathBuf>,
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
    /// Directory for the CSV and PNG.
    #[arg(long, default_value = "target/sim")]
    out: PathBuf,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let result = match Cli::parse().command {
        Command::Run {
            config,
            dry_run,
            blocks,
            passes,
        } => run(&config, dry_run, blocks, passes),
        Command::Status { config, blocks } => show_status(&config, blocks),
        Command::Simulate(args) => simulate(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn sandbox_scenario(config: &Config, blocks: Option<u32>) -> Result<Scenario, String> {
    let mut scenario = match &config.sandbox.scenario {
        Some(path) => Scenario::load(path)?,
        None => Scenario::default(),
    };
    if let Some(b) = blocks.or(config.sandbox.blocks) {
        scenario.blocks = b;
    }
    Ok(scenario)
}

fn log(report: &Report) {
    let decision = report.decision.map_or("unread", |d| d.label());
    match &report.action {
        Action::None => tracing::debug!(pool = %report.pool, decision, "no action"),
        Action::WouldRebalance(o) => {
            tracing::info!(pool = %report.pool, epoch = o.epoch, sold = o.sold, bounty = o.bounty, "dry run: would rebalance")
        }
        Action::Landed { outcome, block } => tracing::info!(
            pool = %report.pool, block, epoch = outcome.epoch, sold = outcome.sold, bought = outcome.bought,
            bounty = outcome.bounty, q_before = outcome.q_before, q_after = outcome.q_after, "rebalanced"
        ),
        Action::AlreadyDone { epoch } => {
            tracing::info!(pool = %report.pool, epoch, "epoch already rebalanced")
        }
        Action::Refused(e) => tracing::warn!(pool = %report.pool, error = ?e, "pool refused"),
        Action::Failed(e) => tracing::warn!(pool = %report.pool, error = %e, "chain failure"),
    }
}

fn run(path: &Path, dry_run: bool, blocks: Option<u32>, passes: Option<u64>) -> Result<(), String> {
    let config = Config::load(path)?;
    match config.chain.backend {
        Backend::Sandbox => run_sandbox(&config, dry_run, blocks),
        Backend::Node => run_node(&config, dry_run, passes),
    }
}

fn serve_metrics(config: &Config) -> Result<Arc<Metrics>, String> {
    let metrics = Arc::new(Metrics::new(config.keeper.quote_decimals));
    if let Some(addr) = config.keeper.metrics {
        let bound = metrics::serve(metrics.clone(), addr).map_err(|e| e.to_string())?;
        tracing::info!(%bound, "serving metrics");
    }
    Ok(metrics)
}

/// The node backend's chain and the pools it watches, from `[node]`.
fn node_chain(config: &Config) -> Result<(NodeChain, Vec<Watched>), String> {
    let n = &config.node;
    let source: KeySource = n.signer.parse()?;
    let signer = source.load()?;
    let mut pools = Vec::new();
    if let Some(path) = &n.deployment {
        let d = Deployment::load(path)?;
        pools.push(Watched::new(short(&d.contracts.pool), d.addresses()?.pool));
    }
    for p in &n.pools {
        pools.push(Watched::new(short(p), deploy::address(p)?));
    }
    if pools.is_empty() {
        return Err("no pools to watch: set node.deployment or node.pools".into());
    }
    let node = Node::connect(&n.url, Duration::from_millis(n.reconnect_ms)).map_err(|e| e.to_string())?;
    let chain = NodeChain::new(node, signer, n.options());
    tracing::info!(url = %n.url, signer = %source, account = %chain.account(), pools = pools.len(), "node backend");
    Ok((chain, pools))
}

fn short(address: &str) -> String {
    address.chars().take(8).collect()
}

fn run_node(config: &Config, dry_run: bool, passes: Option<u64>) -> Result<(), String> {
    let metrics = serve_metrics(config)?;
    let settings = config.settings(dry_run);
    let (mut chain, mut pools) = node_chain(config)?;
    tracing::info!(
        dry_run = settings.dry_run,
        poll_ms = config.node.poll_ms,
        "keeper running"
    );
    let mut done: u64 = 0;
    loop {
        for pool in &mut pools {
            log(&tick(&mut chain, pool, &settings, Some(&metrics)));
        }
        metrics.reconnected(chain.reconnects());
        done = done.saturating_add(1);
        if passes.is_some_and(|n| done >= n) {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(config.node.poll_ms));
    }
}

fn run_sandbox(config: &Config, dry_run: bool, blocks: Option<u32>) -> Result<(), String> {
    let config = config.clone();
    let scenario = sandbox_scenario(&config, blocks)?;
    let metrics = serve_metrics(&config)?;
    let settings = config.settings(dry_run);
    tracing::info!(scenario = %scenario.name, blocks = scenario.blocks, dry_run = settings.dry_run, "sandbox chain: deploying");
    let mut sim = Simulation::new(&scenario, PoolConfig::default(), settings)?;
    for _ in 0..scenario.blocks {
        sim.step(Some(&metrics)).map_err(|e| e.to_string())?;
        if let Some(r) = sim.backend.last_report.take() {
            log(&r);
        }
    }
    print_status(&mut sim, &settings)
}

fn print_status(
    sim: &mut Simulation<Contracts>,
    settings: &keel_keeper::executor::Settings,
) -> Result<(), String> {
    let market = &mut sim.backend.market;
    let pool = market.pool;
    let mut chain = SandboxChain::new(&mut market.chain, keel_sandbox::KEEPER);
    let head = chain.head().map_err(|e| e.to_string())?;
    let view = chain.read_pool(pool).map_err(|e| e.to_string())?;
    let decision = decide(&view, &settings.policy, &Default::default(), head.time_ms);
    println!(
        "{}",
        status::table(&[("BASE/QUOTE".into(), view, decision)], head.time_ms)
    );
    Ok(())
}

fn show_status(path: &Path, blocks: u32) -> Result<(), String> {
    let config = Config::load(path)?;
    if config.chain.backend == Backend::Node {
        let (mut chain, pools) = node_chain(&config)?;
        let settings = config.settings(true);
        let head = chain.head().map_err(|e| e.to_string())?;
        let mut rows = Vec::new();
        for pool in &pools {
            let view = chain
                .read_pool(pool.address)
                .map_err(|e| format!("{}: {e}", pool.name))?;
            let decision = decide(&view, &settings.policy, &Default::default(), head.time_ms);
            rows.push((pool.name.clone(), view, decision));
        }
        println!("{}", status::table(&rows, head.time_ms));
        return Ok(());
    }
    let mut scenario = sandbox_scenario(&config, Some(blocks))?;
    scenario.keeper = false;
    let settings = config.settings(true);
    let mut sim = Simulation::new(&scenario, PoolConfig::default(), settings)?;
    for _ in 0..scenario.blocks {
        sim.step(None).map_err(|e| e.to_string())?;
    }
    print_status(&mut sim, &settings)
}

fn simulate(args: SimulateArgs) -> Result<(), String> {
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
        Some(path) => Config::load(path)?,
        None => Config::default(),
    };
    eprintln!(
        "simulating `{}`: {} blocks of {} ms, sigma {:.0}%/yr, oracle lag {} block(s), seed {}, keeper {}",
        scenario.name,
        scenario.blocks,
        scenario.block_ms,
        scenario.sigma * 100.0,
        scenario.oracle_lag_blocks,
        scenario.seed,
        if scenario.keeper { "on" } else { "off" }
    );
    let outcome = sim::simulate(
        &scenario,
        PoolConfig::default(),
        config.settings(false),
        &args.out,
        !args.quiet,
        None,
    )?;
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
