//! A simulated market's parameters, from a TOML file or command-line flags.

use crate::SimError;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Everything that shapes a simulated run; amounts are whole tokens, rates are fractions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
// Each flag is one independent switch of a TOML file's market; an enum of them would not read.
#[allow(clippy::struct_excessive_bools)]
pub struct Scenario {
    pub name: String,
    /// Seeds the price path and every trader's choices: the same seed gives the same run.
    pub seed: u64,
    pub blocks: u32,
    pub block_ms: u64,
    /// Starting reference price, quote per base.
    pub price: f64,
    /// Annualised volatility of the reference price (geometric Brownian motion).
    pub sigma: f64,
    /// Annualised drift of the reference price.
    pub drift: f64,
    /// Expected price jumps per day (Poisson), on top of the diffusion.
    pub jumps_per_day: f64,
    /// Standard deviation of a jump's log size (0.05 = about 5%).
    pub jump_sigma: f64,
    /// Blocks between a price and the oracle reporting it.
    pub oracle_lag_blocks: u32,
    /// Standard deviation of each reporter's multiplicative error, in basis points.
    pub oracle_noise_bps: f64,
    /// Reporters submit only when their price has moved this far from their last submission
    /// (basis points) or the heartbeat is due; 0 with a heartbeat is heartbeats alone (as the
    /// reporter's `deviation_bps = 0`), 0 with no heartbeat submits every check.
    pub oracle_deviation_bps: f64,
    /// Longest time between a reporter's submissions, seconds (0: no heartbeat).
    pub oracle_heartbeat_s: f64,
    /// How often reporters look at their source, seconds (0: every block).
    pub oracle_check_s: f64,
    /// Which time a reading carries: when it is sent (the block's), or when its price was observed
    /// at the source (`oracle_lag_blocks` earlier), so the pool prices with the reading's true age.
    pub oracle_stamp: Stamp,
    /// Whether the block's reading lands after the arbitrageur's trade (it lands before when
    /// false).
    pub oracle_after_arb: bool,
    /// Expected source outages per day, each silencing every reporter for `oracle_outage_min`.
    pub oracle_outages_per_day: f64,
    pub oracle_outage_min: f64,
    /// One reporter of three reports the price this far off, in basis points (0: all honest).
    pub oracle_liar_bps: f64,
    /// The reporters' volatility estimate starts here (annualised); `None` seeds it at `sigma`.
    pub reporter_vol_start: Option<f64>,
    /// The reporters submit their volatility estimate times this (below 1 understates it).
    pub reporter_vol_scale: f64,
    /// Volatility in the wild regime, as a multiple of `sigma` (1: one regime).
    pub wild_multiplier: f64,
    /// Expected switches between the calm and the wild regime per day.
    pub regime_switches_per_day: f64,
    /// Probability that the arbitrageur trades Keel toward the reference price in a given block
    /// (1 = every block). The venue, the liquid outside market, is arbitraged every block.
    pub arbitrage_rate: f64,
    /// Expected noise trades per block (each block trades at most once per venue).
    pub noise_rate: f64,
    /// Mean noise trade size as a fraction of the pool's base reserve (exponentially distributed).
    pub noise_size: f64,
    /// Probability that a noise trade sells base (0.5 = balanced flow).
    pub noise_sell_bias: f64,
    /// Probability that an informed trader looks at the pools in a block: it trades
    /// `informed_size` of the pool's base toward the reference when the published oracle is more
    /// than `informed_threshold_bps` behind it, and only at a profit.
    pub informed_rate: f64,
    pub informed_size: f64,
    pub informed_threshold_bps: f64,
    /// Expected whale orders per day: uninformed, routed as noise, `whale_size` of the pool's
    /// base.
    pub whales_per_day: f64,
    pub whale_size: f64,
    /// Whether noise flow is routed, as an aggregator would: each trade goes to the pool only if
    /// the pool pays at least what the venue would, and to the venue otherwise. When false, every
    /// noise trade hits both, whatever they charge.
    pub noise_routed: bool,
    /// The pool's starting liquidity.
    pub liquidity_base: f64,
    pub liquidity_quote: f64,
    /// The venue's liquidity as a multiple of the pool's: rebalances need a market deep enough
    /// to take the excess within the pool's slippage limit.
    pub venue_depth: f64,
    /// The venue's fee, basis points.
    pub venue_fee_bps: u32,
    /// A second venue's liquidity as a multiple of the pool's (0: none). It is the outside
    /// market too (arbitraged to the reference every block), takes no routed flow, and is listed
    /// for rebalancing only by strategies that split (`keel-two-venues`).
    pub hedge_venue_depth: f64,
    /// The second venue's fee, basis points.
    pub hedge_venue_fee_bps: u32,
    /// Whether the keeper runs.
    pub keeper: bool,
    /// Whether Keel's pool discovers price between readings, as the pool's defaults do; without
    /// it the pool runs `CurveParams::without_discovery`. Off unless a scenario names it, so the
    /// keeper's suites price as they were measured.
    pub discovery: bool,
    /// With discovery on, its depth as a multiple of constant product's and its guard; `None`
    /// keeps `CurveParams::discovering`'s.
    pub discovery_depth: Option<f64>,
    pub discovery_guard: Option<f64>,
    /// The fee's volatility multiplier (`CurveParams::fee_vol`); `None` keeps the pool
    /// configuration's (the default's with discovery on, `without_discovery()`'s without).
    pub fee_vol: Option<f64>,
    /// The curve's `k` before volatility adds to it (`CurveParams::k_base`); `None` keeps the
    /// configuration's. This and the two below are for scans of the curve's setting
    /// (`docs/bench-guard-fee-scan.md`).
    pub k_base: Option<f64>,
    /// The curve's fee floor in bps (`CurveParams::fee_base`); `None` keeps the configuration's.
    pub fee_base_bps: Option<f64>,
    /// The curve's price band (`CurveParams::max_skew`); `None` keeps the configuration's.
    pub max_skew: Option<f64>,
}

impl Scenario {
    /// The pool configuration Keel runs with here: the defaults, with discovery between readings
    /// only when the scenario asks for it.
    // A scenario's fractions become 1e18 units; the pool's validation bounds them.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    pub fn pool_config(&self) -> keel_interface::pool::PoolConfig {
        let units = |x: f64| (x * keel_core::ONE as f64).round() as u128;
        let mut config = keel_interface::pool::PoolConfig::default();
        if self.discovery {
            let on = config.curve;
            config.curve = keel_core::CurveParams {
                discovery_depth: self.discovery_depth.map_or(on.discovery_depth, units),
                guard: self.discovery_guard.map_or(on.guard, units),
                ..on
            };
        } else {
            config.curve = keel_core::CurveParams::without_discovery();
        }
        let curve = &mut config.curve;
        for (field, value) in [
            (&mut curve.fee_vol, self.fee_vol),
            (&mut curve.k_base, self.k_base),
            (&mut curve.fee_base, self.fee_base_bps.map(|bps| bps / 10_000.0)),
            (&mut curve.max_skew, self.max_skew),
        ] {
            if let Some(x) = value {
                *field = units(x);
            }
        }
        config
    }
}

impl Default for Scenario {
    /// The demo market, a thin long-tail pair: 80%/yr, 6 s blocks, a one-block oracle lag,
    /// persistent selling flow, and an arbitrageur who looks at Keel about once every hundred
    /// blocks. Where arbitrage is frequent, the skew itself restores inventory (arbitrageurs pay
    /// the LPs the skew) and the keeper rarely acts; here flow outpaces arbitrage and the keeper
    /// has work.
    fn default() -> Self {
        Scenario {
            name: "default".into(),
            seed: 7,
            blocks: 1_000,
            block_ms: 6_000,
            price: 10.0,
            sigma: 0.8,
            drift: 0.0,
            jumps_per_day: 0.0,
            jump_sigma: 0.0,
            oracle_lag_blocks: 1,
            oracle_noise_bps: 0.0,
            oracle_deviation_bps: 0.0,
            oracle_heartbeat_s: 0.0,
            oracle_check_s: 0.0,
            oracle_stamp: Stamp::Arrival,
            oracle_after_arb: false,
            oracle_outages_per_day: 0.0,
            oracle_outage_min: 0.0,
            oracle_liar_bps: 0.0,
            reporter_vol_start: None,
            reporter_vol_scale: 1.0,
            wild_multiplier: 1.0,
            regime_switches_per_day: 0.0,
            arbitrage_rate: 0.01,
            noise_rate: 0.6,
            noise_size: 0.004,
            noise_sell_bias: 0.7,
            informed_rate: 0.0,
            informed_size: 0.0,
            informed_threshold_bps: 0.0,
            whales_per_day: 0.0,
            whale_size: 0.0,
            noise_routed: false,
            liquidity_base: 100_000.0,
            liquidity_quote: 1_000_000.0,
            venue_depth: 10.0,
            venue_fee_bps: keel_core::consts::DEFAULT_VENUE_FEE_BPS,
            hedge_venue_depth: 0.0,
            hedge_venue_fee_bps: keel_core::consts::DEFAULT_VENUE_FEE_BPS,
            keeper: true,
            discovery: false,
            discovery_depth: None,
            discovery_guard: None,
            fee_vol: None,
            k_base: None,
            fee_base_bps: None,
            max_skew: None,
        }
    }
}

/// The time a reporter stamps on its reading.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stamp {
    /// The block it is sent in.
    #[default]
    Arrival,
    /// When the price it carries was observed.
    Observed,
}

/// A scenario's starting liquidity and funds, in token units (18 decimals).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Liquidity {
    /// The oracle's first price and volatility (1e18).
    pub price: u128,
    pub volatility: u128,
    /// The pool's first deposit.
    pub base: u128,
    pub quote: u128,
    /// The venue's first deposit.
    pub venue_base: u128,
    pub venue_quote: u128,
    /// The second venue's first deposit (zero for none).
    pub hedge_base: u128,
    pub hedge_quote: u128,
    /// Tokens of each kind every trader starts with.
    pub trader_funds: u128,
}

/// Whole tokens (or a decimal price) in 1e18 units; nothing for a value out of range.
pub fn units(tokens: f64) -> u128 {
    keel_core::fixed::from_f64(tokens).unwrap_or_default()
}

impl Scenario {
    /// The starting liquidity of both markets and the traders' funds.
    pub fn liquidity(&self) -> Liquidity {
        let (base, quote) = (units(self.liquidity_base), units(self.liquidity_quote));
        Liquidity {
            price: units(self.price),
            volatility: units(self.sigma),
            base,
            quote,
            venue_base: units(self.liquidity_base * self.venue_depth),
            venue_quote: units(self.liquidity_quote * self.venue_depth),
            hedge_base: units(self.liquidity_base * self.hedge_venue_depth),
            hedge_quote: units(self.liquidity_quote * self.hedge_venue_depth),
            trader_funds: quote.saturating_mul(100),
        }
    }

    /// Reads a scenario; fields the file leaves out keep their defaults.
    ///
    /// # Errors
    /// The file cannot be read or is not a valid scenario.
    pub fn load(path: &Path) -> Result<Scenario, SimError> {
        let text = std::fs::read_to_string(path).map_err(SimError::read(path))?;
        toml::from_str(&text).map_err(|source| SimError::Parse {
            path: path.to_owned(),
            source,
        })
    }

    /// Checks that the numbers describe a market that can be simulated.
    ///
    /// # Errors
    /// Names the first field out of range.
    pub fn validate(&self) -> Result<(), SimError> {
        let time = 0.0..=86_400.0;
        let checks: [(&str, bool); 30] = [
            ("blocks", self.blocks > 0),
            ("block_ms", (100..=600_000).contains(&self.block_ms)),
            ("price", self.price > 1e-9 && self.price < 1e12),
            ("sigma", (0.0..=10.0).contains(&self.sigma)),
            ("drift", self.drift.abs() <= 10.0),
            ("jumps_per_day", (0.0..=1_000.0).contains(&self.jumps_per_day)),
            ("jump_sigma", (0.0..=1.0).contains(&self.jump_sigma)),
            (
                "oracle_noise_bps",
                (0.0..=1_000.0).contains(&self.oracle_noise_bps),
            ),
            ("arbitrage_rate", (0.0..=1.0).contains(&self.arbitrage_rate)),
            ("noise_rate", (0.0..=1.0).contains(&self.noise_rate)),
            ("noise_size", (0.0..=0.1).contains(&self.noise_size)),
            ("noise_sell_bias", (0.0..=1.0).contains(&self.noise_sell_bias)),
            (
                "oracle_deviation_bps",
                (0.0..=5_000.0).contains(&self.oracle_deviation_bps),
            ),
            ("oracle_heartbeat_s", time.contains(&self.oracle_heartbeat_s)),
            ("oracle_check_s", time.contains(&self.oracle_check_s)),
            (
                "oracle_outages_per_day",
                (0.0..=1_440.0).contains(&self.oracle_outages_per_day),
            ),
            (
                "oracle_outage_min",
                (0.0..=1_440.0).contains(&self.oracle_outage_min),
            ),
            ("oracle_liar_bps", self.oracle_liar_bps.abs() <= 5_000.0),
            (
                "reporter_vol_start",
                self.reporter_vol_start.is_none_or(|v| (0.0..=10.0).contains(&v)),
            ),
            (
                "reporter_vol_scale",
                (0.0..=10.0).contains(&self.reporter_vol_scale),
            ),
            ("wild_multiplier", (1.0..=20.0).contains(&self.wild_multiplier)),
            (
                "regime_switches_per_day",
                (0.0..=1_000.0).contains(&self.regime_switches_per_day),
            ),
            ("informed_rate", (0.0..=1.0).contains(&self.informed_rate)),
            ("informed_size", (0.0..=0.1).contains(&self.informed_size)),
            (
                "informed_threshold_bps",
                (0.0..=5_000.0).contains(&self.informed_threshold_bps),
            ),
            ("whales_per_day", (0.0..=1_000.0).contains(&self.whales_per_day)),
            ("whale_size", (0.0..=0.5).contains(&self.whale_size)),
            ("venue_fee_bps", self.venue_fee_bps < 10_000),
            (
                "hedge_venue_depth",
                (0.0..=1_000.0).contains(&self.hedge_venue_depth),
            ),
            ("hedge_venue_fee_bps", self.hedge_venue_fee_bps < 10_000),
        ];
        match checks.iter().find(|(_, ok)| !ok) {
            Some((name, _)) => Err(SimError::Invalid(format!(
                "scenario field `{name}` is out of range"
            ))),
            None if self.liquidity_base <= 0.0 || self.liquidity_quote <= 0.0 || self.venue_depth <= 0.0 => {
                Err(SimError::Invalid(
                    "scenario liquidity and venue depth must be positive".into(),
                ))
            }
            None if !self.pool_config().is_valid() => Err(SimError::Invalid(
                "scenario's pool configuration is outside the bounds a pool accepts".into(),
            )),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Scenario;
    use keel_core::{CurveParams, ONE};

    #[test]
    fn a_scenario_whose_pool_no_chain_would_accept_is_refused() {
        let low_guard = Scenario {
            discovery: true,
            discovery_guard: Some(0.1),
            ..Scenario::default()
        };
        assert!(low_guard.validate().is_err());
        assert!(Scenario::default().validate().is_ok());
    }

    #[test]
    fn a_scenario_prices_with_the_discovery_and_fee_it_names() {
        let named = Scenario {
            discovery: true,
            discovery_depth: Some(0.5),
            discovery_guard: Some(1.0),
            fee_vol: Some(0.75),
            k_base: Some(0.4),
            fee_base_bps: Some(3.0),
            max_skew: Some(0.05),
            ..Scenario::default()
        };
        let curve = named.pool_config().curve;
        assert_eq!(
            (curve.discovery_depth, curve.guard, curve.fee_vol),
            (ONE / 2, ONE, ONE / 4 * 3)
        );
        assert_eq!(
            (curve.k_base, curve.fee_base, curve.max_skew),
            (ONE / 10 * 4, ONE / 10_000 * 3, ONE / 20)
        );
        assert_eq!(
            Scenario::default().pool_config().curve,
            CurveParams::without_discovery(),
            "a scenario that does not ask for discovery runs the pool without it"
        );
    }
}
