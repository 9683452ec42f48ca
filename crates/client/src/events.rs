//! Events Keel reads from blocks: what contracts emitted, and the pool's `Rebalanced` among them.

use ink::primitives::AccountId;
use keel_pool::RebalanceOutcome;
use parity_scale_codec::Decode;
use subxt::ext::scale_decode;
use subxt::utils::AccountId32;

/// `Contracts::ContractEmitted`: a contract's event data, as ink! encoded it.
#[derive(Debug, scale_decode::DecodeAsType)]
#[decode_as_type(crate_path = "subxt::ext::scale_decode")]
pub struct ContractEmitted {
    pub contract: AccountId32,
    pub data: Vec<u8>,
}

impl subxt::events::StaticEvent for ContractEmitted {
    const PALLET: &'static str = "Contracts";
    const EVENT: &'static str = "ContractEmitted";
}

/// `Contracts::Instantiated`: where a new contract lives.
#[derive(Debug, scale_decode::DecodeAsType)]
#[decode_as_type(crate_path = "subxt::ext::scale_decode")]
pub struct Instantiated {
    pub deployer: AccountId32,
    pub contract: AccountId32,
}

impl subxt::events::StaticEvent for Instantiated {
    const PALLET: &'static str = "Contracts";
    const EVENT: &'static str = "Instantiated";
}

/// The `Rebalanced` event's fields, in the order ink! encodes them.
#[derive(Decode)]
struct RebalancedEvent {
    _caller: AccountId,
    epoch: u64,
    token_sold: AccountId,
    sold: u128,
    bought: u128,
    bounty: u128,
    q_before: i128,
    q_after: i128,
}

/// Decodes the `Rebalanced` events `pool` emitted among `events` (emitter, data); other events
/// do not decode to the exact length and are skipped.
pub fn rebalanced(pool: AccountId, events: &[(AccountId, Vec<u8>)]) -> Vec<RebalanceOutcome> {
    events
        .iter()
        .filter(|(emitter, _)| *emitter == pool)
        .filter_map(|(_, data)| {
            let mut input = &data[..];
            let e = RebalancedEvent::decode(&mut input).ok()?;
            input.is_empty().then_some(RebalanceOutcome {
                epoch: e.epoch,
                token_sold: e.token_sold,
                sold: e.sold,
                bought: e.bought,
                bounty: e.bounty,
                q_before: e.q_before,
                q_after: e.q_after,
            })
        })
        .collect()
}

/// The ink! account of a runtime account.
pub fn ink_account(a: &AccountId32) -> AccountId {
    AccountId::from(a.0)
}

/// The runtime account of an ink! account.
pub fn runtime_account(a: &AccountId) -> AccountId32 {
    AccountId32(*AsRef::<[u8; 32]>::as_ref(a))
}
