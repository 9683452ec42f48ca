//! A deployment plan: what `keel-client deploy` deploys, read from TOML, and the pool and feed
//! configurations it asks for, checked against their bounds before anything is sent.

use crate::error::ClientError;
use ink::primitives::AccountId;
use keel_core::consts::{DEFAULT_FEED, DEFAULT_VENUE_FEE_BPS};
use keel_core::oracle::FeedConfig;
use keel_interface::pool::PoolConfig;
use serde::Deserialize;
use std::path::Path;

/// What to deploy. Amounts are whole tokens; prices and volatility are decimals.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Signs every deployment transaction and owns the contracts. Required: no plan gets a
    /// key it did not name (`deploy/local.toml` names the dev key `//Alice`, which signs only
    /// on a dev chain).
    pub deployer: String,
    /// Authorised to report prices; each submits the first reading. Default: the deployer alone.
    #[serde(default)]
    pub reporters: Vec<String>,
    /// Fresh readings the feed's answer needs. Default: a majority of the reporters, so a
    /// minority of keys never makes an answer alone.
    pub quorum: Option<u8>,
    /// How long a reading counts toward the answer (ms). Default: the oracle's (a minute).
    pub expiry_ms: Option<u64>,
    /// Accounts minted `trader_funds` of both tokens, with the pool and venue approved.
    #[serde(default)]
    pub traders: Vec<String>,
    #[serde(default)]
    pub trader_funds: u64,
    pub base_symbol: String,
    pub quote_symbol: String,
    /// The oracle's first reading.
    pub price: f64,
    pub volatility: f64,
    #[serde(default = "default_feed")]
    pub feed: u32,
    /// Whole tokens the deployer puts into the pool and into the venue.
    pub pool_base: u64,
    pub pool_quote: u64,
    pub venue_base: u64,
    pub venue_quote: u64,
    #[serde(default = "default_venue_fee")]
    pub venue_fee_bps: u32,
    /// A second venue, listed after the first (`set_venues`) so the keeper can split rebalances
    /// across both; none unless both amounts are set.
    #[serde(default)]
    pub second_venue_base: u64,
    #[serde(default)]
    pub second_venue_quote: u64,
    #[serde(default = "default_venue_fee")]
    pub second_venue_fee_bps: u32,
    /// Overrides of the pool's default configuration.
    pub max_oracle_age_ms: Option<u64>,
    pub rebalance_cooldown_ms: Option<u64>,
    /// Price discovery between readings (the pool's default): the pool's reference moves with its
    /// own flow until a reading describes it. It needs `max_oracle_age_ms` within the flow
    /// record's reach (11 blocks, 66 s on 6 s blocks), so a dev chain that seals a block per
    /// transaction turns it off (`CurveParams::without_discovery`). Default on.
    #[serde(default = "default_discovery")]
    pub discovery: bool,
}

impl Plan {
    /// Whether the plan deploys a second venue.
    pub fn has_second_venue(&self) -> bool {
        self.second_venue_base > 0 && self.second_venue_quote > 0
    }

    /// The feed's configuration for `reporters` reporters.
    ///
    /// # Errors
    /// A quorum or expiry outside the oracle's bounds.
    pub fn feed_config(&self, reporters: usize) -> Result<FeedConfig, ClientError> {
        let defaults = FeedConfig::default();
        let majority = u8::try_from(reporters / 2 + 1).unwrap_or(u8::MAX);
        let quorum = self.quorum.unwrap_or(majority);
        let config = FeedConfig {
            quorum,
            expiry_ms: self.expiry_ms.unwrap_or(defaults.expiry_ms),
            ..defaults
        };
        if usize::from(quorum) > reporters || config.validate().is_err() {
            return Err(ClientError::OutOfRange(format!(
                "quorum {quorum} of {reporters} reporters, expiry {} ms",
                config.expiry_ms
            )));
        }
        Ok(config)
    }

    /// The pool's configuration: the defaults with this plan's overrides, trading on `venue`.
    ///
    /// # Errors
    /// An override outside the pool's bounds (with discovery on, an oracle age beyond its reach).
    pub fn pool_config(&self, venue: AccountId) -> Result<PoolConfig, ClientError> {
        let mut config = PoolConfig {
            venue: Some(venue),
            ..PoolConfig::default()
        };
        if !self.discovery {
            config.curve = keel_core::CurveParams::without_discovery();
        }
        if let Some(age) = self.max_oracle_age_ms {
            config.max_oracle_age_ms = age;
        }
        if let Some(cooldown) = self.rebalance_cooldown_ms {
            config.rebalance.cooldown_ms = cooldown;
        }
        let age = config.max_oracle_age_ms;
        let reach = keel_core::pool::discovery_reach_ms(&config.curve);
        let why = if !(1..=keel_core::pool::MAX_ORACLE_AGE_CEIL_MS).contains(&age) {
            format!(
                "max_oracle_age_ms {age} is outside 1..={}",
                keel_core::pool::MAX_ORACLE_AGE_CEIL_MS
            )
        } else if self.discovery && age > reach {
            format!("max_oracle_age_ms {age} is beyond discovery's reach of {reach} ms (11 blocks)")
        } else if config.rebalance.cooldown_ms < config.curve.block_time_ms {
            format!(
                "rebalance_cooldown_ms {} is shorter than a block ({} ms)",
                config.rebalance.cooldown_ms, config.curve.block_time_ms
            )
        } else if !config.is_valid() {
            "the pool configuration is outside its bounds".into()
        } else {
            return Ok(config);
        };
        Err(ClientError::OutOfRange(why))
    }

    /// Reads a deployment plan.
    ///
    /// # Errors
    /// Unreadable, or not a plan.
    pub fn load(path: &Path) -> Result<Plan, ClientError> {
        let text = std::fs::read_to_string(path).map_err(|source| ClientError::File {
            path: path.to_owned(),
            source,
        })?;
        toml::from_str(&text).map_err(|e| ClientError::Malformed {
            path: path.to_owned(),
            reason: e.to_string(),
        })
    }
}

fn default_feed() -> u32 {
    DEFAULT_FEED
}
fn default_venue_fee() -> u32 {
    DEFAULT_VENUE_FEE_BPS
}

fn default_discovery() -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCAL: &str = include_str!("../../../deploy/local.toml");

    /// The local plan, parsed.
    fn local() -> Plan {
        toml::from_str(LOCAL).expect("deploy/local.toml parses")
    }

    /// The local plan without its lines setting `key`.
    fn local_without(key: &str) -> String {
        LOCAL
            .lines()
            .filter(|l| !l.starts_with(key))
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn the_shipped_plan_parses() {
        let plan = local();
        assert_eq!(plan.deployer, "//Alice");
        assert!(plan.pool_base > 0 && plan.venue_base > 0);
    }

    #[test]
    fn a_plan_that_does_not_name_discovery_deploys_with_it_on() {
        let mut plan: Plan = toml::from_str(&local_without("discovery")).expect("parses without discovery");
        assert!(plan.discovery);
        // the local plan's ten-minute readings are beyond discovery's reach; a minute is within it
        plan.max_oracle_age_ms = Some(60_000);
        let config = plan.pool_config(AccountId::from([7; 32])).expect("within reach");
        assert_eq!(config.curve, PoolConfig::default().curve);
        assert!(config.curve.discovers());
    }

    #[test]
    fn a_plan_must_name_its_deployer() {
        let err = toml::from_str::<Plan>(&local_without("deployer")).expect_err("no deployer");
        assert!(err.to_string().contains("deployer"), "{err}");
    }

    #[test]
    fn a_plan_with_discovery_needs_an_oracle_age_within_its_reach() {
        let mut plan = local();
        let venue = AccountId::from([7; 32]);
        let local = plan.pool_config(venue).expect("the local plan");
        assert_eq!(
            local.curve.discovery_depth, 0,
            "the local plan prices at the oracle"
        );
        assert_eq!(local.max_oracle_age_ms, 600_000);
        // a dev chain's ten-minute readings are too old for the flow record
        plan.discovery = true;
        let refused = plan.pool_config(venue).expect_err("too old for discovery");
        assert!(
            refused
                .to_string()
                .contains("beyond discovery's reach of 66000 ms"),
            "{refused}"
        );
        // a cooldown shorter than a block is named as such
        plan.rebalance_cooldown_ms = Some(1_000);
        plan.max_oracle_age_ms = Some(60_000);
        let refused = plan.pool_config(venue).expect_err("cooldown under a block");
        assert!(refused.to_string().contains("shorter than a block"), "{refused}");
        plan.rebalance_cooldown_ms = None;
        // readings at most a minute old are within it
        let discovering = plan.pool_config(venue).expect("discovery with fresh readings");
        assert_eq!(discovering.curve, PoolConfig::default().curve);
        assert_eq!(discovering.venue, Some(venue));
    }
}
