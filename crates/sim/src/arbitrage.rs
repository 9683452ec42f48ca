//! The arbitrageur's sizing: the most profitable trade against a reference price, on the pool
//! (closed form on the curve in floats, or with price discovery a search on the float twin of the
//! swap, then priced once with the pool's own integer math, so the chain pays exactly what was
//! planned) and on the constant-product venue (closed form, checked with the venue's integer
//! math).

use crate::curve::Model;
use core::cmp::Ordering;
use keel_core::fixed::{to_f64, u128_to_f64 as float, units_from_f64};
use keel_core::{cpmm, Anchor, Asset, CurveParams, PoolState, SwapKind, Trade};
use moving::Moving;

/// A trade the arbitrageur will send: sell `amount_in` of `sell`, expecting `amount_out`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ArbTrade {
    pub sell: Asset,
    pub amount_in: u128,
    pub amount_out: u128,
    /// Profit at the reference price, in quote tokens.
    pub profit: f64,
}

const WAD: f64 = 1e18;

/// The smallest trade the search considers, as a share of the most it may sell.
const PROBE_FRACTION: u128 = 1_000_000;

/// Relative margin by which the reference must clear the pool's marginal price net of fee (and by
/// which the sizing stays inside the price band) before the closed form plans a trade: float
/// rounding is far smaller, so a planned trade is never a loss or a refusal by rounding alone.
const MARGIN: f64 = 1e-9;

/// Relative slack on `min_profit` within which the float model's profit estimate may settle "no
/// trade" on its own; its error is orders of magnitude smaller.
const PROFIT_SLACK: f64 = 1e-3;

/// The searches' resolution, as a divisor of the size: on the exact curve each step costs an
/// exact swap; on the float twin ([`Moving`]) a step is cheap, so it narrows a million times
/// further.
const EXACT_RESOLUTION: u128 = 1_000;
const FLOAT_RESOLUTION: u128 = 1_000_000_000;

/// Profit (quote tokens) of selling `amount_in` of `sell` for `amount_out` when base is worth
/// `reference` quote.
fn profit(sell: Asset, amount_in: u128, amount_out: u128, reference: f64) -> f64 {
    profit_f64(sell, float(amount_in), float(amount_out), reference)
}

/// [`profit`] on amounts (token units) as floats.
fn profit_f64(sell: Asset, amount_in: f64, amount_out: f64, reference: f64) -> f64 {
    let (base, quote) = match sell {
        Asset::Base => (-amount_in, amount_out),
        Asset::Quote => (amount_out, -amount_in),
    };
    (base * reference + quote) / WAD
}

/// A planned trade on the [`Model`]: gross input (fee included) and output in token units, and
/// its profit in quote tokens at the reference.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Plan {
    amount_in: f64,
    amount_out: f64,
    profit: f64,
}

impl Model {
    /// The profit-maximising trade selling `sell` toward `reference`, before funds and reserve
    /// limits: the one that leaves the marginal price net of fee at the reference, or at the price
    /// band's edge if that comes first. `None` when the reference lies inside the pool's marginal
    /// bid and ask net of fee (within [`MARGIN`]): then no trade on that side pays.
    fn plan(&self, sell: Asset, reference: f64) -> Option<Plan> {
        let frame = self.frame(sell);
        // The bought token's worth in the sold one, at the reference.
        let worth = match sell {
            Asset::Base => 1.0 / reference,
            Asset::Quote => reference,
        };
        let edge = match sell {
            Asset::Base => self.band.1,
            Asset::Quote => self.band.0,
        };
        let f = (worth * self.keep / frame.price).min(edge * (1.0 - MARGIN));
        // A non-finite reference compares as no trade.
        if f.partial_cmp(&(frame.premium() * (1.0 + MARGIN))) != Some(Ordering::Greater) {
            return None;
        }
        let (net, amount_out) = frame.trade_to(f);
        let amount_in = net / self.keep;
        Some(Plan {
            amount_in,
            amount_out,
            profit: profit_f64(sell, amount_in, amount_out, reference),
        })
    }
}

#[cfg(test)]
thread_local! {
    /// Exact swaps priced on this thread by the sizing, for tests that show which paths skip them.
    static EXACT_SWAPS: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// One arbitrage question against the pool: its state, anchor and parameters, the reference price
/// (quote per base) and the least profit (quote tokens) worth a trade.
struct Arb<'a> {
    state: &'a PoolState,
    anchor: &'a Anchor,
    params: &'a CurveParams,
    reference: f64,
    min_profit: f64,
}

impl Arb<'_> {
    /// The pool's exact price for selling `amount_in` of `sell`; `None` where it refuses.
    fn exact(&self, sell: Asset, amount_in: u128) -> Option<Trade> {
        #[cfg(test)]
        EXACT_SWAPS.with(|n| n.set(n.get() + 1));
        self.anchor
            .swap(self.state, self.params, SwapKind::ExactIn, sell, amount_in)
            .ok()
            .map(|p| p.trade)
    }

    /// The profit of selling `amount_in` of `sell` at the pool's exact price; `None` where it
    /// refuses.
    fn exact_gain(&self, sell: Asset, amount_in: u128) -> Option<f64> {
        self.exact(sell, amount_in)
            .map(|t| profit(sell, amount_in, t.amount_out, self.reference))
    }

    /// The trade at `amount_in` if it earns more than `min_profit`.
    fn priced(&self, sell: Asset, amount_in: u128, t: &Trade) -> Option<ArbTrade> {
        let p = profit(sell, amount_in, t.amount_out, self.reference);
        (p > self.min_profit).then_some(ArbTrade {
            sell,
            amount_in,
            amount_out: t.amount_out,
            profit: p,
        })
    }

    /// The best trade selling at most `budget` of `sell`: the [`Model`]'s size priced once on the
    /// exact curve. Where the model does not apply, the pool refuses that size, or the exact
    /// profit falls short of the model's, the answer is [`Arb::search`]'s.
    fn closed_form(&self, model: Option<&Model>, sell: Asset, budget: u128) -> Option<ArbTrade> {
        let Some(model) = model else {
            return self.search(sell, budget);
        };
        let plan = model.plan(sell, self.reference)?;
        if plan.profit < self.min_profit * (1.0 - PROFIT_SLACK) {
            return None;
        }
        let hi = budget.min(self.state.reserve(sell));
        let sized = units_from_f64(plan.amount_in, 0)?.max(1);
        if self.params.discovers() {
            return self.search_moving(sell, sized.min(hi), hi);
        }
        let x = sized.min(hi);
        let Some(t) = self.exact(sell, x) else {
            return self.search(sell, budget);
        };
        if let Some(trade) = self.priced(sell, x, &t) {
            return Some(trade);
        }
        // Unclamped and as profitable as modelled: the best trade is within the slack of
        // `min_profit`, which is no trade.
        let exact = profit(sell, x, t.amount_out, self.reference);
        if x == sized && exact >= plan.profit * (1.0 - PROFIT_SLACK) {
            return None;
        }
        self.search(sell, budget)
    }

    /// The best trade selling at most `hi` of `sell` on a discovering pool: the size searched on
    /// the float twin of its swap ([`Moving`]) from the model's `sized` as [`Arb::search_near`]
    /// searches, then priced once on the exact curve. The twin models every limit but the
    /// inventory limit and the reserve cap, so where no size profits on it none does on the
    /// pool: no trade, and no exact swap. Where the floats do not hold, or the exact swap refuses
    /// the twin's size or pays less than it promised, the answer is [`Arb::search_near`]'s.
    fn search_moving(&self, sell: Asset, sized: u128, hi: u128) -> Option<ArbTrade> {
        let Some(moving) = Moving::new(self.state, self.anchor, self.params) else {
            return self.search_near(sell, sized, hi);
        };
        let gain = |x: u128| {
            let amount_in = float(x);
            moving
                .out(sell, amount_in)
                .map(|out| profit_f64(sell, amount_in, out, self.reference))
        };
        let (x, p) = best_size((sized / 8).max(1).min(hi), hi, FLOAT_RESOLUTION, gain);
        if x == 0 || p < self.min_profit * (1.0 - PROFIT_SLACK) {
            return None;
        }
        if let Some(t) = self.exact(sell, x) {
            if profit(sell, x, t.amount_out, self.reference) >= p * (1.0 - PROFIT_SLACK) {
                return self.priced(sell, x, &t);
            }
        }
        self.search_near(sell, sized, hi)
    }

    /// The best trade selling at most `hi` of `sell` near the model's size `sized` (which prices
    /// at the reference before the trade moves it, and caps at the looser of the band around it and
    /// around the oracle, set in [`on_pool`]): doubling
    /// from an eighth of it brackets the peak, then a golden section, some twenty exact swaps.
    fn search_near(&self, sell: Asset, sized: u128, hi: u128) -> Option<ArbTrade> {
        let gain = |x: u128| self.exact_gain(sell, x);
        let (x, p) = best_size((sized / 8).max(1).min(hi), hi, EXACT_RESOLUTION, gain);
        if x == 0 || p <= 0.0 {
            return self.search(sell, hi);
        }
        let t = self.exact(sell, x)?;
        self.priced(sell, x, &t)
    }

    /// The best trade selling at most `budget` of `sell`, by searching the exact curve: a probe,
    /// then [`best_size`]. Some thirty exact swaps per side that pays.
    fn search(&self, sell: Asset, budget: u128) -> Option<ArbTrade> {
        let hi = budget.min(self.state.reserve(sell));
        let gain = |x: u128| self.exact_gain(sell, x);
        // Profit is concave and zero at zero: if a trade at the search's resolution loses,
        // every larger one does too.
        let probe = (hi / PROBE_FRACTION).max(1);
        if gain(probe).is_none_or(|p| p <= 0.0) {
            return None;
        }
        let (x, _) = best_size(probe, hi, EXACT_RESOLUTION, gain);
        let t = self.exact(sell, x)?;
        self.priced(sell, x, &t)
    }
}

/// The most profitable size in `[probe, hi]` of a profit that is concave, zero at zero and
/// positive at `probe`: doubling from `probe` brackets the peak, then [`golden`] narrows it to
/// `1 / resolution` of the size. `out` is `None` where the pool refuses the size. Returns the
/// best size evaluated and its profit.
fn best_size(probe: u128, hi: u128, resolution: u128, out: impl Fn(u128) -> Option<f64>) -> (u128, f64) {
    let mut best = (0u128, 0.0f64);
    let mut value = |x: u128| {
        let p = out(x).unwrap_or(f64::MIN);
        if p > best.1 {
            best = (x, p);
        }
        p
    };
    let (mut lo, mut x, mut px) = (0u128, probe, value(probe));
    let mut top = hi;
    loop {
        let next = x.saturating_mul(2).min(hi);
        if next == x {
            break;
        }
        let pn = value(next);
        if pn <= px {
            top = next;
            break;
        }
        (lo, x, px) = (x, next, pn);
    }
    let inner = golden(lo, top, resolution, out);
    if inner.1 > best.1 {
        inner
    } else {
        best
    }
}

/// The most profitable size in `[lo, top]` of a concave profit, by golden section to
/// `1 / resolution` of the size: each step keeps one inner point and evaluates one new one.
/// Returns the best size evaluated and its profit, `(0, 0.0)` when none is positive.
fn golden(lo: u128, top: u128, resolution: u128, out: impl Fn(u128) -> Option<f64>) -> (u128, f64) {
    let mut best = (0u128, 0.0f64);
    let mut value = |x: u128| {
        let p = out(x).unwrap_or(f64::MIN);
        if p > best.1 {
            best = (x, p);
        }
        p
    };
    let (mut a, mut b) = (lo, top);
    let mut c = a + ((b - a) as f64 * 0.381_966) as u128;
    let mut d = b - (c - a);
    let (mut fc, mut fd) = (value(c), value(d));
    while c < d && b - a > (b / resolution).max(2) {
        if fc < fd {
            (a, c, fc) = (c, d, fd);
            d = b - (c - a);
            fd = value(d);
        } else {
            (b, d, fd) = (d, c, fc);
            c = a + (b - d);
            fc = value(c);
        }
    }
    best
}

/// The best trade on the pool toward `reference` (quote per base), selling at most `funds` of
/// each token `(base, quote)`; `None` when no trade earns more than `min_profit` quote tokens.
///
/// The size is the closed-form optimum on the curve (stopping short of the price band), priced
/// once with [`swap_exact_in`], so `amount_out` is exactly what the pool pays for `amount_in`.
/// With price discovery on, the size is searched on the float twin of the pool's swap instead
/// ([`Moving`]), then priced once the same way.
/// A reference inside the pool's marginal prices net of fee costs no exact swap at all. Where one
/// exact price does not settle the answer (the pool refuses the size, as at the inventory limit,
/// or pays less than the model expects) the size comes from a search over the exact curve, so
/// behaviour at the limits is the search's. A best trade within 0.1% of `min_profit` may be
/// judged either way.
pub fn on_pool(
    state: &PoolState,
    anchor: &Anchor,
    params: &CurveParams,
    reference: f64,
    funds: (u128, u128),
    min_profit: f64,
) -> Option<ArbTrade> {
    let arb = Arb {
        state,
        anchor,
        params,
        reference,
        min_profit,
    };
    // The pool holds the band around the oracle at the reference a trade leaves, which moves with
    // the trade, so the band around the oracle at today's reference bounds it from above. The
    // model's cap is the looser of that and the band around the reference: it rules out no trade
    // the pool takes, and sizes as it did wherever the band around the reference is the looser
    // (the twin and the exact swap then hold the band where it is).
    let model = anchor.quoted(params).ok().and_then(|quoted| {
        let mut model = Model::of(state, &quoted, params)?;
        let oracle_over_reference = to_f64(anchor.market.price) / to_f64(quoted.price);
        model.band.0 = model.band.0.max(model.band.0 * oracle_over_reference);
        model.band.1 = model.band.1.max(model.band.1 / oracle_over_reference);
        Some(model)
    });
    [(Asset::Base, funds.0), (Asset::Quote, funds.1)]
        .into_iter()
        .filter_map(|(sell, budget)| arb.closed_form(model.as_ref(), sell, budget))
        .max_by(|a, b| a.profit.total_cmp(&b.profit))
}

/// [`on_pool`] by search alone over the pool's exact integer math: the reference the closed form
/// is tested against, and the baseline the benchmark times it against.
pub fn search_on_pool(
    state: &PoolState,
    anchor: &Anchor,
    params: &CurveParams,
    reference: f64,
    funds: (u128, u128),
    min_profit: f64,
) -> Option<ArbTrade> {
    let arb = Arb {
        state,
        anchor,
        params,
        reference,
        min_profit,
    };
    [(Asset::Base, funds.0), (Asset::Quote, funds.1)]
        .into_iter()
        .filter_map(|(sell, budget)| arb.search(sell, budget))
        .max_by(|a, b| a.profit.total_cmp(&b.profit))
}

/// What a constant-product venue holding `(base, quote)` pays for selling `amount_in` of `sell`;
/// zero where it would refuse.
pub fn venue_quote(reserves: (u128, u128), fee_bps: u32, sell: Asset, amount_in: u128) -> u128 {
    let (r_in, r_out) = match sell {
        Asset::Base => reserves,
        Asset::Quote => (reserves.1, reserves.0),
    };
    cpmm::amount_out(r_in, r_out, amount_in, fee_bps).unwrap_or(0)
}

/// The least a noise trade accepts from a pool: routed (the venue's reserves given), what the
/// venue would pay, at least one unit so a pool that pays nothing loses the trade; unrouted,
/// anything.
pub fn routed_min_out(venue: Option<(u128, u128)>, fee_bps: u32, sell: Asset, amount_in: u128) -> u128 {
    venue.map_or(0, |reserves| {
        venue_quote(reserves, fee_bps, sell, amount_in).max(1)
    })
}

/// The best trade on a constant-product venue holding `(base, quote)` with `fee_bps`.
pub fn on_venue(
    reserves: (u128, u128),
    fee_bps: u32,
    reference: f64,
    funds: (u128, u128),
    min_profit: f64,
) -> Option<ArbTrade> {
    let gamma = 1.0 - f64::from(fee_bps) / 10_000.0;
    let (rb, rq) = (float(reserves.0), float(reserves.1));
    // Selling x of the input maximises profit where the marginal output equals its reference
    // value: x = (sqrt(gamma * R_in * R_out * value_in / value_out) - R_in) / gamma.
    [
        (Asset::Base, rb, rq, reference, funds.0),
        (Asset::Quote, rq, rb, 1.0 / reference, funds.1),
    ]
    .into_iter()
    .filter_map(|(sell, r_in, r_out, value_in, budget)| {
        let x = ((gamma * r_in * r_out / value_in).sqrt() - r_in) / gamma;
        if !x.is_finite() || x < 1.0 {
            return None;
        }
        let x = (x as u128).min(budget);
        let out = venue_quote(reserves, fee_bps, sell, x);
        let p = profit(sell, x, out, reference);
        (p > min_profit).then_some(ArbTrade {
            sell,
            amount_in: x,
            amount_out: out,
            profit: p,
        })
    })
    .max_by(|a, b| a.profit.total_cmp(&b.profit))
}

mod moving;
#[cfg(test)]
mod tests;
