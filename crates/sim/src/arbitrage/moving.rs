//! The pool's swap in floats while its reference moves with the trade (price discovery): the
//! float twin of `Anchor::swap` selling an exact amount, so the arbitrageur can weigh many sizes
//! for about the cost of one exact swap. The trade it settles on is priced on the exact integer
//! math, which alone decides what the chain pays.

use crate::curve::Model;
use keel_core::dynamic::FEE_CEIL;
use keel_core::fixed::{signed_to_f64, to_f64};
use keel_core::{Anchor, Asset, CurveParams, PoolState};

/// One pool's discovering curve, in floats.
pub(super) struct Moving<'a> {
    state: &'a PoolState,
    /// The oracle's price, quote per base.
    oracle: f64,
    k: f64,
    /// The fee before the guard.
    fee: f64,
    guard: f64,
    /// The reference's offset from the oracle before the trade.
    drift: f64,
    /// The price band around the oracle, which also clamps the drift.
    band: f64,
    /// The reference's shift per quote unit traded: `4 / (discovery_depth * pool value)`.
    rate: f64,
    /// The fee's cap, [`FEE_CEIL`].
    ceiling: f64,
}

impl<'a> Moving<'a> {
    /// The curve of `state` at `anchor`; `None` where the floats do not hold (an empty pool, a
    /// depth of zero, a curve [`Model`] cannot take at the reference), so that no answer of
    /// [`Moving::out`] is lost to the floats alone.
    pub(super) fn new(state: &'a PoolState, anchor: &Anchor, params: &CurveParams) -> Option<Self> {
        let oracle = to_f64(anchor.market.price);
        let value = state.base_reserve as f64 * oracle + state.quote_reserve as f64;
        let rate = 4.0 / (to_f64(params.discovery_depth) * value);
        let moving = Moving {
            state,
            oracle,
            k: to_f64(anchor.market.k),
            fee: to_f64(anchor.market.fee),
            guard: to_f64(params.guard),
            drift: signed_to_f64(anchor.drift),
            band: to_f64(params.max_skew),
            rate,
            ceiling: to_f64(FEE_CEIL),
        };
        let fee = (moving.fee + moving.guard * moving.drift.abs()).min(moving.ceiling);
        let reference = oracle * (1.0 + moving.drift);
        (rate.is_finite() && Model::at(state, reference, moving.k, fee, moving.band).is_some())
            .then_some(moving)
    }

    /// What the pool pays (units of the other token) for `amount_in` units of `sell`: priced at
    /// the reference halfway through the trade's shift with the guard there, as `Anchor::swap`
    /// does; `None` where the price band refuses it or the floats do not hold.
    pub(super) fn out(&self, sell: Asset, amount_in: f64) -> Option<f64> {
        let shift = match sell {
            Asset::Base => -amount_in * self.oracle * self.rate,
            Asset::Quote => amount_in * self.rate,
        };
        let mid = (self.drift + shift / 2.0).clamp(-self.band, self.band);
        let end = (self.drift + shift).clamp(-self.band, self.band);
        let fee = (self.fee + self.guard * mid.abs()).min(self.ceiling);
        let model = Model::at(self.state, self.oracle * (1.0 + mid), self.k, fee, self.band)?;
        let (out, premium) = model.frame(sell).sell(amount_in * model.keep);
        // The band holds against the oracle at the reference the trade leaves behind.
        let reference = self.oracle * (1.0 + end);
        let within = premium.is_none_or(|f| match sell {
            Asset::Base => reference / f >= self.oracle * (1.0 - self.band),
            Asset::Quote => reference * f <= self.oracle * (1.0 + self.band),
        });
        (within && out.is_finite()).then_some(out)
    }
}
