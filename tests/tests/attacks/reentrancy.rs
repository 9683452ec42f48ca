//! Re-entry through a hostile token: Mallory lists a PSP22 that, in the middle of the pool's
//! `transfer_from` or `transfer`, calls back into the pool (to trade again, or to read a price
//! while the pool is half-way through a trade). While a token call runs, the pool's stored book is
//! still the one from before the call (ink! writes it back when the message returns), so the
//! defence is that the pool calls tokens without pallet-contracts' `ALLOW_REENTRY` flag: the
//! callback is refused, the whole call reverts, and nothing moves. Every path that calls a token
//! is tried: a swap, a deposit, a withdrawal, and a rebalance, whose venue pulls the token from
//! the pool.
//!
//! The callbacks are attacks that would complete without the defence: the token holds quote and
//! has approved the pool, so its trade pays for itself, and it lets the pool call it again to pay
//! that trade out (it calls back with `ALLOW_REENTRY`, once per outermost transfer). A pool that
//! let its token calls be re-entered would run both trades on one stale book and answer `Ok`.

use ink::primitives::AccountId;
use keel_calls::{ToMessage, PSP22};
use keel_harness::oracle::FEED;
use keel_harness::pool::{self, PoolDeposit, PoolSetup, PoolSwap, PoolWithdraw};
use keel_harness::venue::{self, VenueDeposit};
use keel_harness::{attacker, token, Fixture, Sandbox, BOB, KEEPER, MALLORY, OWNER, UNIT};
use keel_interface::pool::{PoolConfig, PoolError};
use keel_interface::VenueError;

/// A pool whose base is Mallory's hostile token (unarmed), with Bob's liquidity; both hold and
/// have approved plenty of it, and the token holds quote it has approved to the pool.
fn hostile_market() -> Fixture {
    let Fixture {
        mut chain,
        quote,
        oracle,
        mirror,
        venue,
        ..
    } = Fixture::standard();
    let evil = attacker::deploy(&mut chain, MALLORY);
    for who in [BOB, MALLORY] {
        attacker::mint(&mut chain, MALLORY, evil, who.account(), 1_000_000 * UNIT).expect("mint");
    }
    // The token's own quote: what its callback's trade pays with.
    token::mint(&mut chain, OWNER, quote, evil, 100_000 * UNIT).expect("mint");
    let pool = hostile_pool(&mut chain, evil, quote, mirror.unwrap_or(oracle));
    Fixture {
        chain,
        base: evil,
        quote,
        oracle,
        mirror,
        pool,
        venue,
    }
}

/// A pool on the hostile token `evil` and `quote`, priced by `feed_source`, with Bob's liquidity
/// (its quote minted for it), approved by Bob, Mallory and the token itself.
fn hostile_pool(chain: &mut Sandbox, evil: AccountId, quote: AccountId, feed_source: AccountId) -> AccountId {
    let setup = PoolSetup {
        base: evil,
        quote,
        oracle: feed_source,
        feed: FEED,
        config: PoolConfig::default(),
    };
    let pool = pool::deploy(chain, OWNER, setup).expect("pool deploys");
    for who in [BOB, MALLORY] {
        token::approve(chain, who, evil, pool, u128::MAX).expect("approve");
        token::approve(chain, who, quote, pool, u128::MAX).expect("approve");
    }
    let approve = keel_calls::token(quote)
        .approve(pool, u128::MAX)
        .message()
        .into_data();
    attacker::relay(chain, MALLORY, evil, quote, approve).expect("the token approves the pool");
    let deposit = PoolDeposit::of(100_000 * UNIT, 1_000_000 * UNIT);
    token::mint(chain, OWNER, quote, BOB.account(), deposit.quote_max).expect("mint");
    pool::add_liquidity(chain, BOB, pool, deposit).expect("liquidity");
    pool
}

/// Arms Mallory's token to call `target` with `data`.
fn arm(m: &mut Fixture, target: ink::primitives::AccountId, data: Vec<u8>) {
    let evil = m.base;
    attacker::arm(&mut m.chain, MALLORY, evil, target, data);
}

/// Arms Mallory's token to read the pool (`inventory`): a callback that does not call the token
/// again, so only the refusal of re-entry can fail it.
fn arm_to_read(m: &mut Fixture) {
    let pool = m.pool;
    arm(m, pool, keel_calls::pool(pool).inventory().message().into_data());
}

/// Arms Mallory's token to trade on the pool ([`swap_again`]): a trade it pays for itself.
fn arm_to_trade(m: &mut Fixture) {
    let (pool, again) = (m.pool, swap_again(m));
    arm(m, pool, again);
}

/// Call data for a sale of 1,000 quote to the pool, paid by the token, the base bought sent to
/// Mallory: the trade a callback tries again.
fn swap_again(m: &Fixture) -> Vec<u8> {
    swap_on(m, m.pool)
}

/// Call data for the token's sale of 1,000 quote to `pool`, the base bought sent to Mallory.
fn swap_on(m: &Fixture, pool: AccountId) -> Vec<u8> {
    keel_calls::pool(pool)
        .swap_exact_in(m.quote, 1_000 * UNIT, 0, MALLORY.account(), u64::MAX)
        .message()
        .into_data()
}

/// What the pool answers when a token's callback into it is refused (and for any other failure of
/// a token call: security.md's mutation runs show that the refusal here is pallet-contracts'
/// denial of re-entry, the trades completing once the pool allows it).
const REFUSED: PoolError = PoolError::TokenCallFailed;

/// `call` fails with [`REFUSED`] and moves nothing ([`Fixture::assert_refused`]), the hostile
/// token's own quote included.
fn assert_refused_token_kept<T: std::fmt::Debug>(
    m: &mut Fixture,
    call: impl FnOnce(&mut Fixture) -> Result<T, PoolError>,
) {
    let token_quote = token::balance(&mut m.chain, m.quote, m.base);
    m.assert_refused(REFUSED, call);
    assert_eq!(token::balance(&mut m.chain, m.quote, m.base), token_quote);
}

/// Mallory's sale of 1,000 hostile tokens fails with [`REFUSED`] and moves nothing, the token's
/// own quote included.
fn assert_swap_refused(m: &mut Fixture) {
    assert_refused_token_kept(m, |m| {
        pool::swap_exact_in(
            &mut m.chain,
            MALLORY,
            m.pool,
            PoolSwap::exact_in(m.base, 1_000 * UNIT),
        )
    });
}

#[test]
fn a_token_that_trades_on_the_pool_again_mid_swap_is_refused_and_nothing_moves() {
    let mut m = hostile_market();
    arm_to_trade(&mut m);
    assert_swap_refused(&mut m);
}

#[test]
fn a_token_that_reads_the_pool_mid_swap_is_refused_too() {
    let mut m = hostile_market();
    arm_to_read(&mut m);
    assert_swap_refused(&mut m);
}

#[test]
fn a_token_that_re_enters_while_paying_a_withdrawal_is_refused_and_shares_stay() {
    let mut m = hostile_market();
    let (_, _, shares) = pool::add_liquidity(
        &mut m.chain,
        MALLORY,
        m.pool,
        PoolDeposit::of(1_000 * UNIT, 10_000 * UNIT),
    )
    .expect("deposit");
    arm_to_trade(&mut m);
    m.assert_refused(REFUSED, |m| {
        pool::remove_liquidity(&mut m.chain, MALLORY, m.pool, PoolWithdraw::of(shares))
    });
    // Once the token behaves, the same withdrawal pays out.
    attacker::disarm(&mut m.chain, MALLORY, m.base);
    assert!(pool::remove_liquidity(&mut m.chain, MALLORY, m.pool, PoolWithdraw::of(shares)).is_ok());
}

#[test]
fn a_token_that_re_enters_while_pulling_a_deposit_is_refused_and_no_shares_are_minted() {
    // given Mallory's token armed to read the pool while the pool pulls it
    let mut m = hostile_market();
    arm_to_read(&mut m);
    let deposit = PoolDeposit::of(1_000 * UNIT, 10_000 * UNIT);
    // when Mallory deposits, then the pull fails, and no balance, reserve or share moves
    m.assert_refused(REFUSED, |m| {
        pool::add_liquidity(&mut m.chain, MALLORY, m.pool, deposit)
    });
    // and once the token behaves, the same deposit mints
    attacker::disarm(&mut m.chain, MALLORY, m.base);
    let (_, _, shares) = pool::add_liquidity(&mut m.chain, MALLORY, m.pool, deposit).expect("deposit");
    assert!(shares > 0);
}

#[test]
fn a_token_that_trades_on_the_pool_while_it_pulls_a_deposit_is_refused_and_no_shares_are_minted() {
    // given Mallory's token armed to trade on the pool while the pool pulls it
    let mut m = hostile_market();
    arm_to_trade(&mut m);
    // when Mallory deposits, then the pull fails, and nothing moves, the token's quote included
    assert_refused_token_kept(&mut m, |m| {
        pool::add_liquidity(
            &mut m.chain,
            MALLORY,
            m.pool,
            PoolDeposit::of(1_000 * UNIT, 10_000 * UNIT),
        )
    });
}

/// [`hostile_market`] with a venue of its own for the hostile token (as deep as the pool, Mallory's
/// liquidity), configured as the pool's, and the pool pushed past its trigger by Bob.
fn hostile_market_due() -> Fixture {
    let mut m = hostile_market();
    let evil_venue = venue::deploy(&mut m.chain, OWNER, m.base, m.quote, 30).expect("venue deploys");
    for t in [m.base, m.quote] {
        token::approve(&mut m.chain, MALLORY, t, evil_venue, u128::MAX).expect("approve");
    }
    let seed = VenueDeposit::of(50_000 * UNIT, 500_000 * UNIT);
    venue::add_liquidity(&mut m.chain, MALLORY, evil_venue, seed).expect("venue liquidity");
    let mut config = pool::config(&mut m.chain, m.pool);
    config.venue = Some(evil_venue);
    pool::set_config(&mut m.chain, OWNER, m.pool, config).expect("the pool's venue");
    m.venue = evil_venue;
    m.push_long_base(12_000);
    m
}

#[test]
fn a_token_that_re_enters_while_the_pool_sells_on_its_venue_is_refused_and_nothing_moves() {
    // given a due pool whose base calls back into the pool while the venue pulls it
    let mut m = hostile_market_due();
    let epoch = pool::rebalance_status(&mut m.chain, m.pool).epoch;
    arm_to_trade(&mut m);
    // when the keeper rebalances, then the venue's pull fails, the whole rebalance reverts, and
    // no balance, reserve, share or venue reserve moves
    m.assert_refused(PoolError::Venue(VenueError::TransferFailed), |m| {
        pool::rebalance(&mut m.chain, KEEPER, m.pool, epoch)
    });
    assert_eq!(pool::rebalance_status(&mut m.chain, m.pool).epoch, epoch);
    // and once the token behaves, the same rebalance runs
    attacker::disarm(&mut m.chain, MALLORY, m.base);
    let done = pool::rebalance(&mut m.chain, KEEPER, m.pool, epoch).expect("rebalance");
    assert!(done.sold > 0);
}

#[test]
fn the_hook_runs_a_callback_to_any_other_contract_so_only_re_entry_is_refused() {
    // The control for the tests above: a callback into a contract that is not on the call stack
    // succeeds, and so does the swap around it.
    let mut m = hostile_market();
    let elsewhere = keel_calls::token(m.quote)
        .approve(MALLORY.account(), 0)
        .message()
        .into_data();
    let quote = m.quote;
    arm(&mut m, quote, elsewhere);
    let quote_before = m.balance(m.quote, MALLORY);
    let out = pool::swap_exact_in(
        &mut m.chain,
        MALLORY,
        m.pool,
        PoolSwap::exact_in(m.base, 1_000 * UNIT),
    );
    let out = out.expect("swap with a harmless callback");
    assert_eq!(m.balance(m.quote, MALLORY), quote_before + out);
    crate::assert_solvent(&mut m);
}

#[test]
fn the_same_trade_as_a_callback_into_another_pool_completes_so_the_refusals_are_the_defences() {
    // The control for the trading callbacks above: the token pays for the trade and takes the
    // pool's call back to pay it out; only the pool on the call stack refuses it.
    // given a second pool on the same tokens, and the token armed to trade on it
    let mut m = hostile_market();
    let source = m.mirror.unwrap_or(m.oracle);
    let other = hostile_pool(&mut m.chain, m.base, m.quote, source);
    let trade = swap_on(&m, other);
    arm(&mut m, other, trade);
    let (base_before, quote_before) = (m.balance(m.base, MALLORY), m.balance(m.quote, MALLORY));
    let other_quote = token::balance(&mut m.chain, m.quote, other);
    let other_base = token::balance(&mut m.chain, m.base, other);
    let token_quote = token::balance(&mut m.chain, m.quote, m.base);
    // when Mallory sells 1,000 of the token to the first pool
    let out = pool::swap_exact_in(
        &mut m.chain,
        MALLORY,
        m.pool,
        PoolSwap::exact_in(m.base, 1_000 * UNIT),
    )
    .expect("the swap and its callback's trade complete");
    // then she has the first pool's quote and the second pool's base, paid by the token's quote
    assert_eq!(m.balance(m.quote, MALLORY), quote_before + out);
    let bought = m.balance(m.base, MALLORY) + 1_000 * UNIT - base_before;
    assert!(bought > 0, "the callback's trade paid out base");
    assert_eq!(token::balance(&mut m.chain, m.base, other), other_base - bought);
    assert_eq!(
        token::balance(&mut m.chain, m.quote, other),
        other_quote + 1_000 * UNIT
    );
    assert_eq!(
        token::balance(&mut m.chain, m.quote, m.base),
        token_quote - 1_000 * UNIT
    );
    crate::assert_solvent(&mut m);
    m.pool = other;
    crate::assert_solvent(&mut m);
}
