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
    /// [`OracleError::NotSource`] for any caller but the oracle this copies.
    #[ink(message)]
    fn record(&mut self, feed: FeedId, answer: Option<OracleData>) -> Result<(), OracleError>;

    /// The oracle whose answers this holds: the only account that may write them.
    #[ink(message)]
    fn source(&self) -> AccountId;
}
