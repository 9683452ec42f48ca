//! A floating-point reference model of the PMM, for checking the integer curve against.
//!
//! It is written from the curve's definition, not from the integer code. The marginal price of
//! the short token, in the long token, is `P(s) = p (1 - k + k s0^2 / s^2)`; everything below is
//! that one integral solved for whichever quantity is unknown. Each solver is set up on the
//! *amount moved* (not on the reserve level reached, as the integer code does), so a small trade
//! against a deep pool never subtracts two nearly equal floats: every quadratic is solved with
//! the cancellation-free form of its root. In the pool's ranges (reserves up to 1e27, prices
//! 1e-3..1e3, `k` 0.01..0.9) the model is good to about 1e-14 relative.
//!
//! Conventions: amounts are `f64` token units, `p` is the price of the short token in units of
//! the long token, `k` and `fee` are plain fractions (0.25, not 0.25e18).

use keel_core::{Asset, PoolState};

/// Long-token value of raising the short reserve from `lo` to `lo + span` on the curve with
/// target `s0`:
///
/// ```text
/// integral_lo^hi p (1 - k + k s0^2 / s^2) ds = p (hi - lo) (1 - k) + p k s0^2 (1/lo - 1/hi)
///                                            = p span (1 - k + k s0^2 / (lo hi))
/// ```
pub fn value_of_move(s0: f64, lo: f64, span: f64, p: f64, k: f64) -> f64 {
    let hi = lo + span;
    p * span * (1.0 - k + k * s0 * s0 / (lo * hi))
}

/// Short tokens paid out when `long_in` of the long token is sold to a pool whose short reserve
/// is `s1` (target `s0`): the `delta` with `value_of_move(s0, s1 - delta, delta) = long_in`.
///
/// With `d = long_in / p` and `lo = s1 - delta`, multiplying `d = (1-k) delta + k s0^2 delta /
/// (s1 lo)` through by `s1 lo` gives
/// `(1-k) s1 delta^2 - ((1-k) s1^2 + k s0^2 + d s1) delta + d s1^2 = 0`; the payout is the root
/// below `s1` (the quadratic is negative at `delta = s1`), i.e. the smaller one.
pub fn drain_out(s0: f64, s1: f64, long_in: f64, p: f64, k: f64) -> f64 {
    let d = long_in / p;
    let a = (1.0 - k) * s1;
    let b = (1.0 - k) * s1 * s1 + k * s0 * s0 + d * s1;
    let c = d * s1 * s1;
    // Smaller root 2c / (b + sqrt(b^2 - 4ac)): all of b's terms are positive, no cancellation.
    2.0 * c / (b + (b * b - 4.0 * a * c).sqrt())
}

/// Short tokens needed to take `long_out` of the long token out of a pool whose short reserve is
/// `s1` (target `s0`): the `delta` with `value_of_move(s0, s1, delta) = long_out`.
///
/// With `d = long_out / p` and `hi = s1 + delta`: `(1-k) s1 delta^2 + ((1-k) s1^2 + k s0^2 - d s1)
/// delta - d s1^2 = 0`, whose positive root is the answer.
pub fn refill_in(s0: f64, s1: f64, long_out: f64, p: f64, k: f64) -> f64 {
    let d = long_out / p;
    let a = (1.0 - k) * s1;
    let b = (1.0 - k) * s1 * s1 + k * s0 * s0 - d * s1;
    let c = d * s1 * s1;
    let root = (b * b + 4.0 * a * c).sqrt();
    if b >= 0.0 {
        2.0 * c / (b + root)
    } else {
        (root - b) / (2.0 * a)
    }
}

/// How far above the short reserve `s1` its target lies when refilling to it is worth `excess`
/// of the long token: `value_of_move(s1 + y, s1, y) = excess`.
///
/// `d = y (1 - k) + k y (s1 + y) / s1 = y + k y^2 / s1` with `d = excess / p`, so
/// `y = 2 d / (1 + sqrt(1 + 4 k d / s1))`.
pub fn target_gap(s1: f64, excess: f64, p: f64, k: f64) -> f64 {
    let d = excess / p;
    2.0 * d / (1.0 + (1.0 + 4.0 * k * d / s1).sqrt())
}

/// The market in plain floats.
#[derive(Clone, Copy, Debug)]
pub struct FloatMarket {
    /// Quote per base.
    pub price: f64,
    pub k: f64,
    pub fee: f64,
}

impl FloatMarket {
    /// From the 1e18 fixed-point market.
    pub fn from_fixed(market: &keel_core::Market) -> FloatMarket {
        let one = keel_core::ONE as f64;
        FloatMarket {
            price: market.price as f64 / one,
            k: market.k as f64 / one,
            fee: market.fee as f64 / one,
        }
    }

    /// Price of `asset` in units of the other token.
    pub fn price_of(&self, asset: Asset) -> f64 {
        match asset {
            Asset::Base => self.price,
            Asset::Quote => 1.0 / self.price,
        }
    }
}

/// Where the pool sits relative to its targets when `x` is sold to it.
enum Position {
    /// `x` is the short token: refilling it first moves toward target. `room` is the distance
    /// from `x`'s reserve up to its derived target, `excess` the long token `y`'s surplus over
    /// its target, `s1` the reserve of `x`, `y0` the target of `y`.
    Toward {
        s1: f64,
        room: f64,
        excess: f64,
        y0: f64,
    },
    /// `y` is short (or nothing is): selling `x` drains `y` from `y1` with target `y0`.
    Away { y1: f64, y0: f64 },
}

fn position(state: &PoolState, m: &FloatMarket, x: Asset) -> Position {
    let y = x.other();
    let short = state.regime.short();
    let Some(short) = short else {
        let y1 = state.reserve(y) as f64;
        return Position::Away { y1, y0: y1 };
    };
    let long = short.other();
    // The long side's surplus is an exact integer; only the short side's target is derived.
    let surplus = state.reserve(long).saturating_sub(state.target(long));
    let s1 = state.reserve(short) as f64;
    let gap = target_gap(s1, surplus as f64, m.price_of(short), m.k);
    if short == x && surplus > 0 {
        Position::Toward {
            s1,
            room: gap,
            excess: surplus as f64,
            y0: state.target(y) as f64,
        }
    } else {
        Position::Away {
            y1: state.reserve(y) as f64,
            y0: state.reserve(y) as f64 + gap,
        }
    }
}

/// Tokens of `x.other()` paid out for selling exactly `amount` of `x`, fee included.
pub fn exact_in(state: &PoolState, m: &FloatMarket, x: Asset, amount: f64) -> f64 {
    let y = x.other();
    let net = amount * (1.0 - m.fee);
    match position(state, m, x) {
        Position::Toward { s1, room, excess, y0 } => {
            if net <= room {
                value_of_move(s1 + room, s1, net, m.price_of(x), m.k).min(excess)
            } else {
                // Refill to target (which pays the whole excess), then drain `y` from its target.
                excess + drain_out(y0, y0, net - room, m.price_of(y), m.k)
            }
        }
        Position::Away { y1, y0 } => drain_out(y0, y1, net, m.price_of(y), m.k),
    }
}

/// Tokens of `x` to pay, fee included, to receive exactly `amount` of `x.other()`.
pub fn exact_out(state: &PoolState, m: &FloatMarket, x: Asset, amount: f64) -> f64 {
    let y = x.other();
    let curve_in = match position(state, m, x) {
        Position::Toward { s1, room, excess, y0 } => {
            if amount < excess {
                refill_in(s1 + room, s1, amount, m.price_of(x), m.k)
            } else {
                let rest = amount - excess;
                room + value_of_move(y0, y0 - rest, rest, m.price_of(y), m.k)
            }
        }
        Position::Away { y1, y0 } => value_of_move(y0, y1 - amount, amount, m.price_of(y), m.k),
    };
    curve_in / (1.0 - m.fee)
}
