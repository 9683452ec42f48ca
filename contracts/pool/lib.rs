#![cfg_attr(not(feature = "std"), no_std, no_main)]
// ink! generates one enum variant per message holding its arguments; `set_config`'s whole
// configuration makes that variant large. It is decoded once per call, never stored or copied.
#![allow(clippy::large_enum_variant)]
// The `hot` and `cold` builds leave out the bodies of each other's messages (`cold.rs`), and with
// them the uses of the helpers, imports and arguments those bodies alone need.
#![cfg_attr(
    any(feature = "hot", feature = "cold"),
    allow(dead_code, unused_imports, unused_variables, unreachable_code)
)]

//! Keel's pool: an AMM whose price is the oracle's, skewed by the pool's inventory.
//!
//! When the pool holds more of one token than its target it quotes that token cheaper and the
//! other dearer, so order flow pulls inventory back; the skew steepens and the fee widens with the
//! oracle's volatility and age. Every rule is a transition of `keel_core::pool`, shared with the
//! keeper and the simulator; this crate holds storage, token moves, access control and events.
//! Its types, error and events are `keel_interface::pool`'s.

mod book;
mod calls;
mod cold;
mod internals;
// Layouts 1 and 2's types describe the stored book in the metadata of every build; only the
// `from-earlier` build decodes them.
#[cfg(any(feature = "std", feature = "from-earlier"))]
#[cfg_attr(not(feature = "from-earlier"), allow(dead_code))]
mod legacy;

#[ink::contract]
pub mod pool {
    use crate::book::{Book, BookV3, OracleFeed, LAYOUT};
    use crate::calls;
    use crate::cold::{runs_cold, runs_hot};
    use ink::prelude::{string::String, vec::Vec};
    use ink::storage::Lazy;
    use keel_core::consts::{LOCKED_SHARES_HOLDER, TOKEN_DECIMALS};
    use keel_core::pool::{Feed, PricedK, Refusal, SwapKind};
    use keel_core::split::MAX_VENUES;
    use keel_core::{Discovery, PoolState};
    use keel_interface::pool::{
        CodeUpgraded, ConfigUpdated, Leg, LiquidityAdded, LiquidityRemoved, MarketStatus, OwnershipOffered,
        OwnershipTransferred, PauseChanged, PoolConfig, PoolError, PoolResult as Result, Quote,
        RebalanceOutcome, RebalanceStatus, VenuesUpdated,
    };
    use keel_interface::FeedId;
    use psp22::{PSP22Data, PSP22Error, PSP22Metadata, PSP22};

    #[ink(storage)]
    pub struct Pool {
        /// The layout of `book`; it never moves backwards.
        pub(crate) layout: u32,
        pub(crate) shares: PSP22Data,
        pub(crate) book: Book,
        /// The venues a split rebalance may use besides the configured one, in the owner's
        /// order. Outside the book: a pool written before it was kept reads it as empty.
        pub(crate) more_venues: Lazy<Vec<AccountId>>,
        /// The code the shipped build hands its other messages to (`crate::cold`), locked as
        /// this pool's delegate dependency. Outside the book, like `more_venues`.
        pub(crate) cold_code: Lazy<Hash>,
    }

    impl Pool {
        /// Creates an empty pool trading `base` against `quote`, priced by `feed` of `oracle`.
        /// The deployer becomes the owner. The pool locks the code its views and owner's messages
        /// run in (`keel_pool_cold`, uploaded first), so that code stays on the chain, and that
        /// code checks `config` as it checks the owner's later changes: a new pool emits
        /// `ConfigUpdated` with its configuration.
        ///
        /// # Errors
        /// `IdenticalTokens` when base and quote are the same; `InvalidConfig` when `config` is
        /// outside its bounds; `IncompatibleUpgrade` when that code is not on the chain or reads
        /// another storage layout (`code_layout`).
        #[ink(constructor)]
        pub fn new(
            base: AccountId,
            quote: AccountId,
            oracle: AccountId,
            feed: FeedId,
            config: PoolConfig,
        ) -> Result<Self> {
            runs_hot! {
                if base == quote {
                    return Err(PoolError::IdenticalTokens);
                }
                let book = BookV3 {
                    owner: Self::env().caller(),
                    pending_owner: None,
                    base,
                    quote,
                    price_feed: OracleFeed { oracle, feed },
                    config,
                    state: PoolState::default(),
                    paused: false,
                    rebalancing: RebalanceStatus::default(),
                    priced_k: PricedK::default(),
                    discovery: Discovery::default(),
                };
                let mut pool = Self {
                    layout: LAYOUT,
                    shares: PSP22Data::default(),
                    book: Book::new(book),
                    more_venues: Lazy::new(),
                    cold_code: Lazy::new(),
                };
                if !pool.relock_cold_code() {
                    return Err(PoolError::IncompatibleUpgrade);
                }
                pool.check_config(config)?;
                Ok(pool)
            }
        }

        // ---- Liquidity ----

        /// Deposits up to `base_max` and `quote_max` and mints pool shares to `to`.
        ///
        /// The first deposit sets the pool's targets and takes both amounts as given (1,000 shares
        /// are locked forever); later deposits take the largest amounts in the current reserve
        /// ratio, so the unused remainder stays in your wallet. Approve both tokens first.
        /// Returns `(base_in, quote_in, shares)`.
        ///
        /// # Errors
        /// `Paused`, `Expired`, `InvalidRecipient` for `to` the pool or the zero account,
        /// `ZeroAmount`, `Curve(ZeroAmount)` for a deposit too small to mint a share,
        /// `MinSharesNotMet`, `Curve(ReserveLimitExceeded)`, `Token(..)` when a transfer is
        /// refused (e.g. missing allowance), `TokenCallFailed` when a token call fails.
        #[ink(message)]
        pub fn add_liquidity(
            &mut self,
            base_max: u128,
            quote_max: u128,
            min_shares: u128,
            to: AccountId,
            deadline: u64,
        ) -> Result<(u128, u128, u128)> {
            runs_hot! {
                self.ensure_open(deadline)?;
                self.ensure_recipient(to)?;
                let mut ledger = self.ledger();
                let deposit = ledger.deposit(base_max, quote_max, min_shares)?;
                self.store(&ledger);
                if deposit.locked > 0 {
                    self.mint_shares(AccountId::from(LOCKED_SHARES_HOLDER), deposit.locked)?;
                }
                self.mint_shares(to, deposit.shares)?;
                let provider = self.env().caller();
                let pool = self.env().account_id();
                let (base, quote) = self.token_pair();
                calls::pull(base, provider, pool, deposit.base_in)?;
                calls::pull(quote, provider, pool, deposit.quote_in)?;
                self.env().emit_event(LiquidityAdded {
                    provider,
                    to,
                    base_in: deposit.base_in,
                    quote_in: deposit.quote_in,
                    shares: deposit.shares,
                });
                Ok((deposit.base_in, deposit.quote_in, deposit.shares))
            }
        }

        /// Burns `shares` of yours and pays your pro-rata part of both reserves to `to`.
        /// Works while the pool is paused, so liquidity can always leave.
        /// Returns `(base_out, quote_out)`.
        ///
        /// # Errors
        /// `Expired`, `InvalidRecipient`, `ZeroAmount`, `InsufficientShares` for more shares than
        /// you hold, `Curve(ZeroOutput)` for shares too few to pay anything, `MinAmountsNotMet`,
        /// `Token(..)` or `TokenCallFailed` when a payment fails. (The locked shares never leave,
        /// so your shares are always fewer than the supply and always pay out.)
        #[ink(message)]
        pub fn remove_liquidity(
            &mut self,
            shares: u128,
            min_base: u128,
            min_quote: u128,
            to: AccountId,
            deadline: u64,
        ) -> Result<(u128, u128)> {
            runs_hot! {
                self.ensure_deadline(deadline)?;
                self.ensure_recipient(to)?;
                let provider = self.env().caller();
                let held = self.shares.balance_of(provider);
                let mut ledger = self.ledger();
                let out = ledger.withdraw(held, shares, min_base, min_quote)?;
                self.store(&ledger);
                let events = self.shares.burn(provider, shares)?;
                self.emit_share_events(events);
                let (base, quote) = self.token_pair();
                calls::pay(base, to, out.base_out)?;
                calls::pay(quote, to, out.quote_out)?;
                self.env().emit_event(LiquidityRemoved {
                    provider,
                    to,
                    base_out: out.base_out,
                    quote_out: out.quote_out,
                    shares,
                });
                Ok((out.base_out, out.quote_out))
            }
        }

        // ---- Trading ----

        /// Sells exactly `amount_in` of `token_in` and sends the other token to `to`; refuses
        /// unless at least `min_out` comes out. Approve `token_in` first. Returns the amount out.
        ///
        /// The price is the pool's reference, skewed by its inventory: the oracle's price, moved
        /// (with discovery, the default) by the pool's own trades since the time the latest reading
        /// describes, within the price band (`max_skew`) of the oracle. The fee is the current fee
        /// (wider as the reading ages and volatility rises), plus a guard fee that grows with the
        /// reference's distance from the oracle. `quote_exact_in` shows all of it before you sign.
        ///
        /// # Errors
        /// `Paused`, `Expired`, `InvalidRecipient`, `ZeroAmount`, `UnknownToken`, `NoLiquidity`,
        /// `Oracle(..)` or `OracleCallFailed` when the feed cannot be read, `OracleStale`,
        /// `OracleInvalid`, `SlippageExceeded`, `Curve(PriceBandExceeded |
        /// InventoryLimitExceeded | ReserveLimitExceeded | InsufficientLiquidity | ZeroOutput)`,
        /// `Token(..)` or `TokenCallFailed` when a transfer fails.
        #[ink(message)]
        pub fn swap_exact_in(
            &mut self,
            token_in: AccountId,
            amount_in: u128,
            min_out: u128,
            to: AccountId,
            deadline: u64,
        ) -> Result<u128> {
            runs_hot! {
                self.ensure_open(deadline)?;
                self.ensure_recipient(to)?;
                let trade = self.swap(token_in, SwapKind::ExactIn, amount_in, min_out, to)?;
                Ok(trade.amount_out)
            }
        }

        /// Buys exactly `amount_out` of the other token with `token_in`, sent to `to`; refuses
        /// if it would cost more than `max_in`. Approve `token_in` first. Returns the amount paid.
        ///
        /// # Errors
        /// As `swap_exact_in`, with `SlippageExceeded` when the cost exceeds `max_in`.
        #[ink(message)]
        pub fn swap_exact_out(
            &mut self,
            token_in: AccountId,
            amount_out: u128,
            max_in: u128,
            to: AccountId,
            deadline: u64,
        ) -> Result<u128> {
            runs_hot! {
                self.ensure_open(deadline)?;
                self.ensure_recipient(to)?;
                let trade = self.swap(token_in, SwapKind::ExactOut, amount_out, max_in, to)?;
                Ok(trade.amount_in)
            }
        }

        // ---- Rebalancing ----

        /// Sells the next slice of the pool's excess inventory on its venue once `|q|` has drifted
        /// to the band's trigger (the configured one; with a rebalance cost set, scaled by
        /// volatility: `band`), and pays you a bounty (in quote) from the pool's fees.
        /// Returns what was sold, bought and paid.
        ///
        /// Anyone may call it: every condition is checked here, whatever a keeper saw. Pass the
        /// current `rebalance_status().epoch`; once a rebalance lands the epoch moves on, so the
        /// same rebalance never runs or pays twice. A slice is at most the venue's reserve times
        /// a quarter of its fee, so no sandwich around it pays; slices continue, one per
        /// cooldown, until `|q|` is back at the target, as long as each follows the last within
        /// ten cooldowns (after a longer pause, the pool is due again only at the trigger). The
        /// venue must pay what a
        /// constant-product venue at the oracle price with its depth and fee would, less
        /// `max_venue_slippage_bps`, or the whole call reverts and nothing moves.
        ///
        /// # Errors
        /// `Paused`, `Expired`, `StaleEpoch`, `NoVenue`, `RebalanceCooldown`, `Oracle(..)`,
        /// `OracleCallFailed`, `OracleStale`, `OracleInvalid`, `NoLiquidity`, `RebalanceNotDue`,
        /// `VenueCallFailed` when the venue cannot be read or pays too little,
        /// `Curve(InsufficientLiquidity)` for a venue too shallow for any slice,
        /// `Curve(ZeroOutput)` for a slice or a venue too small to be worth a unit,
        /// `Venue(SlippageExceeded)` when the venue's price is too far from the oracle's,
        /// `Venue(..)`, `Token(..)`, `TokenCallFailed`.
        #[ink(message)]
        pub fn rebalance(&mut self, epoch: u64, deadline: u64) -> Result<RebalanceOutcome> {
            runs_hot! {
                self.ensure_open(deadline)?;
                let now = self.env().block_timestamp();
                let mut ledger = self.ledger();
                let b = self.book();
                let step = ledger.plan_rebalance(&b.config, epoch, now, &b.price_feed, self)?;
                self.run_rebalance(ledger, &step, now)
            }
        }

        /// As `rebalance`, with the slice split into `legs` across the pool's `venues()`, each
        /// leg's amount sold on its venue, in the order given. A keeper computes the split from
        /// the venues' depths and fees (`keel_core::split::best`). The pool checks every leg
        /// against its own venue's cap and oracle bound, and against the price of the last unit
        /// of the slice `rebalance` would sell on the configured venue; and the whole: at most
        /// the excess, at least that slice, and expected to pay at least what filling the
        /// cheapest venues first would. A split can sell more per call than one venue's cap, and
        /// spread a slice's impact across venues.
        ///
        /// # Errors
        /// As `rebalance` (`NoVenue` when no venue is listed, `Curve(InsufficientLiquidity)` when
        /// the configured venue is empty); `InvalidSplit` for no legs, a leg of nothing, or a leg
        /// on a venue not listed or listed twice; `SplitTooLarge` for a leg over its venue's cap
        /// (an empty venue's is zero) or a total over the excess; `SplitTooSmall` for a total
        /// under what `rebalance` would sell; `CostlierSplit` for a split expected to pay less
        /// than the rules allow; `Curve(ZeroOutput)` for a leg worth nothing.
        #[ink(message)]
        pub fn rebalance_split(
            &mut self,
            epoch: u64,
            legs: Vec<Leg>,
            deadline: u64,
        ) -> Result<RebalanceOutcome> {
            runs_cold! {
                self.ensure_open(deadline)?;
                let now = self.env().block_timestamp();
                let mut ledger = self.ledger();
                let b = self.book();
                let listed = self.listed_venues();
                let step = ledger.plan_split(&b.config, &listed, &legs, epoch, now, &b.price_feed, self)?;
                self.run_rebalance(ledger, &step, now)
            }
        }

        /// The venues rebalances sell on: the configured `venue` (the one `rebalance` uses)
        /// first, then the others `set_venues` listed for split rebalances. Empty while no venue
        /// is configured.
        #[ink(message)]
        pub fn venues(&self) -> Vec<AccountId> {
            runs_cold! {
                self.listed_venues()
            }
        }

        /// Where rebalancing stands: the epoch to pass to `rebalance`, when the last one ran, and
        /// the quote set aside from fees for bounties.
        #[ink(message)]
        pub fn rebalance_status(&self) -> RebalanceStatus {
            runs_cold! {
                self.book().rebalancing
            }
        }

        // ---- Views ----

        /// What selling exactly `amount_in` of `token_in` would pay now, fee included.
        ///
        /// # Errors
        /// As `swap_exact_in`, without the slippage, pause and deadline checks.
        #[ink(message)]
        pub fn quote_exact_in(&self, token_in: AccountId, amount_in: u128) -> Result<Quote> {
            runs_cold! {
                Ok(Quote::of(&self.price(token_in, SwapKind::ExactIn, amount_in)?)?)
            }
        }

        /// What buying exactly `amount_out` with `token_in` would cost now, fee included.
        ///
        /// # Errors
        /// As `swap_exact_out`, without the slippage, pause and deadline checks.
        #[ink(message)]
        pub fn quote_exact_out(&self, token_in: AccountId, amount_out: u128) -> Result<Quote> {
            runs_cold! {
                Ok(Quote::of(&self.price(
                    token_in,
                    SwapKind::ExactOut,
                    amount_out,
                )?)?)
            }
        }

        /// The marginal price of base in quote (1e18) before fees: the pool's reference (the
        /// oracle price moved by the flow since its reading) skewed by inventory.
        ///
        /// # Errors
        /// `NoLiquidity`, `Oracle(..)`, `OracleCallFailed`, `OracleStale`, `OracleInvalid`.
        #[ink(message)]
        pub fn mid_price(&self) -> Result<u128> {
            runs_cold! {
                let now = self.env().block_timestamp();
                let b = self.book();
                let ledger = self.ledger();
                let quoted = ledger
                    .fresh_anchor(&b.config, now, &b.price_feed)?
                    .quoted(&b.config.curve);
                Ok(ledger.mid_price(&quoted.map_err(Refusal::from)?)?)
            }
        }

        /// Average prices (quote per base, 1e18, fees included) for selling `size` base to the
        /// pool (bid, rounded down) and buying `size` base from it (ask, rounded up).
        ///
        /// # Errors
        /// As `quote_exact_in` / `quote_exact_out` for a trade of `size` base.
        #[ink(message)]
        pub fn bid_ask(&self, size: u128) -> Result<(u128, u128)> {
            runs_cold! {
                let now = self.env().block_timestamp();
                let b = self.book();
                Ok(self.ledger().bid_ask(&b.config, now, &b.price_feed, size)?)
            }
        }

        /// Inventory imbalance `q` (1e18): the base held beyond target, valued at the oracle, as a
        /// share of the targets' value. Positive when the pool is long base, negative when short.
        ///
        /// # Errors
        /// `NoLiquidity` before the first deposit, `Oracle(..)`, `OracleCallFailed`,
        /// `OracleStale`, `OracleInvalid`.
        #[ink(message)]
        pub fn inventory(&self) -> Result<i128> {
            runs_cold! {
                Ok(self.ledger().inventory(&self.market()?)?)
            }
        }

        /// The pool's token balances as it accounts them: `(base, quote)`. Tokens sent to the pool
        /// without a swap or deposit are not counted and do not move the price.
        #[ink(message)]
        pub fn reserves(&self) -> (u128, u128) {
            runs_cold! {
                let state = &self.book().state;
                (state.base_reserve, state.quote_reserve)
            }
        }

        /// The targets the curve pulls toward at the current oracle price: `(base, quote)`.
        ///
        /// # Errors
        /// As `inventory`.
        #[ink(message)]
        pub fn targets(&self) -> Result<(u128, u128)> {
            runs_cold! {
                Ok(self.ledger().targets(&self.market()?)?)
            }
        }

        /// The stored curve state (reserves, targets, which side is short), as the keeper and
        /// simulator read it.
        #[ink(message)]
        pub fn curve_state(&self) -> PoolState {
            runs_cold! {
                self.book().state
            }
        }

        /// The oracle's latest reading, its age, the `k` a swap would be priced with now and the
        /// `k` it is ramping toward, and the fee. Readable while the reading is stale (`stale`
        /// says so), so a wallet can show why swaps are refused.
        ///
        /// # Errors
        /// `Oracle(..)`, `OracleCallFailed`, `OracleInvalid`.
        #[ink(message)]
        pub fn market_status(&self) -> Result<MarketStatus> {
            runs_cold! {
                let b = self.book();
                let reading = b.price_feed.read()?;
                let now = self.env().block_timestamp();
                Ok(self.ledger().market_status(&b.config, &reading, now)?)
            }
        }

        /// The configuration: curve parameters, fee schedule, bounds, oracle age limit, and the
        /// rebalancing venue and policy.
        #[ink(message)]
        pub fn config(&self) -> PoolConfig {
            runs_cold! {
                self.book().config
            }
        }

        /// The pool's tokens: `(base, quote)`.
        #[ink(message)]
        pub fn tokens(&self) -> (AccountId, AccountId) {
            runs_cold! {
                self.token_pair()
            }
        }

        /// The oracle contract and the feed the pool reads.
        #[ink(message)]
        pub fn oracle(&self) -> (AccountId, FeedId) {
            runs_cold! {
                let feed = &self.book().price_feed;
                (feed.oracle, feed.feed)
            }
        }

        /// The account that may configure, pause and upgrade the pool.
        #[ink(message)]
        pub fn owner(&self) -> AccountId {
            runs_cold! {
                self.book().owner
            }
        }

        /// The account the owner offered the pool to, until it accepts.
        #[ink(message)]
        pub fn pending_owner(&self) -> Option<AccountId> {
            runs_cold! {
                self.book().pending_owner
            }
        }

        /// The storage layout the pool is in.
        #[ink(message)]
        pub fn layout(&self) -> u32 {
            runs_cold! {
                self.layout
            }
        }

        /// The storage layout the pool's code reads and writes: the one `migrate` moves a pool
        /// to. The code the pool's views run in answers it, and the pool runs only on such code
        /// of its own layout (its constructor and `migrate` ask).
        #[ink(message)]
        pub fn code_layout(&self) -> u32 {
            runs_cold! {
                LAYOUT
            }
        }

        /// Which of the tests' two builds of this layout answers: a build made only for the
        /// upgrade tests (`--features variant`), whose cold code is another code of the same
        /// layout. The shipped build has no such message.
        #[cfg(feature = "variant")]
        #[ink(message)]
        pub fn variant(&self) -> u32 {
            runs_cold! {
                1
            }
        }

        /// Whether swaps, deposits and rebalances are paused (withdrawals never are).
        #[ink(message)]
        pub fn is_paused(&self) -> bool {
            runs_cold! {
                self.book().paused
            }
        }

        // ---- Admin ----

        /// Replaces the configuration. Owner only; every value is checked against hard bounds,
        /// and a change of `k` reaches the trades gradually, along the same ramp as volatility.
        /// Its `venue` replaces the configured venue only: the others `set_venues` listed stay
        /// (see `venues()`). A new `venue` also announces the venues as `set_venues` does
        /// (`VenuesUpdated`).
        ///
        /// # Errors
        /// `NotOwner`, `InvalidConfig`.
        #[ink(message)]
        pub fn set_config(&mut self, config: PoolConfig) -> Result<()> {
            runs_cold! {
                self.ensure_owner()?;
                let moved = self.book().config.venue != config.venue;
                self.apply_config(config)?;
                if moved {
                    self.env().emit_event(VenuesUpdated {
                        venues: self.listed_venues(),
                    });
                }
                Ok(())
            }
        }

        /// Sets the venues rebalances sell on, at most four, each once: the first becomes the
        /// configuration's `venue` (the one `rebalance` uses), the others are what a split may
        /// add. An empty list turns rebalancing off. Owner only.
        ///
        /// # Errors
        /// `NotOwner`; `InvalidConfig` for more than four venues or one listed twice.
        #[ink(message)]
        pub fn set_venues(&mut self, venues: Vec<AccountId>) -> Result<()> {
            runs_cold! {
                self.ensure_owner()?;
                let repeated = venues.iter().enumerate().any(|(i, v)| venues[..i].contains(v));
                if venues.len() > MAX_VENUES || repeated {
                    return Err(PoolError::InvalidConfig);
                }
                self.book_mut().config.venue = venues.first().copied();
                self.more_venues
                    .set(&venues.get(1..).unwrap_or_default().to_vec());
                let config = self.book().config;
                self.env().emit_event(ConfigUpdated { config });
                self.env().emit_event(VenuesUpdated { venues });
                Ok(())
            }
        }

        /// Pauses (`true`) or resumes (`false`) swaps, deposits and rebalances; withdrawals stay
        /// open while paused. Owner only.
        ///
        /// # Errors
        /// `NotOwner`.
        #[ink(message)]
        pub fn set_paused(&mut self, paused: bool) -> Result<()> {
            runs_hot! {
                self.ensure_owner()?;
                self.book_mut().paused = paused;
                self.env().emit_event(PauseChanged { paused });
                Ok(())
            }
        }

        /// Offers the pool to `new_owner`, who becomes owner by calling `accept_ownership`.
        /// Owner only; a later offer replaces this one.
        ///
        /// # Errors
        /// `NotOwner`.
        #[ink(message)]
        pub fn transfer_ownership(&mut self, new_owner: AccountId) -> Result<()> {
            runs_cold! {
                self.ensure_owner()?;
                let b = self.book_mut();
                b.pending_owner = Some(new_owner);
                let owner = b.owner;
                self.env().emit_event(OwnershipOffered {
                    owner,
                    pending: new_owner,
                });
                Ok(())
            }
        }

        /// Takes the ownership the owner offered you.
        ///
        /// # Errors
        /// `NotPendingOwner`.
        #[ink(message)]
        pub fn accept_ownership(&mut self) -> Result<()> {
            runs_cold! {
                let caller = self.env().caller();
                let b = self.book_mut();
                if b.pending_owner != Some(caller) {
                    return Err(PoolError::NotPendingOwner);
                }
                let previous = b.owner;
                b.owner = caller;
                b.pending_owner = None;
                self.env().emit_event(OwnershipTransferred {
                    previous,
                    new: caller,
                });
                Ok(())
            }
        }

        /// Replaces the pool's code with already-uploaded code `code_hash`. Owner only.
        ///
        /// The new code first runs its own `migrate` on this pool's storage (a delegate call):
        /// code that cannot read the storage, has no `migrate` or knows only an older layout is
        /// refused, and the pool keeps its code and storage. So an upgrade either moves the
        /// storage to the new layout or does not happen; it never leaves a pool whose messages,
        /// withdrawals included, cannot run. It runs in the pool's own code, never the cold code
        /// its views run in, so the owner can move a pool off a new code whose views fail.
        ///
        /// # Errors
        /// `NotOwner`; `IncompatibleUpgrade`.
        // `&self`: the new code writes the migrated storage; this code must not write its own
        // copy back over it when the message returns.
        #[ink(message)]
        pub fn set_code(&self, code_hash: Hash) -> Result<()> {
            runs_hot! {
                self.ensure_owner()?;
                let layout = calls::delegate::<Result<u32>>(code_hash, ink::selector_bytes!("migrate"), ())
                    .and_then(|migrated| migrated.ok())
                    .ok_or(PoolError::IncompatibleUpgrade)?;
                if layout < self.layout {
                    return Err(PoolError::IncompatibleUpgrade);
                }
                self.env()
                    .set_code_hash(&code_hash)
                    .map_err(|_| PoolError::IncompatibleUpgrade)?;
                self.env().emit_event(CodeUpgraded { code_hash });
                Ok(())
            }
        }

        /// Moves this pool's storage to this code's layout and returns it; `set_code` runs it on
        /// the new code before switching. It also locks this code's cold part (the code its
        /// views, owner's settings, split rebalances and share transfers run in) and releases the
        /// one locked before, so an upgrade to code whose cold part is not on the chain, or reads
        /// another layout, is refused. Owner only; on a pool already in this layout and on this
        /// cold part it changes nothing.
        ///
        /// # Errors
        /// `NotOwner`; `IncompatibleUpgrade` when the storage is in a later layout than this
        /// code's, or this code's cold part is missing or answers another `code_layout`.
        #[ink(message)]
        pub fn migrate(&mut self) -> Result<u32> {
            runs_hot! {
                self.ensure_owner()?;
                if self.layout > LAYOUT {
                    return Err(PoolError::IncompatibleUpgrade);
                }
                self.book.migrate(self.env().block_timestamp());
                self.layout = LAYOUT;
                // The cold code is asked on the storage as this upgrade leaves it; a refusal
                // reverts the write.
                if !self.relock_cold_code() {
                    return Err(PoolError::IncompatibleUpgrade);
                }
                Ok(LAYOUT)
            }
        }
    }

    /// Pool shares are a PSP22 token, so wallets show LP positions like any other balance.
    impl PSP22 for Pool {
        /// Shares in existence, including the 1,000 locked at the first deposit.
        #[ink(message)]
        fn total_supply(&self) -> u128 {
            runs_cold! {
                self.shares.total_supply()
            }
        }

        /// Shares held by `owner`.
        #[ink(message)]
        fn balance_of(&self, owner: AccountId) -> u128 {
            runs_cold! {
                self.shares.balance_of(owner)
            }
        }

        /// Shares `spender` may still move from `owner`.
        #[ink(message)]
        fn allowance(&self, owner: AccountId, spender: AccountId) -> u128 {
            runs_cold! {
                self.shares.allowance(owner, spender)
            }
        }

        /// Sends `value` of your shares to `to`.
        ///
        /// # Errors
        /// `InsufficientBalance`; `ZeroRecipientAddress` for `to` the zero account and
        /// `Custom("InvalidRecipient")` for `to` the pool, where shares could never be spent.
        #[ink(message)]
        fn transfer(
            &mut self,
            to: AccountId,
            value: u128,
            _data: Vec<u8>,
        ) -> core::result::Result<(), PSP22Error> {
            runs_cold! {
                self.ensure_share_recipient(to)?;
                self.change_shares(|shares, caller| shares.transfer(caller, to, value))
            }
        }

        /// Moves `value` shares from `from` to `to` using your allowance.
        ///
        /// # Errors
        /// `InsufficientAllowance`, `InsufficientBalance`; `ZeroRecipientAddress` and
        /// `Custom("InvalidRecipient")` as for `transfer`.
        #[ink(message)]
        fn transfer_from(
            &mut self,
            from: AccountId,
            to: AccountId,
            value: u128,
            _data: Vec<u8>,
        ) -> core::result::Result<(), PSP22Error> {
            runs_cold! {
                self.ensure_share_recipient(to)?;
                self.change_shares(|shares, caller| shares.transfer_from(caller, from, to, value))
            }
        }

        /// Lets `spender` move up to `value` of your shares.
        #[ink(message)]
        fn approve(&mut self, spender: AccountId, value: u128) -> core::result::Result<(), PSP22Error> {
            runs_cold! {
                self.change_shares(|shares, caller| shares.approve(caller, spender, value))
            }
        }

        /// Raises `spender`'s share allowance by `delta_value`.
        #[ink(message)]
        fn increase_allowance(
            &mut self,
            spender: AccountId,
            delta_value: u128,
        ) -> core::result::Result<(), PSP22Error> {
            runs_cold! {
                self.change_shares(|shares, caller| shares.increase_allowance(caller, spender, delta_value))
            }
        }

        /// Lowers `spender`'s share allowance by `delta_value`.
        ///
        /// # Errors
        /// `InsufficientAllowance`.
        #[ink(message)]
        fn decrease_allowance(
            &mut self,
            spender: AccountId,
            delta_value: u128,
        ) -> core::result::Result<(), PSP22Error> {
            runs_cold! {
                self.change_shares(|shares, caller| shares.decrease_allowance(caller, spender, delta_value))
            }
        }
    }

    impl PSP22Metadata for Pool {
        /// "Keel LP".
        #[ink(message)]
        fn token_name(&self) -> Option<String> {
            runs_cold! {
                Some(String::from("Keel LP"))
            }
        }

        /// "KLP".
        #[ink(message)]
        fn token_symbol(&self) -> Option<String> {
            runs_cold! {
                Some(String::from("KLP"))
            }
        }

        /// Shares have 18 decimals.
        #[ink(message)]
        fn token_decimals(&self) -> u8 {
            runs_cold! {
                TOKEN_DECIMALS
            }
        }
    }
}
