//! Reading the market: the oracle's reading priced into `k` and the fee, the staleness rule, the
//! reference the pool's discovery moves it to, and the views that read the equilibrated curve.

use super::{Feed, Ledger, MarketStatus, PoolConfig, PricedK, Refusal};
use crate::anchor::Anchor;
use crate::dynamic::K_RAMP_PERIOD_MS;
use crate::greeks::{greeks, Greeks, VEGA_BUMP};
use crate::math::Rounding;
use crate::oracle::OracleData;
use crate::CurveError;
use crate::{CurveParams, Market, OracleReading, PoolState};

/// Longest oracle age a pool may be configured to accept (one hour).
pub const MAX_ORACLE_AGE_CEIL_MS: u64 = 3_600_000;

/// The market `reading` asks for at `now_ms` (its `k` is the ramp's target), and its age. A
/// reading stamped after `now_ms` is refused: it would read as fresh for as long as the clock
/// trails its stamp, and as knowing every trade since (Keel's oracle never answers one; a feed
/// that is not Keel's code might).
fn ask<A>(config: &PoolConfig<A>, reading: &OracleData, now_ms: u64) -> Result<(Market, u64), Refusal> {
    let age_ms = now_ms
        .checked_sub(reading.timestamp)
        .ok_or(Refusal::OracleInvalid)?;
    let asked = config
        .curve
        .market(&OracleReading {
            price: reading.price,
            volatility: reading.volatility,
            age_ms,
        })
        .map_err(|_| Refusal::OracleInvalid)?;
    Ok((asked, age_ms))
}

impl Ledger {
    /// The market `reading` prices at block time `now_ms` on this ledger, with its age and whether
    /// it is stale. Readable while stale, so a wallet can show why swaps are refused.
    ///
    /// # Errors
    /// [`Refusal::OracleInvalid`] for a price outside the curve's bounds or a reading stamped
    /// after `now_ms`.
    pub fn market_status<A>(
        &self,
        config: &PoolConfig<A>,
        reading: &OracleData,
        now_ms: u64,
    ) -> Result<MarketStatus, Refusal> {
        let (asked, age_ms) = ask(config, reading, now_ms)?;
        let priced = Market {
            k: self.ramped_k(config, asked.k, now_ms)?,
            ..asked
        };
        let anchor = self.anchor(config, priced, reading.timestamp)?;
        let quoted = anchor.quoted(&config.curve)?;
        Ok(MarketStatus {
            price: asked.price,
            volatility: reading.volatility,
            timestamp: reading.timestamp,
            age_ms,
            k: priced.k,
            k_target: asked.k,
            fee: asked.fee,
            stale: age_ms > config.max_oracle_age_ms,
            drift: anchor.drift,
            reference: quoted.price,
            guard_fee: quoted.fee.saturating_sub(asked.fee),
        })
    }

    /// The anchor trades are priced against: the oracle's `market` and the discovery since the
    /// reading observed at `observed_ms`.
    ///
    /// # Errors
    /// [`Refusal::Curve`] past the bounds (not reachable with a bounded flow record).
    fn anchor<A>(&self, config: &PoolConfig<A>, market: Market, observed_ms: u64) -> Result<Anchor, Refusal> {
        let since = self.discovery.since(observed_ms)?;
        Ok(Anchor::new(market, since, &config.curve))
    }

    /// Reads `feed` and prices the market at `now_ms` as [`Ledger::fresh_market`] does, with the
    /// discovery since the reading's observation on top.
    ///
    /// # Errors
    /// As [`Ledger::fresh_market`].
    pub fn fresh_anchor<A>(
        &self,
        config: &PoolConfig<A>,
        now_ms: u64,
        feed: &impl Feed,
    ) -> Result<Anchor, Refusal> {
        let reading = feed.read()?;
        let market = self.fresh_reading(config, now_ms, &reading)?;
        self.anchor(config, market, reading.timestamp)
    }

    /// Reads `feed` and prices the market at `now_ms`, with `k` on its ramp, refusing a stale or
    /// out-of-bounds reading.
    ///
    /// # Errors
    /// The feed's error; [`Refusal::OracleInvalid`], [`Refusal::OracleStale`].
    pub fn fresh_market<A>(
        &self,
        config: &PoolConfig<A>,
        now_ms: u64,
        feed: &impl Feed,
    ) -> Result<Market, Refusal> {
        self.fresh_reading(config, now_ms, &feed.read()?)
    }

    /// The market `reading` prices at `now_ms`, refusing it stale or out of bounds.
    pub(super) fn fresh_reading<A>(
        &self,
        config: &PoolConfig<A>,
        now_ms: u64,
        reading: &OracleData,
    ) -> Result<Market, Refusal> {
        let (asked, age_ms) = ask(config, reading, now_ms)?;
        if age_ms > config.max_oracle_age_ms {
            return Err(Refusal::OracleStale);
        }
        Ok(Market {
            k: self.ramped_k(config, asked.k, now_ms)?,
            ..asked
        })
    }

    /// The `k` the pool prices with at `now_ms` when the market asks for `target`.
    fn ramped_k<A>(&self, config: &PoolConfig<A>, target: u128, now_ms: u64) -> Result<u128, Refusal> {
        Ok(self
            .priced_k
            .at(target, now_ms, config.curve.k_ramp, K_RAMP_PERIOD_MS)?)
    }

    /// Records that the pool priced a transition with `market` at `now_ms`: `k`'s ramp continues
    /// from there.
    pub(super) fn priced(&mut self, market: &Market, now_ms: u64) {
        self.priced_k = PricedK {
            k: market.k,
            at_ms: now_ms,
        };
    }

    /// The stored state with the short side's target re-derived at `market`, as every quote and
    /// view sees it.
    ///
    /// # Errors
    /// [`Refusal::NoLiquidity`] before the first deposit; the curve's refusal.
    pub fn equilibrated(&self, market: &Market) -> Result<PoolState, Refusal> {
        if self.total_shares == 0 {
            return Err(Refusal::NoLiquidity);
        }
        Ok(self.state.equilibrate(market.price, market.k, Rounding::Down)?)
    }

    /// The marginal price of base in quote (1e18) before fees: the oracle price skewed by
    /// inventory.
    ///
    /// # Errors
    /// As [`Ledger::equilibrated`].
    pub fn mid_price(&self, market: &Market) -> Result<u128, Refusal> {
        Ok(self
            .equilibrated(market)?
            .marginal_price(market.price, market.k)?)
    }

    /// Inventory imbalance `q` (1e18), positive when the pool is long base.
    ///
    /// # Errors
    /// As [`Ledger::equilibrated`].
    pub fn inventory(&self, market: &Market) -> Result<i128, Refusal> {
        Ok(self.equilibrated(market)?.inventory(market.price)?)
    }

    /// The targets the curve pulls toward at `market`: `(base, quote)`.
    ///
    /// # Errors
    /// As [`Ledger::equilibrated`].
    pub fn targets(&self, market: &Market) -> Result<(u128, u128), Refusal> {
        let eq = self.equilibrated(market)?;
        Ok((eq.base_target, eq.quote_target))
    }
}

impl MarketStatus {
    /// The oracle's market now: its price, `k` on its ramp, the fee before the guard.
    pub fn priced(&self) -> Market {
        Market {
            price: self.price,
            k: self.k,
            fee: self.fee,
        }
    }

    /// The LP position's Greeks ([`crate::greeks`]) for the pool's stored `state` at this
    /// market. Vega prices the same reading at [`crate::greeks::VEGA_BUMP`] more volatility under
    /// `curve`: its fee, and `k` moved as far as its target moves. The keeper and the simulator
    /// call this on the views they already read, so they agree with each other and with the
    /// chain's curve.
    ///
    /// # Errors
    /// [`CurveError::InvalidPrice`] for a price outside the curve's bounds; the curve's errors
    /// for an empty side.
    pub fn greeks(&self, state: &PoolState, curve: &CurveParams) -> Result<Greeks, CurveError> {
        let hot = curve.market(&OracleReading {
            price: self.price,
            volatility: self.volatility.saturating_add(VEGA_BUMP),
            age_ms: self.age_ms,
        })?;
        let bumped = Market {
            k: self
                .k
                .saturating_add(hot.k.saturating_sub(self.k_target))
                .min(curve.k_max.max(self.k)),
            ..hot
        };
        greeks(state, &self.priced(), &bumped)
    }

    /// What trades are priced against now: the oracle's market and the reference's drift.
    pub fn anchor(&self) -> Anchor {
        Anchor {
            market: self.priced(),
            drift: self.drift,
        }
    }
}
