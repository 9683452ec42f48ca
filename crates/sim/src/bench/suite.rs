//! A benchmark suite from TOML: one market (every field of a simulation scenario), a duration,
//! a number of seeds, and the volatilities and oracle lags to sweep.

use crate::scenario::Scenario;
use crate::SimError;
use serde::Deserialize;
use std::path::Path;

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suite {
    /// Length of every path, in days of the market's block time.
    pub days: f64,
    /// Paths per case, seeded `market.seed`, `market.seed + 1`, ...
    pub seeds: u32,
    /// Annualised volatilities to sweep.
    pub sigmas: Vec<f64>,
    /// Oracle lags to sweep, in blocks.
    pub oracle_lags: Vec<u32>,
    /// Everything else about the market; `sigma`, `oracle_lag_blocks`, `blocks` and `seed` are
    /// set per case and path.
    pub market: Scenario,
}

/// One point of the sweep.
#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    pub sigma: f64,
    pub oracle_lag: u32,
    /// The market with this case's volatility, lag and length; its `seed` is the first path's.
    pub scenario: Scenario,
}

impl Case {
    pub fn name(&self) -> String {
        format!("sigma {:.0}%, lag {}", self.sigma * 100.0, self.oracle_lag)
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

    /// The sweep, volatility-major.
    ///
    /// # Errors
    /// A case that is not a valid scenario, an empty sweep, or no seeds.
    pub fn cases(&self) -> Result<Vec<Case>, SimError> {
        if self.seeds == 0 || self.sigmas.is_empty() || self.oracle_lags.is_empty() {
            return Err(SimError::Invalid(
                "a suite needs seeds, sigmas and oracle_lags".into(),
            ));
        }
        let blocks = self.days * 86_400_000.0 / self.market.block_ms as f64;
        if !(1.0..=f64::from(u32::MAX)).contains(&blocks) {
            return Err(SimError::Invalid(format!(
                "`days` = {} gives no whole number of blocks",
                self.days
            )));
        }
        let mut cases = Vec::new();
        for &sigma in &self.sigmas {
            for &oracle_lag in &self.oracle_lags {
                let scenario = Scenario {
                    name: format!("sigma{:.0}-lag{oracle_lag}", sigma * 100.0),
                    sigma,
                    oracle_lag_blocks: oracle_lag,
                    blocks: blocks.round() as u32,
                    ..self.market.clone()
                };
                scenario.validate()?;
                cases.push(Case {
                    sigma,
                    oracle_lag,
                    scenario,
                });
            }
        }
        Ok(cases)
    }
}
