//! A feed: its configuration, its reporters' slots, and the transition that records a reading and
//! derives the answer.

use super::median::Sample;
use super::{OracleData, OracleError, Realized};
use crate::{MAX_PRICE, MAX_VOLATILITY, MIN_PRICE};

/// The most reporters one feed may have.
pub const MAX_REPORTERS: usize = 9;

/// Longest expiry a feed may be given (one hour).
pub const MAX_EXPIRY_MS: u64 = 3_600_000;

/// Longest realised-volatility horizon a feed may be given (one week).
pub const MAX_VOL_HORIZON_MS: u64 = 604_800_000;

/// How a feed turns readings into its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "scale",
    derive(parity_scale_codec::Encode, parity_scale_codec::Decode, scale_info::TypeInfo)
)]
#[cfg_attr(
    all(feature = "ink", feature = "std"),
    derive(ink::storage::traits::StorageLayout)
)]
pub struct FeedConfig {
    /// Fresh readings an answer needs (1..=[`MAX_REPORTERS`]). With `quorum` of `n` reporters,
    /// the answer stays within the honest readings while fewer than half of the fresh ones lie.
    pub quorum: u8,
    /// A reading counts toward the answer for this long after it was observed (ms).
    pub expiry_ms: u64,
    /// The realised volatility's averaging horizon (ms).
    pub vol_horizon_ms: u64,
    /// Least time between two samples of the realised volatility (ms).
    pub vol_sample_ms: u64,
}

impl Default for FeedConfig {
    /// Two fresh readings, fresh for a minute; realised volatility over an hour, sampled at most
    /// every 30 s.
    fn default() -> Self {
        FeedConfig {
            quorum: 2,
            expiry_ms: 60_000,
            vol_horizon_ms: 3_600_000,
            vol_sample_ms: 30_000,
        }
    }
}

impl FeedConfig {
    /// Checks every field against its bound.
    ///
    /// # Errors
    /// [`OracleError::InvalidParameter`].
    pub fn validate(&self) -> Result<(), OracleError> {
        let ok = self.quorum >= 1
            && usize::from(self.quorum) <= MAX_REPORTERS
            && (1_000..=MAX_EXPIRY_MS).contains(&self.expiry_ms)
            && (60_000..=MAX_VOL_HORIZON_MS).contains(&self.vol_horizon_ms)
            && self.vol_sample_ms <= self.vol_horizon_ms;
        if ok {
            Ok(())
        } else {
            Err(OracleError::InvalidParameter)
        }
    }
}

/// One reporter's place in a feed: its latest reading and the block it was submitted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "scale",
    derive(parity_scale_codec::Encode, parity_scale_codec::Decode, scale_info::TypeInfo)
)]
#[cfg_attr(
    all(feature = "ink", feature = "std"),
    derive(ink::storage::traits::StorageLayout)
)]
pub struct Slot<A> {
    pub reporter: A,
    /// `None` until the reporter's first reading.
    pub reading: Option<OracleData>,
    /// The block the reading was submitted in.
    pub block: u64,
}

impl<A> Slot<A> {
    /// A new reporter's empty slot.
    pub fn new(reporter: A) -> Slot<A> {
        Slot {
            reporter,
            reading: None,
            block: 0,
        }
    }

    /// Whether the slot's reading was observed within `expiry_ms` of `now_ms`.
    fn fresh(&self, now_ms: u64, expiry_ms: u64) -> Option<&OracleData> {
        self.reading
            .as_ref()
            .filter(|r| now_ms.saturating_sub(r.timestamp) <= expiry_ms)
    }

    /// Checks `reading` submitted at block time `now_ms` in block `block` and stores it, its
    /// volatility clamped to [`MAX_VOLATILITY`].
    ///
    /// # Errors
    /// [`OracleError::PriceOutOfBounds`], [`OracleError::TimestampInFuture`],
    /// [`OracleError::ReadingExpired`], [`OracleError::AlreadyReported`],
    /// [`OracleError::TimestampNotIncreasing`], in that order. A refusal leaves the slot as it
    /// was.
    pub fn record(
        &mut self,
        reading: OracleData,
        expiry_ms: u64,
        now_ms: u64,
        block: u64,
    ) -> Result<(), OracleError> {
        if !(MIN_PRICE..=MAX_PRICE).contains(&reading.price) {
            return Err(OracleError::PriceOutOfBounds);
        }
        if reading.timestamp > now_ms {
            return Err(OracleError::TimestampInFuture);
        }
        if now_ms.saturating_sub(reading.timestamp) > expiry_ms {
            return Err(OracleError::ReadingExpired);
        }
        if let Some(last) = &self.reading {
            if self.block == block {
                return Err(OracleError::AlreadyReported);
            }
            if reading.timestamp <= last.timestamp {
                return Err(OracleError::TimestampNotIncreasing);
            }
        }
        self.reading = Some(OracleData {
            volatility: reading.volatility.min(MAX_VOLATILITY),
            ..reading
        });
        self.block = block;
        Ok(())
    }
}

/// The median of a feed's fresh readings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Aggregate {
    pub price: u128,
    /// The reporters' median volatility.
    pub volatility: u128,
    /// The observation time of the `quorum`-th freshest reading: at least `quorum` reporters
    /// observed the market at or after it.
    pub timestamp: u64,
    /// Fresh readings behind it.
    pub readings: u8,
}

/// The median of the readings of `slots` observed within `expiry_ms` of `now_ms`, when at least
/// `quorum` are. For an even count the price is the middle value nearer `previous` (the answer so
/// far), so half the readings cannot move it alone, and the volatility is the higher middle value.
pub fn aggregate<A>(
    slots: &[Slot<A>],
    config: &FeedConfig,
    now_ms: u64,
    previous: Option<u128>,
) -> Option<Aggregate> {
    let mut prices = Sample::new();
    let mut vols = Sample::new();
    let mut times = Sample::new();
    for reading in slots.iter().filter_map(|s| s.fresh(now_ms, config.expiry_ms)) {
        prices.push(reading.price);
        vols.push(reading.volatility);
        times.push(u128::from(reading.timestamp));
    }
    let quorum = usize::from(config.quorum).max(1);
    if prices.len() < quorum {
        return None;
    }
    let (low, high) = prices.middles()?;
    let price = match previous {
        Some(p) if p.abs_diff(high) < p.abs_diff(low) => high,
        _ => low,
    };
    let (_, volatility) = vols.middles()?;
    let timestamp = u64::try_from(times.nth_largest(quorum)?).ok()?;
    Some(Aggregate {
        price,
        volatility,
        timestamp,
        readings: u8::try_from(prices.len()).unwrap_or(u8::MAX),
    })
}

/// What a feed answers: the median of its fresh readings and its realised volatility.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "scale",
    derive(parity_scale_codec::Encode, parity_scale_codec::Decode, scale_info::TypeInfo)
)]
#[cfg_attr(
    all(feature = "ink", feature = "std"),
    derive(ink::storage::traits::StorageLayout)
)]
pub struct Answer {
    /// Quote per base, 1e18: the median of the fresh readings.
    pub price: u128,
    /// The reporters' median volatility (1e18).
    pub reported_volatility: u128,
    /// The volatility the answers themselves realised (1e18).
    pub realized_volatility: u128,
    /// The observation time of the `quorum`-th freshest reading (ms).
    pub timestamp: u64,
    /// Fresh readings behind the answer when it was derived.
    pub readings: u8,
}

impl Answer {
    /// The reading consumers price with: the larger of the two volatilities.
    pub fn data(&self) -> OracleData {
        OracleData {
            price: self.price,
            volatility: self.reported_volatility.max(self.realized_volatility),
            timestamp: self.timestamp,
        }
    }
}

/// When a reading arrives: the block's time and number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    pub now_ms: u64,
    pub block: u64,
}

/// Records `reading` from `reporter` in its slot of `slots`, at `clock`, and derives the feed's answer from the fresh readings, sampling the realised
/// volatility from it. Returns the new answer, or `None` when fewer than `quorum` readings are
/// fresh (the previous answer then stands, and ages).
///
/// # Errors
/// [`OracleError::NotReporter`] when `reporter` has no slot; the slot's refusals
/// ([`Slot::record`]). A refusal changes nothing.
pub fn submit<A: PartialEq>(
    slots: &mut [Slot<A>],
    realized: &mut Realized,
    previous: Option<&Answer>,
    config: &FeedConfig,
    reporter: &A,
    reading: OracleData,
    clock: Clock,
) -> Result<Option<Answer>, OracleError> {
    let slot = slots
        .iter_mut()
        .find(|s| s.reporter == *reporter)
        .ok_or(OracleError::NotReporter)?;
    slot.record(reading, config.expiry_ms, clock.now_ms, clock.block)?;
    let Some(median) = aggregate(slots, config, clock.now_ms, previous.map(|a| a.price)) else {
        return Ok(None);
    };
    // The realised estimate can only be capped, never refused: a sampling error keeps it as is.
    let _ = realized.sample(
        median.price,
        median.timestamp,
        config.vol_sample_ms,
        config.vol_horizon_ms,
    );
    Ok(Some(Answer {
        price: median.price,
        reported_volatility: median.volatility,
        realized_volatility: realized.volatility(),
        timestamp: median.timestamp,
        readings: median.readings,
    }))
}
