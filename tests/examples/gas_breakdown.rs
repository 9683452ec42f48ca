//! Where a Keel swap's `ref_time` goes: calls that add one part at a time (the call and its code
//! load, the oracle read and fee math, the curve state, the swap math, the token transfers), next
//! to the token and oracle calls alone and the venue swap, measured the way `gas` measures swaps.
//!
//! In drink's pallet-contracts every call pays ~33,500 `ref_time` per byte of the called contract's
//! Wasm before running anything (`pool reserves` is almost all code load), so code size is also
//! swap cost.
//!
//! Run: `cargo run -p keel-tests --example gas_breakdown` (after `scripts/build.sh`).

use keel_harness::pool::{self, PoolSwap};
use keel_harness::venue::{self, VenueSwap};
use keel_harness::{oracle, token, Cost, Fixture, Setup, BOB, CAROL, UNIT};

const ROUNDS: u64 = 5;

fn main() {
    let mut m = Fixture::new(Setup::default());
    let mut rows: Vec<(&str, Cost)> = Vec::new();
    let mut add = |name: &'static str, c: Cost| match rows.iter_mut().find(|r| r.0 == name) {
        Some(r) => {
            r.1.ref_time += c.ref_time / ROUNDS;
            r.1.proof_size += c.proof_size / ROUNDS;
        }
        None => rows.push((
            name,
            Cost {
                ref_time: c.ref_time / ROUNDS,
                proof_size: c.proof_size / ROUNDS,
            },
        )),
    };
    for _ in 0..ROUNDS {
        let (base, p) = (m.base, m.pool);
        let c = &mut m.chain;
        token::transfer(c, BOB, base, CAROL.account(), UNIT).expect("transfer");
        add("psp22 transfer", c.last_cost());
        token::balance(c, base, BOB.account());
        add("psp22 balance_of", c.last_cost());
        oracle::latest(c, m.oracle).expect("latest");
        add("oracle latest (direct)", c.last_cost());
        pool::reserves(c, p);
        add("pool reserves (call + storage read)", c.last_cost());
        pool::market_status(c, p).expect("status");
        add("pool market_status (+oracle call +k/fee)", c.last_cost());
        pool::mid_price(c, p).expect("mid");
        add("pool mid_price (+equilibrate)", c.last_cost());
        pool::quote_exact_in(c, p, base, 10 * UNIT).expect("quote");
        add("pool quote_exact_in (+swap math +quote_of)", c.last_cost());
        pool::swap_exact_in(c, BOB, p, PoolSwap::exact_in(base, 10 * UNIT)).expect("swap");
        add("pool swap_exact_in base->quote", c.last_cost());
        venue::swap_exact_in(c, BOB, m.venue, VenueSwap::exact_in(base, 10 * UNIT)).expect("venue");
        add("venue swap_exact_in", c.last_cost());
        c.advance(6_000);
        m.report(10 * UNIT, UNIT / 10 * 8).expect("oracle update");
    }
    println!("| call | ref_time | proof_size |\n|---|---:|---:|");
    for (name, c) in rows {
        println!("| {name} | {} | {} |", c.ref_time, c.proof_size);
    }
}
