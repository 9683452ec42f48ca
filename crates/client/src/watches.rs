//! Watches of sent transactions, kept until someone waits for them or until they can no longer
//! land.
//!
//! A watch is a subscription the node holds open (and counts against the connection's limit), so
//! one that nobody waits for again (a sender that gave up, or replaced the transaction) must not
//! stay forever: a watch is dropped once the transaction's mortal era is over, when it can
//! neither land nor tell anything a re-read of the chain does not. Waiting for a dropped watch
//! answers "no watch", which callers already treat as a lost connection: re-read before resending.

use std::collections::HashMap;
use subxt::utils::H256;

/// A watch and the last block its transaction may land in (its era, `era` blocks from the best
/// block it was signed at, ends before `signed_at + era`).
pub(crate) struct Watch<P> {
    pub progress: P,
    pub last_valid: u64,
}

/// The watches of transactions sent and not yet waited for, by hash.
pub(crate) struct Watches<P> {
    by_hash: HashMap<H256, Watch<P>>,
}

impl<P> Default for Watches<P> {
    fn default() -> Self {
        Watches {
            by_hash: HashMap::new(),
        }
    }
}

impl<P> Watches<P> {
    /// Keeps the watch of a transaction signed at best block `signed_at` for an era of `era`
    /// blocks (it starts there), after dropping those whose era ended before that block.
    pub fn sent(&mut self, hash: H256, progress: P, (signed_at, era): (u64, u64)) {
        self.by_hash.retain(|_, w| w.last_valid >= signed_at);
        let last_valid = signed_at.saturating_add(era.saturating_sub(1));
        self.by_hash.insert(hash, Watch { progress, last_valid });
    }

    /// Takes the watch of `hash` to wait on it.
    pub fn take(&mut self, hash: &H256) -> Option<Watch<P>> {
        self.by_hash.remove(hash)
    }

    /// Puts back a watch taken and not finished with (its wait timed out).
    pub fn put_back(&mut self, hash: H256, watch: Watch<P>) {
        self.by_hash.insert(hash, watch);
    }

    /// Drops every watch: they went with the connection.
    pub fn clear(&mut self) {
        self.by_hash.clear();
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.by_hash.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::era::MORTAL_BLOCKS;

    fn hash(n: u8) -> H256 {
        H256([n; 32])
    }

    #[test]
    fn a_watch_nobody_waits_for_is_dropped_once_its_era_is_over_and_not_before() {
        // given: a send at block 100 that nobody waits for
        let mut watches = Watches::default();
        watches.sent(hash(1), (), (100, MORTAL_BLOCKS));
        // when: sends follow, each a block later, up to the last block it may land in
        for block in 101..100 + MORTAL_BLOCKS {
            watches.sent(hash(2), (), (block, MORTAL_BLOCKS));
        }
        // then: still kept (beside the later send's), and the next block's send drops it
        assert_eq!(watches.len(), 2);
        watches.sent(hash(3), (), (100 + MORTAL_BLOCKS, MORTAL_BLOCKS));
        assert!(watches.take(&hash(1)).is_none());
        assert!(watches.take(&hash(2)).is_some() && watches.take(&hash(3)).is_some());
    }

    #[test]
    fn a_short_era_drops_its_watch_sooner() {
        // given: a send with an 8-block era at block 100, beside one with the default era
        let mut watches = Watches::default();
        watches.sent(hash(1), (), (100, 8));
        watches.sent(hash(2), (), (100, MORTAL_BLOCKS));
        // when: a send at block 107 (still in the era), then one at 108 (past it)
        watches.sent(hash(3), (), (107, MORTAL_BLOCKS));
        assert_eq!(watches.len(), 3);
        watches.sent(hash(4), (), (108, MORTAL_BLOCKS));
        // then: only the short era's watch is gone
        assert!(watches.take(&hash(1)).is_none());
        assert_eq!(watches.len(), 3);
    }

    #[test]
    fn abandoned_watches_stay_bounded_by_the_sends_of_one_era() {
        // given: a sender that sends every block and never waits (every wait abandoned)
        let mut watches = Watches::default();
        for block in 0..10 * MORTAL_BLOCKS {
            watches.sent(H256::from_low_u64_be(block), (), (block, MORTAL_BLOCKS));
        }
        // then: only the sends whose transactions may still land are watched
        assert_eq!(watches.len() as u64, MORTAL_BLOCKS);
    }
}
