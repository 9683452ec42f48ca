//! The keeper's decision for one pool, from what it read: rebalance now, wait, or skip.
//!
//! Pure: no I/O and no clock, so every branch is unit-tested. The due check and the trade plan
//! are the pool's own (`keel_core::rebalance`), computed on the state the keeper read, so the
//! keeper proposes exactly what the contract would do; the contract re-checks everything anyway.

use crate::backoff::Health;
use ink::primitives::AccountId;
use keel_core::math::Rounding;
use keel_core::rebalance::{self, Excess, RebalancePlan, VenueDepth};
use keel_core::split::{self, MAX_VENUES};
use keel_core::{Asset, Band, CurveError, Greeks, Market, PoolState};
use keel_interface::pool::{Leg, MarketStatus, PoolConfig, RebalanceStatus};

/// One pool as the keeper read it, from view messages; on a node all of them at one block (the
/// dry-run before signing is still what binds).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolView {
    pub state: PoolState,
    pub market: MarketStatus,
    pub config: PoolConfig,
    pub rebalancing: RebalanceStatus,
    pub paused: bool,
    pub total_shares: u128,
    /// The configured venue's depth for a trade selling base; `None` when there is no venue or
    /// it could not be read.
    pub venue_depth: Option<VenueDepth>,
    /// The pool's other venues (`venues()` after the configured one), each with its depth for a
    /// trade selling base, `None` where it could not be read.
    pub more_venues: [Option<(AccountId, Option<VenueDepth>)>; MAX_VENUES - 1],
}

/// A depth for selling base, turned to face a trade selling `sell`.
fn facing(depth: VenueDepth, sell: Asset) -> VenueDepth {
    match sell {
        Asset::Base => depth,
        Asset::Quote => VenueDepth {
            reserve_in: depth.reserve_out,
            reserve_out: depth.reserve_in,
            fee_bps: depth.fee_bps,
        },
    }
}

impl PoolView {
    /// The configured venue's depth for a trade selling `sell`.
    pub fn depth_for(&self, sell: Asset) -> Option<VenueDepth> {
        self.venue_depth.map(|d| facing(d, sell))
    }

    /// Every venue the pool lists, the configured one first, with its depth for a trade selling
    /// `sell`; `None` unless there are several and every one was read, since a split's check
    /// reads them all.
    pub fn split_depths(&self, sell: Asset) -> Option<Vec<(AccountId, VenueDepth)>> {
        let first = (self.config.venue?, self.depth_for(sell)?);
        let mut venues = vec![first];
        for (venue, depth) in self.more_venues.iter().flatten() {
            venues.push((*venue, facing((*depth)?, sell)));
        }
        (venues.len() > 1).then_some(venues)
    }

    /// The market the pool prices with now.
    pub fn priced(&self) -> Market {
        self.market.priced()
    }

    /// The stored state with the short side re-derived at the current oracle, as the pool sees it.
    ///
    /// # Errors
    /// As [`PoolState::equilibrate`].
    pub fn equilibrated(&self) -> Result<PoolState, CurveError> {
        self.state
            .equilibrate(self.market.price, self.market.k, Rounding::Down)
    }

    /// Inventory `q` (1e18), positive when long base.
    ///
    /// # Errors
    /// As [`PoolState::inventory`].
    pub fn inventory(&self) -> Result<i128, CurveError> {
        self.equilibrated()?.inventory(self.market.price)
    }

    /// The rebalancing band at the oracle's volatility, as the pool checks it (`keel_core::band`).
    ///
    /// # Errors
    /// As [`keel_core::RebalanceParams::band`].
    pub fn band(&self) -> Result<Band, CurveError> {
        self.config.rebalance.band(self.market.volatility)
    }

    /// The LP position's Greeks at this market (`keel_core::greeks`).
    ///
    /// # Errors
    /// The curve's errors for an empty side or a price outside its bounds.
    pub fn greeks(&self) -> Result<Greeks, CurveError> {
        self.market.greeks(&self.state, &self.config.curve)
    }
}

/// The operator's limits on when submitting is worth it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Estimated cost of one rebalance transaction, in the pool's quote units: a rebalance whose
    /// bounty does not cover it is skipped.
    pub tx_cost: u128,
    /// Skip when the oracle reading would be older than the pool accepts within this margin
    /// (the transaction lands a block or more after the read).
    pub oracle_margin_ms: u64,
}

/// Why nothing is submitted yet, though the pool may become due.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wait {
    /// `|q|` is below the trigger of the band at the oracle's volatility.
    InBand { q: i128, trigger: u128 },
    /// Due, but the pool's cooldown since the last rebalance has not passed.
    Cooldown { until_ms: u64 },
    /// Due, but this keeper's calls to the pool failed recently; it retries after this.
    Backoff { until_ms: u64, failures: u32 },
}

/// Why this pool cannot or should not be rebalanced now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Skip {
    Paused,
    NoVenue,
    NoLiquidity,
    /// The oracle's reading is (about to be) older than the pool accepts.
    OracleStale {
        age_ms: u64,
        max_ms: u64,
    },
    /// The bounty would not pay for the transaction.
    Unprofitable {
        bounty: u128,
        tx_cost: u128,
    },
    /// The pool's math refused the state the keeper read.
    Curve(CurveError),
}

/// What to do about one pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
// A rebalance carries its route inline (see [`Route`]).
#[allow(clippy::large_enum_variant)]
pub enum Decision {
    /// Call `rebalance(epoch, ..)` or, with a split `route`, `rebalance_split(epoch, legs, ..)`;
    /// the plan (the total) and bounty are what the pool should do and pay.
    Rebalance {
        epoch: u64,
        plan: RebalancePlan,
        bounty: u128,
        route: Route,
    },
    Wait(Wait),
    Skip(Skip),
}

impl Decision {
    /// A short, stable label for logs and metrics.
    pub fn label(&self) -> &'static str {
        match self {
            Decision::Rebalance { .. } => "rebalance",
            Decision::Wait(Wait::InBand { .. }) => "in_band",
            Decision::Wait(Wait::Cooldown { .. }) => "cooldown",
            Decision::Wait(Wait::Backoff { .. }) => "backoff",
            Decision::Skip(Skip::Paused) => "paused",
            Decision::Skip(Skip::NoVenue) => "no_venue",
            Decision::Skip(Skip::NoLiquidity) => "no_liquidity",
            Decision::Skip(Skip::OracleStale { .. }) => "oracle_stale",
            Decision::Skip(Skip::Unprofitable { .. }) => "unprofitable",
            Decision::Skip(Skip::Curve(_)) => "curve_error",
        }
    }
}

/// Decides for one pool at block time `now_ms`.
///
/// Order matters and mirrors the contract's checks: a pool that cannot be rebalanced at all is
/// skipped before its inventory is looked at; a pool in band waits; a due pool still waits for its
/// cooldown and for this keeper's own backoff; and a due rebalance is skipped when unprofitable.
pub fn decide(view: &PoolView, policy: &Policy, health: &Health, now_ms: u64) -> Decision {
    if view.paused {
        return Decision::Skip(Skip::Paused);
    }
    if view.config.venue.is_none() {
        return Decision::Skip(Skip::NoVenue);
    }
    if view.total_shares == 0 {
        return Decision::Skip(Skip::NoLiquidity);
    }
    let max_ms = view.config.max_oracle_age_ms;
    if view.market.stale || view.market.age_ms.saturating_add(policy.oracle_margin_ms) > max_ms {
        return Decision::Skip(Skip::OracleStale {
            age_ms: view.market.age_ms,
            max_ms,
        });
    }
    let params = &view.config.rebalance;
    let state = match view.equilibrated() {
        Ok(state) => state,
        Err(e) => return Decision::Skip(Skip::Curve(e)),
    };
    let band = match view.band() {
        Ok(band) => band,
        Err(e) => return Decision::Skip(Skip::Curve(e)),
    };
    let continuing = view.rebalancing.continuing_at(now_ms, params.cooldown_ms);
    let excess = match rebalance::excess(&state, view.market.price, &band, continuing) {
        Ok(Some(excess)) => excess,
        Ok(None) => {
            let q = state.inventory(view.market.price).unwrap_or_default();
            return Decision::Wait(Wait::InBand {
                q,
                trigger: band.trigger,
            });
        }
        Err(e) => return Decision::Skip(Skip::Curve(e)),
    };
    let (route, plan) = match route(view, &excess) {
        Ok(planned) => planned,
        Err(skip) => return Decision::Skip(skip),
    };
    let until_ms = view.rebalancing.last_ms.saturating_add(params.cooldown_ms);
    if now_ms < until_ms {
        return Decision::Wait(Wait::Cooldown { until_ms });
    }
    if now_ms < health.retry_at_ms {
        return Decision::Wait(Wait::Backoff {
            until_ms: health.retry_at_ms,
            failures: health.failures,
        });
    }
    let bounty = match rebalance::bounty(&plan, params, view.rebalancing.bounty_budget) {
        Ok(b) => b,
        Err(e) => return Decision::Skip(Skip::Curve(e)),
    };
    if bounty < policy.tx_cost {
        return Decision::Skip(Skip::Unprofitable {
            bounty,
            tx_cost: policy.tx_cost,
        });
    }
    Decision::Rebalance {
        epoch: view.rebalancing.epoch,
        plan,
        bounty,
        route,
    }
}

/// Where to sell `excess`: split across every venue when the pool lists several and all were
/// read (`keel_core::split::best`, the split the pool accepts), else the configured venue's next
/// slice, which is also the fallback when no split passes the pool's rules now (a cheap venue
/// off the oracle, venues too shallow: the dry-run then says whether the configured one takes
/// its slice). The plan is the total.
///
/// Never a split while `k` is still on its ramp: the pool checks a split's total against the
/// excess of the block it lands in, and a ramping `k` moves the excess with the block's time, so
/// a split sized on the block read reverts (`SplitTooLarge`, or `SplitTooSmall`) in the next. The
/// configured venue's slice is sized by the pool itself when the transaction runs.
fn route(view: &PoolView, excess: &Excess) -> Result<(Route, RebalancePlan), Skip> {
    let (price, params) = (view.market.price, &view.config.rebalance);
    let ramping = view.market.k != view.market.k_target;
    let split = view
        .split_depths(excess.sell)
        .filter(|_| !ramping)
        .and_then(|venues| split::best(excess, price, params, &venues).ok());
    if let Some(split) = split {
        let mut legs = [None; MAX_VENUES];
        for (slot, leg) in legs.iter_mut().zip(split.legs()) {
            *slot = Some(leg);
        }
        return Ok((Route::Split(legs), split.total));
    }
    let depth = view.depth_for(excess.sell).ok_or(Skip::NoVenue)?;
    let plan = excess.slice(price, params, &depth).map_err(Skip::Curve)?;
    Ok((Route::Venue, plan))
}

/// Where a rebalance sells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
// A split is four legs inline (about 200 bytes) so a route, and a decision, stay `Copy` values
// that reports and re-checks pass around; one is made per pool per pass.
#[allow(clippy::large_enum_variant)]
pub enum Route {
    /// `rebalance`: the next slice on the configured venue.
    Venue,
    /// `rebalance_split`: these legs across the pool's venues.
    Split([Option<Leg>; MAX_VENUES]),
}

impl Route {
    /// The legs of a split, in order; empty for the configured venue.
    pub fn legs(&self) -> Vec<Leg> {
        match self {
            Route::Venue => Vec::new(),
            Route::Split(legs) => legs.iter().flatten().copied().collect(),
        }
    }
}
