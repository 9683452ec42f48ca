//! The simulation's driver: a seeded market (reference price, oracle, arbitrageur, noise traders)
//! acting on a [`Backend`] block by block, with the keeper taking its turn at the end of each.
//! The same driver runs on the compiled contracts and on the fast in-memory backend, so the two
//! can be held to identical results.

use crate::arbitrage::{self, ArbTrade};
use crate::backend::{Backend, KeeperTurn, Trader};
use crate::record::{Row, Totals};
use crate::scenario::Scenario;
use crate::world::{NoiseOrder, Tick, World};
use keel_core::consts::DEFAULT_VENUE_FEE_BPS as VENUE_FEE_BPS;
use keel_core::fixed::{signed_to_f64, to_f64 as tokens};
use keel_keeper::chain::ChainError;
use keel_keeper::decide::PoolView;
use keel_keeper::metrics::Metrics;

/// Smallest arbitrage profit worth a transaction, in quote tokens.
pub const MIN_ARB_PROFIT: f64 = 0.01;

/// A running simulation.
pub struct Simulation<B> {
    pub backend: B,
    pub scenario: Scenario,
    world: World,
    pub totals: Totals,
    start: (u128, u128),
    venue_start: (u128, u128),
    /// The most the arbitrageur sells of each token in one trade.
    funds: (u128, u128),
}

impl<B: Backend> Simulation<B> {
    /// Drives `backend`, which holds the scenario's starting liquidity
    /// ([`Scenario::liquidity`]).
    pub fn on(backend: B, scenario: &Scenario) -> Self {
        let start = scenario.liquidity();
        Simulation {
            backend,
            world: World::new(scenario),
            scenario: scenario.clone(),
            totals: Totals::default(),
            start: (start.base, start.quote),
            venue_start: (start.venue_base, start.venue_quote),
            funds: (start.venue_base, start.venue_quote),
        }
    }

    /// Runs one block: the clock moves, the oracle reports, traders trade, the keeper acts.
    ///
    /// # Errors
    /// The backend failed in a way a simulation cannot continue from (a trap, an undecodable
    /// answer, a planned arbitrage the pool priced differently).
    pub fn step(&mut self, metrics: Option<&Metrics>) -> Result<Row, ChainError> {
        self.backend.advance(self.scenario.block_ms);
        let tick = self.world.next_tick();
        if !self.backend.report(
            crate::scenario::units(tick.oracle),
            crate::scenario::units(tick.volatility),
        ) {
            self.totals.oracle_refusals = self.totals.oracle_refusals.saturating_add(1);
        }
        self.arbitrage_venue(tick.reference);
        if tick.arbitrage {
            let view = self.backend.read_pool()?;
            if !view.market.stale {
                self.arbitrage_pool(&view, tick.reference)?;
            }
        }
        if let Some(order) = tick.noise {
            self.noise(order, tick.oracle);
        }
        let turn = if self.scenario.keeper {
            let turn = self.backend.keeper(metrics)?;
            if let Some(outcome) = turn.landed {
                self.totals.rebalances = self.totals.rebalances.saturating_add(1);
                self.totals.bounties += tokens(outcome.bounty);
            }
            turn
        } else {
            KeeperTurn::default()
        };
        let view = match turn.view {
            Some(view) => view,
            None => self.backend.read_pool()?,
        };
        self.record(&tick, &view, turn.landed.is_some())
    }

    /// The venue is the liquid outside market: arbitrage keeps it at the reference every block.
    fn arbitrage_venue(&mut self, reference: f64) {
        let reserves = self.backend.venue_reserves();
        if let Some(t) = arbitrage::on_venue(reserves, VENUE_FEE_BPS, reference, self.funds, MIN_ARB_PROFIT) {
            if self
                .backend
                .swap_venue(Trader::Arbitrageur, t.sell, t.amount_in)
                .is_ok()
            {
                self.totals.venue_arbitrage += t.profit;
            }
        }
    }

    /// Keel is arbitraged when the arbitrageur is around (`arbitrage_rate`), on the pool's own
    /// integer math, so the pool pays exactly what was planned.
    fn arbitrage_pool(&mut self, view: &PoolView, reference: f64) -> Result<(), ChainError> {
        let curve = &view.config.curve;
        let planned = arbitrage::on_pool(
            &view.state,
            &view.priced(),
            curve,
            reference,
            self.funds,
            MIN_ARB_PROFIT,
        );
        let Some(t) = planned else {
            return Ok(());
        };
        let ArbTrade {
            sell,
            amount_in,
            amount_out,
            profit,
        } = t;
        match self
            .backend
            .swap_pool(Trader::Arbitrageur, sell, amount_in, amount_out)
        {
            Ok(out) if out == amount_out => {
                self.totals.pool_arbitrage += profit;
                Ok(())
            }
            Ok(out) => Err(ChainError::Decode(format!(
                "pool paid {out}, the curve crate planned {amount_out}"
            ))),
            Err(e) => Err(ChainError::Decode(format!(
                "pool refused a planned arbitrage: {e}"
            ))),
        }
    }

    /// A noise trade: routed to the better of pool and venue, or sent to both.
    fn noise(&mut self, order: NoiseOrder, oracle: f64) {
        let (sell, amount) = order.amount_in(self.scenario.liquidity_base, oracle);
        let routed = self.scenario.noise_routed;
        let venue = routed.then(|| self.backend.venue_reserves());
        let min_out = arbitrage::routed_min_out(venue, VENUE_FEE_BPS, sell, amount);
        let on_pool = self
            .backend
            .swap_pool(Trader::Noise, sell, amount, min_out)
            .is_ok();
        if on_pool {
            self.totals.noise_trades = self.totals.noise_trades.saturating_add(1);
        } else {
            self.totals.noise_refused = self.totals.noise_refused.saturating_add(1);
        }
        // Unrouted, the venue sees the same flow, so its LPs are compared on equal terms.
        if !(routed && on_pool) {
            let _ = self.backend.swap_venue(Trader::Noise, sell, amount);
        }
    }

    fn record(&mut self, tick: &Tick, view: &PoolView, landed: bool) -> Result<Row, ChainError> {
        let eq = view
            .equilibrated()
            .map_err(|e| ChainError::Decode(format!("{e:?}")))?;
        let q = eq.inventory(view.market.price).unwrap_or_default();
        let mid = eq
            .marginal_price(view.market.price, view.market.k)
            .unwrap_or_default();
        let (vb, vq) = self.backend.venue_reserves();
        let p = tick.reference;
        let value = |b: u128, q: u128| tokens(b) * p + tokens(q);
        let trigger = view.config.rebalance.trigger;
        let row = Row {
            block: self.backend.block(),
            reference: p,
            oracle: tick.oracle,
            pool_mid: tokens(mid),
            venue_price: if vb == 0 { 0.0 } else { tokens(vq) / tokens(vb) },
            q: signed_to_f64(q),
            base_reserve: view.state.base_reserve,
            quote_reserve: view.state.quote_reserve,
            trigger: tokens(trigger),
            target: tokens(view.config.rebalance.target),
            fee_bps: tokens(view.market.fee) * 10_000.0,
            k: tokens(view.market.k),
            pool_value: value(view.state.base_reserve, view.state.quote_reserve),
            hodl_value: value(self.start.0, self.start.1),
            venue_value: value(vb, vq),
            venue_hodl_value: value(self.venue_start.0, self.venue_start.1),
            fees_to_date: tokens(view.rebalancing.bounty_budget) + self.totals.bounties,
            rebalanced: landed,
        };
        self.totals.observe(&row, q.unsigned_abs() < trigger);
        Ok(row)
    }
}
