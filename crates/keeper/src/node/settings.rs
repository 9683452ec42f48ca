//! The node backend's settings: how it sends (`NodeOptions`, from `[node]`), what it trusts
//! (from the record and the allow-lists), and how a node's failures read as the keeper's.

use crate::chain::ChainError;
use crate::config::{ConfigError, NodeConfig};
use crate::spending::Limits;
use crate::trust::{listed, RecordedChain, Role, Trust};
use crate::worth::NativePrice;
use keel_client::keys::KeySource;
use keel_client::record::{self, Deployment};
use keel_client::NodeError;
use std::time::Duration;

/// How the keeper sends on a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeOptions {
    /// Percent added to the dry-run's gas and storage deposit.
    pub margin_pct: u64,
    /// Tip on a first submission (native units).
    pub tip: u128,
    /// Most tip a resend may offer: each resend of the same rebalance doubles the tip up to this.
    pub tip_cap: u128,
    /// Wait for finality rather than a best block.
    pub finalized: bool,
    /// How long one wait for inclusion lasts before the executor hears `Timeout`.
    pub confirm_timeout: Duration,
    /// Ceilings per transaction and hourly budgets.
    pub limits: Limits,
    /// The native token's price in quote tokens: when set, no rebalance may cost more than its
    /// bounty is worth.
    pub native_price: Option<NativePrice>,
}

/// A node's failure as the bots' chains report it.
pub fn chain_error(e: NodeError) -> ChainError {
    match e {
        NodeError::Unreachable(m) | NodeError::Rpc(m) => ChainError::Rpc(m),
        // Retried as transport trouble is; its sender has booked it and names its nonce next.
        e @ NodeError::MaybeSent { .. } => ChainError::MaybeSent(e.to_string()),
        // Refused by `Node::connect` before any connection: not met once a keeper runs.
        e @ NodeError::InsecureUrl(_) => ChainError::Rpc(e.to_string()),
        NodeError::Timeout => ChainError::Timeout,
        NodeError::Dropped(_) => ChainError::Dropped,
        NodeError::Invalid(m) | NodeError::Failed(m) => ChainError::Reverted(m),
        NodeError::Decode(m) => ChainError::Decode(m),
        e @ NodeError::FeeAbove { .. } => ChainError::Reverted(e.to_string()),
    }
}

impl NodeConfig {
    /// How the node backend sends, from these settings, for pools whose quote token has
    /// `quote_decimals` decimals.
    pub fn options(&self, quote_decimals: u32) -> NodeOptions {
        NodeOptions {
            margin_pct: self.margin_pct,
            tip: u128::from(self.tip),
            tip_cap: u128::from(self.tip_cap),
            finalized: self.finalized,
            confirm_timeout: Duration::from_millis(self.confirm_timeout_ms),
            limits: Limits {
                max_ref_time: self.max_ref_time,
                max_proof_size: self.max_proof_size,
                max_deposit: u128::from(self.max_deposit),
                hourly: u128::from(self.hourly_budget),
                hourly_per_pool: u128::from(self.pool_hourly_budget),
                pool_hourly_transactions: self.pool_hourly_transactions,
            },
            native_price: self.native(quote_decimals),
        }
    }
}

/// The chain a deployment record names, as [`Trust::configured`] takes it.
pub fn recorded_chain(d: &Deployment) -> RecordedChain<'_> {
    RecordedChain {
        genesis_hash: &d.genesis_hash,
        block: d.block,
    }
}

/// The chain and code a keeper with settings `n` signs for: the record's genesis and code hashes
/// (when it has one) and the configured allow-lists.
///
/// # Errors
/// A record hash that is not a hash.
pub fn trust(n: &NodeConfig, record: Option<&Deployment>) -> Result<Trust, ConfigError> {
    let recorded = record.into_iter().flat_map(|d| {
        [
            (
                Role::Pool,
                "the record's pool code hash",
                d.code_hashes.pool.as_str(),
            ),
            (
                Role::Venue,
                "the record's venue code hash",
                d.code_hashes.venue.as_str(),
            ),
        ]
    });
    let allowed = listed(Role::Pool, "node.pool_code_hashes", &n.pool_code_hashes)
        .chain(listed(
            Role::Venue,
            "node.venue_code_hashes",
            &n.venue_code_hashes,
        ))
        .chain(recorded);
    Trust::configured(record.map(recorded_chain), allowed)
        .map_err(|e| ConfigError::Invalid(e.to_string()))?
        .on_genesis("node.genesis_hash", n.genesis_hash.as_deref())
        .map_err(|e| ConfigError::Invalid(e.to_string()))
}

/// Checks that the signer is a key source and every pool an address, without reading the key.
pub(crate) fn check_sources(n: &NodeConfig) -> Result<(), ConfigError> {
    n.signer
        .parse::<KeySource>()
        .map_err(|e| ConfigError::Invalid(format!("node.signer: {e}")))?;
    for pool in &n.pools {
        record::address(pool).map_err(|e| ConfigError::Invalid(format!("node.pools: {e}")))?;
    }
    Ok(())
}

/// The tip for submission number `sent` (0 for the first) of one rebalance.
pub fn escalated_tip(opts: &NodeOptions, sent: u32) -> u128 {
    crate::spending::bumped_tip(opts.tip, opts.tip_cap, sent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resends_double_the_tip_up_to_the_cap() {
        let opts = NodeOptions {
            margin_pct: 20,
            tip: 100,
            tip_cap: 1_000,
            finalized: false,
            confirm_timeout: Duration::from_secs(1),
            limits: crate::config::NodeConfig::default().options(18).limits,
            native_price: None,
        };
        let tips: Vec<u128> = (0..6).map(|n| escalated_tip(&opts, n)).collect();
        assert_eq!(tips, [100, 200, 400, 800, 1_000, 1_000]);
        let flat = NodeOptions {
            tip: 0,
            tip_cap: 0,
            ..opts
        };
        assert!((0..6).all(|n| escalated_tip(&flat, n) == 0));
        let no_cap_above_tip = NodeOptions {
            tip: 50,
            tip_cap: 10,
            ..opts
        };
        assert_eq!(escalated_tip(&no_cap_above_tip, 3), 50);
    }

    #[test]
    fn signers_and_pools_are_checked_when_the_config_is_read() {
        use crate::config::Config;
        assert!(Config::parse("[node]\nsigner = \"bottom drive obey lake\"").is_err());
        assert!(Config::parse("[node]\nsigner = \"env:KEEL_KEEPER_SURI\"").is_ok());
        assert!(Config::parse("[node]\npools = [\"nonsense\"]").is_err());
    }
}
