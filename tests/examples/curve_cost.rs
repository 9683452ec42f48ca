//! What each part of the pool's curve math costs on chain: `ref_time` per run of each part of a
//! swap's pricing, read in drink's pallet-contracts on the measuring contract
//! `contracts/curve-cost` (built as the pool's math is built), on the state, market and
//! parameters of the gas report's pool after a sale of 500 base.
//!
//! A part's cost is `(run(part, N) - run(part, 0)) / N`: what loading, dispatching and decoding
//! the call cost is the same in both and drops out. `nothing` is the loop and its inputs alone,
//! and every other row is net of it.
//!
//! With `KEEL_CURVE_COST_BASELINE=<path to another build's keel_curve_cost.wasm>` (the instrument
//! built on another tree's core), the same parts run on that build too, in the same process, and
//! each row shows the change; `KEEL_CURVE_COST_BASELINE_LABEL` names it.
//!
//! Run: `scripts/build.sh curve-cost && cargo run -p keel-tests --example curve_cost` (the
//! instrument is not in `scripts/build.sh`'s default set: it measures Keel, it is not part of it).

use ink::codegen::TraitCallBuilder;
use ink::env::call::FromAccountId;
use ink::primitives::AccountId;
use keel_calls::constructors::constructor;
use keel_calls::ToMessage;
use keel_core::{Asset, Market};
use keel_curve_cost::curve_cost::{Case, CurveCostRef, Part};
use keel_harness::pool::{self, PoolSwap};
use keel_harness::{chain, Fixture, Sandbox, Setup, ALICE, BOB, UNIT};

/// Runs of each part per measured call.
const RUNS: u32 = 4;

const PARTS: [(Part, &str); 18] = [
    (Part::Nothing, "nothing (the loop and its inputs)"),
    (
        Part::AnchorSwapExactIn,
        "a swap's pricing, exact in (anchor and curve)",
    ),
    (Part::SwapExactIn, "the curve's exact-in trade"),
    (Part::SwapExactOut, "the curve's exact-out trade"),
    (Part::Equilibrate, "re-deriving the target (equilibrate)"),
    (Part::SolveTrade, "solve_trade (a drain from the target)"),
    (Part::Integrate, "integrate (one value along the curve)"),
    (Part::Sqrt512, "sqrt512 (the exact root)"),
    (Part::Div512, "div512, 512 by 256 bits"),
    (Part::FullMul, "full_mul (256 x 256 -> 512)"),
    (Part::FullMulUint, "uint's full_mul (256 x 256 -> 512)"),
    (Part::CopyU512, "a 512-bit value copied and folded"),
    (Part::Mul256, "mul (128 x 128, checked in 256)"),
    (Part::MulDivU128Narrow, "mul_div_u128, product within 128 bits"),
    (Part::MulDivU128Wide, "mul_div_u128, product past 128 bits"),
    (
        Part::DivU128By64,
        "a u128 by a 64-bit divisor, quotient and remainder",
    ),
    (Part::MulU64Wide, "u64 x u64 -> u128 (the compiler's routine)"),
    (
        Part::Xorshift1000,
        "1,000 rounds of a 64-bit xorshift (a known loop)",
    ),
];

/// `ref_time` per run of `part` on `case` in the instrument at `at`, net of nothing.
fn per_run(chain: &mut Sandbox, at: AccountId, part: Part, case: &Case) -> u64 {
    let calls: <CurveCostRef as TraitCallBuilder>::Builder = FromAccountId::from_account_id(at);
    let mut cost = |times: u32| {
        let answer = chain.call(ALICE, at, calls.run(part, times, *case).message());
        (answer, chain.last_cost().ref_time)
    };
    let (_, none) = cost(0);
    let (answer, some) = cost(RUNS);
    assert!(
        part == Part::Nothing || answer != 0,
        "{part:?}: every run refused"
    );
    some.saturating_sub(none) / u64::from(RUNS)
}

fn deploy(chain: &mut Sandbox, path: &std::path::Path) -> AccountId {
    let wasm = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    chain
        .deploy(&wasm, constructor(CurveCostRef::new()), ALICE)
        .expect("deploy")
        .expect("constructor")
}

fn main() {
    let mut m = Fixture::new(Setup::default());
    let p = m.pool;
    pool::swap_exact_in(&mut m.chain, BOB, p, PoolSwap::exact_in(m.base, 500 * UNIT)).expect("sale");
    let state = pool::curve_state(&mut m.chain, p);
    let status = pool::market_status(&mut m.chain, p).expect("market");
    let params = pool::config(&mut m.chain, p).curve;
    let market = Market {
        price: status.price,
        k: status.k,
        fee: status.fee,
    };
    let ours = chain::ink_dir().join("keel_curve_cost/keel_curve_cost.wasm");
    assert!(
        ours.exists(),
        "{}: run scripts/build.sh curve-cost first",
        ours.display()
    );
    let instrument = deploy(&mut m.chain, &ours);
    let baseline =
        std::env::var_os("KEEL_CURVE_COST_BASELINE").map(|path| deploy(&mut m.chain, path.as_ref()));
    let label = std::env::var("KEEL_CURVE_COST_BASELINE_LABEL").unwrap_or_else(|_| "baseline".into());
    let cases = [
        (Asset::Base, 10 * UNIT, "sell 10 base"),
        (Asset::Quote, 100 * UNIT, "sell 100 quote"),
    ];
    println!("\nOn-chain cost of the curve's parts (drink pallet-contracts, ref_time per run)\n");
    println!("State: {state:?}\nMarket: {market:?}\n");
    print!("| part |");
    for (_, _, name) in &cases {
        print!(" {name} |");
        if baseline.is_some() {
            print!(" {name}, {label} | change |");
        }
    }
    let columns = if baseline.is_some() { 3 } else { 1 } * cases.len();
    println!("\n|---|{}", "---:|".repeat(columns));
    let mut floors = vec![(0u64, 0u64); cases.len()];
    for (part, name) in PARTS {
        print!("| {name} |");
        for (i, &(asset_in, amount, _)) in cases.iter().enumerate() {
            let case = Case {
                state,
                market,
                params,
                asset_in,
                amount,
            };
            let now = per_run(&mut m.chain, instrument, part, &case);
            let before = baseline.map(|b| per_run(&mut m.chain, b, part, &case));
            if part == Part::Nothing {
                floors[i] = (now, before.unwrap_or(0));
                print!(" {now} |");
                if let Some(before) = before {
                    print!(" {before} | |");
                }
                continue;
            }
            let now = now.saturating_sub(floors[i].0);
            print!(" {now} |");
            if let Some(before) = before {
                let before = before.saturating_sub(floors[i].1);
                #[allow(clippy::cast_precision_loss)]
                let change = (now as f64 / before.max(1) as f64 - 1.0) * 100.0;
                print!(" {before} | {change:+.1}% |");
            }
        }
        println!();
    }
    println!("\nEvery row but the first is net of the first.");
}
