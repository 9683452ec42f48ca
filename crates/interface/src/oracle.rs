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
