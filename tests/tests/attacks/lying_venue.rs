//! A venue that lies (`contracts/rigged-venue`): about its depth, about its fee, about what it
//! paid, and deaf to the least pay and the deadline the pool gives it. The pool's only defences
//! are the cap and least pay it derives from what the venue says (`keel_core::rebalance::Excess`)
//! and its own balance, read before and after each leg. Whatever the lie, a rebalance either is
//! paid at least `(1 - 1%) x (1 - 1%) x R / (R + S)` of the slice's oracle value, by the pool's
//! own count (at least 97.76%, so at most 2.234% below it), or is refused and moves nothing.

use crate::assert_solvent;
use ink::primitives::AccountId;
use keel_harness::pool::{self, PoolSwap};
use keel_harness::rigged::{self, Lies};
use keel_harness::{token, Fixture, Sandbox, Setup, MALLORY, UNIT};
use keel_interface::pool::{PoolError, RebalanceStatus};

const PRICE: u128 = 10 * UNIT;

/// The least share of a slice's oracle value a rebalance is paid, as a fraction: 99% x 99% x
/// 400 / 401 (the slice at most a quarter of the counted 1% fee of the reported reserve).
const FLOOR: (u128, u128) = (99 * 99 * 400, 100 * 100 * 401);

/// A market whose pool rebalances on Mallory's lying venue at the loosest tolerance, pushed past
/// its trigger by a sale of `pushed` (base or quote), the venue funded to pay in both tokens.
fn pool_on_a_liar(pushed: Side) -> (Fixture, AccountId) {
    let mut m = Fixture::new(Setup {
        trader_funds: 100_000_000 * UNIT,
        ..Setup::default()
    });
    let liar = rigged::deploy(&mut m.chain, MALLORY, m.base, m.quote);
    token::transfer(&mut m.chain, MALLORY, m.base, liar, 1_000_000 * UNIT).expect("fund in base");
    token::transfer(&mut m.chain, MALLORY, m.quote, liar, 10_000_000 * UNIT).expect("fund in quote");
    crate::rebalance_loosely_on(&mut m, liar);
    let (token_in, amount) = match pushed {
        Side::Base => (m.base, 3_000 * UNIT),
        Side::Quote => (m.quote, 25_000 * UNIT),
    };
    pool::swap_exact_in(
        &mut m.chain,
        MALLORY,
        m.pool,
        PoolSwap::exact_in(token_in, amount),
    )
    .expect("push");
    (m, liar)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    Base,
    Quote,
}

/// Everything a rebalance could move: the pool's tokens and book, its rebalancing record, and
/// what the liar and Mallory hold.
#[derive(Debug, PartialEq, Eq)]
struct Holdings {
    pool_tokens: (u128, u128),
    reserves: (u128, u128),
    rebalancing: RebalanceStatus,
    liar: (u128, u128),
    mallory: (u128, u128),
}

struct Market {
    pool: AccountId,
    base: AccountId,
    quote: AccountId,
    liar: AccountId,
}

impl Market {
    fn of(m: &Fixture, liar: AccountId) -> Market {
        Market {
            pool: m.pool,
            base: m.base,
            quote: m.quote,
            liar,
        }
    }

    fn holdings(&self, c: &mut Sandbox) -> Holdings {
        let both = |c: &mut Sandbox, who: AccountId| {
            (
                token::balance(c, self.base, who),
                token::balance(c, self.quote, who),
            )
        };
        Holdings {
            pool_tokens: both(c, self.pool),
            reserves: pool::reserves(c, self.pool),
            rebalancing: pool::rebalance_status(c, self.pool),
            liar: both(c, self.liar),
            mallory: both(c, MALLORY.account()),
        }
    }
}

/// What the liar says of its depth, in base (its quote reserve says a price a hundred times the
/// oracle's, which the pool must not believe either), and of its fee.
fn depth_lies() -> Vec<(u128, u32)> {
    let mut lies = Vec::new();
    for base_reserve in [1_000 * UNIT, 1_000_000 * UNIT, 1_000_000_000 * UNIT] {
        for fee_bps in [0, 30, 100, 5_000] {
            lies.push((base_reserve, fee_bps));
        }
    }
    lies
}

/// What the liar pays, in basis points of the slice's oracle value; it always says it paid it all.
const PAYS: [u32; 7] = [10_000, 9_900, 9_800, 9_780, 9_700, 5_000, 0];

#[test]
fn a_venue_lying_about_its_depth_fee_and_pay_is_paid_at_least_the_floor_or_moves_nothing() {
    for side in [Side::Base, Side::Quote] {
        // given a pool past its trigger on Mallory's lying venue
        let (mut m, liar) = pool_on_a_liar(side);
        m.chain.advance(6_000);
        m.report(PRICE, UNIT / 10 * 8).expect("fresh");
        let market = Market::of(&m, liar);
        let (mut landed, mut refused) = (0, 0);
        for (base_reserve, fee_bps) in depth_lies() {
            for pay_bps in PAYS {
                let lies = Lies {
                    base_reserve,
                    quote_reserve: base_reserve * 1_000,
                    fee_bps,
                    price: PRICE,
                    pay_bps,
                    claim_bps: 10_000,
                    pull_bps: 10_000,
                };
                // when Mallory rebalances into it, telling these lies (each case from the same
                // state: the chain rolls back after it)
                let (got, before, after) = m.chain.dry_run(|c| {
                    rigged::lie(c, MALLORY, liar, lies);
                    let before = market.holdings(c);
                    let got = pool::rebalance(c, MALLORY, market.pool, 0);
                    (got, before, market.holdings(c))
                });
                let case = format!("{side:?} long, {lies:?}");
                // then either the pool was paid at least the floor, by its own balance
                match got {
                    Ok(out) => {
                        landed += 1;
                        let sold_token = match side {
                            Side::Base => market.base,
                            Side::Quote => market.quote,
                        };
                        assert_eq!(out.token_sold, sold_token, "{case}");
                        let fair = match side {
                            Side::Base => out.sold * (PRICE / UNIT),
                            Side::Quote => out.sold / (PRICE / UNIT),
                        };
                        assert!(
                            out.bought * FLOOR.1 >= fair * FLOOR.0,
                            "{case}: a slice worth {fair} paid {}",
                            out.bought
                        );
                        // what it counts is what arrived, not what the liar claimed
                        let arrived = match side {
                            Side::Base => after.pool_tokens.1 + out.bounty - before.pool_tokens.1,
                            Side::Quote => after.pool_tokens.0 - before.pool_tokens.0,
                        };
                        assert_eq!(out.bought, arrived, "{case}");
                        let liar_paid = match side {
                            Side::Base => before.liar.1 - after.liar.1,
                            Side::Quote => before.liar.0 - after.liar.0,
                        };
                        assert_eq!(out.bought, liar_paid, "{case}");
                    }
                    // or it refused, and nothing moved
                    Err(e) => {
                        refused += 1;
                        assert_eq!(after, before, "{case}: refused with {e:?} yet moved something");
                        if fee_bps > 0 && pay_bps == 0 {
                            assert_eq!(e, PoolError::VenueCallFailed, "{case}");
                        }
                    }
                }
            }
        }
        println!("{side:?} long: {landed} rebalances landed on the liar, {refused} refused");
        // The lies that pay enough land, those that do not are refused: where the slice is a
        // quarter of the counted fee of the reported reserve, paying 97.8% lands and 97% does
        // not; where the pool's excess is the smaller, 98% lands; a fee of 0 gives no slice.
        let expected = match side {
            Side::Base => (26, 58),
            Side::Quote => (22, 62),
        };
        assert_eq!((landed, refused), expected);
        assert_solvent(&mut m);
    }
}

#[test]
fn a_venue_that_takes_part_of_a_slice_later_takes_no_more_than_the_slice_the_pool_booked() {
    // given a pool past its trigger on Mallory's venue, which pays a slice's whole oracle value
    // but takes only half of the slice during the sale
    let (mut m, liar) = pool_on_a_liar(Side::Base);
    m.chain.advance(6_000);
    m.report(PRICE, UNIT / 10 * 8).expect("fresh");
    let lies = Lies {
        base_reserve: 1_000_000 * UNIT,
        quote_reserve: 10_000_000 * UNIT,
        fee_bps: 30,
        price: PRICE,
        pay_bps: 10_000,
        claim_bps: 10_000,
        pull_bps: 5_000,
    };
    rigged::lie(&mut m.chain, MALLORY, liar, lies);
    let market = Market::of(&m, liar);
    let surplus =
        |c: &mut Sandbox| token::balance(c, market.base, market.pool) - pool::reserves(c, market.pool).0;
    let (surplus_before, liar_before) = (surplus(&mut m.chain), m.balance(m.base, MALLORY));
    let liar_held = |c: &mut Sandbox| token::balance(c, market.base, liar);
    let liar_held_before = liar_held(&mut m.chain);
    // when Mallory rebalances into it
    let out = pool::rebalance(&mut m.chain, MALLORY, m.pool, 0).expect("paid in full");
    // then the pool booked the whole slice as sold, and holds the half not taken beyond its
    // reserves
    let taken = out.sold / 2;
    assert_eq!(surplus(&mut m.chain), surplus_before + (out.sold - taken));
    assert_eq!(liar_held(&mut m.chain) - liar_held_before, taken);
    // and when the venue later takes the rest with the allowance the pool left it, it gets the
    // rest of the slice and not one unit more
    let rest = out.sold - taken;
    rigged::take(&mut m.chain, MALLORY, liar, m.base, m.pool, rest).expect("the rest of the allowance");
    assert_eq!(
        rigged::take(&mut m.chain, MALLORY, liar, m.base, m.pool, 1),
        Err(keel_interface::VenueError::TransferFailed)
    );
    assert_eq!(liar_held(&mut m.chain) - liar_held_before, out.sold);
    assert_eq!(surplus(&mut m.chain), surplus_before);
    assert_eq!(
        m.balance(m.base, MALLORY),
        liar_before,
        "Mallory's own base is untouched"
    );
    assert_solvent(&mut m);
}
