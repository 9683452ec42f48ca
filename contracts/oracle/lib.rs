#![cfg_attr(not(feature = "std"), no_std, no_main)]

//! Price and volatility feeds for Keel pools.
//!
//! The owner authorises reporters; reporters submit readings. A reading is refused unless its
//! values are sane, its timestamp moves forward without running ahead of the chain's clock, and
//! its price is within `max_jump_bps` of the feed's last price: a compromised or buggy reporter
//! cannot teleport the price a pool trades at. A real move larger than the jump bound is walked
//! in several updates, or the owner widens the bound.

#[ink::contract]
pub mod oracle {
    use ink::storage::Mapping;
    use keel_core::oracle::{accept, clamp_jump_bps, MAX_JUMP_BPS_CEIL};
    use keel_interface::{FeedId, Oracle, OracleData, OracleError};

    #[ink(storage)]
    pub struct KeelOracle {
        owner: AccountId,
        reporters: Mapping<AccountId, ()>,
        feeds: Mapping<FeedId, OracleData>,
        max_jump_bps: u32,
    }

    /// A reporter submitted a reading.
    #[ink(event)]
    pub struct PriceUpdated {
        #[ink(topic)]
        feed: FeedId,
        price: u128,
        volatility: u128,
        timestamp: u64,
        reporter: AccountId,
    }

    /// The owner authorised a reporter.
    #[ink(event)]
    pub struct ReporterAdded {
        #[ink(topic)]
        reporter: AccountId,
    }

    /// The owner withdrew a reporter's authorisation.
    #[ink(event)]
    pub struct ReporterRemoved {
        #[ink(topic)]
        reporter: AccountId,
    }

    /// The owner changed the per-update jump bound.
    #[ink(event)]
    pub struct MaxJumpUpdated {
        max_jump_bps: u32,
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
        /// Creates an oracle owned by the deployer, with no reporters and no feeds.
        /// `max_jump_bps` bounds how far one update may move a feed's price (1..=10000).
        #[ink(constructor)]
        pub fn new(max_jump_bps: u32) -> Self {
            Self {
                owner: Self::env().caller(),
                reporters: Mapping::default(),
                feeds: Mapping::default(),
                max_jump_bps: clamp_jump_bps(max_jump_bps),
            }
        }

        /// Records a reading of `feed`: `price` in quote per base (1e18), annualised `volatility`
        /// (1e18) and the `timestamp` (ms) it was taken at. The first reading creates the feed.
        ///
        /// # Errors
        /// `NotReporter` for an unauthorised caller; `PriceOutOfBounds`, `VolatilityOutOfBounds`
        /// for zero or absurd values; `TimestampNotIncreasing`, `TimestampInFuture`; `JumpTooLarge`
        /// when the price moved more than `max_jump_bps` from the last reading.
        #[ink(message)]
        pub fn submit(
            &mut self,
            feed: FeedId,
            price: u128,
            volatility: u128,
            timestamp: u64,
        ) -> Result<(), OracleError> {
            let reporter = self.env().caller();
            if !self.reporters.contains(reporter) {
                return Err(OracleError::NotReporter);
            }
            let reading = OracleData {
                price,
                volatility,
                timestamp,
            };
            let now = self.env().block_timestamp();
            accept(self.feeds.get(feed).as_ref(), &reading, now, self.max_jump_bps)?;
            self.feeds.insert(feed, &reading);
            self.env().emit_event(PriceUpdated {
                feed,
                price,
                volatility,
                timestamp,
                reporter,
            });
            Ok(())
        }

        /// Authorises `reporter` to submit readings. Owner only.
        ///
        /// # Errors
        /// `NotOwner`.
        #[ink(message)]
        pub fn add_reporter(&mut self, reporter: AccountId) -> Result<(), OracleError> {
            self.ensure_owner()?;
            self.reporters.insert(reporter, &());
            self.env().emit_event(ReporterAdded { reporter });
            Ok(())
        }

        /// Withdraws `reporter`'s authorisation. Owner only.
        ///
        /// # Errors
        /// `NotOwner`.
        #[ink(message)]
        pub fn remove_reporter(&mut self, reporter: AccountId) -> Result<(), OracleError> {
            self.ensure_owner()?;
            self.reporters.remove(reporter);
            self.env().emit_event(ReporterRemoved { reporter });
            Ok(())
        }

        /// Sets how far one update may move a feed's price, in basis points. Owner only.
        ///
        /// # Errors
        /// `NotOwner`; `InvalidParameter` outside 1..=10000.
        #[ink(message)]
        pub fn set_max_jump_bps(&mut self, max_jump_bps: u32) -> Result<(), OracleError> {
            self.ensure_owner()?;
            if !(1..=MAX_JUMP_BPS_CEIL).contains(&max_jump_bps) {
                return Err(OracleError::InvalidParameter);
            }
            self.max_jump_bps = max_jump_bps;
            self.env().emit_event(MaxJumpUpdated { max_jump_bps });
            Ok(())
        }

        /// Hands the oracle to `new_owner`. Owner only.
        ///
        /// # Errors
        /// `NotOwner`.
        #[ink(message)]
        pub fn transfer_ownership(&mut self, new_owner: AccountId) -> Result<(), OracleError> {
            self.ensure_owner()?;
            let previous = self.owner;
            self.owner = new_owner;
            self.env().emit_event(OracleOwnershipTransferred {
                previous,
                new: new_owner,
            });
            Ok(())
        }

        /// Whether `who` may submit readings.
        #[ink(message)]
        pub fn is_reporter(&self, who: AccountId) -> bool {
            self.reporters.contains(who)
        }

        /// The account that manages reporters.
        #[ink(message)]
        pub fn owner(&self) -> AccountId {
            self.owner
        }

        /// How far one update may move a feed's price, in basis points.
        #[ink(message)]
        pub fn max_jump_bps(&self) -> u32 {
            self.max_jump_bps
        }

        fn ensure_owner(&self) -> Result<(), OracleError> {
            if self.env().caller() == self.owner {
                Ok(())
            } else {
                Err(OracleError::NotOwner)
            }
        }
    }

    impl Oracle for KeelOracle {
        /// The latest reading of `feed`: price (quote per base, 1e18), annualised volatility
        /// (1e18) and its timestamp (ms). Consumers judge staleness against their own bound.
        ///
        /// # Errors
        /// `UnknownFeed` when nothing was submitted for `feed`.
        #[ink(message)]
        fn latest(&self, feed: FeedId) -> Result<OracleData, OracleError> {
            self.feeds.get(feed).ok_or(OracleError::UnknownFeed)
        }
    }
}
