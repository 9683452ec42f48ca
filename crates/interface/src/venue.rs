use ink::primitives::AccountId;
pub use keel_core::rebalance::VenueDepth;
pub use keel_core::venue::VenueError;

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

    /// The venue's reserves of `token_in` and of its other token, and its fee: how deep a trade
    /// selling `token_in` goes. A pool sizes its rebalance slices and their least pay from it.
    ///
    /// # Errors
    /// [`VenueError::UnknownToken`].
    #[ink(message)]
    fn depth(&self, token_in: AccountId) -> Result<VenueDepth, VenueError>;
}
