//! The oracle contract: reporters, sanity bounds, monotone timestamps and the jump bound.

use keel_core::{MAX_PRICE, MAX_VOLATILITY, ONE};
use keel_harness::oracle::{self, Reading};
use keel_harness::{Fixture, MALLORY, OWNER, REPORTER, UNIT};
use keel_interface::OracleError;

fn reading(m: &Fixture, price: u128) -> Reading {
    Reading {
        price,
        volatility: ONE / 2,
        timestamp: m.chain.now(),
    }
}

#[test]
fn reporter_submission_becomes_latest() {
    let mut m = Fixture::standard();
    m.chain.advance(6_000);
    let r = reading(&m, 11 * UNIT);
    oracle::submit(&mut m.chain, REPORTER, m.oracle, r).expect("submit");
    let latest = oracle::latest(&mut m.chain, m.oracle).expect("latest");
    assert_eq!(
        (latest.price, latest.volatility, latest.timestamp),
        (r.price, r.volatility, r.timestamp)
    );
}

#[test]
fn unauthorised_reporter_is_refused() {
    let mut m = Fixture::standard();
    m.chain.advance(6_000);
    let before = oracle::latest(&mut m.chain, m.oracle);
    let r = reading(&m, 11 * UNIT);
    assert_eq!(
        oracle::submit(&mut m.chain, MALLORY, m.oracle, r),
        Err(OracleError::NotReporter)
    );
    assert_eq!(
        oracle::add_reporter(&mut m.chain, MALLORY, m.oracle, MALLORY.account()),
        Err(OracleError::NotOwner)
    );
    assert_eq!(oracle::latest(&mut m.chain, m.oracle), before);
}

#[test]
fn zero_and_absurd_values_are_refused() {
    let mut m = Fixture::standard();
    m.chain.advance(6_000);
    let before = oracle::latest(&mut m.chain, m.oracle);
    let ok = reading(&m, 10 * UNIT);
    let cases = [
        (Reading { price: 0, ..ok }, OracleError::PriceOutOfBounds),
        (
            Reading {
                price: MAX_PRICE + 1,
                ..ok
            },
            OracleError::PriceOutOfBounds,
        ),
        (
            Reading { volatility: 0, ..ok },
            OracleError::VolatilityOutOfBounds,
        ),
        (
            Reading {
                volatility: MAX_VOLATILITY + 1,
                ..ok
            },
            OracleError::VolatilityOutOfBounds,
        ),
    ];
    for (bad, err) in cases {
        assert_eq!(
            oracle::submit(&mut m.chain, REPORTER, m.oracle, bad),
            Err(err),
            "{bad:?}"
        );
    }
    assert_eq!(oracle::latest(&mut m.chain, m.oracle), before);
}

#[test]
fn timestamps_must_move_forward_and_not_run_ahead() {
    let mut m = Fixture::standard();
    let now = m.chain.now();
    let same = Reading {
        timestamp: now,
        ..reading(&m, 10 * UNIT)
    };
    assert_eq!(
        oracle::submit(&mut m.chain, REPORTER, m.oracle, same),
        Err(OracleError::TimestampNotIncreasing)
    );
    let future = Reading {
        timestamp: now + 3_600_000,
        ..same
    };
    assert_eq!(
        oracle::submit(&mut m.chain, REPORTER, m.oracle, future),
        Err(OracleError::TimestampInFuture)
    );
}

#[test]
fn a_jump_beyond_the_bound_is_refused_and_can_be_walked() {
    let mut m = Fixture::standard();
    m.chain.advance(6_000);
    // the fixture's bound is 20%: 10 -> 13 is refused, 10 -> 12 accepted
    let jump = reading(&m, 13 * UNIT);
    assert_eq!(
        oracle::submit(&mut m.chain, REPORTER, m.oracle, jump),
        Err(OracleError::JumpTooLarge)
    );
    let walk = reading(&m, 12 * UNIT);
    oracle::submit(&mut m.chain, REPORTER, m.oracle, walk).expect("within bound");
    assert_eq!(
        oracle::set_max_jump_bps(&mut m.chain, OWNER, m.oracle, 0),
        Err(OracleError::InvalidParameter)
    );
}
