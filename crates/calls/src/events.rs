//! Contract events as a node or drink reports them, decoded by the contracts' own event types and
//! told apart by their signature topics, never by the shape of their bytes.

use ink::primitives::AccountId;
use keel_interface::pool::{RebalanceOutcome, Rebalanced};
use parity_scale_codec::Decode;

/// One event a contract emitted: its address, the event's topics (the signature topic first) and
/// its SCALE-encoded fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Emitted {
    pub contract: AccountId,
    pub topics: Vec<[u8; 32]>,
    pub data: Vec<u8>,
}

/// `event` as an `E`, if its signature topic is `E`'s and its fields decode exactly.
pub fn decode<E: ink::env::Event + Decode>(event: &Emitted) -> Option<E> {
    let signature = E::SIGNATURE_TOPIC?;
    if event.topics.first() != Some(&signature) {
        return None;
    }
    let mut input = &event.data[..];
    let decoded = E::decode(&mut input).ok()?;
    input.is_empty().then_some(decoded)
}

/// Every `E` that `contract` emitted among `events`, in order.
pub fn of<E: ink::env::Event + Decode>(contract: AccountId, events: &[Emitted]) -> Vec<E> {
    events
        .iter()
        .filter(|e| e.contract == contract)
        .filter_map(decode::<E>)
        .collect()
}

/// What the `Rebalanced` events `pool` emitted among `events` report, in order.
pub fn rebalanced(pool: AccountId, events: &[Emitted]) -> Vec<RebalanceOutcome> {
    of::<Rebalanced>(pool, events)
        .iter()
        .map(Rebalanced::outcome)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ink::env::Event;
    use keel_interface::pool::Swapped;

    const POOL: [u8; 32] = [7; 32];

    fn emitted<E: Event>(event: &E) -> Emitted {
        Emitted {
            contract: AccountId::from(POOL),
            topics: E::SIGNATURE_TOPIC.into_iter().collect(),
            data: event.encode(),
        }
    }

    fn rebalanced_event() -> Rebalanced {
        Rebalanced {
            caller: AccountId::from([1; 32]),
            epoch: 3,
            token_sold: AccountId::from([2; 32]),
            sold: 10,
            bought: 20,
            bounty: 1,
            q_before: 5,
            q_after: -1,
        }
    }

    #[test]
    fn events_are_told_apart_by_signature_not_by_length() {
        let swapped = Swapped {
            trader: AccountId::from([1; 32]),
            to: AccountId::from([1; 32]),
            token_in: AccountId::from([2; 32]),
            amount_in: 10,
            amount_out: 20,
            fee: 1,
            oracle_price: 5,
        };
        let events = [emitted(&rebalanced_event()), emitted(&swapped)];
        assert_eq!(
            rebalanced(AccountId::from(POOL), &events),
            vec![rebalanced_event().outcome()]
        );
        assert_eq!(of::<Swapped>(AccountId::from(POOL), &events).len(), 1);
        // The same bytes under another event's signature are not a `Rebalanced`.
        let disguised = Emitted {
            topics: Swapped::SIGNATURE_TOPIC.into_iter().collect(),
            ..emitted(&rebalanced_event())
        };
        assert!(decode::<Rebalanced>(&disguised).is_none());
        assert!(rebalanced(AccountId::from([9; 32]), &events).is_empty());
    }
}
