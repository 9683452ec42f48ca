//! Limits: the price band and the inventory cap.

// The float model's values become token units by truncation, on purpose.
#![allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap
)]

#[macro_use]
mod common;

use common::*;
use proptest::prelude::*;

// Limits: the price band and the inventory cap

fn tight_params() -> impl Strategy<Value = CurveParams> {
    (ONE / 100..=ONE / 2, ONE / 100..=ONE).prop_map(|(max_skew, q_max)| CurveParams {
        max_skew,
        q_max,
        ..CurveParams::default()
    })
}

proptest! {
    #![proptest_config(config())]

    /// Selling the short token without crossing its target is never refused by a limit, however
    /// far outside the (tighter) limits the pool already is.
    #[test]
    fn limits_never_refuse_a_trade_toward_target(
        s in scenario_moved(), limits in tight_params(), f in log_f64(1e-9, 1.0), exact_out in any::<bool>(),
    ) {
        let Some(x) = s.short() else { reject!() };
        let eq = s.equilibrated();
        let trade = if exact_out {
            let excess = eq.reserve(x.other()) - eq.target(x.other());
            let o = to_amount(f * excess as f64).min(excess - 1);
            swap_exact_out(&s.state, &s.market, &limits, x, o)
        } else {
            let room = eq.target(x) - eq.reserve(x);
            swap_exact_in(&s.state, &s.market, &limits, x, to_amount(f * room as f64).min(room))
        };
        prop_assert!(
            !matches!(trade, Err(CurveError::PriceBandExceeded | CurveError::InventoryLimitExceeded)),
            "toward target refused: {trade:?}",
        );
    }

    /// Every accepted trade that leaves its input token long (a sale of the long token, or of
    /// the short one past its target) ends inside the band and under the inventory cap.
    #[test]
    fn accepted_trades_away_from_target_end_within_the_limits(
        s in scenario(), limits in tight_params(), pick in asset(), cross in prop::bool::weighted(0.25),
        f in fraction(),
    ) {
        // Mostly sales of the long token; a quarter of the time the short one, to cross.
        let x = match s.short() {
            Some(short) if cross => short,
            Some(short) => short.other(),
            None => pick,
        };
        let Ok(trade) = swap_exact_in(&s.state, &s.market, &limits, x, s.amount_in(x, f)) else { reject!() };
        let after = s.after(&trade).equilibrated();
        if after.regime.short() != Some(x.other()) {
            reject!()
        }
        let skew = limits.max_skew as f64 / ONE as f64;
        let short = x.other();
        let factor = premium(after.target(short), after.reserve(short), s.market.k, Rounding::Down).unwrap();
        let factor = factor as f64 / ONE as f64;
        // Base short: base at oracle * factor; quote short: base at oracle / factor.
        let within = match short {
            Asset::Base => factor <= (1.0 + skew) * (1.0 + 1e-12),
            Asset::Quote => 1.0 / factor >= (1.0 - skew) * (1.0 - 1e-12),
        };
        prop_assert!(within, "premium {factor} outside band {skew}");
        let p = s.float().price;
        let base_excess = after.base_reserve as f64 - after.base_target as f64;
        let q = base_excess * p / (after.base_target as f64 * p + after.quote_target as f64);
        prop_assert!(q.abs() <= limits.q_max as f64 / ONE as f64 + 1e-9, "|q| = {q} above cap");
    }
}

const E24: u128 = 1_000_000_000_000_000_000_000_000;

fn unit_market() -> Market {
    Market {
        price: ONE,
        k: ONE / 2,
        fee: 0,
    }
}

#[test]
fn price_band_refuses_trades_away_from_target_and_allows_trades_toward_it() {
    let m = unit_market();
    let band = CurveParams {
        max_skew: ONE / 10,
        q_max: ONE,
        ..CurveParams::default()
    };
    let pool = PoolState::balanced(E24, E24);
    // From balanced: a 1% sale fits a 10% band, a 20% sale does not (either way of quoting it).
    assert!(swap_exact_in(&pool, &m, &band, Asset::Base, E24 / 100).is_ok());
    assert_eq!(
        swap_exact_in(&pool, &m, &band, Asset::Base, E24 / 5),
        Err(CurveError::PriceBandExceeded)
    );
    assert_eq!(
        swap_exact_out(&pool, &m, &band, Asset::Base, E24 / 5),
        Err(CurveError::PriceBandExceeded)
    );
    assert_eq!(
        swap_exact_in(&pool, &m, &band, Asset::Quote, E24 / 5),
        Err(CurveError::PriceBandExceeded)
    );

    // A pool pushed outside the band under wider limits (as an oracle move could leave it).
    let far = swap_exact_in(&pool, &m, &params(), Asset::Base, E24 / 5)
        .unwrap()
        .after;
    let marginal = far.marginal_price(m.price, m.k).unwrap();
    assert!(marginal < ONE / 10 * 9, "{marginal}");
    // Further away is refused, even a little; back toward target is allowed, even while the
    // pool stays outside the band.
    assert_eq!(
        swap_exact_in(&far, &m, &band, Asset::Base, E24 / 1000),
        Err(CurveError::PriceBandExceeded)
    );
    assert_eq!(
        swap_exact_out(&far, &m, &band, Asset::Base, E24 / 1000),
        Err(CurveError::PriceBandExceeded)
    );
    let back = swap_exact_in(&far, &m, &band, Asset::Quote, E24 / 1000).unwrap();
    assert!(back.after.marginal_price(m.price, m.k).unwrap() < ONE / 10 * 9);
    assert!(swap_exact_out(&far, &m, &band, Asset::Quote, E24 / 1000).is_ok());
}

#[test]
fn inventory_cap_refuses_trades_away_from_target_and_allows_trades_toward_it() {
    let m = unit_market();
    let cap = CurveParams {
        max_skew: ONE / 2,
        q_max: ONE / 10,
        ..CurveParams::default()
    };
    let pool = PoolState::balanced(E24, E24);
    // q = base surplus / targets' value = surplus / 2e24: 5% fits a 10% cap, 15% does not.
    assert!(swap_exact_in(&pool, &m, &cap, Asset::Base, E24 / 10).is_ok());
    assert_eq!(
        swap_exact_in(&pool, &m, &cap, Asset::Base, E24 / 10 * 3),
        Err(CurveError::InventoryLimitExceeded)
    );
    assert_eq!(
        swap_exact_in(&pool, &m, &cap, Asset::Quote, E24 / 10 * 3),
        Err(CurveError::InventoryLimitExceeded)
    );

    let far = swap_exact_in(&pool, &m, &params(), Asset::Base, E24 / 10 * 3)
        .unwrap()
        .after;
    let q = far.inventory(m.price).unwrap();
    assert!(q > (ONE / 10) as i128, "{q}");
    assert_eq!(
        swap_exact_in(&far, &m, &cap, Asset::Base, E24 / 1000),
        Err(CurveError::InventoryLimitExceeded)
    );
    assert_eq!(
        swap_exact_out(&far, &m, &cap, Asset::Base, E24 / 1000),
        Err(CurveError::InventoryLimitExceeded)
    );
    let back = swap_exact_in(&far, &m, &cap, Asset::Quote, E24 / 1000).unwrap();
    assert!(back.after.inventory(m.price).unwrap() > (ONE / 10) as i128);
    assert!(swap_exact_out(&far, &m, &cap, Asset::Quote, E24 / 1000).is_ok());
}
