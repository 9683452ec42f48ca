#![cfg_attr(not(feature = "std"), no_std, no_main)]

//! A copy of one oracle's answers, written by that oracle whenever an answer changes, read by
//! pools through the same `Oracle` trait.
//!
//! Every call pays for the called contract's code by the byte before it runs, and a swap reads
//! its oracle once. The oracle carries its reporters' slots, the median, the realised volatility
//! and its owner's messages; this contract carries only the answers, so a pool that reads it
//! instead loads a fraction of that code. While the oracle writes this mirror, the copy is
//! exact: the oracle writes it in the same call that changes its own answer, and that call fails
//! if the write does. When the oracle moves to another mirror it retires this one, which then
//! answers nothing.
//!
//! Built with `--features refusing` (`target/ink/keel_mirror_refusing`), it refuses every write
//! and its retirement: the tests' stand-in for a mirror that fails.

#[ink::contract]
pub mod mirror {
    use ink::storage::Mapping;
    use keel_interface::{FeedId, Oracle, OracleData, OracleError, OracleMirror};

    #[ink(storage)]
    pub struct KeelMirror {
        /// The oracle whose answers this holds, the only account that may write them; the zero
        /// account once retired.
        source: AccountId,
        answers: Mapping<FeedId, OracleData>,
    }

    impl KeelMirror {
        /// Creates an empty copy of `source`'s answers. A feed reads here once the oracle writes
        /// it: its next answer, or anyone's `sync_mirror` of it on the oracle.
        #[ink(constructor)]
        pub fn new(source: AccountId) -> Self {
            Self {
                source,
                answers: Mapping::default(),
            }
        }

        fn retired(&self) -> bool {
            self.source == AccountId::from([0; 32])
        }

        /// Whether the caller may write: the source oracle, while this mirror is not retired
        /// (never, in the refusing build).
        fn ensure_source(&self) -> Result<(), OracleError> {
            if cfg!(feature = "refusing") || self.retired() || self.env().caller() != self.source {
                return Err(OracleError::NotSource);
            }
            Ok(())
        }
    }

    impl OracleMirror for KeelMirror {
        /// Records `feed`'s answer as the oracle now has it; `None` withdraws it. The oracle calls
        /// this in the call that publishes or withdraws its answer, or in anyone's `sync_mirror`.
        ///
        /// # Errors
        /// `NotSource` for any caller but the oracle this copies (anyone, once retired).
        #[ink(message)]
        fn record(&mut self, feed: FeedId, answer: Option<OracleData>) -> Result<(), OracleError> {
            self.ensure_source()?;
            match answer {
                Some(answer) => {
                    self.answers.insert(feed, &answer);
                }
                None => self.answers.remove(feed),
            }
            Ok(())
        }

        /// The oracle whose answers this holds: the only account that may write them. The zero
        /// account once retired.
        #[ink(message)]
        fn source(&self) -> AccountId {
            self.source
        }

        /// Stops this mirror for good: it answers no feed and takes no answer from now on, so
        /// pools still reading it stop trading instead of pricing with answers the oracle no
        /// longer writes here. The oracle calls this when it moves to another mirror or to none.
        ///
        /// # Errors
        /// `NotSource` for any caller but the oracle this copies (anyone, once retired).
        #[ink(message)]
        fn retire(&mut self) -> Result<(), OracleError> {
            self.ensure_source()?;
            self.source = AccountId::from([0; 32]);
            Ok(())
        }
    }

    impl Oracle for KeelMirror {
        /// The source oracle's answer for `feed`, as its own `latest` gives it: the median of
        /// its fresh readings (quote per base, 1e18), the volatility it prices with (1e18) and the
        /// observation time (ms). Consumers judge staleness against their own bound.
        ///
        /// # Errors
        /// `UnknownFeed` when the oracle has no answer for the feed, has not written it here yet,
        /// or retired this mirror.
        #[ink(message)]
        fn latest(&self, feed: FeedId) -> Result<OracleData, OracleError> {
            if self.retired() {
                return Err(OracleError::UnknownFeed);
            }
            self.answers.get(feed).ok_or(OracleError::UnknownFeed)
        }
    }
}
