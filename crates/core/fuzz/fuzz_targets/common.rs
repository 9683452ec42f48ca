//! Inputs shared by the targets: a pool and a market drawn inside the curve's documented bounds.

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use keel_core::{Asset, CurveParams, Market, OracleReading, PoolState, Trade, ONE};

#[derive(Arbitrary, Debug, Clone, Copy)]
pub struct FuzzPool {
    pub base: u64,
    pub quote_per_base: u32,
    pub price_milli: u16,
    pub volatility_pct: u16,
    pub age_s: u16,
}

impl FuzzPool {
    /// A balanced pool of 1..=2^64 base units and the market it trades in, or `None` when the
    /// draw is outside the curve's bounds (the curve refuses those, which the targets also check).
    pub fn build(&self) -> Option<(PoolState, Market, CurveParams)> {
        let base = u128::from(self.base).max(1_000) * 1_000_000;
        let quote = base.checked_mul(u128::from(self.quote_per_base.max(1)))?;
        let price = u128::from(self.price_milli.max(1)).checked_mul(ONE / 1_000)?;
        let params = CurveParams::default();
        let reading = OracleReading {
            price,
            volatility: u128::from(self.volatility_pct % 1_000) * (ONE / 100),
            age_ms: u64::from(self.age_s) * 1_000,
        };
        let market = params.market(&reading).ok()?;
        Some((PoolState::balanced(base, quote), market, params))
    }
}

pub fn asset(base: bool) -> Asset {
    if base {
        Asset::Base
    } else {
        Asset::Quote
    }
}

/// `base` and `quote` valued in quote at `price` (1e18, at most 65.535e18 here), rounded toward
/// zero; exact enough for "did the trader gain", since every trade moves at least one unit.
#[allow(dead_code)] // used by trade_sequence only
pub fn value(base: i128, quote: i128, price: u128) -> i128 {
    let price = price as i128;
    let whole = base / (ONE as i128);
    let frac = base % (ONE as i128);
    whole * price + frac * price / (ONE as i128) + quote
}

/// Books `trade` into a trader's token flows `(base, quote)`: what it paid goes out, what it got
/// comes in.
#[allow(dead_code)] // used by the sequence targets only
pub fn book(flows: &mut (i128, i128), sell_base: bool, trade: &Trade) {
    let (paid, got) = (trade.amount_in as i128, trade.amount_out as i128);
    let (sold, bought) = if sell_base {
        (&mut flows.0, &mut flows.1)
    } else {
        (&mut flows.1, &mut flows.0)
    };
    *sold -= paid;
    *bought += got;
}
