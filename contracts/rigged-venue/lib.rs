#![cfg_attr(not(feature = "std"), no_std, no_main)]

//! A venue that lies, for attack tests only. It answers `depth` with whatever reserves and fee the
//! test sets, pays for a sale whatever share of its value at a set price the test chooses, tells
//! the seller it paid another share, and ignores the least pay and the deadline it is given. A
//! pool that rebalances on it must be paid at least what the depth it was told entitles it to,
//! judged by its own balance, or refuse the rebalance and keep everything as it was.

#[ink::contract]
pub mod rigged_venue {
    use keel_core::math::{mul_div, narrow, wide, Rounding};
    use keel_core::ONE;
    use keel_interface::{VenueDepth, VenueError};

    /// What the venue says and does, all of it the test's choice.
    #[derive(Debug, Clone, Copy, Default)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct Lies {
        /// What `depth` answers for a sale of base: reserves of base and of quote (a sale of
        /// quote reads them the other way round), and the fee.
        pub base_reserve: u128,
        pub quote_reserve: u128,
        pub fee_bps: u32,
        /// The price it values a sale at: quote per base, 1e18.
        pub price: u128,
        /// The share of the sale's value it pays, in basis points.
        pub pay_bps: u32,
        /// The share of the sale's value it says it paid (returns and quotes), in basis points.
        pub claim_bps: u32,
        /// The share of the amount sold it takes during the sale, in basis points; the rest of
        /// the seller's allowance stays for [`RiggedVenue::take`].
        pub pull_bps: u32,
    }

    #[ink(storage)]
    pub struct RiggedVenue {
        base: AccountId,
        quote: AccountId,
        lies: Lies,
    }

    impl RiggedVenue {
        /// A venue for `base` against `quote` that tells nothing yet (no depth, pays nothing).
        #[ink(constructor)]
        pub fn new(base: AccountId, quote: AccountId) -> Self {
            Self {
                base,
                quote,
                lies: Lies::default(),
            }
        }

        /// Sets what the venue says and does from now on. Anyone may: it is a test's tool.
        #[ink(message)]
        pub fn set_lies(&mut self, lies: Lies) {
            self.lies = lies;
        }

        /// Takes `value` of `token` from `from` to the venue, with whatever allowance `from` left
        /// it: what a venue that took less than a sale's amount can do at any later time.
        ///
        /// # Errors
        /// `TransferFailed` when the token refuses (no allowance left).
        #[ink(message)]
        pub fn take(&mut self, token: AccountId, from: AccountId, value: u128) -> Result<(), VenueError> {
            keel_interface::token::pull(token, from, self.env().account_id(), value)
                .map_err(|_| VenueError::TransferFailed)
        }

        /// The token paid for a sale of `token_in`.
        fn other(&self, token_in: AccountId) -> Result<AccountId, VenueError> {
            if token_in == self.base {
                Ok(self.quote)
            } else if token_in == self.quote {
                Ok(self.base)
            } else {
                Err(VenueError::UnknownToken)
            }
        }

        /// `bps` of the value of `amount_in` of `token_in` at the set price, in the other token.
        fn share(&self, token_in: AccountId, amount_in: u128, bps: u32) -> Result<u128, VenueError> {
            let price = self.lies.price;
            let (num, den) = if token_in == self.base {
                (price, ONE)
            } else {
                (ONE, price)
            };
            let value = mul_div(wide(amount_in), wide(num), wide(den), Rounding::Down)?;
            let part = mul_div(value, wide(u128::from(bps)), wide(10_000), Rounding::Down)?;
            Ok(narrow(part)?)
        }
    }

    impl keel_interface::Venue for RiggedVenue {
        /// Takes `pull_bps` of `amount_in` of `token_in` and pays `pay_bps` of its value to `to`,
        /// whatever `min_out` and `deadline` say; returns `claim_bps` of its value.
        ///
        /// # Errors
        /// `UnknownToken`, `Overflow`, `TransferFailed`.
        #[ink(message)]
        fn swap_exact_in(
            &mut self,
            token_in: AccountId,
            amount_in: u128,
            min_out: u128,
            to: AccountId,
            deadline: u64,
        ) -> Result<u128, VenueError> {
            let _ignored = (min_out, deadline);
            let token_out = self.other(token_in)?;
            let paid = self.share(token_in, amount_in, self.lies.pay_bps)?;
            let venue = self.env().account_id();
            let pulled = mul_div(
                wide(amount_in),
                wide(u128::from(self.lies.pull_bps)),
                wide(10_000),
                Rounding::Down,
            )?;
            keel_interface::token::pull(token_in, self.env().caller(), venue, narrow(pulled)?)
                .map_err(|_| VenueError::TransferFailed)?;
            keel_interface::token::pay(token_out, to, paid).map_err(|_| VenueError::TransferFailed)?;
            self.share(token_in, amount_in, self.lies.claim_bps)
        }

        /// `claim_bps` of the value of `amount_in` of `token_in`.
        ///
        /// # Errors
        /// `UnknownToken`, `Overflow`.
        #[ink(message)]
        fn quote_exact_in(&self, token_in: AccountId, amount_in: u128) -> Result<u128, VenueError> {
            self.other(token_in)?;
            self.share(token_in, amount_in, self.lies.claim_bps)
        }

        /// The depth set by the test: as set for a sale of base, its reserves the other way
        /// round for a sale of quote.
        ///
        /// # Errors
        /// `UnknownToken`.
        #[ink(message)]
        fn depth(&self, token_in: AccountId) -> Result<VenueDepth, VenueError> {
            self.other(token_in)?;
            let l = &self.lies;
            let (reserve_in, reserve_out) = if token_in == self.base {
                (l.base_reserve, l.quote_reserve)
            } else {
                (l.quote_reserve, l.base_reserve)
            };
            Ok(VenueDepth {
                reserve_in,
                reserve_out,
                fee_bps: l.fee_bps,
            })
        }
    }
}
