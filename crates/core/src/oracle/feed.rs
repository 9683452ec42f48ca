//! A feed: its configuration, its reporters' slots, and the transition that records a reading and
//! derives the answer.

use super::median::Sample;
use super::{OracleData, OracleError, Realized};
use crate::math::BPS;
use crate::{MAX_PRICE, MAX_VOLATILITY, MIN_PRICE};

/// The most reporters one feed may have.
pub const MAX_REPORTERS: usize = 9;

/// Longest expiry a feed may be given (one hour).
pub const MAX_EXPIRY_MS: u64 = 3_600_000;

/// Longest realised-volatility horizon a feed may be given (one week).
pub const MAX_VOL_HORIZON_MS: u64 = 604_800_000;

/// Shortest time a feed may sample its reporters' realised volatility at (one second): readings
/// closer than that are not moves of their own.
pub const MIN_VOL_SAMPLE_MS: u64 = 1_000;

/// How far apart (basis points of the lower) the two middle prices of an even count of fresh
/// readings may be for their mean to answer (0.5%). With an even count a liar can be one of the
/// middles; it then moves the answer by at most half of this, and a wider disagreement leaves
/// the previous answer standing, to age, rather than let one key choose.
pub const MAX_MIDDLE_SPREAD_BPS: u128 = 50;

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
            && (MIN_VOL_SAMPLE_MS..=self.vol_horizon_ms).contains(&self.vol_sample_ms);
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
    /// The volatility this reporter's own prices realised: a liar's series is one value of the
    /// median, so it cannot raise the feed's realised volatility by flipping the answer between
    /// honest readings.
    pub realized: Realized,
}

impl<A> Slot<A> {
    /// A new reporter's empty slot.
    pub fn new(reporter: A) -> Slot<A> {
        Slot {
            reporter,
            reading: None,
            block: 0,
            realized: Realized::default(),
        }
    }

    /// Whether the slot's reading was observed within `expiry_ms` of `now_ms`.
    fn fresh(&self, now_ms: u64, expiry_ms: u64) -> Option<&OracleData> {
        self.reading
            .as_ref()
            .filter(|r| now_ms.saturating_sub(r.timestamp) <= expiry_ms)
    }

    /// Checks `reading` submitted at block time `now_ms` in block `block` and stores it, its
    /// volatility clamped to [`MAX_VOLATILITY`], and samples the slot's realised volatility.
    ///
    /// # Errors
    /// [`OracleError::PriceOutOfBounds`], [`OracleError::TimestampInFuture`],
    /// [`OracleError::ReadingExpired`], [`OracleError::AlreadyReported`],
    /// [`OracleError::TimestampNotIncreasing`], in that order. A refusal leaves the slot as it
    /// was.
    pub fn record(
        &mut self,
        reading: OracleData,
        config: &FeedConfig,
        now_ms: u64,
        block: u64,
    ) -> Result<(), OracleError> {
        let expiry_ms = config.expiry_ms;
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
        // The realised estimate can only be capped, never refused: a sampling error keeps it.
        let _ = self.realized.sample(
            reading.price,
            reading.timestamp,
            config.vol_sample_ms,
            config.vol_horizon_ms,
        );
        Ok(())
    }
}

/// The median of a feed's fresh readings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Aggregate {
    pub price: u128,
    /// The reporters' median volatility.
    pub volatility: u128,
    /// The median of the reporters' realised volatilities (a reporter without a sample yet
    /// standing in with its reported one); zero until `quorum` of them have a sample.
    pub realized_volatility: u128,
    /// The observation time of the `quorum`-th freshest reading within
    /// [`MAX_MIDDLE_SPREAD_BPS`] of the price: at least `quorum` reporters observed about this
    /// price at or after it. When fewer agree, the oldest fresh reading's time.
    pub timestamp: u64,
    /// Fresh readings behind it.
    pub readings: u8,
}

/// The median of the readings of `slots` observed within `expiry_ms` of `now_ms`, when at least
/// `quorum` are. For an even count the price is the mean of the two middle prices when they agree
/// within [`MAX_MIDDLE_SPREAD_BPS`], and `None` when they do not: with half the readings lying no
/// rule can tell which half is honest, so the feed stops answering (the previous answer ages)
/// rather than let the freshest half choose. Each volatility is the higher middle value: a lone
/// liar among an even count can raise a volatility, never lower it. The realised volatility is
/// zero until `quorum` of the fresh readings' reporters have a completed sample (one key's sample
/// alone would set it); then it is the median over every fresh reading, a reporter without a
/// sample yet (a new key) standing in with the volatility it reported, so that an honest majority
/// of fresh readings holds it whoever has a sample.
///
/// The answer is stamped with the time by which `quorum` readings near its price had been
/// observed: a reading stamped fresh at a price only older readings report cannot lend that
/// price its age, since only readings that agree with the price count toward the stamp. With
/// fewer than `quorum` such readings (a market moving faster than the reporters), the stamp is
/// the oldest fresh reading's: the answer never looks fresher than any reading it was derived
/// from. (No rule on three readings can tell a liar between two honest ones, lending its price
/// the fresher neighbour's age, from a liar beyond them; this one errs towards older.)
pub fn aggregate<A>(slots: &[Slot<A>], config: &FeedConfig, now_ms: u64) -> Option<Aggregate> {
    let quorum = usize::from(config.quorum).max(1);
    let fresh = slots
        .iter()
        .filter_map(|s| s.fresh(now_ms, config.expiry_ms).map(|r| (s, r)));
    median_of(fresh, quorum)
}

/// The median of `readings` (see [`aggregate`]), or `None` when they are fewer than `quorum` or an
/// even count's middle prices disagree.
fn median_of<'a, A: 'a>(
    readings: impl Iterator<Item = (&'a Slot<A>, &'a OracleData)>,
    quorum: usize,
) -> Option<Aggregate> {
    let mut prices = Sample::new();
    let mut vols = Sample::new();
    let mut realized = Sample::new();
    let mut sampled = 0_usize;
    let mut observed = [(0_u128, 0_u64); MAX_REPORTERS];
    for (slot, reading) in readings {
        if let Some(pair) = observed.get_mut(prices.len()) {
            *pair = (reading.price, reading.timestamp);
        }
        prices.push(reading.price);
        vols.push(reading.volatility);
        if slot.realized.samples > 0 {
            sampled = sampled.saturating_add(1);
            realized.push(slot.realized.volatility());
        } else {
            realized.push(reading.volatility);
        }
    }
    if prices.len() < quorum {
        return None;
    }
    let (low, high) = prices.middles()?;
    let spread = high.checked_sub(low)?.checked_mul(BPS)?;
    if spread > low.checked_mul(MAX_MIDDLE_SPREAD_BPS)? {
        return None;
    }
    // The mean, rounded down, without overflow: low + (high - low) / 2.
    let price = low.checked_add(high.checked_sub(low)? / 2)?;
    let (_, volatility) = vols.middles()?;
    let realized_volatility = if sampled >= quorum {
        realized.middles().map_or(0, |(_, upper)| upper)
    } else {
        0
    };
    let timestamp = stamp(observed.get(..prices.len())?, price, quorum)?;
    Some(Aggregate {
        price,
        volatility,
        realized_volatility,
        timestamp,
        readings: u8::try_from(prices.len()).unwrap_or(u8::MAX),
    })
}

/// The time by which `quorum` of the `observed` (price, time) readings within
/// [`MAX_MIDDLE_SPREAD_BPS`] of `price` had been observed; when fewer agree, the oldest reading's
/// (see [`aggregate`]).
fn stamp(observed: &[(u128, u64)], price: u128, quorum: usize) -> Option<u64> {
    let near = price.checked_mul(MAX_MIDDLE_SPREAD_BPS)?;
    let mut agreeing = Sample::new();
    for &(p, t) in observed {
        // A distance past u128 in basis points is far past agreeing.
        if p.abs_diff(price).checked_mul(BPS).is_some_and(|d| d <= near) {
            agreeing.push(u128::from(t));
        }
    }
    match agreeing.nth_largest(quorum) {
        Some(time) => u64::try_from(time).ok(),
        None => observed.iter().map(|&(_, t)| t).min(),
    }
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
    /// The median of the volatilities the reporters' own prices realised (1e18), a reporter
    /// without a sample yet standing in with its reported one; zero until `quorum` have one.
    pub realized_volatility: u128,
    /// When `quorum` readings near the price had been observed (ms; see [`aggregate`]).
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

/// Records `reading` from `reporter` in its slot of `slots`, at `clock`, and derives the feed's
/// answer from the fresh readings. Returns the new answer, or `None` when fewer than `quorum`
/// readings are fresh or an even count's middle prices disagree (the previous answer then stands,
/// and ages).
///
/// # Errors
/// [`OracleError::NotReporter`] when `reporter` has no slot; the slot's refusals
/// ([`Slot::record`]). A refusal changes nothing.
pub fn submit<A: PartialEq>(
    slots: &mut [Slot<A>],
    config: &FeedConfig,
    reporter: &A,
    reading: OracleData,
    clock: Clock,
) -> Result<Option<Answer>, OracleError> {
    let slot = slots
        .iter_mut()
        .find(|s| s.reporter == *reporter)
        .ok_or(OracleError::NotReporter)?;
    slot.record(reading, config, clock.now_ms, clock.block)?;
    Ok(answer(slots, config, clock.now_ms))
}

/// The answer `slots` give at `now_ms`: their [`aggregate`], or `None` (see [`submit`]).
pub fn answer<A>(slots: &[Slot<A>], config: &FeedConfig, now_ms: u64) -> Option<Answer> {
    aggregate(slots, config, now_ms).map(|median| Answer {
        price: median.price,
        reported_volatility: median.volatility,
        realized_volatility: median.realized_volatility,
        timestamp: median.timestamp,
        readings: median.readings,
    })
}
