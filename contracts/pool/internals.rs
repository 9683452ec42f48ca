//! The pool contract's internals: reading and writing its books, the checks its messages share,
//! a swap's settlement and the share token's changes and events. The messages in `lib.rs` are
//! these plus the rules of `keel_core::pool`.

use crate::book::BookV3;
use crate::calls;
use crate::pool::Pool;
use ink::codegen::Env as _;
use ink::prelude::{string::String, vec::Vec};
use ink::primitives::AccountId;
use keel_core::pool::{Depth, Ledger, RebalanceStep, Refusal, SwapKind};
use keel_core::split::MAX_VENUES;
use keel_core::{Asset, Market, Priced, Trade};
use keel_interface::pool::{
    ConfigUpdated, PoolConfig, PoolError, PoolResult as Result, RebalanceOutcome, Rebalanced, Swapped,
    VenueDepth, SHARES_TO_THE_POOL,
};
use psp22::{PSP22Data, PSP22Error, PSP22Event};

impl Pool {
    pub(crate) fn book(&self) -> &BookV3 {
        self.book.current()
    }

    pub(crate) fn book_mut(&mut self) -> &mut BookV3 {
        self.book.current_mut()
    }

    /// The pool's tokens: `(base, quote)`.
    pub(crate) fn token_pair(&self) -> (AccountId, AccountId) {
        let b = self.book();
        (b.base, b.quote)
    }

    /// The configured venue first, then the others `set_venues` listed; empty without a
    /// configured venue.
    pub(crate) fn listed_venues(&self) -> Vec<AccountId> {
        let Some(first) = self.book().config.venue else {
            return Vec::new();
        };
        let mut venues = Vec::from([first]);
        venues.extend(
            self.more_venues
                .get()
                .unwrap_or_default()
                .into_iter()
                .filter(|v| *v != first),
        );
        venues
    }

    /// Makes `config` the pool's configuration and announces it (`ConfigUpdated`), or refuses
    /// one outside its bounds with `InvalidConfig` and changes nothing.
    pub(crate) fn apply_config(&mut self, config: PoolConfig) -> Result<()> {
        if !config.is_valid() {
            return Err(PoolError::InvalidConfig);
        }
        self.book_mut().config = config;
        self.env().emit_event(ConfigUpdated { config });
        Ok(())
    }

    pub(crate) fn ensure_owner(&self) -> Result<()> {
        if self.env().caller() == self.book().owner {
            Ok(())
        } else {
            Err(PoolError::NotOwner)
        }
    }

    pub(crate) fn ensure_deadline(&self, deadline: u64) -> Result<()> {
        if self.env().block_timestamp() > deadline {
            Err(PoolError::Expired)
        } else {
            Ok(())
        }
    }

    pub(crate) fn ensure_open(&self, deadline: u64) -> Result<()> {
        if self.book().paused {
            return Err(PoolError::Paused);
        }
        self.ensure_deadline(deadline)
    }

    /// Tokens sent to the pool itself or to the zero account could never be spent.
    pub(crate) fn ensure_recipient(&self, to: AccountId) -> Result<()> {
        if to == self.env().account_id() || to == AccountId::from([0; 32]) {
            Err(PoolError::InvalidRecipient)
        } else {
            Ok(())
        }
    }

    /// Shares sent to the pool could never be spent (the pool never sends its own), and shares
    /// sent to the zero account would be counted with the 1,000 locked at the first deposit.
    pub(crate) fn ensure_share_recipient(&self, to: AccountId) -> core::result::Result<(), PSP22Error> {
        if to == AccountId::from([0; 32]) {
            Err(PSP22Error::ZeroRecipientAddress)
        } else if to == self.env().account_id() {
            Err(PSP22Error::Custom(String::from(SHARES_TO_THE_POOL)))
        } else {
            Ok(())
        }
    }

    pub(crate) fn asset_of(&self, token: AccountId) -> Result<Asset> {
        let b = self.book();
        if token == b.base {
            Ok(Asset::Base)
        } else if token == b.quote {
            Ok(Asset::Quote)
        } else {
            Err(PoolError::UnknownToken)
        }
    }

    pub(crate) fn token_of(&self, asset: Asset) -> AccountId {
        let b = self.book();
        match asset {
            Asset::Base => b.base,
            Asset::Quote => b.quote,
        }
    }

    /// The pool's books, as its rules read them.
    #[inline(never)]
    pub(crate) fn ledger(&self) -> Ledger {
        let b = self.book();
        Ledger {
            state: b.state,
            rebalancing: b.rebalancing,
            total_shares: self.shares.total_supply(),
            priced_k: b.priced_k,
            discovery: b.discovery,
        }
    }

    /// Stores what a transition changed in the books (the share supply lives in `shares`).
    #[inline(never)]
    pub(crate) fn store(&mut self, ledger: &Ledger) {
        let b = self.book_mut();
        b.state = ledger.state;
        b.rebalancing = ledger.rebalancing;
        b.priced_k = ledger.priced_k;
        b.discovery = ledger.discovery;
    }

    /// Reads the oracle and prices the market, refusing stale or out-of-bounds readings.
    pub(crate) fn market(&self) -> Result<Market> {
        let now = self.env().block_timestamp();
        let b = self.book();
        Ok(self.ledger().fresh_market(&b.config, now, &b.price_feed)?)
    }

    /// Prices a swap of `token_in` on the stored state at the oracle's current market.
    pub(crate) fn price(&self, token_in: AccountId, kind: SwapKind, amount: u128) -> Result<Priced> {
        let asset = self.asset_of(token_in)?;
        let now = self.env().block_timestamp();
        let b = self.book();
        Ok(self
            .ledger()
            .price_swap(&b.config, now, &b.price_feed, kind, asset, amount)?)
    }

    /// Prices, bounds and settles a swap; books it in the pool's fields before moving the tokens.
    /// ink! writes those fields to storage only when the message returns, so a token that called
    /// back would find the books from before it: pallet-contracts' refusal of re-entry (no call
    /// out allows it) is the defence (`docs/security.md`, re-entry).
    pub(crate) fn swap(
        &mut self,
        token_in: AccountId,
        kind: SwapKind,
        amount: u128,
        limit: u128,
        to: AccountId,
    ) -> Result<Trade> {
        let priced = self.price(token_in, kind, amount)?;
        let trade = priced.trade;
        let mut ledger = self.ledger();
        ledger.book_swap(&priced, kind, limit, self.env().block_timestamp())?;
        self.store(&ledger);
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
            oracle_price: priced.oracle,
        });
        Ok(trade)
    }

    pub(crate) fn mint_shares(&mut self, to: AccountId, value: u128) -> Result<()> {
        let events = self.shares.mint(to, value)?;
        self.emit_share_events(events);
        Ok(())
    }

    /// Runs a change of the share token's books on behalf of the caller, then emits the events
    /// it reports. A refusal emits nothing and, as the message's error, reverts the call.
    pub(crate) fn change_shares(
        &mut self,
        change: impl FnOnce(&mut PSP22Data, AccountId) -> core::result::Result<Vec<PSP22Event>, PSP22Error>,
    ) -> core::result::Result<(), PSP22Error> {
        let caller = self.env().caller();
        let events = change(&mut self.shares, caller)?;
        self.emit_share_events(events);
        Ok(())
    }

    pub(crate) fn emit_share_events(&self, events: Vec<PSP22Event>) {
        for event in events {
            match event {
                PSP22Event::Transfer(e) => self.env().emit_event(e),
                PSP22Event::Approval(e) => self.env().emit_event(e),
            }
        }
    }
}

impl Pool {
    /// Runs the venue trades of a planned rebalance, books them and pays the bounty. The plan's
    /// epoch is booked before any call out (written to storage when the message returns; no
    /// call out allows re-entry); each leg's gain is the pool's own balance change.
    pub(crate) fn run_rebalance(
        &mut self,
        mut ledger: Ledger,
        step: &RebalanceStep<AccountId>,
        now: u64,
    ) -> Result<RebalanceOutcome> {
        self.store(&ledger);
        let pool = self.env().account_id();
        let token_sold = self.token_of(step.plan.sell);
        let token_bought = self.token_of(step.plan.sell.other());
        let mut gains = [0u128; MAX_VENUES];
        let mut n = 0;
        for leg in step.legs.iter().flatten() {
            let held = calls::balance(token_bought, pool)?;
            calls::approve(token_sold, leg.venue, leg.plan.amount_in)?;
            calls::sell_on_venue(
                leg.venue,
                token_sold,
                leg.plan.amount_in,
                leg.plan.min_out,
                pool,
                now,
            )?;
            gains[n] = calls::balance(token_bought, pool)?
                .checked_sub(held)
                .ok_or(PoolError::VenueCallFailed)?;
            n = n.saturating_add(1);
        }
        let outcome = step.settle(&mut ledger, &gains[..n])?;
        self.store(&ledger);
        let caller = self.env().caller();
        calls::pay(self.token_of(Asset::Quote), caller, outcome.bounty)?;
        let outcome = outcome.naming(token_sold);
        self.env().emit_event(Rebalanced::new(caller, &outcome));
        Ok(outcome)
    }
}

/// A rebalance reads its venues' depths for the token it sells.
impl Depth<AccountId> for Pool {
    fn depth(&self, venue: AccountId, sell: Asset) -> core::result::Result<VenueDepth, Refusal> {
        calls::depth(venue, self.token_of(sell))
    }
}
