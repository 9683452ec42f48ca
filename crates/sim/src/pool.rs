//! Keel's pool and its venue mirrored in memory on the curve crate: what the contracts'
//! `swap_exact_in`, `rebalance` and `market_status` do to their state, with the same checks in
//! the same order and the same errors, and no tokens. `tests/cross_check.rs` holds the mirror
//! to the compiled contracts block by block.

use ink::primitives::AccountId;
use keel_curve::cpmm::{self, CpState, Side};
use keel_curve::math::Rounding;
use keel_curve::{rebalance, Asset, CurveError, Market, OracleReading, PoolState, Trade};
use keel_pool::{Error as PoolError, MarketStatus, PoolConfig, RebalanceOutcome, RebalanceStatus};
use keel_traits::{OracleData, VenueError};

/// Stand-ins for the token accounts a rebalance reports selling.
const BASE_TOKEN: [u8; 32] = [0xBA; 32];
const QUOTE_TOKEN: [u8; 32] = [0xC0; 32];

/// The venue: a constant-product pool, base as token A.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Venue {
    pub state: CpState,
    pub fee_bps: u32,
}

impl Venue {
    /// A venue seeded with `(base, quote)`, as its first deposit leaves it.
    ///
    /// # Errors
    /// The deposit is refused by the curve.
    pub fn seeded(base: u128, quote: u128, fee_bps: u32) -> Result<Venue, CurveError> {
        let deposit = cpmm::deposit(&CpState::default(), 0, base, quote)?;
        Ok(Venue {
            state: deposit.after,
            fee_bps,
        })
    }

    pub fn reserves(&self) -> (u128, u128) {
        (self.state.reserve_a, self.state.reserve_b)
    }

    /// Sells exactly `amount_in` of `sell` for at least `min_out`, as the venue's
    /// `swap_exact_in`.
    ///
    /// # Errors
    /// The venue's [`VenueError`].
    pub fn swap_exact_in(&mut self, sell: Asset, amount_in: u128, min_out: u128) -> Result<u128, VenueError> {
        let side = match sell {
            Asset::Base => Side::A,
            Asset::Quote => Side::B,
        };
        let swap = cpmm::swap(&self.state, side, amount_in, self.fee_bps).map_err(keel_venue::venue_error)?;
        if swap.amount_out < min_out {
            return Err(VenueError::SlippageExceeded);
        }
        self.state = swap.after;
        Ok(swap.amount_out)
    }
}

/// The pool contract's state that trading and rebalancing touch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pool {
    pub state: PoolState,
    pub config: PoolConfig,
    pub rebalancing: RebalanceStatus,
    pub total_shares: u128,
}

impl Pool {
    /// A pool after its first deposit of `(base, quote)`.
    ///
    /// # Errors
    /// The deposit is refused by the curve.
    pub fn seeded(config: PoolConfig, base: u128, quote: u128) -> Result<Pool, CurveError> {
        let deposit = keel_curve::deposit(&PoolState::default(), 0, base, quote)?;
        Ok(Pool {
            state: deposit.after,
            config,
            rebalancing: RebalanceStatus::default(),
            total_shares: deposit
                .shares
                .checked_add(deposit.locked)
                .ok_or(CurveError::Overflow)?,
        })
    }

    /// As the contract's `market_status`, at block time `now_ms`.
    ///
    /// # Errors
    /// `OracleInvalid` for a reading outside the curve's bounds.
    pub fn market_status(&self, feed: &OracleData, now_ms: u64) -> Result<MarketStatus, PoolError> {
        let age_ms = now_ms.saturating_sub(feed.timestamp);
        let reading = OracleReading {
            price: feed.price,
            volatility: feed.volatility,
            age_ms,
        };
        let priced = self
            .config
            .curve
            .market(&reading)
            .map_err(|_| PoolError::OracleInvalid)?;
        Ok(MarketStatus {
            price: priced.price,
            volatility: feed.volatility,
            timestamp: feed.timestamp,
            age_ms,
            k: priced.k,
            fee: priced.fee,
            stale: age_ms > self.config.max_oracle_age_ms,
        })
    }

    fn market(&self, feed: &OracleData, now_ms: u64) -> Result<Market, PoolError> {
        let status = self.market_status(feed, now_ms)?;
        if status.stale {
            return Err(PoolError::OracleStale);
        }
        Ok(Market {
            price: status.price,
            k: status.k,
            fee: status.fee,
        })
    }

    fn equilibrated(&self, market: &Market) -> Result<PoolState, PoolError> {
        if self.total_shares == 0 {
            return Err(PoolError::NoLiquidity);
        }
        Ok(self.state.equilibrate(market.price, market.k, Rounding::Down)?)
    }

    /// As the contract's `swap_exact_in`; returns the trade (its `fee` is in the input token).
    ///
    /// # Errors
    /// As the contract's.
    pub fn swap_exact_in(
        &mut self,
        feed: &OracleData,
        now_ms: u64,
        sell: Asset,
        amount_in: u128,
        min_out: u128,
    ) -> Result<Trade, PoolError> {
        if amount_in == 0 {
            return Err(PoolError::ZeroAmount);
        }
        if self.total_shares == 0 {
            return Err(PoolError::NoLiquidity);
        }
        let market = self.market(feed, now_ms)?;
        let trade = keel_curve::swap_exact_in(&self.state, &market, &self.config.curve, sell, amount_in)?;
        if trade.amount_out < min_out {
            return Err(PoolError::SlippageExceeded);
        }
        self.state = trade.after;
        let budget = self.rebalancing.bounty_budget;
        self.rebalancing.bounty_budget =
            rebalance::accrue_fee(budget, trade.asset_in, trade.fee, market.price)?;
        Ok(trade)
    }

    /// As the contract's `rebalance(epoch)`, selling on `venue`. Changes nothing when refused.
    ///
    /// # Errors
    /// As the contract's.
    pub fn rebalance(
        &mut self,
        epoch: u64,
        feed: &OracleData,
        now_ms: u64,
        venue: &mut Venue,
    ) -> Result<RebalanceOutcome, PoolError> {
        let status = self.rebalancing;
        if epoch != status.epoch {
            return Err(PoolError::StaleEpoch);
        }
        self.config.venue.ok_or(PoolError::NoVenue)?;
        let params = self.config.rebalance;
        if now_ms < status.last_ms.saturating_add(params.cooldown_ms) {
            return Err(PoolError::RebalanceCooldown);
        }
        let market = self.market(feed, now_ms)?;
        let state = self.equilibrated(&market)?;
        let plan = rebalance::plan(&state, market.price, &params)?.ok_or(PoolError::RebalanceNotDue)?;
        let bounty = rebalance::bounty(&plan, &params, status.bounty_budget)?;
        let next = RebalanceStatus {
            epoch: epoch.checked_add(1).ok_or(CurveError::Overflow)?,
            last_ms: now_ms,
            bounty_budget: status
                .bounty_budget
                .checked_sub(bounty)
                .ok_or(CurveError::Overflow)?,
        };
        let mut sold_to = *venue;
        let bought = sold_to
            .swap_exact_in(plan.sell, plan.amount_in, plan.min_out)
            .map_err(PoolError::Venue)?;
        let after = rebalance::apply(&state, plan.sell, plan.amount_in, bought, bounty)?.equilibrate(
            market.price,
            market.k,
            Rounding::Down,
        )?;
        let outcome = RebalanceOutcome {
            epoch: next.epoch,
            token_sold: AccountId::from(match plan.sell {
                Asset::Base => BASE_TOKEN,
                Asset::Quote => QUOTE_TOKEN,
            }),
            sold: plan.amount_in,
            bought,
            bounty,
            q_before: plan.q_before,
            q_after: after.inventory(market.price)?,
        };
        *venue = sold_to;
        self.state = after;
        self.rebalancing = next;
        Ok(outcome)
    }
}
