use super::*;
use crate::math::Rounding;
use crate::swap::swap_exact_in;
use crate::CurveParams;

const P: u128 = 2 * ONE;
const DEPTH: u128 = 1_000_000 * ONE;

fn market(k: u128, fee: u128) -> Market {
    Market { price: P, k, fee }
}

/// Params whose band and inventory limit never stop an arbitrage these tests size.
fn open_params() -> CurveParams {
    CurveParams {
        max_skew: ONE,
        q_max: ONE,
        ..CurveParams::default()
    }
}

fn balanced() -> PoolState {
    PoolState::balanced(DEPTH, DEPTH / ONE * P)
}

/// A pool that sold base (short base, long quote) or bought it, by a real swap of `share` of
/// its depth.
fn skewed(market: &Market, asset_in: Asset, share: u128) -> PoolState {
    let amount = DEPTH / 100 * share;
    let amount = match asset_in {
        Asset::Base => amount,
        Asset::Quote => amount / ONE * P,
    };
    swap_exact_in(&balanced(), market, &open_params(), asset_in, amount)
        .unwrap()
        .after
}

fn states(market: &Market) -> [PoolState; 3] {
    [
        balanced(),
        skewed(market, Asset::Quote, 5),
        skewed(market, Asset::Base, 5),
    ]
}

fn scaled(price: u128, per_mille: i64) -> u128 {
    let factor = u128::try_from(1000 + per_mille).unwrap();
    price / 1000 * factor
}

/// The pool's all-in ask (buyers of base) and bid after `state`, at `market`.
fn quotes(state: &PoolState, market: &Market) -> (f64, f64) {
    let eq = state.equilibrate(market.price, market.k, Rounding::Down).unwrap();
    let mid = eq.marginal_price(market.price, market.k).unwrap() as f64;
    let keep = (ONE - market.fee) as f64;
    (mid * ONE as f64 / keep, mid * keep / ONE as f64)
}

/// What real swaps leave when arbitrageurs trade the pool to the all-in price `m`: the largest
/// swap whose next unit no longer pays (its marginal price has reached `m`), found by bisection
/// on the amount paid in.
fn swapped_to(state: &PoolState, market: &Market, m: u128) -> Holdings {
    Holdings::of(&swapped_state(state, market, m))
}

/// The state [`swapped_to`] reads its holdings from.
fn swapped_state(state: &PoolState, market: &Market, m: u128) -> PoolState {
    let (ask, bid) = quotes(state, market);
    let m_f = m as f64;
    // Buyers of base stop once the ask passes m, sellers once the bid falls below it.
    let asset_in = if m_f > ask {
        Asset::Quote
    } else if m_f < bid {
        Asset::Base
    } else {
        return *state;
    };
    let crossed = |s: &PoolState, asset_in: Asset| {
        let (ask, bid) = quotes(s, market);
        match asset_in {
            Asset::Quote => ask > m_f,
            Asset::Base => bid < m_f,
        }
    };
    let params = open_params();
    let after = |amount: u128| swap_exact_in(state, market, &params, asset_in, amount).map(|t| t.after);
    let (mut lo, mut hi) = (0u128, state.reserve(asset_in));
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        match after(mid) {
            Ok(s) if !crossed(&s, asset_in) => lo = mid,
            _ => hi = mid,
        }
    }
    if lo == 0 {
        *state
    } else {
        after(lo).unwrap()
    }
}

fn close(a: u128, b: u128, tolerance: u128) -> bool {
    a.abs_diff(b) <= tolerance
}

#[test]
fn the_holdings_at_a_price_are_what_real_swaps_to_that_price_leave() {
    // given every side of the curve, a flat and a steep k, with and without a fee
    for k in [ONE / 10, ONE / 2, ONE / 10 * 9] {
        for fee in [0, ONE / 10_000 * 30] {
            let market = market(k, fee);
            for state in states(&market) {
                for per_mille in [-30, -10, -3, 3, 10, 30] {
                    let m = scaled(P, per_mille);
                    // when arbitrageurs trade it to m
                    let model = Holdings::of(&arbitraged(&state, &market, m).unwrap());
                    let real = swapped_to(&state, &market, m);
                    // then the model holds what the swaps leave: to a tenth of the fee on what was
                    // traded (the fees a move earns re-derive the targets it holds still), and to
                    // the search's f64 prices (1e-14 of the depth)
                    let traded = real.base.abs_diff(state.base_reserve);
                    let slack = traded / ONE * (fee / 10) + DEPTH / 100_000_000_000_000;
                    assert!(
                        close(model.base, real.base, slack),
                        "k {k} fee {fee} {:?} m {per_mille}: model {model:?} swaps {real:?}",
                        state.regime
                    );
                    let quote_slack = slack * (P / ONE) + 1_000;
                    assert!(
                        close(model.quote, real.quote, quote_slack),
                        "k {k} fee {fee} {:?} m {per_mille}: model {model:?} swaps {real:?}",
                        state.regime
                    );
                }
            }
        }
    }
}

#[test]
fn delta_is_the_slope_of_the_value_and_gamma_the_slope_of_delta() {
    // A central difference of V(m) at points outside the band, where the pool trades.
    for k in [ONE / 10, ONE / 2] {
        let market = market(k, ONE / 10_000 * 30);
        for state in states(&market) {
            for per_mille in [-40, -20, 20, 40] {
                let m = scaled(P, per_mille);
                let h = m / 10_000;
                let value = |price: u128| {
                    Holdings::of(&arbitraged(&state, &market, price).unwrap())
                        .value(price)
                        .unwrap() as f64
                };
                let slope = (value(m + h) - value(m - h)) / (2.0 * h as f64) * ONE as f64;
                let base = arbitraged(&state, &market, m).unwrap().base_reserve as f64;
                assert!(
                    (slope - base).abs() <= base * 1e-4,
                    "k {k} {:?} {per_mille}: dV/dm {slope} base {base}",
                    state.regime
                );
            }
        }
    }
}

#[test]
fn at_k_one_without_a_fee_the_greeks_are_constant_products() {
    // A PMM at k = 1 prices as constant product through its targets: x y = B0 Q0, Q0 = p B0.
    let market = market(ONE, 0);
    let g = greeks(&balanced(), &market, &market).unwrap();
    let x = DEPTH as f64;
    let cp_base = |move_: f64| x / (1.0 + move_).sqrt();
    assert_eq!(g.delta, DEPTH);
    assert_eq!(g.delta_vs_target, 0);
    let near = |got: i128, want: f64| (got as f64 - want).abs() <= want.abs() * 1e-9 + 2.0;
    assert!(near(g.gamma_up, cp_base(0.01) - x), "{g:?}");
    assert!(near(g.gamma_down, cp_base(-0.01) - x), "{g:?}");
    assert_eq!(g.vega, Some(0), "the same market both ways has no vega");
}

#[test]
fn a_flatter_curve_trades_more_inventory_per_move() {
    let gammas: Vec<Greeks> = [ONE / 10, ONE / 4, ONE / 2, ONE / 10 * 9]
        .into_iter()
        .map(|k| greeks(&balanced(), &market(k, 0), &market(k, 0)).unwrap())
        .collect();
    for pair in gammas.windows(2) {
        assert!(pair[0].gamma_up < pair[1].gamma_up, "{pair:?}");
        assert!(pair[0].gamma_down > pair[1].gamma_down, "{pair:?}");
    }
    assert!(gammas.iter().all(|g| g.gamma_up < 0 && g.gamma_down > 0));
}

#[test]
fn at_its_targets_a_pool_only_gains_from_higher_volatility() {
    let params = CurveParams::default();
    let mut off_target_signs = (0, 0);
    for vol_pct in [10u128, 40, 80, 150, 300] {
        let reading = |extra: u128| crate::OracleReading {
            price: P,
            volatility: ONE / 100 * vol_pct + extra,
            age_ms: 6_000,
        };
        let cold = params.market(&reading(0)).unwrap();
        let hot = params.market(&reading(VEGA_BUMP)).unwrap();
        let [at_target, short_base, long_base] = states(&cold);
        let g = greeks(&at_target, &cold, &hot).unwrap();
        let vega = g.vega.expect("within bounds");
        assert!(vega >= 0, "vol {vol_pct}%: {g:?}");
        if hot.k > cold.k {
            assert!(vega > 0, "vol {vol_pct}%: a steeper curve keeps more: {g:?}");
        }
        // Off its targets a steeper curve also quotes further from the oracle on the side that
        // takes it back, which can cost more than it saves: no sign is promised.
        for state in [short_base, long_base] {
            let v = greeks(&state, &cold, &hot).unwrap().vega.expect("within bounds");
            if v < 0 {
                off_target_signs.0 += 1;
            } else {
                off_target_signs.1 += 1;
            }
        }
    }
    assert!(off_target_signs.0 > 0, "{off_target_signs:?}");
}

#[test]
fn inside_the_band_nothing_trades_and_delta_is_the_reserve() {
    // A 30 bps fee on a balanced pool: a 0.2% move stays inside bid and ask.
    let market = market(ONE / 4, ONE / 10_000 * 30);
    let state = balanced();
    for per_mille in [-2, 0, 2] {
        let held = arbitraged(&state, &market, scaled(P, per_mille)).unwrap();
        assert_eq!(
            (held.base_reserve, held.quote_reserve),
            (state.base_reserve, state.quote_reserve)
        );
    }
    let short_base = skewed(&market, Asset::Quote, 5);
    let g = greeks(&short_base, &market, &market).unwrap();
    assert!(
        g.delta_vs_target < 0,
        "a pool that sold base holds less than its target: {g:?}"
    );
}

#[test]
fn a_status_on_its_ramp_bumps_k_by_as_much_as_its_target_moves() {
    let params = CurveParams::default();
    let reading = |volatility: u128| crate::OracleReading {
        price: P,
        volatility,
        age_ms: 6_000,
    };
    let asked = params.market(&reading(ONE / 2)).unwrap();
    let hot = params.market(&reading(ONE / 2 + VEGA_BUMP)).unwrap();
    let behind = asked.k - ONE / 20;
    let status = crate::pool::MarketStatus {
        price: P,
        volatility: ONE / 2,
        timestamp: 0,
        age_ms: 6_000,
        k: behind,
        k_target: asked.k,
        fee: asked.fee,
        stale: false,
        drift: 0,
        reference: P,
        guard_fee: 0,
    };
    let state = skewed(&asked, Asset::Quote, 5);
    let bumped = Market {
        k: behind + (hot.k - asked.k),
        ..hot
    };
    let priced = Market { k: behind, ..asked };
    assert_eq!(status.greeks(&state, &params), greeks(&state, &priced, &bumped));
    assert!(
        hot.k > asked.k && hot.fee > asked.fee,
        "the bump moves both: {asked:?} {hot:?}"
    );
}

#[test]
fn moves_start_from_where_arbitrage_leaves_the_pool_at_the_oracle_price() {
    // given pools skewed far enough that the oracle price lies outside their bid and ask
    let market = market(ONE / 2, ONE / 10_000 * 30);
    for state in [skewed(&market, Asset::Quote, 5), skewed(&market, Asset::Base, 5)] {
        let (ask, bid) = quotes(&state, &market);
        assert!(
            !(bid..=ask).contains(&(P as f64)),
            "{:?} is not skewed enough",
            state.regime
        );
        // when real swaps take it to the oracle price and then 1% either way
        let at_oracle = arbitraged(&state, &market, P).unwrap();
        let swapped = swapped_state(&state, &market, P);
        for per_mille in [-10, 10] {
            let m = scaled(P, per_mille);
            let model = Holdings::of(&arbitraged(&at_oracle, &market, m).unwrap());
            let real = swapped_to(&swapped, &market, m);
            // then the model's second leg, from its own first, holds what the swaps leave
            let traded = real.base.abs_diff(state.base_reserve);
            let slack = traded / ONE * (market.fee / 10) + DEPTH / 100_000_000_000_000;
            assert!(
                close(model.base, real.base, slack),
                "{per_mille}: {model:?} {real:?}"
            );
        }
    }
}

#[test]
fn an_empty_pool_has_no_greeks_and_says_so() {
    let market = market(ONE / 4, ONE / 1_000);
    assert_eq!(
        greeks(&PoolState::default(), &market, &market),
        Err(CurveError::InsufficientLiquidity)
    );
}

#[test]
fn a_second_move_starts_where_the_first_left_the_books_fee_included() {
    // given a balanced pool moved 2% up (buyers pay quote, the long side, whose target keeps the
    // fee), then 1% down from the oracle price, or the mirror image
    let market = market(ONE / 2, ONE / 10_000 * 30);
    for (first, second) in [(20, -10), (-20, 10)] {
        let (m1, m2) = (scaled(P, first), scaled(P, second));
        let model =
            Holdings::of(&arbitraged(&arbitraged(&balanced(), &market, m1).unwrap(), &market, m2).unwrap());
        let real = swapped_to(&swapped_state(&balanced(), &market, m1), &market, m2);
        // then the second leg holds what the swaps leave, to rounding
        assert!(
            close(model.base, real.base, DEPTH / 100_000_000_000_000),
            "{first} then {second}: {model:?} {real:?}"
        );
    }
}

#[test]
fn a_pool_with_an_empty_side_is_refused_even_when_its_fee_keeps_a_move_inside_the_band() {
    // A 2% fee: a 1% move trades nothing, so only the reserves can tell.
    let market = market(ONE / 4, ONE / 50);
    let one_sided = PoolState {
        quote_reserve: 0,
        ..balanced()
    };
    assert_eq!(
        greeks(&one_sided, &market, &market),
        Err(CurveError::InsufficientLiquidity)
    );
}

#[test]
fn vega_is_the_mean_of_what_real_swaps_leave_the_bumped_pool_more_on_a_move_up_and_down() {
    // given markets that differ as a volatility bump moves them: a steeper curve, and a wider fee
    let bps = ONE / 10_000;
    for (cold, hot) in [
        (market(ONE / 4, 0), market(ONE / 2, 0)),
        (market(ONE / 4, 10 * bps), market(ONE / 2, 15 * bps)),
    ] {
        for state in states(&cold) {
            let vega = greeks(&state, &cold, &hot).unwrap().vega.expect("within bounds");
            // when real swaps take each pool to the oracle price, then 1% up or down from it
            let mut gained = 0i128;
            let mut slack = 0u128;
            for per_mille in [10, -10] {
                let m = scaled(P, per_mille);
                let mut worth = |market: &Market| {
                    let at_oracle = swapped_state(&state, market, P);
                    let moved = swapped_state(&at_oracle, market, m);
                    // The fees a swap earns re-derive the targets the model holds still: a
                    // tenth of the fee on each leg's base, at the price, in quote too.
                    let traded = at_oracle.base_reserve.abs_diff(state.base_reserve)
                        + moved.base_reserve.abs_diff(at_oracle.base_reserve);
                    let base_slack = traded / ONE * (market.fee / 10) + DEPTH / 100_000_000_000_000;
                    slack += 2 * base_slack * (m / ONE + 1) + 1_000;
                    i128::try_from(Holdings::of(&moved).value(m).unwrap()).unwrap()
                };
                gained += worth(&hot) - worth(&cold);
            }
            // then vega is the mean of the two gains, within what the fees move the targets by
            let real = gained / 2;
            let case = format!(
                "{:?} fee {}: vega {vega}, real swaps {real}, slack {slack}",
                state.regime, cold.fee
            );
            assert!(vega.abs_diff(real) <= slack, "{case}");
            // and without a fee the slack is too narrow to take their sum for their mean
            if cold.fee == 0 {
                assert!(real.unsigned_abs() > 3 * slack, "{case}");
            }
        }
    }
}
