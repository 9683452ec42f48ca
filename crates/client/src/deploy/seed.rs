//! A new deployment's liquidity and traders: the deployer's first deposits into the venues and
//! the pool (each asking for the shares a first deposit mints), then the plan's traders funded.

use super::{send, step, units, Plan};
use crate::error::ClientError;
use crate::events::ink_account;
use crate::keys::{self, KeySource};
use crate::node::Node;
use crate::record::Addresses;
use crate::submit::SendOptions;
use ink::primitives::AccountId;
use keel_calls::{Message, ToMessage, PSP22};
use keel_core::cpmm::{self, CpState};
use keel_core::PoolState;
use parity_scale_codec::Decode;
use std::str::FromStr;
use subxt_signer::sr25519::Keypair;

/// Mints the deployer both pools' liquidity, approves them, and makes their first deposits;
/// returns the block of the last.
pub(super) fn seed_liquidity(
    node: &mut Node,
    deployer: &Keypair,
    plan: &Plan,
    a: &Addresses,
) -> Result<u64, ClientError> {
    step("seeding liquidity");
    let opts = SendOptions::default();
    let me = ink_account(&keys::account(deployer));
    // Each venue with its first deposit: the configured one, and the second if there is one.
    let mut venues = vec![(a.venue, plan.venue_base, plan.venue_quote)];
    if let Some(second) = a.second_venue {
        venues.push((second, plan.second_venue_base, plan.second_venue_quote));
    }
    for (token, to_pool, base_side) in [(a.base, plan.pool_base, true), (a.quote, plan.pool_quote, false)] {
        let side = |(_, b, q): &(AccountId, u64, u64)| if base_side { *b } else { *q };
        let amount = venues
            .iter()
            .try_fold(to_pool, |sum, v| sum.checked_add(side(v)))
            .ok_or_else(|| ClientError::OutOfRange("pool plus venue liquidity overflows".into()))?;
        let mint = keel_calls::token(token).mint_to(me, units(amount)?).message();
        send(node, deployer, token, &mint, &opts, "mint")?;
        // Exactly what each first deposit takes: the deployer's tokens are never left approved.
        let spenders = std::iter::once((a.pool, to_pool)).chain(venues.iter().map(|v| (v.0, side(v))));
        for (spender, whole) in spenders {
            let approve = keel_calls::token(token).approve(spender, units(whole)?).message();
            send(node, deployer, token, &approve, &opts, "approve")?;
        }
    }
    for (venue, base, quote) in &venues {
        let add = venue_first_deposit(*venue, (units(*base)?, units(*quote)?), me)?;
        send(node, deployer, *venue, &add, &opts, "venue add_liquidity")?;
    }
    let add = pool_first_deposit(a.pool, (units(plan.pool_base)?, units(plan.pool_quote)?), me)?;
    send(node, deployer, a.pool, &add, &opts, "pool add_liquidity")
}

/// `venue`'s first deposit of `(base, quote)` for `to`, asking for the shares a first deposit
/// mints there.
fn venue_first_deposit(
    venue: AccountId,
    (base, quote): (u128, u128),
    to: AccountId,
) -> Result<Message<Result<impl Decode, impl Decode + std::fmt::Debug>>, ClientError> {
    let least = first_deposit_shares(cpmm::deposit(&CpState::default(), 0, base, quote).map(|d| d.shares))?;
    Ok(keel_calls::venue(venue)
        .add_liquidity(base, quote, least, to, u64::MAX)
        .message())
}

/// `pool`'s first deposit of `(base, quote)` for `to`, asking for the shares a first deposit
/// mints there.
fn pool_first_deposit(
    pool: AccountId,
    (base, quote): (u128, u128),
    to: AccountId,
) -> Result<Message<Result<impl Decode, impl Decode + std::fmt::Debug>>, ClientError> {
    let least =
        first_deposit_shares(keel_core::deposit(&PoolState::default(), 0, base, quote).map(|d| d.shares))?;
    Ok(keel_calls::pool(pool)
        .add_liquidity(base, quote, least, to, u64::MAX)
        .message())
}

/// The shares a contract's first deposit mints (the core's own rule, as the contract runs it): the
/// least the deployer takes for its deposit. A deposit that is no longer the first (another account
/// deposited between the deployment and this transaction, at a ratio of its own) mints fewer for
/// the same amounts and is refused, instead of taken at that ratio.
fn first_deposit_shares(first: Result<u128, keel_core::CurveError>) -> Result<u128, ClientError> {
    first.map_err(|e| {
        ClientError::OutOfRange(format!("a first deposit of these amounts mints no shares: {e:?}"))
    })
}

/// Mints each of the plan's traders both tokens and has them approve the pool and the venue
/// without limit (dev accounts that `keel-client swap` and `drift` trade from); returns the block
/// of the last approval.
pub(super) fn fund_traders(
    node: &mut Node,
    deployer: &Keypair,
    plan: &Plan,
    a: &Addresses,
) -> Result<u64, ClientError> {
    let opts = SendOptions::default();
    let mut last_block = 0;
    for trader in &plan.traders {
        step(&format!("funding trader {trader}"));
        let key = KeySource::from_str(trader)?.load(&node.chain_type()?)?;
        let who = ink_account(&keys::account(&key));
        for token in [a.base, a.quote] {
            let mint = keel_calls::token(token)
                .mint_to(who, units(plan.trader_funds)?)
                .message();
            send(node, deployer, token, &mint, &opts, "mint")?;
            for spender in [a.pool, a.venue] {
                let approve = keel_calls::token(token).approve(spender, u128::MAX).message();
                last_block = last_block.max(send(node, &key, token, &approve, &opts, "approve")?);
            }
        }
    }
    Ok(last_block)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The arguments of an `add_liquidity` call: amounts, least shares, recipient, deadline.
    type AddArgs = (u128, u128, u128, AccountId, u64);

    /// `add`'s arguments, once its selector is `add_liquidity`'s on that contract.
    fn add_args<R>(add: &Message<R>, selector: &[u8]) -> AddArgs {
        let (head, mut args) = add.data().split_at(4);
        assert_eq!(head, selector, "not add_liquidity");
        AddArgs::decode(&mut args).expect("add_liquidity's arguments")
    }

    #[test]
    fn a_deposit_that_is_no_longer_the_first_mints_fewer_than_the_deployer_asks_for() {
        // given the deployer's planned deposits, as the deployment sends them
        let (base, quote) = (100_000 * keel_core::ONE, 1_000_000 * keel_core::ONE);
        let (contract, me) = (AccountId::from([1; 32]), AccountId::from([2; 32]));
        let sent = [
            pool_first_deposit(contract, (base, quote), me).map(|m| {
                let selector = keel_calls::pool(contract).add_liquidity(0, 0, 0, me, 0).message();
                add_args(&m, &selector.data()[..4])
            }),
            venue_first_deposit(contract, (base, quote), me).map(|m| {
                let selector = keel_calls::venue(contract)
                    .add_liquidity(0, 0, 0, me, 0)
                    .message();
                add_args(&m, &selector.data()[..4])
            }),
        ];
        // each asks for the shares a first deposit of them mints there
        let least = keel_core::deposit(&PoolState::default(), 0, base, quote)
            .expect("a first deposit")
            .shares;
        let venue_least = cpmm::deposit(&CpState::default(), 0, base, quote)
            .expect("a first deposit")
            .shares;
        assert_eq!(
            venue_least, least,
            "the venue's first deposit mints as the pool's"
        );
        for args in sent {
            assert_eq!(args.ok(), Some((base, quote, least, me, u64::MAX)));
        }
        // when another account deposited first, 1 base unit against 1e12 quote units
        let (dust, lots) = (1, 1_000_000_000_000);
        let first = keel_core::deposit(&PoolState::default(), 0, dust, lots).expect("first");
        let second =
            keel_core::deposit(&first.after, first.shares + first.locked, base, quote).expect("second");
        let venue_first = cpmm::deposit(&CpState::default(), 0, dust, lots).expect("venue first");
        let venue_second = cpmm::deposit(
            &venue_first.after,
            venue_first.shares + venue_first.locked,
            base,
            quote,
        )
        .expect("venue second");
        // then the deployer's deposit mints far fewer: each contract refuses it (`MinSharesNotMet`)
        assert!(second.shares < least / 1_000, "{} against {least}", second.shares);
        assert!(
            venue_second.shares < least / 1_000,
            "{} against {least}",
            venue_second.shares
        );
    }
}
