#![cfg_attr(not(feature = "std"), no_std, no_main)]

//! A constant-product venue (Uniswap v2 math): the market Keel's keeper sells excess pool
//! inventory on, and the baseline the pool's prices and costs are compared with.
//!
//! It speaks the shared `keel_interface::Venue` interface, so the keeper drives any venue the same
//! way. The math lives in `keel_core::cpmm`; this crate holds storage, token movements and
//! events. LP shares are plain accounting: they are not a token and cannot be transferred, only
//! burnt by their holder, which keeps the contract small.

mod calls;
mod errors;
pub mod events;

pub use errors::{ConstantProductError, Result};

#[ink::contract]
pub mod venue {
    use crate::events::*;
    use crate::{calls, ConstantProductError, Result};
    use ink::storage::Mapping;
    use keel_core::consts::LOCKED_SHARES_HOLDER;
    use keel_core::cpmm::{self, CpState, Side, FEE_BPS_MAX};
    use keel_core::fresh::FreshShares;
    use keel_core::CurveError;
    use keel_interface::{VenueDepth, VenueError};
    use psp22::PSP22Data;

    #[ink(storage)]
    pub struct ConstantProduct {
        token_a: AccountId,
        token_b: AccountId,
        fee_bps: u32,
        state: CpState,
        shares: PSP22Data,
        /// Shares minted too recently for `depth` to count their liquidity. In the root (40
        /// bytes every call reads and writes) rather than `Lazy`: its own key's code would cost
        /// every call more.
        fresh: FreshShares,
        /// Each provider's part of `fresh`: a provider's withdrawal takes its own fresh shares
        /// off `fresh`, never another's.
        fresh_of: Mapping<AccountId, FreshShares>,
    }

    impl ConstantProduct {
        /// Creates an empty venue trading `token_a` against `token_b`, charging `fee_bps` on
        /// every swap's input (30 = 0.30%, Uniswap v2's fee). The fee stays with the LPs.
        ///
        /// # Errors
        /// `IdenticalTokens` when both tokens are the same; `InvalidFee` above 1,000 bps.
        #[ink(constructor)]
        pub fn new(token_a: AccountId, token_b: AccountId, fee_bps: u32) -> Result<Self> {
            if token_a == token_b {
                return Err(ConstantProductError::IdenticalTokens);
            }
            if fee_bps > FEE_BPS_MAX {
                return Err(ConstantProductError::InvalidFee);
            }
            Ok(Self {
                token_a,
                token_b,
                fee_bps,
                state: CpState::default(),
                shares: PSP22Data::default(),
                fresh: FreshShares::default(),
                fresh_of: Mapping::default(),
            })
        }

        /// Deposits up to `a_max` and `b_max` and credits shares to `to`.
        ///
        /// The first deposit sets the price and takes both amounts as given (1,000 shares are
        /// locked forever); later deposits take the largest amounts in the current reserve ratio,
        /// so the unused remainder stays in your wallet. Approve both tokens first. Liquidity a
        /// later deposit adds counts toward the depth pools rebalance against (`depth`) only
        /// after `keel_core::fresh::FRESH_LIQUIDITY_MS` (ten minutes, up to twenty): the venue
        /// records `to`'s fresh shares (a storage item the caller pays the deposit for, dropped
        /// by a withdrawal of `to`'s that finds none fresh), which `to`'s withdrawals take off
        /// first.
        /// Returns `(a_in, b_in, shares)`.
        ///
        /// # Errors
        /// `Expired`, `ZeroAmount`, `MinSharesNotMet`, `Curve(ReserveLimitExceeded | ZeroAmount)`
        /// for amounts too large or too small to mint a share, `Token(..)` when a transfer is
        /// refused (e.g. missing allowance), `TokenCallFailed`.
        #[ink(message)]
        pub fn add_liquidity(
            &mut self,
            a_max: u128,
            b_max: u128,
            min_shares: u128,
            to: AccountId,
            deadline: u64,
        ) -> Result<(u128, u128, u128)> {
            self.ensure_deadline(deadline)?;
            if a_max == 0 || b_max == 0 {
                return Err(ConstantProductError::ZeroAmount);
            }
            let deposit = cpmm::deposit(&self.state, self.shares.total_supply(), a_max, b_max)?;
            if deposit.shares < min_shares {
                return Err(ConstantProductError::MinSharesNotMet);
            }
            if self.shares.total_supply() > 0 {
                let now = self.env().block_timestamp();
                self.fresh.minted(now, deposit.shares);
                let mut theirs = self.fresh_of.get(to).unwrap_or_default();
                theirs.minted(now, deposit.shares);
                self.fresh_of.insert(to, &theirs);
            }
            self.state = deposit.after;
            if deposit.locked > 0 {
                self.mint_shares(AccountId::from(LOCKED_SHARES_HOLDER), deposit.locked)?;
            }
            self.mint_shares(to, deposit.shares)?;
            let provider = self.env().caller();
            let venue = self.env().account_id();
            calls::pull(self.token_a, provider, venue, deposit.amount_a)?;
            calls::pull(self.token_b, provider, venue, deposit.amount_b)?;
            self.env().emit_event(VenueLiquidityAdded {
                provider,
                to,
                amount_a: deposit.amount_a,
                amount_b: deposit.amount_b,
                shares: deposit.shares,
            });
            Ok((deposit.amount_a, deposit.amount_b, deposit.shares))
        }

        /// Burns `shares` of yours and pays your pro-rata part of both reserves, rounded down,
        /// to `to`. Shares of yours still fresh (`add_liquidity`) are the ones burnt first, so a
        /// deposit withdrawn again leaves the depth pools rebalance against as it was.
        /// Returns `(a_out, b_out)`.
        ///
        /// # Errors
        /// `Expired`, `ZeroAmount`, `InsufficientShares`, `MinAmountsNotMet`,
        /// `Curve(ZeroOutput)` when so few shares would pay nothing of a token, `Token(..)`,
        /// `TokenCallFailed`.
        #[ink(message)]
        pub fn remove_liquidity(
            &mut self,
            shares: u128,
            min_a: u128,
            min_b: u128,
            to: AccountId,
            deadline: u64,
        ) -> Result<(u128, u128)> {
            self.ensure_deadline(deadline)?;
            if shares == 0 {
                return Err(ConstantProductError::ZeroAmount);
            }
            let provider = self.env().caller();
            if self.shares.balance_of(provider) < shares {
                return Err(ConstantProductError::InsufficientShares);
            }
            let out = cpmm::withdraw(&self.state, self.shares.total_supply(), shares)?;
            if out.amount_a < min_a || out.amount_b < min_b {
                return Err(ConstantProductError::MinAmountsNotMet);
            }
            self.state = out.after;
            self.forget_fresh(provider, shares);
            self.shares
                .burn(provider, shares)
                .map_err(|_| ConstantProductError::InsufficientShares)?;
            calls::pay(self.token_a, to, out.amount_a)?;
            calls::pay(self.token_b, to, out.amount_b)?;
            self.env().emit_event(VenueLiquidityRemoved {
                provider,
                to,
                amount_a: out.amount_a,
                amount_b: out.amount_b,
                shares,
            });
            Ok((out.amount_a, out.amount_b))
        }

        /// The venue's token balances as it accounts them: `(a, b)`. Tokens sent to the venue
        /// without a swap or deposit are not counted and do not move the price.
        #[ink(message)]
        pub fn reserves(&self) -> (u128, u128) {
            (self.state.reserve_a, self.state.reserve_b)
        }

        /// The venue's tokens: `(a, b)`.
        #[ink(message)]
        pub fn tokens(&self) -> (AccountId, AccountId) {
            (self.token_a, self.token_b)
        }

        /// The swap fee in basis points of the input.
        #[ink(message)]
        pub fn fee_bps(&self) -> u32 {
            self.fee_bps
        }

        /// Shares in existence, including the 1,000 locked at the first deposit.
        #[ink(message)]
        pub fn total_shares(&self) -> u128 {
            self.shares.total_supply()
        }

        /// Shares held by `owner`. Shares cannot be transferred, only burnt by their holder.
        #[ink(message)]
        pub fn shares_of(&self, owner: AccountId) -> u128 {
            self.shares.balance_of(owner)
        }

        fn ensure_deadline(&self, deadline: u64) -> Result<()> {
            if self.env().block_timestamp() > deadline {
                Err(ConstantProductError::Expired)
            } else {
                Ok(())
            }
        }

        /// Prices selling `amount_in` of `token_in` on the stored reserves, refused below
        /// `min_out`.
        fn price(
            &self,
            token_in: AccountId,
            amount_in: u128,
            min_out: u128,
        ) -> core::result::Result<cpmm::CpSwap, VenueError> {
            let side = if token_in == self.token_a {
                Side::A
            } else if token_in == self.token_b {
                Side::B
            } else {
                return Err(VenueError::UnknownToken);
            };
            keel_core::venue::swap_exact_in(&self.state, side, amount_in, min_out, self.fee_bps)
        }

        /// Takes `provider`'s burnt `shares` off its own fresh shares (its newest first), and the
        /// same off the venue's; shares that counted leave the depth with it.
        fn forget_fresh(&mut self, provider: AccountId, shares: u128) {
            let Some(mut theirs) = self.fresh_of.get(provider) else {
                return;
            };
            let now = self.env().block_timestamp();
            let taken = theirs.take_up_to(now, shares);
            self.fresh.take(now, taken);
            if theirs.is_empty(now) {
                self.fresh_of.remove(provider);
            } else {
                self.fresh_of.insert(provider, &theirs);
            }
        }

        fn mint_shares(&mut self, to: AccountId, value: u128) -> Result<()> {
            // Share events are left out on purpose: shares are not a token wallets should list.
            self.shares
                .mint(to, value)
                .map_err(|_| ConstantProductError::Curve(CurveError::Overflow))?;
            Ok(())
        }
    }

    impl keel_interface::Venue for ConstantProduct {
        /// Sells exactly `amount_in` of `token_in` for the other token, paid to `to`; refuses
        /// unless at least `min_out` comes out. Approve `token_in` first. Returns the amount out.
        ///
        /// # Errors
        /// `Expired`, `UnknownToken`, `ZeroAmount` (also for a trade too small to pay anything),
        /// `InsufficientLiquidity` before the first deposit, `SlippageExceeded`, `Overflow` past
        /// the reserve limit, `TransferFailed` (e.g. missing allowance or balance).
        #[ink(message)]
        fn swap_exact_in(
            &mut self,
            token_in: AccountId,
            amount_in: u128,
            min_out: u128,
            to: AccountId,
            deadline: u64,
        ) -> core::result::Result<u128, VenueError> {
            if self.env().block_timestamp() > deadline {
                return Err(VenueError::Expired);
            }
            let swap = self.price(token_in, amount_in, min_out)?;
            // State before calls: a token that calls back finds the venue already settled.
            self.state = swap.after;
            let token_out = if token_in == self.token_a {
                self.token_b
            } else {
                self.token_a
            };
            let trader = self.env().caller();
            let venue = self.env().account_id();
            calls::pull(token_in, trader, venue, amount_in).map_err(|_| VenueError::TransferFailed)?;
            calls::pay(token_out, to, swap.amount_out).map_err(|_| VenueError::TransferFailed)?;
            self.env().emit_event(VenueSwapped {
                trader,
                to,
                token_in,
                amount_in,
                amount_out: swap.amount_out,
            });
            Ok(swap.amount_out)
        }

        /// What `swap_exact_in` would pay now for `amount_in` of `token_in`, fee deducted.
        ///
        /// # Errors
        /// As `swap_exact_in`, without the slippage and deadline checks.
        #[ink(message)]
        fn quote_exact_in(
            &self,
            token_in: AccountId,
            amount_in: u128,
        ) -> core::result::Result<u128, VenueError> {
            Ok(self.price(token_in, amount_in, 0)?.amount_out)
        }

        /// The reserves of `token_in` and of the other token, and the fee in basis points. Both
        /// reserves leave out the part of liquidity added in the last ten minutes (up to twenty;
        /// `keel_core::fresh`), so that liquidity lent to the venue for one rebalance does not
        /// size that rebalance's slice. A venue's first deposit counts at once: there is no
        /// liquidity before it to lend against.
        ///
        /// # Errors
        /// `UnknownToken`; `Overflow`.
        #[ink(message)]
        fn depth(&self, token_in: AccountId) -> core::result::Result<VenueDepth, VenueError> {
            let (reserve_in, reserve_out) = if token_in == self.token_a {
                (self.state.reserve_a, self.state.reserve_b)
            } else if token_in == self.token_b {
                (self.state.reserve_b, self.state.reserve_a)
            } else {
                return Err(VenueError::UnknownToken);
            };
            let depth = VenueDepth {
                reserve_in,
                reserve_out,
                fee_bps: self.fee_bps,
            };
            self.fresh
                .seasoned(depth, self.shares.total_supply(), self.env().block_timestamp())
                .map_err(VenueError::from)
        }
    }
}
