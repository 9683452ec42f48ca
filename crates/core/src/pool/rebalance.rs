//! Rebalancing in two steps around the venue trades the caller makes: [`Ledger::plan_rebalance`]
//! (one venue) or [`Ledger::plan_split`] (legs across the pool's venues) checks every condition,
//! fixes what to sell where, the least each venue must pay and the bounty, and moves the epoch
//! on; [`RebalanceStep::settle`] checks what each venue paid and books the total. The epoch moves
//! before any call out, so the same rebalance can never run twice.
//!
//! Both steps belong to one atomic call that no other transition interleaves: `settle` books onto
//! the state the plan was made from, and a refused venue trade must revert the plan's epoch and
//! bounty with it. On pallet-contracts both hold: the pool refuses reentry, and a message that
//! returns an error reverts its storage.

use super::{Depth, Feed, Ledger, PoolConfig, RebalanceOutcome, RebalanceStatus, Refusal};
use crate::math::Rounding;
use crate::rebalance::{self, Excess, RebalancePlan, VenueDepth};
use crate::split::{Leg, LegPlan, Split, MAX_VENUES};
use crate::{Asset, CurveError, Market, PoolState};

/// A rebalance the pool's rules allow: sell each leg's `plan.amount_in` of `plan.sell` on its
/// venue for at least its `plan.min_out`, then [`RebalanceStep::settle`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RebalanceStep<A> {
    /// The venue trades, in order: one for `rebalance`, one per leg for a split.
    pub legs: [Option<LegPlan<A>>; MAX_VENUES],
    /// The legs' total.
    pub plan: RebalancePlan,
    /// Paid to the caller in quote once the trade is booked.
    pub bounty: u128,
    /// The rebalancing status the plan leaves: the next epoch, now, the budget less the bounty.
    pub next: RebalanceStatus,
    state: PoolState,
    market: Market,
}

/// A due rebalance, before it is sliced: what to sell and the market it is priced at.
#[derive(Clone, Copy)]
struct Due {
    excess: Excess,
    market: Market,
    state: PoolState,
}

impl Ledger {
    /// Checks that `rebalance(epoch)` may run at block time `now_ms`, plans it on the configured
    /// venue, and books the new rebalancing status (the next epoch): a caller stores it before
    /// trading on the venue.
    ///
    /// The step is the next slice: at most what the venue's depth (read from `venues` once the
    /// rebalance is known to be due) lets the pool sell without a sandwich paying.
    ///
    /// # Errors
    /// [`Refusal::StaleEpoch`], [`Refusal::NoVenue`], [`Refusal::RebalanceCooldown`], the feed's
    /// error, [`Refusal::OracleInvalid`], [`Refusal::OracleStale`], [`Refusal::NoLiquidity`],
    /// [`Refusal::RebalanceNotDue`] (`|q|` inside the band [`rebalance::RebalanceParams::band`]
    /// gives at the reading's volatility), the venue's depth read, then the curve's refusal (a venue
    /// too shallow for any slice), in that order. A refusal leaves the ledger unchanged.
    pub fn plan_rebalance<A: Copy>(
        &mut self,
        config: &PoolConfig<A>,
        epoch: u64,
        now_ms: u64,
        feed: &impl Feed,
        venues: &impl Depth<A>,
    ) -> Result<RebalanceStep<A>, Refusal> {
        self.current(epoch)?;
        let venue = config.venue.ok_or(Refusal::NoVenue)?;
        let due = self.due(config, now_ms, feed)?;
        let depth = venues.depth(venue, due.excess.sell)?;
        let plan = due.excess.slice(due.market.price, &config.rebalance, &depth)?;
        let mut legs = [None; MAX_VENUES];
        legs[0] = Some(LegPlan { venue, plan });
        self.book_plan(config, epoch, now_ms, due, legs, plan)
    }

    /// As [`Ledger::plan_rebalance`], for a split of the rebalance into `legs` across the pool's
    /// `listed` venues (the configured one first), each venue's depth read from `depths`.
    ///
    /// # Errors
    /// As [`Ledger::plan_rebalance`] up to the due check ([`Refusal::NoVenue`] when nothing is
    /// listed); each listed venue's depth read; then [`Split::check`]'s refusals. A refusal leaves
    /// the ledger unchanged.
    // Each argument is one thing the plan reads; bundling them would only rename them.
    #[allow(clippy::too_many_arguments)]
    pub fn plan_split<A: Copy + PartialEq>(
        &mut self,
        config: &PoolConfig<A>,
        listed: &[A],
        legs: &[Leg<A>],
        epoch: u64,
        now_ms: u64,
        feed: &impl Feed,
        depths: &impl Depth<A>,
    ) -> Result<RebalanceStep<A>, Refusal> {
        self.current(epoch)?;
        let first = *listed.first().ok_or(Refusal::NoVenue)?;
        let due = self.due(config, now_ms, feed)?;
        let mut venues = [(
            first,
            VenueDepth {
                reserve_in: 0,
                reserve_out: 0,
                fee_bps: 0,
            },
        ); MAX_VENUES];
        let n = listed.len().min(MAX_VENUES);
        for (slot, venue) in venues.iter_mut().zip(listed) {
            *slot = (*venue, depths.depth(*venue, due.excess.sell)?);
        }
        let split = Split::check(
            &due.excess,
            due.market.price,
            &config.rebalance,
            legs,
            &venues[..n],
        )?;
        self.book_plan(config, epoch, now_ms, due, split.legs, split.total)
    }

    /// Whether `epoch` is the current one.
    fn current(&self, epoch: u64) -> Result<(), Refusal> {
        if epoch == self.rebalancing.epoch {
            Ok(())
        } else {
            Err(Refusal::StaleEpoch)
        }
    }

    /// Every check after the epoch and before the venues are read: the cooldown, a fresh
    /// reading, and `|q|` past the band at the reading's volatility.
    fn due<A>(&self, config: &PoolConfig<A>, now_ms: u64, feed: &impl Feed) -> Result<Due, Refusal> {
        let status = self.rebalancing;
        let params = &config.rebalance;
        if now_ms < status.last_ms.saturating_add(params.cooldown_ms) {
            return Err(Refusal::RebalanceCooldown);
        }
        let reading = feed.read()?;
        let market = self.fresh_reading(config, now_ms, &reading)?;
        let band = params.band(reading.volatility)?;
        let state = self.equilibrated(&market)?;
        let continuing = status.continuing_at(now_ms, params.cooldown_ms);
        let excess =
            rebalance::excess(&state, market.price, &band, continuing)?.ok_or(Refusal::RebalanceNotDue)?;
        Ok(Due {
            excess,
            market,
            state,
        })
    }

    /// The step for `legs` totalling `plan`, with its bounty; books the next rebalancing status.
    fn book_plan<A>(
        &mut self,
        config: &PoolConfig<A>,
        epoch: u64,
        now_ms: u64,
        due: Due,
        legs: [Option<LegPlan<A>>; MAX_VENUES],
        plan: RebalancePlan,
    ) -> Result<RebalanceStep<A>, Refusal> {
        let budget = self.rebalancing.bounty_budget;
        let bounty = rebalance::bounty(&plan, &config.rebalance, budget)?;
        let next = RebalanceStatus {
            epoch: epoch.checked_add(1).ok_or(CurveError::Overflow)?,
            last_ms: now_ms,
            bounty_budget: budget.checked_sub(bounty).ok_or(CurveError::Overflow)?,
            continuing: plan.partial.then_some(plan.sell),
        };
        self.rebalancing = next;
        self.priced(&due.market, now_ms);
        Ok(RebalanceStep {
            legs,
            plan,
            bounty,
            next,
            state: due.state,
            market: due.market,
        })
    }
}

impl<A> RebalanceStep<A> {
    /// Books the venue trades into `ledger`: `bought[i]` is what the pool's balance of the token
    /// it buys grew by over leg `i`. The long side's target is kept and the short side's
    /// re-derived at the oracle. Returns what the rebalance did, in total.
    ///
    /// # Errors
    /// [`Refusal::VenueCallFailed`] when a leg gained less than its `min_out` (or `bought` does
    /// not match the legs); the curve's refusal. A refusal leaves the ledger unchanged.
    pub fn settle(&self, ledger: &mut Ledger, bought: &[u128]) -> Result<RebalanceOutcome<Asset>, Refusal> {
        let plan = &self.plan;
        let mut total = 0u128;
        let mut legs = self.legs.iter().flatten();
        for gained in bought {
            let leg = legs.next().ok_or(Refusal::VenueCallFailed)?;
            if *gained < leg.plan.min_out {
                return Err(Refusal::VenueCallFailed);
            }
            total = total.checked_add(*gained).ok_or(CurveError::Overflow)?;
        }
        if legs.next().is_some() {
            return Err(Refusal::VenueCallFailed);
        }
        let state = rebalance::apply(&self.state, plan.sell, plan.amount_in, total, self.bounty)?
            .equilibrate(self.market.price, self.market.k, Rounding::Down)?;
        let outcome = RebalanceOutcome {
            epoch: self.next.epoch,
            token_sold: plan.sell,
            sold: plan.amount_in,
            bought: total,
            bounty: self.bounty,
            q_before: plan.q_before,
            q_after: state.inventory(self.market.price)?,
        };
        ledger.state = state;
        Ok(outcome)
    }
}
