//! Owner operations: configuration within bounds, pause, ownership, code upgrade.

use keel_core::dynamic::{K_FLOOR, K_RAMP_CEIL};
use keel_core::rebalance::{MAX_BOUNTY_BPS, MAX_SLIPPAGE_BPS};
use keel_core::{CurveParams, RebalanceParams, ONE};
use keel_harness::pool::{self, PoolSetup};
use keel_harness::{Fixture, BOB, MALLORY, OWNER};
use keel_interface::pool::{PoolConfig, PoolError};

/// Configurations outside the pool's bounds, at least one for each group of them: the curve's
/// `k`, fees, block time, skew and inventory limit and ramp, the oracle age's (and its reach with
/// discovery on), and the rebalance's trigger, target, cooldown, slippage, bounty and cost.
// A table, one entry a bound: long, and read entry by entry.
#[allow(clippy::too_many_lines)]
fn out_of_bounds_configs() -> Vec<PoolConfig> {
    vec![
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
        PoolConfig {
            max_oracle_age_ms: keel_core::pool::MAX_ORACLE_AGE_CEIL_MS + 1,
            ..Default::default()
        },
        PoolConfig {
            curve: CurveParams {
                fee_min: CurveParams::default().fee_max + 1,
                ..Default::default()
            },
            ..Default::default()
        },
        PoolConfig {
            curve: CurveParams {
                block_time_ms: 0,
                ..Default::default()
            },
            ..Default::default()
        },
        PoolConfig {
            curve: CurveParams {
                q_max: 0,
                ..Default::default()
            },
            ..Default::default()
        },
        PoolConfig {
            rebalance: RebalanceParams {
                trigger: keel_core::rebalance::MIN_TRIGGER - 1,
                target: 0,
                ..Default::default()
            },
            ..Default::default()
        },
        // A pool that discovers between readings accepts none older than its record reaches.
        PoolConfig {
            curve: CurveParams::default().discovering(),
            max_oracle_age_ms: keel_core::pool::discovery_reach_ms(&CurveParams::default().discovering()) + 1,
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
    ]
}

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
    for bad in out_of_bounds_configs() {
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
fn whoever_deploys_a_pool_owns_it_and_its_configuration_is_checked_all_the_same() {
    // given a market, and Bob, who owns none of it
    let mut m = Fixture::standard();
    let setup = m.pool_setup(PoolConfig::default());
    // when Bob deploys a pool out of bounds, then it is refused; within bounds, he owns it
    let bad = PoolSetup {
        config: PoolConfig {
            max_oracle_age_ms: 0,
            ..Default::default()
        },
        ..setup
    };
    assert_eq!(
        pool::deploy(&mut m.chain, BOB, bad),
        Err(PoolError::InvalidConfig)
    );
    let pool = pool::deploy(&mut m.chain, BOB, setup).expect("deploys");
    assert_eq!(pool::owner(&mut m.chain, pool), BOB.account());
    assert_eq!(pool::config(&mut m.chain, pool), PoolConfig::default());
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
    // The shipped pool leaves the bounds to its cold code (`set_config`); each configuration
    // that the owner's change is refused still refuses a new pool.
    for bad in out_of_bounds_configs() {
        let setup = PoolSetup {
            quote: m.quote,
            config: bad,
            ..setup
        };
        assert_eq!(
            pool::deploy(&mut m.chain, OWNER, setup),
            Err(PoolError::InvalidConfig),
            "{bad:?}"
        );
    }
}
