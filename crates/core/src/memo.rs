//! One-entry memories per thread for [`PoolState::equilibrate`] (one per rounding) and for
//! [`crate::swap_exact_in`], for hosts that ask the same question several times while nothing
//! changed (the simulator's keeper and recorder read one block's state in turn; its arbitrageur
//! prices a trade that the pool then prices again). Both are pure functions of their inputs, so
//! an answer from memory is the answer they would compute. Off unless the `memo` feature is on:
//! the contracts' Wasm never has it (cargo-contract builds them outside the workspace), while
//! native workspace builds unify features and so run the contracts' own unit tests with it.

use crate::math::Rounding;
use crate::swap::Trade;
use crate::{Asset, CurveError, CurveParams, Market, PoolState};
use std::cell::Cell;

type Key = (PoolState, u128, u128);

std::thread_local! {
    static ON: Cell<bool> = const { Cell::new(true) };
    static DOWN: Cell<Option<(Key, PoolState)>> = const { Cell::new(None) };
    static UP: Cell<Option<(Key, PoolState)>> = const { Cell::new(None) };
    static SWAP: Cell<Option<(SwapKey, Result<Trade, CurveError>)>> = const { Cell::new(None) };
}

type SwapKey = (PoolState, Market, CurveParams, Asset, u128);

fn with<T>(rounding: Rounding, f: impl FnOnce(&Cell<Option<(Key, PoolState)>>) -> T) -> T {
    match rounding {
        Rounding::Down => DOWN.with(f),
        Rounding::Up => UP.with(f),
    }
}

/// Turns the memory on (the default) or off for this thread, so a benchmark can time the
/// re-derivation it saves.
pub fn remembering(on: bool) {
    ON.with(|c| c.set(on));
    DOWN.with(|c| c.set(None));
    UP.with(|c| c.set(None));
    SWAP.with(|c| c.set(None));
}

/// The re-derivation remembered for exactly these inputs, if it is the last one made.
pub(crate) fn recall(state: &PoolState, price: u128, k: u128, rounding: Rounding) -> Option<PoolState> {
    if !ON.with(Cell::get) {
        return None;
    }
    with(rounding, |cell| {
        cell.get()
            .and_then(|(key, out)| (key == (*state, price, k)).then_some(out))
    })
}

/// Remembers a re-derivation.
pub(crate) fn remember(state: &PoolState, price: u128, k: u128, rounding: Rounding, out: PoolState) {
    with(rounding, |cell| cell.set(Some(((*state, price, k), out))));
}

/// `swap_exact_in(state, market, params, asset_in, amount_in)` from memory, or computed by
/// `price` and remembered.
pub(crate) fn swap(
    key: &SwapKey,
    price: impl FnOnce() -> Result<Trade, CurveError>,
) -> Result<Trade, CurveError> {
    if ON.with(Cell::get) {
        if let Some((k, out)) = SWAP.with(Cell::get) {
            if k == *key {
                return out;
            }
        }
    }
    let out = price();
    SWAP.with(|c| c.set(Some((*key, out))));
    out
}
