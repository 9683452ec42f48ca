//! What the reporter needs from a chain, whatever carries it: a node over RPC, or drink's
//! in-process runtime (`keel-harness`) in tests. The errors and the head are the keeper's, so
//! both bots classify failures, and retry, alike.

use keel_core::oracle::{FeedConfig, OracleData, OracleError};
pub use keel_keeper::chain::{ChainError, Head};

/// A reading as the oracle's `submit` takes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Submission {
    pub feed: u32,
    /// Quote per base, 1e18.
    pub price: u128,
    /// Annualised, 1e18.
    pub volatility: u128,
    /// When the price was observed (ms).
    pub observed_ms: u64,
    /// When the oracle stops taking it (ms): its observation plus the feed's expiry, as the
    /// reporter holds it. Not sent; a backend sizes the transaction's lifetime by it.
    pub expires_ms: u64,
    /// When the reading was judged due (ms): the later of the head's time and the machine's.
    /// Not sent; the lifetime counts from it, whichever clock is ahead.
    pub judged_ms: u64,
}

impl Submission {
    /// The reading as the oracle stores it.
    pub fn data(&self) -> OracleData {
        OracleData {
            price: self.price,
            volatility: self.volatility,
            timestamp: self.observed_ms,
        }
    }
}

/// This reporter's slot on the feed: its last reading and the block it came in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot {
    pub reading: OracleData,
    pub block: u64,
}

impl Slot {
    /// `me`'s slot among a feed's `slots` (the oracle's `readings`), when it holds a reading.
    pub fn own<A: PartialEq>(slots: Vec<keel_core::oracle::Slot<A>>, me: &A) -> Option<Slot> {
        let slot = slots.into_iter().find(|s| s.reporter == *me)?;
        Some(Slot {
            reading: slot.reading?,
            block: slot.block,
        })
    }
}

/// A submission in a block, with what the oracle answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Included {
    pub block: u64,
    pub result: Result<(), OracleError>,
}

/// A chain the reporter reads and signs on.
pub trait Chain {
    /// The best block.
    ///
    /// # Errors
    /// The chain cannot be reached.
    fn head(&mut self) -> Result<Head, ChainError>;

    /// This reporter's slot on `feed`: `None` before its first reading.
    ///
    /// # Errors
    /// The chain cannot be reached; [`ChainError::Decode`] when the address is no Keel oracle.
    fn slot(&mut self, feed: u32) -> Result<Option<Slot>, ChainError>;

    /// `feed`'s configuration on chain: `None` when the oracle has no such feed.
    ///
    /// # Errors
    /// The chain cannot be reached; [`ChainError::Decode`] when the address is no Keel oracle.
    fn feed_config(&mut self, feed: u32) -> Result<Option<FeedConfig>, ChainError>;

    /// What the oracle would answer to `submission` now; changes nothing.
    ///
    /// # Errors
    /// The chain cannot be reached, or the call trapped.
    fn dry_run(&mut self, submission: &Submission) -> Result<Result<(), OracleError>, ChainError>;

    /// Signs and sends `submission` and waits until it is in a block.
    ///
    /// # Errors
    /// [`ChainError::Timeout`] (it may still land), [`ChainError::Dropped`], transport failures.
    fn submit(&mut self, submission: &Submission) -> Result<Included, ChainError>;
}

/// The oracle's refusal of a reading, in words an operator can act on.
pub fn explain(e: OracleError) -> &'static str {
    match e {
        OracleError::UnknownFeed => "the oracle has no such feed: check `feed` and the oracle address",
        OracleError::NotReporter => {
            "this key is not a reporter of the feed: ask the oracle's owner to add it (add_reporter)"
        }
        OracleError::PriceOutOfBounds => "the price is zero or outside the oracle's bounds: check the sources",
        OracleError::TimestampInFuture => {
            "the reading was stamped after the block it landed in: the node's clock is behind this machine's"
        }
        OracleError::ReadingExpired => {
            "the reading was older than the feed's expiry when it landed: sources or the node are too slow"
        }
        OracleError::AlreadyReported => "this key already reported in this block: another reporter process shares it",
        OracleError::TimestampNotIncreasing => {
            "the reading is no newer than this key's last one: another process reports with it, or the clock went back"
        }
        OracleError::MirrorFailed => {
            "the oracle's mirror refused the new answer: its owner must mend or leave it (`set_mirror`)"
        }
        OracleError::NotOwner
        | OracleError::NotSource
        | OracleError::NotMirror
        | OracleError::NotPendingOwner
        | OracleError::ReporterSetFull
        | OracleError::AlreadyReporter
        | OracleError::InvalidParameter => "the oracle refused with an administrative error a submission never causes",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_a_submission_can_meet_has_its_own_words() {
        let submit = [
            OracleError::UnknownFeed,
            OracleError::NotReporter,
            OracleError::PriceOutOfBounds,
            OracleError::TimestampInFuture,
            OracleError::ReadingExpired,
            OracleError::AlreadyReported,
            OracleError::TimestampNotIncreasing,
            OracleError::MirrorFailed,
        ];
        let words: std::collections::HashSet<_> = submit.iter().map(|&e| explain(e)).collect();
        assert_eq!(words.len(), submit.len());
        assert!(!words.contains(explain(OracleError::NotOwner)));
    }
}
