//! What the keeper needs from a chain, whatever carries it: drink's in-process runtime now, a
//! node over RPC later. Reads are dry-runs of the pool's view messages; a rebalance is dry-run,
//! then submitted, then waited for until it is in a block, and its `Rebalanced` event read back.

use crate::decide::PoolView;
use ink::primitives::AccountId;
use keel_pool::{Error as PoolError, RebalanceOutcome};

/// Why a chain operation did not complete. Only transport trouble is worth retrying; a pool's
/// refusal is an answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChainError {
    /// The node (or transport) failed; the request may not have arrived.
    Rpc(String),
    /// No answer in time; a submission may still land.
    Timeout,
    /// The transaction was dropped from the pool before inclusion.
    Dropped,
    /// The call reverted or trapped in a way that is not a pool error (e.g. out of gas).
    Reverted(String),
    /// An answer arrived but did not decode as expected (wrong address or metadata).
    Decode(String),
}

impl ChainError {
    /// Whether trying again may succeed without anything else changing.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            ChainError::Rpc(_) | ChainError::Timeout | ChainError::Dropped
        )
    }
}

impl core::fmt::Display for ChainError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ChainError::Rpc(e) => write!(f, "rpc error: {e}"),
            ChainError::Timeout => write!(f, "timed out"),
            ChainError::Dropped => write!(f, "transaction dropped"),
            ChainError::Reverted(e) => write!(f, "reverted: {e}"),
            ChainError::Decode(e) => write!(f, "undecodable answer: {e}"),
        }
    }
}

impl std::error::Error for ChainError {}

/// The chain's head as the keeper sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Head {
    pub number: u64,
    /// Block time (ms).
    pub time_ms: u64,
}

/// A submitted transaction, to wait for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Submitted {
    pub pool: AccountId,
    pub epoch: u64,
    /// Backend-specific handle (a transaction hash on a node).
    pub handle: Vec<u8>,
}

/// A transaction in a block, with what the pool answered.
#[derive(Debug, PartialEq, Eq)]
pub struct Included {
    pub block: u64,
    pub result: Result<RebalanceOutcome, PoolError>,
    /// `Rebalanced` events decoded from the block, as the pool emitted them.
    pub events: Vec<RebalanceOutcome>,
}

/// A chain the keeper can watch and sign on.
pub trait Chain {
    fn head(&mut self) -> Result<Head, ChainError>;

    /// Reads one pool's state, market, configuration and rebalancing status.
    fn read_pool(&mut self, pool: AccountId) -> Result<PoolView, ChainError>;

    /// What `rebalance(epoch)` would do now if the keeper sent it; changes nothing.
    fn dry_run_rebalance(
        &mut self,
        pool: AccountId,
        epoch: u64,
    ) -> Result<Result<RebalanceOutcome, PoolError>, ChainError>;

    /// Signs and sends `rebalance(epoch)`.
    fn submit_rebalance(&mut self, pool: AccountId, epoch: u64) -> Result<Submitted, ChainError>;

    /// Waits until `tx` is in a block.
    fn wait_included(&mut self, tx: &Submitted) -> Result<Included, ChainError>;

    /// Pauses between retries; backends without a real clock return at once.
    fn sleep_ms(&mut self, ms: u64);
}
