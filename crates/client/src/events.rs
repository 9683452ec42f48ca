//! Runtime events Keel reads from blocks: what contracts emitted (decoded further by
//! `keel_calls::events`) and where new contracts were instantiated.

use crate::error::NodeError;
use crate::node::RuntimeConfig;
use ink::primitives::AccountId;
use keel_calls::events::Emitted;
use subxt::events::EventDetails;
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
pub struct ContractInstantiated {
    pub deployer: AccountId32,
    pub contract: AccountId32,
}

impl subxt::events::StaticEvent for ContractInstantiated {
    const PALLET: &'static str = "Contracts";
    const EVENT: &'static str = "Instantiated";
}

/// What contracts emitted among `events` (a block's, or one transaction's), with their topics,
/// in order.
///
/// # Errors
/// An event that does not decode with the node's metadata.
pub fn emitted<E: std::fmt::Display>(
    events: impl IntoIterator<Item = Result<EventDetails<RuntimeConfig>, E>>,
) -> Result<Vec<Emitted>, NodeError> {
    let mut out = Vec::new();
    for event in events {
        let event = event.map_err(|e| NodeError::Decode(e.to_string()))?;
        let Some(e) = event
            .as_event::<ContractEmitted>()
            .map_err(|e| NodeError::Decode(e.to_string()))?
        else {
            continue;
        };
        out.push(Emitted {
            contract: ink_account(&e.contract),
            topics: event.topics().iter().map(|t| t.0).collect(),
            data: e.data,
        });
    }
    Ok(out)
}

/// The ink! account of a runtime account.
pub fn ink_account(a: &AccountId32) -> AccountId {
    AccountId::from(a.0)
}

/// The runtime account of an ink! account.
pub fn runtime_account(a: &AccountId) -> AccountId32 {
    AccountId32(*AsRef::<[u8; 32]>::as_ref(a))
}
