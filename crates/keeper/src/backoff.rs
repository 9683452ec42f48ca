//! Per-pool backoff after failed calls: exponential, bounded, reset by a success. A backoff counts
//! in the backend's clock (`Chain::clock_ms`): block time, except on a node of a chain declared
//! for development, where it is the later of the block time and the machine's, because a dev
//! chain's clock stands still until a transaction comes, and a keeper whose own transaction
//! failed would otherwise wait for someone else's.

/// The machine's clock (ms since the Unix epoch): what the reporter's backoff and submit policy
/// and the keeper's pass metric are stamped with, because an idle chain's clock stands still (the
/// bots pace their rounds with a monotonic clock).
pub fn wall_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or_default()
}

/// The time a node's keeper counts its backoff in: on a chain declared for development
/// (`dev_chain`), which seals a block only for a transaction, the later of the head's time and
/// the machine's clock; elsewhere the head's time, so a halted chain holds the backoff.
pub fn backoff_clock_ms(dev_chain: bool, head_ms: u64, wall_ms: u64) -> u64 {
    if dev_chain {
        head_ms.max(wall_ms)
    } else {
        head_ms
    }
}

/// How long to stay away from a pool after failures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    /// Delay after the first failure (ms).
    pub base_ms: u64,
    /// Longest delay, however many failures (ms).
    pub max_ms: u64,
}

impl Backoff {
    /// Delay after `failures` consecutive failures: `base * 2^(failures - 1)`, at most `max`.
    pub fn delay_ms(&self, failures: u32) -> u64 {
        if failures == 0 {
            return 0;
        }
        let doublings = failures.saturating_sub(1).min(63);
        self.base_ms
            .checked_mul(1u64 << doublings)
            .unwrap_or(u64::MAX)
            .min(self.max_ms)
    }
}

/// A pool's recent failure record, as the keeper keeps it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Health {
    /// Consecutive failed attempts.
    pub failures: u32,
    /// No new attempt before this time on the backoff's clock (ms).
    pub retry_at_ms: u64,
}

impl Health {
    pub fn record_failure(&mut self, now_ms: u64, backoff: &Backoff) {
        self.failures = self.failures.saturating_add(1);
        self.retry_at_ms = now_ms.saturating_add(backoff.delay_ms(self.failures));
    }

    pub fn record_success(&mut self) {
        *self = Health::default();
    }

    /// The record with its retry time moved onto the block time `chain_ms`, where the backoff's
    /// clock reads `clock_ms` (at least `chain_ms`): the wait left is the same on both, so a
    /// decision made in block time honours a backoff kept on another clock.
    #[must_use]
    pub fn on_chain_clock(&self, chain_ms: u64, clock_ms: u64) -> Health {
        let ahead = clock_ms.saturating_sub(chain_ms);
        Health {
            failures: self.failures,
            retry_at_ms: self.retry_at_ms.saturating_sub(ahead),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: Backoff = Backoff {
        base_ms: 6_000,
        max_ms: 60_000,
    };

    #[test]
    fn delay_doubles_then_caps() {
        let delays: Vec<u64> = (0..7).map(|n| B.delay_ms(n)).collect();
        assert_eq!(delays, [0, 6_000, 12_000, 24_000, 48_000, 60_000, 60_000]);
        assert_eq!(B.delay_ms(u32::MAX), 60_000);
    }

    #[test]
    fn only_a_dev_chain_lets_the_machines_clock_run_the_backoff() {
        // a chain stood still at 40 s while the machine's clock reads 100 s
        assert_eq!(backoff_clock_ms(true, 40_000, 100_000), 100_000);
        assert_eq!(backoff_clock_ms(false, 40_000, 100_000), 40_000);
        // a machine's clock behind the chain's never turns the backoff back
        assert_eq!(backoff_clock_ms(true, 40_000, 10_000), 40_000);
    }

    #[test]
    fn a_backoff_kept_on_a_clock_ahead_of_the_chain_ends_when_that_clock_passes_it() {
        // given: a failure at clock 100,000 on a chain whose head is stuck at 40,000
        let mut h = Health::default();
        h.record_failure(100_000, &B);
        // then: on the chain's time the wait left is the same 6 s, and once the clock has
        // passed it the stuck head's time is past it too
        assert_eq!(h.on_chain_clock(40_000, 100_000).retry_at_ms, 46_000);
        assert_eq!(h.on_chain_clock(40_000, 106_000).retry_at_ms, 40_000);
        // a clock equal to the chain's changes nothing
        assert_eq!(h.on_chain_clock(100_000, 100_000), h);
    }

    #[test]
    fn failures_push_retry_out_and_success_resets() {
        let mut h = Health::default();
        h.record_failure(1_000, &B);
        assert_eq!((h.failures, h.retry_at_ms), (1, 7_000));
        h.record_failure(7_000, &B);
        assert_eq!((h.failures, h.retry_at_ms), (2, 19_000));
        h.record_success();
        assert_eq!(h, Health::default());
    }
}
