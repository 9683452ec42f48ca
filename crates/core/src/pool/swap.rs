//! Trading: pricing a swap at the pool's reference (the oracle's market moved by the discovery
//! its reading does not know), the trader's slippage bound, and settling it into the ledger (the
//! fee joins the reserves and the bounty budget, the shift joins the flow record).

use super::{Feed, Ledger, PoolConfig, Quote, Refusal};
use crate::math::{mul_div_u128, Rounding, ONE};
use crate::{rebalance, Asset, Market, Priced, SwapKind, Trade};

impl Ledger {
    /// Prices a swap of `amount` (`kind` says of which side) selling `asset_in`, at the reference
    /// the market `feed` gives and the pool's discovery make now. Changes nothing.
    ///
    /// # Errors
    /// [`Refusal::ZeroAmount`], [`Refusal::NoLiquidity`], the feed's error,
    /// [`Refusal::OracleInvalid`], [`Refusal::OracleStale`], then the curve's refusal (price band,
    /// inventory bound, reserve limit, liquidity, dust), in that order.
    pub fn price_swap<A>(
        &self,
        config: &PoolConfig<A>,
        now_ms: u64,
        feed: &impl Feed,
        kind: SwapKind,
        asset_in: Asset,
        amount: u128,
    ) -> Result<Priced, Refusal> {
        if amount == 0 {
            return Err(Refusal::ZeroAmount);
        }
        if self.total_shares == 0 {
            return Err(Refusal::NoLiquidity);
        }
        let anchor = self.fresh_anchor(config, now_ms, feed)?;
        Ok(anchor.swap(&self.state, &config.curve, kind, asset_in, amount)?)
    }

    /// Books the swap `priced` by [`Ledger::price_swap`] on this ledger at `now_ms`, as the
    /// trader sent it: held to `limit` (the least the trader takes for exact-in, the most it pays
    /// for exact-out), then settled.
    ///
    /// # Errors
    /// [`Refusal::SlippageExceeded`] past `limit`; as [`Ledger::settle`]. A refused swap leaves
    /// the ledger unchanged.
    pub fn book_swap(
        &mut self,
        priced: &Priced,
        kind: SwapKind,
        limit: u128,
        now_ms: u64,
    ) -> Result<(), Refusal> {
        let trade = &priced.trade;
        let within = match kind {
            SwapKind::ExactIn => trade.amount_out >= limit,
            SwapKind::ExactOut => trade.amount_in <= limit,
        };
        if !within {
            return Err(Refusal::SlippageExceeded);
        }
        self.settle(priced, now_ms)
    }

    /// Books the swap `priced` at `now_ms`: its state, its fee (valued at the oracle) added to the bounty budget, its shift to the flow record, and the `k` it was
    /// priced with, where `k`'s ramp continues.
    ///
    /// # Errors
    /// [`Refusal::Curve`] valuing a base fee or adding the shift past the bounds; the ledger is
    /// then unchanged.
    pub fn settle(&mut self, priced: &Priced, now_ms: u64) -> Result<(), Refusal> {
        let trade = &priced.trade;
        let budget = rebalance::accrue_fee(
            self.rebalancing.bounty_budget,
            trade.asset_in,
            trade.fee,
            priced.oracle,
        )?;
        self.discovery.record(now_ms, priced.shift)?;
        self.rebalancing.bounty_budget = budget;
        self.state = trade.after;
        self.priced(&priced.market, now_ms);
        Ok(())
    }

    /// Average prices (quote per base, 1e18, fees included) for selling `size` base to the pool
    /// (bid, rounded down) and buying `size` base from it (ask, rounded up). Each side reads the
    /// feed.
    ///
    /// # Errors
    /// As [`Ledger::price_swap`] for a trade of `size` base either way.
    pub fn bid_ask<A>(
        &self,
        config: &PoolConfig<A>,
        now_ms: u64,
        feed: &impl Feed,
        size: u128,
    ) -> Result<(u128, u128), Refusal> {
        let sell = self.price_swap(config, now_ms, feed, SwapKind::ExactIn, Asset::Base, size)?;
        let buy = self.price_swap(config, now_ms, feed, SwapKind::ExactOut, Asset::Quote, size)?;
        let bid = mul_div_u128(sell.trade.amount_out, ONE, size, Rounding::Down)?;
        let ask = mul_div_u128(buy.trade.amount_in, ONE, size, Rounding::Up)?;
        Ok((bid, ask))
    }
}

impl Quote {
    /// What a wallet shows for a swap `priced` by [`Ledger::price_swap`]: amounts, fee, and the
    /// price (at the reference the trade leaves) and inventory it leaves.
    ///
    /// # Errors
    /// The curve's refusal re-deriving the state after the trade.
    pub fn of(priced: &Priced) -> Result<Quote, Refusal> {
        let (trade, market): (&Trade, &Market) = (&priced.trade, &priced.after);
        let after = trade.after.equilibrate(market.price, market.k, Rounding::Down)?;
        Ok(Quote {
            amount_in: trade.amount_in,
            amount_out: trade.amount_out,
            fee: trade.fee,
            price_after: after.marginal_price(market.price, market.k)?,
            inventory_after: after.inventory(market.price)?,
        })
    }
}
