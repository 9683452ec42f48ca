//! On-chain cost of Keel's messages in drink's pallet-contracts runtime: ref_time and proof_size
//! of each call on the compiled Wasm, next to a plain PSP22 transfer measured in the same process,
//! plus the contracts' code sizes.
//!
//! Run: `cargo run -p keel-tests --example gas` (after `scripts/build.sh`). Weights do not depend
//! on how the host binary is optimised, so the debug build the tests use is enough.

use keel_pool::PoolConfig;
use keel_sandbox::pool::{self, Deposit, Swap, Withdraw};
use keel_sandbox::venue::{self, VenueSwap};
use keel_sandbox::{token, Cost, Market, Setup, ALICE, BOB, CAROL, KEEPER, UNIT};

const ROUNDS: u64 = 5;

/// A Keel swap should cost at most this multiple of a constant-product venue's swap.
const SWAP_RATIO_TARGET: f64 = 1.5;

/// The pool's code-size goal: 64 KiB.
const POOL_SIZE_TARGET: u64 = 65_536;

struct Row {
    name: &'static str,
    total: Cost,
}

impl Row {
    fn add(&mut self, c: Cost) {
        self.total.ref_time += c.ref_time;
        self.total.proof_size += c.proof_size;
    }

    fn mean(&self) -> Cost {
        Cost {
            ref_time: self.total.ref_time / ROUNDS,
            proof_size: self.total.proof_size / ROUNDS,
        }
    }
}

fn main() {
    // A venue deep enough that each rebalance fits the pool's slippage limit.
    let mut m = Market::new(Setup {
        venue_base_liquidity: 10_000_000 * UNIT,
        venue_quote_liquidity: 100_000_000 * UNIT,
        ..Setup::default()
    });
    let names = [
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
    ];
    let mut rows: Vec<Row> = names
        .iter()
        .map(|n| Row {
            name: n,
            total: Cost::default(),
        })
        .collect();
    for _ in 0..ROUNDS {
        let (base, quote, p) = (m.base, m.quote, m.pool);
        let c = &mut m.chain;
        token::transfer(c, BOB, base, CAROL.account(), UNIT).expect("transfer");
        rows[0].add(c.last_cost());
        pool::swap_exact_in(c, BOB, p, Swap::exact_in(base, 10 * UNIT)).expect("swap");
        rows[1].add(c.last_cost());
        pool::swap_exact_in(c, BOB, p, Swap::exact_in(quote, 100 * UNIT)).expect("swap");
        rows[2].add(c.last_cost());
        pool::swap_exact_out(c, BOB, p, Swap::exact_out(base, 100 * UNIT)).expect("swap");
        rows[3].add(c.last_cost());
        pool::swap_exact_out(c, BOB, p, Swap::exact_out(quote, 10 * UNIT)).expect("swap");
        rows[4].add(c.last_cost());
        pool::add_liquidity(c, CAROL, p, Deposit::of(10 * UNIT, 100 * UNIT)).expect("add");
        rows[5].add(c.last_cost());
        pool::remove_liquidity(c, ALICE, p, Withdraw::of(UNIT)).expect("remove");
        rows[6].add(c.last_cost());
        pool::quote_exact_in(c, p, base, 10 * UNIT).expect("quote");
        rows[7].add(c.last_cost());
        venue::swap_exact_in(c, BOB, m.venue, VenueSwap::exact_in(base, 10 * UNIT)).expect("venue swap");
        rows[8].add(c.last_cost());
        c.advance(6_000);
        m.report(10 * UNIT, UNIT / 10 * 8).expect("oracle update");
    }
    for epoch in 0..ROUNDS {
        let (base, p) = (m.base, m.pool);
        pool::swap_exact_in(&mut m.chain, BOB, p, Swap::exact_in(base, 12_000 * UNIT)).expect("drift");
        pool::rebalance(&mut m.chain, KEEPER, p, epoch).expect("rebalance");
        rows[9].add(m.chain.last_cost());
        m.chain.advance(PoolConfig::default().rebalance.cooldown_ms);
        m.report(10 * UNIT, UNIT / 10 * 8).expect("oracle update");
    }
    let base = rows[0].mean();
    let venue_swap = rows[8].mean();
    println!("\nOn-chain cost (drink pallet-contracts, mean of {ROUNDS} calls)\n");
    println!("| call | ref_time | proof_size | ref_time / psp22 transfer | ref_time / venue swap |");
    println!("|---|---:|---:|---:|---:|");
    for row in &rows {
        let c = row.mean();
        println!(
            "| {} | {} | {} | {:.2} | {:.2} |",
            row.name,
            c.ref_time,
            c.proof_size,
            c.ref_time as f64 / base.ref_time as f64,
            c.ref_time as f64 / venue_swap.ref_time as f64
        );
    }
    println!("\n| contract | wasm bytes |\n|---|---:|");
    let sizes: Vec<(&str, u64)> = ["keel_pool", "keel_venue", "keel_oracle", "keel_token"]
        .into_iter()
        .map(|name| {
            let path = keel_sandbox::chain::ink_dir()
                .join(name)
                .join(format!("{name}.wasm"));
            (name, std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0))
        })
        .collect();
    for (name, size) in &sizes {
        println!("| {name} | {size} |");
    }
    let worst_swap = rows[1..=4]
        .iter()
        .map(|r| r.mean().ref_time as f64 / venue_swap.ref_time as f64)
        .fold(0.0, f64::max);
    let pool_size = sizes[0].1;
    let verdict = |pass: bool| if pass { "PASS" } else { "MISS" };
    println!("\nTargets:");
    println!(
        "- Keel swap / venue swap <= {SWAP_RATIO_TARGET}: {worst_swap:.2} at worst, {}",
        verdict(worst_swap <= SWAP_RATIO_TARGET)
    );
    println!(
        "- pool wasm <= {POOL_SIZE_TARGET} bytes: {pool_size}, {}",
        verdict(pool_size <= POOL_SIZE_TARGET)
    );
}
