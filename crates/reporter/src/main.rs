//! `keel-reporter`: feed a Keel oracle from several price sources, or check the sources.

use anyhow::Context;
use clap::{Parser, Subcommand};
use keel_client::keys::KeySource;
use keel_client::outln;
use keel_client::Node;
use keel_keeper::backoff::wall_ms;
use keel_keeper::node::process;
use keel_reporter::chain::ChainError;
use keel_reporter::config::{Config, ConfigError};
use keel_reporter::metrics::{self, Metrics};
use keel_reporter::node::NodeOracle;
use keel_reporter::policy::{Decision, Hold};
use keel_reporter::price::format_price;
use keel_reporter::service::{Action, Reporter, Round};
use keel_reporter::volatility::Estimator;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(
    name = "keel-reporter",
    version,
    about = "Feeds a Keel oracle from several price sources"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Report until stopped (SIGTERM or SIGINT end it after the round in flight).
    Run {
        #[arg(long, default_value = "reporter.toml")]
        config: PathBuf,
        /// Decide and dry-run every submission, never sign.
        #[arg(long)]
        dry_run: bool,
        /// One round, then exit (for cron): non-zero unless it left this key's reading fresh on
        /// chain.
        #[arg(long)]
        once: bool,
    },
    /// Ask every source once and print what each says and the reading they combine to; no node.
    Check {
        #[arg(long, default_value = "reporter.toml")]
        config: PathBuf,
    },
}

fn main() -> ExitCode {
    process::init_logging();
    let result = match Cli::parse().command {
        Command::Run {
            config,
            dry_run,
            once,
        } => run(&config, dry_run, once),
        Command::Check { config } => check(&config),
    };
    process::exit(result, misconfigured)
}

/// The reporter's own configuration errors that refuse its configuration (`process::exit`): all
/// but a file a restart may read, and a record that did not load (its error, next in the chain,
/// is judged on its own).
fn misconfigured(e: &(dyn std::error::Error + 'static)) -> bool {
    use keel_reporter::node::OracleAddressError;
    if let Some(c) = e.downcast_ref::<ConfigError>() {
        return match c {
            ConfigError::Read { source, .. } => process::io_refused(source),
            _ => true,
        };
    }
    e.downcast_ref::<OracleAddressError>()
        .is_some_and(|a| !matches!(a, OracleAddressError::Record { .. }))
}

fn load(path: &Path) -> anyhow::Result<(Config, Reporter, Vec<String>)> {
    let config = Config::load(path).with_context(|| format!("reading {}", path.display()))?;
    let base = path.parent().unwrap_or(Path::new("."));
    let sources = config.sources(base)?;
    let names = sources.iter().map(|w| w.source.name().to_owned()).collect();
    let reporter = Reporter::new(
        config.reporter.feed,
        sources,
        config.rules(),
        config.policy(),
        config.backoff(),
        Estimator::new(config.volatility()),
    );
    Ok((config, reporter, names))
}

fn log(round: &Round) {
    for (name, e) in &round.errors {
        tracing::warn!(source = %name, error = %e, "source failed");
    }
    if let Some(o) = &round.outcome {
        for (i, drop) in &o.dropped {
            tracing::info!(source = i, ?drop, "source left out");
        }
        if let Err(too_few) = &o.reading {
            tracing::warn!(%too_few, "no reading this round");
        }
    }
    match &round.action {
        Action::BackingOff { until_ms } => tracing::debug!(until_ms, "backing off"),
        Action::Unreachable(e @ ChainError::Untrusted(why)) if !why.is_lag() => {
            tracing::error!(error = %e, "not signing: the chain or the oracle's code is not trusted");
        }
        Action::Unreachable(e) => tracing::warn!(error = %e, "node unreachable"),
        Action::Held => {
            if let Some(Decision::Hold(hold @ (Hold::Expired { .. } | Hold::NotNewer))) = round.decision {
                tracing::warn!(?hold, "held: check the sources' and the node's clocks");
            } else {
                tracing::debug!(decision = ?round.decision, "held");
            }
        }
        Action::WouldSubmit(s, trigger) => {
            tracing::info!(price = %format_price(s.price), observed_ms = s.observed_ms, ?trigger, "dry run: would submit");
        }
        Action::Landed {
            submission: s,
            trigger,
            block,
        } => tracing::info!(
            price = %format_price(s.price), volatility = %format_price(s.volatility),
            observed_ms = s.observed_ms, block, ?trigger, "reading included"
        ),
        Action::Refused { error, words } => tracing::warn!(?error, "the oracle refused: {words}"),
        Action::Failed(e) => {
            tracing::warn!(error = %e, "submission failed; the next round reads the chain again");
        }
    }
}

fn run(path: &Path, dry_run: bool, once: bool) -> anyhow::Result<()> {
    let (config, mut reporter, names) = load(path)?;
    reporter.dry_run = dry_run || config.reporter.dry_run;
    let n = config.node.as_ref().ok_or_else(|| {
        ConfigError::Invalid(
            "no [node] table: `keel-reporter run` signs on a node (see reporter.toml)".into(),
        )
    })?;
    let oracle = n.oracle_address()?;
    let source: KeySource = n.signer.parse()?;
    // Read (an `env:` variable removed) before the connection starts threads of its own.
    let secret = source.read()?;
    let mut node = Node::connect(&n.url, Duration::from_millis(n.reconnect_ms))?;
    let signer = secret.derive(&node.chain_type()?)?;
    let mut chain = NodeOracle::new(node, signer, oracle, (n.options(), n.limits()), n.trust()?)
        .with_tip_cap(u128::from(n.tip_cap));
    chain.check()?;
    tracing::info!(url = %keel_client::endpoint::shown(&n.url), signer = %source, account = %chain.account(), sources = names.len(), dry_run = reporter.dry_run, "reporter running");

    let metrics = Arc::new(Metrics::new());
    metrics.set_patience(
        config
            .reporter
            .backoff_max_ms
            .max(config.reporter.round_ms)
            .saturating_add(keel_keeper::health::PATIENCE_MS),
    );
    if let Some(addr) = config.reporter.metrics {
        let bound = metrics::serve(metrics.clone(), addr).context("serving metrics")?;
        tracing::info!(%bound, "serving /metrics and /healthz");
    }
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
        // A second signal while the first is being honoured ends the process at once.
        signal_hook::flag::register_conditional_shutdown(signal, 1, stop.clone())
            .context("installing the signal handler")?;
        signal_hook::flag::register(signal, stop.clone()).context("installing the signal handler")?;
    }
    let mut rounds: u64 = 0;
    loop {
        let started = Instant::now();
        let round = reporter.round(&mut chain, wall_ms());
        metrics.observe(&round, &names, wall_ms());
        metrics.reconnected(chain.reconnects());
        log(&round);
        if rounds % 10 == 0 {
            watch_balance(&mut chain, &metrics, u128::from(n.min_balance));
        }
        rounds = rounds.saturating_add(1);
        // An untrusted chain or oracle code met while running ends the service as one met at
        // start does (status 78): a restart changes nothing until the operator mends it.
        if let Some(why) = chain.halted() {
            return Err(anyhow::Error::new(why.clone()).context("stopped signing"));
        }
        if once {
            return if round.healthy() {
                Ok(())
            } else {
                Err(anyhow::anyhow!(
                    "the round did not leave a fresh reading of this key on chain: {:?}",
                    round.action
                ))
            };
        }
        // The round in flight has finished: a stop request ends the service here, never
        // between a submission and its confirmation.
        let pause = Duration::from_millis(config.reporter.round_ms).saturating_sub(started.elapsed());
        let until = Instant::now() + pause;
        while Instant::now() < until && !stop.load(Ordering::Relaxed) {
            std::thread::sleep(
                Duration::from_millis(100).min(until.saturating_duration_since(Instant::now())),
            );
        }
        if stop.load(Ordering::Relaxed) {
            tracing::info!(rounds, "stopping on signal");
            return Ok(());
        }
    }
}

fn watch_balance(chain: &mut NodeOracle, metrics: &Metrics, min_balance: u128) {
    match chain.balance() {
        Ok(balance) => {
            metrics.balance(balance, min_balance);
            if balance < min_balance {
                tracing::warn!(
                    balance,
                    min_balance,
                    "the signing account is low on funds: top it up"
                );
            }
        }
        Err(e) => tracing::warn!(error = %e, "could not read the signer's balance"),
    }
}

fn check(path: &Path) -> anyhow::Result<()> {
    let (config, mut reporter, names) = load(path)?;
    let now = wall_ms();
    let mut answers = Vec::new();
    for w in &mut reporter.sources {
        let answer = w.source.fetch(now);
        match &answer {
            Ok(o) => outln!(
                "{:<20} {} (observed {} ms ago)",
                w.source.name(),
                format_price(o.price),
                now.saturating_sub(o.observed_ms)
            ),
            Err(e) => outln!("{:<20} error: {e}", w.source.name()),
        }
        answers.push(keel_reporter::combine::Answer {
            observation: answer.ok(),
            max_age_ms: w.max_age_ms,
        });
    }
    let outcome = keel_reporter::combine::combine(&answers, &config.rules(), now);
    for (i, drop) in &outcome.dropped {
        outln!(
            "left out: {} ({drop:?})",
            names.get(*i).map_or("?", String::as_str)
        );
    }
    match outcome.reading {
        Ok(r) => {
            outln!("reading: {} from {} source(s)", format_price(r.price), r.sources);
            Ok(())
        }
        Err(too_few) => Err(anyhow::anyhow!("no reading: {too_few}")),
    }
}
