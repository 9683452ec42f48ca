//! Acting on a deployed market from the command line and the end-to-end script: oracle
//! readings, swaps, pushing inventory past the trigger, and reading back what happened.

use crate::calls;
use crate::deploy::Addresses;
use crate::error::NodeError;
use crate::events::{self, ink_account};
use crate::keys;
use crate::node::Node;
use crate::submit::SendOptions;
use keel_pool::{Error as PoolError, PoolConfig, RebalanceOutcome, RebalanceStatus};
use keel_traits::OracleError;
use subxt::utils::AccountId32;
use subxt_signer::sr25519::Keypair;

fn text(e: NodeError) -> String {
    e.to_string()
}

/// Submits an oracle reading taken now: the later of the wall clock and the best block's time.
///
/// # Errors
/// The oracle refused (with its error), or the node failed.
pub fn report(
    node: &mut Node,
    reporter: &Keypair,
    a: &Addresses,
    feed: u32,
    price: u128,
    volatility: u128,
) -> Result<u64, String> {
    let head = node.head().map_err(text)?;
    let wall = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or_default();
    let timestamp = wall.max(head.time_ms.saturating_add(1));
    let data = calls::submit_reading(a.oracle, feed, price, volatility, timestamp);
    let (answer, _) = node
        .exec::<Result<(), OracleError>>(reporter, a.oracle, data, &SendOptions::default())
        .map_err(text)?;
    answer.map_err(|e| format!("the oracle refused the reading: {e:?}"))?;
    Ok(timestamp)
}

/// Sells exactly `amount_in` of `token_in` to the pool at any price; returns what was received.
///
/// # Errors
/// The pool refused (with its error), or the node failed.
pub fn swap(
    node: &mut Node,
    trader: &Keypair,
    a: &Addresses,
    sell_base: bool,
    amount_in: u128,
) -> Result<u128, String> {
    let token_in = if sell_base { a.base } else { a.quote };
    let to = ink_account(&keys::account(trader));
    let data = calls::swap_exact_in(a.pool, token_in, amount_in, 0, to, u64::MAX);
    let (answer, _) = node
        .exec::<Result<u128, PoolError>>(trader, a.pool, data, &SendOptions::default())
        .map_err(text)?;
    answer.map_err(|e| format!("the pool refused the swap: {e:?}"))
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
pub fn snapshot(node: &mut Node, me: &AccountId32, a: &Addresses) -> Result<PoolSnapshot, String> {
    let block = node.head().map_err(text)?.number;
    let views = calls::views(a.pool);
    let reserves: (u128, u128) = node.query(me, a.pool, calls::reserves(a.pool)).map_err(text)?;
    let q: Result<i128, PoolError> = node.query(me, a.pool, calls::inventory(a.pool)).map_err(text)?;
    let config: PoolConfig = node.query(me, a.pool, views.config).map_err(text)?;
    let rebalancing: RebalanceStatus = node.query(me, a.pool, views.rebalance_status).map_err(text)?;
    Ok(PoolSnapshot {
        block,
        reserves,
        q: q.map_err(|e| format!("inventory: {e:?}"))?,
        trigger: config.rebalance.trigger,
        rebalancing,
    })
}

/// Sells base in slices of `slice` until inventory reaches the rebalance trigger (at most
/// `max_swaps`); returns the snapshot past the trigger.
///
/// # Errors
/// A swap was refused, or the trigger was not reached within `max_swaps`.
pub fn drift(
    node: &mut Node,
    trader: &Keypair,
    a: &Addresses,
    slice: u128,
    max_swaps: u32,
) -> Result<PoolSnapshot, String> {
    for i in 0..max_swaps {
        let s = snapshot(node, &keys::account(trader), a)?;
        if !s.in_band() {
            return Ok(s);
        }
        let got = swap(node, trader, a, true, slice)?;
        eprintln!(
            "swap {}: sold {slice} base for {got} quote; q was {:.2}%",
            i + 1,
            s.q as f64 / 1e16
        );
    }
    let s = snapshot(node, &keys::account(trader), a)?;
    if s.in_band() {
        return Err(format!(
            "inventory still in band after {max_swaps} swaps (q {:.2}%)",
            s.q as f64 / 1e16
        ));
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
) -> Result<Vec<(u64, RebalanceOutcome)>, String> {
    let mut found = Vec::new();
    for number in from..=to {
        let emitted = node.contract_events(number).map_err(text)?;
        found.extend(
            events::rebalanced(a.pool, &emitted)
                .into_iter()
                .map(|r| (number, r)),
        );
    }
    Ok(found)
}
