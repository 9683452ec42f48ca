#![cfg_attr(not(feature = "std"), no_std, no_main)]

//! A copy of one oracle's answers, written by that oracle whenever an answer changes, read by
//! pools through the same `Oracle` trait.
//!
//! Every call pays for the called contract's code by the byte before it runs, and a swap reads
//! its oracle once. The oracle carries its reporters' slots, the median, the realised volatility
//! and its owner's messages; this contract carries only the answers, so a pool that reads it
//! instead loads a fraction of that code. The copy is exact: the oracle writes it in the same
//! call that changes its own answer, and that call fails if the write does.

#[ink::contract]
pub mod mirror {
    use ink::storage::Mapping;
    use keel_interface::{FeedId, Oracle, OracleData, OracleError, OracleMirror};

    #[ink(storage)]
    pub struct KeelMirror {
        /// The oracle whose answers this holds: the only account that may write them.
        source: AccountId,
        answers: Mapping<FeedId, OracleData>,
    }

    impl KeelMirror {
        /// Creates an empty copy of `source`'s answers. A feed reads here from the first answer
        /// the oracle writes after its owner points it at this contract (`set_mirror`).
        #[ink(constructor)]
        pub fn new(source: AccountId) -> Self {
            Self {
                source,
                answers: Mapping::default(),
            }
        }
    }

    impl OracleMirror for KeelMirror {
        /// Records `feed`'s answer as the oracle now has it; `None` withdraws it. The oracle calls
        /// this in the call that changes its answer.
        ///
        /// # Errors
        /// `NotSource` for any caller but the oracle this copies.
        #[ink(message)]
        fn record(&mut self, feed: FeedId, answer: Option<OracleData>) -> Result<(), OracleError> {
            if self.env().caller() != self.source {
                return Err(OracleError::NotSource);
            }
            match answer {
                Some(answer) => {
                    self.answers.insert(feed, &answer);
                }
                None => self.answers.remove(feed),
            }
            Ok(())
        }

        /// The oracle whose answers this holds: the only account that may write them.
        #[ink(message)]
        fn source(&self) -> AccountId {
            self.source
        }
    }

    impl Oracle for KeelMirror {
        /// The source oracle's answer for `feed`, as its own `latest` gives it: the median of
        /// its fresh readings (quote per base, 1e18), the volatility it prices with (1e18) and the
        /// observation time (ms). Consumers judge staleness against their own bound.
        ///
        /// # Errors
        /// `UnknownFeed` when the oracle has no answer for the feed, or has written none here
        /// since this contract became its mirror.
        #[ink(message)]
        fn latest(&self, feed: FeedId) -> Result<OracleData, OracleError> {
            self.answers.get(feed).ok_or(OracleError::UnknownFeed)
        }
    }
}
