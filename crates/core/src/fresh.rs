//! Liquidity too fresh to count as a venue's depth.
//!
//! A rebalance sells its excess in slices sized to the venue's depth, so that a sandwich around a
//! slice costs its author more in the venue's fees than the pool's tolerance lets them take. An
//! account that can add liquidity to the venue for the attack (in the rebalance's block, or the
//! block before) breaks that: as most of the venue's liquidity it takes back most of the fees its
//! own trades pay, and the depth it lent makes the slice as large as the whole excess. So the
//! depth a venue reports leaves out liquidity minted in the last [`FRESH_LIQUIDITY_MS`] (up to
//! twice that): lent liquidity counts only once it has stood in the venue as long, open to every
//! trade in between, as a provider's does.
//!
//! Minted shares are counted in two windows of [`FRESH_LIQUIDITY_MS`] (the current one and the one
//! before), so the record is two numbers whatever the flow, and no later deposit can make an
//! earlier one count sooner. The venue keeps one record in all and one for each provider (its
//! shares cannot be transferred): a provider's burnt shares come off its own fresh count first
//! (the newest first), and the same amounts off the venue's ([`FreshShares::take_up_to`],
//! [`FreshShares::take`]). So liquidity deposited and withdrawn again leaves the depth as it was,
//! and a provider's exit with shares that counted lowers the depth, instead of letting someone
//! else's fresh shares count in their place. A venue's first deposit is never fresh: it is the
//! venue.

use crate::math::{mul_div_u128, Rounding};
use crate::rebalance::VenueDepth;
use crate::CurveError;

/// How long minted venue liquidity stays out of the venue's depth, at the least (ms).
pub const FRESH_LIQUIDITY_MS: u64 = 600_000;

/// Fresh shares a burn took off a provider's record, by window (the same come off the venue's).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Taken {
    current: u128,
    previous: u128,
}

/// Venue shares minted in the current window of [`FRESH_LIQUIDITY_MS`] and the one before it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(
    feature = "scale",
    derive(parity_scale_codec::Encode, parity_scale_codec::Decode, scale_info::TypeInfo)
)]
#[cfg_attr(
    all(feature = "ink", feature = "std"),
    derive(ink::storage::traits::StorageLayout)
)]
pub struct FreshShares {
    /// The current window's index: block time over [`FRESH_LIQUIDITY_MS`].
    window: u64,
    current: u128,
    previous: u128,
}

impl FreshShares {
    /// Records `shares` minted at block time `now_ms`.
    pub fn minted(&mut self, now_ms: u64, shares: u128) {
        self.roll(now_ms);
        self.current = self.current.saturating_add(shares);
    }

    /// Takes up to `shares` off the fresh count at block time `now_ms`, the current window's
    /// first: a provider's record when its shares are burnt. Returns what came off each window.
    pub fn take_up_to(&mut self, now_ms: u64, shares: u128) -> Taken {
        self.roll(now_ms);
        let current = shares.min(self.current);
        let previous = shares.saturating_sub(current).min(self.previous);
        let taken = Taken { current, previous };
        self.take(now_ms, taken);
        taken
    }

    /// Takes `taken` off the fresh count at block time `now_ms`, window by window: the venue's
    /// record when a provider's fresh shares are burnt.
    pub fn take(&mut self, now_ms: u64, taken: Taken) {
        self.roll(now_ms);
        self.current = self.current.saturating_sub(taken.current);
        self.previous = self.previous.saturating_sub(taken.previous);
    }

    /// Whether no share is fresh at `now_ms` (a provider's record the venue may drop).
    pub fn is_empty(&self, now_ms: u64) -> bool {
        self.fresh(now_ms) == 0
    }

    /// Moves the record to `now_ms`'s window; a time in an earlier window than the record's
    /// (block time never goes back) counts in the record's.
    fn roll(&mut self, now_ms: u64) {
        let window = now_ms / FRESH_LIQUIDITY_MS;
        if window <= self.window {
            return;
        }
        self.previous = if window == self.window.saturating_add(1) {
            self.current
        } else {
            0
        };
        self.current = 0;
        self.window = window;
    }

    /// The shares still fresh at block time `now_ms`: those minted in its window and the one
    /// before (from none to twice [`FRESH_LIQUIDITY_MS`] ago), less those burnt since.
    pub fn fresh(&self, now_ms: u64) -> u128 {
        let window = now_ms / FRESH_LIQUIDITY_MS;
        if window <= self.window {
            self.current.saturating_add(self.previous)
        } else if window == self.window.saturating_add(1) {
            self.current
        } else {
            0
        }
    }

    /// `depth` with both reserves cut to the part of `total_shares` that is not fresh at
    /// `now_ms`, rounded down (the venue's price, their ratio, unchanged but for rounding).
    ///
    /// # Errors
    /// [`CurveError::Overflow`].
    pub fn seasoned(
        &self,
        depth: VenueDepth,
        total_shares: u128,
        now_ms: u64,
    ) -> Result<VenueDepth, CurveError> {
        let fresh = self.fresh(now_ms);
        if fresh == 0 || total_shares == 0 {
            return Ok(depth);
        }
        let kept = total_shares.saturating_sub(fresh);
        let cut = |reserve: u128| mul_div_u128(reserve, kept, total_shares, Rounding::Down);
        Ok(VenueDepth {
            reserve_in: cut(depth.reserve_in)?,
            reserve_out: cut(depth.reserve_out)?,
            fee_bps: depth.fee_bps,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: u64 = FRESH_LIQUIDITY_MS;

    fn depth(reserve_in: u128, reserve_out: u128) -> VenueDepth {
        VenueDepth {
            reserve_in,
            reserve_out,
            fee_bps: 30,
        }
    }

    #[test]
    fn minted_shares_stay_fresh_for_at_least_the_window_and_at_most_two() {
        for offset in [0, 1, W / 2, W - 1] {
            // given shares minted `offset` into a window
            let minted_at = 7 * W + offset;
            let mut fresh = FreshShares::default();
            fresh.minted(minted_at, 100);
            // then they are fresh for the whole window after them, and not past the next
            assert_eq!(fresh.fresh(minted_at), 100);
            assert_eq!(fresh.fresh(minted_at + W - 1), 100, "offset {offset}");
            assert_eq!(fresh.fresh(9 * W - 1), 100, "offset {offset}");
            assert_eq!(fresh.fresh(9 * W), 0, "offset {offset}");
            // and the record may be dropped only then
            assert!(!fresh.is_empty(9 * W - 1), "offset {offset}");
            assert!(fresh.is_empty(9 * W), "offset {offset}");
        }
    }

    #[test]
    fn a_later_deposit_never_makes_an_earlier_one_count_sooner() {
        // given a large deposit at the end of a window
        let mut fresh = FreshShares::default();
        fresh.minted(3 * W - 1, 1_000);
        // when small deposits follow, one in each later moment of the next window
        for t in [3 * W, 3 * W + 1, 4 * W - 1] {
            fresh.minted(t, 1);
            // then the large one is still fresh
            assert!(fresh.fresh(t) >= 1_000, "at {t}: {}", fresh.fresh(t));
        }
        // and a deposit two windows on forgets both earlier windows
        fresh.minted(5 * W, 5);
        assert_eq!(fresh.fresh(5 * W), 5);
    }

    #[test]
    fn the_depth_leaves_fresh_liquidity_out_and_keeps_the_price() {
        // given a venue of 1,000 shares, 960 of them minted just now
        let mut fresh = FreshShares::default();
        fresh.minted(W, 960);
        let deep = depth(25_000_000, 250_000_000);
        // then its depth is the other 40 shares' part, at the same price
        let seasoned = fresh.seasoned(deep, 1_000, W + 6_000).expect("depth");
        assert_eq!(seasoned, depth(1_000_000, 10_000_000));
        // and, once they have stood the window, all of it
        assert_eq!(fresh.seasoned(deep, 1_000, 3 * W).expect("depth"), deep);
        // and a venue without shares reports its reserves as they are, whatever it recorded
        assert_eq!(FreshShares::default().seasoned(deep, 0, W).expect("depth"), deep);
        assert_eq!(fresh.seasoned(deep, 0, W + 6_000).expect("depth"), deep);
    }

    /// A venue's records: its own and each provider's, as the venue contract keeps them.
    #[derive(Default)]
    struct Venue {
        all: FreshShares,
        of: [FreshShares; 2],
        total: u128,
    }

    impl Venue {
        /// A venue of `total` shares, none of them fresh.
        fn seasoned(total: u128) -> Venue {
            Venue {
                total,
                ..Venue::default()
            }
        }

        fn deposit(&mut self, who: usize, now: u64, shares: u128) {
            self.all.minted(now, shares);
            self.of[who].minted(now, shares);
            self.total += shares;
        }

        fn withdraw(&mut self, who: usize, now: u64, shares: u128) {
            let taken = self.of[who].take_up_to(now, shares);
            self.all.take(now, taken);
            self.total -= shares;
        }

        /// The shares that count toward the depth.
        fn counted(&self, now: u64) -> u128 {
            self.total.saturating_sub(self.all.fresh(now))
        }
    }

    #[test]
    fn liquidity_deposited_and_withdrawn_again_leaves_the_depth_as_it_was() {
        // given a venue of 1,000 seasoned shares
        let mut venue = Venue::seasoned(1_000);
        // when an account deposits as much again and withdraws it, once or in ten rounds
        for rounds in [1u128, 10] {
            for _ in 0..rounds {
                venue.deposit(0, W, 1_000 / rounds);
                venue.withdraw(0, W, 1_000 / rounds);
            }
            // then every share counts
            assert_eq!(venue.counted(W), 1_000, "{rounds} rounds");
        }
    }

    #[test]
    fn another_providers_exit_lowers_the_depth_and_counts_no_fresh_share() {
        // given 1,000 seasoned shares of provider 1 and 99,000 fresh ones of provider 0
        let mut venue = Venue::seasoned(1_000);
        venue.deposit(0, W, 99_000);
        assert_eq!(venue.counted(W), 1_000);
        // when provider 1 withdraws 900 of its seasoned shares
        venue.withdraw(1, W + 1, 900);
        // then only its remaining 100 count: provider 0's fresh shares do not take their place
        assert_eq!(venue.counted(W + 1), 100);
        // and a provider's withdrawal takes its newest shares first: of deposits at the end of
        // one window and the start of the next, the 400 left are the older deposit's, which
        // count once a whole window has passed since it, not before
        let mut venue = Venue::seasoned(1_000);
        venue.deposit(0, 2 * W - 1, 500);
        venue.deposit(0, 2 * W, 500);
        venue.withdraw(0, 2 * W + 1, 600);
        assert_eq!(venue.counted(2 * W + 1), 1_000);
        assert_eq!(venue.counted(3 * W - 1), 1_000);
        assert_eq!(venue.counted(3 * W), 1_400);
    }

    #[test]
    fn no_deposit_or_withdrawal_raises_the_shares_that_count() {
        // given fresh deposits of two providers in two windows beside 1,000 seasoned shares
        let mut venue = Venue::seasoned(1_000);
        venue.deposit(0, W, 300);
        venue.deposit(1, 2 * W + 5, 200);
        // when withdrawals of any size follow, by either, then the counted shares never rise
        let now = 2 * W + 10;
        let mut before = venue.counted(now);
        assert_eq!(before, 1_000);
        for (who, burnt) in [(0, 50u128), (1, 250), (0, 100), (1, 400)] {
            venue.withdraw(who, now, burnt);
            let after = venue.counted(now);
            assert!(
                after <= before,
                "provider {who} burning {burnt}: {before} -> {after}"
            );
            before = after;
        }
        // and a time behind the record's window counts in it, forgetting nothing
        let mut late = FreshShares::default();
        late.minted(5 * W, 100);
        late.minted(4 * W, 10);
        assert_eq!(late.fresh(5 * W), 110);
    }
}
