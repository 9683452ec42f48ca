//! `keel-keeper`: watch Keel pools on a node and rebalance them when due, or show their status.

use anyhow::Context;
use clap::{Parser, Subcommand};
use keel_client::keys::KeySource;
use keel_client::outln;
use keel_client::record::{self, Deployment};
use keel_client::Node;
use keel_keeper::backoff::wall_ms;
use keel_keeper::backoff::Health;
use keel_keeper::chain::{Chain as _, ChainError, Snapshot};
use keel_keeper::config::Config;
use keel_keeper::decide::decide;
use keel_keeper::executor::{tick, Action, Report, Watched};
use keel_keeper::metrics::{self, Metrics};
use keel_keeper::node::process;
use keel_keeper::node::NodeChain;
use keel_keeper::status;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

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
    /// Watch the configured pools and rebalance them when due (SIGTERM or SIGINT end it after
    /// the pool in flight).
    Run {
        #[arg(long, default_value = "keeper.toml")]
        config: PathBuf,
        /// Decide and dry-run every rebalance, never sign.
        #[arg(long)]
        dry_run: bool,
        /// Passes over the pools before exiting (default: run until stopped).
        #[arg(long)]
        passes: Option<u64>,
    },
    /// A table per pool: reserves, q against its band, fee, k, oracle age, last rebalance, and
    /// whether one is due and why. Reads only: `node.signer`'s key is not read.
    Status {
        #[arg(long, default_value = "keeper.toml")]
        config: PathBuf,
    },
}

fn main() -> ExitCode {
    process::init_logging();
    let result = match Cli::parse().command {
        Command::Run {
            config,
            dry_run,
            passes,
        } => run(&config, dry_run, passes),
        Command::Status { config } => show_status(&config),
    };
    // The keeper's configuration errors are among the shared ones (`process`).
    process::exit(result, |_| false)
}

fn log(report: &Report) {
    let decision = report.decision.map_or("unread", |d| d.label());
    match &report.action {
        Action::None => tracing::debug!(pool = %report.pool, decision, "no action"),
        Action::WouldRebalance(o) => {
            tracing::info!(pool = %report.pool, epoch = o.epoch, sold = o.sold, bounty = o.bounty, "dry run: would rebalance");
        }
        Action::Landed { outcome, block } => tracing::info!(
            pool = %report.pool, block, epoch = outcome.epoch, sold = outcome.sold, bought = outcome.bought,
            bounty = outcome.bounty, q_before = outcome.q_before, q_after = outcome.q_after, "rebalanced"
        ),
        Action::AlreadyDone { epoch } => {
            tracing::info!(pool = %report.pool, epoch, "epoch already rebalanced");
        }
        Action::Refused(e) => tracing::warn!(pool = %report.pool, error = ?e, "pool refused"),
        Action::Failed(e) => tracing::warn!(pool = %report.pool, error = %e, "chain failure"),
    }
}

fn load(path: &Path) -> anyhow::Result<Config> {
    Config::load(path).with_context(|| format!("reading {}", path.display()))
}

fn serve_metrics(config: &Config) -> anyhow::Result<Arc<Metrics>> {
    let metrics = Arc::new(Metrics::new(
        config.keeper.base_decimals,
        config.keeper.quote_decimals,
    ));
    if let Some(addr) = config.keeper.metrics {
        let bound = metrics::serve(metrics.clone(), addr).context("serving metrics")?;
        tracing::info!(%bound, "serving metrics");
    }
    Ok(metrics)
}

/// The node backend's chain and the pools it watches, from `[node]`: signing with `[node]`'s key
/// when `signs`, else reading only, the key never read.
fn node_chain(config: &Config, signs: bool) -> anyhow::Result<(NodeChain, Vec<Watched>)> {
    let n = config.node()?;
    let quote_decimals = config.keeper.quote_decimals;
    let source: KeySource = n.signer.parse()?;
    let mut pools = Vec::new();
    let record = n.deployment.as_deref().map(Deployment::load).transpose()?;
    if let Some(d) = &record {
        pools.push(Watched::new(short(&d.contracts.pool), d.addresses()?.pool));
    }
    for p in &n.pools {
        pools.push(Watched::new(short(p), record::address(p)?));
    }
    if pools.is_empty() {
        return Err(keel_keeper::config::ConfigError::Invalid(
            "no pools to watch: set node.deployment or node.pools".into(),
        )
        .into());
    }
    // Read (an `env:` variable removed) before the connection starts threads of its own.
    let secret = signs.then(|| source.read()).transpose()?;
    let mut node = Node::connect(&n.url, Duration::from_millis(n.reconnect_ms))?;
    let trust = keel_keeper::node::trust(n, record.as_ref())?;
    let opts = n.options(quote_decimals);
    let Some(secret) = secret else {
        let mut chain = NodeChain::reader(node, opts, trust);
        chain.check_genesis()?;
        return Ok((chain, pools));
    };
    let chain_type = node.chain_type()?;
    let signer = secret.derive(&chain_type)?;
    let mut chain = NodeChain::new(node, signer, opts, trust).on_chain_type(&chain_type);
    chain.check_genesis()?;
    one_pair(&mut chain, &mut pools, config)?;
    if let Some(url) = &n.confirm_url {
        let second = Node::connect(url, Duration::from_millis(n.reconnect_ms))?;
        chain = chain.confirmed_by(second)?;
        tracing::info!(url = %keel_client::endpoint::shown(url), "every rebalance is confirmed by a second node before signing");
    }
    tracing::info!(url = %keel_client::endpoint::shown(&n.url), signer = %source, account = %chain.account(), pools = pools.len(), "node backend");
    Ok((chain, pools))
}

/// Refuses to sign for pools whose tokens are not the pair the keeper's amounts are in
/// (`keel_keeper::pair`). A pool whose code is not trusted, or that is absent from the synced
/// node, is halted here: its pair is not read, so it must not be signed for before a restart
/// reads it. A node that lags without the pool (syncing, or before the record's block) fails the
/// start with status 1, and systemd starts the keeper again until the node has it.
fn one_pair(chain: &mut NodeChain, pools: &mut [Watched], config: &Config) -> anyhow::Result<()> {
    let mut tokens = Vec::new();
    for pool in pools.iter_mut() {
        match chain.pool_tokens(pool.address, &pool.name) {
            Ok(t) => {
                if t.base.1.is_none() || t.quote.1.is_none() {
                    tracing::warn!(pool = %pool.name, "a token of this pool states no decimals: keeper.base_decimals and quote_decimals are taken on trust");
                }
                tokens.push(t);
            }
            Err(ChainError::Untrusted(why)) if !why.is_lag() => {
                tracing::error!(pool = %pool.name, reason = %why, "stopped signing for this pool until restart: check the pool, its venue and the node");
                pool.halted = Some(why);
            }
            Err(e) => return Err(e).with_context(|| format!("reading pool {}'s tokens", pool.name)),
        }
    }
    let k = &config.keeper;
    keel_keeper::pair::check(&tokens, k.base_decimals, k.quote_decimals)?;
    Ok(())
}

fn short(address: &str) -> String {
    address.chars().take(8).collect()
}

fn run(path: &Path, dry_run: bool, passes: Option<u64>) -> anyhow::Result<()> {
    let config = load(path)?;
    let node = config.node()?;
    let settings = config.settings(dry_run);
    // The key is read (and an `env:` variable removed) before any other thread exists.
    let (mut chain, mut pools) = node_chain(&config, true)?;
    let metrics = serve_metrics(&config)?;
    for pool in pools.iter().filter(|p| p.halted.is_some()) {
        metrics.halted(&pool.name);
    }
    metrics.set_patience(node.poll_ms.saturating_add(keel_keeper::health::PATIENCE_MS));
    tracing::info!(
        dry_run = settings.dry_run,
        poll_ms = node.poll_ms,
        longest_pass_ms = config.longest_pass_ms(),
        "keeper running (a stop waits for the pool in flight: up to longest_pass_ms)"
    );
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
        // A second signal while the first is being honoured ends the process at once.
        signal_hook::flag::register_conditional_shutdown(signal, 1, stop.clone())
            .context("installing the signal handler")?;
        signal_hook::flag::register(signal, stop.clone()).context("installing the signal handler")?;
    }
    let mut done: u64 = 0;
    loop {
        let mut ok = true;
        for pool in &mut pools {
            // A stop request ends the keeper before the next pool, never between a rebalance and
            // its confirmation: a service manager's patience covers one pool's longest pass, not
            // the whole list's.
            if stop.load(Ordering::Relaxed) {
                tracing::info!(passes = done, "stopping on signal");
                return Ok(());
            }
            let report = tick(&mut chain, pool, &settings, Some(&metrics));
            metrics.pool_done();
            ok &= report.healthy(pool);
            log(&report);
        }
        metrics.pass(ok, wall_ms(), chain.head().ok().map(|h| h.number));
        metrics.reconnected(chain.reconnects());
        done = done.saturating_add(1);
        if passes.is_some_and(|n| done >= n) {
            return Ok(());
        }
        // Until the next pass, or a stop request, which the next pass's first pool then meets.
        let until = Instant::now() + Duration::from_millis(node.poll_ms);
        while Instant::now() < until && !stop.load(Ordering::Relaxed) {
            std::thread::sleep(
                Duration::from_millis(100).min(until.saturating_duration_since(Instant::now())),
            );
        }
    }
}

fn show_status(path: &Path) -> anyhow::Result<()> {
    let config = load(path)?;
    let (mut chain, pools) = node_chain(&config, false)?;
    let settings = config.settings(true);
    let mut rows = Vec::new();
    let mut now_ms = 0;
    for pool in &pools {
        let Snapshot { head, view } = chain.read_pool(pool.address).with_context(|| pool.name.clone())?;
        let decision = decide(&view, &settings.policy, &Health::default(), head.time_ms);
        rows.push((pool.name.clone(), view, decision));
        now_ms = now_ms.max(head.time_ms);
    }
    let decimals = status::Decimals {
        base: config.keeper.base_decimals,
        quote: config.keeper.quote_decimals,
    };
    outln!("{}", status::table(&rows, now_ms, decimals));
    Ok(())
}
