//! A reporter's rounds on an in-memory chain that applies the oracle's own rules
//! (`keel_core::oracle::submit`); the compiled contract's rounds are in `tests/`.

use super::*;
use crate::chain::Included;
use crate::combine::Drop;
use crate::policy::Hold;
use crate::source::Replay;
use crate::volatility::Settings;
use keel_core::oracle::{self, Clock, FeedConfig, OracleData};
use keel_core::ONE;

const T0: u64 = 1_700_000_000_000;
const BLOCK_MS: u64 = 6_000;
const ME: u8 = 1;

/// One feed, the reporter's slot and a rival's, blocks every 6 s; the next call fails when told.
struct Memory {
    slots: Vec<oracle::Slot<u8>>,
    config: FeedConfig,
    head: Head,
    fail_next: Option<ChainError>,
    sent: u32,
}

impl Memory {
    fn new() -> Memory {
        Memory {
            slots: vec![oracle::Slot::new(ME), oracle::Slot::new(2)],
            config: FeedConfig::default(),
            head: Head {
                number: 1,
                time_ms: T0,
            },
            fail_next: None,
            sent: 0,
        }
    }

    fn mine(&mut self) {
        self.head = Head {
            number: self.head.number + 1,
            time_ms: self.head.time_ms + BLOCK_MS,
        };
    }

    fn apply(&mut self, s: &Submission, block: Head) -> Result<(), OracleError> {
        let clock = Clock {
            now_ms: block.time_ms,
            block: block.number,
        };
        oracle::submit(&mut self.slots, &self.config, &ME, s.data(), clock).map(|_| ())
    }

    fn fail(&mut self) -> Result<(), ChainError> {
        self.fail_next.take().map_or(Ok(()), Err)
    }
}

impl Chain for Memory {
    fn head(&mut self) -> Result<Head, ChainError> {
        self.fail()?;
        Ok(self.head)
    }

    fn slot(&mut self, _feed: u32) -> Result<Option<crate::chain::Slot>, ChainError> {
        Ok(self.slots[0].reading.map(|reading| crate::chain::Slot {
            reading,
            block: self.slots[0].block,
        }))
    }

    /// As a node's dry-run: on the head's state, at the head's time.
    fn feed_config(&mut self, feed: u32) -> Result<Option<FeedConfig>, ChainError> {
        Ok((feed == 7).then_some(self.config))
    }

    fn dry_run(&mut self, s: &Submission) -> Result<Result<(), OracleError>, ChainError> {
        let saved = self.slots.clone();
        let answer = self.apply(s, self.head);
        self.slots = saved;
        Ok(answer)
    }

    fn submit(&mut self, s: &Submission) -> Result<Included, ChainError> {
        self.fail()?;
        self.mine();
        self.sent += 1;
        let head = self.head;
        Ok(Included {
            block: head.number,
            result: self.apply(s, head),
        })
    }
}

fn replay(name: &str, rows: &[(u64, f64)]) -> Watched {
    let rows = rows
        .iter()
        .map(|&(s, p)| (s * 1_000, keel_core::fixed::from_f64(p).expect("price")))
        .collect();
    Watched {
        source: Box::new(Replay::new(name, rows)),
        max_age_ms: 30_000,
    }
}

fn reporter(sources: Vec<Watched>) -> Reporter {
    let rules = Rules {
        min_sources: 2,
        max_spread_bps: 100,
    };
    let policy = Policy {
        deviation_bps: 50,
        heartbeat_ms: 30_000,
        expiry_ms: 60_000,
    };
    let backoff = Backoff {
        base_ms: 6_000,
        max_ms: 60_000,
    };
    let vol = Estimator::new(Settings {
        half_life_ms: 1_800_000,
        sample_ms: 30_000,
        prior: ONE / 2,
        floor: 0,
    });
    Reporter::new(7, sources, rules, policy, backoff, vol)
}

/// Three sources over a minute: two honest (10.00 to 10.10), one 20% high throughout.
fn three_sources() -> Vec<Watched> {
    let honest = [(0, 10.0), (6, 10.01), (12, 10.02), (18, 10.10), (60, 10.10)];
    let liar: Vec<(u64, f64)> = honest.iter().map(|&(t, p)| (t, p * 1.2)).collect();
    vec![replay("a", &honest), replay("b", &honest), replay("liar", &liar)]
}

#[test]
fn it_submits_the_honest_median_then_only_on_a_move_or_the_heartbeat() {
    let mut chain = Memory::new();
    let mut r = reporter(three_sources());
    let mut landed = Vec::new();
    for i in 0..10u64 {
        let now = T0 + i * BLOCK_MS;
        let round = r.round(&mut chain, now);
        let outcome = round.outcome.as_ref().expect("combined");
        assert!(
            matches!(outcome.dropped[..], [(2, Drop::Outlier { off_bps })] if off_bps >= 1_999),
            "round {i}: {:?}",
            outcome.dropped
        );
        if let Action::Landed {
            submission, trigger, ..
        } = round.action
        {
            landed.push((i, submission.price, trigger));
        }
        chain.mine();
    }
    let p = |x: f64| keel_core::fixed::from_f64(x).expect("price");
    assert_eq!(landed.len(), 3, "{landed:?}");
    assert_eq!(landed[0], (0, p(10.0), Trigger::First));
    // 10.10 is 100 bps from 10.00: a deviation at the 18 s row.
    assert!(matches!(landed[1], (3, price, Trigger::Deviation { bps: 100 }) if price == p(10.10)));
    // Quiet since: the heartbeat, 30 s after the last submission's observation.
    assert!(matches!(landed[2], (8, _, Trigger::Heartbeat { age_ms: 30_000 })));
    assert_eq!(chain.sent, 3);
    assert_eq!(chain.slots[0].reading.map(|d| d.price), Some(p(10.10)));
}

#[test]
fn with_too_few_agreeing_sources_nothing_is_sent() {
    let mut chain = Memory::new();
    let mut r = reporter(vec![replay("a", &[(0, 10.0)]), replay("liar", &[(0, 12.0)])]);
    let round = r.round(&mut chain, T0);
    assert!(matches!(round.action, Action::Held));
    assert!(round.decision.is_none());
    assert_eq!(chain.sent, 0);
}

#[test]
fn an_unreachable_chain_backs_the_reporter_off_on_the_machine_clock() {
    let mut chain = Memory::new();
    let mut r = reporter(three_sources());
    chain.fail_next = Some(ChainError::Rpc("connection refused".into()));
    assert!(matches!(r.round(&mut chain, T0).action, Action::Unreachable(_)));
    assert!(
        matches!(r.round(&mut chain, T0 + 5_999).action, Action::BackingOff { until_ms } if until_ms == T0 + 6_000)
    );
    assert!(matches!(
        r.round(&mut chain, T0 + 6_000).action,
        Action::Landed { .. }
    ));
    assert_eq!(r.failures(), 0);
}

#[test]
fn a_backoff_never_outlasts_the_heartbeat_the_feeds_expiry_sets() {
    // given: a reporter whose backoff may reach 60 s, on a feed whose owner cut its expiry to
    // 40 s (so its heartbeat to 10 s), and a chain that stops answering
    let mut chain = Memory::new();
    chain.config.expiry_ms = 40_000;
    let mut r = reporter(three_sources());
    // when: three rounds in a row fail, each as soon as the last backoff ends
    let mut now = T0;
    let mut waits = Vec::new();
    for _ in 0..3 {
        chain.fail_next = Some(ChainError::Rpc("connection refused".into()));
        assert!(matches!(r.round(&mut chain, now).action, Action::Unreachable(_)));
        let Action::BackingOff { until_ms } = r.round(&mut chain, now).action else {
            panic!("not backing off")
        };
        waits.push(until_ms - now);
        now = until_ms;
    }
    // then: the delays double from 6 s but never pass the 10 s heartbeat, so the reporter is
    // back before the feed lapses
    assert_eq!(r.policy.heartbeat_ms, 10_000);
    assert_eq!(waits, [6_000, 10_000, 10_000]);
}

#[test]
fn a_clock_set_back_during_a_backoff_does_not_silence_the_reporter() {
    // given: a reporter backing off for 6 s after a failed round
    let mut chain = Memory::new();
    let mut r = reporter(three_sources());
    chain.fail_next = Some(ChainError::Rpc("connection refused".into()));
    assert!(matches!(r.round(&mut chain, T0).action, Action::Unreachable(_)));
    // when: the machine's clock is set back an hour (NTP, a VM resumed)
    let round = r.round(&mut chain, T0 - 3_600_000);
    // then: it reads the chain again at once rather than waiting out the hour
    assert!(
        !matches!(round.action, Action::BackingOff { .. }),
        "{:?}",
        round.action
    );
    assert!(round.head.is_some());
}

#[test]
fn a_refusal_is_explained_and_changes_nothing() {
    let mut chain = Memory::new();
    chain.slots[0] = oracle::Slot::new(9);
    let mut r = reporter(three_sources());
    let round = r.round(&mut chain, T0);
    assert!(
        matches!(round.action, Action::Refused { error: OracleError::NotReporter, words } if words.contains("add_reporter"))
    );
    assert_eq!(chain.sent, 0, "refused at the dry-run, nothing signed");
}

#[test]
fn a_submission_that_landed_unseen_is_read_back_from_the_chain() {
    // given a reading already on chain from this key (an earlier run, or a timed-out wait)
    let mut chain = Memory::new();
    let earlier = OracleData {
        price: 10 * ONE,
        volatility: ONE / 2,
        timestamp: T0,
    };
    chain.mine();
    let head = chain.head;
    chain
        .apply(
            &Submission {
                feed: 7,
                price: earlier.price,
                volatility: earlier.volatility,
                observed_ms: T0,
                expires_ms: T0 + 60_000,
                judged_ms: T0,
            },
            head,
        )
        .expect("earlier");
    // when a new process starts a round in the same block
    let mut r = reporter(three_sources());
    let round = r.round(&mut chain, T0);
    // then it neither repeats the reading nor sends in that block
    assert_eq!(round.decision, Some(Decision::Hold(Hold::SameBlock)));
    assert_eq!(r.last().map(|l| l.observed_ms), Some(T0));
    assert_eq!(chain.sent, 0);
}

#[test]
fn a_dry_run_reporter_signs_nothing() {
    let mut chain = Memory::new();
    let mut r = reporter(three_sources());
    r.dry_run = true;
    assert!(matches!(
        r.round(&mut chain, T0).action,
        Action::WouldSubmit(_, Trigger::First)
    ));
    assert_eq!(chain.sent, 0);
}

#[test]
fn on_a_chain_whose_head_trails_the_clock_the_reading_is_stamped_at_the_head_and_lands() {
    // given an idle dev chain: its head is 45 s older than the machine's clock
    let mut chain = Memory::new();
    let mut r = reporter(three_sources());
    // when the reporter reads its sources now
    let round = r.round(&mut chain, T0 + 45_000);
    // then the reading claims the head's time, which the oracle accepts
    assert!(
        matches!(round.action, Action::Landed { submission, .. } if submission.observed_ms == T0),
        "{:?}",
        round.action
    );
    assert_eq!(chain.slots[0].reading.map(|d| d.timestamp), Some(T0));
}

#[test]
fn a_round_that_finds_nothing_due_clears_the_failure_record() {
    let mut chain = Memory::new();
    let mut r = reporter(three_sources());
    assert!(matches!(r.round(&mut chain, T0).action, Action::Landed { .. }));
    chain.mine();
    chain.fail_next = Some(ChainError::Timeout);
    assert!(matches!(
        r.round(&mut chain, T0 + 6_000).action,
        Action::Unreachable(_)
    ));
    assert_eq!(r.failures(), 1);
    chain.mine();
    let quiet = r.round(&mut chain, T0 + 12_000);
    assert!(
        matches!(quiet.decision, Some(Decision::Hold(Hold::Quiet { .. }))),
        "{:?}",
        quiet.decision
    );
    assert_eq!(r.failures(), 0);
}

#[test]
fn the_feeds_own_expiry_binds_when_it_is_shorter_than_the_configured_one() {
    // given a feed whose readings count for 20 s, and a reporter configured for 60 s
    let mut chain = Memory::new();
    chain.config.expiry_ms = 20_000;
    let mut r = reporter(three_sources());
    // when the chain's head is 25 s behind the reporter's clock (an idle chain)
    let round = r.round(&mut chain, T0 + 25_000);
    // then the reading, stamped at the head, would land expired: it is held, nothing is signed
    assert_eq!(
        round.decision,
        Some(Decision::Hold(Hold::Expired { age_ms: 25_000 }))
    );
    assert_eq!(chain.sent, 0);
}

#[test]
fn a_feed_expiring_sooner_than_configured_is_refreshed_on_a_shorter_heartbeat() {
    // given a feed whose readings count for 50 s, and a reporter configured for a 30 s heartbeat
    // within 60 s: 30 s left between heartbeat and expiry
    let mut chain = Memory::new();
    chain.config.expiry_ms = 50_000;
    let mut r = reporter(three_sources());
    // when the market goes quiet after the 18 s move
    let mut heartbeats = Vec::new();
    for i in 0..10u64 {
        let round = r.round(&mut chain, T0 + i * BLOCK_MS);
        if let Action::Landed {
            trigger: Trigger::Heartbeat { age_ms },
            ..
        } = round.action
        {
            heartbeats.push((i, age_ms));
        }
        chain.mine();
    }
    // then the heartbeat comes 20 s after the last observation (at the 42 s round), not 30 s
    assert_eq!(r.policy.heartbeat_ms, 20_000);
    assert_eq!(heartbeats.first(), Some(&(7, 24_000)), "{heartbeats:?}");
}

#[test]
fn an_owners_change_of_the_feeds_expiry_binds_from_the_next_round() {
    // given a reporter that read the feed's 60 s expiry and submitted
    let mut chain = Memory::new();
    let mut r = reporter(three_sources());
    assert!(matches!(r.round(&mut chain, T0).action, Action::Landed { .. }));
    assert_eq!((r.policy.expiry_ms, r.policy.heartbeat_ms), (60_000, 30_000));
    // when the owner shortens the expiry to 20 s
    chain.config.expiry_ms = 20_000;
    chain.mine();
    r.round(&mut chain, T0 + BLOCK_MS);
    // then the next round holds to it, its heartbeat every round (the 30 s margin no longer fits)
    assert_eq!((r.policy.expiry_ms, r.policy.heartbeat_ms), (20_000, 1));
}

#[test]
fn a_feed_the_oracle_does_not_have_is_refused_before_anything_is_signed() {
    let mut chain = Memory::new();
    let mut r = reporter(three_sources());
    r.feed = 8;
    let round = r.round(&mut chain, T0);
    assert!(matches!(
        round.action,
        Action::Refused {
            error: OracleError::UnknownFeed,
            ..
        }
    ));
    assert_eq!(chain.sent, 0);
}
