//! Price discovery between readings: the pool's own record of the flow it has taken, by block, so
//! its reference can move with that flow from the time the latest reading *describes*.
//!
//! Each trade shifts a running total (`flow`, 1e18 relative price, negative when the pool was sold
//! base) by the move constant product's depth, scaled by `1 / discovery_depth`, would have given
//! it (see [`crate::anchor`]). A reading observed at `T` already knows the market up to `T`, so
//! only the flow of blocks after `T` is discovery it does not know: the pool keeps the total at
//! the close of its last [`MARKS`] trading blocks and subtracts the one before `T`. A new reading
//! therefore replaces exactly the part of the discovery it describes, and a stale reading that
//! arrives every block (stamped when it was observed) does not throw the rest away.

use crate::CurveError;

/// How many trading blocks the record covers: with 6 s blocks, 72 s, past the default 60 s
/// oracle age limit, so any reading a pool accepts finds the block before it in the record.
pub const MARKS: usize = 12;

/// The flow total at the close of a block that traded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(
    feature = "scale",
    derive(parity_scale_codec::Encode, parity_scale_codec::Decode, scale_info::TypeInfo)
)]
#[cfg_attr(
    all(feature = "ink", feature = "std"),
    derive(ink::storage::traits::StorageLayout)
)]
pub struct Mark {
    /// Block time (ms); zero for a slot not yet used.
    pub at_ms: u64,
    /// The running total after the block's last trade.
    pub flow: i128,
}

/// The flow record: the running total, and its value at the close of recent trading blocks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(
    feature = "scale",
    derive(parity_scale_codec::Encode, parity_scale_codec::Decode, scale_info::TypeInfo)
)]
#[cfg_attr(
    all(feature = "ink", feature = "std"),
    derive(ink::storage::traits::StorageLayout)
)]
pub struct Discovery {
    /// The total of every trade's shift so far.
    pub flow: i128,
    /// The total at the close of the newest block that left the record: the flow a reading older
    /// than every mark is taken to know.
    pub floor: i128,
    /// Oldest first, the newest trading block last.
    pub marks: [Mark; MARKS],
}

impl Discovery {
    /// The flow since a reading observed at `observed_ms`: every trade in a block at or after
    /// that time (a reading does not see the trades of the block it is stamped in).
    ///
    /// # Errors
    /// [`CurveError::Overflow`] past `i128` (not reachable: each shift is bounded by the pool's
    /// value and the total by the number of trades).
    pub fn since(&self, observed_ms: u64) -> Result<i128, CurveError> {
        let known = self
            .marks
            .iter()
            .rev()
            .find(|m| m.at_ms != 0 && m.at_ms < observed_ms)
            .map_or(self.floor, |m| m.flow);
        self.flow.checked_sub(known).ok_or(CurveError::Overflow)
    }

    /// Adds a trade's `shift` in the block at `now_ms`: the block's mark moves with it, or the
    /// block opens a new mark and the oldest leaves the record.
    ///
    /// # Errors
    /// [`CurveError::Overflow`] past `i128`; the record is then unchanged.
    pub fn record(&mut self, now_ms: u64, shift: i128) -> Result<(), CurveError> {
        let flow = self.flow.checked_add(shift).ok_or(CurveError::Overflow)?;
        self.flow = flow;
        let last = MARKS - 1;
        if self.marks[last].at_ms == now_ms && now_ms != 0 {
            self.marks[last].flow = flow;
            return Ok(());
        }
        if self.marks[0].at_ms != 0 {
            self.floor = self.marks[0].flow;
        }
        self.marks.copy_within(1.., 0);
        self.marks[last] = Mark { at_ms: now_ms, flow };
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BLOCK: u64 = 6_000;

    fn traded(blocks: &[(u64, i128)]) -> Discovery {
        let mut d = Discovery::default();
        for &(at, shift) in blocks {
            d.record(at, shift).expect("record");
        }
        d
    }

    #[test]
    fn a_reading_knows_the_flow_of_blocks_before_its_observation_and_not_of_its_own() {
        let d = traded(&[(BLOCK, 10), (2 * BLOCK, 20), (2 * BLOCK, 5), (3 * BLOCK, -7)]);
        assert_eq!(d.flow, 28);
        assert_eq!(d.since(3 * BLOCK + 1), Ok(0));
        assert_eq!(d.since(3 * BLOCK), Ok(-7));
        assert_eq!(d.since(2 * BLOCK), Ok(18));
        assert_eq!(d.since(BLOCK), Ok(28));
        assert_eq!(d.since(1), Ok(28));
    }

    #[test]
    fn trades_in_one_block_share_its_mark_however_many_they_are() {
        // given a trade in one block, then more trades in the next than the record has marks
        let mut blocks = vec![(BLOCK, 1)];
        blocks.extend((0..2 * MARKS).map(|_| (2 * BLOCK, 1)));
        let d = traded(&blocks);
        // then the first block's mark is still there: a reading of the second knows its flow only
        assert_eq!(d.since(2 * BLOCK), Ok(2 * MARKS as i128));
        assert_eq!(d.floor, 0);
    }

    #[test]
    fn a_reading_older_than_the_record_knows_only_what_left_it() {
        let blocks: Vec<(u64, i128)> = (1..=20).map(|b| (b * BLOCK, 1)).collect();
        let d = traded(&blocks);
        assert_eq!(d.flow, 20);
        // Blocks 9..=20 are marked; 1..=8 left the record and are taken as known.
        assert_eq!(d.floor, 8);
        assert_eq!(d.since(9 * BLOCK), Ok(12));
        assert_eq!(d.since(BLOCK), Ok(12));
        assert_eq!(d.since(10 * BLOCK), Ok(11));
    }

    #[test]
    fn overflow_leaves_the_record_unchanged() {
        let mut d = traded(&[(BLOCK, i128::MAX)]);
        let before = d;
        assert_eq!(d.record(2 * BLOCK, 1), Err(CurveError::Overflow));
        assert_eq!(d, before);
    }
}
