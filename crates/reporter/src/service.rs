//! One reporter's rounds: ask every source, combine, update the volatility, decide, dry-run,
//! submit. A round never retries inside itself: a failed round backs the reporter off (on the
//! machine's clock, which keeps running when an idle chain's does not), and the next round starts
//! from the chain's state again, so nothing is half-done between rounds.

use crate::chain::{explain, Chain, ChainError, Head, Submission};
use crate::combine::{combine, Answer, Outcome, Rules};
use crate::policy::{stamped, Decision, Policy, Submitted, Trigger};
use crate::source::{Observation, Source, SourceError};
use crate::volatility::Estimator;
use keel_core::oracle::OracleError;
use keel_keeper::backoff::Backoff;

/// A source and its staleness limit.
pub struct Watched {
    pub source: Box<dyn Source + Send>,
    pub max_age_ms: u64,
}

/// What a round did.
#[derive(Debug)]
pub enum Action {
    /// Backing off after failures until this time (ms); nothing was asked.
    BackingOff { until_ms: u64 },
    /// The chain could not be read.
    Unreachable(ChainError),
    /// No reading (too few sources agreed) or the policy held it.
    Held,
    /// Dry-run only: the oracle would have taken this.
    WouldSubmit(Submission, Trigger),
    /// In a block.
    Landed {
        submission: Submission,
        trigger: Trigger,
        block: u64,
    },
    /// The oracle refused, at the dry-run or in the block; nothing was changed.
    Refused { error: OracleError, words: &'static str },
    /// Sending or waiting failed; it may still land (the next round reads the slot again).
    Failed(ChainError),
}

/// A round's record, for logs and metrics.
#[derive(Debug)]
pub struct Round {
    /// Each source's name and its error, when it gave none.
    pub errors: Vec<(String, SourceError)>,
    /// The sources combined (`None` when the round did not get that far).
    pub outcome: Option<Outcome>,
    pub decision: Option<Decision>,
    /// The chain's head, when the round read it.
    pub head: Option<Head>,
    /// Whether this key's reading on chain, after the round, is within the feed's expiry at the
    /// head (`None` when the chain was not read).
    pub on_chain_fresh: Option<bool>,
    /// The volatility the reporter would submit now (1e18).
    pub volatility: u128,
    pub action: Action,
}

impl Round {
    /// A round an operator may call healthy: it read the chain, enough sources agreed, the oracle
    /// refused nothing, nothing failed, and this key's reading on chain is fresh.
    pub fn healthy(&self) -> bool {
        let acted = matches!(
            self.action,
            Action::Held | Action::WouldSubmit(..) | Action::Landed { .. }
        );
        acted && self.on_chain_fresh == Some(true) && self.outcome.as_ref().is_some_and(|o| o.reading.is_ok())
    }
}

/// Everything a reporter keeps between rounds.
pub struct Reporter {
    pub feed: u32,
    pub sources: Vec<Watched>,
    pub rules: Rules,
    pub policy: Policy,
    pub backoff: Backoff,
    pub dry_run: bool,
    volatility: Estimator,
    last: Option<Submitted>,
    failures: u32,
    resume_ms: u64,
    /// The policy as configured; `policy` is it held to the feed's on-chain expiry, read every
    /// round (the owner may change it at any time).
    configured: Policy,
}

impl Reporter {
    pub fn new(
        feed: u32,
        sources: Vec<Watched>,
        rules: Rules,
        policy: Policy,
        backoff: Backoff,
        volatility: Estimator,
    ) -> Reporter {
        Reporter {
            feed,
            sources,
            rules,
            policy,
            backoff,
            dry_run: false,
            volatility,
            last: None,
            failures: 0,
            resume_ms: 0,
            configured: policy,
        }
    }

    /// The last submission the reporter saw included.
    pub fn last(&self) -> Option<&Submitted> {
        self.last.as_ref()
    }

    /// Consecutive failed rounds.
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// Backs off after a failed round: the backoff's delay, at most the quiet limit of the policy
    /// the feed now sets ([`Policy::quiet_limit_ms`]; the feed's owner may have shortened its
    /// expiry below the one the backoff was configured against).
    fn failed(&mut self, now_ms: u64) {
        self.failures = self.failures.saturating_add(1);
        let delay = self
            .backoff
            .delay_ms(self.failures)
            .min(self.policy.quiet_limit_ms());
        self.resume_ms = now_ms.saturating_add(delay);
    }

    /// Whether a round at `now_ms` still backs off. A resume time further away than any delay
    /// [`Self::failed`] sets means the machine's clock was set back since (or the feed's expiry
    /// shortened): the reporter resumes now rather than stay silent for the difference.
    fn backing_off(&mut self, now_ms: u64) -> bool {
        let wait = self.resume_ms.saturating_sub(now_ms);
        let longest = self.backoff.max_ms.min(self.policy.quiet_limit_ms());
        if wait > longest {
            tracing::warn!(
                wait_ms = wait,
                longest_ms = longest,
                "the backoff would outlast any delay it sets (the clock was set back?): resuming now"
            );
            self.resume_ms = now_ms;
        }
        now_ms < self.resume_ms
    }

    /// Asks every source at `now_ms` (the machine's clock, ms since the epoch).
    fn ask(&mut self, now_ms: u64) -> (Vec<Answer>, Vec<(String, SourceError)>) {
        let mut answers = Vec::with_capacity(self.sources.len());
        let mut errors = Vec::new();
        for w in &mut self.sources {
            let observation: Option<Observation> = match w.source.fetch(now_ms) {
                Ok(o) => Some(o),
                Err(e) => {
                    errors.push((w.source.name().to_owned(), e));
                    None
                }
            };
            answers.push(Answer {
                observation,
                max_age_ms: w.max_age_ms,
            });
        }
        (answers, errors)
    }

    /// One round at `now_ms` on `chain`.
    pub fn round(&mut self, chain: &mut impl Chain, now_ms: u64) -> Round {
        let mut round = Round {
            errors: Vec::new(),
            outcome: None,
            decision: None,
            head: None,
            on_chain_fresh: None,
            volatility: self.volatility.volatility(),
            action: Action::Held,
        };
        if self.backing_off(now_ms) {
            round.action = Action::BackingOff {
                until_ms: self.resume_ms,
            };
            return round;
        }
        let (answers, errors) = self.ask(now_ms);
        round.errors = errors;
        if let Err(action) = self.check_feed(chain) {
            self.failed(now_ms);
            round.action = action;
            return round;
        }
        let head = match chain.head().and_then(|h| Ok((h, chain.slot(self.feed)?))) {
            Ok((head, slot)) => {
                // The chain's record wins over memory: a restart, or a submission that landed
                // after its wait timed out, is seen here.
                self.last = slot.map(|s| Submitted {
                    price: s.reading.price,
                    observed_ms: s.reading.timestamp,
                    block: s.block,
                });
                round.head = Some(head);
                head
            }
            Err(e) => {
                self.failed(now_ms);
                round.action = Action::Unreachable(e);
                return round;
            }
        };
        round.on_chain_fresh = Some(self.fresh_at(head));
        let outcome = combine(&answers, &self.rules, now_ms);
        let reading = outcome.reading;
        round.outcome = Some(outcome);
        let Ok(reading) = reading else {
            return round;
        };
        // A volatility sample can only fail past bounds a positive price never reaches; the
        // estimate then keeps its last value.
        let _ = self.volatility.observe(reading.price, reading.observed_ms);
        round.volatility = self.volatility.volatility();
        let reading = stamped(&reading, head);
        let decision = self.policy.decide(&reading, self.last.as_ref(), head, now_ms);
        round.decision = Some(decision);
        let Decision::Submit(trigger) = decision else {
            // Sources and chain answered and nothing was due: whatever failed before has passed.
            self.failures = 0;
            return round;
        };
        let submission = Submission {
            feed: self.feed,
            price: reading.price,
            volatility: round.volatility,
            observed_ms: reading.observed_ms,
            expires_ms: reading.observed_ms.saturating_add(self.policy.expiry_ms),
            judged_ms: head.time_ms.max(now_ms),
        };
        round.action = self.send(chain, submission, trigger, head, now_ms);
        round.on_chain_fresh = Some(self.fresh_at(head));
        round
    }

    /// Reads the feed's configuration every round: the oracle refuses readings past the feed's
    /// own expiry, which its owner may change at any time, so the policy holds to the shorter of
    /// that and the configured one, its heartbeat shortened to match ([`Policy::within_expiry`]).
    fn check_feed(&mut self, chain: &mut impl Chain) -> Result<(), Action> {
        match chain.feed_config(self.feed) {
            Ok(Some(feed)) => {
                let policy = self.configured.within_expiry(feed.expiry_ms);
                if policy != self.policy {
                    tracing::warn!(
                        feed = self.feed,
                        feed_expiry_ms = feed.expiry_ms,
                        heartbeat_ms = policy.heartbeat_ms,
                        "the feed's expiry sets the policy: readings count for {} ms, heartbeat {} ms",
                        policy.expiry_ms,
                        policy.heartbeat_ms
                    );
                }
                self.policy = policy;
                Ok(())
            }
            Ok(None) => Err(Action::Refused {
                error: OracleError::UnknownFeed,
                words: explain(OracleError::UnknownFeed),
            }),
            Err(e) => Err(Action::Unreachable(e)),
        }
    }

    /// Whether the last reading on chain is within the feed's expiry at `head`.
    fn fresh_at(&self, head: Head) -> bool {
        self.last
            .is_some_and(|l| head.time_ms.saturating_sub(l.observed_ms) <= self.policy.expiry_ms)
    }

    /// The oracle refused `error`: a failure to back off from.
    fn refused(&mut self, error: OracleError, now_ms: u64) -> Action {
        self.failed(now_ms);
        Action::Refused {
            error,
            words: explain(error),
        }
    }

    fn send(
        &mut self,
        chain: &mut impl Chain,
        submission: Submission,
        trigger: Trigger,
        head: Head,
        now_ms: u64,
    ) -> Action {
        match chain.dry_run(&submission) {
            Err(e) => {
                self.failed(now_ms);
                return Action::Failed(e);
            }
            Ok(Err(error)) => return self.refused(error, now_ms),
            Ok(Ok(())) if self.dry_run => return Action::WouldSubmit(submission, trigger),
            Ok(Ok(())) => {}
        }
        match chain.submit(&submission) {
            Ok(included) => match included.result {
                Ok(()) => {
                    self.failures = 0;
                    self.last = Some(Submitted {
                        price: submission.price,
                        observed_ms: submission.observed_ms,
                        block: included.block.max(head.number),
                    });
                    Action::Landed {
                        submission,
                        trigger,
                        block: included.block,
                    }
                }
                Err(error) => self.refused(error, now_ms),
            },
            Err(e) => {
                self.failed(now_ms);
                Action::Failed(e)
            }
        }
    }
}

#[cfg(test)]
mod tests;
