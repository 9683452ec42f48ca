//! Acting on a deployed market from the command line and the end-to-end script: oracle
//! readings, swaps, pushing inventory past the trigger, and reading back what happened.

use crate::error::ClientError;
use crate::events::ink_account;
use crate::keys;
use crate::keys::SigningKey;
use crate::node::Node;
use crate::record::Addresses;
use crate::submit::SendOptions;
use keel_calls::ToMessage;
use keel_core::fixed::signed_to_f64;
use keel_core::oracle::{Answer, Slot};
use keel_interface::pool::{MarketStatus, PoolError, RebalanceOutcome, RebalanceStatus};
use subxt::utils::AccountId32;
use subxt_signer::sr25519::Keypair;

/// Each of `reporters` submits a reading of `feed` stamped with the best block's time: the oracle
/// refuses readings stamped after their block, and the dry-run that prices the transaction runs
/// at the best block's time. Returns the last timestamp.
///
/// # Errors
/// The oracle refused (with its error), or the node failed.
pub fn report(
    node: &mut Node,
    reporters: &[SigningKey],
    a: &Addresses,
    feed: u32,
    price: u128,
    volatility: u128,
) -> Result<u64, ClientError> {
    let mut timestamp = 0;
    for reporter in reporters {
        timestamp = node.best_block()?.time_ms;
        let submit = keel_calls::oracle(a.oracle)
            .submit(feed, price, volatility, timestamp)
            .message();
        let (answer, _) = node.exec(reporter, a.oracle, &submit, &SendOptions::default())?;
        answer.map_err(|e| ClientError::refused("the oracle's submit", e))?;
    }
    Ok(timestamp)
}

/// Most a swap's output may fall below its quote before the pool refuses it (basis points).
pub const SWAP_TOLERANCE_BPS: u128 = 100;
/// How long a swap stays valid after the later of the best block's time and the wall clock (ms).
pub const SWAP_DEADLINE_MS: u64 = 120_000;

/// Sells exactly `amount_in` of `token_in` to the pool, accepting at least its quote less
/// [`SWAP_TOLERANCE_BPS`] before [`SWAP_DEADLINE_MS`] pass; returns what was received.
///
/// # Errors
/// The pool refused (with its error), or the node failed.
pub fn swap(
    node: &mut Node,
    trader: &Keypair,
    a: &Addresses,
    sell_base: bool,
    amount_in: u128,
) -> Result<u128, ClientError> {
    let token_in = if sell_base { a.base } else { a.quote };
    let me = keys::account(trader);
    let to = ink_account(&me);
    let deadline = node.deadline_base_ms()?.saturating_add(SWAP_DEADLINE_MS);
    let mut pool = keel_calls::pool(a.pool);
    let probe = pool.swap_exact_in(token_in, amount_in, 0, to, deadline).message();
    let quoted = node
        .query(&me, a.pool, &probe)?
        .map_err(|e| ClientError::refused("the pool's swap quote", e))?;
    let min_out = quoted.saturating_sub(quoted.saturating_mul(SWAP_TOLERANCE_BPS) / 10_000);
    let swap = pool
        .swap_exact_in(token_in, amount_in, min_out, to, deadline)
        .message();
    let opts = SendOptions {
        valid_for_ms: Some(SWAP_DEADLINE_MS / 2),
        ..SendOptions::default()
    };
    let (answer, _) = node.exec(trader, a.pool, &swap, &opts)?;
    answer.map_err(|e| ClientError::refused("the pool's swap", e))
}

/// What the end-to-end check and `show` read.
#[derive(Clone, Copy, Debug)]
pub struct PoolSnapshot {
    pub block: u64,
    pub reserves: (u128, u128),
    /// Inventory imbalance, 1e18 = 100% (positive: long base).
    pub q: i128,
    pub trigger: u128,
    pub rebalancing: RebalanceStatus,
}

impl PoolSnapshot {
    pub fn in_band(&self) -> bool {
        self.q.unsigned_abs() < self.trigger
    }
}

/// Reads the pool's reserves, inventory, trigger and rebalancing status.
///
/// # Errors
/// The node failed or the pool refused a view (e.g. a stale oracle for `inventory`).
pub fn snapshot(node: &mut Node, me: &AccountId32, a: &Addresses) -> Result<PoolSnapshot, ClientError> {
    let block = node.best_block()?.number;
    let pool = keel_calls::pool(a.pool);
    let reserves = node.query(me, a.pool, &pool.reserves().message())?;
    let q = node.query(me, a.pool, &pool.inventory().message())?;
    let config = node.query(me, a.pool, &pool.config().message())?;
    let rebalancing = node.query(me, a.pool, &pool.rebalance_status().message())?;
    Ok(PoolSnapshot {
        block,
        reserves,
        q: q.map_err(|e| ClientError::refused("inventory", e))?,
        trigger: config.rebalance.trigger,
        rebalancing,
    })
}

/// Sells base in slices of `slice` until inventory reaches the rebalance trigger (at most
/// `max_swaps`); returns the snapshot past the trigger. On a pool with discovery between
/// readings, each slice also moves the pool's reference until a reading describes it: without a
/// reporter running alongside, the slices meet the price band before the trigger.
///
/// # Errors
/// A swap was refused, or the trigger was not reached within `max_swaps`.
pub fn drift(
    node: &mut Node,
    trader: &Keypair,
    a: &Addresses,
    slice: u128,
    max_swaps: u32,
) -> Result<PoolSnapshot, ClientError> {
    for i in 0..max_swaps {
        let s = snapshot(node, &keys::account(trader), a)?;
        if !s.in_band() {
            return Ok(s);
        }
        let got = swap(node, trader, a, true, slice)?;
        eprintln!(
            "swap {}: sold {slice} base for {got} quote; q was {:.2}%",
            i + 1,
            signed_to_f64(s.q) * 100.0
        );
    }
    let s = snapshot(node, &keys::account(trader), a)?;
    if s.in_band() {
        return Err(ClientError::StillInBand {
            swaps: max_swaps,
            q_pct: signed_to_f64(s.q) * 100.0,
        });
    }
    Ok(s)
}

/// Every `Rebalanced` event the pool emitted in blocks `from..=to`.
///
/// # Errors
/// The node failed.
pub fn rebalances(
    node: &mut Node,
    a: &Addresses,
    from: u64,
    to: u64,
) -> Result<Vec<(u64, RebalanceOutcome)>, ClientError> {
    let mut found = Vec::new();
    for number in from..=to {
        let emitted = node.contract_events(number)?;
        found.extend(
            keel_calls::events::rebalanced(a.pool, &emitted)
                .into_iter()
                .map(|r| (number, r)),
        );
    }
    Ok(found)
}

/// What `feed` reads: every reporter's slot, the feed's answer, and the price the pool quotes
/// around.
#[derive(Clone, Debug)]
pub struct FeedSnapshot {
    pub block: u64,
    pub slots: Vec<Slot<ink::primitives::AccountId>>,
    /// `None` while fewer than the quorum's readings are fresh.
    pub answer: Option<Answer>,
    /// The pool's priced market, or why it refuses to price (a stale oracle, say).
    pub market: Result<MarketStatus, PoolError>,
}

/// Reads `feed`'s reporter slots and answer, and the pool's market.
///
/// # Errors
/// The node failed.
pub fn feed(
    node: &mut Node,
    me: &AccountId32,
    a: &Addresses,
    feed: u32,
) -> Result<FeedSnapshot, ClientError> {
    let block = node.best_block()?.number;
    let oracle = keel_calls::oracle(a.oracle);
    Ok(FeedSnapshot {
        block,
        slots: node.query(me, a.oracle, &oracle.readings(feed).message())?,
        answer: node.query(me, a.oracle, &oracle.answer(feed).message())?,
        market: node.query(me, a.pool, &keel_calls::pool(a.pool).market_status().message())?,
    })
}
