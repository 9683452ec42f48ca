//! The pool's shares as a PSP22 token, as LPs and the accounts holding their shares use it:
//! balances and allowances move exactly, the pool emits the events, a refusal changes nothing,
//! and shares received are as good to withdraw as shares minted. In the shipped build these
//! messages run in the pool's cold code, on the storage its own code trades on.

use keel_calls::{ToMessage, PSP22};
use keel_harness::pool::{self, PoolWithdraw};
use keel_harness::{Actor, Fixture, ALICE, BOB, CAROL, UNIT};
use keel_interface::pool::SHARES_TO_THE_POOL;
use psp22::{Approval, PSP22Error, Transfer};

fn shares(m: &mut Fixture, who: Actor) -> u128 {
    pool::shares(&mut m.chain, m.pool, who.account())
}

fn allowance(m: &mut Fixture, owner: Actor, spender: Actor) -> u128 {
    let read = keel_calls::pool(m.pool).allowance(owner.account(), spender.account());
    m.chain.call(BOB, m.pool, read.message())
}

fn transfer(m: &mut Fixture, from: Actor, to: Actor, value: u128) -> Result<(), PSP22Error> {
    let send = keel_calls::pool(m.pool).transfer(to.account(), value, Vec::new());
    m.chain.call(from, m.pool, send.message())
}

fn transfer_from(
    m: &mut Fixture,
    spender: Actor,
    from: Actor,
    to: Actor,
    value: u128,
) -> Result<(), PSP22Error> {
    let send = keel_calls::pool(m.pool).transfer_from(from.account(), to.account(), value, Vec::new());
    m.chain.call(spender, m.pool, send.message())
}

fn approve(m: &mut Fixture, owner: Actor, spender: Actor, value: u128) -> Result<(), PSP22Error> {
    let call = keel_calls::pool(m.pool).approve(spender.account(), value);
    m.chain.call(owner, m.pool, call.message())
}

/// The (from, to, value) of every share `Transfer` the pool emitted since the last look.
fn transfers(
    m: &mut Fixture,
) -> Vec<(
    Option<ink::primitives::AccountId>,
    Option<ink::primitives::AccountId>,
    u128,
)> {
    let events = m.chain.take_events();
    keel_calls::events::of::<Transfer>(m.pool, &events)
        .into_iter()
        .map(|t| (t.from, t.to, t.value))
        .collect()
}

#[test]
fn an_lp_sends_shares_and_the_pool_reports_the_transfer() {
    // given the standard market, whose first LP is Alice
    let mut m = Fixture::standard();
    let (alice, bob) = (shares(&mut m, ALICE), shares(&mut m, BOB));
    let supply = pool::total_shares(&mut m.chain, m.pool);
    m.chain.take_events();
    // when Alice sends Bob 5 shares
    transfer(&mut m, ALICE, BOB, 5 * UNIT).expect("transfer");
    // then exactly those move, the supply stays, and the pool reports it
    assert_eq!(shares(&mut m, ALICE), alice - 5 * UNIT);
    assert_eq!(shares(&mut m, BOB), bob + 5 * UNIT);
    assert_eq!(pool::total_shares(&mut m.chain, m.pool), supply);
    assert_eq!(
        transfers(&mut m),
        vec![(Some(ALICE.account()), Some(BOB.account()), 5 * UNIT)]
    );
}

#[test]
fn a_transfer_above_the_balance_changes_nothing() {
    // given the standard market, where Alice holds shares and Carol none
    let mut m = Fixture::standard();
    let alice = shares(&mut m, ALICE);
    let supply = pool::total_shares(&mut m.chain, m.pool);
    m.chain.take_events();
    // when either sends more than it holds, then each is refused by name
    assert_eq!(
        transfer(&mut m, CAROL, BOB, 1),
        Err(PSP22Error::InsufficientBalance)
    );
    assert_eq!(
        transfer(&mut m, ALICE, BOB, alice + 1),
        Err(PSP22Error::InsufficientBalance)
    );
    // and no balance moved, and no transfer was reported
    assert_eq!(shares(&mut m, ALICE), alice);
    assert_eq!(shares(&mut m, BOB), 0);
    assert_eq!(shares(&mut m, CAROL), 0);
    assert_eq!(pool::total_shares(&mut m.chain, m.pool), supply);
    assert_eq!(transfers(&mut m), vec![]);
}

#[test]
fn a_spender_moves_shares_within_its_allowance_and_no_further() {
    // given Alice's shares, and Carol allowed 3 of them
    let mut m = Fixture::standard();
    let alice = shares(&mut m, ALICE);
    m.chain.take_events();
    approve(&mut m, ALICE, CAROL, 3 * UNIT).expect("approve");
    let events = m.chain.take_events();
    let approvals: Vec<_> = keel_calls::events::of::<Approval>(m.pool, &events)
        .into_iter()
        .map(|a| (a.owner, a.spender, a.amount))
        .collect();
    assert_eq!(approvals, vec![(ALICE.account(), CAROL.account(), 3 * UNIT)]);
    // when Carol moves 2 of them to Bob, then they move and 1 stays allowed
    transfer_from(&mut m, CAROL, ALICE, BOB, 2 * UNIT).expect("transfer_from");
    assert_eq!(shares(&mut m, ALICE), alice - 2 * UNIT);
    assert_eq!(shares(&mut m, BOB), 2 * UNIT);
    assert_eq!(allowance(&mut m, ALICE, CAROL), UNIT);
    assert_eq!(
        transfers(&mut m),
        vec![(Some(ALICE.account()), Some(BOB.account()), 2 * UNIT)]
    );
    // when Carol tries 2 more, or lowers the allowance below nothing, then each is refused by
    // name and changes nothing
    assert_eq!(
        transfer_from(&mut m, CAROL, ALICE, BOB, 2 * UNIT),
        Err(PSP22Error::InsufficientAllowance)
    );
    let lower = keel_calls::pool(m.pool).decrease_allowance(CAROL.account(), 2 * UNIT);
    assert_eq!(
        m.chain.call(ALICE, m.pool, lower.message()),
        Err(PSP22Error::InsufficientAllowance)
    );
    assert_eq!(shares(&mut m, ALICE), alice - 2 * UNIT);
    assert_eq!(shares(&mut m, BOB), 2 * UNIT);
    assert_eq!(allowance(&mut m, ALICE, CAROL), UNIT);
    // when Alice raises it by 4 and lowers it by 5, then it is 0 and Carol can move nothing
    let raise = keel_calls::pool(m.pool).increase_allowance(CAROL.account(), 4 * UNIT);
    m.chain.call(ALICE, m.pool, raise.message()).expect("increase");
    assert_eq!(allowance(&mut m, ALICE, CAROL), 5 * UNIT);
    let lower = keel_calls::pool(m.pool).decrease_allowance(CAROL.account(), 5 * UNIT);
    m.chain.call(ALICE, m.pool, lower.message()).expect("decrease");
    assert_eq!(allowance(&mut m, ALICE, CAROL), 0);
    assert_eq!(
        transfer_from(&mut m, CAROL, ALICE, CAROL, 1),
        Err(PSP22Error::InsufficientAllowance)
    );
    assert_eq!(shares(&mut m, ALICE), alice - 2 * UNIT);
    assert_eq!(shares(&mut m, CAROL), 0);
    assert_eq!(allowance(&mut m, ALICE, CAROL), 0);
}

#[test]
fn shares_received_withdraw_like_shares_minted() {
    // given Bob holding 10 of Alice's shares, sent to him
    let mut m = Fixture::standard();
    transfer(&mut m, ALICE, BOB, 10 * UNIT).expect("transfer");
    let reserves = pool::reserves(&mut m.chain, m.pool);
    let supply = pool::total_shares(&mut m.chain, m.pool);
    // when Bob withdraws them, then the pool pays him for them and burns exactly them
    let (base, quote) =
        pool::remove_liquidity(&mut m.chain, BOB, m.pool, PoolWithdraw::of(10 * UNIT)).expect("withdraw");
    assert!(base > 0 && quote > 0, "paid {base} base and {quote} quote");
    assert_eq!(shares(&mut m, BOB), 0);
    assert_eq!(pool::total_shares(&mut m.chain, m.pool), supply - 10 * UNIT);
    assert_eq!(
        pool::reserves(&mut m.chain, m.pool),
        (reserves.0 - base, reserves.1 - quote)
    );
}

#[test]
fn shares_sent_to_the_pool_or_the_zero_account_are_refused_and_nothing_moves() {
    // given Alice's shares, Carol allowed to move all of them, and the 1,000 locked shares the
    // zero account holds
    let mut m = Fixture::standard();
    let alice = shares(&mut m, ALICE);
    approve(&mut m, ALICE, CAROL, alice).expect("approve");
    let zero = ink::primitives::AccountId::from([0; 32]);
    let held =
        |m: &mut Fixture| [ALICE.account(), m.pool, zero].map(|who| pool::shares(&mut m.chain, m.pool, who));
    let before = held(&mut m);
    let supply = pool::total_shares(&mut m.chain, m.pool);
    m.chain.take_events();
    // when Alice sends shares to the pool or the zero account, or Carol does with her allowance
    let refusal = |to| {
        if to == zero {
            PSP22Error::ZeroRecipientAddress
        } else {
            PSP22Error::Custom(SHARES_TO_THE_POOL.into())
        }
    };
    for to in [m.pool, zero] {
        let send = keel_calls::pool(m.pool).transfer(to, UNIT, Vec::new());
        assert_eq!(m.chain.call(ALICE, m.pool, send.message()), Err(refusal(to)));
        let send = keel_calls::pool(m.pool).transfer_from(ALICE.account(), to, UNIT, Vec::new());
        assert_eq!(m.chain.call(CAROL, m.pool, send.message()), Err(refusal(to)));
    }
    // then each is refused by name, and no share, allowance or event moved
    assert_eq!(held(&mut m), before);
    assert_eq!(pool::total_shares(&mut m.chain, m.pool), supply);
    assert_eq!(allowance(&mut m, ALICE, CAROL), alice);
    assert_eq!(transfers(&mut m), vec![]);
}
