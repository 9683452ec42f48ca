//! Share inflation by the first depositor, donations, rounding dust farmed by tiny swaps, and a
//! deposit sandwiched by trades on the pool.

use crate::{assert_solvent, band_maximal_sale, value, worth};
use keel_core::math::{mul_div_u128, Rounding};
use keel_core::CurveError;
use keel_harness::pool::{self, PoolDeposit, PoolSwap, PoolWithdraw};
use keel_harness::{token, Fixture, Setup, BOB, CAROL, MALLORY, UNIT};
use keel_interface::pool::PoolError;

const PRICE: u128 = 10 * UNIT;

/// An empty pool: no first deposit yet.
fn empty_pool() -> Fixture {
    Fixture::new(Setup {
        base_liquidity: 0,
        quote_liquidity: 0,
        ..Setup::default()
    })
}

#[test]
fn a_tiny_first_deposit_and_a_donation_cannot_inflate_the_share_price() {
    // given Mallory makes the smallest first deposit and then donates a fortune to the pool
    let mut m = empty_pool();
    let mallory_before = worth(&mut m, MALLORY, PRICE);
    pool::add_liquidity(&mut m.chain, MALLORY, m.pool, PoolDeposit::of(1_000, 10_000))
        .expect("tiny first deposit");
    token::transfer(&mut m.chain, MALLORY, m.base, m.pool, 50_000 * UNIT).expect("donate base");
    token::transfer(&mut m.chain, MALLORY, m.quote, m.pool, 500_000 * UNIT).expect("donate quote");

    // when Bob deposits and at once withdraws everything
    let (base0, quote0) = (m.balance(m.base, BOB), m.balance(m.quote, BOB));
    let (base_in, quote_in, shares) = pool::add_liquidity(
        &mut m.chain,
        BOB,
        m.pool,
        PoolDeposit::of(1_000 * UNIT, 10_000 * UNIT),
    )
    .expect("deposit");
    assert!(shares > 0);
    let (base_out, quote_out) =
        pool::remove_liquidity(&mut m.chain, BOB, m.pool, PoolWithdraw::of(shares)).expect("withdraw");

    // then Bob got back all but 0.01% of what he put in, in each token
    assert!(
        base_in >= 999 * UNIT && quote_in >= 9_990 * UNIT,
        "deposit took ({base_in}, {quote_in})"
    );
    assert!(
        base_out * 10_000 >= base_in * 9_999,
        "base {base_in} -> {base_out}"
    );
    assert!(
        quote_out * 10_000 >= quote_in * 9_999,
        "quote {quote_in} -> {quote_out}"
    );
    assert!(
        m.balance(m.base, BOB) <= base0 && m.balance(m.quote, BOB) <= quote0,
        "Bob gained"
    );
    // and Mallory, withdrawing all she can, only lost her donation
    let mallory_shares = pool::shares(&mut m.chain, m.pool, MALLORY.account());
    pool::remove_liquidity(&mut m.chain, MALLORY, m.pool, PoolWithdraw::of(mallory_shares))
        .expect("withdraw");
    let mallory_after = worth(&mut m, MALLORY, PRICE);
    assert!(
        mallory_after < mallory_before - 999_999 * UNIT,
        "Mallory recovered her donation"
    );
    assert_solvent(&mut m);
}

#[test]
fn donations_stay_in_the_pool_and_nobody_can_withdraw_them() {
    // given a pool with Alice's liquidity, and Mallory holding shares of her own
    let mut m = Fixture::standard();
    let (_, _, shares) = pool::add_liquidity(
        &mut m.chain,
        MALLORY,
        m.pool,
        PoolDeposit::of(100 * UNIT, 1_000 * UNIT),
    )
    .expect("deposit");
    let reserves = pool::reserves(&mut m.chain, m.pool);

    // when Bob sends tokens to the pool by mistake
    token::transfer(&mut m.chain, BOB, m.base, m.pool, 7_000 * UNIT).expect("donation");

    // then reserves and every withdrawal ignore them: Mallory's shares pay what they paid before
    assert_eq!(pool::reserves(&mut m.chain, m.pool), reserves);
    let paid = m
        .chain
        .dry_run(|c| pool::remove_liquidity(c, MALLORY, m.pool, PoolWithdraw::of(shares)));
    let (base_out, quote_out) = paid.expect("withdraw");
    assert!(
        base_out <= 100 * UNIT && quote_out <= 1_000 * UNIT,
        "paid ({base_out}, {quote_out})"
    );
    assert_solvent(&mut m);
}

/// A tiny swap's answer: what it paid or cost, or `None` when the pool refused it as too small
/// to price (any other refusal fails the test).
fn tiny(m: &mut Fixture, exact_out: bool, s: PoolSwap) -> Option<u128> {
    let answer = if exact_out {
        pool::swap_exact_out(&mut m.chain, MALLORY, m.pool, s)
    } else {
        pool::swap_exact_in(&mut m.chain, MALLORY, m.pool, s)
    };
    match answer {
        Ok(amount) => Some(amount),
        Err(PoolError::ZeroAmount | PoolError::Curve(CurveError::ZeroOutput)) => None,
        Err(e) => panic!("a tiny swap refused for another reason: {e:?}"),
    }
}

#[test]
fn many_tiny_round_trips_never_farm_rounding_dust() {
    // given Mallory trading amounts from one unit up to a thousandth of a token
    let mut m = Fixture::standard();
    let before = worth(&mut m, MALLORY, PRICE);
    let pool_before = pool::reserves(&mut m.chain, m.pool);
    let mut refused = 0;
    // round trips that landed whole, selling exactly in and buying exactly out
    let mut landed = [0, 0];

    // when she sells base and sells straight back whatever quote she got, and buys that much
    // quote and buys back the base it cost, 120 times each
    for round in 0..240u128 {
        let amount = [1, 3, 17, 999, 10_001, 1_000_000_007, UNIT / 1000][(round % 7) as usize] + round;
        let exact_out = round % 2 == 1;
        let (base, quote) = (m.base, m.quote);
        let first = if exact_out {
            PoolSwap::exact_out(base, amount)
        } else {
            PoolSwap::exact_in(base, amount)
        };
        match tiny(&mut m, exact_out, first) {
            Some(got_or_paid) => {
                // selling exactly in, she sells back what she got; buying exactly out, she buys
                // back the base she paid
                let back = if exact_out {
                    PoolSwap::exact_out(quote, got_or_paid)
                } else {
                    PoolSwap::exact_in(quote, got_or_paid)
                };
                match tiny(&mut m, exact_out, back) {
                    Some(_) => landed[usize::from(exact_out)] += 1,
                    None => refused += 1,
                }
            }
            None => refused += 1,
        }
        // then at no step is she up, valued at the oracle
        assert!(
            worth(&mut m, MALLORY, PRICE) <= before,
            "round {round}: Mallory gained"
        );
    }

    // and the pool's reserves are worth at least what they were
    let (b0, q0) = pool_before;
    let (b1, q1) = pool::reserves(&mut m.chain, m.pool);
    assert!(
        crate::value(b1, q1, PRICE) >= crate::value(b0, q0, PRICE),
        "pool lost value"
    );
    assert!(
        landed[0] > 0 && landed[1] > 0 && refused > 0,
        "round trips landed {landed:?} (in, out), refusals {refused}: every path must run"
    );
    assert_solvent(&mut m);
}

/// What a sandwich of Carol's deposit left: what she paid and lost, in quote at the oracle's
/// price, and whether Mallory ended poorer; or the pool's refusal of the deposit (which moved
/// nothing).
struct Sandwiched {
    paid: u128,
    carol_lost: u128,
    mallory_lost: bool,
}

/// Carol's deposit of up to 1,000 base and 10,000 quote, asking for at least `tolerance_bps` less
/// than the shares the pool would mint her undisturbed, sandwiched by Mallory: she sells `dumped`
/// base to the pool before it and buys back with all she got after it; then Carol withdraws.
fn sandwiched_deposit(dumped: u128, tolerance_bps: u128) -> Result<Sandwiched, PoolError> {
    let mut m = Fixture::standard();
    let (base_reserve, quote_reserve) = pool::reserves(&mut m.chain, m.pool);
    let supply = pool::total_shares(&mut m.chain, m.pool);
    let by = |amount, reserve| mul_div_u128(amount, supply, reserve, Rounding::Down).expect("shares");
    let expected = by(1_000 * UNIT, base_reserve).min(by(10_000 * UNIT, quote_reserve));
    let deposit = PoolDeposit {
        min_shares: expected / 10_000 * (10_000 - tolerance_bps),
        to: Some(CAROL.account()),
        ..PoolDeposit::of(1_000 * UNIT, 10_000 * UNIT)
    };
    let mallory_before = worth(&mut m, MALLORY, PRICE);
    let base = m.base;
    let got = pool::swap_exact_in(&mut m.chain, MALLORY, m.pool, PoolSwap::exact_in(base, dumped))
        .expect("front-run");
    let before = m.snapshot();
    let deposited = pool::add_liquidity(&mut m.chain, CAROL, m.pool, deposit);
    if deposited.is_err() {
        assert_eq!(m.snapshot(), before, "a refused deposit moved something");
    }
    let quote = m.quote;
    pool::swap_exact_in(&mut m.chain, MALLORY, m.pool, PoolSwap::exact_in(quote, got)).expect("back-run");
    let (base_in, quote_in, shares) = deposited?;
    let (base_out, quote_out) =
        pool::remove_liquidity(&mut m.chain, CAROL, m.pool, PoolWithdraw::of(shares)).expect("withdraw");
    assert_solvent(&mut m);
    let paid = value(base_in, quote_in, PRICE);
    Ok(Sandwiched {
        paid,
        carol_lost: paid.saturating_sub(value(base_out, quote_out, PRICE)),
        mallory_lost: worth(&mut m, MALLORY, PRICE) < mallory_before,
    })
}

#[test]
fn sandwiching_a_deposit_loses_the_attacker_money_and_the_depositor_at_most_two_basis_points() {
    // given Carol's deposit, asking for no minimum or for at most 0.5% fewer shares than
    // undisturbed (the dApp's default tolerance), when Mallory sells from a fiftieth of the
    // largest sale the price band allows to all of it before the deposit and buys back after it
    let largest = band_maximal_sale(&mut Fixture::standard());
    for dumped in [largest / 50, largest / 10, largest / 3, largest] {
        for tolerance_bps in [10_000, 50] {
            match sandwiched_deposit(dumped, tolerance_bps) {
                // then Mallory ends poorer, and Carol loses at most two basis points (1.2 at the
                // band's edge, a few thousandths of one at a tenth of it)
                Ok(s) => {
                    assert!(s.mallory_lost, "{dumped} dumped: Mallory profited");
                    assert!(
                        s.carol_lost * 10_000 <= s.paid * 2,
                        "{dumped} dumped, tolerance {tolerance_bps} bps: Carol lost {} of {}",
                        s.carol_lost,
                        s.paid
                    );
                    assert!(
                        tolerance_bps == 10_000 || dumped < largest / 3,
                        "{dumped} dumped: a deposit within 0.5% went through"
                    );
                }
                // and the two largest sales move the reserve ratio past her 0.5%: her deposit is
                // refused and moves nothing
                Err(refusal) => assert_eq!(
                    (refusal, tolerance_bps, dumped >= largest / 3),
                    (PoolError::MinSharesNotMet, 50, true)
                ),
            }
        }
    }
}
