//! The simulation's backend on the compiled contracts: tokens, oracle, venue and pool deployed
//! into a drink chain (`keel-harness`), the keeper running its real executor against them.

use crate::backend::{Backend, KeeperTurn, Refused, ReporterReading, Trader};
use crate::driver::Simulation;
use crate::scenario::Scenario;
use crate::SimError;
use ink::primitives::AccountId;
use keel_core::Asset;
use keel_harness::keeper::SandboxChain;
use keel_harness::pool::PoolSwap;
use keel_harness::venue::VenueSwap;
use keel_harness::{pool, venue, Actor, Fixture, Setup, BOB, CAROL, KEEPER};
use keel_interface::pool::PoolConfig;
use keel_keeper::chain::{Chain as _, ChainError};
use keel_keeper::decide::PoolView;
use keel_keeper::executor::{self, Report, Settings, Watched};
use keel_keeper::metrics::Metrics;

/// The fixture that stands up `scenario`'s markets with the pool configured as `config`.
pub fn setup(scenario: &Scenario, config: PoolConfig) -> Setup {
    let start = scenario.liquidity();
    Setup {
        price: start.price,
        volatility: start.volatility,
        base_liquidity: start.base,
        quote_liquidity: start.quote,
        venue_base_liquidity: start.venue_base,
        venue_quote_liquidity: start.venue_quote,
        trader_funds: start.trader_funds,
        config,
        feed: keel_core::oracle::FeedConfig::default(),
        mirror: true,
    }
}

impl Simulation<DrinkBackend> {
    /// Deploys tokens, oracle, venue and pool into a fresh drink chain and seeds both markets with
    /// the scenario's liquidity at its starting price.
    ///
    /// # Errors
    /// An invalid scenario, or a venue fee other than the venue contract's.
    pub fn on_contracts(
        scenario: &Scenario,
        config: PoolConfig,
        settings: Settings,
    ) -> Result<Self, SimError> {
        scenario.validate()?;
        if scenario.venue_fee_bps != keel_core::consts::DEFAULT_VENUE_FEE_BPS {
            return Err(SimError::Invalid(format!(
                "the venue contract charges {} bps; `venue_fee_bps` = {} runs on the fast backend only",
                keel_core::consts::DEFAULT_VENUE_FEE_BPS,
                scenario.venue_fee_bps
            )));
        }
        Ok(Simulation::on(
            DrinkBackend::deploy(scenario, config, settings),
            scenario,
        ))
    }
}

/// Keel in drink, watched by the keeper.
pub struct DrinkBackend {
    pub market: Fixture,
    keeper: Watched,
    settings: Settings,
    /// The keeper's report of the last block it ran.
    pub last_report: Option<Report>,
}

impl DrinkBackend {
    /// Deploys and seeds everything for `scenario`.
    pub fn deploy(scenario: &Scenario, config: PoolConfig, settings: Settings) -> DrinkBackend {
        let market = Fixture::new(setup(scenario, config));
        DrinkBackend {
            keeper: Watched::new("BASE/QUOTE", market.pool),
            market,
            settings,
            last_report: None,
        }
    }

    fn actor(who: Trader) -> Actor {
        match who {
            Trader::Arbitrageur => BOB,
            Trader::Noise => CAROL,
        }
    }

    fn token(&self, asset: Asset) -> AccountId {
        match asset {
            Asset::Base => self.market.base,
            Asset::Quote => self.market.quote,
        }
    }
}

impl Backend for DrinkBackend {
    fn advance(&mut self, ms: u64) {
        self.market.chain.advance(ms);
    }

    fn block(&self) -> u64 {
        self.market.chain.block()
    }

    fn now(&self) -> u64 {
        self.market.chain.now()
    }

    fn report_as(&mut self, r: ReporterReading) -> bool {
        self.market
            .report_as(usize::from(r.reporter), r.price, r.volatility, r.observed_ms)
            .is_ok()
    }

    fn read_pool(&mut self) -> Result<PoolView, ChainError> {
        let read = SandboxChain::new(&mut self.market.chain, BOB).read_pool(self.market.pool)?;
        Ok(read.view)
    }

    fn swap_pool(
        &mut self,
        who: Trader,
        sell: Asset,
        amount_in: u128,
        min_out: u128,
    ) -> Result<u128, Refused> {
        let swap = PoolSwap {
            limit: min_out,
            ..PoolSwap::exact_in(self.token(sell), amount_in)
        };
        pool::swap_exact_in(&mut self.market.chain, Self::actor(who), self.market.pool, swap)
            .map_err(Refused::by)
    }

    fn venue_reserves(&mut self) -> (u128, u128) {
        venue::reserves(&mut self.market.chain, self.market.venue)
    }

    fn swap_venue(&mut self, who: Trader, sell: Asset, amount_in: u128) -> Result<u128, Refused> {
        let swap = VenueSwap::exact_in(self.token(sell), amount_in);
        venue::swap_exact_in(&mut self.market.chain, Self::actor(who), self.market.venue, swap)
            .map_err(Refused::by)
    }

    fn keeper(&mut self, metrics: Option<&Metrics>) -> Result<KeeperTurn, ChainError> {
        let mut chain = SandboxChain::new(&mut self.market.chain, KEEPER);
        let report = executor::tick(&mut chain, &mut self.keeper, &self.settings, metrics);
        let turn = KeeperTurn::of(&report);
        self.last_report = Some(report);
        Ok(turn)
    }
}
