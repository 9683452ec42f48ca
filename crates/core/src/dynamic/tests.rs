//! The curve's parameters: bounds, defaults and the volatility-driven `k` and fee.

use super::*;

fn reading(vol_pct: u128, age_ms: u64) -> OracleReading {
    OracleReading {
        price: ONE,
        volatility: ONE / 100 * vol_pct,
        age_ms,
    }
}

#[test]
fn defaults_are_valid_with_discovery_and_without() {
    assert_eq!(CurveParams::default().validate(), Ok(()));
    assert!(CurveParams::default().discovers());
    assert_eq!(CurveParams::without_discovery().validate(), Ok(()));
    assert!(!CurveParams::without_discovery().discovers());
}

#[test]
fn higher_volatility_raises_k_and_fee() {
    let p = CurveParams::default();
    let calm = p.market(&reading(20, 0)).unwrap();
    let wild = p.market(&reading(120, 0)).unwrap();
    assert!(wild.k > calm.k, "{calm:?} {wild:?}");
    assert!(wild.fee > calm.fee, "{calm:?} {wild:?}");
}

#[test]
fn older_oracle_raises_fee_by_root_of_lag() {
    let p = CurveParams {
        fee_base: 0,
        fee_min: 0,
        ..CurveParams::default()
    };
    // Not a valid configuration (the fee floor), but the arithmetic shows the lag's root.
    let fresh = p.fee(ONE, 0).unwrap();
    let four_blocks = p.fee(ONE, 4 * p.block_time_ms).unwrap();
    assert!(four_blocks.abs_diff(2 * fresh) <= 2, "{fresh} {four_blocks}");
}

#[test]
fn per_block_sigma_at_80_percent_is_about_3_5_bps() {
    let s = CurveParams::default().sigma_per_block(ONE / 10 * 8).unwrap();
    assert!((ONE / BPS / 10 * 34..ONE / BPS / 10 * 36).contains(&s), "{s}");
}

#[test]
fn at_80_percent_k_and_the_fee_a_block_old_are_the_protocols_example() {
    // docs/protocol.md: k 0.34, the fee about 7.6 bps (10.2 without discovery)
    let bps = |x: u128| x * 100 / (ONE / BPS);
    for (params, fee_hundredths_bps) in [
        (CurveParams::default(), 760),
        (CurveParams::without_discovery(), 1_020),
    ] {
        let market = params.market(&reading(80, params.block_time_ms)).unwrap();
        assert_eq!((market.k * 100 + ONE / 2) / ONE, 34, "{market:?}");
        assert!(
            bps(market.fee).abs_diff(fee_hundredths_bps) <= 5,
            "{} hundredths of a bp",
            bps(market.fee)
        );
    }
}

#[test]
fn out_of_bound_parameters_are_refused() {
    let p = CurveParams {
        k_max: ONE,
        ..CurveParams::default()
    };
    assert_eq!(p.validate(), Err(CurveError::InvalidParameter));
    let harmful = [
        CurveParams {
            q_max: 0,
            ..CurveParams::default()
        },
        // A flat curve, a free round trip and a frozen `k` are each refused.
        CurveParams {
            k_min: 0,
            ..CurveParams::default()
        },
        CurveParams {
            fee_min: 0,
            ..CurveParams::default()
        },
        CurveParams {
            k_ramp: 0,
            ..CurveParams::default()
        },
        CurveParams {
            k_ramp: K_RAMP_CEIL + 1,
            ..CurveParams::default()
        },
    ];
    for p in harmful {
        assert_eq!(p.validate(), Err(CurveError::InvalidParameter), "{p:?}");
    }
}

#[test]
fn every_bound_admits_its_edge_and_refuses_one_unit_past_it() {
    type Edit = fn(&mut CurveParams, bool);
    let bounds: [(&str, CurveParams, Edit); 25] = {
        let wd = CurveParams::without_discovery();
        let d = CurveParams::default();
        [
            ("k_min floor", wd, |p, x| {
                p.k_min = K_FLOOR - u128::from(x);
            }),
            ("k_min <= k_base", wd, |p, x| {
                p.k_min = p.k_base + u128::from(x);
            }),
            ("k_base <= k_max", wd, |p, x| {
                p.k_max = p.k_base - u128::from(x);
            }),
            ("k_max ceiling", wd, |p, x| {
                p.k_max = K_CEIL + u128::from(x);
            }),
            ("gamma ceiling", wd, |p, x| {
                p.gamma = GAMMA_CEIL + u128::from(x);
            }),
            ("tau ceiling", wd, |p, x| {
                p.tau_ms = YEAR_MS + u64::from(x);
            }),
            ("fee_min floor", wd, |p, x| {
                p.fee_min = FEE_FLOOR - u128::from(x);
            }),
            ("fee_min <= fee_max", wd, |p, x| {
                p.fee_max = p.fee_min - u128::from(x);
            }),
            ("fee_max ceiling", wd, |p, x| {
                p.fee_max = FEE_CEIL + u128::from(x);
            }),
            ("fee_base ceiling", wd, |p, x| {
                p.fee_base = FEE_CEIL + u128::from(x);
            }),
            ("fee_vol ceiling", wd, |p, x| {
                p.fee_vol = 100 * ONE + u128::from(x);
            }),
            ("block time floor", wd, |p, x| {
                p.block_time_ms = BLOCK_TIME_RANGE_MS.0 - u64::from(x);
            }),
            ("block time ceiling", wd, |p, x| {
                p.block_time_ms = BLOCK_TIME_RANGE_MS.1 + u64::from(x);
            }),
            ("max_skew floor", wd, |p, x| {
                p.max_skew = 1 - u128::from(x);
            }),
            ("max_skew ceiling", wd, |p, x| {
                p.max_skew = SKEW_CEIL + u128::from(x);
            }),
            ("q_max floor", wd, |p, x| {
                p.q_max = 1 - u128::from(x);
            }),
            ("q_max ceiling", wd, |p, x| {
                p.q_max = ONE + u128::from(x);
            }),
            ("k_ramp floor", wd, |p, x| {
                p.k_ramp = K_RAMP_FLOOR - u128::from(x);
            }),
            ("k_ramp ceiling", wd, |p, x| {
                p.k_ramp = K_RAMP_CEIL + u128::from(x);
            }),
            ("guard ceiling", wd, |p, x| {
                p.guard = GUARD_CEIL + u128::from(x);
            }),
            ("guard ceiling, discovering", d, |p, x| {
                p.guard = GUARD_CEIL + u128::from(x);
            }),
            ("discovery depth floor", d, |p, x| {
                p.discovery_depth = DISCOVERY_DEPTH_RANGE.start() - u128::from(x);
            }),
            ("discovery depth ceiling", d, |p, x| {
                p.discovery_depth = DISCOVERY_DEPTH_RANGE.end() + u128::from(x);
            }),
            ("guard floor, discovering", d, |p, x| {
                p.guard = GUARD_FLOOR - u128::from(x);
            }),
            ("max_skew ceiling, discovering", d, |p, x| {
                p.max_skew = DISCOVERY_SKEW_CEIL + u128::from(x);
            }),
        ]
    };
    for (name, base, edit) in bounds {
        assert_eq!(base.validate(), Ok(()), "{name}: the base");
        let (mut edge, mut past) = (base, base);
        edit(&mut edge, false);
        edit(&mut past, true);
        assert_eq!(edge.validate(), Ok(()), "{name}: the edge {edge:?}");
        assert_eq!(
            past.validate(),
            Err(CurveError::InvalidParameter),
            "{name}: past it {past:?}"
        );
    }
}

#[test]
fn without_discovery_the_guard_has_no_floor_and_the_band_the_wider_ceiling() {
    let p = CurveParams {
        guard: 0,
        max_skew: DISCOVERY_SKEW_CEIL + 1,
        ..CurveParams::without_discovery()
    };
    assert_eq!(p.validate(), Ok(()));
}

#[test]
fn with_discovery_on_a_band_past_a_quarter_is_refused() {
    let at_ceiling = CurveParams {
        max_skew: DISCOVERY_SKEW_CEIL,
        ..CurveParams::default()
    };
    assert!(at_ceiling.discovers());
    assert_eq!(at_ceiling.validate(), Ok(()));
    let wider = CurveParams {
        max_skew: DISCOVERY_SKEW_CEIL + 1,
        ..at_ceiling
    };
    assert_eq!(wider.validate(), Err(CurveError::InvalidParameter));
    // Without discovery the band may reach its own ceiling.
    let still = CurveParams {
        max_skew: SKEW_CEIL,
        ..CurveParams::without_discovery()
    };
    assert_eq!(still.validate(), Ok(()));
}

#[test]
fn a_volatility_past_the_ceiling_is_priced_at_it_not_refused() {
    let p = CurveParams::default();
    let at_ceiling = p.market(&reading(1_000, 0)).expect("at the ceiling");
    let past = p
        .market(&OracleReading {
            volatility: u128::MAX,
            ..reading(0, 0)
        })
        .expect("clamped");
    assert_eq!(past, at_ceiling);
}
