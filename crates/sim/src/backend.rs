//! What the simulated market needs from the pool's world, so that one driver ([`crate::driver`])
//! runs on the compiled contracts in drink (`crate::drink`) and on the pool's state machine in
//! memory ([`crate::fast`]), and a test can hold the two to identical results.

use keel_core::Asset;
use keel_interface::pool::RebalanceOutcome;
use keel_keeper::chain::ChainError;
use keel_keeper::decide::PoolView;
use keel_keeper::executor::{Action, Report};
use keel_keeper::metrics::Metrics;

/// A trade the pool or the venue refused, in words: the market takes note and moves on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

impl Refused {
    /// A contract's or a rule's refusal, by its name.
    pub fn by(e: impl core::fmt::Debug) -> Refused {
        Refused(format!("{e:?}"))
    }
}

/// One reporter's submission: price and volatility (1e18) and when it observed them (block
/// time, ms).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReporterReading {
    pub reporter: u8,
    pub price: u128,
    pub volatility: u128,
    pub observed_ms: u64,
}

/// Who sends a trade.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trader {
    Arbitrageur,
    /// Uninformed flow; also the venue's liquidity provider.
    Noise,
}

/// The keeper's turn in a block.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KeeperTurn {
    /// The rebalance that landed, if one did.
    pub landed: Option<RebalanceOutcome>,
    /// The pool as the keeper last read it, when that read is still current (nothing landed).
    pub view: Option<PoolView>,
}

impl KeeperTurn {
    /// What an executor pass amounts to for the simulation.
    pub fn of(report: &Report) -> KeeperTurn {
        match &report.action {
            Action::Landed { outcome, .. } => KeeperTurn {
                landed: Some(*outcome),
                view: None,
            },
            _ => KeeperTurn {
                landed: None,
                view: report.view,
            },
        }
    }
}

/// A pool, its oracle and its venue, block by block.
pub trait Backend {
    /// Starts the next block, `ms` after the last.
    fn advance(&mut self, ms: u64);
    fn block(&self) -> u64;
    /// Block time, milliseconds.
    fn now(&self) -> u64;
    /// A reporter submits its reading; `false` when the oracle refuses it.
    fn report_as(&mut self, reading: ReporterReading) -> bool;
    /// The block's readings, submitted in turn; how many the oracle refused.
    fn report_all(&mut self, readings: &[ReporterReading]) -> u64 {
        let refused = readings.iter().filter(|r| !self.report_as(**r)).count();
        refused as u64
    }
    /// Everything the keeper reads of the pool.
    ///
    /// # Errors
    /// The pool could not be read.
    fn read_pool(&mut self) -> Result<PoolView, ChainError>;
    /// Sells exactly `amount_in` of `sell` to the pool, for at least `min_out`.
    ///
    /// # Errors
    /// The pool's refusal.
    fn swap_pool(
        &mut self,
        who: Trader,
        sell: Asset,
        amount_in: u128,
        min_out: u128,
    ) -> Result<u128, Refused>;
    /// The venue's reserves, `(base, quote)`.
    fn venue_reserves(&mut self) -> (u128, u128);
    /// Sells exactly `amount_in` of `sell` on the venue.
    ///
    /// # Errors
    /// The venue's refusal.
    fn swap_venue(&mut self, who: Trader, sell: Asset, amount_in: u128) -> Result<u128, Refused>;
    /// The second venue's reserves, `(base, quote)`; `None` where there is none.
    fn hedge_venue_reserves(&mut self) -> Option<(u128, u128)> {
        None
    }
    /// Sells exactly `amount_in` of `sell` on the second venue.
    ///
    /// # Errors
    /// The venue's refusal; [`Refused`] with no second venue.
    fn swap_hedge_venue(&mut self, sell: Asset, amount_in: u128) -> Result<u128, Refused> {
        let _ = (sell, amount_in);
        Err(Refused::by(keel_interface::pool::PoolError::NoVenue))
    }
    /// The keeper looks at the pool and rebalances it when due.
    ///
    /// # Errors
    /// A failure the simulation cannot continue from.
    fn keeper(&mut self, metrics: Option<&Metrics>) -> Result<KeeperTurn, ChainError>;
}
