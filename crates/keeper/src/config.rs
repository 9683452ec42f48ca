//! `keeper.toml`: what the operator sets. Every field has a default, documented here and in the
//! shipped `keeper.toml`; unknown fields are refused so a typo cannot silently keep a default.
//!
//! `[keeper]` is how the keeper decides and retries, wherever it runs (the simulator reads it
//! too); `[node]` is the node it watches and signs on, which `keel-keeper` needs.

use crate::backoff::Backoff;
use crate::decide::Policy;
use crate::executor::Settings;
use keel_core::fixed::units_from_f64;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Tables that older keeper configurations had; each gets its own error rather than "unknown
/// field", so an operator upgrading learns what replaced it.
const RETIRED_TABLES: [&str; 2] = ["chain", "sandbox"];

/// Why a configuration was refused.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{0}")]
    Parse(#[from] crate::toml_error::TomlError),
    /// A value is out of range; the message names the field.
    #[error("{0}")]
    Invalid(String),
    /// `keel-keeper` was given a configuration without a node to watch.
    #[error(
        "no node configured: add a [node] table with `url` and `deployment` or `pools` (see keeper.toml); \
         the simulated market is `keel-sim simulate`"
    )]
    NoNode,
    /// A table of the keeper's configuration before it ran on nodes only.
    #[error(
        "[{0}] is no longer read: keel-keeper runs against the [node] table only (remove `[chain]`); \
         the simulated market and its [sandbox] settings are `keel-sim simulate`'s"
    )]
    Retired(&'static str),
}

impl ConfigError {
    fn invalid(message: &str) -> ConfigError {
        ConfigError::Invalid(message.to_owned())
    }
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub keeper: KeeperConfig,
    /// The node backend; `None` when the file has no `[node]` table.
    #[serde(default)]
    pub node: Option<NodeConfig>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KeeperConfig {
    /// Decide and dry-run, never sign. Default false.
    pub dry_run: bool,
    /// Estimated cost of one rebalance transaction in quote tokens; smaller bounties (estimated
    /// from the pool's views, then the dry-run's) are skipped. Default 0.5.
    pub tx_cost: f64,
    /// Decimals of the pools' base token (for the Greeks' metrics). Default 18.
    pub base_decimals: u32,
    /// Decimals of the pools' quote token. Default 18.
    pub quote_decimals: u32,
    /// Skip when the oracle is within this of the pool's age limit (ms). Default 6,000.
    pub oracle_margin_ms: u64,
    /// Further attempts after a retryable failure submitting or confirming a rebalance. Default 3.
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
            base_decimals: 18,
            quote_decimals: 18,
            oracle_margin_ms: 6_000,
            max_retries: 3,
            backoff_base_ms: 6_000,
            backoff_max_ms: 300_000,
            metrics: None,
        }
    }
}

/// The node backend: where the node is, which pools, who signs, how to send.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NodeConfig {
    /// RPC endpoint; `ws://` only for loopback, `wss://` otherwise. Default `ws://127.0.0.1:9944`.
    pub url: String,
    /// A deployment record (`keel-client deploy`) whose pool is watched, relative to this file's
    /// folder (as a service runs it, from `/`). Default: none.
    pub deployment: Option<PathBuf>,
    /// Further pool addresses (SS58 or 0x hex) to watch.
    pub pools: Vec<String>,
    /// The chain the keeper signs on: its genesis hash (`0x` hex), checked at start and before
    /// every rebalance. With a record, it must be the record's; `pools` without a `deployment`
    /// need it, as a key may hold funds on more than one chain. Default: the record's.
    pub genesis_hash: Option<String>,
    /// The signing key: `env:VARIABLE` or `file:PATH` holding a secret URI, or `//Name` on a
    /// chain that reports itself Development or Local. Required: no default key signs.
    pub signer: String,
    /// Wait for finality, not just a best block. Default false.
    pub finalized: bool,
    /// Pause between passes over the pools (ms): at least 100. Default 6,000.
    pub poll_ms: u64,
    /// One wait for inclusion before the executor hears a timeout (ms). Default 60,000.
    pub confirm_timeout_ms: u64,
    /// How long an operation keeps trying to reconnect to the node (ms). Default 30,000.
    pub reconnect_ms: u64,
    /// Percent added to the dry-run's gas and storage deposit. Default 20.
    pub margin_pct: u64,
    /// Tip on a first submission, and the most a resend may escalate to (native units).
    /// Defaults 0 and 0.
    pub tip: u64,
    pub tip_cap: u64,
    /// Most gas one rebalance may carry, margin included: `ref_time` and `proof_size`. Defaults
    /// 100,000,000,000 and 2,000,000 (about 5x what Keel's rebalance needs).
    pub max_ref_time: u64,
    pub max_proof_size: u64,
    /// Most storage deposit one rebalance may commit, margin included (native units). Default
    /// 1,000,000,000,000.
    pub max_deposit: u64,
    /// Most the keeper's transactions may cost in any hour, over all pools and per pool: fee
    /// quote, deposit limit and tip (native units). Defaults 100,000,000,000,000 and
    /// 50,000,000,000,000.
    pub hourly_budget: u64,
    pub pool_hourly_budget: u64,
    /// Most transactions for one pool in any hour, whatever their quoted cost. Default 60.
    pub pool_hourly_transactions: u32,
    /// Code hashes (`0x` hex) a watched pool and its venue may run besides the record's: the
    /// keeper stops signing for a pool whose code, or whose venue's code, is on neither list.
    /// Pools in `pools` need `pool_code_hashes` unless a record is configured. Default: none.
    pub pool_code_hashes: Vec<String>,
    pub venue_code_hashes: Vec<String>,
    /// Whole quote tokens one whole native token is worth. When set, a rebalance whose fee
    /// quote, deposit limit and tip exceed what its bounty is worth at this price is not sent.
    /// Default: not set (only `keeper.tx_cost` applies).
    pub native_price: Option<f64>,
    /// Decimals of the chain's native token. Default 12.
    pub native_decimals: u32,
    /// A second node (another operator's, ideally) that must also accept each rebalance's
    /// dry-run before it is signed; on the same chain as `url`. Default: none.
    pub confirm_url: Option<String>,
}

impl Default for NodeConfig {
    fn default() -> Self {
        NodeConfig {
            url: "ws://127.0.0.1:9944".into(),
            deployment: None,
            genesis_hash: None,
            pools: Vec::new(),
            signer: String::new(),
            finalized: false,
            poll_ms: 6_000,
            confirm_timeout_ms: 60_000,
            reconnect_ms: 30_000,
            margin_pct: 20,
            tip: 0,
            tip_cap: 0,
            max_ref_time: 100_000_000_000,
            max_proof_size: 2_000_000,
            max_deposit: 1_000_000_000_000,
            hourly_budget: 100_000_000_000_000,
            pool_hourly_budget: 50_000_000_000_000,
            pool_hourly_transactions: 60,
            pool_code_hashes: Vec::new(),
            venue_code_hashes: Vec::new(),
            native_price: None,
            native_decimals: 12,
            confirm_url: None,
        }
    }
}

impl Config {
    /// Reads and checks a config file.
    ///
    /// # Errors
    /// Unreadable file, unknown field, a retired table (`[chain]`, `[sandbox]`), or a value out
    /// of range.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        let mut config = Config::parse(&text)?;
        if let Some(node) = &mut config.node {
            node.deployment = node.deployment.take().map(|d| beside(path, d));
        }
        Ok(config)
    }

    /// Parses and checks a config text.
    ///
    /// # Errors
    /// As [`Config::load`].
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let tables: toml::Table = crate::toml_error::from_str(text)?;
        if let Some(retired) = RETIRED_TABLES.iter().find(|t| tables.contains_key(**t)) {
            return Err(ConfigError::Retired(retired));
        }
        let config: Config = crate::toml_error::from_str(text)?;
        config.validate()?;
        Ok(config)
    }

    /// The `[node]` table, which running against a chain needs.
    ///
    /// # Errors
    /// [`ConfigError::NoNode`] when the file has none.
    pub fn node(&self) -> Result<&NodeConfig, ConfigError> {
        self.node.as_ref().ok_or(ConfigError::NoNode)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let k = &self.keeper;
        if k.quote_decimals > 30 || k.base_decimals > 30 {
            return Err(ConfigError::invalid(
                "keeper.base_decimals and keeper.quote_decimals must be at most 30",
            ));
        }
        if units_from_f64(k.tx_cost, k.quote_decimals).is_none() {
            return Err(ConfigError::invalid(
                "keeper.tx_cost must be a non-negative number of quote tokens",
            ));
        }
        if k.backoff_base_ms == 0 || k.backoff_max_ms < k.backoff_base_ms {
            return Err(ConfigError::invalid(
                "keeper.backoff_base_ms must be positive and at most backoff_max_ms",
            ));
        }
        if k.metrics.is_some_and(|a| !a.ip().is_loopback()) {
            return Err(ConfigError::invalid(
                "keeper.metrics must be a loopback address (127.0.0.1 or ::1)",
            ));
        }
        if let Some(n) = &self.node {
            n.validate()?;
            if n.native_price.is_some() && n.native(k.quote_decimals).is_none() {
                return Err(ConfigError::invalid(
                    "node.native_price must be a positive number, with node.native_decimals at most keeper.quote_decimals + 18",
                ));
            }
        }
        Ok(())
    }

    /// The executor's settings; `dry_run` is on when the command line or the file turns it on
    /// (the command line cannot turn off the file's).
    pub fn settings(&self, dry_run: bool) -> Settings {
        let k = &self.keeper;
        Settings {
            policy: Policy {
                // Checked by `validate`; a cost past every bounty skips every rebalance.
                tx_cost: units_from_f64(k.tx_cost, k.quote_decimals).unwrap_or(u128::MAX),
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

    /// The longest one pool's pass can take with the node reachable (ms): an inclusion wait for
    /// the first send and each retry, and the backoffs between them. A stop request is honoured
    /// after the pool in flight, so a service manager's stop timeout should be longer.
    pub fn longest_pass_ms(&self) -> u64 {
        let backoff = self.settings(false).backoff;
        let retries = self.keeper.max_retries;
        // Without a node the chain is in-process and a wait takes no time.
        let confirm_ms = self.node.as_ref().map_or(0, |n| n.confirm_timeout_ms);
        let waits = confirm_ms.saturating_mul(u64::from(retries).saturating_add(1));
        (1..=retries).fold(waits, |total, attempt| {
            total.saturating_add(backoff.delay_ms(attempt))
        })
    }
}

/// The shortest time between two passes of a bot (ms): each reads the chain (and the reporter
/// asks every source), so a shorter one only loads the node and the sources.
pub const MIN_POLL_MS: u64 = 100;

impl NodeConfig {
    /// The native token's price in quote tokens, if the operator set one.
    pub fn native(&self, quote_decimals: u32) -> Option<crate::worth::NativePrice> {
        crate::worth::NativePrice::new(self.native_price?, self.native_decimals, quote_decimals)
    }

    /// Checks what can be checked without a node; the signer and the pool addresses too when the
    /// node backend is built in.
    fn validate(&self) -> Result<(), ConfigError> {
        if self.tip_cap != 0 && self.tip_cap < self.tip {
            return Err(ConfigError::invalid(
                "node.tip_cap must be at least node.tip (or 0 for no escalation)",
            ));
        }
        if self.poll_ms < MIN_POLL_MS {
            return Err(ConfigError::invalid(
                "node.poll_ms must be at least 100: each pass reads every pool",
            ));
        }
        if self.confirm_timeout_ms == 0 {
            return Err(ConfigError::invalid("node.confirm_timeout_ms must be positive"));
        }
        if self.margin_pct > 1_000 {
            return Err(ConfigError::invalid("node.margin_pct must be at most 1000"));
        }
        if self.signer.is_empty() {
            return Err(ConfigError::invalid(
                "node.signer is required: env:VARIABLE or file:PATH (or //Name on a dev chain)",
            ));
        }
        for text in self.pool_code_hashes.iter().chain(&self.venue_code_hashes) {
            text.parse::<crate::trust::Hash>()
                .map_err(|e| ConfigError::Invalid(format!("node code hashes: {e}")))?;
        }
        if !self.pools.is_empty() && self.deployment.is_none() && self.pool_code_hashes.is_empty() {
            return Err(ConfigError::invalid(
                "node.pools without node.deployment needs node.pool_code_hashes: the keeper signs only for code it knows",
            ));
        }
        let by_address = !self.pools.is_empty() && self.deployment.is_none();
        crate::trust::check_genesis_setting(self.genesis_hash.as_deref(), by_address, "node.pools")
            .map_err(|e| ConfigError::Invalid(e.to_string()))?;
        #[cfg(feature = "node")]
        crate::node::check_sources(self)?;
        Ok(())
    }
}

/// `relative` as written in the configuration file at `file`: relative paths are to its folder,
/// whatever folder the bot was started in.
pub fn beside(file: &Path, relative: PathBuf) -> PathBuf {
    match file.parent() {
        Some(folder) if relative.is_relative() => folder.join(relative),
        _ => relative,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relative_deployment_is_read_beside_the_configuration_file() {
        // given a configuration in its own folder naming its record relatively, and one naming
        // it by an absolute path
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("keeper.toml");
        for (written, read) in [
            (
                "records/deployment.json",
                dir.path().join("records/deployment.json"),
            ),
            (
                "/srv/keel/deployment.json",
                PathBuf::from("/srv/keel/deployment.json"),
            ),
        ] {
            let text = format!("[node]\nsigner = \"env:K\"\ndeployment = \"{written}\"\n");
            std::fs::write(&file, text).expect("write");
            // when a bot started in another folder loads it, then the relative one is the
            // folder's and the absolute one as written
            let config = Config::load(&file).expect("loads");
            assert_eq!(config.node().expect("node").deployment, Some(read));
        }
    }

    #[test]
    fn empty_file_means_defaults_and_no_node() {
        let c = Config::parse("").expect("valid");
        assert_eq!(c, Config::default());
        assert!(matches!(c.node(), Err(ConfigError::NoNode)));
        let s = c.settings(false);
        assert_eq!(s.policy.tx_cost, 500_000_000_000_000_000);
        assert!(!s.dry_run);
        assert!(c.settings(true).dry_run);
    }

    #[test]
    fn the_shipped_file_writes_out_the_defaults() {
        let c = Config::parse(include_str!("../../../keeper.toml")).expect("keeper.toml parses");
        assert_eq!(c.keeper, KeeperConfig::default());
        let node = c.node().expect("a [node] table");
        assert_eq!(
            *node,
            NodeConfig {
                deployment: Some("target/deployment.json".into()),
                signer: "//Bob".into(),
                ..NodeConfig::default()
            }
        );
    }

    #[test]
    fn a_config_from_before_node_only_says_what_replaced_it() {
        let old = "[chain]\nbackend = \"node\"\n\n[node]\nurl = \"ws://127.0.0.1:9944\"\n";
        assert!(matches!(Config::parse(old), Err(ConfigError::Retired("chain"))));
        let old = "[sandbox]\nblocks = 10\n";
        assert!(matches!(Config::parse(old), Err(ConfigError::Retired("sandbox"))));
    }

    #[test]
    fn typos_and_bad_values_are_refused() {
        assert!(Config::parse("[keeper]\ntx_cots = 1.0").is_err());
        assert!(Config::parse("[keeper]\ntx_cost = -1.0").is_err());
        assert!(Config::parse("[keeper]\nmetrics = \"0.0.0.0:9615\"").is_err());
        assert!(Config::parse("[keeper]\nmetrics = \"127.0.0.1:9615\"").is_ok());
        assert!(Config::parse("[chain]\nbackend = \"sandbox\"").is_err());
        let node = "[node]\nsigner = \"//Bob\"\n";
        assert!(Config::parse(node).is_ok());
        assert!(Config::parse(&format!("{node}tip = 10\ntip_cap = 5")).is_err());
        assert!(Config::parse(&format!("{node}poll_ms = 99")).is_err());
        // the longest pass the shipped unit's stop timeout (360 s) is sized for: four waits of
        // 60 s and backoffs of 6, 12 and 24 s
        assert_eq!(Config::parse(node).unwrap().longest_pass_ms(), 282_000);
        assert!(Config::parse(&format!("{node}poll_ms = 100")).is_ok());
    }

    #[test]
    fn a_node_needs_a_named_signer_and_known_code_and_chain_for_listed_pools() {
        let err = Config::parse("[node]\n").expect_err("no signer").to_string();
        assert!(err.contains("node.signer is required"), "{err}");
        let pool = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty";
        let listed = format!("[node]\nsigner = \"//Bob\"\npools = [\"{pool}\"]\n");
        let err = Config::parse(&listed).expect_err("no code hashes").to_string();
        assert!(err.contains("pool_code_hashes"), "{err}");
        let hash = format!("0x{}", "11".repeat(32));
        let coded = format!("{listed}pool_code_hashes = [\"{hash}\"]\n");
        let err = Config::parse(&coded).expect_err("no genesis").to_string();
        assert!(err.contains("node.genesis_hash"), "{err}");
        assert!(Config::parse(&format!("{coded}genesis_hash = \"{hash}\"\n")).is_ok());
        let err = Config::parse(&format!("{coded}genesis_hash = \"0x11\"\n"))
            .expect_err("not a hash")
            .to_string();
        assert!(err.starts_with("node.genesis_hash: "), "{err}");
        let bad = format!("{listed}genesis_hash = \"{hash}\"\npool_code_hashes = [\"0x11\"]\n");
        assert!(Config::parse(&bad).is_err());
    }

    #[test]
    fn a_native_price_must_mean_something() {
        let node = "[node]\nsigner = \"//Bob\"\n";
        let priced = Config::parse(&format!("{node}native_price = 5.0")).expect("a price");
        let native = priced.node().ok().and_then(|n| n.native(18));
        assert!(native.is_some_and(|p| p.worth(5 * 10u128.pow(18)) == 10u128.pow(12)));
        for bad in [
            "native_price = 0.0",
            "native_price = -1.0",
            "native_price = 1.0\nnative_decimals = 60",
        ] {
            assert!(Config::parse(&format!("{node}{bad}")).is_err(), "{bad}");
        }
    }
}
