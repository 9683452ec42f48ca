/// Identifies one price feed of an oracle contract (one pair, e.g. DOT/USDC).
pub type FeedId = u32;

/// One oracle reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct OracleData {
    /// Quote per base, 1e18 fixed point.
    pub price: u128,
    /// Annualised volatility, 1e18 fixed point (0.8e18 = 80%/yr).
    pub volatility: u128,
    /// When the reading was taken, in milliseconds since the Unix epoch.
    pub timestamp: u64,
}

/// Whether one update from `last` to `new` moves the price by at most `max_jump_bps`:
/// `|new - last| * 10000 <= last * max_jump_bps`, without 256-bit arithmetic (prices are at most
/// 1e36 < 2^120 and the factors at most 2^14). Keel's oracle refuses larger jumps; the simulator
/// applies the same rule.
pub fn within_jump(last: u128, new: u128, max_jump_bps: u32) -> bool {
    let moved = last.abs_diff(new);
    match (
        moved.checked_mul(10_000),
        last.checked_mul(u128::from(max_jump_bps)),
    ) {
        (Some(lhs), Some(rhs)) => lhs <= rhs,
        _ => false,
    }
}

/// Why an oracle refused a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum OracleError {
    /// Only the owner may do this.
    NotOwner,
    /// Only an authorised reporter may submit.
    NotReporter,
    /// No reading has been submitted for this feed.
    UnknownFeed,
    /// The price is zero or outside the accepted bounds.
    PriceOutOfBounds,
    /// The volatility is outside the accepted bounds.
    VolatilityOutOfBounds,
    /// The timestamp is not after the feed's last one.
    TimestampNotIncreasing,
    /// The timestamp is ahead of the chain's clock by more than the allowed drift.
    TimestampInFuture,
    /// The price moved from the last reading by more than `max_jump_bps` in one update.
    JumpTooLarge,
    /// A configuration value is outside its bounds.
    InvalidParameter,
}

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
