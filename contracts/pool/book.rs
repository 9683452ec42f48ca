//! What the pool stores besides its shares, in the layout this build reads and writes, and the
//! step that moves an earlier layout's storage forward on an upgrade.

use crate::calls;
use ink::primitives::AccountId;
use keel_core::pool::{Feed, PricedK, Refusal};
use keel_core::{Discovery, PoolState};
use keel_interface::pool::{PoolConfig, RebalanceStatus};
use keel_interface::{FeedId, OracleData};

/// The storage layout this code reads and writes. `set_code` moves a pool forward to the new
/// code's layout (its `migrate`) or refuses the upgrade.
#[cfg(not(feature = "layout-next"))]
pub const LAYOUT: u32 = 1;
/// A build whose layout is the next one: the upgrade tests' stand-in for the pool's next release
/// (its book carries one more field).
#[cfg(feature = "layout-next")]
pub const LAYOUT: u32 = 2;

/// The pool's oracle feed, read through a cross-contract call when a transition needs it.
#[derive(Debug, Clone)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct OracleFeed {
    pub(crate) oracle: AccountId,
    pub(crate) feed: FeedId,
}

impl Feed for OracleFeed {
    fn read(&self) -> core::result::Result<OracleData, Refusal> {
        calls::latest(self.oracle, self.feed)
    }
}

/// Everything the pool keeps but its shares, as layout 1 has it.
#[derive(Debug, Clone)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct BookV1 {
    pub(crate) owner: AccountId,
    pub(crate) pending_owner: Option<AccountId>,
    pub(crate) base: AccountId,
    pub(crate) quote: AccountId,
    pub(crate) price_feed: OracleFeed,
    pub(crate) config: PoolConfig,
    pub(crate) state: PoolState,
    pub(crate) paused: bool,
    pub(crate) rebalancing: RebalanceStatus,
    pub(crate) priced_k: PricedK,
    pub(crate) discovery: Discovery,
}

/// Layout 2's book: layout 1's and when it was migrated.
#[cfg(feature = "layout-next")]
#[derive(Debug, Clone)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct BookV2 {
    v1: BookV1,
    migrated_at_ms: u64,
}

/// The book in whichever layout it was written: a variant per layout, so a later layout's code
/// decodes an earlier one's storage and moves it forward in [`Book::migrate`].
#[derive(Debug, Clone)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
// The derived layout casts each variant's position to its `u8` discriminant.
#[allow(clippy::cast_possible_truncation)]
pub enum Book {
    #[codec(index = 1)]
    V1(BookV1),
    #[cfg(feature = "layout-next")]
    #[codec(index = 2)]
    V2(BookV2),
}

impl Book {
    /// A new pool's book, in this build's layout.
    pub fn new(v1: BookV1) -> Book {
        #[cfg(feature = "layout-next")]
        return Book::V2(BookV2 {
            v1,
            migrated_at_ms: 0,
        });
        #[cfg(not(feature = "layout-next"))]
        Book::V1(v1)
    }

    /// The fields every layout has.
    pub fn v1(&self) -> &BookV1 {
        match self {
            Book::V1(b) => b,
            #[cfg(feature = "layout-next")]
            Book::V2(b) => &b.v1,
        }
    }

    pub fn v1_mut(&mut self) -> &mut BookV1 {
        match self {
            Book::V1(b) => b,
            #[cfg(feature = "layout-next")]
            Book::V2(b) => &mut b.v1,
        }
    }

    /// Moves an earlier layout's book to this build's, stamped `now_ms`; a book already in it
    /// stays as it is.
    #[cfg_attr(not(feature = "layout-next"), allow(unused_variables, clippy::unused_self))]
    pub fn migrate(&mut self, now_ms: u64) {
        #[cfg(feature = "layout-next")]
        if let Book::V1(v1) = self {
            *self = Book::V2(BookV2 {
                v1: v1.clone(),
                migrated_at_ms: now_ms,
            });
        }
    }
}
