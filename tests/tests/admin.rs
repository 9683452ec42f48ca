//! Owner operations: configuration within bounds, pause, ownership, code upgrade.

use keel_core::dynamic::{K_FLOOR, K_RAMP_CEIL};
use keel_core::rebalance::{MAX_BOUNTY_BPS, MAX_SLIPPAGE_BPS};
use keel_core::{CurveParams, RebalanceParams, ONE};
use keel_harness::pool::{self, PoolSetup};
use keel_harness::{Fixture, BOB, MALLORY, OWNER};
use keel_interface::pool::{PoolConfig, PoolError};

#[test]
fn owner_changes_config_within_bounds() {
    let mut m = Fixture::standard();
    let config = PoolConfig {
        curve: CurveParams {
            fee_base: ONE / 1_000,
            ..Default::default()
        },
        max_oracle_age_ms: 30_000,
        ..pool::config(&mut m.chain, m.pool)
    };
    pool::set_config(&mut m.chain, OWNER, m.pool, config).expect("set");
    assert_eq!(pool::config(&mut m.chain, m.pool), config);
}

#[test]
fn out_of_bounds_config_is_refused() {
    let mut m = Fixture::standard();
    let before = pool::config(&mut m.chain, m.pool);
    for bad in [
        PoolConfig {
            curve: CurveParams {
                k_max: ONE,
                ..Default::default()
            },
            ..Default::default()
        },
        PoolConfig {
            curve: CurveParams {
                k_ramp: K_RAMP_CEIL + 1,
                ..Default::default()
            },
            ..Default::default()
        },
        PoolConfig {
            curve: CurveParams {
                k_min: K_FLOOR - 1,
                ..Default::default()
            },
            ..Default::default()
        },
        PoolConfig {
            rebalance: RebalanceParams {
                cooldown_ms: 5_999,
                ..Default::default()
            },
            ..Default::default()
        },
        PoolConfig {
            curve: CurveParams {
                fee_max: ONE,
                ..Default::default()
            },
            ..Default::default()
        },
        PoolConfig {
            curve: CurveParams {
                max_skew: 0,
                ..Default::default()
            },
            ..Default::default()
        },
        PoolConfig {
            max_oracle_age_ms: 0,
            ..Default::default()
        },
        // A rebalance target at or above its trigger would flicker in and out of "due".
        PoolConfig {
            rebalance: RebalanceParams {
                target: RebalanceParams::default().trigger,
                ..Default::default()
            },
            ..Default::default()
        },
        PoolConfig {
            rebalance: RebalanceParams {
                max_venue_slippage_bps: MAX_SLIPPAGE_BPS + 1,
                ..Default::default()
            },
            ..Default::default()
        },
        PoolConfig {
            rebalance: RebalanceParams {
                bounty_bps: MAX_BOUNTY_BPS + 1,
                ..Default::default()
            },
            ..Default::default()
        },
        PoolConfig {
            rebalance: RebalanceParams {
                cost_bps: keel_core::band::MAX_COST_BPS + 1,
                ..Default::default()
            },
            ..Default::default()
        },
    ] {
        assert_eq!(
            pool::set_config(&mut m.chain, OWNER, m.pool, bad),
            Err(PoolError::InvalidConfig)
        );
    }
    assert_eq!(pool::config(&mut m.chain, m.pool), before);
}

#[test]
fn ownership_moves_when_the_new_owner_accepts_and_the_old_owner_loses_rights() {
    let mut m = Fixture::standard();
    pool::transfer_ownership(&mut m.chain, OWNER, m.pool, BOB.account()).expect("offer");
    // an offer alone moves nothing, and only the offered account accepts it
    assert_eq!(pool::owner(&mut m.chain, m.pool), OWNER.account());
    assert_eq!(pool::pending_owner(&mut m.chain, m.pool), Some(BOB.account()));
    assert_eq!(
        pool::accept_ownership(&mut m.chain, MALLORY, m.pool),
        Err(PoolError::NotPendingOwner)
    );
    pool::accept_ownership(&mut m.chain, BOB, m.pool).expect("accept");
    assert_eq!(pool::owner(&mut m.chain, m.pool), BOB.account());
    assert_eq!(pool::pending_owner(&mut m.chain, m.pool), None);
    assert_eq!(pool::pause(&mut m.chain, OWNER, m.pool), Err(PoolError::NotOwner));
    pool::pause(&mut m.chain, BOB, m.pool).expect("new owner pauses");
}

#[test]
fn upgrade_to_unknown_code_is_refused() {
    let mut m = Fixture::standard();
    assert_eq!(
        pool::set_code(&mut m.chain, OWNER, m.pool, [7u8; 32].into()),
        Err(PoolError::IncompatibleUpgrade)
    );
    assert_eq!(pool::layout(&mut m.chain, m.pool), 3);
}

#[test]
fn constructor_refuses_identical_tokens_and_bad_config() {
    let mut m = Fixture::standard();
    let setup = PoolSetup {
        base: m.base,
        quote: m.base,
        oracle: m.oracle,
        feed: 1,
        config: PoolConfig::default(),
    };
    assert_eq!(
        pool::deploy(&mut m.chain, OWNER, setup),
        Err(PoolError::IdenticalTokens)
    );
    let bad = PoolConfig {
        max_oracle_age_ms: 0,
        ..Default::default()
    };
    let setup = PoolSetup {
        quote: m.quote,
        config: bad,
        ..setup
    };
    assert_eq!(
        pool::deploy(&mut m.chain, OWNER, setup),
        Err(PoolError::InvalidConfig)
    );
}
