//! One-entry memories per thread for [`PoolState::equilibrate`] (one per rounding), for
//! [`crate::swap_exact_in`] and for [`CurveParams::market`], for hosts that ask the same question
//! several times while nothing changed (the simulator's keeper and recorder read one block's
//! state in turn, each pricing the same reading at the same age; its arbitrageur prices a trade
//! that the pool then prices again). All are pure functions of their inputs, so an answer from
//! memory is the answer they would compute. Off unless the `memo` feature is on:
//! the contracts' Wasm never has it (cargo-contract builds them outside the workspace), while
//! native workspace builds unify features and so run the contracts' own unit tests with it.

use crate::math::Rounding;
use crate::swap::Trade;
use crate::{Asset, CurveError, CurveParams, Market, OracleReading, PoolState};
use std::cell::{Cell, RefCell};

type Key = (PoolState, u128, u128);
/// One question and its answer, read in place: a lookup copies the answer, not the question.
type Memory<K, V> = RefCell<Option<(K, V)>>;

std::thread_local! {
    static ON: Cell<bool> = const { Cell::new(true) };
    static DOWN: Memory<Key, Result<PoolState, CurveError>> = const { RefCell::new(None) };
    static UP: Memory<Key, Result<PoolState, CurveError>> = const { RefCell::new(None) };
    static SWAP: Memory<SwapKey, Result<Trade, CurveError>> = const { RefCell::new(None) };
    static MARKET: Memory<MarketKey, Result<Market, CurveError>> = const { RefCell::new(None) };
}

type SwapKey = (PoolState, Market, CurveParams, Asset, u128);
type MarketKey = (CurveParams, OracleReading);

/// Turns the memories on (the default) or off for this thread, and forgets what they hold, so a
/// benchmark can time the work they save.
pub fn remembering(on: bool) {
    ON.with(|c| c.set(on));
    DOWN.with(|c| c.replace(None));
    UP.with(|c| c.replace(None));
    SWAP.with(|c| c.replace(None));
    MARKET.with(|c| c.replace(None));
}

/// Whether this thread remembers ([`remembering`]).
fn remembers() -> bool {
    ON.with(Cell::get)
}

/// `state.equilibrate(price, k, rounding)` for `key = (state, price, k)` from memory, or
/// computed by `derive` and remembered.
pub(crate) fn equilibrate(
    key: &Key,
    rounding: Rounding,
    derive: impl FnOnce() -> Result<PoolState, CurveError>,
) -> Result<PoolState, CurveError> {
    match rounding {
        Rounding::Down => DOWN.with(|cell| answer(cell, key, derive)),
        Rounding::Up => UP.with(|cell| answer(cell, key, derive)),
    }
}

/// `swap_exact_in(state, market, params, asset_in, amount_in)` from memory, or computed by
/// `price` and remembered.
pub(crate) fn swap(
    key: &SwapKey,
    price: impl FnOnce() -> Result<Trade, CurveError>,
) -> Result<Trade, CurveError> {
    SWAP.with(|cell| answer(cell, key, price))
}

/// `params.market(reading)` from memory, or computed by `price` and remembered.
pub(crate) fn market(
    key: &MarketKey,
    price: impl FnOnce() -> Result<Market, CurveError>,
) -> Result<Market, CurveError> {
    MARKET.with(|cell| answer(cell, key, price))
}

/// The answer `cell` holds for `key`, or `compute`'s, which `cell` then holds.
fn answer<K: Copy + PartialEq, V: Copy>(cell: &Memory<K, V>, key: &K, compute: impl FnOnce() -> V) -> V {
    if remembers() {
        if let Some((k, out)) = cell.borrow().as_ref() {
            if k == key {
                return *out;
            }
        }
    }
    let out = compute();
    cell.replace(Some((*key, out)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ONE;

    fn reading(price: u128, volatility_pct: u128, age_ms: u64) -> OracleReading {
        OracleReading {
            price,
            volatility: ONE / 100 * volatility_pct,
            age_ms,
        }
    }

    /// The memory answers only the question it was asked: a reading that differs in its price,
    /// volatility or age, or the same reading under other parameters, is priced anew, and every
    /// answer (a refusal included) is the one the curve's own `k` and fee give.
    #[test]
    fn a_remembered_market_is_the_market_of_exactly_that_reading() {
        let params = CurveParams::default();
        let wider = CurveParams {
            fee_vol: params.fee_vol.saturating_mul(2),
            ..params
        };
        let fresh = reading(2 * ONE, 50, 6_000);
        let questions = [
            (params, fresh),
            (params, fresh),
            (params, reading(3 * ONE, 50, 6_000)),
            (params, reading(3 * ONE, 80, 6_000)),
            (params, reading(3 * ONE, 80, 60_000)),
            (wider, reading(3 * ONE, 80, 60_000)),
            (params, reading(0, 80, 60_000)),
            (params, fresh),
        ];
        remembering(true);
        for (p, r) in questions {
            let expected = if (crate::MIN_PRICE..=crate::MAX_PRICE).contains(&r.price) {
                Ok(Market {
                    price: r.price,
                    k: p.k(r.volatility).unwrap(),
                    fee: p.fee(r.volatility, r.age_ms).unwrap(),
                })
            } else {
                Err(CurveError::InvalidPrice)
            };
            assert_eq!(p.market(&r), expected, "{r:?}");
        }
    }
}
