//! The pure part: the pool's views decoded from the bytes the chain returns, and the core's
//! answers on them.

use core::fmt;

use keel_core::pool::{MarketStatus, PoolConfig};
use keel_core::{Band, CurveError, Greeks, PoolState};
use parity_scale_codec::Decode;

/// Why no answer was computed. Its `Display` is the name the page receives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The input is longer than the buffer.
    InputTooLong,
    /// The named view's bytes do not decode, or bytes are left over after the last (`"input"`).
    Malformed(&'static str),
    /// The core refused: an empty side, or a price or volatility outside the curve's bounds.
    Curve(CurveError),
    /// The answer does not fit the space kept for it (not reachable for the core's types).
    AnswerTooLong,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::InputTooLong => f.write_str("InputTooLong"),
            Failure::Malformed(view) => write!(f, "Malformed {view}"),
            Failure::Curve(e) => write!(f, "{e:?}"),
            Failure::AnswerTooLong => f.write_str("AnswerTooLong"),
        }
    }
}

/// The pool's views as the page writes them: `curve_state`, then `market_status`'s `Ok` value,
/// then `config`, each as the chain SCALE-encodes it, and nothing after.
pub struct Views {
    pub state: PoolState,
    pub market: MarketStatus,
    pub config: PoolConfig<[u8; 32]>,
}

impl Views {
    /// Decodes the three views from `input`.
    ///
    /// # Errors
    /// [`Failure::Malformed`] naming the first view that does not decode, or `"input"` when bytes
    /// are left after the last.
    pub fn decode(mut input: &[u8]) -> Result<Views, Failure> {
        let input = &mut input;
        let state = PoolState::decode(input).map_err(|_| Failure::Malformed("curve_state"))?;
        let market = MarketStatus::decode(input).map_err(|_| Failure::Malformed("market_status"))?;
        let config = PoolConfig::decode(input).map_err(|_| Failure::Malformed("config"))?;
        if !input.is_empty() {
            return Err(Failure::Malformed("input"));
        }
        Ok(Views {
            state,
            market,
            config,
        })
    }
}

/// The LP position's Greeks ([`MarketStatus::greeks`]) from the views' bytes.
///
/// # Errors
/// As [`Views::decode`]; [`Failure::Curve`] for what the core refuses.
pub fn greeks_of(input: &[u8]) -> Result<Greeks, Failure> {
    let v = Views::decode(input)?;
    v.market.greeks(&v.state, &v.config.curve).map_err(Failure::Curve)
}

/// The rebalancing band at the oracle's volatility ([`keel_core::RebalanceParams::band`]), as
/// the pool checks it, from the views' bytes.
///
/// # Errors
/// As [`Views::decode`]; [`Failure::Curve`] for what the core refuses.
pub fn band_of(input: &[u8]) -> Result<Band, Failure> {
    let v = Views::decode(input)?;
    v.config
        .rebalance
        .band(v.market.volatility)
        .map_err(Failure::Curve)
}
