pub use keel_core::oracle::{FeedId, OracleData, OracleError};

/// A source of price and volatility readings.
#[ink::trait_definition]
pub trait Oracle {
    /// The latest reading of `feed`.
    ///
    /// # Errors
    /// [`OracleError::UnknownFeed`] when the feed has no reading yet.
    #[ink(message)]
    fn latest(&self, feed: FeedId) -> Result<OracleData, OracleError>;
}
