//! The fast backend: Keel's pool, its oracle and its venue in memory ([`crate::pool`]), driven by
//! the same market driver as the contracts in drink, with the keeper's real executor running
//! against it through the keeper's `Chain` trait. No Wasm, no runtime: a block costs
//! microseconds, so benchmarks can sweep thousands of month-long paths.

use crate::pool::{Pool, Venue};
use ink::primitives::AccountId;
use keel_curve::{Asset, MAX_PRICE, MAX_VOLATILITY, MIN_PRICE};
use keel_keeper::chain::{Chain, ChainError, Head, Included, Submitted};
use keel_keeper::decide::PoolView;
use keel_keeper::executor::{self, Settings, Watched};
use keel_keeper::metrics::Metrics;
use keel_keeper::sim::backend::{Backend, KeeperTurn, Trader};
use keel_keeper::sim::contracts::setup;
use keel_keeper::sim::scenario::Scenario;
use keel_pool::{Error as PoolError, PoolConfig, RebalanceOutcome};
use keel_sandbox::chain::START_MS;
use keel_sandbox::fixture::VENUE_FEE_BPS;
use keel_traits::{within_jump, OracleData};

/// The address the keeper watches (nothing is deployed; it only names the pool).
const POOL: [u8; 32] = [0x9E; 32];
/// Stands in for the venue's address in the pool's configuration.
const VENUE: [u8; 32] = [0x7E; 32];
/// The fixture oracle's bound on one update's price move.
const MAX_JUMP_BPS: u32 = 2_000;
/// How far a reading's timestamp may run ahead of the block (the oracle contract's bound).
const MAX_FUTURE_DRIFT_MS: u64 = 30_000;

/// Keel in memory, started as the drink fixture starts it.
pub struct Fast {
    block: u64,
    now_ms: u64,
    feed: OracleData,
    pub pool: Pool,
    pub venue: Venue,
    keeper: Watched,
    settings: Settings,
    /// A submitted rebalance, until the keeper waits for it.
    included: Option<Included>,
}

impl Fast {
    /// The scenario's pool and venue, seeded as `keel_sandbox::Market` seeds them.
    ///
    /// # Errors
    /// An invalid scenario or liquidity the curve refuses.
    pub fn new(scenario: &Scenario, config: PoolConfig, settings: Settings) -> Result<Fast, String> {
        scenario.validate()?;
        let setup = setup(scenario, config);
        let config = PoolConfig {
            venue: config.venue.or(Some(AccountId::from(VENUE))),
            ..config
        };
        let pool = Pool::seeded(config, setup.base_liquidity, setup.quote_liquidity)
            .map_err(|e| format!("{e:?}"))?;
        let venue = Venue::seeded(
            setup.venue_base_liquidity,
            setup.venue_quote_liquidity,
            VENUE_FEE_BPS,
        )
        .map_err(|e| format!("{e:?}"))?;
        Ok(Fast {
            block: 0,
            now_ms: START_MS,
            feed: OracleData {
                price: setup.price,
                volatility: setup.volatility,
                timestamp: START_MS,
            },
            pool,
            venue,
            keeper: Watched::new("BASE/QUOTE", AccountId::from(POOL)),
            settings,
            included: None,
        })
    }

    /// As the oracle contract's `submit`, for an authorised reporter.
    fn accepts(&self, reading: &OracleData) -> bool {
        (MIN_PRICE..=MAX_PRICE).contains(&reading.price)
            && reading.volatility != 0
            && reading.volatility <= MAX_VOLATILITY
            && reading.timestamp <= self.now_ms.saturating_add(MAX_FUTURE_DRIFT_MS)
            && reading.timestamp > self.feed.timestamp
            && within_jump(self.feed.price, reading.price, MAX_JUMP_BPS)
    }

    fn view(&self) -> Result<PoolView, ChainError> {
        let market = self
            .pool
            .market_status(&self.feed, self.now_ms)
            .map_err(|e| ChainError::Reverted(format!("market_status: {e:?}")))?;
        Ok(PoolView {
            state: self.pool.state,
            market,
            config: self.pool.config,
            rebalancing: self.pool.rebalancing,
            paused: false,
            total_shares: self.pool.total_shares,
        })
    }
}

impl Backend for Fast {
    fn advance(&mut self, ms: u64) {
        self.block = self.block.saturating_add(1);
        self.now_ms = self.now_ms.saturating_add(ms);
    }

    fn block(&self) -> u64 {
        self.block
    }

    fn now(&self) -> u64 {
        self.now_ms
    }

    fn report(&mut self, price: u128, volatility: u128) -> bool {
        let reading = OracleData {
            price,
            volatility,
            timestamp: self.now_ms,
        };
        let accepted = self.accepts(&reading);
        if accepted {
            self.feed = reading;
        }
        accepted
    }

    fn read_pool(&mut self) -> Result<PoolView, ChainError> {
        self.view()
    }

    fn swap_pool(
        &mut self,
        _who: Trader,
        sell: Asset,
        amount_in: u128,
        min_out: u128,
    ) -> Result<u128, String> {
        self.pool
            .swap_exact_in(&self.feed, self.now_ms, sell, amount_in, min_out)
            .map(|t| t.amount_out)
            .map_err(|e| format!("{e:?}"))
    }

    fn venue_reserves(&mut self) -> (u128, u128) {
        self.venue.reserves()
    }

    fn swap_venue(&mut self, _who: Trader, sell: Asset, amount_in: u128) -> Result<u128, String> {
        self.venue
            .swap_exact_in(sell, amount_in, 0)
            .map_err(|e| format!("{e:?}"))
    }

    fn keeper(&mut self, metrics: Option<&Metrics>) -> Result<KeeperTurn, ChainError> {
        let mut watched = std::mem::replace(&mut self.keeper, Watched::new("", AccountId::from(POOL)));
        let settings = self.settings;
        let report = executor::tick(self, &mut watched, &settings, metrics);
        self.keeper = watched;
        Ok(KeeperTurn::of(&report))
    }
}

/// The keeper's view of the in-memory chain: reads and dry-runs cost nothing, a submission lands
/// at once in the current block.
impl Chain for Fast {
    fn head(&mut self) -> Result<Head, ChainError> {
        Ok(Head {
            number: self.block,
            time_ms: self.now_ms,
        })
    }

    fn read_pool(&mut self, _pool: AccountId) -> Result<PoolView, ChainError> {
        self.view()
    }

    fn dry_run_rebalance(
        &mut self,
        _pool: AccountId,
        epoch: u64,
    ) -> Result<Result<RebalanceOutcome, PoolError>, ChainError> {
        let (mut pool, mut venue) = (self.pool, self.venue);
        Ok(pool.rebalance(epoch, &self.feed, self.now_ms, &mut venue))
    }

    fn submit_rebalance(&mut self, pool: AccountId, epoch: u64) -> Result<Submitted, ChainError> {
        let result = self
            .pool
            .rebalance(epoch, &self.feed, self.now_ms, &mut self.venue);
        self.included = Some(Included {
            block: self.block,
            events: result.iter().copied().collect(),
            result,
        });
        Ok(Submitted {
            pool,
            epoch,
            handle: Vec::new(),
        })
    }

    fn wait_included(&mut self, _tx: &Submitted) -> Result<Included, ChainError> {
        self.included.take().ok_or(ChainError::Dropped)
    }

    fn sleep_ms(&mut self, _ms: u64) {}
}
