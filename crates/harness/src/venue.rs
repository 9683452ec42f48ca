//! Calls to the constant-product venue, with argument structs for the calls that take many numbers.

use crate::{Actor, Sandbox, FAR};
use ink::primitives::AccountId;
use keel_calls::ToMessage;
use keel_interface::{Venue, VenueError};
use keel_venue::ConstantProductError;

type R<T> = Result<T, ConstantProductError>;

/// Deploys a venue trading `token_a` against `token_b` at `fee_bps`.
pub fn deploy(
    chain: &mut Sandbox,
    owner: Actor,
    token_a: AccountId,
    token_b: AccountId,
    fee_bps: u32,
) -> R<AccountId> {
    let ctor = keel_calls::constructors::venue(token_a, token_b, fee_bps);
    let wasm = &crate::chain::bundles().venue.wasm;
    chain
        .deploy(wasm, ctor, owner)
        .unwrap_or_else(|e| panic!("venue deployment failed: {e:?}"))
}

/// A deposit; `to` defaults to the provider.
#[derive(Clone, Copy, Debug)]
pub struct VenueDeposit {
    pub a_max: u128,
    pub b_max: u128,
    pub min_shares: u128,
    pub to: Option<AccountId>,
    pub deadline: u64,
}

impl VenueDeposit {
    pub fn of(a_max: u128, b_max: u128) -> Self {
        VenueDeposit {
            a_max,
            b_max,
            min_shares: 0,
            to: None,
            deadline: FAR,
        }
    }
}

pub fn add_liquidity(
    chain: &mut Sandbox,
    who: Actor,
    venue: AccountId,
    d: VenueDeposit,
) -> R<(u128, u128, u128)> {
    let to = d.to.unwrap_or(who.account());
    let call = keel_calls::venue(venue).add_liquidity(d.a_max, d.b_max, d.min_shares, to, d.deadline);
    chain.call(who, venue, call.message())
}

/// A withdrawal; `to` defaults to the provider.
#[derive(Clone, Copy, Debug)]
pub struct VenueWithdraw {
    pub shares: u128,
    pub min_a: u128,
    pub min_b: u128,
    pub to: Option<AccountId>,
    pub deadline: u64,
}

impl VenueWithdraw {
    pub fn of(shares: u128) -> Self {
        VenueWithdraw {
            shares,
            min_a: 0,
            min_b: 0,
            to: None,
            deadline: FAR,
        }
    }
}

pub fn remove_liquidity(
    chain: &mut Sandbox,
    who: Actor,
    venue: AccountId,
    w: VenueWithdraw,
) -> R<(u128, u128)> {
    let to = w.to.unwrap_or(who.account());
    let call = keel_calls::venue(venue).remove_liquidity(w.shares, w.min_a, w.min_b, to, w.deadline);
    chain.call(who, venue, call.message())
}

/// A swap selling exactly `amount_in`; `to` defaults to the trader.
#[derive(Clone, Copy, Debug)]
pub struct VenueSwap {
    pub token_in: AccountId,
    pub amount_in: u128,
    pub min_out: u128,
    pub to: Option<AccountId>,
    pub deadline: u64,
}

impl VenueSwap {
    /// Sell exactly `amount_in` of `token_in`, any output accepted.
    pub fn exact_in(token_in: AccountId, amount_in: u128) -> Self {
        VenueSwap {
            token_in,
            amount_in,
            min_out: 0,
            to: None,
            deadline: FAR,
        }
    }
}

pub fn swap_exact_in(
    chain: &mut Sandbox,
    who: Actor,
    venue: AccountId,
    s: VenueSwap,
) -> Result<u128, VenueError> {
    let to = s.to.unwrap_or(who.account());
    let call = keel_calls::venue(venue).swap_exact_in(s.token_in, s.amount_in, s.min_out, to, s.deadline);
    chain.call(who, venue, call.message())
}

pub fn quote_exact_in(
    chain: &mut Sandbox,
    venue: AccountId,
    token_in: AccountId,
    amount_in: u128,
) -> Result<u128, VenueError> {
    chain.call(
        crate::OWNER,
        venue,
        keel_calls::venue(venue)
            .quote_exact_in(token_in, amount_in)
            .message(),
    )
}

pub fn reserves(chain: &mut Sandbox, venue: AccountId) -> (u128, u128) {
    chain.call(crate::OWNER, venue, keel_calls::venue(venue).reserves().message())
}

pub fn tokens(chain: &mut Sandbox, venue: AccountId) -> (AccountId, AccountId) {
    chain.call(crate::OWNER, venue, keel_calls::venue(venue).tokens().message())
}

pub fn fee_bps(chain: &mut Sandbox, venue: AccountId) -> u32 {
    chain.call(crate::OWNER, venue, keel_calls::venue(venue).fee_bps().message())
}

pub fn total_shares(chain: &mut Sandbox, venue: AccountId) -> u128 {
    chain.call(
        crate::OWNER,
        venue,
        keel_calls::venue(venue).total_shares().message(),
    )
}

pub fn shares(chain: &mut Sandbox, venue: AccountId, who: AccountId) -> u128 {
    chain.call(
        crate::OWNER,
        venue,
        keel_calls::venue(venue).shares_of(who).message(),
    )
}

/// The venue's depth for a trade selling `token_in`, as a pool reads it.
pub fn depth(chain: &mut Sandbox, venue: AccountId, token_in: AccountId) -> keel_interface::pool::VenueDepth {
    chain
        .call(
            crate::OWNER,
            venue,
            keel_calls::venue(venue).depth(token_in).message(),
        )
        .expect("a token the venue trades")
}
