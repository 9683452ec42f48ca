//! What the keeper needs from a chain, whatever carries it: a node over RPC (`node`), or drink's
//! in-process runtime (`keel-harness`) and the simulator's in-memory chain in tests and
//! simulations. Reads are dry-runs of the pool's view messages; a rebalance is dry-run, then
//! submitted, then waited for until it is in a block, and its `Rebalanced` event read back.

use crate::decide::{PoolView, Route};
use ink::primitives::AccountId;
use keel_calls::{Message, ToMessage, PSP22};
use keel_core::split::MAX_VENUES;
use keel_interface::pool::{PoolConfig, PoolError, RebalanceOutcome};
use keel_interface::Venue as _;
use parity_scale_codec::Decode;

/// How long a rebalance the keeper sends stays valid: its `deadline` is the block time it was
/// built at plus this, in milliseconds.
pub const REBALANCE_DEADLINE_MS: u64 = 120_000;

/// How long a rebalance the keeper sends stays valid in the node's pool, in the chain's block
/// time (its mortal era, `keel_client::era`): half its deadline, so slots a chain skips do not
/// carry it past the deadline, to land and revert `Expired` for a fee.
pub const REBALANCE_LANDS_WITHIN_MS: u64 = REBALANCE_DEADLINE_MS / 2;

/// The call a rebalance of `epoch` along `route` sends to `pool`: `rebalance`, or
/// `rebalance_split` with the route's legs, valid until `deadline`.
pub fn rebalance_message(
    pool: AccountId,
    epoch: u64,
    route: &Route,
    deadline: u64,
) -> Message<Result<RebalanceOutcome, PoolError>> {
    let mut calls = keel_calls::pool(pool);
    match route {
        Route::Venue => calls.rebalance(epoch, deadline).message(),
        Route::Split(_) => calls.rebalance_split(epoch, route.legs(), deadline).message(),
    }
}

/// Why a chain operation did not complete. Only transport trouble is worth retrying; a pool's
/// refusal is an answer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    /// The node (or transport) failed; the request may not have arrived.
    #[error("rpc error: {0}")]
    Rpc(String),
    /// No answer in time; a submission may still land.
    #[error("timed out")]
    Timeout,
    /// The connection failed as a signed transaction was handed to the node: it may land.
    #[error("{0}")]
    MaybeSent(String),
    /// The transaction was dropped from the pool before inclusion.
    #[error("transaction dropped")]
    Dropped,
    /// The call reverted or trapped in a way that is not a pool error (e.g. out of gas).
    #[error("reverted: {0}")]
    Reverted(String),
    /// An answer arrived but did not decode as expected (wrong address or metadata).
    #[error("undecodable answer: {0}")]
    Decode(String),
    /// Sending would go past the operator's spending limits: nothing was sent.
    #[error("not sent: {0}")]
    OverLimit(#[from] crate::spending::OverLimit),
    /// The chain or the code the keeper would sign for is not what it trusts: nothing was sent.
    #[error("untrusted: {0}")]
    Untrusted(#[from] crate::trust::Distrust),
    /// The keeper reads only (`status`) and holds no key: nothing was sent.
    #[error("not sent: this keeper reads only and holds no key")]
    ReadOnly,
}

impl ChainError {
    /// Whether trying again may succeed without anything else changing.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            ChainError::Rpc(_) | ChainError::Timeout | ChainError::Dropped | ChainError::MaybeSent(_)
        )
    }
}

/// The chain's head as the keeper sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Head {
    pub number: u64,
    /// Block time (ms).
    pub time_ms: u64,
}

/// A pool's view and the block it was read at: the keeper decides on one block's state and time,
/// never a view of one block against the head of another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub head: Head,
    pub view: PoolView,
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

/// A chain the keeper can watch and sign on. Every method fails with a [`ChainError`] when the
/// chain cannot answer; only transport errors ([`ChainError::is_retryable`]) are worth retrying.
pub trait Chain {
    /// The best block.
    ///
    /// # Errors
    /// The chain cannot be reached.
    fn head(&mut self) -> Result<Head, ChainError>;

    /// Reads one pool's state, market, configuration and rebalancing status, every field from
    /// the state of one block, and that block.
    ///
    /// # Errors
    /// The chain cannot be reached; the pool cannot price (a `Reverted` read) or answers with
    /// something else (`Decode`).
    fn read_pool(&mut self, pool: AccountId) -> Result<Snapshot, ChainError>;

    /// What `rebalance(epoch)` (or `rebalance_split` along `route`) would do now if the keeper
    /// sent it; changes nothing. The pool's refusal is an answer (`Ok(Err(..))`).
    ///
    /// # Errors
    /// The chain cannot be reached, or the call trapped.
    fn dry_run_rebalance(
        &mut self,
        pool: AccountId,
        epoch: u64,
        route: &Route,
    ) -> Result<Result<RebalanceOutcome, PoolError>, ChainError>;

    /// Signs and sends the rebalance of `epoch` along `route`. The executor calls it straight
    /// after a dry-run of the same pool, epoch and route that the pool accepted; a backend may send exactly what that dry-run
    /// checked (the node backend does), so the state can still change before inclusion, and the
    /// transaction then reverts on chain with the pool's answer read back by `wait_included`.
    ///
    /// # Errors
    /// The transaction could not be sent (transport), or the node refused it.
    fn submit_rebalance(
        &mut self,
        pool: AccountId,
        epoch: u64,
        route: &Route,
    ) -> Result<Submitted, ChainError>;

    /// Waits until `tx` is in a block; the pool's answer is in the result.
    ///
    /// # Errors
    /// [`ChainError::Timeout`] (the transaction may still land), [`ChainError::Dropped`], transport
    /// failures.
    fn wait_included(&mut self, tx: &Submitted) -> Result<Included, ChainError>;

    /// Pauses between retries; backends without a real clock return at once.
    fn sleep_ms(&mut self, ms: u64);

    /// The time (ms) the keeper's own backoff counts in, given the head's block time: the block
    /// time itself, unless the backend has a clock that runs while the chain stands still (a dev
    /// chain seals a block only for a transaction, so a backoff in its block time never ends).
    fn clock_ms(&mut self, head_ms: u64) -> u64 {
        head_ms
    }
}

/// A backend's typed view call: what the contract-backed chains read a pool through.
pub trait Views {
    /// Sends view `message` to `pool` and decodes its answer.
    ///
    /// # Errors
    /// Transport failures; an answer that is not the message's.
    fn view<R: Decode>(&mut self, pool: AccountId, message: Message<R>) -> Result<R, ChainError>;
}

/// Reads a [`PoolView`] through a backend's view calls, one message per field, and each listed
/// venue's depth for selling base; a pool that cannot price (`market_status` refused) is a `Reverted`
/// read, a venue that cannot be read leaves the depth unknown.
///
/// # Errors
/// As [`Views::view`].
pub fn read_pool_views<V: Views>(v: &mut V, pool: AccountId) -> Result<PoolView, ChainError> {
    let calls = keel_calls::pool(pool);
    let market = v.view(pool, calls.market_status().message())?;
    let config: PoolConfig = v.view(pool, calls.config().message())?;
    let (base, _) = v.view(pool, calls.tokens().message())?;
    // A pool of code before `venues()` lists its configured venue alone.
    let listed: Vec<AccountId> = v.view(pool, calls.venues().message()).unwrap_or_default();
    let mut depth = |venue: AccountId| {
        let depth = keel_calls::venue(venue).depth(base).message();
        v.view(venue, depth).ok().and_then(Result::ok)
    };
    let venue_depth = config.venue.and_then(&mut depth);
    let mut more_venues = [None; MAX_VENUES - 1];
    for (slot, venue) in more_venues.iter_mut().zip(listed.into_iter().skip(1)) {
        *slot = Some((venue, depth(venue)));
    }
    Ok(PoolView {
        state: v.view(pool, calls.curve_state().message())?,
        market: market.map_err(|e: PoolError| ChainError::Reverted(format!("market_status: {e:?}")))?,
        config,
        rebalancing: v.view(pool, calls.rebalance_status().message())?,
        paused: v.view(pool, calls.is_paused().message())?,
        total_shares: v.view(pool, calls.total_supply().message())?,
        venue_depth,
        more_venues,
    })
}
