//! The constant-product venue on chain: liquidity, swaps priced by `keel_core::cpmm`, its fee, and
//! every refusal leaving balances untouched.
//!
//! The fixture's venue trades base (token A) against quote (token B) at 30 bps; Carol seeds it with
//! 100,000 base and 1,000,000 quote.

use keel_core::consts::DEFAULT_VENUE_FEE_BPS;
use keel_core::consts::LOCKED_SHARES_HOLDER;
use keel_core::cpmm::{self, CpState};
use keel_core::math::{mul_div_u128, wide, Rounding, U256};
use keel_core::{CurveError, MINIMUM_LIQUIDITY};
use keel_harness::venue::{self, VenueDeposit, VenueSwap, VenueWithdraw};
use keel_harness::{token, Fixture, Setup, ALICE, BOB, CAROL, OWNER, UNIT};
use keel_interface::VenueError;
use keel_venue::ConstantProductError;

fn empty_venue() -> Fixture {
    Fixture::new(Setup {
        venue_base_liquidity: 0,
        venue_quote_liquidity: 0,
        ..Setup::default()
    })
}

fn venue_state(m: &mut Fixture) -> CpState {
    let (reserve_a, reserve_b) = venue::reserves(&mut m.chain, m.venue);
    CpState { reserve_a, reserve_b }
}

#[test]
fn deployment_refuses_identical_tokens_and_a_fee_above_the_bound() {
    let mut m = empty_venue();
    assert_eq!(
        venue::deploy(&mut m.chain, OWNER, m.base, m.base, DEFAULT_VENUE_FEE_BPS),
        Err(ConstantProductError::IdenticalTokens)
    );
    assert_eq!(
        venue::deploy(&mut m.chain, OWNER, m.base, m.quote, cpmm::FEE_BPS_MAX + 1),
        Err(ConstantProductError::InvalidFee)
    );
    assert_eq!(venue::tokens(&mut m.chain, m.venue), (m.base, m.quote));
    assert_eq!(venue::fee_bps(&mut m.chain, m.venue), DEFAULT_VENUE_FEE_BPS);
}

#[test]
fn first_deposit_mints_sqrt_shares_and_locks_minimum_liquidity() {
    // given an empty venue
    let mut m = empty_venue();
    let carol_base = m.balance(m.base, CAROL);
    // when Carol deposits 100 base and 1,000 quote
    let (a_in, b_in, shares) = venue::add_liquidity(
        &mut m.chain,
        CAROL,
        m.venue,
        VenueDeposit::of(100 * UNIT, 1_000 * UNIT),
    )
    .expect("deposit");
    // then she gets sqrt(100 * 1000) * 1e18 shares less the 1,000 locked with nobody
    let minted = 316_227_766_016_837_933_199u128; // floor(sqrt(1e5) * 1e18)
    assert_eq!((a_in, b_in), (100 * UNIT, 1_000 * UNIT));
    assert_eq!(shares, minted - MINIMUM_LIQUIDITY);
    assert_eq!(venue::shares(&mut m.chain, m.venue, CAROL.account()), shares);
    let nobody = LOCKED_SHARES_HOLDER.into();
    assert_eq!(venue::shares(&mut m.chain, m.venue, nobody), MINIMUM_LIQUIDITY);
    assert_eq!(venue::total_shares(&mut m.chain, m.venue), minted);
    assert_eq!(venue::reserves(&mut m.chain, m.venue), (100 * UNIT, 1_000 * UNIT));
    assert_eq!(token::balance(&mut m.chain, m.base, m.venue), 100 * UNIT);
    assert_eq!(m.balance(m.base, CAROL), carol_base - 100 * UNIT);
}

#[test]
fn second_deposit_takes_the_reserve_ratio_and_mints_proportional_shares() {
    // given the seeded venue at 10 quote per base
    let mut m = Fixture::standard();
    let state = venue_state(&mut m);
    let total = venue::total_shares(&mut m.chain, m.venue);
    let (bob_base, bob_quote) = (m.balance(m.base, BOB), m.balance(m.quote, BOB));
    // when Bob offers 10 base and 1,000 quote
    let (a_in, b_in, shares) = venue::add_liquidity(
        &mut m.chain,
        BOB,
        m.venue,
        VenueDeposit::of(10 * UNIT, 1_000 * UNIT),
    )
    .expect("deposit");
    // then base binds: he gets a ten-thousandth of the shares for the same part of each reserve,
    // rounded up, and keeps the rest of his quote
    let expected = cpmm::deposit(&state, total, 10 * UNIT, 1_000 * UNIT).expect("priced");
    assert_eq!(
        (a_in, b_in, shares),
        (expected.amount_a, expected.amount_b, expected.shares)
    );
    assert_eq!(shares, total / 10_000);
    assert!(a_in <= 10 * UNIT && 10 * UNIT - a_in <= 10, "{a_in}");
    assert!(b_in <= 100 * UNIT && 100 * UNIT - b_in <= 10, "{b_in}");
    assert_eq!(m.balance(m.base, BOB), bob_base - a_in);
    assert_eq!(m.balance(m.quote, BOB), bob_quote - b_in);
    assert_eq!(venue::shares(&mut m.chain, m.venue, BOB.account()), shares);
    assert_eq!(
        venue::reserves(&mut m.chain, m.venue),
        (state.reserve_a + a_in, state.reserve_b + b_in)
    );
}

#[test]
fn swap_pays_exactly_the_quote_and_the_constant_product_formula() {
    let mut m = Fixture::standard();
    for (token_in, token_out) in [(m.base, m.quote), (m.quote, m.base)] {
        // given the venue's reserves and its quote
        let (r_a, r_b) = venue::reserves(&mut m.chain, m.venue);
        let (r_in, r_out) = if token_in == m.base {
            (r_a, r_b)
        } else {
            (r_b, r_a)
        };
        let amount = 1_000 * UNIT;
        let quoted = venue::quote_exact_in(&mut m.chain, m.venue, token_in, amount);
        let formula = cpmm::amount_out(r_in, r_out, amount, DEFAULT_VENUE_FEE_BPS).expect("priced");
        assert_eq!(quoted, Ok(formula));
        let (paid_before, got_before) = (m.balance(token_in, BOB), m.balance(token_out, BOB));
        // when Bob sells
        let out = venue::swap_exact_in(&mut m.chain, BOB, m.venue, VenueSwap::exact_in(token_in, amount));
        // then he gets exactly that, and the reserves move by exactly what changed hands
        assert_eq!(out, Ok(formula));
        assert_eq!(m.balance(token_in, BOB), paid_before - amount);
        assert_eq!(m.balance(token_out, BOB), got_before + formula);
        let (new_in, new_out) = {
            let (a, b) = venue::reserves(&mut m.chain, m.venue);
            if token_in == m.base {
                (a, b)
            } else {
                (b, a)
            }
        };
        assert_eq!((new_in, new_out), (r_in + amount, r_out - formula));
        assert_eq!(token::balance(&mut m.chain, token_in, m.venue), new_in);
    }
}

#[test]
fn the_fee_makes_k_grow_by_at_least_its_share_of_the_input() {
    // given the seeded venue
    let mut m = Fixture::standard();
    let before = venue_state(&mut m);
    // when Bob sells 5,000 base
    let amount = 5_000 * UNIT;
    venue::swap_exact_in(&mut m.chain, BOB, m.venue, VenueSwap::exact_in(m.base, amount)).expect("swap");
    // then k grows by at least the kept 0.30% times the quote left, so LPs' shares are worth more
    let after = venue_state(&mut m);
    let fee = mul_div_u128(amount, u128::from(DEFAULT_VENUE_FEE_BPS), 10_000, Rounding::Down).expect("fits");
    let growth: U256 = wide(fee) * wide(after.reserve_b);
    assert!(after.k() >= before.k() + growth, "{before:?} -> {after:?}");
    // and a zero-fee venue would have kept k within rounding of where it was
    let fee_free = cpmm::swap(&before, cpmm::Side::A, amount, 0).expect("priced");
    assert!(fee_free.after.k() < before.k() + growth);
}

#[test]
fn swap_below_min_out_is_refused_and_changes_nothing() {
    let mut m = Fixture::standard();
    let quoted = venue::quote_exact_in(&mut m.chain, m.venue, m.base, UNIT).expect("quote");
    m.assert_refused(VenueError::SlippageExceeded, |m| {
        let s = VenueSwap {
            min_out: quoted + 1,
            ..VenueSwap::exact_in(m.base, UNIT)
        };
        venue::swap_exact_in(&mut m.chain, BOB, m.venue, s)
    });
}

#[test]
fn swap_past_its_deadline_is_refused_and_changes_nothing() {
    let mut m = Fixture::standard();
    let past = m.chain.now() - 1;
    m.assert_refused(VenueError::Expired, |m| {
        let s = VenueSwap {
            deadline: past,
            ..VenueSwap::exact_in(m.base, UNIT)
        };
        venue::swap_exact_in(&mut m.chain, BOB, m.venue, s)
    });
}

#[test]
fn swap_and_quote_of_an_unknown_token_are_refused_and_change_nothing() {
    let mut m = Fixture::standard();
    let stranger = token::deploy(&mut m.chain, OWNER, "OTHER");
    token::mint(&mut m.chain, OWNER, stranger, BOB.account(), UNIT).expect("mint");
    token::approve(&mut m.chain, BOB, stranger, m.venue, u128::MAX).expect("approve");
    assert_eq!(
        venue::quote_exact_in(&mut m.chain, m.venue, stranger, UNIT),
        Err(VenueError::UnknownToken)
    );
    m.assert_refused(VenueError::UnknownToken, |m| {
        venue::swap_exact_in(&mut m.chain, BOB, m.venue, VenueSwap::exact_in(stranger, UNIT))
    });
    assert_eq!(token::balance(&mut m.chain, stranger, BOB.account()), UNIT);
}

#[test]
fn swap_of_nothing_or_of_dust_is_refused_as_zero_amount_and_changes_nothing() {
    let mut m = Fixture::standard();
    m.assert_refused(VenueError::ZeroAmount, |m| {
        venue::swap_exact_in(&mut m.chain, BOB, m.venue, VenueSwap::exact_in(m.base, 0))
    });
    // one unit of quote buys a tenth of a unit of base, which rounds to nothing
    m.assert_refused(VenueError::ZeroAmount, |m| {
        venue::swap_exact_in(&mut m.chain, BOB, m.venue, VenueSwap::exact_in(m.quote, 1))
    });
}

#[test]
fn swap_without_allowance_is_refused_and_changes_nothing() {
    // given Bob has withdrawn the venue's allowance
    let mut m = Fixture::standard();
    token::approve(&mut m.chain, BOB, m.base, m.venue, 0).expect("revoke");
    m.assert_refused(VenueError::TransferFailed, |m| {
        venue::swap_exact_in(&mut m.chain, BOB, m.venue, VenueSwap::exact_in(m.base, UNIT))
    });
}

#[test]
fn swap_on_an_empty_venue_is_refused_for_lack_of_liquidity() {
    let mut m = empty_venue();
    m.assert_refused(VenueError::InsufficientLiquidity, |m| {
        venue::swap_exact_in(&mut m.chain, BOB, m.venue, VenueSwap::exact_in(m.base, UNIT))
    });
}

#[test]
fn withdrawal_pays_pro_rata_rounded_down_and_burns_shares() {
    // given Carol's seed liquidity
    let mut m = Fixture::standard();
    let held = venue::shares(&mut m.chain, m.venue, CAROL.account());
    let total = venue::total_shares(&mut m.chain, m.venue);
    let state = venue_state(&mut m);
    let (carol_base, carol_quote) = (m.balance(m.base, CAROL), m.balance(m.quote, CAROL));
    // when she burns a third of her shares
    let burnt = held / 3;
    let (a_out, b_out) =
        venue::remove_liquidity(&mut m.chain, CAROL, m.venue, VenueWithdraw::of(burnt)).expect("withdraw");
    // then she gets that part of each reserve, rounded down
    let pro_rata = |reserve| mul_div_u128(reserve, burnt, total, Rounding::Down).expect("fits");
    assert_eq!(
        (a_out, b_out),
        (pro_rata(state.reserve_a), pro_rata(state.reserve_b))
    );
    assert_eq!(m.balance(m.base, CAROL), carol_base + a_out);
    assert_eq!(m.balance(m.quote, CAROL), carol_quote + b_out);
    assert_eq!(
        venue::shares(&mut m.chain, m.venue, CAROL.account()),
        held - burnt
    );
    assert_eq!(venue::total_shares(&mut m.chain, m.venue), total - burnt);
    assert_eq!(
        venue::reserves(&mut m.chain, m.venue),
        (state.reserve_a - a_out, state.reserve_b - b_out)
    );
}

#[test]
fn liquidity_refusals_are_named_and_change_nothing() {
    let mut m = Fixture::standard();
    let before = m.snapshot();
    let greedy = VenueDeposit {
        min_shares: u128::MAX,
        ..VenueDeposit::of(UNIT, 10 * UNIT)
    };
    assert_eq!(
        venue::add_liquidity(&mut m.chain, BOB, m.venue, greedy),
        Err(ConstantProductError::MinSharesNotMet)
    );
    assert_eq!(
        venue::add_liquidity(&mut m.chain, BOB, m.venue, VenueDeposit::of(0, UNIT)),
        Err(ConstantProductError::ZeroAmount)
    );
    let stingy = VenueWithdraw {
        min_a: u128::MAX,
        ..VenueWithdraw::of(UNIT)
    };
    assert_eq!(
        venue::remove_liquidity(&mut m.chain, CAROL, m.venue, stingy),
        Err(ConstantProductError::MinAmountsNotMet)
    );
    assert_eq!(
        venue::remove_liquidity(&mut m.chain, BOB, m.venue, VenueWithdraw::of(1)),
        Err(ConstantProductError::InsufficientShares)
    );
    assert_eq!(
        venue::remove_liquidity(&mut m.chain, CAROL, m.venue, VenueWithdraw::of(1)),
        Err(ConstantProductError::Curve(CurveError::ZeroOutput))
    );
    assert_eq!(m.snapshot(), before);
}

#[test]
fn donated_tokens_do_not_move_reserves_or_price() {
    // given the venue's quote for 1,000 base
    let mut m = Fixture::standard();
    let reserves = venue::reserves(&mut m.chain, m.venue);
    let quoted = venue::quote_exact_in(&mut m.chain, m.venue, m.base, 1_000 * UNIT);
    // when Bob sends it 5,000 base without trading
    token::transfer(&mut m.chain, BOB, m.base, m.venue, 5_000 * UNIT).expect("donation");
    // then the venue holds more but accounts, quotes and pays as before
    assert_eq!(
        token::balance(&mut m.chain, m.base, m.venue),
        reserves.0 + 5_000 * UNIT
    );
    assert_eq!(venue::reserves(&mut m.chain, m.venue), reserves);
    assert_eq!(
        venue::quote_exact_in(&mut m.chain, m.venue, m.base, 1_000 * UNIT),
        quoted
    );
    assert_eq!(
        venue::swap_exact_in(
            &mut m.chain,
            ALICE,
            m.venue,
            VenueSwap::exact_in(m.base, 1_000 * UNIT)
        ),
        quoted
    );
}
