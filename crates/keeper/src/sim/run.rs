//! The embedded simulation: Keel's contracts in a drink chain, driven block by block by a seeded
//! market (reference price, oracle, arbitrageur, noise traders) with the keeper acting every block.

use super::arbitrage::{self, ArbTrade};
use super::market::{NoiseOrder, Tick, World};
use super::record::{Row, Totals};
use super::scenario::Scenario;
use crate::chain::{Chain as _, ChainError};
use crate::decide::PoolView;
use crate::executor::{self, Action, Report, Settings, Watched};
use crate::metrics::Metrics;
use crate::sandbox::SandboxChain;
use keel_curve::{Asset, ONE};
use keel_pool::PoolConfig;
use keel_sandbox::fixture::VENUE_FEE_BPS;
use keel_sandbox::oracle::Reading;
use keel_sandbox::pool::Swap;
use keel_sandbox::venue::VenueSwap;
use keel_sandbox::{oracle, pool, venue, Actor, Market, Setup, BOB, CAROL, KEEPER, REPORTER};

/// The arbitrageur.
const ARB: Actor = BOB;
/// The noise trader (also the venue's liquidity provider).
const NOISE: Actor = CAROL;
/// Smallest arbitrage profit worth a transaction, in quote tokens.
const MIN_ARB_PROFIT: f64 = 0.01;

/// Whole tokens to 18-decimal units.
pub fn units(tokens: f64) -> u128 {
    (tokens * ONE as f64) as u128
}

fn tokens(units: u128) -> f64 {
    units as f64 / ONE as f64
}

/// A running simulation.
pub struct Simulation {
    pub market: Market,
    pub scenario: Scenario,
    world: World,
    keeper: Watched,
    settings: Settings,
    pub totals: Totals,
    start: (u128, u128),
    venue_start: (u128, u128),
}

impl Simulation {
    /// Deploys tokens, oracle, venue and pool into a fresh drink chain and seeds both markets with
    /// the scenario's liquidity at its starting price.
    ///
    /// # Errors
    /// An invalid scenario.
    pub fn new(scenario: &Scenario, config: PoolConfig, settings: Settings) -> Result<Simulation, String> {
        scenario.validate()?;
        let (base, quote) = (units(scenario.liquidity_base), units(scenario.liquidity_quote));
        let setup = Setup {
            price: units(scenario.price),
            volatility: units(scenario.sigma),
            base_liquidity: base,
            quote_liquidity: quote,
            venue_base_liquidity: units(scenario.liquidity_base * scenario.venue_depth),
            venue_quote_liquidity: units(scenario.liquidity_quote * scenario.venue_depth),
            trader_funds: quote.saturating_mul(100),
            config,
        };
        let market = Market::new(setup);
        let keeper = Watched::new("BASE/QUOTE", market.pool);
        Ok(Simulation {
            world: World::new(scenario),
            scenario: scenario.clone(),
            keeper,
            settings,
            totals: Totals::default(),
            start: (base, quote),
            venue_start: (setup.venue_base_liquidity, setup.venue_quote_liquidity),
            market,
        })
    }

    /// Runs one block: the clock moves, the oracle reports, traders trade, the keeper acts.
    /// Returns the block's record and the keeper's report (when it ran).
    ///
    /// # Errors
    /// The chain failed in a way a simulation cannot continue from (a trap, undecodable answer).
    pub fn step(&mut self, metrics: Option<&Metrics>) -> Result<(Row, Option<Report>), ChainError> {
        let block_ms = self.scenario.block_ms;
        self.market.chain.advance(block_ms);
        let tick = self.world.next_tick();
        self.report_oracle(&tick);
        self.arbitrage_venue(tick.reference);
        let view = self.read_pool()?;
        if tick.arbitrage && !view.market.stale {
            self.arbitrage_pool(&view, tick.reference)?;
        }
        if let Some(order) = tick.noise {
            self.noise(order, &view);
        }
        let report = if self.scenario.keeper {
            let mut chain = SandboxChain::new(&mut self.market.chain, KEEPER);
            let report = executor::tick(&mut chain, &mut self.keeper, &self.settings, metrics);
            if let Action::Landed { outcome, .. } = &report.action {
                self.totals.rebalances = self.totals.rebalances.saturating_add(1);
                self.totals.bounties += tokens(outcome.bounty);
            }
            Some(report)
        } else {
            None
        };
        let row = self.record(&tick, report.as_ref())?;
        Ok((row, report))
    }

    fn report_oracle(&mut self, tick: &Tick) {
        let reading = Reading {
            price: units(tick.oracle),
            volatility: units(tick.volatility),
            timestamp: self.market.chain.now(),
        };
        if oracle::submit(&mut self.market.chain, REPORTER, self.market.oracle, reading).is_err() {
            self.totals.oracle_refusals = self.totals.oracle_refusals.saturating_add(1);
        }
    }

    fn read_pool(&mut self) -> Result<PoolView, ChainError> {
        SandboxChain::new(&mut self.market.chain, ARB).read_pool(self.market.pool)
    }

    fn funds(&self) -> (u128, u128) {
        let depth = self.scenario.venue_depth.max(1.0);
        (
            units(self.scenario.liquidity_base * depth),
            units(self.scenario.liquidity_quote * depth),
        )
    }

    /// The venue is the liquid outside market: arbitrage keeps it at the reference every block.
    fn arbitrage_venue(&mut self, reference: f64) {
        let reserves = venue::reserves(&mut self.market.chain, self.market.venue);
        let Some(t) = arbitrage::on_venue(reserves, VENUE_FEE_BPS, reference, self.funds(), MIN_ARB_PROFIT)
        else {
            return;
        };
        let token_in = if t.sell == Asset::Base {
            self.market.base
        } else {
            self.market.quote
        };
        let swap = VenueSwap::exact_in(token_in, t.amount_in);
        if venue::swap_exact_in(&mut self.market.chain, ARB, self.market.venue, swap).is_ok() {
            self.totals.venue_arbitrage += t.profit;
        }
    }

    /// Keel is arbitraged when the arbitrageur is around (`arbitrage_rate`), on the pool's own
    /// integer math, so the chain pays exactly what was planned.
    fn arbitrage_pool(&mut self, view: &PoolView, reference: f64) -> Result<(), ChainError> {
        let priced = view.priced();
        let curve = &view.config.curve;
        match arbitrage::on_pool(
            &view.state,
            &priced,
            curve,
            reference,
            self.funds(),
            MIN_ARB_PROFIT,
        ) {
            Some(t) => self.arb_pool(t),
            None => Ok(()),
        }
    }

    fn arb_pool(&mut self, t: ArbTrade) -> Result<(), ChainError> {
        let token_in = if t.sell == Asset::Base {
            self.market.base
        } else {
            self.market.quote
        };
        let swap = Swap {
            limit: t.amount_out,
            ..Swap::exact_in(token_in, t.amount_in)
        };
        match pool::swap_exact_in(&mut self.market.chain, ARB, self.market.pool, swap) {
            Ok(out) if out == t.amount_out => {
                self.totals.pool_arbitrage += t.profit;
                Ok(())
            }
            Ok(out) => Err(ChainError::Decode(format!(
                "pool paid {out}, the curve crate planned {}",
                t.amount_out
            ))),
            Err(e) => Err(ChainError::Decode(format!(
                "pool refused a planned arbitrage: {e:?}"
            ))),
        }
    }

    /// A noise trade on the pool and the same on the venue (sized from the block's first read).
    fn noise(&mut self, order: NoiseOrder, view: &PoolView) {
        let size = (tokens(view.state.base_reserve) * order.size).max(1e-6);
        let price = tokens(view.market.price);
        let (token_in, amount) = if order.sell_base {
            (self.market.base, units(size))
        } else {
            (self.market.quote, units(size * price))
        };
        match pool::swap_exact_in(
            &mut self.market.chain,
            NOISE,
            self.market.pool,
            Swap::exact_in(token_in, amount),
        ) {
            Ok(_) => self.totals.noise_trades = self.totals.noise_trades.saturating_add(1),
            Err(_) => self.totals.noise_refused = self.totals.noise_refused.saturating_add(1),
        }
        let swap = VenueSwap::exact_in(token_in, amount);
        // The venue sees the same flow, so its LPs are compared on equal terms.
        let _ = venue::swap_exact_in(&mut self.market.chain, NOISE, self.market.venue, swap);
    }

    fn record(&mut self, tick: &Tick, report: Option<&Report>) -> Result<Row, ChainError> {
        let landed = report.is_some_and(|r| matches!(r.action, Action::Landed { .. }));
        // The keeper read the pool after every trade of the block; re-read only if it traded.
        let view = match report.and_then(|r| r.view) {
            Some(view) if !landed => view,
            _ => self.read_pool()?,
        };
        let status = view.rebalancing;
        let eq = view
            .equilibrated()
            .map_err(|e| ChainError::Decode(format!("{e:?}")))?;
        let q = eq.inventory(view.market.price).unwrap_or_default();
        let mid = eq
            .marginal_price(view.market.price, view.market.k)
            .unwrap_or_default();
        let (vb, vq) = venue::reserves(&mut self.market.chain, self.market.venue);
        let p = tick.reference;
        let value = |b: u128, q: u128| tokens(b) * p + tokens(q);
        let trigger = view.config.rebalance.trigger;
        let row = Row {
            block: self.market.chain.block(),
            reference: p,
            oracle: tick.oracle,
            pool_mid: tokens(mid),
            venue_price: if vb == 0 { 0.0 } else { tokens(vq) / tokens(vb) },
            q: q as f64 / ONE as f64,
            trigger: tokens(trigger),
            target: tokens(view.config.rebalance.target),
            fee_bps: tokens(view.market.fee) * 10_000.0,
            k: tokens(view.market.k),
            pool_value: value(view.state.base_reserve, view.state.quote_reserve),
            hodl_value: value(self.start.0, self.start.1),
            venue_value: value(vb, vq),
            venue_hodl_value: value(self.venue_start.0, self.venue_start.1),
            fees_to_date: tokens(status.bounty_budget) + self.totals.bounties,
            rebalanced: landed,
        };
        self.totals.observe(&row, q.unsigned_abs() < trigger);
        Ok(row)
    }
}
