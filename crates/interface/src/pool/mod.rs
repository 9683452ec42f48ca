//! The pool contract's public surface: its types, its error and its events.

mod error;
mod events;

pub use error::{PoolError, PoolResult, TokenError, SHARES_TO_THE_POOL};
pub use events::{
    CodeUpgraded, ConfigUpdated, LiquidityAdded, LiquidityRemoved, OwnershipOffered, OwnershipTransferred,
    PauseChanged, Rebalanced, Swapped, VenuesUpdated,
};
pub use keel_core::pool::{MarketStatus, PricedK, Quote, RebalanceStatus, MAX_ORACLE_AGE_CEIL_MS};
pub use keel_core::rebalance::VenueDepth;

use ink::primitives::AccountId;

/// The pool's owner-set configuration (`keel_core::pool::PoolConfig` with the venue an account).
pub type PoolConfig = keel_core::pool::PoolConfig<AccountId>;

/// One leg of a split rebalance: sell `amount_in` of the pool's long token on `venue`.
pub type Leg = keel_core::split::Leg<AccountId>;

/// What a rebalance did, naming the token sold by its address.
pub type RebalanceOutcome = keel_core::pool::RebalanceOutcome<AccountId>;
