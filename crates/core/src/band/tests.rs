use super::*;
use crate::math::operand_stream;

const GIGA: u128 = 1_000_000_000;

fn adaptive(cost_bps: u32) -> RebalanceParams {
    RebalanceParams {
        cost_bps,
        ..RebalanceParams::default()
    }
}

/// Volatilities from zero to the oracle's ceiling, finer where pools live.
fn volatilities() -> impl Iterator<Item = u128> {
    (0..=400u128).map(|i| i * i * (crate::MAX_VOLATILITY / 160_000))
}

#[test]
fn the_cube_root_is_the_floor_of_the_exact_root() {
    let mut next = operand_stream(11);
    let span = 8 * ONE - ONE / 8;
    let random = (0..20_000).map(|_| ONE / 8 + u128::from(next()) % span);
    let edges = [
        ONE / 8,
        ONE / 8 + 1,
        ONE,
        ONE + 1,
        ONE - 1,
        2 * ONE,
        8 * ONE - 1,
        8 * ONE,
    ];
    for x in random.chain(edges) {
        let y = cbrt_wad(x).unwrap();
        assert_eq!(y % GIGA, 0, "nine digits");
        let root = y / GIGA;
        let n = x * GIGA;
        assert!(root.pow(3) <= n, "{root}^3 > {x}e9");
        assert!((root + 1).pow(3) > n, "({root} + 1)^3 <= {x}e9");
    }
    assert_eq!(cbrt_wad(ONE), Ok(ONE));
    assert_eq!(cbrt_wad(8 * ONE), Ok(2 * ONE));
    assert_eq!(cbrt_wad(ONE / 8), Ok(ONE / 2));
    assert_eq!(cbrt_wad(ONE / 8 - 1), Err(CurveError::InvalidParameter));
    assert_eq!(cbrt_wad(8 * ONE + 1), Err(CurveError::InvalidParameter));
}

#[test]
fn at_the_reference_volatility_and_cost_the_band_is_the_configured_one() {
    // (80%/yr and 30 bps, as the docs and the band's presets state them)
    let params = adaptive(30);
    let band = params.band(ONE / 10 * 8).unwrap();
    assert_eq!(band.trigger, params.trigger);
    assert_eq!(band.target, params.target);
}

#[test]
fn the_factor_stops_at_half_and_twice_the_configured_band() {
    // 30 bps at 30 times the reference volatility would narrow it to a tenth; 10% at 1%/yr
    // would widen it sixty times
    assert_eq!(band_factor(30, 24 * ONE), Ok(ONE / 2));
    assert_eq!(band_factor(1_000, ONE / 100), Ok(2 * ONE));
}

#[test]
fn the_factor_is_the_cube_root_of_cost_over_variance() {
    // Twice the cost: 2^(1/3) wider.
    let f = band_factor(2 * REFERENCE_COST_BPS, REFERENCE_VOLATILITY).unwrap();
    assert_eq!(f, 1_259_921_049_000_000_000);
    // Twice the volatility: 4^(-1/3), narrower.
    let f = band_factor(REFERENCE_COST_BPS, 2 * REFERENCE_VOLATILITY).unwrap();
    assert_eq!(f, 629_960_524_000_000_000);
    // Eight times the cost and twice the volatility cancel: 8 / 4 = 2, 2^(1/3).
    let f = band_factor(8 * REFERENCE_COST_BPS, 2 * REFERENCE_VOLATILITY).unwrap();
    assert_eq!(f, 1_259_921_049_000_000_000);
}

#[test]
fn the_band_widens_with_cost_and_narrows_with_volatility_within_its_bounds() {
    let costs: Vec<u32> = (1..=MAX_COST_BPS).step_by(7).chain([MAX_COST_BPS]).collect();
    for volatility in volatilities() {
        let mut last = 0;
        for &cost in &costs {
            let band = adaptive(cost).band(volatility).unwrap();
            assert!(band.trigger >= last, "narrower at {cost} bps, vol {volatility}");
            last = band.trigger;
        }
    }
    for &cost in &costs {
        let params = adaptive(cost);
        let mut last = u128::MAX;
        for volatility in volatilities() {
            let band = params.band(volatility).unwrap();
            assert!(band.trigger <= last, "wider at vol {volatility}, {cost} bps");
            last = band.trigger;
            assert!(band.target < band.trigger);
            assert!(band.trigger >= params.trigger / 2 && band.trigger <= 2 * params.trigger);
            assert!(band.target >= params.target / 2 && band.target <= 2 * params.target);
        }
    }
    // Strictly, where the bounds do not bind.
    let base = adaptive(REFERENCE_COST_BPS).band(REFERENCE_VOLATILITY).unwrap();
    let costly = adaptive(REFERENCE_COST_BPS + 10)
        .band(REFERENCE_VOLATILITY)
        .unwrap();
    let wild = adaptive(REFERENCE_COST_BPS)
        .band(REFERENCE_VOLATILITY + ONE / 10)
        .unwrap();
    assert!(costly.trigger > base.trigger && costly.target > base.target);
    assert!(wild.trigger < base.trigger && wild.target < base.target);
}

#[test]
fn no_volatility_reading_takes_the_trigger_below_its_floor() {
    let params = RebalanceParams {
        trigger: MIN_TRIGGER,
        target: MIN_TRIGGER / 2,
        cost_bps: 1,
        ..RebalanceParams::default()
    };
    let band = params.band(crate::MAX_VOLATILITY).unwrap();
    assert_eq!(band.trigger, MIN_TRIGGER);
    assert!(band.target < band.trigger);
    let wide_open = RebalanceParams {
        trigger: ONE,
        target: ONE / 2,
        cost_bps: MAX_COST_BPS,
        ..RebalanceParams::default()
    };
    let band = wide_open.band(0).unwrap();
    assert_eq!(band.trigger, ONE);
    assert!(
        band.target < band.trigger,
        "the clamp would meet the target: {band:?}"
    );
    // Rounding that would meet the trigger: 2e16 + 1 and 2e16 halve to the same 1e16.
    let close = RebalanceParams {
        trigger: 2 * MIN_TRIGGER + 1,
        target: 2 * MIN_TRIGGER,
        cost_bps: 1,
        ..RebalanceParams::default()
    };
    let band = close.band(crate::MAX_VOLATILITY).unwrap();
    assert!(band.target < band.trigger, "{band:?}");
    // The smallest volatilities, where the ratio to the reference is clamped.
    for volatility in [1, 2, 1_000, ONE / 1_000_000] {
        assert_eq!(band_factor(1, volatility), Ok(BAND_FACTOR_MAX));
    }
}

#[test]
fn a_zero_cost_keeps_the_configured_band_whatever_the_volatility() {
    let params = RebalanceParams::default();
    assert_eq!(params.cost_bps, 0);
    for volatility in volatilities() {
        let band = params.band(volatility).unwrap();
        assert_eq!((band.trigger, band.target), (params.trigger, params.target));
    }
}

#[test]
fn a_cost_past_its_ceiling_is_refused() {
    assert!(adaptive(MAX_COST_BPS).validate().is_ok());
    assert_eq!(
        adaptive(MAX_COST_BPS + 1).validate(),
        Err(CurveError::InvalidParameter)
    );
}
