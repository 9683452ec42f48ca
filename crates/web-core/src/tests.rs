use keel_core::pool::{MarketStatus, PoolConfig};
use keel_core::{Band, CurveError, Greeks, PoolState, ONE};
use parity_scale_codec::{Decode, Encode};

use super::{band, buffer, buffer_len, greeks, Failure, BUFFER_LEN};
use crate::{band_of, greeks_of};

fn market(volatility: u128) -> MarketStatus {
    MarketStatus {
        price: 10 * ONE,
        volatility,
        timestamp: 0,
        age_ms: 12_000,
        k: ONE / 4,
        k_target: ONE / 4,
        fee: ONE / 1_000,
        stale: false,
        drift: 0,
        reference: 10 * ONE,
        guard_fee: 0,
    }
}

fn config(cost_bps: u32) -> PoolConfig<[u8; 32]> {
    let mut config = PoolConfig {
        venue: Some([7; 32]),
        ..PoolConfig::default()
    };
    config.rebalance.cost_bps = cost_bps;
    config
}

/// The views' bytes as the page writes them: each view as the chain encodes it, back to back.
fn views(state: &PoolState, market: &MarketStatus, config: &PoolConfig<[u8; 32]>) -> Vec<u8> {
    [state.encode(), market.encode(), config.encode()].concat()
}

/// A pool long base: it bought 20 base below the oracle price.
fn long_base() -> PoolState {
    let mut state = PoolState::balanced(100 * ONE, 1_000 * ONE);
    state.base_reserve = 120 * ONE;
    state.quote_reserve = 801 * ONE;
    state
}

#[test]
fn the_greeks_are_the_cores_on_the_decoded_views() {
    for state in [PoolState::balanced(100 * ONE, 1_000 * ONE), long_base()] {
        for volatility in [ONE / 2, ONE, 3 * ONE] {
            let (m, c) = (market(volatility), config(0));
            let expected = m.greeks(&state, &c.curve).expect("the core reads them");
            assert_eq!(greeks_of(&views(&state, &m, &c)), Ok(expected));
        }
    }
}

#[test]
fn the_band_is_the_one_the_pool_checks() {
    for cost_bps in [0, 10, 40, 200] {
        for volatility in [ONE / 5, ONE, 4 * ONE] {
            let (m, c) = (market(volatility), config(cost_bps));
            let expected = c.rebalance.band(volatility).expect("a valid config's band");
            let state = long_base();
            assert_eq!(band_of(&views(&state, &m, &c)), Ok(expected));
        }
    }
    // A configured cost moves the band with volatility; without one it stands.
    let at = |cost, vol| band_of(&views(&long_base(), &market(vol), &config(cost))).expect("a band");
    assert_eq!(at(0, ONE / 5), at(0, 4 * ONE));
    assert!(at(40, ONE / 5).trigger > at(40, 4 * ONE).trigger);
}

#[test]
fn bytes_that_are_not_the_three_views_name_what_is_wrong() {
    let whole = views(&long_base(), &market(ONE), &config(0));
    let state_len = long_base().encode().len();
    assert_eq!(
        greeks_of(&whole[..state_len - 1]),
        Err(Failure::Malformed("curve_state"))
    );
    assert_eq!(
        greeks_of(&whole[..state_len + 3]),
        Err(Failure::Malformed("market_status"))
    );
    assert_eq!(
        greeks_of(&whole[..whole.len() - 1]),
        Err(Failure::Malformed("config"))
    );
    let mut longer = whole.clone();
    longer.push(0);
    assert_eq!(greeks_of(&longer), Err(Failure::Malformed("input")));
    assert_eq!(band_of(&longer), Err(Failure::Malformed("input")));
}

#[test]
fn an_empty_side_is_the_cores_refusal() {
    let empty = PoolState::balanced(0, 1_000 * ONE);
    let input = views(&empty, &market(ONE), &config(0));
    assert_eq!(
        greeks_of(&input),
        Err(Failure::Curve(CurveError::InsufficientLiquidity))
    );
}

/// A refusal as an export writes it into the buffer: the text the page shows.
#[derive(Debug, PartialEq)]
struct Written(String);

/// Writes `input` into the module's buffer, calls `export` and reads its answer back, as the
/// page does: copies in before the call and out after, holding no reference across it.
fn call(export: unsafe extern "C" fn(u32) -> i32, input: &[u8]) -> Result<Vec<u8>, Written> {
    assert!(input.len() <= BUFFER_LEN);
    // SAFETY: the buffer is BUFFER_LEN bytes long, `input` fits, and only this test (one thread)
    // calls the exports; no reference into the buffer outlives a statement.
    let n = unsafe {
        core::ptr::copy_nonoverlapping(input.as_ptr(), buffer(), input.len());
        export(u32::try_from(input.len()).expect("a short input"))
    };
    let len = usize::try_from(n.unsigned_abs()).expect("a length");
    let mut out = vec![0; len];
    // SAFETY: as above; `len` is at most BUFFER_LEN, what the export wrote.
    unsafe { core::ptr::copy_nonoverlapping(buffer(), out.as_mut_ptr(), len) };
    if n >= 0 {
        Ok(out)
    } else {
        Err(Written(String::from_utf8(out).expect("a name")))
    }
}

// One test for every call through the shared buffer: tests run on threads of their own.
#[test]
fn the_exports_answer_through_the_buffer() {
    assert_eq!(buffer_len(), u32::try_from(BUFFER_LEN).expect("fits"));
    let (state, m, c) = (long_base(), market(ONE), config(40));
    let input = views(&state, &m, &c);

    let answer = call(greeks, &input).expect("the Greeks");
    let expected = m.greeks(&state, &c.curve).expect("the core reads them");
    assert_eq!(Greeks::decode(&mut answer.as_slice()), Ok(expected));
    assert_eq!(answer.len(), expected.encoded_size());

    let answer = call(band, &input).expect("the band");
    assert_eq!(
        Band::decode(&mut answer.as_slice()),
        Ok(c.rebalance.band(ONE).expect("a band"))
    );

    let empty = views(&PoolState::balanced(0, ONE), &m, &c);
    assert_eq!(call(greeks, &empty), Err(Written("InsufficientLiquidity".into())));
    assert_eq!(
        call(greeks, &input[..3]),
        Err(Written("Malformed curve_state".into()))
    );
    // SAFETY: one thread, no reference into the buffer held.
    let too_long = unsafe { greeks(u32::try_from(BUFFER_LEN + 1).expect("fits")) };
    assert_eq!(too_long, -12, "\"InputTooLong\"");
}
