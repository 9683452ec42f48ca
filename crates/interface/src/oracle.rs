use ink::primitives::AccountId;
pub use keel_core::oracle::{FeedId, OracleData, OracleError};

/// A source of price and volatility readings.
#[ink::trait_definition]
pub trait Oracle {
    /// The latest reading of `feed`.
    ///
    /// # Errors
    /// [`OracleError::UnknownFeed`] when the feed has no answer: never a quorum of fresh
    /// readings yet, or its answer withdrawn by the oracle's owner removing a reporter it rested
    /// on.
    #[ink(message)]
    fn latest(&self, feed: FeedId) -> Result<OracleData, OracleError>;
}

/// A copy of one oracle's answers, written by that oracle in the call that changes an answer:
/// its [`Oracle::latest`] answers as the oracle's does, from a contract a fraction of the
/// oracle's size, which is what a pool's read pays for.
#[ink::trait_definition]
pub trait OracleMirror {
    /// Records `feed`'s answer as the oracle now has it; `None` withdraws it.
    ///
    /// # Errors
    /// [`OracleError::NotSource`] for any caller but the oracle this copies (anyone, once
    /// retired).
    #[ink(message)]
    fn record(&mut self, feed: FeedId, answer: Option<OracleData>) -> Result<(), OracleError>;

    /// The oracle whose answers this holds: the only account that may write them. The zero
    /// account once retired.
    #[ink(message)]
    fn source(&self) -> AccountId;

    /// Stops this mirror for good: from now on it answers no feed and takes no answer, so pools
    /// still reading it stop trading instead of pricing with answers the oracle no longer writes
    /// here. The oracle calls this when it moves to another mirror or to none.
    ///
    /// # Errors
    /// [`OracleError::NotSource`] for any caller but the oracle this copies (anyone, once
    /// retired).
    #[ink(message)]
    fn retire(&mut self) -> Result<(), OracleError>;
}
