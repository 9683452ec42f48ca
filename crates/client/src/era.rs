//! How long a signed transaction stays valid: its mortal era, in blocks from the best block it
//! is signed at. A call that refuses to run after a deadline of its own (a swap, a rebalance)
//! should not stay valid much longer than that deadline: landing late, it reverts and still pays
//! its fee.

use crate::error::{classify, NodeError};
use crate::node::{Api, RuntimeConfig};
use parity_scale_codec::Decode;
use subxt::backend::legacy::rpc_methods::NumberOrHex;
use subxt::backend::legacy::LegacyRpcMethods;
use subxt::config::Header as _;
use subxt::utils::Era;
use subxt::utils::H256;

/// How many blocks a transaction stays valid for after the best block it was signed at (about six
/// minutes of 6-second blocks): long enough to outlast a busy pool, short enough that a stuck one
/// expires before its purpose is stale. A call with a deadline of its own asks for less
/// (`SendLimits::valid_for_ms`, [`era_blocks`]).
pub const MORTAL_BLOCKS: u64 = 64;

/// The shortest era a transaction can have, in blocks.
pub const MIN_ERA_BLOCKS: u64 = 4;

/// The era of a call with a deadline on a chain whose block time is not known, in blocks.
pub const UNKNOWN_BLOCK_TIME_ERA: u64 = 8;

/// How many blocks before the best one a measured block time averages over.
pub const MEASURED_BLOCKS: u64 = 16;

/// How many blocks a transaction asked to stay valid for `valid_for_ms` lives: the longest era
/// (a power of two, as eras are) whose blocks at `block_ms` each fit in that time, at most
/// [`MORTAL_BLOCKS`] and at least [`MIN_ERA_BLOCKS`] (so at blocks slower than a quarter of the
/// time asked, longer than it). Without a time asked, [`MORTAL_BLOCKS`]; with one and no known
/// block time, [`UNKNOWN_BLOCK_TIME_ERA`]. A chain that skips slots makes blocks slower than
/// `block_ms`, so a caller whose call refuses to run after a deadline asks for a part of the time
/// left.
pub fn era_blocks(valid_for_ms: Option<u64>, block_ms: Option<u64>) -> u64 {
    let Some(valid) = valid_for_ms else {
        return MORTAL_BLOCKS;
    };
    let Some(block) = block_ms.filter(|b| *b > 0) else {
        return UNKNOWN_BLOCK_TIME_ERA;
    };
    let fits = valid / block;
    if fits < MIN_ERA_BLOCKS {
        return MIN_ERA_BLOCKS;
    }
    // The highest power of two at most `fits` (`fits >= 4`, so `ilog2` is defined).
    (1u64 << fits.ilog2()).min(MORTAL_BLOCKS)
}

/// The chain's block time (ms) as it runs: the mean gap between the timestamps of `best` and the
/// block [`MEASURED_BLOCKS`] before it, slots it skipped included, whatever its constants say (a
/// parachain with async backing sets `Timestamp::MinimumPeriod` to 0); on a younger chain twice
/// `MinimumPeriod`, the slot of Aura and BABE chains that set it so; `None` when neither is known.
pub(crate) async fn block_ms(
    api: &Api,
    rpc: &LegacyRpcMethods<RuntimeConfig>,
    best: &<RuntimeConfig as subxt::Config>::Header,
) -> Option<u64> {
    match measured(api, rpc, best).await {
        Some(ms) => Some(ms),
        None => slot_ms(api),
    }
}

/// The mortal period of the transaction `tx` in `block` (`None`: immortal).
pub(crate) async fn included_era(api: &Api, block: H256, tx: H256) -> Result<Option<u64>, NodeError> {
    let extrinsics = api
        .blocks()
        .at(block)
        .await
        .map_err(classify)?
        .extrinsics()
        .await
        .map_err(classify)?;
    let signed = extrinsics
        .iter()
        .find(|e| e.hash() == tx)
        .ok_or_else(|| NodeError::Decode(format!("block {block:?} does not hold {tx:?}")))?;
    // Decoded from its SCALE bytes: runtimes describe the era's type with variants `Mortal1` ..
    // `Mortal255`, which the type-directed decoding of `Era` does not know.
    let Some(extensions) = signed.signed_extensions() else {
        return Ok(None);
    };
    let Some(mortality) = extensions.iter().find(|e| e.name() == "CheckMortality") else {
        return Ok(None);
    };
    let era = Era::decode(&mut mortality.bytes()).map_err(|e| NodeError::Decode(e.to_string()))?;
    Ok(match era {
        Era::Mortal { period, .. } => Some(period),
        Era::Immortal => None,
    })
}

async fn measured(
    api: &Api,
    rpc: &LegacyRpcMethods<RuntimeConfig>,
    best: &<RuntimeConfig as subxt::Config>::Header,
) -> Option<u64> {
    let before = u64::from(best.number).checked_sub(MEASURED_BLOCKS)?;
    let then_at = rpc
        .chain_get_block_hash(Some(NumberOrHex::Number(before)))
        .await
        .ok()??;
    let now = timestamp(api, best.hash()).await?;
    let then = timestamp(api, then_at).await?;
    Some(now.checked_sub(then)? / MEASURED_BLOCKS).filter(|ms| *ms > 0)
}

async fn timestamp(api: &Api, at: H256) -> Option<u64> {
    api.storage()
        .at(at)
        .fetch(&subxt::dynamic::storage("Timestamp", "Now", ()))
        .await
        .ok()??
        .as_type::<u64>()
        .ok()
}

fn slot_ms(api: &Api) -> Option<u64> {
    let period = api
        .constants()
        .at(&subxt::dynamic::constant("Timestamp", "MinimumPeriod"))
        .ok()?
        .as_type::<u64>()
        .ok()?;
    period.checked_mul(2).filter(|ms| *ms > 0)
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
        // no time asked: the default; a time asked on a chain whose block time is unknown: short
        assert_eq!(era_blocks(None, Some(6_000)), MORTAL_BLOCKS);
        assert_eq!(era_blocks(Some(60_000), None), UNKNOWN_BLOCK_TIME_ERA);
        assert_eq!(era_blocks(Some(60_000), Some(0)), UNKNOWN_BLOCK_TIME_ERA);
    }
}
