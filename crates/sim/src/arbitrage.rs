//! The arbitrageur's sizing: the most profitable trade against a reference price, on the pool (by
//! search over the pool's own integer math, so the chain pays exactly what was planned) and on
//! the constant-product venue (closed form, checked with the venue's integer math).

use keel_core::{cpmm, swap_exact_in, Asset, CurveParams, Market, PoolState};

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

/// Profit (quote tokens) of selling `amount_in` of `sell` for `amount_out` when base is worth
/// `reference` quote.
fn profit(sell: Asset, amount_in: u128, amount_out: u128, reference: f64) -> f64 {
    let (base, quote) = match sell {
        Asset::Base => (-(amount_in as f64), amount_out as f64),
        Asset::Quote => (amount_out as f64, -(amount_in as f64)),
    };
    (base * reference + quote) / WAD
}

/// The most profitable size in `[probe, hi]` of a profit that is concave, zero at zero and
/// positive at `probe`: doubling from `probe` brackets the peak, then a golden-section search
/// narrows it to a thousandth of its size. `out` is `None` where the pool refuses the size.
/// Returns the best size evaluated and its profit.
fn best_size(probe: u128, hi: u128, out: impl Fn(u128) -> Option<f64>) -> (u128, f64) {
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
    // Golden section: each step keeps one inner point and evaluates one new one.
    let (mut a, mut b) = (lo, top);
    let mut c = a + ((b - a) as f64 * 0.381_966) as u128;
    let mut d = b - (c - a);
    let (mut fc, mut fd) = (value(c), value(d));
    while c < d && b - a > (b / 1_000).max(2) {
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
pub fn on_pool(
    state: &PoolState,
    market: &Market,
    params: &CurveParams,
    reference: f64,
    funds: (u128, u128),
    min_profit: f64,
) -> Option<ArbTrade> {
    [(Asset::Base, funds.0), (Asset::Quote, funds.1)]
        .into_iter()
        .filter_map(|(sell, budget)| {
            let hi = budget.min(state.reserve(sell));
            let trade = |x: u128| swap_exact_in(state, market, params, sell, x).ok();
            // Profit is concave and zero at zero: if a trade at the search's resolution loses,
            // every larger one does too. Most blocks end here, which keeps the search cheap.
            let probe = (hi / PROBE_FRACTION).max(1);
            if trade(probe).is_none_or(|t| profit(sell, probe, t.amount_out, reference) <= 0.0) {
                return None;
            }
            let (x, p) = best_size(probe, hi, |x| {
                trade(x).map(|t| profit(sell, x, t.amount_out, reference))
            });
            let t = trade(x)?;
            (p > min_profit).then_some(ArbTrade {
                sell,
                amount_in: x,
                amount_out: t.amount_out,
                profit: p,
            })
        })
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
    let (rb, rq) = (reserves.0 as f64, reserves.1 as f64);
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

#[cfg(test)]
mod tests {
    use super::*;
    use keel_core::ONE;

    fn pool() -> (PoolState, Market, CurveParams) {
        let state = PoolState::balanced(100_000 * ONE, 1_000_000 * ONE);
        let market = Market {
            price: 10 * ONE,
            k: ONE / 4,
            fee: ONE / 10_000 * 10,
        };
        (state, market, CurveParams::default())
    }

    #[test]
    fn no_trade_when_reference_is_inside_the_fee() {
        let (s, m, p) = pool();
        assert_eq!(on_pool(&s, &m, &p, 10.005, (u128::MAX, u128::MAX), 0.0), None);
    }

    #[test]
    fn buys_base_when_the_reference_is_above_the_pool_and_stops_at_the_margin() {
        let (s, m, p) = pool();
        let t = on_pool(&s, &m, &p, 10.2, (u128::MAX, u128::MAX), 0.0).expect("arb");
        assert_eq!(t.sell, Asset::Quote);
        // A little more or a little less earns less.
        for x in [t.amount_in / 100 * 99, t.amount_in / 100 * 101] {
            let other = swap_exact_in(&s, &m, &p, Asset::Quote, x)
                .map(|o| profit(Asset::Quote, x, o.amount_out, 10.2));
            assert!(other.map_or(true, |o| o <= t.profit + 1e-9));
        }
    }

    #[test]
    fn venue_arbitrage_moves_its_price_to_the_reference() {
        let reserves = (100_000 * ONE, 1_000_000 * ONE);
        let t = on_venue(reserves, 30, 11.0, (u128::MAX, u128::MAX), 0.0).expect("arb");
        assert_eq!(t.sell, Asset::Quote);
        let after = (reserves.0 - t.amount_out, reserves.1 + t.amount_in);
        let price = after.1 as f64 / after.0 as f64;
        assert!((price / 11.0 - 0.997).abs() < 1e-3, "price after {price}");
        assert_eq!(on_venue(reserves, 30, 10.01, (u128::MAX, u128::MAX), 0.0), None);
    }
}
