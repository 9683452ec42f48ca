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

/// `event` as an `E`, if its signature topic is `E`'s and its fields decode exactly. Private:
/// contracts share signatures (every PSP22 token's `Transfer`), so callers go through [`of`],
/// which also checks who emitted the event.
fn decode<E: ink::env::Event + Decode>(event: &Emitted) -> Option<E> {
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

    fn topic<E: Event>() -> String {
        hex::encode(E::SIGNATURE_TOPIC.expect("no event of Keel's is anonymous"))
    }

    /// Indexers and wallets key on these: a renamed event or a respelled field type changes its
    /// topic, and this test names it.
    #[test]
    // One table row per event of every contract.
    #[allow(clippy::too_many_lines)]
    fn every_event_keeps_its_signature_topic() {
        use keel_interface::pool as p;
        use keel_oracle::oracle as o;
        use keel_venue::events as v;
        let pinned = [
            (
                "Swapped",
                topic::<p::Swapped>(),
                "5821828d74a4138bafa83cc8803e136cc51fc4bfb6d10198dab79ab354234fe5",
            ),
            (
                "Rebalanced",
                topic::<p::Rebalanced>(),
                "4bfe6de8589d5b750890f6a13a2f5f3c4246b6a74ed39aa8253d2de9e9a2bdd2",
            ),
            (
                "LiquidityAdded",
                topic::<p::LiquidityAdded>(),
                "db89dd3370d2b67e8fde645d56a5589db0864cb9392563bd8839b5c73cf1b4a5",
            ),
            (
                "LiquidityRemoved",
                topic::<p::LiquidityRemoved>(),
                "a044bd068bbe4ad7308cdffb6409b9a1ba3ca300357e8c2d239f2ab19d908d96",
            ),
            (
                "ConfigUpdated",
                topic::<p::ConfigUpdated>(),
                "3e078c2d6be5d8e2a81f8234d8029950732e7a6f2e4283aa9eba69ffca3f5253",
            ),
            (
                "VenuesUpdated",
                topic::<p::VenuesUpdated>(),
                "25365016e96e2d7cdad4225664cb516bd49c83e8a734975990a0e0949a16b935",
            ),
            (
                "PauseChanged",
                topic::<p::PauseChanged>(),
                "98da4797e069fa9d78897c77a02bf87b42d74f3b2b794c3747b66f912c82a018",
            ),
            (
                "OwnershipOffered",
                topic::<p::OwnershipOffered>(),
                "95cb2de66e060c36bba60613f2546af2935b6533b47bbd63c3a93ace338f0837",
            ),
            (
                "OwnershipTransferred",
                topic::<p::OwnershipTransferred>(),
                "71fda9b8681293670f8ece8228047377ab56a3a4d1ac29e4b1719b5df3433199",
            ),
            (
                "CodeUpgraded",
                topic::<p::CodeUpgraded>(),
                "77f83f9f9bd3067a957a123fd2827e2e43d3231d9d41c90785fce84f223cc38e",
            ),
            (
                "PriceReported",
                topic::<o::PriceReported>(),
                "fb10d04a9e7854349fe1de0405518828578def5246810812eef933591556c50c",
            ),
            (
                "AnswerUpdated",
                topic::<o::AnswerUpdated>(),
                "96ec126b5a3bd84943f8017b419deadafb48f085fcbdb6d36ab0df87c3fde071",
            ),
            (
                "FeedConfigured",
                topic::<o::FeedConfigured>(),
                "772833c09255dc1f2c335921a10bfa2e475c5895b320954d8a3be00282e8fcbf",
            ),
            (
                "ReporterAdded",
                topic::<o::ReporterAdded>(),
                "aac44842e05eeab243b0c9db15af36543713f8caedff20571745f1ce364d4c55",
            ),
            (
                "ReporterRemoved",
                topic::<o::ReporterRemoved>(),
                "83b1df742260c10d37f9b1f17e90894075f7641f75b7186b67a08abd98a8ea57",
            ),
            (
                "OracleOwnershipOffered",
                topic::<o::OracleOwnershipOffered>(),
                "46c1a7b303fa583212f162b6a525988af75ab47beadd2318aa04dbd2bf7df08f",
            ),
            (
                "OracleOwnershipTransferred",
                topic::<o::OracleOwnershipTransferred>(),
                "5f5f1286a25317aabc6728b161fafc1cdfb8d44c654e066e929ee3e1c52ba48b",
            ),
            (
                "MirrorSet",
                topic::<o::MirrorSet>(),
                "7150dec421a785e11d53f22af2ab2121673611d76ebc88acb68468e143fcdee4",
            ),
            (
                "VenueSwapped",
                topic::<v::VenueSwapped>(),
                "75907459d76aea76589e202fb7521be58ce0fc5fd9d7df491eac7713da5b4eac",
            ),
            (
                "VenueLiquidityAdded",
                topic::<v::VenueLiquidityAdded>(),
                "65cba69fc4a469a10666f041773f9cb481d5a3b50318ff5cf77364c1c5d55fda",
            ),
            (
                "VenueLiquidityRemoved",
                topic::<v::VenueLiquidityRemoved>(),
                "cc2218ca6f3277b679cf753412f6ccf95a9b08375664e842617113dee5aa5390",
            ),
        ];
        let changed: Vec<_> = pinned
            .iter()
            .filter(|(_, actual, expected)| actual != expected)
            .map(|(name, actual, _)| format!("{name} is now {actual}"))
            .collect();
        assert!(changed.is_empty(), "signature topics changed: {changed:?}");
        // No two of Keel's events share a topic, so a topic names its event.
        let mut topics: Vec<_> = pinned.iter().map(|(_, t, _)| t).collect();
        topics.sort();
        topics.dedup();
        assert_eq!(topics.len(), pinned.len(), "two events share a signature topic");
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
