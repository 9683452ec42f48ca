//! What the pool stores besides its shares, in the layout this build reads and writes, and the
//! step that moves an earlier layout's storage forward on an upgrade.

use crate::calls;
#[cfg(feature = "from-earlier")]
use crate::legacy::{BookV1, BookV2};
use ink::primitives::AccountId;
use keel_core::pool::{Feed, PricedK, Refusal};
use keel_core::{Discovery, PoolState};
use keel_interface::pool::{PoolConfig, RebalanceStatus};
use keel_interface::{FeedId, OracleData};

/// The storage layout this code reads and writes. `set_code` moves a pool forward to the new
/// code's layout (its `migrate`) or refuses the upgrade, and a pool runs only on a cold code of
/// its own layout (`Pool::relock_cold_code` in `crate::cold`): any change to a stored type needs
/// a new number.
#[cfg(not(feature = "layout-next"))]
pub const LAYOUT: u32 = 3;
/// A build whose layout is the next one: the upgrade tests' stand-in for the pool's next release
/// (its book carries one more field).
#[cfg(feature = "layout-next")]
pub const LAYOUT: u32 = 4;

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

/// Everything the pool keeps but its shares, as layout 3 has it (in `legacy`: layout 2, whose
/// rebalancing had no cost for an adaptive band, and layout 1, which had no discovery between
/// readings either).
#[derive(Debug, Clone)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct BookV3 {
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

/// The book as stored: a tag byte (the layout it was written in) and that layout's fields. This
/// code reads the earlier layouts it was built for (layout 3, and layouts 1 and 2 in the
/// `from-earlier` build), moved forward to this one as it decodes, so an upgraded pool reads as this layout's
/// from the new code's first call; `migrate` writes it back in it. A book in any other layout
/// does not decode, so `set_code` to this code refuses that pool.
#[derive(Debug, Clone)]
pub struct Book {
    current: BookV3,
    /// When a book written in an earlier layout was moved to this one (the next release's one
    /// extra field, `None` until `migrate` stamps it).
    #[cfg(feature = "layout-next")]
    migrated_at_ms: Option<u64>,
}

impl Book {
    /// A new pool's book, in this build's layout.
    pub fn new(current: BookV3) -> Book {
        Book {
            current,
            #[cfg(feature = "layout-next")]
            migrated_at_ms: Some(0),
        }
    }

    /// The fields this build reads and writes.
    pub fn current(&self) -> &BookV3 {
        &self.current
    }

    pub fn current_mut(&mut self) -> &mut BookV3 {
        &mut self.current
    }

    /// Stamps a book read from an earlier layout with the time it was moved to this one.
    #[cfg_attr(not(feature = "layout-next"), allow(unused_variables, clippy::unused_self))]
    pub fn migrate(&mut self, now_ms: u64) {
        #[cfg(feature = "layout-next")]
        if self.migrated_at_ms.is_none() {
            self.migrated_at_ms = Some(now_ms);
        }
    }
}

// The tag is this build's layout, which is a small number.
#[allow(clippy::cast_possible_truncation)]
const TAG: u8 = LAYOUT as u8;

impl ink::scale::Encode for Book {
    fn size_hint(&self) -> usize {
        self.current.size_hint().saturating_add(1)
    }

    fn encode_to<T: ink::scale::Output + ?Sized>(&self, dest: &mut T) {
        dest.push_byte(TAG);
        self.current.encode_to(dest);
        #[cfg(feature = "layout-next")]
        self.migrated_at_ms.encode_to(dest);
    }
}

impl ink::scale::Decode for Book {
    fn decode<I: ink::scale::Input>(input: &mut I) -> Result<Self, ink::scale::Error> {
        let current = match input.read_byte()? {
            #[cfg(feature = "from-earlier")]
            1 => BookV1::decode(input)?.upgrade().upgrade(),
            #[cfg(feature = "from-earlier")]
            2 => BookV2::decode(input)?.upgrade(),
            3 => BookV3::decode(input)?,
            #[cfg(feature = "layout-next")]
            4 => {
                return Ok(Book {
                    current: BookV3::decode(input)?,
                    migrated_at_ms: Option::<u64>::decode(input)?,
                })
            }
            _ => return Err("a book in a layout this code does not know".into()),
        };
        Ok(Book {
            current,
            #[cfg(feature = "layout-next")]
            migrated_at_ms: None,
        })
    }
}

/// The book's stored shape, for the contract's metadata: a tag per layout (the variant's
/// position) and its fields.
#[cfg(feature = "std")]
#[derive(ink::storage::traits::StorageLayout)]
#[ink::scale_derive(TypeInfo)]
// The derived layout casts each variant's position to its `u8` discriminant.
#[allow(clippy::cast_possible_truncation, dead_code)]
pub enum Stored {
    /// Tag 0 is never written.
    Unwritten,
    /// Read only by the `from-earlier` build.
    V1(crate::legacy::BookV1),
    /// Read only by the `from-earlier` build.
    V2(crate::legacy::BookV2),
    V3(BookV3),
    #[cfg(feature = "layout-next")]
    V4(BookV3, Option<u64>),
}

#[cfg(feature = "std")]
impl ink::storage::traits::StorageLayout for Book {
    fn layout(key: &ink::primitives::Key) -> ink::metadata::layout::Layout {
        <Stored as ink::storage::traits::StorageLayout>::layout(key)
    }
}

#[cfg(feature = "std")]
impl ink::scale_info::TypeInfo for Book {
    type Identity = Stored;

    fn type_info() -> ink::scale_info::Type {
        <Stored as ink::scale_info::TypeInfo>::type_info()
    }
}
