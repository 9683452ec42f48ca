//! The oracle's rules: what a reading is, how a feed turns its reporters' readings into the one
//! answer consumers read, and the realised volatility it keeps from those answers.
//!
//! A feed has its own reporters, each with one slot ([`Slot`]): at most one reading per block,
//! observed no later than the block and after the slot's last reading. The answer is the median of
//! the readings still fresh (observed within `expiry_ms`), and only when at least `quorum` of them
//! are ([`feed::submit`]): with an odd count one key alone moves nothing, with an even count the two
//! middle prices must agree within 0.5%, and a move a quorum reports becomes the price however
//! large it is. The volatility consumers read is the larger of the reporters' median and the
//! median of the volatilities each reporter's own prices realised ([`realized`]; a new key's
//! reported one standing in until it has a sample), so no reporter can understate it alone.
//!
//! The oracle contract stores feeds and checks who may administer them; everything about a
//! reading is decided here, so the simulator's oracle answers exactly what the contract answers.

pub mod feed;
mod median;
pub mod realized;

pub use feed::{
    aggregate, answer, submit, Aggregate, Answer, Clock, FeedConfig, Slot, MAX_MIDDLE_SPREAD_BPS,
    MAX_REPORTERS, MIN_VOL_SAMPLE_MS,
};
pub use realized::Realized;

/// Identifies one price feed of an oracle contract (one pair, e.g. DOT/USDC).
pub type FeedId = u32;

/// One oracle reading: a reporter's submission, or the answer a consumer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "scale",
    derive(parity_scale_codec::Encode, parity_scale_codec::Decode, scale_info::TypeInfo)
)]
#[cfg_attr(
    all(feature = "ink", feature = "std"),
    derive(ink::storage::traits::StorageLayout)
)]
pub struct OracleData {
    /// Quote per base, 1e18 fixed point.
    pub price: u128,
    /// Annualised volatility, 1e18 fixed point (0.8e18 = 80%/yr).
    pub volatility: u128,
    /// When the price was observed, in milliseconds since the Unix epoch. An answer carries the
    /// time by which a quorum of readings near its price had been observed.
    pub timestamp: u64,
}

/// Why an oracle refused a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "scale",
    derive(parity_scale_codec::Encode, parity_scale_codec::Decode, scale_info::TypeInfo)
)]
pub enum OracleError {
    /// Only the owner may do this.
    NotOwner,
    /// Only the account the owner offered the oracle to may accept it.
    NotPendingOwner,
    /// The caller is not a reporter of this feed.
    NotReporter,
    /// The feed does not exist, or has no answer (never a quorum of fresh readings, or its answer
    /// withdrawn when the readings left could not give one after a reporter whose reading it may
    /// rest on was removed, the quorum rose or the expiry shortened); read from a mirror, also a
    /// feed not yet written there, or a mirror the oracle retired.
    UnknownFeed,
    /// The price is zero or outside the accepted bounds.
    PriceOutOfBounds,
    /// The reading's observation time is after the block's.
    TimestampInFuture,
    /// The reading was observed longer ago than the feed's expiry: it could never count.
    ReadingExpired,
    /// The reporter already submitted a reading of this feed in this block.
    AlreadyReported,
    /// The observation time is not after the reporter's last reading's.
    TimestampNotIncreasing,
    /// The feed already has [`MAX_REPORTERS`] reporters.
    ReporterSetFull,
    /// The account already reports this feed.
    AlreadyReporter,
    /// A configuration value is outside its bounds.
    InvalidParameter,
    /// Only the oracle a mirror copies may write the mirror's answers (and a retired mirror has
    /// no oracle).
    NotSource,
    /// The oracle's mirror did not record a changed answer, so the change is refused with it:
    /// the mirror the oracle writes never holds an answer the oracle has replaced.
    MirrorFailed,
    /// The account is not a mirror this oracle may write (not a mirror, a mirror of another
    /// oracle, or one this oracle retired), or the oracle writes no mirror.
    NotMirror,
}

#[cfg(test)]
mod tests;
