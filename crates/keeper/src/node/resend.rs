//! A rebalance's sends so far, and the nonce a resend of it names.

use ink::primitives::AccountId;
use subxt::utils::H256;

/// The submissions of one rebalance so far.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Attempts {
    pub(super) sent: u32,
    /// The last one: a resend replaces it while it waits, if no transaction of ours was sent
    /// after it (one that may have taken its nonce once it expired).
    pub(super) last: Option<LastSend>,
}

/// The nonce a resend of a rebalance names: its last send's, unless another transaction of ours
/// went out after it. While that send still waits in the node's pool, the resend takes its
/// place with a higher tip, and with an equal one the node refuses it (priority too low), so a
/// resend after a lost watch never queues a second copy behind the first, which would land after
/// it and revert as `StaleEpoch`, a fee for nothing. Once the first has left the pool (landed,
/// expired, dropped) the name is ignored and the next nonce is used (`SendLimits::replace`).
pub(super) fn replaced_nonce(last: Option<LastSend>, last_sent: Option<H256>) -> Option<u64> {
    last.filter(|l| last_sent == Some(l.hash)).map(|l| l.nonce)
}

/// Forgets what a map keeps for `pool`'s rebalances before `epoch`: once the pool asks for a
/// later epoch, an earlier one can no longer be sent, replaced or explained, so a keeper that
/// runs for months keeps at most the epochs still in play, whatever ended their waits.
pub(super) fn forget_before<K, V>(
    map: &mut std::collections::HashMap<K, V>,
    pool: AccountId,
    epoch: u64,
    of: impl Fn(&K, &V) -> (AccountId, u64),
) {
    map.retain(|k, v| {
        let (p, e) = of(k, v);
        p != pool || e >= epoch
    });
}

#[derive(Clone, Copy, Debug)]
pub(super) struct LastSend {
    pub(super) hash: H256,
    pub(super) nonce: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resend_names_its_last_sends_nonce_whatever_the_tip_unless_another_went_out_after() {
        let last = LastSend {
            hash: H256([1; 32]),
            nonce: 7,
        };
        // the same tip: named, so the node refuses it while the first waits, and never queues a
        // second copy behind it
        assert_eq!(replaced_nonce(Some(last), Some(last.hash)), Some(7));
        // another transaction of ours after it may hold the nonce once the first expired
        assert_eq!(replaced_nonce(Some(last), Some(H256([2; 32]))), None);
        assert_eq!(replaced_nonce(None, Some(last.hash)), None);
    }

    #[test]
    fn a_pools_earlier_epochs_are_forgotten_and_other_pools_kept() {
        let (a, b) = (AccountId::from([1; 32]), AccountId::from([2; 32]));
        let mut sends: std::collections::HashMap<(AccountId, u64), u32> =
            [((a, 3), 1), ((a, 4), 1), ((a, 5), 2), ((b, 1), 1)]
                .into_iter()
                .collect();
        forget_before(&mut sends, a, 5, |k, _| *k);
        let mut kept: Vec<_> = sends.into_keys().collect();
        kept.sort_by_key(|(p, e)| (p.0, *e));
        assert_eq!(kept, [(a, 5), (b, 1)]);
    }
}
