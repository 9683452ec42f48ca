//! Rebalancing in two steps around the venue trade the caller makes: [`Ledger::plan_rebalance`]
//! checks every condition, fixes what to sell, the least the venue must pay and the bounty, and
//! moves the epoch on; [`RebalanceStep::settle`] checks what the venue paid and books it. The
//! epoch moves before any call out, so the same rebalance can never run twice.
//!
//! Both steps belong to one atomic call that no other transition interleaves: `settle` books onto
//! the state the plan was made from, and a refused venue trade must revert the plan's epoch and
//! bounty with it. On pallet-contracts both hold: the pool refuses reentry, and a message that
//! returns an error reverts its storage.

use super::{Depth, Feed, Ledger, PoolConfig, RebalanceOutcome, RebalanceStatus, Refusal};
use crate::math::Rounding;
use crate::rebalance::{self, RebalancePlan};
use crate::{Asset, Band, CurveError, Market, PoolState};

/// A rebalance the pool's rules allow: sell `plan.amount_in` of `plan.sell` on `venue` for at
/// least `plan.min_out`, then [`RebalanceStep::settle`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RebalanceStep<A> {
    pub venue: A,
    pub plan: RebalancePlan,
    /// Paid to the caller in quote once the trade is booked.
    pub bounty: u128,
    /// The rebalancing status the plan leaves: the next epoch, now, the budget less the bounty.
    pub next: RebalanceStatus,
    state: PoolState,
    market: Market,
}

impl Ledger {
    /// Checks that `rebalance(epoch)` may run at block time `now_ms`, plans it, and books the
    /// new rebalancing status (the next epoch): a caller stores it before trading on the venue.
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
        let status = self.rebalancing;
        if epoch != status.epoch {
            return Err(Refusal::StaleEpoch);
        }
        let venue = config.venue.ok_or(Refusal::NoVenue)?;
        let params = &config.rebalance;
        if now_ms < status.last_ms.saturating_add(params.cooldown_ms) {
            return Err(Refusal::RebalanceCooldown);
        }
        let reading = feed.read()?;
        let market = self.fresh_reading(config, now_ms, &reading)?;
        let band = params.band(reading.volatility)?;
        let step = self.plan_at(venue, params, &band, &market, epoch, now_ms, venues)?;
        self.rebalancing = step.next;
        self.priced(&market, now_ms);
        Ok(step)
    }

    // Each argument is one thing the plan reads; bundling them would only rename them.
    #[allow(clippy::too_many_arguments)]
    fn plan_at<A: Copy>(
        &self,
        venue: A,
        params: &rebalance::RebalanceParams,
        band: &Band,
        market: &Market,
        epoch: u64,
        now_ms: u64,
        venues: &impl Depth<A>,
    ) -> Result<RebalanceStep<A>, Refusal> {
        let state = self.equilibrated(market)?;
        let continuing = self.rebalancing.continuing_at(now_ms, params.cooldown_ms);
        let excess =
            rebalance::excess(&state, market.price, band, continuing)?.ok_or(Refusal::RebalanceNotDue)?;
        let depth = venues.depth(venue, excess.sell)?;
        let plan = excess.slice(market.price, params, &depth)?;
        let budget = self.rebalancing.bounty_budget;
        let bounty = rebalance::bounty(&plan, params, budget)?;
        let next = RebalanceStatus {
            epoch: epoch.checked_add(1).ok_or(CurveError::Overflow)?,
            last_ms: now_ms,
            bounty_budget: budget.checked_sub(bounty).ok_or(CurveError::Overflow)?,
            continuing: plan.partial.then_some(plan.sell),
        };
        Ok(RebalanceStep {
            venue,
            plan,
            bounty,
            next,
            state,
            market: *market,
        })
    }
}

impl<A> RebalanceStep<A> {
    /// Books the venue trade into `ledger`: the pool held `before` of the token it bought before
    /// selling and `after` once the venue paid. The long side's target is kept and the short
    /// side's re-derived at the oracle. Returns what the rebalance did.
    ///
    /// # Errors
    /// [`Refusal::VenueCallFailed`] when the pool gained less than `plan.min_out`; the curve's
    /// refusal. A refusal leaves the ledger unchanged.
    pub fn settle(
        &self,
        ledger: &mut Ledger,
        before: u128,
        after: u128,
    ) -> Result<RebalanceOutcome<Asset>, Refusal> {
        let plan = &self.plan;
        let bought = after
            .checked_sub(before)
            .filter(|b| *b >= plan.min_out)
            .ok_or(Refusal::VenueCallFailed)?;
        let state = rebalance::apply(&self.state, plan.sell, plan.amount_in, bought, self.bounty)?
            .equilibrate(self.market.price, self.market.k, Rounding::Down)?;
        let outcome = RebalanceOutcome {
            epoch: self.next.epoch,
            token_sold: plan.sell,
            sold: plan.amount_in,
            bought,
            bounty: self.bounty,
            q_before: plan.q_before,
            q_after: state.inventory(self.market.price)?,
        };
        ledger.state = state;
        Ok(outcome)
    }
}
