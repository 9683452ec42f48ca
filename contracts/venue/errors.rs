use keel_core::CurveError;
use keel_interface::token::TokenCallError;
use psp22::PSP22Error;

/// Why the venue refused a liquidity call. Every refusal reverts: no balance or state changes.
/// Swaps and quotes answer with the shared `VenueError` instead, so any venue can serve the
/// keeper.
#[derive(Debug, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
// scale-info's derive casts the variant index of data-carrying variants to u8 (at most 256 here).
#[allow(clippy::cast_possible_truncation)]
pub enum ConstantProductError {
    /// The block time is past the caller's `deadline`.
    Expired,
    /// An amount is zero.
    ZeroAmount,
    /// The two tokens must be different.
    IdenticalTokens,
    /// The fee is above `keel_core::cpmm::FEE_BPS_MAX` (10%).
    InvalidFee,
    /// The deposit would mint fewer than `min_shares`.
    MinSharesNotMet,
    /// The withdrawal would pay less than `min_a` or `min_b`.
    MinAmountsNotMet,
    /// The caller holds fewer shares than it tried to burn.
    InsufficientShares,
    /// The math refused the deposit or withdrawal (reserve limit, dust, overflow).
    Curve(CurveError),
    /// A token transfer was refused by the token (e.g. missing allowance or balance).
    Token(PSP22Error),
    /// The call to a token contract failed (wrong address, trapped).
    TokenCallFailed,
}

impl From<TokenCallError> for ConstantProductError {
    fn from(e: TokenCallError) -> Self {
        match e {
            TokenCallError::Refused(e) => ConstantProductError::Token(e),
            TokenCallError::CallFailed => ConstantProductError::TokenCallFailed,
        }
    }
}

impl From<CurveError> for ConstantProductError {
    fn from(e: CurveError) -> Self {
        ConstantProductError::Curve(e)
    }
}

/// The venue's result type for its own messages.
pub type Result<T> = core::result::Result<T, ConstantProductError>;
