//! One trade, both kinds, either side: never a panic; the tokens balance; the pool keeps what it
//! quotes; and a round trip straight back, starting with either kind, never returns more than
//! went in.
#![no_main]

mod common;

use common::{asset, FuzzPool};
use keel_core::{swap_exact_in, swap_exact_out};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input {
    setup: FuzzPool,
    sell_base: bool,
    amount: u128,
}

fuzz_target!(|input: Input| {
    let Some((state, market, params)) = input.setup.build() else {
        return;
    };
    let asset_in = asset(input.sell_base);
    let Ok(trade) = swap_exact_in(&state, &market, &params, asset_in, input.amount) else {
        return;
    };
    // The pool's reserves move by exactly the amounts exchanged.
    let out_asset = asset_in.other();
    assert_eq!(trade.after.reserve(asset_in), state.reserve(asset_in) + trade.amount_in);
    assert_eq!(trade.after.reserve(out_asset), state.reserve(out_asset) - trade.amount_out);
    assert!(trade.amount_out > 0 && trade.amount_out < state.reserve(out_asset));
    assert!(trade.fee <= trade.amount_in);

    // Buying that output exactly and selling it straight back returns no more than it cost.
    if let Ok(bought) = swap_exact_out(&state, &market, &params, asset_in, trade.amount_out) {
        assert_eq!(bought.amount_out, trade.amount_out);
        if let Ok(sold) = swap_exact_in(&bought.after, &market, &params, out_asset, bought.amount_out) {
            assert!(sold.amount_out <= bought.amount_in, "exact-out round trip profited: {bought:?} then {sold:?}");
        }
    }

    // Selling the output straight back returns no more than went in.
    if let Ok(round) = swap_exact_in(&trade.after, &market, &params, out_asset, trade.amount_out) {
        assert!(round.amount_out <= trade.amount_in, "round trip profited: {trade:?} then {round:?}");
    }
});
