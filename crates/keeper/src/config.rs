//! `keeper.toml`: what the operator sets. Every field has a default, documented here and in the
//! shipped `keeper.toml`; unknown fields are refused so a typo cannot silently keep a default.

use crate::backoff::Backoff;
use crate::decide::Policy;
use crate::executor::Settings;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub keeper: KeeperConfig,
    pub chain: ChainConfig,
    pub sandbox: SandboxConfig,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KeeperConfig {
    /// Decide and dry-run, never sign. Default false.
    pub dry_run: bool,
    /// Estimated cost of one rebalance transaction in quote tokens; smaller bounties are skipped.
    /// Default 0.5.
    pub tx_cost: f64,
    /// Decimals of the pools' quote token. Default 18.
    pub quote_decimals: u32,
    /// Skip when the oracle is within this of the pool's age limit (ms). Default 6,000.
    pub oracle_margin_ms: u64,
    /// Further attempts after a retryable failure. Default 3.
    pub max_retries: u32,
    /// Backoff after the first failure, doubling per failure up to the max (ms). Defaults 6,000
    /// and 300,000.
    pub backoff_base_ms: u64,
    pub backoff_max_ms: u64,
    /// Serve Prometheus metrics here (loopback only). Default: off.
    pub metrics: Option<SocketAddr>,
}

impl Default for KeeperConfig {
    fn default() -> Self {
        KeeperConfig {
            dry_run: false,
            tx_cost: 0.5,
            quote_decimals: 18,
            oracle_margin_ms: 6_000,
            max_retries: 3,
            backoff_base_ms: 6_000,
            backoff_max_ms: 300_000,
            metrics: None,
        }
    }
}

/// Which chain the keeper talks to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// drink's in-process runtime, with a simulated market driving it.
    #[default]
    Sandbox,
    /// A node over RPC.
    Node,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ChainConfig {
    pub backend: Backend,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SandboxConfig {
    /// The market that drives the sandbox chain; default: the built-in demo scenario.
    pub scenario: Option<PathBuf>,
    /// Blocks to run; default: the scenario's.
    pub blocks: Option<u32>,
}

impl Config {
    /// Reads and checks a config file.
    ///
    /// # Errors
    /// Unreadable file, unknown field, or a value out of range.
    pub fn load(path: &Path) -> Result<Config, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        Config::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Parses and checks a config text.
    ///
    /// # Errors
    /// As [`Config::load`].
    pub fn parse(text: &str) -> Result<Config, String> {
        let config: Config = toml::from_str(text).map_err(|e| e.to_string())?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), String> {
        let k = &self.keeper;
        if !(k.tx_cost.is_finite() && k.tx_cost >= 0.0) {
            return Err("keeper.tx_cost must be a non-negative number".into());
        }
        if k.quote_decimals > 30 {
            return Err("keeper.quote_decimals must be at most 30".into());
        }
        if k.backoff_base_ms == 0 || k.backoff_max_ms < k.backoff_base_ms {
            return Err("keeper.backoff_base_ms must be positive and at most backoff_max_ms".into());
        }
        if k.metrics.is_some_and(|a| !a.ip().is_loopback()) {
            return Err("keeper.metrics must be a loopback address (127.0.0.1 or ::1)".into());
        }
        Ok(())
    }

    /// The executor's settings; `dry_run` from the command line wins over the file.
    pub fn settings(&self, dry_run: bool) -> Settings {
        let k = &self.keeper;
        let scale = 10f64.powi(k.quote_decimals as i32);
        Settings {
            policy: Policy {
                tx_cost: (k.tx_cost * scale) as u128,
                oracle_margin_ms: k.oracle_margin_ms,
            },
            backoff: Backoff {
                base_ms: k.backoff_base_ms,
                max_ms: k.backoff_max_ms,
            },
            max_retries: k.max_retries,
            dry_run: dry_run || k.dry_run,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_means_defaults() {
        let c = Config::parse("").expect("valid");
        assert_eq!(c, Config::default());
        let s = c.settings(false);
        assert_eq!(s.policy.tx_cost, 500_000_000_000_000_000);
        assert!(!s.dry_run);
        assert!(c.settings(true).dry_run);
    }

    #[test]
    fn typos_and_bad_values_are_refused() {
        assert!(Config::parse("[keeper]\ntx_cots = 1.0").is_err());
        assert!(Config::parse("[keeper]\ntx_cost = -1.0").is_err());
        assert!(Config::parse("[keeper]\nmetrics = \"0.0.0.0:9615\"").is_err());
        assert!(Config::parse("[keeper]\nmetrics = \"127.0.0.1:9615\"").is_ok());
        assert!(Config::parse("[chain]\nbackend = \"carrier-pigeon\"").is_err());
    }
}
