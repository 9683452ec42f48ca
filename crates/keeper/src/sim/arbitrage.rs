//! The arbitrageur's sizing: the most profitable trade against a reference price, on the pool (by
//! search over the pool's own integer math, so the chain pays exactly what was planned) and on
//! the constant-product venue (closed form, checked with the venue's integer math).

use keel_curve::{cpmm, swap_exact_in, Asset, CurveParams, Market, PoolState};

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

/// The search's resolution: sizes closer than this share of the range are not told apart.
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

/// Ternary search for the most profitable size in `[0, hi]` of a concave profit; `out` is `None`
/// where the venue refuses the size.
fn best_size(hi: u128, mut out: impl FnMut(u128) -> Option<f64>) -> (u128, f64) {
    let mut value = |x: u128| if x == 0 { Some(0.0) } else { out(x) };
    let (mut lo, mut hi) = (0u128, hi);
    while hi.saturating_sub(lo) > (hi / PROBE_FRACTION).max(2) {
        let third = (hi - lo) / 3;
        let (m1, m2) = (lo + third, hi - third);
        let (p1, p2) = (value(m1).unwrap_or(f64::MIN), value(m2).unwrap_or(f64::MIN));
        if p1 < p2 {
            lo = m1;
        } else {
            hi = m2;
        }
    }
    (lo, value(lo).unwrap_or(f64::MIN))
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
            let (x, p) = best_size(hi, |x| trade(x).map(|t| profit(sell, x, t.amount_out, reference)));
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
        let (r_in, r_out) = match sell {
            Asset::Base => reserves,
            Asset::Quote => (reserves.1, reserves.0),
        };
        let out = cpmm::amount_out(r_in, r_out, x, fee_bps).ok()?;
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
    use keel_curve::ONE;

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
