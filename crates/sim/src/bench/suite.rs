//! A benchmark suite from TOML: one market (every field of a simulation scenario), a duration, a
//! number of seeds, the strategies, and the cases, each a name and the market fields it changes.

use super::strategy::{Strategy, DEFAULT};
use crate::scenario::Scenario;
use crate::SimError;
use serde::Deserialize;
use std::path::Path;

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suite {
    /// Length of every path, in days of the market's block time.
    pub days: f64,
    /// Paths per case, seeded `market.seed`, `market.seed + 1`, ...: the same seeds in every
    /// case, so cases differ only in what they change.
    pub seeds: u32,
    /// The pools compared on every path.
    #[serde(default = "default_strategies")]
    pub strategies: Vec<Strategy>,
    /// Everything about the market the cases share; `blocks` and `seed` are set per path.
    pub market: Scenario,
    /// Each case: a `name` and the `market` fields it overrides.
    pub cases: Vec<toml::Table>,
}

fn default_strategies() -> Vec<Strategy> {
    DEFAULT.to_vec()
}

/// One case of the suite.
#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    pub name: String,
    /// The market of this case at its length; its `seed` is the first path's.
    pub scenario: Scenario,
}

impl Case {
    pub fn name(&self) -> String {
        self.name.clone()
    }

    /// Whether the pool reads a price at most two blocks old in every block: a reading every
    /// block, lagging at most two, with no outages.
    pub fn fresh_oracle(&self) -> bool {
        let s = &self.scenario;
        s.oracle_lag_blocks <= 2
            && s.oracle_deviation_bps == 0.0
            && s.oracle_heartbeat_s == 0.0
            && s.oracle_check_s * 1_000.0 <= s.block_ms as f64
            && s.oracle_outages_per_day == 0.0
    }

    /// Whether the market is the one the loss-versus-rebalancing formula describes: a single
    /// volatility, no jumps, no flow but the arbitrageur's in every block.
    pub fn lvr_setting(&self) -> bool {
        let s = &self.scenario;
        s.noise_rate == 0.0
            && s.whales_per_day == 0.0
            && s.informed_rate == 0.0
            && s.jumps_per_day == 0.0
            && (s.wild_multiplier <= 1.0 || s.regime_switches_per_day == 0.0)
            && s.arbitrage_rate >= 1.0
    }
}

impl Suite {
    /// Reads and checks a suite.
    ///
    /// # Errors
    /// The file cannot be read, does not parse, or describes a market that cannot be simulated.
    pub fn load(path: &Path) -> Result<Suite, SimError> {
        let text = std::fs::read_to_string(path).map_err(SimError::read(path))?;
        let suite: Suite = toml::from_str(&text).map_err(|source| SimError::Parse {
            path: path.to_owned(),
            source,
        })?;
        suite.cases()?;
        Ok(suite)
    }

    /// The cases, each market checked.
    ///
    /// # Errors
    /// A case that is not a valid scenario or has no name, no cases, no strategies or no seeds.
    pub fn cases(&self) -> Result<Vec<Case>, SimError> {
        if self.seeds == 0 || self.cases.is_empty() || self.strategies.is_empty() {
            return Err(SimError::Invalid(
                "a suite needs seeds, strategies and cases".into(),
            ));
        }
        let blocks = self.days * 86_400_000.0 / self.market.block_ms as f64;
        if !(1.0..=f64::from(u32::MAX)).contains(&blocks) {
            return Err(SimError::Invalid(format!(
                "`days` = {} gives no whole number of blocks",
                self.days
            )));
        }
        let invalid = |e: &dyn std::fmt::Display| SimError::Invalid(e.to_string());
        let base = toml::Table::try_from(&self.market).map_err(|e| invalid(&e))?;
        self.cases
            .iter()
            .map(|overrides| {
                let mut table = base.clone();
                let mut name = None;
                for (key, value) in overrides {
                    if key == "name" {
                        name = value.as_str().map(str::to_owned);
                    } else {
                        table.insert(key.clone(), value.clone());
                    }
                }
                let name = name.ok_or_else(|| SimError::Invalid("every case needs a `name`".into()))?;
                let mut scenario: Scenario = toml::Value::Table(table)
                    .try_into()
                    .map_err(|e| invalid(&format!("case `{name}`: {e}")))?;
                scenario.blocks = blocks.round() as u32;
                scenario.name.clone_from(&name);
                scenario.validate()?;
                Ok(Case { name, scenario })
            })
            .collect()
    }
}

#[cfg(test)]
// The values compared are exactly representable: equality is the claim.
#[allow(clippy::float_cmp)]
mod tests {
    use super::*;

    const SUITE: &str = r#"
        days = 1
        seeds = 2
        [market]
        sigma = 0.8
        oracle_lag_blocks = 1
        [[cases]]
        name = "as is"
        [[cases]]
        name = "heartbeat"
        oracle_deviation_bps = 50.0
        oracle_heartbeat_s = 60.0
    "#;

    #[test]
    fn a_case_changes_only_what_it_names() {
        let suite: Suite = toml::from_str(SUITE).expect("suite");
        let cases = suite.cases().expect("cases");
        assert_eq!(cases.len(), 2);
        assert_eq!(cases[0].scenario.oracle_deviation_bps, 0.0);
        assert_eq!(cases[1].scenario.oracle_heartbeat_s, 60.0);
        assert_eq!(cases[1].scenario.sigma, 0.8);
        assert_eq!(cases[1].scenario.blocks, 14_400);
        assert!(cases[0].fresh_oracle() && !cases[1].fresh_oracle());
        assert_eq!(suite.strategies, DEFAULT.to_vec());
    }

    #[test]
    fn a_misspelt_field_in_a_case_is_refused() {
        let text = format!("{SUITE}\n[[cases]]\nname = \"typo\"\noracle_lag = 3\n");
        let suite: Suite = toml::from_str(&text).expect("suite parses");
        assert!(suite.cases().is_err());
    }
}
