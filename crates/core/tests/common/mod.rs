//! Shared by the curve's property tests: the case budget, generators of realistic pool states
//! (reserves 1e6..1e27 units, oracle 0.001..1000 quote per base, `k` 0.01..0.9, fee 0..1%, a
//! quarter of the cases at exactly zero fee; unbalanced states from a balanced pool and one or
//! two random swaps, a third of them priced at an oracle up to 10% away from the one the property
//! then uses), and value helpers.
//!
//! Every property runs `KEEL_PROPTEST_CASES` accepted cases (10,000 by default); cases where the
//! curve refuses a trade the property needs (a limit, dust, an empty side) are discarded and
//! replaced, not counted.

// The float model's values become token units by truncation, on purpose.
#![allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap
)]
// Each test binary uses a different part of this module.
#![allow(dead_code, unused_imports, unused_macros)]

#[path = "../model/mod.rs"]
pub mod model;

pub use keel_core::math::{Rounding, U256};
pub use keel_core::pmm::{integrate, premium, solve_target, solve_trade, Direction, Ratio};
pub use keel_core::{
    swap_exact_in, swap_exact_out, Asset, CurveError, CurveParams, Market, PoolState, Regime, Trade,
    MAX_RESERVE, ONE,
};
pub use model::FloatMarket;
use proptest::prelude::*;
use proptest::test_runner::RngAlgorithm;
use std::cell::OnceCell;

/// Discards the case: the curve refused a trade the property needs.
macro_rules! reject {
    () => {
        return Err(TestCaseError::reject(
            "the curve refused a trade the property needs",
        ))
    };
}

pub mod discovering;

pub fn config() -> ProptestConfig {
    let cases = std::env::var("KEEL_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    ProptestConfig {
        cases,
        max_global_rejects: cases,
        // ChaCha, proptest's default generator, costs a fifth of the run time in a debug build.
        rng_algorithm: RngAlgorithm::XorShift,
        ..ProptestConfig::default()
    }
}

/// Limits wide enough that they only bind on trades that move the price by half.
pub fn params() -> CurveParams {
    CurveParams {
        max_skew: ONE / 2,
        q_max: ONE,
        ..CurveParams::default()
    }
}

// Generators and helpers

/// Log-uniform in `lo..=hi`.
pub fn log_f64(lo: f64, hi: f64) -> impl Strategy<Value = f64> {
    (lo.log10()..=hi.log10()).prop_map(|e| 10f64.powf(e))
}

pub fn log_u128(lo: f64, hi: f64) -> impl Strategy<Value = u128> {
    log_f64(lo, hi).prop_map(|x| x as u128)
}

pub fn asset() -> impl Strategy<Value = Asset> {
    prop_oneof![Just(Asset::Base), Just(Asset::Quote)]
}

pub fn market() -> impl Strategy<Value = Market> {
    let fee = prop_oneof![1 => Just(0), 3 => 0..=ONE / 100];
    (log_u128(1e15, 1e21), ONE / 100..=ONE / 100 * 90, fee).prop_map(|(price, k, fee)| Market {
        price,
        k,
        fee,
    })
}

#[derive(Clone, Debug)]
pub struct PoolCase {
    pub state: PoolState,
    pub market: Market,
    /// `state` equilibrated for `market` (short target rounded down), computed on first use.
    eq: OnceCell<PoolState>,
}

impl PoolCase {
    pub fn new(state: PoolState, market: Market) -> PoolCase {
        PoolCase {
            state,
            market,
            eq: OnceCell::new(),
        }
    }

    pub fn float(&self) -> FloatMarket {
        FloatMarket::from_fixed(&self.market)
    }

    pub fn equilibrated(&self) -> PoolState {
        *self.eq.get_or_init(|| {
            self.state
                .equilibrate(self.market.price, self.market.k, Rounding::Down)
                .expect("a generated pool equilibrates")
        })
    }

    /// The token the equilibrated pool is short of, if any.
    pub fn short(&self) -> Option<Asset> {
        self.equilibrated().regime.short()
    }

    /// Value of the equilibrated targets at the oracle: the LPs' claim.
    pub fn target_value(&self) -> u128 {
        self.equilibrated()
            .target_value(self.market.price)
            .expect("a generated pool's targets have a value")
    }

    /// The amount of `x` worth `fraction` of the other side's reserve at the oracle (at least 1).
    pub fn amount_in(&self, x: Asset, fraction: f64) -> u128 {
        let other = self.state.reserve(x.other()) as f64;
        to_amount(fraction * other / self.float().price_of(x))
    }

    /// `fraction` of the reserve of `y` (at least 1).
    pub fn amount_out(&self, y: Asset, fraction: f64) -> u128 {
        to_amount(fraction * self.state.reserve(y) as f64)
    }

    pub fn exact_in(&self, x: Asset, amount: u128) -> Result<Trade, CurveError> {
        swap_exact_in(&self.state, &self.market, &params(), x, amount)
    }

    pub fn exact_out(&self, x: Asset, amount: u128) -> Result<Trade, CurveError> {
        swap_exact_out(&self.state, &self.market, &params(), x, amount)
    }

    pub fn after(&self, trade: &Trade) -> PoolCase {
        PoolCase::new(trade.after, self.market)
    }
}

pub fn to_amount(x: f64) -> u128 {
    (x as u128).clamp(1, MAX_RESERVE)
}

/// A balanced pool of `base` and a quote reserve worth `ratio` times it, after `moves`: each sells
/// one token for a `fraction` of the other side's reserve (halved until the curve accepts it, or
/// skipped) at an oracle `drift` times the market's.
pub fn build(market: Market, base: f64, ratio: f64, moves: &[(Asset, f64)], drift: f64) -> PoolCase {
    let price = market.price as f64 / ONE as f64;
    let quote = (base * price * ratio).clamp(1e6, 1e27);
    let setup = Market {
        price: (market.price as f64 * drift) as u128,
        ..market
    };
    let mut scenario = PoolCase::new(PoolState::balanced(base as u128, quote as u128), setup);
    for &(x, fraction) in moves {
        let mut fraction = fraction;
        for _ in 0..8 {
            if let Ok(trade) = scenario.exact_in(x, scenario.amount_in(x, fraction)) {
                scenario = scenario.after(&trade);
                break;
            }
            fraction /= 2.0;
        }
    }
    PoolCase::new(scenario.state, market)
}

pub fn drift() -> impl Strategy<Value = f64> {
    prop_oneof![2 => Just(1.0), 1 => log_f64(1.0 / 1.1, 1.1)]
}

pub fn moves() -> impl Strategy<Value = Vec<(Asset, f64)>> {
    prop::collection::vec((asset(), log_f64(1e-6, 1.0)), 1..=2)
}

/// A pool moved by one or two swaps, or (one case in five) still balanced.
pub fn scenario() -> impl Strategy<Value = PoolCase> {
    let moves = prop_oneof![1 => Just(Vec::new()), 4 => moves()];
    (market(), log_f64(1e6, 1e27), log_f64(1e-3, 1e3), moves, drift())
        .prop_map(|(market, base, ratio, moves, drift)| build(market, base, ratio, &moves, drift))
}

/// A pool moved by one or two swaps (balanced only if the curve refused them all).
pub fn scenario_moved() -> impl Strategy<Value = PoolCase> {
    (market(), log_f64(1e6, 1e27), log_f64(1e-3, 1e3), moves(), drift())
        .prop_map(|(market, base, ratio, moves, drift)| build(market, base, ratio, &moves, drift))
}

/// A pool made long `long` (short the other token) by a material sale of `long`.
pub fn scenario_long(long: Asset) -> impl Strategy<Value = PoolCase> {
    (
        market(),
        log_f64(1e6, 1e27),
        log_f64(1e-3, 1e3),
        log_f64(1e-3, 1.0),
        drift(),
    )
        .prop_map(move |(market, base, ratio, fraction, drift)| {
            build(market, base, ratio, &[(long, fraction)], drift)
        })
}

/// A trade size as a fraction of the output side's reserve.
pub fn fraction() -> impl Strategy<Value = f64> {
    log_f64(1e-9, 0.5)
}

/// Exact value of reserves `(base, quote)` at the oracle, in quote units times 1e18.
pub fn exact_value(base: u128, quote: u128, price: u128) -> U256 {
    U256::from(base) * U256::from(price) + U256::from(quote) * U256::from(ONE)
}

pub fn reserves_value(state: &PoolState, price: u128) -> U256 {
    exact_value(state.base_reserve, state.quote_reserve, price)
}

/// `|got - want| <= rel * want + units`.
pub fn close(got: u128, want: f64, rel: f64, units: f64) -> bool {
    (got as f64 - want).abs() <= rel * want + units
}
