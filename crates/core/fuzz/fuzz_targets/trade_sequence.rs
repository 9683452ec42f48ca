//! Up to 64 trades by one trader against a balanced pool at a fixed oracle reading: never a panic,
//! and the trader never ends up ahead, valued at the oracle. (At a fixed price the curve is a
//! path-independent function of inventory plus fees, so any sequence that returns nothing to
//! the trader's advantage must lose at least the fees.)
#![no_main]

mod common;

use common::{asset, book, value, FuzzPool};
use keel_core::{swap_exact_in, swap_exact_out};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Step {
    sell_base: bool,
    exact_out: bool,
    /// Thousandths of a percent of the pool's reserve of the token involved.
    size: u32,
}

#[derive(Arbitrary, Debug)]
struct Input {
    setup: FuzzPool,
    steps: Vec<Step>,
}

fuzz_target!(|input: Input| {
    let Some((mut state, market, params)) = input.setup.build() else {
        return;
    };
    let mut flows = (0i128, 0i128);
    for step in input.steps.iter().take(64) {
        let asset_in = asset(step.sell_base);
        let reserve = state.reserve(if step.exact_out { asset_in.other() } else { asset_in });
        let amount = reserve / 100_000 * u128::from(step.size % 5_000_000) + 1;
        let traded = if step.exact_out {
            swap_exact_out(&state, &market, &params, asset_in, amount)
        } else {
            swap_exact_in(&state, &market, &params, asset_in, amount)
        };
        let Ok(trade) = traded else { continue };
        book(&mut flows, step.sell_base, &trade);
        state = trade.after;
        // The trader holds nothing the pool did not pay out; the pool never owes more than it has.
        assert!(state.base_reserve > 0 && state.quote_reserve > 0);
    }
    let (base, quote) = flows;
    // `value` rounds toward zero, which may flatter a loss by one unit.
    let net = value(base, quote, market.price);
    assert!(net <= 1, "sequence profited {net} (base {base}, quote {quote}) at price {}", market.price);
});
