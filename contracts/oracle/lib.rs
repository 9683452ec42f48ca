#![cfg_attr(not(feature = "std"), no_std, no_main)]

//! Price and volatility feeds for Keel pools, aggregated from several reporters.
//!
//! Each feed has its own reporters. A reporter holds one slot per feed: at most one reading per
//! block, observed no later than the block. What consumers read is the median of the readings
//! still fresh, once at least the feed's `quorum` are, and its volatility is the larger of the
//! reporters' median and the median of the volatilities their own prices realised (a new key's
//! reported one standing in until it has a sample). So while the
//! honest fresh readings are the majority the answer stays within them, a crash a quorum reports
//! becomes the price within a quorum of readings, and no reporter can understate volatility
//! alone. The rules are `keel_core::oracle`'s; this contract stores feeds and checks who may
//! administer them.

#[ink::contract]
pub mod oracle {
    use ink::codegen::TraitCallBuilder;
    use ink::prelude::vec::Vec;
    use ink::storage::Mapping;
    use keel_core::oracle::{answer, submit, Answer, Clock, FeedConfig, Slot, MAX_REPORTERS};
    use keel_interface::{FeedId, Oracle, OracleData, OracleError, OracleMirror};

    /// A mirror of the answers, called through its `OracleMirror` messages.
    type MirrorRef = ink::contract_ref!(OracleMirror, ink::env::DefaultEnvironment);

    /// A feed's configuration and its reporters' slots (each with its realised volatility).
    #[derive(Debug)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct Feed {
        config: FeedConfig,
        slots: Vec<Slot<AccountId>>,
    }

    #[ink(storage)]
    pub struct KeelOracle {
        owner: AccountId,
        pending_owner: Option<AccountId>,
        feeds: Mapping<FeedId, Feed>,
        /// Each feed's answer, apart from its slots, so a consumer's read is one small item.
        answers: Mapping<FeedId, Answer>,
        /// The copy of the answers that pools may read instead of this contract, written with
        /// every change of an answer.
        mirror: Option<AccountId>,
    }

    /// A reporter submitted a reading.
    #[ink(event)]
    pub struct PriceReported {
        #[ink(topic)]
        feed: FeedId,
        #[ink(topic)]
        reporter: AccountId,
        price: u128,
        volatility: u128,
        timestamp: u64,
    }

    /// A feed's answer changed: the median of its fresh readings.
    #[ink(event)]
    pub struct AnswerUpdated {
        #[ink(topic)]
        feed: FeedId,
        price: u128,
        volatility: u128,
        timestamp: u64,
        readings: u8,
    }

    /// The owner created or reconfigured a feed.
    #[ink(event)]
    pub struct FeedConfigured {
        #[ink(topic)]
        feed: FeedId,
        config: FeedConfig,
    }

    /// The owner authorised a reporter for a feed.
    #[ink(event)]
    pub struct ReporterAdded {
        #[ink(topic)]
        feed: FeedId,
        #[ink(topic)]
        reporter: AccountId,
    }

    /// The owner withdrew a reporter from a feed.
    #[ink(event)]
    pub struct ReporterRemoved {
        #[ink(topic)]
        feed: FeedId,
        #[ink(topic)]
        reporter: AccountId,
    }

    /// The owner offered the oracle to a new owner, who has yet to accept.
    #[ink(event)]
    pub struct OracleOwnershipOffered {
        #[ink(topic)]
        owner: AccountId,
        #[ink(topic)]
        pending: AccountId,
    }

    /// The owner pointed the oracle at a new mirror of its answers, or at none; `retired` says
    /// whether the mirror it replaced (if any) accepted its retirement.
    #[ink(event)]
    pub struct MirrorSet {
        #[ink(topic)]
        mirror: Option<AccountId>,
        retired: bool,
    }

    /// Ownership moved to a new account.
    #[ink(event)]
    pub struct OracleOwnershipTransferred {
        #[ink(topic)]
        previous: AccountId,
        #[ink(topic)]
        new: AccountId,
    }

    impl KeelOracle {
        /// Creates an oracle owned by the deployer, with no feeds.
        #[ink(constructor)]
        pub fn new() -> Self {
            Self {
                owner: Self::env().caller(),
                pending_owner: None,
                feeds: Mapping::default(),
                answers: Mapping::default(),
                mirror: None,
            }
        }

        /// Records a reading of `feed`: `price` in quote per base (1e18), annualised `volatility`
        /// (1e18, clamped to 1000%/yr) and the `timestamp` (ms) the price was observed at, no
        /// later than the block's. At most one reading per reporter and block. When at least the
        /// feed's quorum of readings are fresh, the feed's answer becomes their median; with an
        /// even count whose two middle prices differ by more than 0.5%, no answer is published
        /// and the last one stands (and ages) until the readings agree.
        ///
        /// # Errors
        /// `UnknownFeed`; `NotReporter` for an account that does not report this feed;
        /// `PriceOutOfBounds`; `TimestampInFuture`; `ReadingExpired` for a reading older than the
        /// feed's expiry; `AlreadyReported` for a second reading in one block;
        /// `TimestampNotIncreasing`; `MirrorFailed` when the reading publishes an answer and the
        /// mirror does not record it.
        #[ink(message)]
        pub fn submit(
            &mut self,
            feed: FeedId,
            price: u128,
            volatility: u128,
            timestamp: u64,
        ) -> Result<(), OracleError> {
            let reporter = self.env().caller();
            let mut book = self.feeds.get(feed).ok_or(OracleError::UnknownFeed)?;
            let clock = Clock {
                now_ms: self.env().block_timestamp(),
                block: u64::from(self.env().block_number()),
            };
            let reading = OracleData {
                price,
                volatility,
                timestamp,
            };
            let answer = submit(&mut book.slots, &book.config, &reporter, reading, clock)?;
            self.feeds.insert(feed, &book);
            self.env().emit_event(PriceReported {
                feed,
                reporter,
                price,
                volatility,
                timestamp,
            });
            match answer {
                Some(answer) => self.publish(feed, &answer),
                None => Ok(()),
            }
        }

        /// Creates `feed` with `config`, or reconfigures it; its reporters and readings stay. A
        /// new quorum or expiry derives the answer again: a higher quorum or a shorter expiry
        /// withdraws it when the readings no longer give one, a looser rule leaves it standing.
        /// Owner only.
        ///
        /// # Errors
        /// `NotOwner`; `InvalidParameter` for a value outside its bounds; `MirrorFailed` when the
        /// answer is published again or withdrawn and the mirror does not record it.
        #[ink(message)]
        pub fn configure_feed(&mut self, feed: FeedId, config: FeedConfig) -> Result<(), OracleError> {
            self.ensure_owner()?;
            config.validate()?;
            let previous = self.feeds.get(feed).map(|book| book.config);
            let book = match self.feeds.get(feed) {
                Some(book) => Feed { config, ..book },
                None => Feed {
                    config,
                    slots: Vec::new(),
                },
            };
            self.feeds.insert(feed, &book);
            self.env().emit_event(FeedConfigured { feed, config });
            // Which readings count changes with the quorum and the expiry only. A stricter rule
            // may refuse what the answer rests on, so it is withdrawn when the readings no longer
            // give one; under a looser rule the answer still holds, and stands to age.
            if let Some(p) = previous.filter(|p| p.quorum != config.quorum || p.expiry_ms != config.expiry_ms)
            {
                let stricter = config.quorum > p.quorum || config.expiry_ms < p.expiry_ms;
                return self.rederive(feed, &book, stricter);
            }
            Ok(())
        }

        /// Authorises `reporter` to submit readings of `feed`. Owner only. Until its prices
        /// complete a sample of the realised volatility, its reported volatility stands in for
        /// it in the median. To replace a key, add its successor and let it report before
        /// removing the old one (see `remove_reporter`).
        ///
        /// # Errors
        /// `NotOwner`; `UnknownFeed`; `AlreadyReporter`; `ReporterSetFull` past nine reporters.
        #[ink(message)]
        pub fn add_reporter(&mut self, feed: FeedId, reporter: AccountId) -> Result<(), OracleError> {
            self.ensure_owner()?;
            let mut book = self.feeds.get(feed).ok_or(OracleError::UnknownFeed)?;
            if book.slots.iter().any(|s| s.reporter == reporter) {
                return Err(OracleError::AlreadyReporter);
            }
            if book.slots.len() >= MAX_REPORTERS {
                return Err(OracleError::ReporterSetFull);
            }
            book.slots.push(Slot::new(reporter));
            self.feeds.insert(feed, &book);
            self.env().emit_event(ReporterAdded { feed, reporter });
            Ok(())
        }

        /// Withdraws `reporter` from `feed` and derives the answer again without its reading, so a
        /// compromised key's influence ends with this call: when the rest cannot answer and the
        /// answer may rest on its reading (fresh or since expired, within the expiry of the
        /// answer's stamp), the feed has no answer until a quorum reports again. Owner only.
        /// Removing an honest key before its successor reports can leave the honest fresh
        /// readings no majority (with three keys, one honest reading beside a liar's), and the
        /// higher middle of the volatilities, reported and realised, is then the liar's until
        /// the successor reports: add the successor first.
        ///
        /// # Errors
        /// `NotOwner`; `UnknownFeed`; `NotReporter`; `MirrorFailed` when the answer is published
        /// again or withdrawn and the mirror does not record it.
        #[ink(message)]
        pub fn remove_reporter(&mut self, feed: FeedId, reporter: AccountId) -> Result<(), OracleError> {
            self.ensure_owner()?;
            let mut book = self.feeds.get(feed).ok_or(OracleError::UnknownFeed)?;
            let index = book
                .slots
                .iter()
                .position(|s| s.reporter == reporter)
                .ok_or(OracleError::NotReporter)?;
            let removed = book.slots.remove(index);
            // It may rest on the reading if the reading was fresh when the answer was derived:
            // no earlier than the answer's stamp, so within the expiry of the stamp at least.
            let standing = self.answers.get(feed).map(|a| a.timestamp);
            let counted = removed.reading.is_some_and(|r| {
                standing.is_some_and(|stamp| r.timestamp.saturating_add(book.config.expiry_ms) >= stamp)
            });
            self.feeds.insert(feed, &book);
            self.env().emit_event(ReporterRemoved { feed, reporter });
            self.rederive(feed, &book, counted)
        }

        /// Points the oracle at `mirror`, a copy of its answers (a `keel_mirror` contract whose
        /// source is this oracle), or at none, and retires the mirror it replaces (which then
        /// answers nothing, so pools on it stop trading). Every change of an answer is written to
        /// the mirror in the same call, which fails if the write does: the mirror never holds an
        /// answer the oracle has replaced. A pool reading the mirror instead of the oracle pays
        /// for a fraction of the code on every swap. A new mirror holds a feed from that feed's
        /// next answer on, or from a `sync_mirror` of it: deploy pools on it once it does. The
        /// replaced mirror's retirement is attempted, not required (the event says whether it
        /// took), so a mirror that refuses it cannot keep the owner from leaving it. Owner only.
        ///
        /// # Errors
        /// `NotOwner`; `NotMirror` when `mirror` is not a mirror of this oracle (or is retired).
        #[ink(message)]
        pub fn set_mirror(&mut self, mirror: Option<AccountId>) -> Result<(), OracleError> {
            self.ensure_owner()?;
            if let Some(candidate) = mirror {
                let candidate: MirrorRef = candidate.into();
                match candidate.call().source().try_invoke() {
                    Ok(Ok(source)) if source == self.env().account_id() => {}
                    _ => return Err(OracleError::NotMirror),
                }
            }
            let retired = match self.mirror {
                Some(old) if Some(old) != mirror => {
                    let mut old: MirrorRef = old.into();
                    matches!(old.call_mut().retire().try_invoke(), Ok(Ok(Ok(()))))
                }
                _ => false,
            };
            self.mirror = mirror;
            self.env().emit_event(MirrorSet { mirror, retired });
            Ok(())
        }

        /// Writes `feed`'s answer as it stands (or its absence) into the mirror: fills a new
        /// mirror without waiting for the feed's next answer. Anyone may call it; it writes only
        /// what the oracle holds.
        ///
        /// # Errors
        /// `NotMirror` when the oracle writes no mirror; `MirrorFailed` when the mirror does not
        /// record it.
        #[ink(message)]
        pub fn sync_mirror(&mut self, feed: FeedId) -> Result<(), OracleError> {
            if self.mirror.is_none() {
                return Err(OracleError::NotMirror);
            }
            let answer = self.answers.get(feed).map(|answer| answer.data());
            self.write_mirror(feed, answer)
        }

        /// Offers the oracle to `new_owner`, who becomes owner by calling `accept_ownership`.
        /// Owner only; a later offer replaces this one.
        ///
        /// # Errors
        /// `NotOwner`.
        #[ink(message)]
        pub fn transfer_ownership(&mut self, new_owner: AccountId) -> Result<(), OracleError> {
            self.ensure_owner()?;
            self.pending_owner = Some(new_owner);
            self.env().emit_event(OracleOwnershipOffered {
                owner: self.owner,
                pending: new_owner,
            });
            Ok(())
        }

        /// Takes the ownership the owner offered you.
        ///
        /// # Errors
        /// `NotPendingOwner`.
        #[ink(message)]
        pub fn accept_ownership(&mut self) -> Result<(), OracleError> {
            let caller = self.env().caller();
            if self.pending_owner != Some(caller) {
                return Err(OracleError::NotPendingOwner);
            }
            let previous = self.owner;
            self.owner = caller;
            self.pending_owner = None;
            self.env().emit_event(OracleOwnershipTransferred {
                previous,
                new: caller,
            });
            Ok(())
        }

        /// `feed`'s answer in full: the median price, the reporters' median volatility, the
        /// realised volatility, the observation time and how many fresh readings were behind it.
        #[ink(message)]
        pub fn answer(&self, feed: FeedId) -> Option<Answer> {
            self.answers.get(feed)
        }

        /// `feed`'s configuration.
        #[ink(message)]
        pub fn feed_config(&self, feed: FeedId) -> Option<FeedConfig> {
            self.feeds.get(feed).map(|book| book.config)
        }

        /// `feed`'s reporters, each with its latest reading and the block it came in.
        #[ink(message)]
        pub fn readings(&self, feed: FeedId) -> Vec<Slot<AccountId>> {
            self.feeds.get(feed).map(|book| book.slots).unwrap_or_default()
        }

        /// Whether `who` reports `feed`.
        #[ink(message)]
        pub fn is_reporter(&self, feed: FeedId, who: AccountId) -> bool {
            self.feeds
                .get(feed)
                .is_some_and(|book| book.slots.iter().any(|s| s.reporter == who))
        }

        /// The account that manages feeds and reporters.
        #[ink(message)]
        pub fn owner(&self) -> AccountId {
            self.owner
        }

        /// The account the owner offered the oracle to, until it accepts.
        #[ink(message)]
        pub fn pending_owner(&self) -> Option<AccountId> {
            self.pending_owner
        }

        /// The mirror every change of an answer is written to, if any.
        #[ink(message)]
        pub fn mirror(&self) -> Option<AccountId> {
            self.mirror
        }

        /// Stores `answer` as `feed`'s, copies it to the mirror and announces it.
        fn publish(&mut self, feed: FeedId, answer: &Answer) -> Result<(), OracleError> {
            self.answers.insert(feed, answer);
            let data = answer.data();
            self.write_mirror(feed, Some(data))?;
            self.env().emit_event(AnswerUpdated {
                feed,
                price: data.price,
                volatility: data.volatility,
                timestamp: data.timestamp,
                readings: answer.readings,
            });
            Ok(())
        }

        /// Writes `feed`'s answer (`None`: withdrawn) to the mirror, if there is one.
        fn write_mirror(&self, feed: FeedId, answer: Option<OracleData>) -> Result<(), OracleError> {
            let Some(mirror) = self.mirror else {
                return Ok(());
            };
            let mut mirror: MirrorRef = mirror.into();
            match mirror.call_mut().record(feed, answer).try_invoke() {
                Ok(Ok(Ok(()))) => Ok(()),
                _ => Err(OracleError::MirrorFailed),
            }
        }

        /// Derives `feed`'s answer again from `book` as it is now. When it gives none (too few
        /// fresh readings, or an even count's middles apart), the previous answer is withdrawn if
        /// `withdraw` (it may rest on what changed) and otherwise stands, to age, as after a
        /// submission.
        fn rederive(&mut self, feed: FeedId, book: &Feed, withdraw: bool) -> Result<(), OracleError> {
            match answer(&book.slots, &book.config, self.env().block_timestamp()) {
                Some(answer) => self.publish(feed, &answer),
                None if withdraw => {
                    self.answers.remove(feed);
                    self.write_mirror(feed, None)
                }
                None => Ok(()),
            }
        }

        fn ensure_owner(&self) -> Result<(), OracleError> {
            if self.env().caller() == self.owner {
                Ok(())
            } else {
                Err(OracleError::NotOwner)
            }
        }
    }

    impl Default for KeelOracle {
        fn default() -> Self {
            Self::new()
        }
    }

    impl Oracle for KeelOracle {
        /// The feed's answer as pools price with it: the median of its fresh readings (quote per
        /// base, 1e18), the larger of the reporters' median and the realised volatility (1e18),
        /// and the time by which a quorum of readings near the price had been observed (ms; the
        /// oldest fresh reading's when too few agree). Consumers judge
        /// staleness against their own bound; the answer ages while fewer than a quorum of
        /// readings are fresh.
        ///
        /// # Errors
        /// `UnknownFeed` when the feed has no answer: it never had a quorum of fresh readings, or
        /// its answer was withdrawn when a reporter whose reading it may rest on was removed (or the quorum
        /// rose, or the expiry shortened) and the rest could not answer.
        #[ink(message)]
        fn latest(&self, feed: FeedId) -> Result<OracleData, OracleError> {
            self.answers
                .get(feed)
                .map(|answer| answer.data())
                .ok_or(OracleError::UnknownFeed)
        }
    }
}
