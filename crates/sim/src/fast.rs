//! The fast backend: Keel's pool as the state machine of `keel_core::pool`, its oracle as
//! `keel_core::oracle`'s aggregated feed and its venue in memory, driven by the same market
//! driver as the contracts in drink, with the keeper's real executor running against it through
//! the keeper's `Chain` trait. No Wasm, no runtime: a block costs microseconds, so benchmarks can
//! sweep thousands of month-long paths.

use crate::backend::{Backend, KeeperTurn, Refused, ReporterReading, Trader};
use crate::curve::Model;
use crate::oracle::InMemoryOracle;
use crate::scenario::Scenario;
use crate::venue::InMemoryVenue;
use crate::SimError;
use ink::primitives::AccountId;
use keel_core::consts::SIMULATION_START_MS;
use keel_core::pool::{Depth, Feed, Ledger, Refusal, SwapKind};
use keel_core::rebalance::VenueDepth;
use keel_core::Asset;
use keel_interface::pool::{PoolConfig, PoolError, RebalanceOutcome};
use keel_keeper::chain::{Chain, ChainError, Head, Included, Snapshot, Submitted};
use keel_keeper::decide::{PoolView, Route};
use keel_keeper::executor::{self, Settings, Watched};
use keel_keeper::metrics::Metrics;

/// The address the keeper watches (nothing is deployed; it only names the pool).
const POOL: [u8; 32] = [0x9E; 32];
/// Stands in for the venue's address in the pool's configuration.
const VENUE: [u8; 32] = [0x7E; 32];
/// Stands in for the second venue's address in the pool's venue list.
const HEDGE_VENUE: [u8; 32] = [0x7F; 32];
/// Stand-ins for the token accounts a rebalance reports selling.
const BASE_TOKEN: [u8; 32] = [0xBA; 32];
const QUOTE_TOKEN: [u8; 32] = [0xC0; 32];

/// How far inside the trigger `|q|` must be for [`FastBackend::idle`].
const IDLE_MARGIN: f64 = 0.98;

/// Keel in memory, started as the drink fixture starts it.
pub struct FastBackend {
    block: u64,
    now_ms: u64,
    pub oracle: InMemoryOracle,
    pub ledger: Ledger,
    pub config: PoolConfig,
    pub venue: InMemoryVenue,
    /// The second venue, listed after the first for split rebalances (none unless the scenario
    /// has one).
    pub hedge: Option<InMemoryVenue>,
    keeper: Watched,
    settings: Settings,
    /// A submitted rebalance, until the keeper waits for it.
    included: Option<Included>,
    /// Skip the keeper's pass where it cannot find a rebalance due (see [`FastBackend::idle`]).
    pub skip_idle_keeper: bool,
}

impl FastBackend {
    /// The scenario's pool and venue, seeded as the drink backend seeds them.
    ///
    /// # Errors
    /// An invalid scenario or liquidity the curve refuses.
    pub fn new(scenario: &Scenario, config: PoolConfig, settings: Settings) -> Result<FastBackend, SimError> {
        scenario.validate()?;
        let start = scenario.liquidity();
        let config = PoolConfig {
            venue: config.venue.or(Some(AccountId::from(VENUE))),
            ..config
        };
        let mut ledger = Ledger::default();
        ledger
            .deposit(start.base, start.quote, 0)
            .map_err(|e| SimError::Liquidity(format!("{e:?}")))?;
        let venue = InMemoryVenue::seeded(start.venue_base, start.venue_quote, scenario.venue_fee_bps)
            .map_err(|e| SimError::Liquidity(format!("{e:?}")))?;
        let hedge = (start.hedge_base > 0)
            .then(|| InMemoryVenue::seeded(start.hedge_base, start.hedge_quote, scenario.hedge_venue_fee_bps))
            .transpose()
            .map_err(|e| SimError::Liquidity(format!("{e:?}")))?;
        Ok(FastBackend {
            block: 0,
            now_ms: SIMULATION_START_MS,
            oracle: InMemoryOracle::started(start.price, start.volatility, SIMULATION_START_MS, 0),
            ledger,
            config,
            venue,
            hedge,
            keeper: Watched::new("BASE/QUOTE", AccountId::from(POOL)),
            settings,
            included: None,
            skip_idle_keeper: false,
        })
    }

    fn view(&self) -> Result<PoolView, ChainError> {
        let reading = self
            .oracle
            .read()
            .map_err(|e| ChainError::Reverted(format!("market_status: {:?}", PoolError::from(e))))?;
        let market = self
            .ledger
            .market_status(&self.config, &reading, self.now_ms)
            .map_err(|e| ChainError::Reverted(format!("market_status: {:?}", PoolError::from(e))))?;
        Ok(PoolView {
            state: self.ledger.state,
            market,
            config: self.config,
            rebalancing: self.ledger.rebalancing,
            paused: false,
            total_shares: self.ledger.total_shares,
            venue_depth: Some(self.venue.depth(keel_core::Asset::Base)),
            more_venues: [
                self.hedge.map(|h| {
                    (
                        AccountId::from(HEDGE_VENUE),
                        Some(h.depth(keel_core::Asset::Base)),
                    )
                }),
                None,
                None,
            ],
        })
    }

    /// Whether the keeper's pass would find nothing due: no failure to back off from, no
    /// rebalance continuing, and `|q|` (on the curve in floats) 2% or more inside the trigger,
    /// far beyond the float model's error. Such a pass only reads the pool, so skipping it leaves
    /// the run as it was; the exact re-derivation it costs is most of a quiet block's work.
    /// Returns the pool as the pass would have read it.
    fn idle(&self) -> Option<PoolView> {
        let params = &self.config.rebalance;
        if self.keeper.health.failures != 0
            || self
                .ledger
                .rebalancing
                .continuing_at(self.now_ms, params.cooldown_ms)
                .is_some()
        {
            return None;
        }
        let view = self.view().ok()?;
        let trigger = view.band().ok()?.trigger;
        Model::of(&view.state, &view.priced(), &view.config.curve)
            .is_some_and(|m| m.inventory().abs() < keel_core::fixed::to_f64(trigger) * IDLE_MARGIN)
            .then_some(view)
    }

    /// As the contract's `rebalance(epoch)` (selling on `venue`) or, along a split `route`,
    /// `rebalance_split` (each leg on its venue); returns the ledger and venues it leaves, and
    /// changes nothing itself.
    fn rebalance(&self, epoch: u64, route: &Route) -> Result<(Ledger, Venues, RebalanceOutcome), PoolError> {
        let mut ledger = self.ledger;
        let mut venues = Venues {
            first: self.venue,
            hedge: self.hedge,
        };
        let step = match route {
            Route::Venue => {
                ledger.plan_rebalance(&self.config, epoch, self.now_ms, &self.oracle, &venues.first)?
            }
            Route::Split(_) => {
                let listed = venues.listed();
                let legs = route.legs();
                ledger.plan_split(
                    &self.config,
                    &listed,
                    &legs,
                    epoch,
                    self.now_ms,
                    &self.oracle,
                    &venues,
                )?
            }
        };
        let mut bought = Vec::new();
        for leg in step.legs.iter().flatten() {
            let venue = venues.get_mut(leg.venue).ok_or(PoolError::VenueCallFailed)?;
            let out = venue
                .swap_exact_in(leg.plan.sell, leg.plan.amount_in, leg.plan.min_out)
                .map_err(PoolError::Venue)?;
            bought.push(out);
        }
        let outcome = step.settle(&mut ledger, &bought)?;
        let token = match step.plan.sell {
            Asset::Base => BASE_TOKEN,
            Asset::Quote => QUOTE_TOKEN,
        };
        Ok((ledger, venues, outcome.naming(AccountId::from(token))))
    }
}

/// The venues a rebalance trades on, by the addresses the pool lists them at.
#[derive(Clone, Copy)]
struct Venues {
    first: InMemoryVenue,
    hedge: Option<InMemoryVenue>,
}

impl Venues {
    fn listed(&self) -> Vec<AccountId> {
        let mut listed = vec![AccountId::from(VENUE)];
        if self.hedge.is_some() {
            listed.push(AccountId::from(HEDGE_VENUE));
        }
        listed
    }

    fn get(&self, venue: AccountId) -> Option<&InMemoryVenue> {
        if venue == AccountId::from(VENUE) {
            Some(&self.first)
        } else if venue == AccountId::from(HEDGE_VENUE) {
            self.hedge.as_ref()
        } else {
            None
        }
    }

    fn get_mut(&mut self, venue: AccountId) -> Option<&mut InMemoryVenue> {
        if venue == AccountId::from(VENUE) {
            Some(&mut self.first)
        } else if venue == AccountId::from(HEDGE_VENUE) {
            self.hedge.as_mut()
        } else {
            None
        }
    }
}

/// A split reads each listed venue's depth by its address.
impl Depth<AccountId> for Venues {
    fn depth(&self, venue: AccountId, sell: Asset) -> Result<VenueDepth, Refusal> {
        self.get(venue)
            .map(|v| v.depth(sell))
            .ok_or(Refusal::VenueCallFailed)
    }
}

impl Backend for FastBackend {
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

    fn report_as(&mut self, r: ReporterReading) -> bool {
        self.oracle.report_as(r, self.now_ms, self.block).is_ok()
    }

    fn report_all(&mut self, readings: &[ReporterReading]) -> u64 {
        self.oracle.report_block(readings, self.now_ms, self.block)
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
    ) -> Result<u128, Refused> {
        let mut ledger = self.ledger;
        let refused = |e| Refused::by(PoolError::from(e));
        let priced = ledger
            .price_swap(
                &self.config,
                self.now_ms,
                &self.oracle,
                SwapKind::ExactIn,
                sell,
                amount_in,
            )
            .map_err(refused)?;
        ledger
            .book_swap(&priced, SwapKind::ExactIn, min_out, self.now_ms)
            .map_err(refused)?;
        self.ledger = ledger;
        Ok(priced.trade.amount_out)
    }

    fn venue_reserves(&mut self) -> (u128, u128) {
        self.venue.reserves()
    }

    fn swap_venue(&mut self, _who: Trader, sell: Asset, amount_in: u128) -> Result<u128, Refused> {
        self.venue.swap_exact_in(sell, amount_in, 0).map_err(Refused::by)
    }

    fn hedge_venue_reserves(&mut self) -> Option<(u128, u128)> {
        self.hedge.map(|h| h.reserves())
    }

    fn swap_hedge_venue(&mut self, sell: Asset, amount_in: u128) -> Result<u128, Refused> {
        let hedge = self
            .hedge
            .as_mut()
            .ok_or_else(|| Refused::by(PoolError::NoVenue))?;
        hedge.swap_exact_in(sell, amount_in, 0).map_err(Refused::by)
    }

    fn keeper(&mut self, metrics: Option<&Metrics>) -> Result<KeeperTurn, ChainError> {
        if self.skip_idle_keeper && metrics.is_none() {
            if let Some(view) = self.idle() {
                // What the keeper's pass ends with when nothing is due.
                self.keeper.health.record_success();
                return Ok(KeeperTurn {
                    landed: None,
                    view: Some(view),
                });
            }
        }
        let mut watched = std::mem::replace(&mut self.keeper, Watched::new("", AccountId::from(POOL)));
        let settings = self.settings;
        let report = executor::tick(self, &mut watched, &settings, metrics);
        self.keeper = watched;
        Ok(KeeperTurn::of(&report))
    }
}

/// The keeper's view of the in-memory chain: reads and dry-runs cost nothing, a submission lands
/// at once in the current block.
impl Chain for FastBackend {
    fn head(&mut self) -> Result<Head, ChainError> {
        Ok(Head {
            number: self.block,
            time_ms: self.now_ms,
        })
    }

    fn read_pool(&mut self, _pool: AccountId) -> Result<Snapshot, ChainError> {
        Ok(Snapshot {
            head: self.head()?,
            view: self.view()?,
        })
    }

    fn dry_run_rebalance(
        &mut self,
        _pool: AccountId,
        epoch: u64,
        route: &Route,
    ) -> Result<Result<RebalanceOutcome, PoolError>, ChainError> {
        Ok(self.rebalance(epoch, route).map(|(_, _, outcome)| outcome))
    }

    fn submit_rebalance(
        &mut self,
        pool: AccountId,
        epoch: u64,
        route: &Route,
    ) -> Result<Submitted, ChainError> {
        let result = self.rebalance(epoch, route).map(|(ledger, venues, outcome)| {
            self.ledger = ledger;
            self.venue = venues.first;
            self.hedge = venues.hedge;
            outcome
        });
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
