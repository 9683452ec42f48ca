//! When a reading is worth a transaction: on a deviation from the last submitted price or a
//! heartbeat, never twice in a block, never stamped ahead of the chain, never older than the
//! feed would accept, and never out of order.
//!
//! A reading is stamped no later than the head's time ([`stamped`]): the oracle refuses a reading
//! observed after the block it lands in, and the dry-run runs at the head, whose time trails the
//! machine's clock by up to a block (on an idle dev chain, by as long as it has been idle). The
//! stamp then claims the reading a little older than it is: the pool's age-scaled fee sees it
//! older, never fresher, and its discovery keeps at most that stretch's own flow.

use crate::chain::Head;
use crate::combine::{deviation_bps, Reading};

/// The submission rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Submit when the price has moved this far from the last submission (basis points); 0 for
    /// no deviation trigger (heartbeats alone).
    pub deviation_bps: u32,
    /// Submit when the last submission's observation is this old, whatever the price (ms); 0 for
    /// no heartbeat (deviations alone).
    pub heartbeat_ms: u64,
    /// The feed's expiry: a reading observed longer ago than this before the head is refused
    /// by the oracle (ms).
    pub expiry_ms: u64,
}

/// The last reading this reporter had included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Submitted {
    pub price: u128,
    pub observed_ms: u64,
    /// The block it was included in.
    pub block: u64,
}

/// Why to submit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// No reading of this key on chain yet (a restarted reporter goes on from the one there).
    First,
    /// The price moved this far (basis points, rounded up).
    Deviation { bps: u128 },
    /// The last submission's observation is this old (ms).
    Heartbeat { age_ms: u64 },
}

impl Trigger {
    /// The metric label for this trigger.
    pub fn label(&self) -> &'static str {
        match self {
            Trigger::First => "first",
            Trigger::Deviation { .. } => "deviation",
            Trigger::Heartbeat { .. } => "heartbeat",
        }
    }
}

/// Why not, for now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hold {
    /// A submission was already included in the head block.
    SameBlock,
    /// The reading is older than the feed's expiry at the head.
    Expired { age_ms: u64 },
    /// The reading is no newer than the last submission's.
    NotNewer,
    /// Within the deviation threshold and before the heartbeat (ms until it; 0 with no heartbeat).
    Quiet { bps: u128, heartbeat_in_ms: u64 },
}

/// `reading` stamped no later than `head`'s time.
pub fn stamped(reading: &Reading, head: Head) -> Reading {
    Reading {
        observed_ms: reading.observed_ms.min(head.time_ms),
        ..*reading
    }
}

/// The decision for one round.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Submit(Trigger),
    Hold(Hold),
}

impl Policy {
    /// This policy held to a feed whose readings expire after `feed_expiry_ms`: the shorter of
    /// the two expiries, and a heartbeat shortened by as much as the expiry was, so the margin the
    /// configuration keeps between them (a round and its inclusion) stays. A heartbeat the cut
    /// would use up becomes 1 ms: a submission every round, as the feed then needs.
    #[must_use]
    pub fn within_expiry(self, feed_expiry_ms: u64) -> Policy {
        let cut = self.expiry_ms.saturating_sub(feed_expiry_ms);
        let heartbeat_ms = if self.heartbeat_ms == 0 {
            0
        } else {
            self.heartbeat_ms.saturating_sub(cut).max(1)
        };
        Policy {
            heartbeat_ms,
            expiry_ms: self.expiry_ms.min(feed_expiry_ms),
            ..self
        }
    }

    /// The longest a reporter may stay quiet, backing off after failures, without leaving the
    /// feed to lapse: the heartbeat, or half the expiry where there is none.
    pub fn quiet_limit_ms(&self) -> u64 {
        if self.heartbeat_ms > 0 {
            self.heartbeat_ms
        } else {
            self.expiry_ms / 2
        }
    }

    /// Decides whether to submit `reading` now, given the `last` submission included on chain
    /// (if any) and the chain's `head`.
    /// `reading` must be [`stamped`] at `head`; `now_ms` is the machine's clock. Its age is
    /// taken at the later of the head's time and the clock: the block the reading lands in is no
    /// earlier than either (an idle dev chain seals it at the clock's time).
    pub fn decide(&self, reading: &Reading, last: Option<&Submitted>, head: Head, now_ms: u64) -> Decision {
        let age_ms = head.time_ms.max(now_ms).saturating_sub(reading.observed_ms);
        if age_ms > self.expiry_ms {
            return Decision::Hold(Hold::Expired { age_ms });
        }
        let Some(last) = last else {
            return Decision::Submit(Trigger::First);
        };
        if last.block >= head.number {
            return Decision::Hold(Hold::SameBlock);
        }
        if reading.observed_ms <= last.observed_ms {
            return Decision::Hold(Hold::NotNewer);
        }
        let bps = deviation_bps(reading.price, last.price);
        if self.deviation_bps > 0 && bps >= u128::from(self.deviation_bps) {
            return Decision::Submit(Trigger::Deviation { bps });
        }
        let since_ms = reading.observed_ms - last.observed_ms;
        if self.heartbeat_ms > 0 && since_ms >= self.heartbeat_ms {
            return Decision::Submit(Trigger::Heartbeat { age_ms: since_ms });
        }
        Decision::Hold(Hold::Quiet {
            bps,
            heartbeat_in_ms: self.heartbeat_ms.saturating_sub(since_ms),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use keel_core::ONE;

    #[test]
    fn a_shorter_feed_expiry_shortens_the_heartbeat_by_as_much() {
        let configured = Policy {
            deviation_bps: 50,
            heartbeat_ms: 30_000,
            expiry_ms: 60_000,
        };
        let fit = |feed_expiry_ms| {
            let p = configured.within_expiry(feed_expiry_ms);
            (p.heartbeat_ms, p.expiry_ms)
        };
        assert_eq!(fit(90_000), (30_000, 60_000));
        assert_eq!(fit(60_000), (30_000, 60_000));
        assert_eq!(fit(50_000), (20_000, 50_000));
        assert_eq!(fit(30_000), (1, 30_000));
        let deviation_only = Policy {
            heartbeat_ms: 0,
            ..configured
        };
        assert_eq!(deviation_only.within_expiry(10_000).heartbeat_ms, 0);
    }

    const T: u64 = 1_700_000_000_000;
    const POLICY: Policy = Policy {
        deviation_bps: 50,
        heartbeat_ms: 30_000,
        expiry_ms: 60_000,
    };
    const LAST: Submitted = Submitted {
        price: 100 * ONE,
        observed_ms: T,
        block: 10,
    };

    fn reading(price: u128, observed_ms: u64) -> Reading {
        Reading {
            price,
            observed_ms,
            sources: 3,
        }
    }

    fn head(number: u64, time_ms: u64) -> Head {
        Head { number, time_ms }
    }

    #[test]
    fn with_no_heartbeat_only_a_move_goes_out() {
        let deviations = Policy {
            heartbeat_ms: 0,
            ..POLICY
        };
        let later = T + 50_000;
        assert_eq!(
            deviations.decide(&reading(100 * ONE, later), Some(&LAST), head(20, later), later),
            Decision::Hold(Hold::Quiet {
                bps: 0,
                heartbeat_in_ms: 0
            })
        );
        let moved = reading(ONE * 1_005 / 10, later);
        assert_eq!(
            deviations.decide(&moved, Some(&LAST), head(20, later), later),
            Decision::Submit(Trigger::Deviation { bps: 50 })
        );
    }

    #[test]
    fn with_no_deviation_trigger_only_the_heartbeat_goes_out() {
        let heartbeats = Policy {
            deviation_bps: 0,
            ..POLICY
        };
        let at = T + 6_000;
        let moved = reading(ONE * 110, at);
        assert_eq!(
            heartbeats.decide(&moved, Some(&LAST), head(11, at), at),
            Decision::Hold(Hold::Quiet {
                bps: 1_000,
                heartbeat_in_ms: 24_000
            })
        );
        let later = T + 30_000;
        assert_eq!(
            heartbeats.decide(&reading(100 * ONE, later), Some(&LAST), head(15, later), later),
            Decision::Submit(Trigger::Heartbeat { age_ms: 30_000 })
        );
    }

    #[test]
    fn the_quiet_limit_is_the_heartbeat_or_half_the_expiry_without_one() {
        assert_eq!(POLICY.quiet_limit_ms(), 30_000);
        let deviation_only = Policy {
            heartbeat_ms: 0,
            ..POLICY
        };
        assert_eq!(deviation_only.quiet_limit_ms(), 30_000);
        assert_eq!(POLICY.within_expiry(40_000).quiet_limit_ms(), 10_000);
    }

    #[test]
    fn the_first_reading_goes_out_and_then_only_a_move_or_the_heartbeat() {
        let decide = |r, at| POLICY.decide(&r, Some(&LAST), head(11, at), at);
        assert_eq!(
            POLICY.decide(&reading(ONE, T), None, head(1, T), T),
            Decision::Submit(Trigger::First)
        );
        assert_eq!(
            decide(reading(ONE * 1_004 / 10, T + 6_000), T + 6_000),
            Decision::Hold(Hold::Quiet {
                bps: 40,
                heartbeat_in_ms: 24_000
            })
        );
        assert_eq!(
            decide(reading(ONE * 1_005 / 10, T + 6_000), T + 6_000),
            Decision::Submit(Trigger::Deviation { bps: 50 })
        );
        assert_eq!(
            decide(reading(ONE * 995 / 10, T + 6_000), T + 6_000),
            Decision::Submit(Trigger::Deviation { bps: 50 })
        );
        assert_eq!(
            decide(reading(100 * ONE, T + 30_000), T + 30_000),
            Decision::Submit(Trigger::Heartbeat { age_ms: 30_000 })
        );
    }

    #[test]
    fn never_twice_in_a_block_nor_out_of_order() {
        let moved = reading(110 * ONE, T + 6_000);
        assert_eq!(
            POLICY.decide(&moved, Some(&LAST), head(10, T + 6_000), T + 6_000),
            Decision::Hold(Hold::SameBlock)
        );
        let older = reading(110 * ONE, T);
        assert_eq!(
            POLICY.decide(&older, Some(&LAST), head(11, T + 6_000), T + 6_000),
            Decision::Hold(Hold::NotNewer)
        );
    }

    #[test]
    fn never_stamped_ahead_of_the_chain_nor_past_the_feed_expiry() {
        let ahead = reading(110 * ONE, T + 7_000);
        assert_eq!(
            stamped(&ahead, head(11, T + 6_000)),
            reading(110 * ONE, T + 6_000)
        );
        assert_eq!(stamped(&ahead, head(12, T + 12_000)), ahead);
        let old = reading(110 * ONE, T);
        assert_eq!(
            POLICY.decide(&old, None, head(30, T + 60_001), T),
            Decision::Hold(Hold::Expired { age_ms: 60_001 })
        );
        assert_eq!(
            POLICY.decide(&old, None, head(30, T + 60_000), T),
            Decision::Submit(Trigger::First)
        );
        // A head older than the clock (an idle chain): the block it lands in is sealed now.
        assert_eq!(
            POLICY.decide(&old, None, head(30, T), T + 60_001),
            Decision::Hold(Hold::Expired { age_ms: 60_001 })
        );
    }
}
