//! The simulation's driver: a seeded market (reference price, the oracle's reporters,
//! arbitrageur, informed and noise traders) acting on a [`Backend`] block by block, with the
//! keeper taking its turn at the end of each.
//! The same driver runs on the compiled contracts and on the fast in-memory backend, so the two
//! can be held to identical results.

use crate::arbitrage::{self, ArbTrade};
use crate::backend::{Backend, KeeperTurn, ReporterReading, Trader};
use crate::books::{Books, Flow};
use crate::curve::Model;
use crate::record::{Exposure, Row, Totals};
use crate::reporter::{Reporters, Submission};
use crate::scenario::{units, Scenario, Stamp};
use crate::world::{NoiseOrder, Tick, World};
use keel_core::fixed::{signed_to_f64, to_f64 as tokens};
use keel_core::Asset;
use keel_keeper::chain::ChainError;
use keel_keeper::decide::PoolView;
use keel_keeper::metrics::Metrics;

/// Smallest arbitrage profit worth a transaction, in quote tokens.
pub const MIN_ARB_PROFIT: f64 = 0.01;

/// How the simulation does its own sums: the market it simulates is the same either way.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Engine {
    /// Arbitrage sized on the curve in floats (in closed form, or with price discovery by a
    /// search on the float twin of the swap) and priced once on the pool's integer math; the
    /// recorded `q` and mid price from the curve in floats.
    #[default]
    Fast,
    /// Arbitrage searched on the pool's integer math and every block recorded from an exact
    /// re-derivation: the slower reference the benchmark times the fast engine against.
    Exact,
}

/// A running simulation.
pub struct Simulation<B> {
    pub backend: B,
    pub engine: Engine,
    pub scenario: Scenario,
    world: World,
    reporters: Reporters,
    pub totals: Totals,
    pub books: Books,
    /// Whether each block's row carries the LPs' exposure (the Greeks); off for the benchmark,
    /// whose sweep does not read it.
    pub record_exposure: bool,
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
            engine: Engine::default(),
            world: World::new(scenario),
            reporters: Reporters::new(scenario),
            scenario: scenario.clone(),
            totals: Totals::default(),
            record_exposure: false,
            books: Books::new(scenario.liquidity_base, scenario.liquidity_quote, scenario.price),
            start: (start.base, start.quote),
            venue_start: (start.venue_base, start.venue_quote),
            funds: (start.venue_base, start.venue_quote),
        }
    }

    /// Runs one block: the clock moves, the reporters submit (before or after the arbitrageur,
    /// as the scenario says), traders trade, the keeper acts.
    ///
    /// # Errors
    /// The backend failed in a way a simulation cannot continue from (a trap, an undecodable
    /// answer, a planned arbitrage the pool priced differently).
    pub fn step(&mut self, metrics: Option<&Metrics>) -> Result<Row, ChainError> {
        self.backend.advance(self.scenario.block_ms);
        let tick = self.world.next_tick();
        self.books.price(tick.reference);
        let submissions = self.reporters.next_block(tick.reference);
        let after_arb = self.scenario.oracle_after_arb;
        if !after_arb {
            self.report(&submissions);
        }
        self.arbitrage_venue(tick.reference);
        let mut view = self.backend.read_pool()?;
        let published = self.reporters.published().unwrap_or(tick.reference);
        // Informed flow trades on what it knows before the arbitrageur closes the gap.
        if tick.informed && self.informed(tick.reference, published, quoted_fee(&view)) {
            view = self.backend.read_pool()?;
        }
        if tick.arbitrage && !view.market.stale {
            self.arbitrage_pool(&view, tick.reference)?;
        }
        if after_arb && !submissions.is_empty() {
            self.report(&submissions);
            view = self.backend.read_pool()?;
        }
        if view.market.stale {
            self.totals.frozen_blocks = self.totals.frozen_blocks.saturating_add(1);
        }
        let fee = quoted_fee(&view);
        for order in [tick.noise, tick.whale].into_iter().flatten() {
            self.noise(order, published, fee);
        }
        let turn = if self.scenario.keeper {
            let turn = self.backend.keeper(metrics)?;
            if let Some(outcome) = turn.landed {
                self.totals.rebalances = self.totals.rebalances.saturating_add(1);
                self.totals.bounties += tokens(outcome.bounty);
                let sold = if outcome.q_before > 0 {
                    Asset::Base
                } else {
                    Asset::Quote
                };
                // The pool sold its long token on the venue: in its books, the venue sold the
                // other token to the pool.
                self.books.trade(
                    Flow::Rebalance,
                    sold.other(),
                    tokens(outcome.bought),
                    tokens(outcome.sold),
                    0.0,
                );
            }
            turn
        } else {
            KeeperTurn::default()
        };
        let view = match turn.view {
            Some(view) => view,
            None => self.backend.read_pool()?,
        };
        self.books.holdings(tokens(view.state.base_reserve));
        self.record(&tick, &view, turn.landed.is_some())
    }

    /// Every submission of the block, each counted when the oracle refuses it.
    fn report(&mut self, submissions: &[Submission]) {
        let now = self.backend.now();
        let readings: Vec<ReporterReading> = submissions
            .iter()
            .map(|s| ReporterReading {
                reporter: s.reporter,
                price: units(s.price),
                volatility: units(s.volatility),
                observed_ms: match self.scenario.oracle_stamp {
                    Stamp::Arrival => now,
                    Stamp::Observed => {
                        now.saturating_sub(u64::from(s.age_blocks).saturating_mul(self.scenario.block_ms))
                    }
                },
            })
            .collect();
        let refused = self.backend.report_all(&readings);
        self.totals.oracle_refusals = self.totals.oracle_refusals.saturating_add(refused);
    }

    /// An informed trader who knows the reference trades toward it when the published oracle is
    /// behind by more than its threshold, only at a profit at the reference. Returns whether it
    /// traded.
    fn informed(&mut self, reference: f64, published: f64, fee: f64) -> bool {
        let Some(order) = informed_order(&self.scenario, reference, published) else {
            return false;
        };
        let filled = self
            .backend
            .swap_pool(Trader::Arbitrageur, order.sell, order.amount_in, order.min_out);
        if let Ok(out) = filled {
            let amount = tokens(order.amount_in);
            self.books
                .trade(Flow::Informed, order.sell, amount, tokens(out), amount * fee);
        } else {
            self.totals.informed_refused = self.totals.informed_refused.saturating_add(1);
        }
        filled.is_ok()
    }

    /// The venues are the liquid outside market: arbitrage keeps them at the reference every
    /// block (the venue's arbitrage is counted; the second venue's is the outside market's own).
    fn arbitrage_venue(&mut self, reference: f64) {
        let reserves = self.backend.venue_reserves();
        let fee_bps = self.scenario.venue_fee_bps;
        if let Some(t) = arbitrage::on_venue(reserves, fee_bps, reference, self.funds, MIN_ARB_PROFIT) {
            if self
                .backend
                .swap_venue(Trader::Arbitrageur, t.sell, t.amount_in)
                .is_ok()
            {
                self.totals.venue_arbitrage += t.profit;
            }
        }
        let hedge_fee_bps = self.scenario.hedge_venue_fee_bps;
        if let Some(reserves) = self.backend.hedge_venue_reserves() {
            if let Some(t) =
                arbitrage::on_venue(reserves, hedge_fee_bps, reference, self.funds, MIN_ARB_PROFIT)
            {
                let _ = self.backend.swap_hedge_venue(t.sell, t.amount_in);
            }
        }
    }

    /// Keel is arbitraged when the arbitrageur is around (`arbitrage_rate`), on the pool's own
    /// integer math, so the pool pays exactly what was planned.
    fn arbitrage_pool(&mut self, view: &PoolView, reference: f64) -> Result<(), ChainError> {
        let curve = &view.config.curve;
        let size = match self.engine {
            Engine::Fast => arbitrage::on_pool,
            Engine::Exact => arbitrage::search_on_pool,
        };
        let planned = size(
            &view.state,
            &view.market.anchor(),
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
                let amount = tokens(amount_in);
                let fee = amount * quoted_fee(view);
                self.books
                    .trade(Flow::Arbitrage, sell, amount, tokens(amount_out), fee);
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
    fn noise(&mut self, order: NoiseOrder, published: f64, fee: f64) {
        let (sell, amount) = order.amount_in(self.scenario.liquidity_base, published);
        let routed = self.scenario.noise_routed;
        let venue = routed.then(|| self.backend.venue_reserves());
        let min_out = arbitrage::routed_min_out(venue, self.scenario.venue_fee_bps, sell, amount);
        let filled = self.backend.swap_pool(Trader::Noise, sell, amount, min_out);
        if let Ok(out) = filled {
            let amount = tokens(amount);
            self.books
                .trade(Flow::Noise, sell, amount, tokens(out), amount * fee);
        }
        let on_pool = filled.is_ok();
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

    /// Keel's Greeks and the gamma of constant product holding Keel's base at Keel's fee; `None`
    /// when the curve cannot be read (an empty side).
    fn exposure(view: &PoolView) -> Option<Exposure> {
        let (cp_gamma_up, cp_gamma_down) =
            Exposure::constant_product(tokens(view.state.base_reserve), tokens(view.market.fee));
        Some(Exposure {
            keel: view.greeks().ok()?,
            cp_gamma_up,
            cp_gamma_down,
        })
    }

    fn record(&mut self, tick: &Tick, view: &PoolView, landed: bool) -> Result<Row, ChainError> {
        let model = match self.engine {
            Engine::Fast => Model::of(&view.state, &view.priced(), &view.config.curve),
            Engine::Exact => None,
        };
        let (q, mid) = if let Some(model) = model {
            (model.inventory(), model.mid())
        } else {
            let eq = view
                .equilibrated()
                .map_err(|e| ChainError::Decode(format!("{e:?}")))?;
            let q = eq.inventory(view.market.price).unwrap_or_default();
            let mid = eq
                .marginal_price(view.market.price, view.market.k)
                .unwrap_or_default();
            (signed_to_f64(q), tokens(mid))
        };
        // The curve's mid at the oracle, carried to the pool's reference (the skew is a ratio).
        let mid = mid * tokens(view.market.reference) / tokens(view.market.price);
        let (vb, vq) = self.backend.venue_reserves();
        let p = tick.reference;
        let value = |b: u128, q: u128| tokens(b) * p + tokens(q);
        let band = view
            .band()
            .unwrap_or_else(|_| view.config.rebalance.configured_band());
        let row = Row {
            block: self.backend.block(),
            reference: p,
            oracle: tokens(view.market.price),
            pool_reference: tokens(view.market.reference),
            pool_mid: mid,
            venue_price: if vb == 0 { 0.0 } else { tokens(vq) / tokens(vb) },
            q,
            base_reserve: view.state.base_reserve,
            quote_reserve: view.state.quote_reserve,
            trigger: tokens(band.trigger),
            target: tokens(band.target),
            fee_bps: quoted_fee(view) * 10_000.0,
            guard_bps: tokens(view.market.guard_fee) * 10_000.0,
            k: tokens(view.market.k),
            pool_value: value(view.state.base_reserve, view.state.quote_reserve),
            hodl_value: value(self.start.0, self.start.1),
            venue_value: value(vb, vq),
            venue_hodl_value: value(self.venue_start.0, self.venue_start.1),
            fees_to_date: tokens(view.rebalancing.bounty_budget) + self.totals.bounties,
            rebalanced: landed,
            exposure: self.record_exposure.then(|| Self::exposure(view)).flatten(),
        };
        self.totals.observe(&row, q.abs() < tokens(band.trigger));
        Ok(row)
    }
}

/// An informed trader's order: `informed_size` of the pool's base toward `reference` when
/// `published` is more than `informed_threshold_bps` behind it, asking at least the order's value
/// at the reference (so it trades only at a profit).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InformedOrder {
    pub sell: Asset,
    pub amount_in: u128,
    pub min_out: u128,
}

pub fn informed_order(scenario: &Scenario, reference: f64, published: f64) -> Option<InformedOrder> {
    let gap_bps = (reference / published - 1.0) * 10_000.0;
    if gap_bps.abs() <= scenario.informed_threshold_bps {
        return None;
    }
    let base = scenario.liquidity_base * scenario.informed_size;
    let (sell, amount_in, min_out) = if gap_bps > 0.0 {
        (Asset::Quote, base * reference, base)
    } else {
        (Asset::Base, base, base * reference)
    };
    (amount_in > 0.0).then(|| InformedOrder {
        sell,
        amount_in: units(amount_in),
        min_out: units(min_out).max(1),
    })
}

/// The fee a vanishing trade pays now (the guard included), as a fraction.
fn quoted_fee(view: &PoolView) -> f64 {
    tokens(view.market.fee.saturating_add(view.market.guard_fee))
}
