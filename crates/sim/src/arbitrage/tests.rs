//! The arbitrageur's sizing on pools built with the curve's own integer math: the closed form
//! against the search over the exact curve, and the venue's closed form.

use super::*;
use keel_core::fixed::to_f64;
use keel_core::{swap_exact_in, Market, Regime, ONE};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// The oracle's market with no discovery on top.
fn at(market: Market) -> Anchor {
    Anchor { market, drift: 0 }
}

/// The curve without discovery: the plain PMM the closed form solves exactly.
fn plain() -> CurveParams {
    CurveParams {
        discovery_depth: 0,
        ..CurveParams::default()
    }
}

fn pool() -> (PoolState, Market, CurveParams) {
    let state = PoolState::balanced(100_000 * ONE, 1_000_000 * ONE);
    let market = Market {
        price: 10 * ONE,
        k: ONE / 4,
        fee: ONE / 10_000 * 10,
    };
    (state, market, plain())
}

#[test]
fn no_trade_when_reference_is_inside_the_fee() {
    let (s, m, p) = pool();
    assert_eq!(on_pool(&s, &at(m), &p, 10.005, (u128::MAX, u128::MAX), 0.0), None);
}

#[test]
fn buys_base_when_the_reference_is_above_the_pool_and_stops_at_the_margin() {
    let (s, m, p) = pool();
    let t = on_pool(&s, &at(m), &p, 10.2, (u128::MAX, u128::MAX), 0.0).expect("arb");
    assert_eq!(t.sell, Asset::Quote);
    // A little more or a little less earns less.
    for x in [t.amount_in / 100 * 99, t.amount_in / 100 * 101] {
        let other =
            swap_exact_in(&s, &m, &p, Asset::Quote, x).map(|o| profit(Asset::Quote, x, o.amount_out, 10.2));
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

/// Exact swaps priced on this thread since the last call.
fn exact_swaps() -> u32 {
    EXACT_SWAPS.with(|n| n.replace(0))
}

/// `x` tokens in 1e18 units.
fn units(x: f64) -> u128 {
    keel_core::fixed::from_f64(x).expect("amount")
}

/// A random pool, market, limits and reference: a balanced pool of random depth, price, `k`
/// (0.05 to 0.95) and fee (0 to 100 bps), in three cases of ten with a narrower price band and
/// inventory limit than the defaults (so that the limits bind), mostly pushed off target by an exact trade either way (either
/// regime, often up to the price band), then an oracle that may have moved since, and a
/// reference within 5% of it (within 0.5% or 0.05% in two cases of three).
fn random_case(rng: &mut ChaCha8Rng) -> (PoolState, Market, CurveParams, f64) {
    let mut params = plain();
    if rng.gen_bool(0.3) {
        params.max_skew = units(rng.gen_range(0.01..0.1));
        params.q_max = units(rng.gen_range(0.02..0.5));
    }
    let price = rng.gen_range(0.5..50.0);
    let base = rng.gen_range(1e3..1e6);
    let mut market = Market {
        price: units(price),
        k: units(rng.gen_range(0.05..0.95)),
        fee: ONE / 10_000 * rng.gen_range(0..=100u128),
    };
    let mut state = PoolState::balanced(units(base), units(base * price));
    if rng.gen_bool(0.8) {
        let sell = if rng.gen_bool(0.5) {
            Asset::Base
        } else {
            Asset::Quote
        };
        let mut amount = state.reserve(sell) / 1000 * rng.gen_range(1..400u128);
        // Halve until the pool takes it (the band and the inventory limit refuse the largest).
        while amount > 0 {
            if let Ok(t) = swap_exact_in(&state, &market, &params, sell, amount) {
                state = t.after;
                break;
            }
            amount /= 2;
        }
    }
    let oracle = if rng.gen_bool(0.5) {
        price * (1.0 + rng.gen_range(-0.03..0.03))
    } else {
        price
    };
    market.price = units(oracle);
    // Offsets at three scales, so that references inside the fee and just past it are common.
    let scale = [1.0, 0.1, 0.01][rng.gen_range(0..3)];
    (
        state,
        market,
        params,
        oracle * (1.0 + scale * rng.gen_range(-0.05..0.05)),
    )
}

#[test]
fn closed_form_earns_what_the_search_earns_on_random_pools() {
    use rand::SeedableRng;
    let min_profit = crate::driver::MIN_ARB_PROFIT;
    let near_min = |p: f64| (p - min_profit).abs() <= min_profit * 1e-3;
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let (mut trades, mut quiet, mut priced) = (0, 0, 0);
    for case in 0..3_000 {
        let (state, market, params, reference) = random_case(&mut rng);
        let funds = if rng.gen_bool(0.2) {
            let cap = rng.gen_range(1.0..1e4);
            (units(cap), units(cap * reference))
        } else {
            (u128::MAX, u128::MAX)
        };
        exact_swaps();
        let fast = on_pool(&state, &at(market), &params, reference, funds, min_profit);
        priced += exact_swaps();
        let slow = search_on_pool(&state, &at(market), &params, reference, funds, min_profit);
        let why =
            format!("case {case}: {state:?} {market:?} {params:?} reference {reference} funds {funds:?}");
        match (fast, slow) {
            (Some(f), Some(s)) => {
                assert!(f.profit >= s.profit * 0.999, "{why}: {f:?} vs search {s:?}");
                trades += 1;
            }
            (None, Some(s)) => assert!(near_min(s.profit), "{why}: missed {s:?}"),
            (Some(f), None) => assert!(near_min(f.profit), "{why}: search found nothing, {f:?}"),
            (None, None) => quiet += 1,
        }
        if let Some(f) = fast {
            // What the chain will pay: the pool's exact answer for that size.
            let t = swap_exact_in(&state, &market, &params, f.sell, f.amount_in).expect("priced");
            assert_eq!(t.amount_out, f.amount_out, "{why}");
            assert!(f.amount_in <= funds.0.max(funds.1), "{why}");
        }
    }
    // Both outcomes are well represented, and the closed form rarely needs the search.
    assert!(trades > 1_000 && quiet > 300, "{trades} trades, {quiet} without");
    eprintln!("{priced} exact swaps for {trades} trades, {quiet} without");
    assert!(
        priced < trades * 11 / 10,
        "{priced} exact swaps for {trades} trades"
    );
}

#[test]
fn no_exact_swap_when_the_reference_is_inside_the_fee() {
    let (s, m, p) = pool();
    exact_swaps();
    // Balanced at 10 with a 10 bps fee: the bid and ask net of fee are 9.99 and 10.01.
    for reference in [9.9901, 10.0, 10.005, 10.0099] {
        assert_eq!(
            on_pool(&s, &at(m), &p, reference, (u128::MAX, u128::MAX), 0.0),
            None
        );
    }
    // Skewed: short of base, the marginal price is above the oracle's.
    let skewed = swap_exact_in(&s, &m, &p, Asset::Quote, 50_000 * ONE)
        .expect("swap")
        .after;
    let mid = to_f64(skewed.marginal_price(m.price, m.k).expect("price"));
    assert!(mid > 10.05, "{mid}");
    for reference in [mid * 0.9991, mid, mid * 1.0009] {
        assert_eq!(
            on_pool(&skewed, &at(m), &p, reference, (u128::MAX, u128::MAX), 0.0),
            None
        );
    }
    assert_eq!(exact_swaps(), 0);
    // Outside the fee, one exact swap prices the whole answer.
    assert!(on_pool(&skewed, &at(m), &p, mid * 1.01, (u128::MAX, u128::MAX), 0.0).is_some());
    assert_eq!(exact_swaps(), 1);
}

#[test]
fn model_targets_match_the_pools_equilibrium() {
    let (s, m, p) = pool();
    for (sell, amount) in [(Asset::Quote, 100_000 * ONE), (Asset::Base, 10_000 * ONE)] {
        let skewed = swap_exact_in(&s, &m, &p, sell, amount).expect("swap").after;
        // The oracle moves 2% after the trade: the target is re-derived.
        let moved = Market {
            price: m.price / 100 * 102,
            ..m
        };
        let exact = skewed
            .equilibrate(moved.price, moved.k, keel_core::math::Rounding::Up)
            .expect("eq");
        let model = Model::of(&skewed, &moved, &p).expect("model");
        for (float, exact) in [
            (model.base.1, exact.base_target),
            (model.quote.1, exact.quote_target),
        ] {
            assert!((float / exact as f64 - 1.0).abs() < 1e-12, "{float} vs {exact}");
        }
    }
}

#[test]
fn a_trade_across_the_target_stops_at_the_reference_net_of_fee() {
    let (s, m, p) = pool();
    // Short of quote (base cheap), then a reference well above the oracle: the arbitrageur sells
    // quote, refills it past the target and leaves the pool short of base.
    let skewed = swap_exact_in(&s, &m, &p, Asset::Base, 5_000 * ONE)
        .expect("swap")
        .after;
    let t = on_pool(&skewed, &at(m), &p, 10.3, (u128::MAX, u128::MAX), 0.0).expect("arb");
    assert_eq!(t.sell, Asset::Quote);
    let after = swap_exact_in(&skewed, &m, &p, t.sell, t.amount_in)
        .expect("swap")
        .after;
    assert_eq!(after.regime, keel_core::Regime::BaseShort);
    let price = to_f64(after.marginal_price(m.price, m.k).expect("price"));
    assert!((price / (10.3 * 0.999) - 1.0).abs() < 1e-9, "{price}");
}

#[test]
fn with_discovery_the_sizing_earns_what_the_full_search_earns() {
    use rand::SeedableRng;
    let min_profit = crate::driver::MIN_ARB_PROFIT;
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let (mut trades, mut quiet) = (0, 0);
    for case in 0..1_000 {
        let (state, anchor, params, reference) = random_discovering_case(&mut rng);
        let funds = (u128::MAX, u128::MAX);
        let fast = on_pool(&state, &anchor, &params, reference, funds, min_profit);
        let slow = search_on_pool(&state, &anchor, &params, reference, funds, min_profit);
        let why = format!("case {case}: {state:?} {anchor:?} {params:?} reference {reference}");
        match (fast, slow) {
            (Some(f), Some(s)) => {
                // Not tighter: at a low `k` with the drift toward the oracle, profit can have two
                // peaks in size (the guard falls as the trade grows), and the two searches, each
                // assuming one, may settle on different ones (worst here: 0.064% of the profit).
                assert!(f.profit >= s.profit * 0.999, "{why}: {f:?} vs search {s:?}");
                trades += 1;
            }
            (None, Some(s)) => assert!(s.profit <= min_profit * 1.01, "{why}: missed {s:?}"),
            (fast, None) => {
                quiet += 1;
                assert!(
                    fast.is_none_or(|f| f.profit <= min_profit * 1.01),
                    "{why}: {fast:?}"
                );
            }
        }
    }
    assert!(trades > 300 && quiet > 100, "{trades} trades, {quiet} without");
}

#[test]
fn a_trade_toward_the_oracle_that_only_the_band_around_the_oracle_allows_is_found() {
    // given a discovering pool whose reference sits 9.6% below the oracle, near the band's edge,
    // short of base, with the market 4.7% above the oracle: buying base is a trade toward the
    // oracle, which the band around the oracle allows and the same band around the reference
    // would not (one of 20,000 pools drawn as `random_discovering_case` draws them)
    let state = PoolState {
        base_reserve: 406_063_425_804_535_723_798_387,
        quote_reserve: 6_987_747_324_644_268_565_281_601,
        base_target: 428_289_024_246_876_766_994_432,
        quote_target: 6_628_219_029_443_263_497_394_064,
        regime: Regime::BaseShort,
    };
    let market = Market {
        price: 15_619_579_598_875_246_592,
        k: 835_901_178_355_075_072,
        fee: 8_800_000_000_000_000,
    };
    let params = CurveParams {
        discovery_depth: 2_978_868_237_234_692_096,
        guard: 346_268_934_896_473_664,
        ..CurveParams::default()
    };
    let anchor = Anchor::new(market, -96_258_698_260_084_870, &params);
    let reference = 16.353_280_968_356_668;
    let min_profit = crate::driver::MIN_ARB_PROFIT;
    let funds = (u128::MAX, u128::MAX);
    // when the arbitrageur sizes its trade, and the full search on the exact curve does
    let slow = search_on_pool(&state, &anchor, &params, reference, funds, min_profit).expect("a trade pays");
    let fast = on_pool(&state, &anchor, &params, reference, funds, min_profit);
    // then the sizing finds it too (fails with the model capped at the band around the
    // reference: no trade)
    let fast = fast.expect("the sizing finds the trade");
    assert_eq!(fast.sell, Asset::Quote);
    assert!(fast.profit >= slow.profit * 0.999, "{fast:?} vs search {slow:?}");
}

#[test]
fn at_the_shipped_guard_no_size_on_a_dense_grid_beats_the_search() {
    // The searches assume profit has one peak in size. At `guard` 1 the guard falls as fast as
    // the anchor for a trade toward the oracle, so only the curve's own slippage keeps the price
    // worsening with size: a grid of sizes, which assumes nothing, checks what the searches find.
    use rand::SeedableRng;
    let min_profit = crate::driver::MIN_ARB_PROFIT;
    let mut rng = ChaCha8Rng::seed_from_u64(23);
    let mut trades = 0;
    for case in 0..300 {
        let (state, market, params, reference) = random_case(&mut rng);
        let params = params.discovering();
        let band = i128::try_from(params.max_skew).expect("band");
        let anchor = Anchor::new(market, rng.gen_range(-band..=band), &params);
        let funds = (u128::MAX, u128::MAX);
        let found = on_pool(&state, &anchor, &params, reference, funds, min_profit).map_or(0.0, |t| t.profit);
        let arb = Arb {
            state: &state,
            anchor: &anchor,
            params: &params,
            reference,
            min_profit,
        };
        for sell in [Asset::Base, Asset::Quote] {
            let hi = state.reserve(sell) as f64;
            let best = (0..=240)
                .map(|i| (hi * 1e-7 * 1e7f64.powf(f64::from(i) / 240.0)) as u128)
                .filter_map(|x| {
                    arb.exact(sell, x)
                        .map(|t| profit(sell, x, t.amount_out, reference))
                })
                .fold(0.0f64, f64::max);
            assert!(
                best <= found * 1.01 + min_profit,
                "case {case}, selling {sell:?}: the grid finds {best}, the search {found}; \
                 {state:?} {anchor:?} reference {reference}"
            );
        }
        trades += usize::from(found > 0.0);
    }
    assert!(trades > 100, "{trades} cases with a trade");
}

/// A [`random_case`] with price discovery on: a depth of 0.3-3 times constant product's, a
/// guard of 0.25-1, and the reference's drift anywhere in the band, at one of its edges (where
/// flow leaves it clamped) in one case of ten.
fn random_discovering_case(rng: &mut ChaCha8Rng) -> (PoolState, Anchor, CurveParams, f64) {
    let (state, market, mut params, reference) = random_case(rng);
    params.discovery_depth = units(rng.gen_range(0.3..3.0));
    params.guard = units(rng.gen_range(0.25..1.0));
    let band = i128::try_from(params.max_skew).expect("band");
    let drift = match rng.gen_range(0..20) {
        0 => band,
        1 => -band,
        _ => rng.gen_range(-band..=band),
    };
    (state, Anchor::new(market, drift, &params), params, reference)
}

#[test]
fn with_discovery_the_float_swap_pays_what_the_exact_swap_pays() {
    use keel_core::CurveError;
    use rand::SeedableRng;
    let mut rng = ChaCha8Rng::seed_from_u64(31);
    let (mut paid, mut banded, mut crossed) = (0, 0, 0);
    for case in 0..2_000 {
        let (state, anchor, params, _) = random_discovering_case(&mut rng);
        let moving = moving::Moving::new(&state, &anchor, &params).expect("float curve");
        for sell in [Asset::Base, Asset::Quote] {
            let share = 10f64.powf(rng.gen_range(-6.0..-0.3));
            let amount = (state.reserve(sell) as f64 * share) as u128;
            let exact = anchor.swap(&state, &params, SwapKind::ExactIn, sell, amount);
            let float = moving.out(sell, amount as f64);
            let why = format!("case {case}, selling {amount} {sell:?}: {state:?} {anchor:?} {params:?}");
            match exact {
                Ok(p) => {
                    let out = float.unwrap_or_else(|| panic!("{why}: float refuses, exact pays {p:?}"));
                    let exact = p.trade.amount_out as f64;
                    assert!(
                        (out - exact).abs() <= exact * 1e-9 + 2.0,
                        "{why}: {out} vs {exact}"
                    );
                    paid += 1;
                    // Refilled the sold token, then drained the other: the twin's two-leg path.
                    let refilled = state.regime.short() == Some(sell);
                    crossed += u32::from(refilled && p.trade.after.regime.short() == Some(sell.other()));
                }
                Err(CurveError::PriceBandExceeded) => {
                    assert_eq!(float, None, "{why}");
                    banded += 1;
                }
                Err(_) => {}
            }
        }
    }
    assert!(
        paid > 2_000 && banded > 100 && crossed > 20,
        "{paid} paid ({crossed} across the target), {banded} refused at the band"
    );
}

#[test]
fn with_discovery_the_sizing_prices_about_one_exact_swap_per_trade() {
    use rand::SeedableRng;
    let min_profit = crate::driver::MIN_ARB_PROFIT;
    let mut rng = ChaCha8Rng::seed_from_u64(37);
    let (mut trades, mut swaps, mut searched) = (0u32, 0u32, 0u32);
    for _ in 0..1_000 {
        let (state, anchor, params, reference) = random_discovering_case(&mut rng);
        exact_swaps();
        let funds = (u128::MAX, u128::MAX);
        trades += u32::from(on_pool(&state, &anchor, &params, reference, funds, min_profit).is_some());
        // Every question counts, those that end in no trade too: one exact swap for each side
        // the twin finds worth a trade, more only where the exact search takes over.
        let n = exact_swaps();
        swaps += n;
        searched += u32::from(n > 2);
    }
    assert!(trades > 300, "{trades} trades");
    assert!(
        swaps <= trades * 3 / 2 && searched * 100 <= trades,
        "{swaps} exact swaps for {trades} trades, {searched} questions searched on the exact curve"
    );
}
