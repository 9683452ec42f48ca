//! What the simulated market needs from the pool's world, so that one driver ([`super::run`])
//! runs on the compiled contracts in drink ([`super::contracts`]) and on the curve crate in
//! memory (`keel-sim`'s fast backend), and a test can hold the two to identical results.

use crate::chain::ChainError;
use crate::decide::PoolView;
use crate::executor::{Action, Report};
use crate::metrics::Metrics;
use keel_curve::Asset;
use keel_pool::RebalanceOutcome;

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
    /// Submits an oracle reading stamped with the block time; `false` when the oracle refuses it.
    fn report(&mut self, price: u128, volatility: u128) -> bool;
    /// Everything the keeper reads of the pool.
    ///
    /// # Errors
    /// The pool could not be read.
    fn read_pool(&mut self) -> Result<PoolView, ChainError>;
    /// Sells exactly `amount_in` of `sell` to the pool, for at least `min_out`.
    ///
    /// # Errors
    /// The pool's refusal, described.
    fn swap_pool(&mut self, who: Trader, sell: Asset, amount_in: u128, min_out: u128)
        -> Result<u128, String>;
    /// The venue's reserves, `(base, quote)`.
    fn venue_reserves(&mut self) -> (u128, u128);
    /// Sells exactly `amount_in` of `sell` on the venue.
    ///
    /// # Errors
    /// The venue's refusal, described.
    fn swap_venue(&mut self, who: Trader, sell: Asset, amount_in: u128) -> Result<u128, String>;
    /// The keeper looks at the pool and rebalances it when due.
    ///
    /// # Errors
    /// A failure the simulation cannot continue from.
    fn keeper(&mut self, metrics: Option<&Metrics>) -> Result<KeeperTurn, ChainError>;
}
