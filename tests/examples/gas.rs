//! On-chain cost of Keel's messages in drink's pallet-contracts runtime: `ref_time` and `proof_size`
//! of each call on the compiled Wasm, next to a plain PSP22 transfer and the constant-product
//! venue's swap measured in the same process, plus the contracts' code sizes, and what a venue
//! provider's later deposit and its withdrawal cost (the venue's record of fresh liquidity).
//!
//! Every call runs three times: on the default pool (discovery between readings on, its oracle's
//! answers read from the oracle's mirror), on the same pool with discovery off
//! (`CurveParams::without_discovery`), and on the default pool reading the oracle itself.
//!
//! With `KEEL_GAS_BASELINE=<path to a keel_pool.wasm>` (another build of the pool that takes
//! today's constructor), `KEEL_GAS_BASELINE=layout1` (the layout-1 release kept in
//! `tests/fixtures`, before discovery) or `layout2` (the release before the adaptive band), the
//! same calls run again on a market whose pool is that code, and every row shows the change;
//! `KEEL_GAS_BASELINE_LABEL` names it. A baseline built in two codes needs its cold code too:
//! `KEEL_GAS_BASELINE_COLD=<path to its keel_pool_cold.wasm>`.
//!
//! Run: `cargo run -p keel-tests --example gas` (after `scripts/build.sh`). Weights do not depend
//! on how the host binary is optimised, so the debug build the tests use is enough.

use ink::primitives::AccountId;
use keel_harness::pool::{self, PoolDeposit, PoolSetup, PoolSwap, PoolWithdraw};
use keel_harness::venue::{self, VenueDeposit, VenueSwap, VenueWithdraw};
use keel_harness::{token, Cost, Fixture, Sandbox, Setup, ALICE, BOB, CAROL, KEEPER, OWNER, UNIT};
use keel_interface::pool::{PoolConfig, PoolError};
use std::fmt::Write as _;

const ROUNDS: u64 = 5;

/// A Keel swap should cost at most this multiple of a constant-product venue's swap.
const SWAP_RATIO_TARGET: f64 = 1.5;

/// The pool's code-size goal: 64 KiB.
const POOL_SIZE_TARGET: u64 = 65_536;

/// The most a change of the pool may cost more than its baseline, per call and in size.
const REGRESSION_LIMIT: f64 = 0.01;

const NAMES: [&str; 15] = [
    "psp22 transfer (baseline)",
    "swap_exact_in base->quote",
    "swap_exact_in quote->base",
    "swap_exact_out base->quote",
    "swap_exact_out quote->base",
    "add_liquidity",
    "remove_liquidity",
    "quote_exact_in (view)",
    "venue swap_exact_in (constant product)",
    "rebalance (incl. its venue swap)",
    "oracle submit, publishing (reporter)",
    "share transfer (the pool's PSP22 transfer)",
    "pool deployment (once a pool; its codes on chain)",
    "venue add_liquidity (a later deposit)",
    "venue remove_liquidity (that deposit's shares)",
];
const VENUE_SWAP: usize = 8;
const SUBMIT: usize = 10;
const DEPLOY: usize = 12;
const VENUE_ADD: usize = 13;
const VENUE_REMOVE: usize = 14;
/// The calls of other contracts than the pool: baselines, and what the pool's neighbours cost.
const NOT_THE_POOL: [usize; 5] = [0, VENUE_SWAP, SUBMIT, VENUE_ADD, VENUE_REMOVE];
/// The pool's state-changing calls, whose cost a change must not raise.
const GUARDED: [usize; 7] = [1, 2, 3, 4, 5, 6, 9];

/// A venue deep enough (a thousand times the pool) that each rebalance sells its whole excess in
/// one slice.
fn setup() -> Setup {
    Setup::deep_venue()
}

/// [`setup`] with the pool reading its oracle directly instead of the oracle's mirror.
fn direct() -> Setup {
    Setup {
        mirror: false,
        ..setup()
    }
}

/// [`setup`] with the pool's discovery between readings off (`CurveParams::without_discovery`),
/// as the pools of the releases before it run.
fn without_discovery() -> Setup {
    Setup {
        config: PoolConfig {
            curve: keel_core::CurveParams::without_discovery(),
            ..PoolConfig::default()
        },
        ..setup()
    }
}

/// How a market's pool is deployed: again, for the deployment's row.
type Deploy<'a> = &'a dyn Fn(&mut Sandbox, PoolSetup) -> Result<AccountId, PoolError>;

/// The mean cost of each call of [`NAMES`] over [`ROUNDS`] rounds on `m`, the market of `setup`,
/// whose pool `deploy` deploys.
fn measure(mut m: Fixture, setup: &Setup, deploy: Deploy) -> Vec<Cost> {
    let mut totals = [Cost::default(); NAMES.len()];
    let mut add = |i: usize, c: Cost| {
        totals[i].ref_time += c.ref_time;
        totals[i].proof_size += c.proof_size;
    };
    for _ in 0..ROUNDS {
        let (base, quote, p) = (m.base, m.quote, m.pool);
        let c = &mut m.chain;
        token::transfer(c, BOB, base, CAROL.account(), UNIT).expect("transfer");
        add(0, c.last_cost());
        pool::swap_exact_in(c, BOB, p, PoolSwap::exact_in(base, 10 * UNIT)).expect("swap");
        add(1, c.last_cost());
        pool::swap_exact_in(c, BOB, p, PoolSwap::exact_in(quote, 100 * UNIT)).expect("swap");
        add(2, c.last_cost());
        pool::swap_exact_out(c, BOB, p, PoolSwap::exact_out(base, 100 * UNIT)).expect("swap");
        add(3, c.last_cost());
        pool::swap_exact_out(c, BOB, p, PoolSwap::exact_out(quote, 10 * UNIT)).expect("swap");
        add(4, c.last_cost());
        pool::add_liquidity(c, CAROL, p, PoolDeposit::of(10 * UNIT, 100 * UNIT)).expect("add");
        add(5, c.last_cost());
        pool::remove_liquidity(c, ALICE, p, PoolWithdraw::of(UNIT)).expect("remove");
        add(6, c.last_cost());
        pool::quote_exact_in(c, p, base, 10 * UNIT).expect("quote");
        add(7, c.last_cost());
        token::transfer(c, ALICE, p, BOB.account(), UNIT).expect("share transfer");
        add(11, c.last_cost());
        venue::swap_exact_in(c, BOB, m.venue, VenueSwap::exact_in(base, 10 * UNIT)).expect("venue swap");
        add(VENUE_SWAP, c.last_cost());
        c.advance(6_000);
        // Every reading of the block finds a quorum fresh and publishes; the last one is measured.
        m.report(10 * UNIT, UNIT / 10 * 8).expect("oracle update");
        add(SUBMIT, m.chain.last_cost());
        // As the fixture configured its pool: an earlier release answers `config()` in its own
        // types, which today's do not decode.
        let again = m.pool_setup(PoolConfig {
            venue: setup.config.venue.or(Some(m.venue)),
            ..setup.config
        });
        deploy(&mut m.chain, again).expect("another pool deploys");
        add(DEPLOY, m.chain.last_cost());
        // A provider's deposit into the venue after its first, and its withdrawal: what the
        // venue's record of fresh liquidity costs its providers.
        let deposit = VenueDeposit::of(10 * UNIT, 100 * UNIT);
        let (_, _, shares) = venue::add_liquidity(&mut m.chain, CAROL, m.venue, deposit).expect("venue add");
        add(VENUE_ADD, m.chain.last_cost());
        venue::remove_liquidity(&mut m.chain, CAROL, m.venue, VenueWithdraw::of(shares))
            .expect("venue remove");
        add(VENUE_REMOVE, m.chain.last_cost());
    }
    for epoch in 0..ROUNDS {
        let (base, p) = (m.base, m.pool);
        // The drift just past the trigger comes in sales of 500 base a block, each followed by a
        // reading: a pool discovering between readings refuses a sale whose shift, on top of the
        // skew, would take its price past the band.
        let trigger = i128::try_from(PoolConfig::default().rebalance.trigger).expect("trigger");
        while pool::inventory(&mut m.chain, p).expect("inventory") <= trigger {
            pool::swap_exact_in(&mut m.chain, BOB, p, PoolSwap::exact_in(base, 500 * UNIT)).expect("drift");
            m.chain.advance(6_000);
            m.report(10 * UNIT, UNIT / 10 * 8).expect("oracle update");
        }
        pool::rebalance(&mut m.chain, KEEPER, p, epoch).expect("rebalance");
        add(9, m.chain.last_cost());
        m.chain.advance(PoolConfig::default().rebalance.cooldown_ms);
        m.report(10 * UNIT, UNIT / 10 * 8).expect("oracle update");
    }
    totals
        .iter()
        .map(|t| Cost {
            ref_time: t.ref_time / ROUNDS,
            proof_size: t.proof_size / ROUNDS,
        })
        .collect()
}

/// One rebalance of the same excess on the first venue alone and split across it and a second
/// as deep (both deep enough to take it alone), each on its own identical market: the mean cost
/// of [`ROUNDS`] of each, and the quote each bought.
fn measure_split() -> [(Cost, u128); 2] {
    let mut out = [(Cost::default(), 0u128); 2];
    for _ in 0..ROUNDS {
        for (i, split) in [false, true].into_iter().enumerate() {
            let mut m = Fixture::new(setup());
            m.add_venue(30, 100_000_000 * UNIT, 1_000_000_000 * UNIT);
            let p = m.pool;
            m.push_long_base(12_000);
            let outcome = if split {
                let legs: Vec<_> = m.keeper_split().legs().collect();
                pool::rebalance_split(&mut m.chain, KEEPER, p, 0, &legs).expect("split")
            } else {
                pool::rebalance(&mut m.chain, KEEPER, p, 0).expect("rebalance")
            };
            let c = m.chain.last_cost();
            out[i].0.ref_time += c.ref_time / ROUNDS;
            out[i].0.proof_size += c.proof_size / ROUNDS;
            out[i].1 = outcome.bought;
        }
    }
    out
}

/// Prints [`measure_split`]'s table.
fn print_split() {
    let [(one, one_bought), (two, two_bought)] = measure_split();
    println!("\nThe same rebalance on one venue and split across two as deep (2 legs), same process:\n");
    println!(
        "| call | ref_time | proof_size | ref_time / one venue | quote bought |\n|---|---:|---:|---:|---:|"
    );
    for (name, c, bought) in [
        ("rebalance, one venue", one, one_bought),
        ("rebalance_split, two venues", two, two_bought),
    ] {
        println!(
            "| {name} | {} | {} | {:.2} | {bought} |",
            c.ref_time,
            c.proof_size,
            c.ref_time as f64 / one.ref_time as f64
        );
    }
}

fn change(now: u64, before: u64) -> f64 {
    now as f64 / before as f64 - 1.0
}

fn verdict(pass: bool) -> &'static str {
    if pass {
        "PASS"
    } else {
        "MISS"
    }
}

/// Another build of the pool, measured on an identical market.
struct Baseline {
    label: String,
    wasm_bytes: u64,
    /// The size of its cold code, when it was given one.
    cold_bytes: Option<u64>,
    costs: Vec<Cost>,
    /// Whether it runs with discovery between readings: the layout-1 release cannot, so it runs,
    /// and is compared with, the pool without discovery. A build given by path takes today's
    /// constructor and is taken to discover, as today's default pool does.
    discovers: bool,
}

/// The baseline `KEEL_GAS_BASELINE` names, measured.
fn baseline() -> Option<Baseline> {
    std::env::var_os("KEEL_GAS_BASELINE").map(|given| {
        let label = std::env::var("KEEL_GAS_BASELINE_LABEL").ok();
        let release = match given.to_str() {
            Some("layout1") => Some(pool::Release::Layout1),
            Some("layout2") => Some(pool::Release::Layout2),
            _ => None,
        };
        if let Some(release) = release {
            let wasm = release.wasm();
            let label = label
                .unwrap_or_else(|| format!("the layout-{} release ({})", release.layout(), release.commit()));
            let discovers = release != pool::Release::Layout1;
            let on = if discovers { setup() } else { without_discovery() };
            return Baseline {
                label,
                wasm_bytes: wasm.len() as u64,
                cold_bytes: None,
                costs: measure(Fixture::release(on, release), &on, &|c, s| {
                    pool::deploy_release(c, OWNER, s, release)
                }),
                discovers,
            };
        }
        let path = std::path::PathBuf::from(given);
        let wasm = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let cold = std::env::var_os("KEEL_GAS_BASELINE_COLD").map(|cold| {
            let cold = std::path::PathBuf::from(cold);
            std::fs::read(&cold).unwrap_or_else(|e| panic!("{}: {e}", cold.display()))
        });
        let fixture = match &cold {
            Some(cold) => Fixture::with_pool_codes(setup(), &wasm, cold),
            None => Fixture::with_pool_code(setup(), &wasm),
        };
        Baseline {
            label: label.unwrap_or_else(|| path.display().to_string()),
            wasm_bytes: wasm.len() as u64,
            cold_bytes: cold.map(|c| c.len() as u64),
            costs: measure(fixture, &setup(), &|c, s| pool::deploy_code(c, OWNER, s, &wasm)),
            discovers: true,
        }
    })
}

/// The table's title and header, naming the baseline when there is one.
fn print_header(baseline: Option<&Baseline>) {
    println!("\nOn-chain cost (drink pallet-contracts, mean of {ROUNDS} calls)\n");
    match baseline {
        None => {
            println!(
                "| call | ref_time | proof_size | ref_time / psp22 transfer | ref_time / venue swap | discovery off: ref_time | change | oracle read directly: ref_time | change |"
            );
            println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        }
        Some(Baseline { label, discovers, .. }) => {
            let against = if *discovers {
                ""
            } else {
                "; its change is against today's pool without discovery, as it runs"
            };
            println!(
                "Baseline: the pool built from {label}, on an identical market in the same process{against}.\n"
            );
            println!(
                "| call | ref_time | proof_size | ref_time / psp22 transfer | ref_time / venue swap | discovery off: ref_time | change | oracle read directly: ref_time | change | baseline ref_time | change |"
            );
            println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        }
    }
}

fn main() {
    let shipped: Deploy = &|c, s| pool::deploy(c, OWNER, s);
    let current = measure(Fixture::new(setup()), &setup(), shipped);
    let without = measure(Fixture::new(without_discovery()), &without_discovery(), shipped);
    let direct = measure(Fixture::new(direct()), &direct(), shipped);
    let baseline = baseline();
    // what the baseline is compared with: the same configuration on today's pool
    let compared = match &baseline {
        Some(Baseline { discovers: false, .. }) => &without,
        _ => &current,
    };
    let transfer = current[0];
    let venue_swap = current[VENUE_SWAP];
    print_header(baseline.as_ref());
    for (i, (name, c)) in NAMES.iter().zip(&current).enumerate() {
        let mut line = format!(
            "| {name} | {} | {} | {:.2} | {:.2} |",
            c.ref_time,
            c.proof_size,
            c.ref_time as f64 / transfer.ref_time as f64,
            c.ref_time as f64 / venue_swap.ref_time as f64
        );
        let off = without[i].ref_time;
        let _ = write!(line, " {off} | {:+.2}% |", change(off, c.ref_time) * 100.0);
        let read = direct[i].ref_time;
        let _ = write!(line, " {read} | {:+.2}% |", change(read, c.ref_time) * 100.0);
        if let Some(before) = &baseline {
            let b = before.costs[i].ref_time;
            let now = compared[i].ref_time;
            let _ = write!(line, " {b} | {:+.2}% |", change(now, b) * 100.0);
        }
        println!("{line}");
    }
    println!("\n| contract | wasm bytes |\n|---|---:|");
    let sizes: Vec<(&str, u64)> = [
        "keel_pool",
        "keel_pool_cold",
        "keel_venue",
        "keel_oracle",
        "keel_mirror",
        "keel_token",
    ]
    .into_iter()
    .map(|name| {
        let path = keel_harness::chain::ink_dir()
            .join(name)
            .join(format!("{name}.wasm"));
        (name, std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0))
    })
    .collect();
    for (name, size) in &sizes {
        println!("| {name} | {size} |");
    }
    print_split();
    let pool_size = sizes[0].1;
    if let Some(Baseline {
        label,
        wasm_bytes: size,
        cold_bytes,
        ..
    }) = &baseline
    {
        println!(
            "| keel_pool, baseline ({label}) | {size} ({:+.2}%) |",
            change(pool_size, *size) * 100.0
        );
        if let Some(cold) = cold_bytes {
            println!(
                "| keel_pool_cold, baseline's | {cold} ({:+.2}%) |",
                change(sizes[1].1, *cold) * 100.0
            );
        }
    }
    print_targets(&[&current, &without, &direct], venue_swap, pool_size);
    if let Some(b) = &baseline {
        print_regression(b, compared, pool_size);
    }
}

/// The swap-ratio targets of each run (default, discovery off, oracle read directly) and the size
/// target.
fn print_targets(runs: &[&Vec<Cost>; 3], venue_swap: Cost, pool_size: u64) {
    let worst_swap = |costs: &[Cost]| {
        costs[1..=4]
            .iter()
            .map(|c| c.ref_time as f64 / venue_swap.ref_time as f64)
            .fold(0.0, f64::max)
    };
    println!("\nTargets:");
    let pools = [
        "discovery on",
        "discovery off",
        "discovery on, oracle read directly",
    ];
    for (pool, costs) in pools.into_iter().zip(runs) {
        let worst = worst_swap(costs);
        println!(
            "- Keel swap / venue swap <= {SWAP_RATIO_TARGET} ({pool}): {worst:.2} at worst, {}",
            verdict(worst <= SWAP_RATIO_TARGET)
        );
    }
    println!(
        "- pool wasm <= {POOL_SIZE_TARGET} bytes: {pool_size}, {}",
        verdict(pool_size <= POOL_SIZE_TARGET)
    );
}

/// The regression checks against the baseline build: every guarded call and the pool's size.
fn print_regression(baseline: &Baseline, compared: &[Cost], pool_size: u64) {
    let Baseline {
        wasm_bytes: size,
        costs: before,
        ..
    } = baseline;
    let worst = GUARDED
        .iter()
        .map(|&i| (NAMES[i], change(compared[i].ref_time, before[i].ref_time)))
        .fold(("", f64::MIN), |a, b| if b.1 > a.1 { b } else { a });
    println!(
        "- no swap, add, remove or rebalance costs more than {:.0}% over the baseline: worst {:+.2}% ({}), {}",
        REGRESSION_LIMIT * 100.0,
        worst.1 * 100.0,
        worst.0,
        verdict(worst.1 <= REGRESSION_LIMIT)
    );
    let unguarded: Vec<String> = (0..NAMES.len())
        .filter(|i| !GUARDED.contains(i) && !NOT_THE_POOL.contains(i))
        .map(|i| {
            format!(
                "{} {:+.2}%",
                NAMES[i],
                change(compared[i].ref_time, before[i].ref_time) * 100.0
            )
        })
        .collect();
    println!(
        "- calls with no limit (paid in dry runs, or rarer): {}",
        unguarded.join(", ")
    );
    let grown = change(pool_size, *size);
    println!(
        "- pool wasm no more than {:.0}% over the baseline: {:+.2}%, {}",
        REGRESSION_LIMIT * 100.0,
        grown * 100.0,
        verdict(grown <= REGRESSION_LIMIT)
    );
}
