//! The pool's curve in floats: the equilibrated targets from the closed form of
//! `pmm::solve_target`, marginal prices, the trade that moves the price to a given level and the
//! output of a given input.
//! For what the simulator decides and records between trades; every trade itself is priced on the
//! pool's exact integer math.

use keel_core::fixed::{to_f64, u128_to_f64 as float};
use keel_core::{Asset, CurveParams, Market, PoolState};

/// The curve's premium `1 - k + k (s0 / s)^2` at short reserve `s` and target `s0`.
pub(crate) fn premium(s0: f64, s: f64, k: f64) -> f64 {
    let ratio = s0 / s;
    1.0 - k + k * ratio * ratio
}

/// The short reserve at which the premium is `f >= 1`: the inverse of [`premium`].
fn level_at(s0: f64, f: f64, k: f64) -> f64 {
    s0 / ((f - 1.0 + k) / k).sqrt()
}

/// Long-token value of moving the short reserve between `hi` and `lo` at oracle price `price`
/// (of the short token in the long one): `p (hi - lo) (1 - k + k s0^2 / (hi lo))`.
fn value(s0: f64, hi: f64, lo: f64, price: f64, k: f64) -> f64 {
    price * (hi - lo) * (1.0 - k + k * s0 / hi * (s0 / lo))
}

/// The short side's target for a long excess worth `d` short tokens at the oracle price:
/// `s0 = s + 2 d s / (s + sqrt(s^2 + 4 k d s))`, the float twin of `pmm::solve_target`.
fn target_of(s: f64, d: f64, k: f64) -> f64 {
    s + 2.0 * d * s / (s + (s * s + 4.0 * k * d * s).sqrt())
}

/// The pool's equilibrated curve in floats (token units), for sizing without the integer math.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Model {
    /// Base reserve and its equilibrated target.
    pub(crate) base: (f64, f64),
    /// Quote reserve and its equilibrated target.
    pub(crate) quote: (f64, f64),
    pub(crate) short: Option<Asset>,
    /// Oracle price, quote per base.
    pub(crate) price: f64,
    pub(crate) k: f64,
    /// Share of the input that moves along the curve, `1 - fee`.
    pub(crate) keep: f64,
    /// Band on the short token's premium, base short and quote short, from `max_skew` (the
    /// arbitrageur's [`crate::arbitrage::on_pool`] loosens it to the band around the oracle).
    pub(crate) band: (f64, f64),
}

/// One side of a trade on the [`Model`]: the arbitrageur sells `sold` and buys `bought`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Frame {
    /// Reserve and equilibrated target of the token sold.
    pub(crate) sold: (f64, f64),
    /// Reserve and equilibrated target of the token bought (its reserve when it is not short).
    pub(crate) bought: (f64, f64),
    /// Whether the pool is short of the token sold, so the trade refills it first.
    pub(crate) sold_short: bool,
    /// Oracle price of the bought token in the sold one.
    pub(crate) price: f64,
    pub(crate) k: f64,
}

impl Frame {
    /// The bought token's premium now: below one while the sold token is short.
    pub(crate) fn premium(&self) -> f64 {
        if self.sold_short {
            1.0 / premium(self.sold.1, self.sold.0, self.k)
        } else {
            premium(self.bought.1, self.bought.0, self.k)
        }
    }

    /// Net curve input (sold token) and output (bought token) of the trade that leaves the bought
    /// token's premium at `f`, for `f` above [`Frame::premium`]: refilling the sold token first
    /// when it is short, across its target into the other side when `f >= 1`.
    pub(crate) fn trade_to(&self, f: f64) -> (f64, f64) {
        let k = self.k;
        let (mut net, mut out) = (0.0, 0.0);
        let (mut reserve, target) = self.bought;
        if self.sold_short {
            let (s1, s0) = self.sold;
            if f < 1.0 {
                let level = level_at(s0, 1.0 / f, k);
                return (level - s1, value(s0, level, s1, 1.0 / self.price, k));
            }
            // The refill pays out the long excess and leaves the pool at its targets.
            (net, out, reserve) = (s0 - s1, reserve - target, target);
        }
        let level = level_at(target, f, k);
        (
            net + value(target, reserve, level, self.price, k),
            out + reserve - level,
        )
    }

    /// The bought token's output for a net curve input `net` of the sold token: refilling the
    /// sold token first when it is short, then draining the bought one (the float twin of the
    /// exact swap's `move_along`). The second value is the bought token's premium after the
    /// trade when the trade leaves it short, the side the price band binds.
    pub(crate) fn sell(&self, net: f64) -> (f64, Option<f64>) {
        let k = self.k;
        let (mut net, mut out) = (net, 0.0);
        let (mut reserve, target) = self.bought;
        if self.sold_short {
            let (s1, s0) = self.sold;
            let room = s0 - s1;
            if net <= room {
                let paid = value(s0, s1 + net, s1, 1.0 / self.price, k);
                return (paid.min(reserve - target), None);
            }
            (net, out, reserve) = (net - room, reserve - target, target);
        }
        // The bought reserve falls to `lo`, where the curve's value of the move is `net`:
        // (1 - k) lo^2 + b lo - k s0^2 = 0, solved in the form that does not cancel.
        let b = net / self.price - (1.0 - k) * reserve + k * target * target / reserve;
        let c = k * target * target;
        let root = (b * b + 4.0 * (1.0 - k) * c).sqrt();
        let lo = if b >= 0.0 {
            2.0 * c / (b + root)
        } else {
            (root - b) / (2.0 * (1.0 - k))
        };
        (out + reserve - lo, Some(premium(target, lo, k)))
    }
}

impl Model {
    /// The state equilibrated at the market's price and `k`, or `None` where the closed forms do
    /// not hold (`k` at 0 or 1, a fee of 100%, an empty short reserve, non-finite values).
    pub(crate) fn of(state: &PoolState, market: &Market, params: &CurveParams) -> Option<Model> {
        let (price, k, fee) = (to_f64(market.price), to_f64(market.k), to_f64(market.fee));
        Model::at(state, price, k, fee, to_f64(params.max_skew))
    }

    /// [`Model::of`] for a market given in floats: `price` (quote per base), and `k`, `fee` and
    /// the band `skew` as fractions.
    pub(crate) fn at(state: &PoolState, price: f64, k: f64, fee: f64, skew: f64) -> Option<Model> {
        let (base, quote) = (float(state.base_reserve), float(state.quote_reserve));
        let mut model = Model {
            base: (base, base),
            quote: (quote, quote),
            short: None,
            price,
            k,
            keep: 1.0 - fee,
            band: (1.0 + skew, 1.0 / (1.0 - skew)),
        };
        if let Some(short) = state.regime.short() {
            let excess = float(
                state
                    .reserve(short.other())
                    .saturating_sub(state.target(short.other())),
            );
            if excess > 0.0 {
                model.short = Some(short);
                match short {
                    Asset::Base => {
                        model.base.1 = target_of(model.base.0, excess / price, k);
                        model.quote.1 = float(state.quote_target);
                    }
                    Asset::Quote => {
                        model.quote.1 = target_of(model.quote.0, excess * price, k);
                        model.base.1 = float(state.base_target);
                    }
                }
            }
        }
        let finite = [model.base.0, model.base.1, model.quote.0, model.quote.1, price]
            .iter()
            .all(|v| v.is_finite() && *v > 0.0);
        (finite && k > 0.0 && k < 1.0 && model.keep > 0.0 && skew < 1.0).then_some(model)
    }

    /// The side selling `sell`.
    pub(crate) fn frame(&self, sell: Asset) -> Frame {
        let (sold, bought, price) = match sell {
            Asset::Base => (self.base, self.quote, 1.0 / self.price),
            Asset::Quote => (self.quote, self.base, self.price),
        };
        Frame {
            sold,
            bought,
            sold_short: self.short == Some(sell),
            price,
            k: self.k,
        }
    }

    /// Inventory imbalance `q`: the base excess over its target at the oracle price, as a share
    /// of the targets' value (the float twin of `PoolState::inventory`).
    pub(crate) fn inventory(&self) -> f64 {
        let value = self.base.1 * self.price + self.quote.1;
        if value <= 0.0 {
            return 0.0;
        }
        (self.base.0 - self.base.1) * self.price / value
    }

    /// Marginal price of base in quote (the float twin of `PoolState::marginal_price`).
    pub(crate) fn mid(&self) -> f64 {
        match self.short {
            None => self.price,
            Some(Asset::Base) => self.price * premium(self.base.1, self.base.0, self.k),
            Some(Asset::Quote) => self.price / premium(self.quote.1, self.quote.0, self.k),
        }
    }
}
