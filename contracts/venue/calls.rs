//! The venue's calls out to its tokens: the shared transfers of `keel_interface::token`, whose
//! failures become the venue's named errors.

use crate::{ConstantProductError, Result};
use ink::primitives::AccountId;

/// Pulls `value` of `token` from `from` into the venue (needs the caller's prior `approve`).
/// One conversion to the venue's error here, rather than one at every call site.
pub fn pull(token: AccountId, from: AccountId, venue: AccountId, value: u128) -> Result<()> {
    keel_interface::token::pull(token, from, venue, value).map_err(ConstantProductError::from)
}

/// Pays `value` of `token` from the venue to `to`.
pub fn pay(token: AccountId, to: AccountId, value: u128) -> Result<()> {
    keel_interface::token::pay(token, to, value).map_err(ConstantProductError::from)
}
