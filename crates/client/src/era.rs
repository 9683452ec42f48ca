//! How long a signed transaction stays valid: its mortal era, in blocks from the best block it
//! is signed at. A call that refuses to run after a deadline of its own (a swap, a rebalance)
//! should not stay valid much longer than that deadline: landing late, it reverts and still pays
//! its fee.

use crate::node::RuntimeConfig;

/// How many blocks a transaction stays valid for after the best block it was signed at (about six
/// minutes of 6-second blocks): long enough to outlast a busy pool, short enough that a stuck one
/// expires before its purpose is stale. A call with a deadline of its own asks for less
/// ([`SendLimits::valid_for_ms`], [`era_blocks`]).
pub const MORTAL_BLOCKS: u64 = 64;

/// The shortest era a transaction can have, in blocks.
pub const MIN_ERA_BLOCKS: u64 = 4;

/// How many blocks a transaction asked to stay valid for `valid_for_ms` lives: the longest era
/// (a power of two, as eras are) whose blocks at `block_ms` each fit in that time, at most
/// [`MORTAL_BLOCKS`] and at least [`MIN_ERA_BLOCKS`]. Without a time asked, or without a known
/// block time, [`MORTAL_BLOCKS`]. A chain that skips slots makes blocks slower than `block_ms`,
/// so a caller whose call refuses to run after a deadline asks for a part of the time left.
pub fn era_blocks(valid_for_ms: Option<u64>, block_ms: Option<u64>) -> u64 {
    let (Some(valid), Some(block)) = (valid_for_ms, block_ms.filter(|b| *b > 0)) else {
        return MORTAL_BLOCKS;
    };
    let fits = valid / block;
    if fits < MIN_ERA_BLOCKS {
        return MIN_ERA_BLOCKS;
    }
    // The highest power of two at most `fits` (`fits >= 4`, so `ilog2` is defined).
    (1u64 << fits.ilog2()).min(MORTAL_BLOCKS)
}

/// The chain's expected block time (ms): twice `Timestamp::MinimumPeriod`, the slot of the
/// Aura and BABE chains that set it so; `None` when the chain does not say.
pub(crate) fn block_ms(api: &subxt::OnlineClient<RuntimeConfig>) -> Option<u64> {
    let period = api
        .constants()
        .at(&subxt::dynamic::constant("Timestamp", "MinimumPeriod"))
        .ok()?
        .as_type::<u64>()
        .ok()?;
    period.checked_mul(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_era_is_the_longest_power_of_two_of_blocks_that_fits_the_time_asked() {
        // 6-second blocks: 60 s fits 10 blocks, so 8; 120 s fits 20, so 16
        assert_eq!(era_blocks(Some(60_000), Some(6_000)), 8);
        assert_eq!(era_blocks(Some(120_000), Some(6_000)), 16);
        // exactly a power of two fits it
        assert_eq!(era_blocks(Some(96_000), Some(6_000)), 16);
        // 12-second blocks
        assert_eq!(era_blocks(Some(60_000), Some(12_000)), 4);
    }

    #[test]
    fn an_era_stays_between_the_shortest_and_the_default() {
        // a time shorter than four blocks still gets the shortest era
        assert_eq!(era_blocks(Some(1_000), Some(6_000)), MIN_ERA_BLOCKS);
        assert_eq!(era_blocks(Some(0), Some(6_000)), MIN_ERA_BLOCKS);
        // a dev chain's 10 ms "blocks" or a long time never go past the default
        assert_eq!(era_blocks(Some(60_000), Some(10)), MORTAL_BLOCKS);
        assert_eq!(era_blocks(Some(u64::MAX), Some(1)), MORTAL_BLOCKS);
        // no time asked, or a chain that does not say its block time
        assert_eq!(era_blocks(None, Some(6_000)), MORTAL_BLOCKS);
        assert_eq!(era_blocks(Some(60_000), None), MORTAL_BLOCKS);
        assert_eq!(era_blocks(Some(60_000), Some(0)), MORTAL_BLOCKS);
    }
}
