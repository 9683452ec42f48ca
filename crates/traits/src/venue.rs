use ink::primitives::AccountId;

/// Why a venue refused a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum VenueError {
    /// The block time is past the caller's `deadline`.
    Expired,
    /// An amount is zero.
    ZeroAmount,
    /// The token is not traded by this venue.
    UnknownToken,
    /// The venue holds too little liquidity for the trade (or none yet).
    InsufficientLiquidity,
    /// The trade would pay less than `min_out`.
    SlippageExceeded,
    /// An amount is beyond what the venue's math can hold.
    Overflow,
    /// A token refused a transfer (e.g. missing allowance or balance).
    TransferFailed,
}

/// A market the pool can trade its excess inventory on (e.g. a constant-product pool).
///
/// Venues pull the input with `transfer_from`, so the caller approves `token_in` first.
#[ink::trait_definition]
pub trait Venue {
    /// Sells exactly `amount_in` of `token_in` for the venue's other token, paid to `to`; refuses
    /// unless at least `min_out` comes out. Returns the amount paid out.
    ///
    /// # Errors
    /// [`VenueError::Expired`], [`VenueError::ZeroAmount`], [`VenueError::UnknownToken`],
    /// [`VenueError::InsufficientLiquidity`], [`VenueError::SlippageExceeded`],
    /// [`VenueError::TransferFailed`].
    #[ink(message)]
    fn swap_exact_in(
        &mut self,
        token_in: AccountId,
        amount_in: u128,
        min_out: u128,
        to: AccountId,
        deadline: u64,
    ) -> Result<u128, VenueError>;

    /// What [`Venue::swap_exact_in`] would pay now for `amount_in` of `token_in`.
    ///
    /// # Errors
    /// As [`Venue::swap_exact_in`], without the slippage and deadline checks.
    #[ink(message)]
    fn quote_exact_in(&self, token_in: AccountId, amount_in: u128) -> Result<u128, VenueError>;
}
