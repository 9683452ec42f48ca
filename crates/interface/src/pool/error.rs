use keel_core::pool::Refusal;
use keel_core::CurveError;
use psp22::PSP22Error;

use crate::{OracleError, VenueError};

/// The text of the `PSP22Error::Custom` a share transfer to the pool itself answers: shares the
/// pool holds could never be spent. (A transfer to the zero account answers
/// `ZeroRecipientAddress`.)
pub const SHARES_TO_THE_POOL: &str = "InvalidRecipient";

/// Why a token refused a transfer the pool asked for: the PSP22 error's kind. Its free-form text,
/// if any, is left out, so the pool's error stays a plain value (a `Copy` error keeps every call
/// of the pool cheaper than one that carries strings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum TokenError {
    /// `PSP22Error::Custom`: a refusal the token named in its own words.
    Custom,
    InsufficientBalance,
    InsufficientAllowance,
    ZeroRecipientAddress,
    ZeroSenderAddress,
    /// `PSP22Error::SafeTransferCheckFailed`: the recipient refused the tokens.
    SafeTransferCheckFailed,
}

impl From<PSP22Error> for TokenError {
    fn from(e: PSP22Error) -> Self {
        match e {
            PSP22Error::Custom(_) => TokenError::Custom,
            PSP22Error::InsufficientBalance => TokenError::InsufficientBalance,
            PSP22Error::InsufficientAllowance => TokenError::InsufficientAllowance,
            PSP22Error::ZeroRecipientAddress => TokenError::ZeroRecipientAddress,
            PSP22Error::ZeroSenderAddress => TokenError::ZeroSenderAddress,
            PSP22Error::SafeTransferCheckFailed(_) => TokenError::SafeTransferCheckFailed,
        }
    }
}

/// Why the pool refused a call. Every refusal reverts: no balance or state changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
// scale-info's derive casts the variant index of data-carrying variants to u8 (at most 256 here).
#[allow(clippy::cast_possible_truncation)]
pub enum PoolError {
    /// Only the owner may do this.
    NotOwner,
    /// Swaps, deposits and rebalances are paused by the owner; withdrawals stay open.
    Paused,
    /// The block time is past the caller's `deadline`.
    Expired,
    /// An amount is zero.
    ZeroAmount,
    /// The token is neither the pool's base nor its quote.
    UnknownToken,
    /// Base and quote must be different tokens.
    IdenticalTokens,
    /// The pool has no liquidity yet.
    NoLiquidity,
    /// The swap would pay less than `min_out` or cost more than `max_in`.
    SlippageExceeded,
    /// The deposit would mint fewer than `min_shares`.
    MinSharesNotMet,
    /// The withdrawal would pay less than `min_base` or `min_quote`.
    MinAmountsNotMet,
    /// The caller holds fewer shares than it tried to burn.
    InsufficientShares,
    /// The oracle's latest reading is older than `max_oracle_age_ms`.
    OracleStale,
    /// The oracle returned a price outside the pool's bounds, or a reading stamped after the
    /// block. (A volatility past the ceiling is priced at the ceiling, not refused.)
    OracleInvalid,
    /// The oracle refused the read.
    Oracle(OracleError),
    /// The call to the oracle contract failed (wrong address, trapped).
    OracleCallFailed,
    /// A configuration value is outside its hard bounds.
    InvalidConfig,
    /// The curve refused the trade or deposit (price band, inventory bound, liquidity, limits).
    Curve(CurveError),
    /// A token transfer was refused by the token.
    Token(TokenError),
    /// The call to a token contract failed (wrong address, trapped).
    TokenCallFailed,
    /// `|q|` is below the rebalance trigger.
    RebalanceNotDue,
    /// The last rebalance was less than `cooldown_ms` ago.
    RebalanceCooldown,
    /// The caller's `epoch` is not the pool's current one: another rebalance landed first.
    StaleEpoch,
    /// No venue is configured, so the pool cannot rebalance.
    NoVenue,
    /// The venue refused the trade (e.g. `SlippageExceeded` when its price is worse than the
    /// oracle's by more than `max_venue_slippage_bps`).
    Venue(VenueError),
    /// The call to the venue failed (wrong address, trapped), or the pool's balance grew by less
    /// than `min_out`.
    VenueCallFailed,
    /// Tokens may not be sent to the pool itself or to the zero account: nobody could spend them.
    InvalidRecipient,
    /// Only the account the owner offered the pool to may accept it.
    NotPendingOwner,
    /// The new code cannot take over this pool's storage: it has no `migrate`, cannot read the
    /// storage, or knows only an older layout. Nothing changed.
    IncompatibleUpgrade,
    /// A split rebalance with no legs, more legs than the pool's venues, or a leg on a venue the
    /// pool does not list (or names twice).
    InvalidSplit,
    /// A split rebalance's leg is over its venue's cap (its reserve times a quarter of its fee),
    /// or the legs together sell more than the excess.
    SplitTooLarge,
    /// A split rebalance is expected to pay less than filling the cheapest venues first would,
    /// or a leg sells a unit for less than the last of the configured venue's slice alone.
    CostlierSplit,
    /// A split rebalance sells less than `rebalance` on the configured venue would: a smaller one
    /// would use up the epoch and the cooldown.
    SplitTooSmall,
}

impl From<Refusal> for PoolError {
    /// A rule's refusal, as the variant of the same name.
    fn from(r: Refusal) -> Self {
        match r {
            Refusal::ZeroAmount => PoolError::ZeroAmount,
            Refusal::NoLiquidity => PoolError::NoLiquidity,
            Refusal::SlippageExceeded => PoolError::SlippageExceeded,
            Refusal::MinSharesNotMet => PoolError::MinSharesNotMet,
            Refusal::MinAmountsNotMet => PoolError::MinAmountsNotMet,
            Refusal::InsufficientShares => PoolError::InsufficientShares,
            Refusal::OracleStale => PoolError::OracleStale,
            Refusal::OracleInvalid => PoolError::OracleInvalid,
            Refusal::Oracle(e) => PoolError::Oracle(e),
            Refusal::OracleCallFailed => PoolError::OracleCallFailed,
            Refusal::Curve(e) => PoolError::Curve(e),
            Refusal::RebalanceNotDue => PoolError::RebalanceNotDue,
            Refusal::RebalanceCooldown => PoolError::RebalanceCooldown,
            Refusal::StaleEpoch => PoolError::StaleEpoch,
            Refusal::NoVenue => PoolError::NoVenue,
            Refusal::VenueCallFailed => PoolError::VenueCallFailed,
            Refusal::InvalidSplit => PoolError::InvalidSplit,
            Refusal::SplitTooLarge => PoolError::SplitTooLarge,
            Refusal::CostlierSplit => PoolError::CostlierSplit,
            Refusal::SplitTooSmall => PoolError::SplitTooSmall,
        }
    }
}

impl From<CurveError> for PoolError {
    fn from(e: CurveError) -> Self {
        PoolError::Curve(e)
    }
}

impl From<PSP22Error> for PoolError {
    fn from(e: PSP22Error) -> Self {
        PoolError::Token(e.into())
    }
}

#[cfg(feature = "token")]
impl From<crate::token::TokenCallError> for PoolError {
    fn from(e: crate::token::TokenCallError) -> Self {
        match e {
            crate::token::TokenCallError::Refused(e) => PoolError::Token(e.into()),
            crate::token::TokenCallError::CallFailed => PoolError::TokenCallFailed,
        }
    }
}

/// The pool's result type.
pub type PoolResult<T> = core::result::Result<T, PoolError>;
