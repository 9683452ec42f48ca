//! One contract call signed and sent within the spending limits, for every bot that signs (the
//! keeper's rebalances, the reporter's readings): the fee ceiling comes from the hour's budget
//! (and, where given, from what the call is worth), the node's fee quote is checked against it
//! before anything leaves, and what was sent is booked at the most it can cost.

use super::chain_error;
use crate::chain::ChainError;
use crate::spending::{Ledger, Limits, OverLimit};
use crate::worth::NativePrice;
use ink::primitives::AccountId;
use keel_client::api::Weight;
use keel_client::submit::{SendLimits, Sent};
use keel_client::{Node, NodeError};
use subxt_signer::sr25519::Keypair;

/// A call as [`send_within`] sends it.
#[derive(Clone, Debug)]
pub struct Budgeted {
    pub contract: AccountId,
    pub data: Vec<u8>,
    pub gas: Weight,
    /// The storage deposit limit: spent besides the fee, so booked with it.
    pub deposit: u128,
    pub tip: u128,
    /// The nonce of a transaction of ours this one replaces while it waits in the pool (the
    /// node takes the replacement only with a higher tip, and refuses it otherwise).
    pub replace: Option<u64>,
    /// What the call pays the signer (quote units) and the native token's price, when the caller
    /// weighs the call's cost against what it earns (the keeper's bounty at `native_price`).
    pub worth: Option<(NativePrice, u128)>,
    /// How long the call may still land (ms; `SendLimits::valid_for_ms`): a call that carries a
    /// deadline asks for part of the time to it, so it expires from the node's pool rather than
    /// land after it and revert for a fee.
    pub valid_for_ms: Option<u64>,
}

/// Why a budgeted call did not leave.
#[derive(Debug, thiserror::Error)]
pub enum Unsent {
    /// Over a limit before anything was signed.
    #[error("refused before signing: {0}")]
    Refused(OverLimit),
    /// Signed, but the node's fee quote was over the limit: nothing was sent.
    #[error("signed but not sent: {0}")]
    Quoted(OverLimit),
    /// The node failed or refused the transaction.
    #[error(transparent)]
    Node(NodeError),
}

impl From<Unsent> for ChainError {
    fn from(unsent: Unsent) -> Self {
        match unsent {
            Unsent::Refused(over) | Unsent::Quoted(over) => ChainError::OverLimit(over),
            Unsent::Node(e) => chain_error(e),
        }
    }
}

/// Signs and sends `call` within `limits`, and books it in `ledger` at its quoted fee plus its
/// deposit limit and tip. A refusal is logged at error level as "`what` refused before signing"
/// or "`what` signed but not sent", within the caller's span.
///
/// # Errors
/// [`Unsent::Refused`] when the hour's transaction count or budget leaves no room, or the
/// call's deposit limit and tip alone cost more than it earns;
/// [`Unsent::Quoted`] when the node quotes a fee above the budget's room
/// ([`OverLimit::Budget`]) or above `worth` ([`OverLimit::Unprofitable`]); [`Unsent::Node`]
/// for the node's failures. Nothing is booked unless the transaction was sent, or may have been
/// ([`NodeError::MaybeSent`]).
pub fn send_within(
    what: &str,
    node: &mut Node,
    signer: &Keypair,
    ledger: &mut Ledger,
    limits: &Limits,
    call: Budgeted,
    now_ms: u64,
) -> Result<Sent, Unsent> {
    let fixed = call.deposit.saturating_add(call.tip);
    let refused = |over: OverLimit| {
        tracing::error!(%over, "{what} refused before signing");
        Unsent::Refused(over)
    };
    let budget_fee = ledger
        .max_fee(limits, call.contract, now_ms, fixed)
        .map_err(refused)?;
    let worth_fee = match call.worth {
        Some((price, pays)) => price.fee_allowance(pays, fixed).map_err(refused)?,
        None => u128::MAX,
    };
    let send_limits = SendLimits {
        max_fee: Some(budget_fee.min(worth_fee)),
        replace: call.replace,
        valid_for_ms: call.valid_for_ms,
    };
    let sent = node
        .send_call_within(
            signer,
            call.contract,
            call.data,
            (call.gas, call.deposit),
            call.tip,
            send_limits,
        )
        .map_err(|e| match e {
            NodeError::FeeAbove { fee, .. } => {
                let cost = fee.saturating_add(fixed);
                let over = if fee > worth_fee {
                    OverLimit::Unprofitable {
                        cost,
                        worth: worth_fee.saturating_add(fixed),
                    }
                } else {
                    ledger.refusal(limits, call.contract, now_ms, cost)
                };
                tracing::error!(%over, "{what} signed but not sent");
                Unsent::Quoted(over)
            }
            NodeError::MaybeSent { sent, cause } => {
                // It may land: booked as sent, so the budget never undercounts what may be spent.
                ledger.record(call.contract, now_ms, sent.fee.saturating_add(fixed));
                Unsent::Node(NodeError::MaybeSent { sent, cause })
            }
            other => Unsent::Node(other),
        })?;
    ledger.record(call.contract, now_ms, sent.fee.saturating_add(fixed));
    Ok(sent)
}
