//! `keel-client`: deploy Keel to a contracts node and act on the deployment (oracle readings,
//! swaps, inventory drift, checks). The keeper itself is `keel-keeper run`.

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use keel_client::deploy::{self, Plan};
use keel_client::keys::{self, KeySource};
use keel_client::outln;
use keel_client::record::{Addresses, Deployment};
use keel_client::{market, Node};
use keel_core::fixed::{signed_to_f64, to_f64};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

#[derive(Parser)]
#[command(
    name = "keel-client",
    version,
    about = "Deploy Keel to a contracts node and act on it"
)]
struct Cli {
    /// Node RPC endpoint (ws:// for loopback only, wss:// otherwise). From `KEEL_NODE_URL` when
    /// not given, which keeps a provider's key out of the process list.
    #[arg(
        long,
        global = true,
        env = "KEEL_NODE_URL",
        hide_env_values = true,
        default_value = "ws://127.0.0.1:9944"
    )]
    url: String,
    /// Seconds to keep trying to reach the node.
    #[arg(long, global = true, default_value_t = 30)]
    patience: u64,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Deploy tokens, oracle, venue and pool from a plan; skipped when the record is live.
    Deploy {
        #[arg(long, default_value = "deploy/local.toml")]
        plan: PathBuf,
        #[arg(long, default_value = "target/deployment.json")]
        out: PathBuf,
        /// Where cargo-contract wrote the contracts.
        #[arg(long, default_value = "target/ink")]
        ink_dir: PathBuf,
    },
    /// Submit an oracle reading taken now, from each reporter in turn.
    Report {
        #[arg(long, default_value = "target/deployment.json")]
        deployment: PathBuf,
        #[arg(long)]
        price: f64,
        #[arg(long)]
        volatility: f64,
        /// A reporter's key; repeat for several (default: the local plan's three).
        #[arg(long = "reporter", default_values_t = ["//Alice".to_string(), "//Eve".to_string(), "//Ferdie".to_string()])]
        reporters: Vec<String>,
    },
    /// Sell an exact amount (whole tokens) to the pool.
    Swap {
        #[arg(long, default_value = "target/deployment.json")]
        deployment: PathBuf,
        /// `base` or `quote`.
        #[arg(long)]
        sell: String,
        #[arg(long)]
        amount: u128,
        #[arg(long, default_value = "//Bob")]
        trader: String,
    },
    /// Sell base in slices until the pool's inventory passes its rebalance trigger.
    Drift {
        #[arg(long, default_value = "target/deployment.json")]
        deployment: PathBuf,
        /// Whole base tokens per swap.
        #[arg(long, default_value_t = 1_000)]
        slice: u128,
        #[arg(long, default_value_t = 40)]
        max_swaps: u32,
        #[arg(long, default_value = "//Bob")]
        trader: String,
    },
    /// Move the record's pool to another build of its code (its cold code uploaded first), as
    /// its owner, and write the new code hashes into the record. Bots that trust the record
    /// sign for the new code once restarted.
    Upgrade {
        #[arg(long, default_value = "target/deployment.json")]
        deployment: PathBuf,
        /// Where cargo-contract wrote the contracts.
        #[arg(long, default_value = "target/ink")]
        ink_dir: PathBuf,
        /// The pool's build in `ink_dir`.
        #[arg(long, default_value = "keel_pool")]
        build: String,
        /// The cold code that build names (default: the build's name with `keel_pool` read as
        /// `keel_pool_cold`, as `scripts/build.sh` names each build's cold code).
        #[arg(long)]
        cold: Option<String>,
        /// The pool's owner.
        #[arg(long, default_value = "//Alice")]
        owner: String,
    },
    /// Print the pool's block, reserves, inventory against its trigger, and rebalance epoch.
    Show {
        #[arg(long, default_value = "target/deployment.json")]
        deployment: PathBuf,
    },
    /// Print each reporter's reading, the feed's answer and the price the pool quotes around
    /// (exact, 1e18 fixed point).
    Feed {
        #[arg(long, default_value = "target/deployment.json")]
        deployment: PathBuf,
        /// Exit non-zero unless the feed answers exactly this price (1e18 fixed point) and the
        /// pool prices with it.
        #[arg(long)]
        expect_price: Option<u128>,
    },
    /// Exit non-zero unless exactly `rebalances` Rebalanced events landed since block `since`
    /// and (with --in-band) the pool is back inside its band.
    Expect {
        #[arg(long, default_value = "target/deployment.json")]
        deployment: PathBuf,
        #[arg(long)]
        since: u64,
        #[arg(long)]
        rebalances: usize,
        #[arg(long)]
        in_band: bool,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cli = Cli::parse();
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", keel_client::error::causes(e.as_ref()));
            ExitCode::FAILURE
        }
    }
}

fn connect(cli: &Cli) -> anyhow::Result<Node> {
    Ok(Node::connect(&cli.url, Duration::from_secs(cli.patience))?)
}

/// The key `spec` names, if it may sign on `node`'s chain.
fn key(node: &mut Node, spec: &str) -> anyhow::Result<keys::SigningKey> {
    let chain = node.chain_type()?;
    Ok(spec.parse::<KeySource>()?.load(&chain)?)
}

/// The origin of read-only dry-runs: any account will do, and this one signs nothing.
fn reader() -> subxt::utils::AccountId32 {
    keys::account(&subxt_signer::sr25519::dev::alice())
}

/// The record at `path` and its addresses, refused unless it was written on `node`'s chain: its
/// commands sign and read at those addresses.
fn load(node: &mut Node, path: &Path) -> anyhow::Result<(Deployment, Addresses)> {
    let d = Deployment::load(path)?;
    anyhow::ensure!(
        d.is_of_chain(node)?,
        "{} was written on another chain (genesis {}): nothing is signed or read at its addresses here",
        path.display(),
        d.genesis_hash
    );
    let a = d.addresses().with_context(|| format!("{}", path.display()))?;
    Ok((d, a))
}

/// Whole tokens to units of a token with `decimals` decimals.
fn units(whole: u128, decimals: u8, what: &str) -> anyhow::Result<u128> {
    whole
        .checked_mul(10u128.pow(u32::from(decimals)))
        .with_context(|| format!("{what} overflows"))
}

fn run(cli: &Cli) -> anyhow::Result<()> {
    let mut node = connect(cli)?;
    match &cli.command {
        Command::Deploy { plan, out, ink_dir } => deploy_plan(&mut node, plan, out, ink_dir),
        Command::Report {
            deployment,
            price,
            volatility,
            reporters,
        } => {
            let (d, a) = load(&mut node, deployment)?;
            let reporters = reporters
                .iter()
                .map(|r| key(&mut node, r))
                .collect::<anyhow::Result<Vec<_>>>()?;
            let ts = market::report(
                &mut node,
                &reporters,
                &a,
                d.feed,
                deploy::decimal(*price)?,
                deploy::decimal(*volatility)?,
            )?;
            outln!("reported price {price} volatility {volatility} at {ts} ms");
            Ok(())
        }
        Command::Swap {
            deployment,
            sell,
            amount,
            trader,
        } => {
            let (d, a) = load(&mut node, deployment)?;
            let sell_base = match sell.as_str() {
                "base" => true,
                "quote" => false,
                other => bail!("--sell {other}: expected base or quote"),
            };
            let units = units(*amount, d.decimals, "amount")?;
            let signer = key(&mut node, trader)?;
            let got = market::swap(&mut node, &signer, &a, sell_base, units)?;
            outln!("sold {amount} {sell}, received {got} units");
            Ok(())
        }
        Command::Drift {
            deployment,
            slice,
            max_swaps,
            trader,
        } => {
            let (d, a) = load(&mut node, deployment)?;
            let units = units(*slice, d.decimals, "slice")?;
            let signer = key(&mut node, trader)?;
            let s = market::drift(&mut node, &signer, &a, units, *max_swaps)?;
            outln!(
                "inventory past the trigger at block {}: q {:.2}% (trigger {:.2}%)",
                s.block,
                pct(s.q),
                to_f64(s.trigger) * 100.0
            );
            Ok(())
        }
        Command::Upgrade {
            deployment,
            ink_dir,
            build,
            cold,
            owner,
        } => {
            let cold = cold
                .clone()
                .unwrap_or_else(|| build.replacen("keel_pool", "keel_pool_cold", 1));
            upgrade(&mut node, deployment, ink_dir, (build, &cold), owner)
        }
        Command::Show { deployment } => show(&mut node, deployment),
        Command::Feed {
            deployment,
            expect_price,
        } => feed(&mut node, deployment, *expect_price),
        Command::Expect {
            deployment,
            since,
            rebalances,
            in_band,
        } => expect(&mut node, deployment, *since, *rebalances, *in_band),
    }
}

fn deploy_plan(node: &mut Node, plan: &Path, out: &Path, ink_dir: &Path) -> anyhow::Result<()> {
    let plan = Plan::load(plan)?;
    let existing = out.exists().then(|| Deployment::load(out)).transpose()?;
    let (d, fresh) = deploy::deploy(node, &plan, ink_dir, existing.as_ref())?;
    if fresh {
        d.save(out)?;
        outln!(
            "deployed at block {}; pool {}; record: {}",
            d.block,
            d.contracts.pool,
            out.display()
        );
    } else {
        outln!(
            "already deployed on this chain (pool {}); record: {}",
            d.contracts.pool,
            out.display()
        );
    }
    Ok(())
}

/// Moves the record's pool to the `(pool, cold)` builds in `ink_dir` as `owner`, and rewrites the
/// record's code hashes.
fn upgrade(
    node: &mut Node,
    deployment: &Path,
    ink_dir: &Path,
    (build, cold): (&str, &str),
    owner: &str,
) -> anyhow::Result<()> {
    let (d, a) = load(node, deployment)?;
    let (hot, cold) = (
        deploy::read_wasm(ink_dir, build)?,
        deploy::read_wasm(ink_dir, cold)?,
    );
    let signer = key(node, owner)?;
    let done = keel_client::upgrade::upgrade(node, &signer, a.pool, &hot, &cold)?;
    let upgraded = d.upgraded(&done);
    upgraded.save(deployment)?;
    outln!(
        "pool {} runs {} (cold code {}) from block {}; record: {}",
        d.contracts.pool,
        upgraded.code_hashes.pool,
        upgraded.code_hashes.pool_cold.as_deref().unwrap_or("none"),
        done.block,
        deployment.display()
    );
    Ok(())
}

fn show(node: &mut Node, deployment: &Path) -> anyhow::Result<()> {
    let (d, a) = load(node, deployment)?;
    let me = reader();
    let s = market::snapshot(node, &me, &a)?;
    outln!(
        "block {}  pool {}\nreserves {} base, {} quote\nq {:.2}% (trigger {:.2}%, {})\nrebalance epoch {}, last at {} ms, bounty budget {}",
        s.block,
        d.contracts.pool,
        s.reserves.0,
        s.reserves.1,
        pct(s.q),
        to_f64(s.trigger) * 100.0,
        if s.in_band() { "in band" } else { "out of band" },
        s.rebalancing.epoch,
        s.rebalancing.last_ms,
        s.rebalancing.bounty_budget
    );
    Ok(())
}

/// Prints the feed; fails unless it answers `expected` and the pool prices with it, when given.
fn feed(node: &mut Node, deployment: &Path, expected: Option<u128>) -> anyhow::Result<()> {
    let (d, a) = load(node, deployment)?;
    let me = reader();
    let f = market::feed(node, &me, &a, d.feed)?;
    outln!(
        "block {}  feed {}  oracle {}",
        f.block,
        d.feed,
        d.contracts.oracle
    );
    for slot in &f.slots {
        let who = keel_client::events::runtime_account(&slot.reporter);
        match &slot.reading {
            Some(r) => outln!(
                "reporter {who}: price {} volatility {} observed at {} ms, block {}",
                r.price,
                r.volatility,
                r.timestamp,
                slot.block
            ),
            None => outln!("reporter {who}: no reading"),
        }
    }
    match &f.answer {
        Some(x) => outln!(
            "answer: price {} from {} fresh reading(s), observed at {} ms",
            x.price,
            x.readings,
            x.timestamp
        ),
        None => outln!("answer: none (fewer fresh readings than the quorum)"),
    }
    match &f.market {
        Ok(m) => outln!("pool prices at {} ({} ms old)", m.price, m.age_ms),
        Err(e) => outln!("pool refuses to price: {e:?}"),
    }
    let Some(expected) = expected else {
        return Ok(());
    };
    match (&f.answer, &f.market) {
        (Some(x), Ok(m)) if x.price == expected && m.price == expected => {
            outln!("ok: the feed answers {expected} and the pool prices with it");
            Ok(())
        }
        _ => bail!("expected the feed to answer {expected} and the pool to price with it"),
    }
}

/// Fails unless exactly `rebalances` landed since block `since` (and, with `in_band`, the pool
/// is back in its band).
fn expect(
    node: &mut Node,
    deployment: &Path,
    since: u64,
    rebalances: usize,
    in_band: bool,
) -> anyhow::Result<()> {
    let (_, a) = load(node, deployment)?;
    let me = reader();
    let s = market::snapshot(node, &me, &a)?;
    let found = market::rebalances(node, &a, since, s.block)?;
    for (block, r) in &found {
        outln!(
            "block {block}: Rebalanced epoch {} sold {} bought {} bounty {} q {:.2}% -> {:.2}%",
            r.epoch,
            r.sold,
            r.bought,
            r.bounty,
            pct(r.q_before),
            pct(r.q_after)
        );
    }
    outln!(
        "q now {:.2}% (trigger {:.2}%), epoch {}",
        pct(s.q),
        to_f64(s.trigger) * 100.0,
        s.rebalancing.epoch
    );
    if found.len() != rebalances {
        bail!(
            "expected {rebalances} rebalance(s) since block {since}, found {}",
            found.len()
        );
    }
    if in_band && !s.in_band() {
        bail!("the pool is out of band: q {:.2}%", pct(s.q));
    }
    outln!(
        "ok: {} rebalance(s){}",
        found.len(),
        if in_band { ", pool in band" } else { "" }
    );
    Ok(())
}

fn pct(x: i128) -> f64 {
    signed_to_f64(x) * 100.0
}
