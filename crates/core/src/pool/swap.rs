//! Trading: pricing a swap at the oracle's market, the trader's slippage bound, and settling it
//! into the ledger (the fee joins the reserves and the bounty budget).

use super::{Feed, Ledger, PoolConfig, Quote, Refusal};
use crate::math::{mul_div_u128, Rounding, ONE};
use crate::{rebalance, Asset, Market, Trade};

/// Which amount of a swap is fixed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SwapKind {
    /// The trader sells exactly this much of the input token.
    ExactIn,
    /// The trader buys exactly this much of the other token.
    ExactOut,
}

impl Ledger {
    /// Prices a swap of `amount` (`kind` says of which side) selling `asset_in`, at the market
    /// `feed` gives now. Changes nothing.
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
    ) -> Result<(Trade, Market), Refusal> {
        if amount == 0 {
            return Err(Refusal::ZeroAmount);
        }
        if self.total_shares == 0 {
            return Err(Refusal::NoLiquidity);
        }
        let market = self.fresh_market(config, now_ms, feed)?;
        let curve = &config.curve;
        let trade = match kind {
            SwapKind::ExactIn => crate::swap_exact_in(&self.state, &market, curve, asset_in, amount),
            SwapKind::ExactOut => crate::swap_exact_out(&self.state, &market, curve, asset_in, amount),
        }?;
        Ok((trade, market))
    }

    /// Books `trade`, priced at `market` by [`Ledger::price_swap`] on this ledger at `now_ms`, as
    /// the trader sent it: held to `limit` (the least the trader takes for exact-in, the most it
    /// pays for exact-out), then settled.
    ///
    /// # Errors
    /// [`Refusal::SlippageExceeded`] past `limit`; as [`Ledger::settle`]. A refused swap leaves
    /// the ledger unchanged.
    pub fn book_swap(
        &mut self,
        trade: &Trade,
        market: &Market,
        kind: SwapKind,
        limit: u128,
        now_ms: u64,
    ) -> Result<(), Refusal> {
        let within = match kind {
            SwapKind::ExactIn => trade.amount_out >= limit,
            SwapKind::ExactOut => trade.amount_in <= limit,
        };
        if !within {
            return Err(Refusal::SlippageExceeded);
        }
        self.settle(trade, market, now_ms)
    }

    /// Books `trade` priced at `market` at `now_ms`: its state, its fee (valued at the oracle)
    /// added to the bounty budget, and the `k` it was priced with, where `k`'s ramp continues.
    ///
    /// # Errors
    /// [`Refusal::Curve`] valuing a base fee past the bounds; the ledger is then unchanged.
    pub fn settle(&mut self, trade: &Trade, market: &Market, now_ms: u64) -> Result<(), Refusal> {
        self.rebalancing.bounty_budget = rebalance::accrue_fee(
            self.rebalancing.bounty_budget,
            trade.asset_in,
            trade.fee,
            market.price,
        )?;
        self.state = trade.after;
        self.priced(market, now_ms);
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
        let (sell, _) = self.price_swap(config, now_ms, feed, SwapKind::ExactIn, Asset::Base, size)?;
        let (buy, _) = self.price_swap(config, now_ms, feed, SwapKind::ExactOut, Asset::Quote, size)?;
        let bid = mul_div_u128(sell.amount_out, ONE, size, Rounding::Down)?;
        let ask = mul_div_u128(buy.amount_in, ONE, size, Rounding::Up)?;
        Ok((bid, ask))
    }
}

impl Quote {
    /// What a wallet shows for `trade` priced at `market`: amounts, fee, and the price and
    /// inventory it leaves.
    ///
    /// # Errors
    /// The curve's refusal re-deriving the state after the trade.
    pub fn of(trade: &Trade, market: &Market) -> Result<Quote, Refusal> {
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
