//! `reporter.toml`: what the operator sets. Every field has a default, documented here and
//! written out in the shipped `reporter.toml` (a test keeps the two equal); unknown fields
//! are refused so a typo cannot silently keep a default.

use crate::combine::Rules;
use crate::policy::Policy;
use crate::service::Watched;
use crate::source::{Command, Http, InUnits, Replay, SourceError};
use crate::volatility::Settings;
use keel_core::fixed::from_f64;
use keel_keeper::backoff::Backoff;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Why a configuration was refused.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{0}")]
    Parse(#[from] keel_keeper::toml_error::TomlError),
    /// A value is out of range; the message names the field.
    #[error("{0}")]
    Invalid(String),
    #[error("source {name:?}: {source}")]
    Source { name: String, source: SourceError },
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub reporter: ReporterConfig,
    pub sources: Vec<SourceConfig>,
    /// The node backend; `None` when the file has no `[node]` table (`keel-reporter check`
    /// needs none).
    pub node: Option<NodeConfig>,
}

/// How the reporter combines, estimates and decides.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReporterConfig {
    /// The oracle feed reported. Default 1 (a deployment's feed unless its plan names another).
    pub feed: u32,
    /// Decide and dry-run, never sign. Default false.
    pub dry_run: bool,
    /// Period of the rounds (ms): a round starts this long after the last one started, or at
    /// once when that one took longer. At least 100. Default 6,000 (a block).
    pub round_ms: u64,
    /// Sources that must agree for a reading. Default 2.
    pub min_sources: usize,
    /// Furthest a source may sit from the sources' median (bps). Default 100.
    pub max_spread_bps: u32,
    /// Submit on a move this large from the last submission (bps); 0 for no deviation trigger
    /// (heartbeats alone). Default 50.
    pub deviation_bps: u32,
    /// Submit when the last submission is this old, whatever the price (ms). Default 30,000:
    /// half the oracle's default expiry, so one missed heartbeat never lets the feed lapse.
    pub heartbeat_ms: u64,
    /// Never submit a reading older than this at the head (ms): the feed's expiry. Default 60,000.
    pub expiry_ms: u64,
    /// The volatility estimate's half-life (ms). Default 1,800,000 (30 minutes).
    pub vol_half_life_ms: u64,
    /// Least time between two volatility samples (ms). Default 30,000.
    pub vol_sample_ms: u64,
    /// The volatility before the first return (annualised fraction). Default 0.5.
    pub vol_prior: f64,
    /// The volatility never goes below this, e.g. the implied volatility (fraction). Default 0.
    pub vol_floor: f64,
    /// Backoff after the first failed round, doubling up to the max (ms). Defaults 6,000 and
    /// 30,000.
    pub backoff_base_ms: u64,
    pub backoff_max_ms: u64,
    /// Serve Prometheus metrics and `/healthz` here (loopback only). Default: off.
    pub metrics: Option<SocketAddr>,
    /// The decimals of the feed's base and quote tokens. Sources quote whole tokens; the oracle's
    /// price is quote units per base unit, so tokens of different decimals need these (a feed
    /// serves pools of one pair of decimals). Default 18 and 18, at most 38 apart.
    pub base_decimals: u8,
    pub quote_decimals: u8,
}

impl Default for ReporterConfig {
    fn default() -> Self {
        ReporterConfig {
            feed: keel_core::consts::DEFAULT_FEED,
            dry_run: false,
            round_ms: 6_000,
            min_sources: 2,
            max_spread_bps: 100,
            deviation_bps: 50,
            heartbeat_ms: 30_000,
            expiry_ms: 60_000,
            vol_half_life_ms: 1_800_000,
            vol_sample_ms: 30_000,
            vol_prior: 0.5,
            vol_floor: 0.0,
            backoff_base_ms: 6_000,
            backoff_max_ms: 30_000,
            metrics: None,
            base_decimals: 18,
            quote_decimals: 18,
        }
    }
}

/// `[node]`: where the node is, which oracle, who signs, how to send.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeConfig {
    /// RPC endpoint; `ws://` only for loopback, `wss://` otherwise. Default `ws://127.0.0.1:9944`.
    #[serde(default = "default_url")]
    pub url: String,
    /// A deployment record (`keel-client deploy`) whose oracle is reported to, relative to this
    /// file's folder.
    #[serde(default)]
    pub deployment: Option<PathBuf>,
    /// The oracle's address (SS58 or 0x hex), when there is no record.
    #[serde(default)]
    pub oracle: Option<String>,
    /// The chain the reporter signs on: its genesis hash (`0x` hex), checked at start and before
    /// every submission. With a record, it must be the record's; `oracle` without a record needs
    /// it, as a key may hold funds on more than one chain. Default: the record's.
    #[serde(default)]
    pub genesis_hash: Option<String>,
    /// The signing key: `env:VARIABLE` or `file:PATH` holding a secret URI, or `//Name` on dev
    /// chains. Required: a reporter's key is its vote on the price.
    pub signer: String,
    /// Wait for finality, not just a best block. Default false.
    #[serde(default)]
    pub finalized: bool,
    /// One wait for inclusion (ms). Default 60,000.
    #[serde(default = "default_confirm_ms")]
    pub confirm_timeout_ms: u64,
    /// How long an operation keeps trying to reconnect to the node (ms). Default 30,000.
    #[serde(default = "default_reconnect_ms")]
    pub reconnect_ms: u64,
    /// Percent added to the dry-run's gas and storage deposit. Default 20.
    #[serde(default = "default_margin_pct")]
    pub margin_pct: u64,
    /// Tip per submission (native units). Default 0.
    #[serde(default)]
    pub tip: u64,
    /// Most tip a submission that follows a timed-out one (or one whose watch was lost) may
    /// offer: each doubles the tip up to this and takes the stuck one's nonce, replacing it in the
    /// node's pool while it waits there.
    /// Above `tip`, or 0 (the default: no replacement; a later submission is refused by the node
    /// while the stuck one waits, and nothing is paid).
    #[serde(default)]
    pub tip_cap: u64,
    /// Warn, and report `low_balance`, when the signer's free balance falls below this (native
    /// units; TOML integers stop at 2^63). Default 0 (never).
    #[serde(default)]
    pub min_balance: u64,
    /// Code hashes (`0x` hex) the oracle may run besides the record's; with `oracle` and no
    /// record, required. The reporter stops signing when the oracle's code is on neither.
    #[serde(default)]
    pub oracle_code_hashes: Vec<String>,
    /// Most gas one submission may carry, margin included: `ref_time` and `proof_size`.
    /// Defaults 100,000,000,000 and 2,000,000.
    #[serde(default = "default_max_ref_time")]
    pub max_ref_time: u64,
    #[serde(default = "default_max_proof_size")]
    pub max_proof_size: u64,
    /// Most storage deposit one submission may commit, margin included (native units). Default
    /// 1,000,000,000,000.
    #[serde(default = "default_max_deposit")]
    pub max_deposit: u64,
    /// Most the reporter's submissions may cost in any hour: fee quote, deposit limit and tip
    /// (native units). Default 50,000,000,000,000.
    #[serde(default = "default_hourly_budget")]
    pub hourly_budget: u64,
    /// Most submissions in any hour, whatever their quoted cost (a node can quote a fee of 0).
    /// Default 720: one every 5 s.
    #[serde(default = "default_hourly_transactions")]
    pub hourly_transactions: u32,
}

fn default_url() -> String {
    "ws://127.0.0.1:9944".to_owned()
}
fn default_confirm_ms() -> u64 {
    60_000
}
fn default_reconnect_ms() -> u64 {
    30_000
}
fn default_margin_pct() -> u64 {
    20
}
fn default_max_ref_time() -> u64 {
    100_000_000_000
}
fn default_max_proof_size() -> u64 {
    2_000_000
}
fn default_max_deposit() -> u64 {
    1_000_000_000_000
}
fn default_hourly_budget() -> u64 {
    50_000_000_000_000
}
fn default_hourly_transactions() -> u32 {
    720
}

/// Where a source reads its price.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum SourceKind {
    /// An HTTP(S) endpoint answering JSON; `path` is a JSON pointer or dotted keys.
    Http {
        url: String,
        path: String,
        /// Where the answer says when its price was observed (Unix seconds or milliseconds);
        /// without it the answer is stamped when it was asked, and a frozen price looks fresh.
        #[serde(default)]
        time_path: Option<String>,
    },
    /// A program and its arguments; its standard output is the price.
    Command { command: Vec<String> },
    /// A CSV file of `seconds,price` rows replayed from the first round.
    Csv { file: PathBuf },
}

/// One source.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct SourceConfig {
    /// The name in logs and metrics.
    pub name: String,
    #[serde(flatten)]
    pub kind: SourceKind,
    /// Its answer counts for this long after it was observed (ms). Default 20,000. With
    /// `heartbeat_ms` and `round_ms` it must fit in `expiry_ms`: a reading is stamped with the
    /// oldest answer it rests on, so one source this far behind delays the heartbeat by as much.
    #[serde(default = "default_max_age_ms")]
    pub max_age_ms: u64,
    /// How long a request or command may take (ms). Default 2,000.
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
}

/// Whether `url` is `https://`, or `http://` to a loopback host (a man in the middle could feed
/// prices to anything else).
fn secure(url: &str) -> bool {
    if url.starts_with("https://") {
        return true;
    }
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    let host = match authority.rsplit_once(':') {
        Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) => h,
        _ => authority,
    };
    host == "localhost"
        || host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn default_max_age_ms() -> u64 {
    20_000
}

fn default_timeout_ms() -> u64 {
    2_000
}

impl Config {
    /// Reads and checks `path`.
    ///
    /// # Errors
    /// [`ConfigError`] naming the file or the field.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        let mut config = Config::parse(&text)?;
        if let Some(node) = &mut config.node {
            node.deployment = node
                .deployment
                .take()
                .map(|d| keel_keeper::config::beside(path, d));
        }
        Ok(config)
    }

    /// Parses and checks a configuration's text.
    ///
    /// # Errors
    /// [`ConfigError::Parse`] or [`ConfigError::Invalid`] naming the field.
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let config: Config = keel_keeper::toml_error::from_str(text)?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let r = &self.reporter;
        let bad = |m: &str| Err(ConfigError::Invalid(m.to_owned()));
        if r.min_sources == 0 {
            return bad("reporter.min_sources must be at least 1");
        }
        if r.deviation_bps == 0 && r.heartbeat_ms == 0 {
            return bad("reporter.deviation_bps and reporter.heartbeat_ms cannot both be 0");
        }
        if r.heartbeat_ms.saturating_add(r.round_ms) > r.expiry_ms {
            return bad(
                "reporter.heartbeat_ms plus reporter.round_ms must fit in reporter.expiry_ms, or the feed lapses between heartbeats",
            );
        }
        if r.backoff_max_ms > self.policy().quiet_limit_ms() {
            return bad(
                "reporter.backoff_max_ms must not exceed reporter.heartbeat_ms (half of reporter.expiry_ms without one): a reporter backing off after an outage would leave the feed to lapse",
            );
        }
        if r.round_ms < keel_keeper::config::MIN_POLL_MS || r.vol_half_life_ms == 0 {
            return bad("reporter.round_ms must be at least 100 (each round asks every source and reads the chain), and reporter.vol_half_life_ms positive");
        }
        if from_f64(r.vol_prior).is_none() || from_f64(r.vol_floor).is_none() {
            return bad("reporter.vol_prior and reporter.vol_floor must be finite and not negative");
        }
        if r.base_decimals.abs_diff(r.quote_decimals) > 38 {
            return bad("reporter.base_decimals and reporter.quote_decimals must differ by at most 38");
        }
        if r.metrics.is_some_and(|a| !a.ip().is_loopback()) {
            return bad("reporter.metrics must be a loopback address (put a proxy in front to expose it)");
        }
        if let Some(n) = &self.node {
            if n.tip_cap != 0 && n.tip_cap <= n.tip {
                return bad("node.tip_cap must be above node.tip, as only a higher tip replaces a waiting submission (or 0 for no replacement)");
            }
            if n.confirm_timeout_ms == 0 {
                return bad("node.confirm_timeout_ms must be positive");
            }
            if n.margin_pct > 1_000 {
                return bad("node.margin_pct must be at most 1000");
            }
            for text in &n.oracle_code_hashes {
                if let Err(e) = text.parse::<keel_keeper::trust::Hash>() {
                    return Err(ConfigError::Invalid(format!("node.oracle_code_hashes: {e}")));
                }
            }
            if n.oracle.is_some() && n.deployment.is_none() && n.oracle_code_hashes.is_empty() {
                return bad("node.oracle without node.deployment needs node.oracle_code_hashes: the reporter signs only for code it knows");
            }
            let by_address = n.oracle.is_some() && n.deployment.is_none();
            keel_keeper::trust::check_genesis_setting(n.genesis_hash.as_deref(), by_address, "node.oracle")
                .map_err(|e| ConfigError::Invalid(e.to_string()))?;
        }
        if self.sources.len() < r.min_sources {
            return Err(ConfigError::Invalid(format!(
                "{} source(s) configured, reporter.min_sources is {}",
                self.sources.len(),
                r.min_sources
            )));
        }
        let mut names = std::collections::HashSet::new();
        for s in &self.sources {
            if !names.insert(s.name.as_str()) {
                return Err(ConfigError::Invalid(format!(
                    "two sources are named {:?}",
                    s.name
                )));
            }
            if matches!(&s.kind, SourceKind::Command { command } if command.is_empty()) {
                return Err(ConfigError::Invalid(format!(
                    "source {:?}: empty command",
                    s.name
                )));
            }
            if matches!(&s.kind, SourceKind::Http { url, .. } if !secure(url)) {
                return Err(ConfigError::Invalid(format!(
                    "source {:?}: http:// only for loopback hosts; use https://",
                    s.name
                )));
            }
            if s.timeout_ms == 0 || s.max_age_ms == 0 {
                return Err(ConfigError::Invalid(format!(
                    "source {:?}: timeout_ms and max_age_ms must be positive",
                    s.name
                )));
            }
            if s.max_age_ms
                .saturating_add(r.heartbeat_ms)
                .saturating_add(r.round_ms)
                > r.expiry_ms
            {
                return Err(ConfigError::Invalid(format!(
                    "source {:?}: max_age_ms plus reporter.heartbeat_ms and reporter.round_ms must fit in reporter.expiry_ms: a reading is stamped with its oldest source's time, so a source that far behind would let the feed lapse before the next heartbeat",
                    s.name
                )));
            }
        }
        Ok(())
    }

    pub fn rules(&self) -> Rules {
        Rules {
            min_sources: self.reporter.min_sources,
            max_spread_bps: self.reporter.max_spread_bps,
        }
    }

    pub fn policy(&self) -> Policy {
        let r = &self.reporter;
        Policy {
            deviation_bps: r.deviation_bps,
            heartbeat_ms: r.heartbeat_ms,
            expiry_ms: r.expiry_ms,
        }
    }

    pub fn volatility(&self) -> Settings {
        let r = &self.reporter;
        Settings {
            half_life_ms: r.vol_half_life_ms,
            sample_ms: r.vol_sample_ms,
            prior: from_f64(r.vol_prior).unwrap_or(0),
            floor: from_f64(r.vol_floor).unwrap_or(0),
        }
    }

    pub fn backoff(&self) -> Backoff {
        Backoff {
            base_ms: self.reporter.backoff_base_ms,
            max_ms: self.reporter.backoff_max_ms,
        }
    }

    /// The sources, opened; CSV paths are relative to `base` (the configuration's folder).
    ///
    /// # Errors
    /// [`ConfigError::Source`] for a replay that cannot be read.
    pub fn sources(&self, base: &Path) -> Result<Vec<Watched>, ConfigError> {
        self.sources
            .iter()
            .map(|s| {
                let timeout = Duration::from_millis(s.timeout_ms);
                let source: Box<dyn crate::source::Source + Send> = match &s.kind {
                    SourceKind::Http { url, path, time_path } => {
                        Box::new(Http::new(&s.name, url, path, time_path.as_deref(), timeout))
                    }
                    SourceKind::Command { command } => {
                        let (program, args) = command.split_first().unwrap_or((&s.name, &[]));
                        Box::new(Command::new(&s.name, program, args, timeout))
                    }
                    SourceKind::Csv { file } => {
                        Box::new(Replay::open(&s.name, &base.join(file)).map_err(|source| {
                            ConfigError::Source {
                                name: s.name.clone(),
                                source,
                            }
                        })?)
                    }
                };
                // In units, and within the prices the oracle takes, whatever the decimals: a
                // price out of bounds is its source's failure, not a reading the median weighs.
                let (base, quote) = (self.reporter.base_decimals, self.reporter.quote_decimals);
                Ok(Watched {
                    source: Box::new(InUnits::new(source, base, quote)),
                    max_age_ms: s.max_age_ms,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
