#![cfg_attr(not(feature = "std"), no_std, no_main)]

//! Keel's pool: an AMM whose price is the oracle's, skewed by the pool's inventory.
//!
//! When the pool holds more of one token than its target it quotes that token cheaper and the
//! other dearer, so order flow pulls inventory back; the skew steepens and the fee widens with the
//! oracle's volatility and age. The math lives in `keel-curve`, shared with the keeper and the
//! simulator; this crate holds storage, token movements, access control and events.

mod calls;
mod errors;
mod events;
mod types;

pub use errors::{Error, Result};
pub use types::{MarketStatus, PoolConfig, Quote, RebalanceOutcome, RebalanceStatus, MAX_ORACLE_AGE_CEIL_MS};

#[ink::contract]
pub mod pool {
    use crate::events::*;
    use crate::{calls, Error, MarketStatus, PoolConfig, Quote, RebalanceOutcome, RebalanceStatus, Result};
    use ink::prelude::{string::String, vec::Vec};
    use keel_curve::math::{mul_div_u128, Rounding};
    use keel_curve::rebalance;
    use keel_curve::{Asset, CurveError, Market, OracleReading, PoolState, Trade, ONE};
    use keel_traits::FeedId;
    use psp22::{PSP22Data, PSP22Error, PSP22Event, PSP22Metadata, PSP22};

    /// A priced market with the volatility it was priced from.
    struct Reading {
        priced: Market,
        volatility: u128,
    }

    /// Which amount of a swap is fixed.
    #[derive(Clone, Copy)]
    enum Kind {
        ExactIn,
        ExactOut,
    }

    /// Holder of the shares locked at the first deposit: the all-zero account, whose key nobody has.
    pub const LOCKED_SHARES_HOLDER: [u8; 32] = [0u8; 32];

    #[ink(storage)]
    pub struct Pool {
        owner: AccountId,
        base: AccountId,
        quote: AccountId,
        oracle: AccountId,
        feed: FeedId,
        config: PoolConfig,
        state: PoolState,
        paused: bool,
        rebalancing: RebalanceStatus,
        shares: PSP22Data,
    }

    impl Pool {
        /// Creates an empty pool trading `base` against `quote`, priced by `feed` of `oracle`.
        /// The deployer becomes the owner.
        ///
        /// # Errors
        /// `IdenticalTokens` when base and quote are the same; `InvalidConfig` when `config` is
        /// outside its bounds.
        #[ink(constructor)]
        pub fn new(
            base: AccountId,
            quote: AccountId,
            oracle: AccountId,
            feed: FeedId,
            config: PoolConfig,
        ) -> Result<Self> {
            if base == quote {
                return Err(Error::IdenticalTokens);
            }
            if !config.is_valid() {
                return Err(Error::InvalidConfig);
            }
            Ok(Self {
                owner: Self::env().caller(),
                base,
                quote,
                oracle,
                feed,
                config,
                state: PoolState::default(),
                paused: false,
                rebalancing: RebalanceStatus::default(),
                shares: PSP22Data::default(),
            })
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
        /// `Paused`, `Expired`, `ZeroAmount`, `MinSharesNotMet`, `Curve(ReserveLimitExceeded)`,
        /// `Token(..)` when a transfer is refused (e.g. missing allowance).
        #[ink(message)]
        pub fn add_liquidity(
            &mut self,
            base_max: u128,
            quote_max: u128,
            min_shares: u128,
            to: AccountId,
            deadline: u64,
        ) -> Result<(u128, u128, u128)> {
            self.ensure_open(deadline)?;
            if base_max == 0 || quote_max == 0 {
                return Err(Error::ZeroAmount);
            }
            let deposit = keel_curve::deposit(&self.state, self.shares.total_supply(), base_max, quote_max)?;
            if deposit.shares < min_shares {
                return Err(Error::MinSharesNotMet);
            }
            self.state = deposit.after;
            if deposit.locked > 0 {
                self.mint_shares(AccountId::from(LOCKED_SHARES_HOLDER), deposit.locked)?;
            }
            self.mint_shares(to, deposit.shares)?;
            let provider = self.env().caller();
            let pool = self.env().account_id();
            calls::pull(self.base, provider, pool, deposit.base_in)?;
            calls::pull(self.quote, provider, pool, deposit.quote_in)?;
            self.env().emit_event(LiquidityAdded {
                provider,
                to,
                base_in: deposit.base_in,
                quote_in: deposit.quote_in,
                shares: deposit.shares,
            });
            Ok((deposit.base_in, deposit.quote_in, deposit.shares))
        }

        /// Burns `shares` of yours and pays your pro-rata part of both reserves to `to`.
        /// Works while the pool is paused, so liquidity can always leave.
        /// Returns `(base_out, quote_out)`.
        ///
        /// # Errors
        /// `Expired`, `ZeroAmount`, `InsufficientShares`, `MinAmountsNotMet`, `NoLiquidity`.
        #[ink(message)]
        pub fn remove_liquidity(
            &mut self,
            shares: u128,
            min_base: u128,
            min_quote: u128,
            to: AccountId,
            deadline: u64,
        ) -> Result<(u128, u128)> {
            self.ensure_deadline(deadline)?;
            if shares == 0 {
                return Err(Error::ZeroAmount);
            }
            let provider = self.env().caller();
            if self.shares.balance_of(provider) < shares {
                return Err(Error::InsufficientShares);
            }
            let total = self.shares.total_supply();
            if total == 0 {
                return Err(Error::NoLiquidity);
            }
            let out = keel_curve::withdraw(&self.state, total, shares)?;
            if out.base_out < min_base || out.quote_out < min_quote {
                return Err(Error::MinAmountsNotMet);
            }
            self.state = out.after;
            // The leaving LP takes its share of the fees set aside for bounties.
            let budget = &mut self.rebalancing.bounty_budget;
            let kept = total.checked_sub(shares).ok_or(CurveError::Overflow)?;
            *budget = mul_div_u128(*budget, kept, total, Rounding::Down)?;
            let events = self.shares.burn(provider, shares)?;
            self.emit_share_events(events);
            calls::pay(self.base, to, out.base_out)?;
            calls::pay(self.quote, to, out.quote_out)?;
            self.env().emit_event(LiquidityRemoved {
                provider,
                to,
                base_out: out.base_out,
                quote_out: out.quote_out,
                shares,
            });
            Ok((out.base_out, out.quote_out))
        }

        // ---- Trading ----

        /// Sells exactly `amount_in` of `token_in` and sends the other token to `to`; refuses
        /// unless at least `min_out` comes out. Approve `token_in` first. Returns the amount out.
        ///
        /// The price is the oracle's, skewed by the pool's inventory, minus the current fee.
        ///
        /// # Errors
        /// `Paused`, `Expired`, `ZeroAmount`, `UnknownToken`, `NoLiquidity`, `OracleStale`,
        /// `OracleInvalid`, `SlippageExceeded`, `Curve(PriceBandExceeded |
        /// InventoryLimitExceeded | ReserveLimitExceeded | InsufficientLiquidity | ZeroOutput)`,
        /// `Token(..)`.
        #[ink(message)]
        pub fn swap_exact_in(
            &mut self,
            token_in: AccountId,
            amount_in: u128,
            min_out: u128,
            to: AccountId,
            deadline: u64,
        ) -> Result<u128> {
            self.ensure_open(deadline)?;
            let (trade, market) = self.price(token_in, amount_in, Kind::ExactIn)?;
            if trade.amount_out < min_out {
                return Err(Error::SlippageExceeded);
            }
            self.settle(token_in, &trade, &market, to)?;
            Ok(trade.amount_out)
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
            self.ensure_open(deadline)?;
            let (trade, market) = self.price(token_in, amount_out, Kind::ExactOut)?;
            if trade.amount_in > max_in {
                return Err(Error::SlippageExceeded);
            }
            self.settle(token_in, &trade, &market, to)?;
            Ok(trade.amount_in)
        }

        // ---- Rebalancing ----

        /// Sells the pool's excess inventory on its venue once `|q|` has drifted to the
        /// configured trigger, bringing it back to the target, and pays you a bounty (in quote)
        /// from the pool's fees. Returns what was sold, bought and paid.
        ///
        /// Anyone may call it: every condition is checked here, whatever a keeper saw. Pass the
        /// current `rebalance_status().epoch`; once a rebalance lands the epoch moves on, so the
        /// same rebalance never runs or pays twice. The venue must pay at least the oracle value
        /// less `max_venue_slippage_bps`, or the whole call reverts and nothing moves.
        ///
        /// # Errors
        /// `Paused`, `Expired`, `StaleEpoch`, `NoVenue`, `RebalanceCooldown`, `NoLiquidity`,
        /// `OracleStale`, `OracleInvalid`, `RebalanceNotDue`, `Venue(SlippageExceeded)` when the
        /// venue's price is too far from the oracle's, `Venue(..)`, `VenueCallFailed`, `Token(..)`.
        #[ink(message)]
        pub fn rebalance(&mut self, epoch: u64, deadline: u64) -> Result<RebalanceOutcome> {
            self.ensure_open(deadline)?;
            let status = self.rebalancing;
            if epoch != status.epoch {
                return Err(Error::StaleEpoch);
            }
            let venue = self.config.venue.ok_or(Error::NoVenue)?;
            let params = self.config.rebalance;
            let now = self.env().block_timestamp();
            if now < status.last_ms.saturating_add(params.cooldown_ms) {
                return Err(Error::RebalanceCooldown);
            }
            let market = self.market()?;
            let state = self.equilibrated(&market)?;
            let plan = rebalance::plan(&state, market.price, &params)?.ok_or(Error::RebalanceNotDue)?;
            let bounty = rebalance::bounty(&plan, &params, status.bounty_budget)?;
            self.rebalancing = RebalanceStatus {
                epoch: epoch.checked_add(1).ok_or(CurveError::Overflow)?,
                last_ms: now,
                bounty_budget: status
                    .bounty_budget
                    .checked_sub(bounty)
                    .ok_or(CurveError::Overflow)?,
            };
            let pool = self.env().account_id();
            let token_sold = self.token_of(plan.sell);
            let token_bought = self.token_of(plan.sell.other());
            let held = calls::balance(token_bought, pool)?;
            calls::approve(token_sold, venue, plan.amount_in)?;
            calls::sell_on_venue(venue, token_sold, plan.amount_in, plan.min_out, pool, now)?;
            let bought = calls::balance(token_bought, pool)?
                .checked_sub(held)
                .filter(|b| *b >= plan.min_out)
                .ok_or(Error::VenueCallFailed)?;
            let after = rebalance::apply(&state, plan.sell, plan.amount_in, bought, bounty)?.equilibrate(
                market.price,
                market.k,
                Rounding::Down,
            )?;
            self.state = after;
            let caller = self.env().caller();
            calls::pay(self.quote, caller, bounty)?;
            let outcome = RebalanceOutcome {
                epoch: self.rebalancing.epoch,
                token_sold,
                sold: plan.amount_in,
                bought,
                bounty,
                q_before: plan.q_before,
                q_after: after.inventory(market.price)?,
            };
            self.env().emit_event(Rebalanced {
                caller,
                epoch: outcome.epoch,
                token_sold,
                sold: outcome.sold,
                bought,
                bounty,
                q_before: outcome.q_before,
                q_after: outcome.q_after,
            });
            Ok(outcome)
        }

        /// Where rebalancing stands: the epoch to pass to `rebalance`, when the last one ran, and
        /// the quote set aside from fees for bounties.
        #[ink(message)]
        pub fn rebalance_status(&self) -> RebalanceStatus {
            self.rebalancing
        }

        // ---- Views ----

        /// What selling exactly `amount_in` of `token_in` would pay now, fee included.
        ///
        /// # Errors
        /// As `swap_exact_in`, without the slippage, pause and deadline checks.
        #[ink(message)]
        pub fn quote_exact_in(&self, token_in: AccountId, amount_in: u128) -> Result<Quote> {
            let (trade, market) = self.price(token_in, amount_in, Kind::ExactIn)?;
            self.quote_of(&trade, &market)
        }

        /// What buying exactly `amount_out` with `token_in` would cost now, fee included.
        ///
        /// # Errors
        /// As `swap_exact_out`, without the slippage, pause and deadline checks.
        #[ink(message)]
        pub fn quote_exact_out(&self, token_in: AccountId, amount_out: u128) -> Result<Quote> {
            let (trade, market) = self.price(token_in, amount_out, Kind::ExactOut)?;
            self.quote_of(&trade, &market)
        }

        /// The marginal price of base in quote (1e18) before fees: the oracle price skewed by
        /// inventory.
        ///
        /// # Errors
        /// `NoLiquidity`, `OracleStale`, `OracleInvalid`.
        #[ink(message)]
        pub fn mid_price(&self) -> Result<u128> {
            let market = self.market()?;
            Ok(self
                .equilibrated(&market)?
                .marginal_price(market.price, market.k)?)
        }

        /// Average prices (quote per base, 1e18, fees included) for selling `size` base to the
        /// pool (bid, rounded down) and buying `size` base from it (ask, rounded up).
        ///
        /// # Errors
        /// As `quote_exact_in` / `quote_exact_out` for a trade of `size` base.
        #[ink(message)]
        pub fn bid_ask(&self, size: u128) -> Result<(u128, u128)> {
            let (sell, _) = self.price(self.base, size, Kind::ExactIn)?;
            let (buy, _) = self.price(self.quote, size, Kind::ExactOut)?;
            let bid = mul_div_u128(sell.amount_out, ONE, size, Rounding::Down)?;
            let ask = mul_div_u128(buy.amount_in, ONE, size, Rounding::Up)?;
            Ok((bid, ask))
        }

        /// Inventory imbalance `q` (1e18): the base held beyond target, valued at the oracle, as a
        /// share of the targets' value. Positive when the pool is long base, negative when short.
        ///
        /// # Errors
        /// `OracleStale`, `OracleInvalid`.
        #[ink(message)]
        pub fn inventory(&self) -> Result<i128> {
            let market = self.market()?;
            Ok(self.equilibrated(&market)?.inventory(market.price)?)
        }

        /// The pool's token balances as it accounts them: `(base, quote)`. Tokens sent to the pool
        /// without a swap or deposit are not counted and do not move the price.
        #[ink(message)]
        pub fn reserves(&self) -> (u128, u128) {
            (self.state.base_reserve, self.state.quote_reserve)
        }

        /// The targets the curve pulls toward at the current oracle price: `(base, quote)`.
        ///
        /// # Errors
        /// `OracleStale`, `OracleInvalid`.
        #[ink(message)]
        pub fn targets(&self) -> Result<(u128, u128)> {
            let market = self.market()?;
            let eq = self.equilibrated(&market)?;
            Ok((eq.base_target, eq.quote_target))
        }

        /// The stored curve state (reserves, targets, which side is short), as the keeper and
        /// simulator read it.
        #[ink(message)]
        pub fn curve_state(&self) -> PoolState {
            self.state
        }

        /// The oracle's latest reading, its age, and the `k` and fee a swap would be priced with
        /// now. Readable while the reading is stale (`stale` says so), so a wallet can show why
        /// swaps are refused.
        ///
        /// # Errors
        /// `Oracle(..)`, `OracleCallFailed`, `OracleInvalid`.
        #[ink(message)]
        pub fn market_status(&self) -> Result<MarketStatus> {
            let (market, timestamp, age_ms) = self.read_market()?;
            Ok(MarketStatus {
                price: market.priced.price,
                volatility: market.volatility,
                timestamp,
                age_ms,
                k: market.priced.k,
                fee: market.priced.fee,
                stale: age_ms > self.config.max_oracle_age_ms,
            })
        }

        /// The configuration: curve parameters, fee schedule, bounds, oracle age limit, and the
        /// rebalancing venue and policy.
        #[ink(message)]
        pub fn config(&self) -> PoolConfig {
            self.config
        }

        /// The pool's tokens: `(base, quote)`.
        #[ink(message)]
        pub fn tokens(&self) -> (AccountId, AccountId) {
            (self.base, self.quote)
        }

        /// The oracle contract and the feed the pool reads.
        #[ink(message)]
        pub fn oracle(&self) -> (AccountId, FeedId) {
            (self.oracle, self.feed)
        }

        /// The account that may configure, pause and upgrade the pool.
        #[ink(message)]
        pub fn owner(&self) -> AccountId {
            self.owner
        }

        /// Whether trading and deposits are paused.
        #[ink(message)]
        pub fn is_paused(&self) -> bool {
            self.paused
        }

        // ---- Admin ----

        /// Replaces the configuration. Owner only; every value is checked against hard bounds.
        ///
        /// # Errors
        /// `NotOwner`, `InvalidConfig`.
        #[ink(message)]
        pub fn set_config(&mut self, config: PoolConfig) -> Result<()> {
            self.ensure_owner()?;
            if !config.is_valid() {
                return Err(Error::InvalidConfig);
            }
            self.config = config;
            self.env().emit_event(ConfigUpdated { config });
            Ok(())
        }

        /// Pauses (`true`) or resumes (`false`) swaps and deposits; withdrawals stay open while
        /// paused. Owner only.
        ///
        /// # Errors
        /// `NotOwner`.
        #[ink(message)]
        pub fn set_paused(&mut self, paused: bool) -> Result<()> {
            self.ensure_owner()?;
            self.paused = paused;
            self.env().emit_event(PauseChanged { paused });
            Ok(())
        }

        /// Hands the pool to `new_owner`. Owner only.
        ///
        /// # Errors
        /// `NotOwner`.
        #[ink(message)]
        pub fn transfer_ownership(&mut self, new_owner: AccountId) -> Result<()> {
            self.ensure_owner()?;
            let previous = self.owner;
            self.owner = new_owner;
            self.env().emit_event(OwnershipTransferred {
                previous,
                new: new_owner,
            });
            Ok(())
        }

        /// Replaces the pool's code with already-uploaded code `code_hash`, keeping storage.
        /// Owner only; the new code must keep the storage layout.
        ///
        /// # Errors
        /// `NotOwner`; `InvalidConfig` when no code with that hash was uploaded.
        #[ink(message)]
        pub fn set_code(&mut self, code_hash: Hash) -> Result<()> {
            self.ensure_owner()?;
            self.env()
                .set_code_hash(&code_hash)
                .map_err(|_| Error::InvalidConfig)?;
            self.env().emit_event(CodeUpgraded { code_hash });
            Ok(())
        }

        // ---- Internals ----

        fn ensure_owner(&self) -> Result<()> {
            if self.env().caller() == self.owner {
                Ok(())
            } else {
                Err(Error::NotOwner)
            }
        }

        fn ensure_deadline(&self, deadline: u64) -> Result<()> {
            if self.env().block_timestamp() > deadline {
                Err(Error::Expired)
            } else {
                Ok(())
            }
        }

        fn ensure_open(&self, deadline: u64) -> Result<()> {
            if self.paused {
                return Err(Error::Paused);
            }
            self.ensure_deadline(deadline)
        }

        fn asset_of(&self, token: AccountId) -> Result<Asset> {
            if token == self.base {
                Ok(Asset::Base)
            } else if token == self.quote {
                Ok(Asset::Quote)
            } else {
                Err(Error::UnknownToken)
            }
        }

        fn token_of(&self, asset: Asset) -> AccountId {
            match asset {
                Asset::Base => self.base,
                Asset::Quote => self.quote,
            }
        }

        /// Reads the oracle and prices the market, refusing stale or out-of-bounds readings.
        fn market(&self) -> Result<Market> {
            let (market, _, age_ms) = self.read_market()?;
            if age_ms > self.config.max_oracle_age_ms {
                return Err(Error::OracleStale);
            }
            Ok(market.priced)
        }

        /// Reads the oracle and prices the market, refusing out-of-bounds readings; returns the
        /// reading's timestamp and age for the caller to judge.
        fn read_market(&self) -> Result<(Reading, u64, u64)> {
            let data = calls::latest(self.oracle, self.feed)?;
            let age_ms = self.env().block_timestamp().saturating_sub(data.timestamp);
            let reading = OracleReading {
                price: data.price,
                volatility: data.volatility,
                age_ms,
            };
            let priced = self
                .config
                .curve
                .market(&reading)
                .map_err(|_| Error::OracleInvalid)?;
            Ok((
                Reading {
                    priced,
                    volatility: data.volatility,
                },
                data.timestamp,
                age_ms,
            ))
        }

        fn equilibrated(&self, market: &Market) -> Result<PoolState> {
            if self.shares.total_supply() == 0 {
                return Err(Error::NoLiquidity);
            }
            Ok(self.state.equilibrate(market.price, market.k, Rounding::Down)?)
        }

        /// Prices a swap on the stored state at the oracle's current market.
        fn price(&self, token_in: AccountId, amount: u128, kind: Kind) -> Result<(Trade, Market)> {
            let asset = self.asset_of(token_in)?;
            self.ensure_trade_inputs(amount)?;
            let market = self.market()?;
            let curve = &self.config.curve;
            let trade = match kind {
                Kind::ExactIn => keel_curve::swap_exact_in(&self.state, &market, curve, asset, amount),
                Kind::ExactOut => keel_curve::swap_exact_out(&self.state, &market, curve, asset, amount),
            }?;
            Ok((trade, market))
        }

        fn ensure_trade_inputs(&self, amount: u128) -> Result<()> {
            if amount == 0 {
                return Err(Error::ZeroAmount);
            }
            if self.shares.total_supply() == 0 {
                return Err(Error::NoLiquidity);
            }
            Ok(())
        }

        fn quote_of(&self, trade: &Trade, market: &Market) -> Result<Quote> {
            let after = trade.after.equilibrate(market.price, market.k, Rounding::Down)?;
            Ok(Quote {
                amount_in: trade.amount_in,
                amount_out: trade.amount_out,
                fee: trade.fee,
                price_after: after.marginal_price(market.price, market.k)?,
                inventory_after: after.inventory(market.price)?,
            })
        }

        /// Stores the trade's state, then moves the tokens (state before calls: a token that
        /// calls back finds the pool already settled, and pallet-contracts refuses re-entry).
        fn settle(
            &mut self,
            token_in: AccountId,
            trade: &Trade,
            market: &Market,
            to: AccountId,
        ) -> Result<()> {
            self.state = trade.after;
            let budget = self.rebalancing.bounty_budget;
            self.rebalancing.bounty_budget =
                rebalance::accrue_fee(budget, trade.asset_in, trade.fee, market.price)?;
            let trader = self.env().caller();
            let pool = self.env().account_id();
            let token_out = self.token_of(trade.asset_in.other());
            calls::pull(token_in, trader, pool, trade.amount_in)?;
            calls::pay(token_out, to, trade.amount_out)?;
            self.env().emit_event(Swapped {
                trader,
                to,
                token_in,
                amount_in: trade.amount_in,
                amount_out: trade.amount_out,
                fee: trade.fee,
                oracle_price: market.price,
            });
            Ok(())
        }

        fn mint_shares(&mut self, to: AccountId, value: u128) -> Result<()> {
            let events = self.shares.mint(to, value)?;
            self.emit_share_events(events);
            Ok(())
        }

        fn emit_share_events(&self, events: Vec<PSP22Event>) {
            for event in events {
                match event {
                    PSP22Event::Transfer(e) => self.env().emit_event(e),
                    PSP22Event::Approval(e) => self.env().emit_event(e),
                }
            }
        }
    }

    /// Pool shares are a PSP22 token, so wallets show LP positions like any other balance.
    impl PSP22 for Pool {
        /// Shares in existence, including the 1,000 locked at the first deposit.
        #[ink(message)]
        fn total_supply(&self) -> u128 {
            self.shares.total_supply()
        }

        /// Shares held by `owner`.
        #[ink(message)]
        fn balance_of(&self, owner: AccountId) -> u128 {
            self.shares.balance_of(owner)
        }

        /// Shares `spender` may still move from `owner`.
        #[ink(message)]
        fn allowance(&self, owner: AccountId, spender: AccountId) -> u128 {
            self.shares.allowance(owner, spender)
        }

        /// Sends `value` of your shares to `to`.
        ///
        /// # Errors
        /// `InsufficientBalance`.
        #[ink(message)]
        fn transfer(
            &mut self,
            to: AccountId,
            value: u128,
            _data: Vec<u8>,
        ) -> core::result::Result<(), PSP22Error> {
            let events = self.shares.transfer(self.env().caller(), to, value)?;
            self.emit_share_events(events);
            Ok(())
        }

        /// Moves `value` shares from `from` to `to` using your allowance.
        ///
        /// # Errors
        /// `InsufficientAllowance`, `InsufficientBalance`.
        #[ink(message)]
        fn transfer_from(
            &mut self,
            from: AccountId,
            to: AccountId,
            value: u128,
            _data: Vec<u8>,
        ) -> core::result::Result<(), PSP22Error> {
            let events = self.shares.transfer_from(self.env().caller(), from, to, value)?;
            self.emit_share_events(events);
            Ok(())
        }

        /// Lets `spender` move up to `value` of your shares.
        #[ink(message)]
        fn approve(&mut self, spender: AccountId, value: u128) -> core::result::Result<(), PSP22Error> {
            let events = self.shares.approve(self.env().caller(), spender, value)?;
            self.emit_share_events(events);
            Ok(())
        }

        /// Raises `spender`'s share allowance by `delta_value`.
        #[ink(message)]
        fn increase_allowance(
            &mut self,
            spender: AccountId,
            delta_value: u128,
        ) -> core::result::Result<(), PSP22Error> {
            let events = self
                .shares
                .increase_allowance(self.env().caller(), spender, delta_value)?;
            self.emit_share_events(events);
            Ok(())
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
            let events = self
                .shares
                .decrease_allowance(self.env().caller(), spender, delta_value)?;
            self.emit_share_events(events);
            Ok(())
        }
    }

    impl PSP22Metadata for Pool {
        /// "Keel LP".
        #[ink(message)]
        fn token_name(&self) -> Option<String> {
            Some(String::from("Keel LP"))
        }

        /// "KLP".
        #[ink(message)]
        fn token_symbol(&self) -> Option<String> {
            Some(String::from("KLP"))
        }

        /// Shares have 18 decimals.
        #[ink(message)]
        fn token_decimals(&self) -> u8 {
            18
        }
    }
}
