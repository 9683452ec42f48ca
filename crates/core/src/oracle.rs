//! The oracle's rules: what a reading is, and which new reading a feed accepts.
//!
//! The oracle contract stores readings and checks who may submit them; whether a reading is sane
//! is decided here, so the simulator's oracle refuses exactly what the contract refuses.

use crate::{MAX_PRICE, MAX_VOLATILITY, MIN_PRICE};

/// How far a reading's timestamp may run ahead of the block's, in milliseconds.
pub const MAX_FUTURE_DRIFT_MS: u64 = 30_000;

/// The widest jump bound an oracle may be given (100%, in basis points).
pub const MAX_JUMP_BPS_CEIL: u32 = 10_000;

/// Identifies one price feed of an oracle contract (one pair, e.g. DOT/USDC).
pub type FeedId = u32;

/// One oracle reading.
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
    /// When the reading was taken, in milliseconds since the Unix epoch.
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

/// Whether one update from `last` to `new` moves the price by at most `max_jump_bps`:
/// `|new - last| * 10000 <= last * max_jump_bps`, without 256-bit arithmetic (prices are at most
/// 1e36 < 2^120 and the factors at most 2^14).
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

/// Whether a feed whose latest reading is `last` (none before the first) accepts `reading` at
/// block time `now_ms`: sane values, a timestamp that moves forward without running more than
/// [`MAX_FUTURE_DRIFT_MS`] ahead of the chain, and a price within `max_jump_bps` of the last.
///
/// # Errors
/// [`OracleError::PriceOutOfBounds`], [`OracleError::VolatilityOutOfBounds`],
/// [`OracleError::TimestampInFuture`], [`OracleError::TimestampNotIncreasing`],
/// [`OracleError::JumpTooLarge`], in that order.
pub fn accept(
    last: Option<&OracleData>,
    reading: &OracleData,
    now_ms: u64,
    max_jump_bps: u32,
) -> Result<(), OracleError> {
    if !(MIN_PRICE..=MAX_PRICE).contains(&reading.price) {
        return Err(OracleError::PriceOutOfBounds);
    }
    if reading.volatility == 0 || reading.volatility > MAX_VOLATILITY {
        return Err(OracleError::VolatilityOutOfBounds);
    }
    if reading.timestamp > now_ms.saturating_add(MAX_FUTURE_DRIFT_MS) {
        return Err(OracleError::TimestampInFuture);
    }
    if let Some(last) = last {
        if reading.timestamp <= last.timestamp {
            return Err(OracleError::TimestampNotIncreasing);
        }
        if !within_jump(last.price, reading.price, max_jump_bps) {
            return Err(OracleError::JumpTooLarge);
        }
    }
    Ok(())
}

/// A jump bound as an oracle keeps it: at least one basis point, at most [`MAX_JUMP_BPS_CEIL`].
pub fn clamp_jump_bps(max_jump_bps: u32) -> u32 {
    max_jump_bps.clamp(1, MAX_JUMP_BPS_CEIL)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ONE;

    const NOW: u64 = 1_000_000;

    fn reading(price: u128, timestamp: u64) -> OracleData {
        OracleData {
            price,
            volatility: ONE,
            timestamp,
        }
    }

    #[test]
    fn a_first_reading_needs_only_sane_values_and_a_timestamp_not_far_ahead() {
        assert_eq!(accept(None, &reading(ONE, NOW), NOW, 2_000), Ok(()));
        assert_eq!(
            accept(None, &reading(0, NOW), NOW, 2_000),
            Err(OracleError::PriceOutOfBounds)
        );
        let calm = OracleData {
            volatility: 0,
            ..reading(ONE, NOW)
        };
        assert_eq!(
            accept(None, &calm, NOW, 2_000),
            Err(OracleError::VolatilityOutOfBounds)
        );
        let ahead = reading(ONE, NOW + MAX_FUTURE_DRIFT_MS + 1);
        assert_eq!(
            accept(None, &ahead, NOW, 2_000),
            Err(OracleError::TimestampInFuture)
        );
    }

    #[test]
    fn later_readings_move_forward_in_time_and_within_the_jump_bound() {
        let last = reading(10 * ONE, NOW - 1);
        assert_eq!(accept(Some(&last), &reading(12 * ONE, NOW), NOW, 2_000), Ok(()));
        assert_eq!(
            accept(Some(&last), &reading(12 * ONE + 1, NOW), NOW, 2_000),
            Err(OracleError::JumpTooLarge)
        );
        assert_eq!(
            accept(Some(&last), &reading(10 * ONE, NOW - 1), NOW, 2_000),
            Err(OracleError::TimestampNotIncreasing)
        );
    }

    #[test]
    fn jump_bounds_are_clamped_to_their_range() {
        assert_eq!(clamp_jump_bps(0), 1);
        assert_eq!(clamp_jump_bps(20_000), MAX_JUMP_BPS_CEIL);
        // A move whose product would overflow is refused, never wrapped into a small one.
        assert!(!within_jump(u128::MAX, 0, 10_000));
    }
}
