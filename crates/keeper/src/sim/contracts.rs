//! The simulation's backend on the compiled contracts: tokens, oracle, venue and pool deployed
//! into a drink chain, the keeper running its real executor against them.

use super::backend::{Backend, KeeperTurn, Trader};
use super::scenario::Scenario;
use crate::chain::{Chain as _, ChainError};
use crate::decide::PoolView;
use crate::executor::{self, Report, Settings, Watched};
use crate::metrics::Metrics;
use crate::sandbox::SandboxChain;
use ink::primitives::AccountId;
use keel_curve::Asset;
use keel_pool::PoolConfig;
use keel_sandbox::oracle::Reading;
use keel_sandbox::pool::Swap;
use keel_sandbox::venue::VenueSwap;
use keel_sandbox::{oracle, pool, venue, Actor, Market, Setup, BOB, CAROL, KEEPER, REPORTER};

/// The scenario's starting liquidity and funds, in token units.
pub fn setup(scenario: &Scenario, config: PoolConfig) -> Setup {
    let (base, quote) = (units(scenario.liquidity_base), units(scenario.liquidity_quote));
    Setup {
        price: units(scenario.price),
        volatility: units(scenario.sigma),
        base_liquidity: base,
        quote_liquidity: quote,
        venue_base_liquidity: units(scenario.liquidity_base * scenario.venue_depth),
        venue_quote_liquidity: units(scenario.liquidity_quote * scenario.venue_depth),
        trader_funds: quote.saturating_mul(100),
        config,
    }
}

/// Whole tokens to 18-decimal units.
pub fn units(tokens: f64) -> u128 {
    (tokens * keel_curve::ONE as f64) as u128
}

/// Keel in drink, watched by the keeper.
pub struct Contracts {
    pub market: Market,
    keeper: Watched,
    settings: Settings,
    /// The keeper's report of the last block it ran.
    pub last_report: Option<Report>,
}

impl Contracts {
    /// Deploys and seeds everything for `scenario`.
    pub fn deploy(scenario: &Scenario, config: PoolConfig, settings: Settings) -> Contracts {
        let market = Market::new(setup(scenario, config));
        Contracts {
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

impl Backend for Contracts {
    fn advance(&mut self, ms: u64) {
        self.market.chain.advance(ms);
    }

    fn block(&self) -> u64 {
        self.market.chain.block()
    }

    fn now(&self) -> u64 {
        self.market.chain.now()
    }

    fn report(&mut self, price: u128, volatility: u128) -> bool {
        let reading = Reading {
            price,
            volatility,
            timestamp: self.market.chain.now(),
        };
        oracle::submit(&mut self.market.chain, REPORTER, self.market.oracle, reading).is_ok()
    }

    fn read_pool(&mut self) -> Result<PoolView, ChainError> {
        SandboxChain::new(&mut self.market.chain, BOB).read_pool(self.market.pool)
    }

    fn swap_pool(
        &mut self,
        who: Trader,
        sell: Asset,
        amount_in: u128,
        min_out: u128,
    ) -> Result<u128, String> {
        let swap = Swap {
            limit: min_out,
            ..Swap::exact_in(self.token(sell), amount_in)
        };
        pool::swap_exact_in(&mut self.market.chain, Self::actor(who), self.market.pool, swap)
            .map_err(|e| format!("{e:?}"))
    }

    fn venue_reserves(&mut self) -> (u128, u128) {
        venue::reserves(&mut self.market.chain, self.market.venue)
    }

    fn swap_venue(&mut self, who: Trader, sell: Asset, amount_in: u128) -> Result<u128, String> {
        let swap = VenueSwap::exact_in(self.token(sell), amount_in);
        venue::swap_exact_in(&mut self.market.chain, Self::actor(who), self.market.venue, swap)
            .map_err(|e| format!("{e:?}"))
    }

    fn keeper(&mut self, metrics: Option<&Metrics>) -> Result<KeeperTurn, ChainError> {
        let mut chain = SandboxChain::new(&mut self.market.chain, KEEPER);
        let report = executor::tick(&mut chain, &mut self.keeper, &self.settings, metrics);
        let turn = KeeperTurn::of(&report);
        self.last_report = Some(report);
        Ok(turn)
    }
}
