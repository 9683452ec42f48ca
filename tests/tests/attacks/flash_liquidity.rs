//! Sandwiching a rebalance with liquidity lent to its venue for the attack: Mallory deepens the
//! venue many times over, pushes its price down, calls the rebalance that sells into it, buys
//! back and withdraws. As most of the venue's liquidity she takes back most of the fees her own
//! trades pay; what must stop her is the slice, which a deeper venue would let grow to the whole
//! excess. Liquidity counts toward the depth the venue reports only once it has stood in the
//! venue for `FRESH_LIQUIDITY_MS`.

use crate::rebalance::{due_pool_funded, pool_value, sandwich};
use crate::{assert_solvent, worth};
use keel_core::fresh::FRESH_LIQUIDITY_MS;
use keel_harness::pool;
use keel_harness::venue::{self, VenueDeposit, VenueWithdraw};
use keel_harness::{Fixture, Setup, CAROL, KEEPER, MALLORY, UNIT};
use keel_interface::pool::RebalanceOutcome;

const PRICE: u128 = 10 * UNIT;

/// A pool next to a venue five times its size, pushed past its trigger by Bob; Mallory can lend
/// the venue a hundred times its liquidity.
fn due_pool() -> Fixture {
    due_pool_funded(5, 1_000 * 500_000 * UNIT)
}

/// How Mallory lends the venue liquidity before her sandwich.
#[derive(Clone, Copy, Debug)]
struct Lend {
    /// Times the venue's liquidity.
    times: u128,
    /// How long before the sandwich (the reporters keep the oracle fresh meanwhile).
    wait_ms: u64,
    /// The share of Carol's venue shares (the venue's seasoned liquidity) she withdraws after
    /// Mallory lends, in bps.
    carol_exits_bps: u128,
}

/// Mallory lends the venue liquidity as `lend` says, dumps `dump_bps` of the deepened venue's
/// base, rebalances herself (the bounty hers), and buys back with all she got and withdraws
/// everything.
/// Returns the rebalance, or `None` when the pool refused it.
fn flash_sandwich(m: &mut Fixture, lend: Lend, dump_bps: u128) -> Option<RebalanceOutcome> {
    let (base, quote) = venue::reserves(&mut m.chain, m.venue);
    let deposit = VenueDeposit::of(base * lend.times, quote * lend.times);
    venue::add_liquidity(&mut m.chain, MALLORY, m.venue, deposit).expect("lend the venue liquidity");
    if lend.carol_exits_bps > 0 {
        let carol = venue::shares(&mut m.chain, m.venue, CAROL.account());
        let exit = VenueWithdraw::of(carol / 10_000 * lend.carol_exits_bps);
        venue::remove_liquidity(&mut m.chain, CAROL, m.venue, exit).expect("Carol withdraws");
    }
    if lend.wait_ms > 0 {
        m.chain.advance(lend.wait_ms);
        m.report(PRICE, Setup::default().volatility)
            .expect("a fresh reading");
    }
    let (deepened, _) = venue::reserves(&mut m.chain, m.venue);
    let out = sandwich(m, deepened / 10_000 * dump_bps);
    let shares = venue::shares(&mut m.chain, m.venue, MALLORY.account());
    venue::remove_liquidity(&mut m.chain, MALLORY, m.venue, VenueWithdraw::of(shares))
        .expect("take the liquidity back");
    out
}

/// Runs [`flash_sandwich`] for each of `lends` and `dumps_bps` on a fresh due pool: Mallory
/// always ends poorer, a refusal moves nothing, and an accepted slice sells at most `most`.
/// Returns how many were accepted.
fn mallory_always_loses(lends: &[Lend], dumps_bps: &[u128], most: u128) -> usize {
    let bounty = in_peace().bounty;
    let mut accepted = 0;
    for &lend in lends {
        for &dump_bps in dumps_bps {
            let mut m = due_pool();
            let before = worth(&mut m, MALLORY, PRICE);
            let untouched = pool_value(&mut m);
            let attacked = flash_sandwich(&mut m, lend, dump_bps);
            let case = format!("{lend:?}, {dump_bps} bps dumped");
            // (the bounty paid in peace is any keeper's: the sandwich pays only past it)
            let paid = before + attacked.as_ref().map_or(0, |a| a.bounty.min(bounty));
            let after = worth(&mut m, MALLORY, PRICE);
            assert!(after < paid, "{case}: profited {paid} -> {after}");
            assert_solvent(&mut m);
            let Some(attacked) = attacked else {
                assert_eq!(pool_value(&mut m), untouched, "{case}: a refusal moved the pool");
                continue;
            };
            accepted += 1;
            assert!(
                attacked.sold <= most,
                "{case}: sold {} against at most {most}",
                attacked.sold
            );
        }
    }
    accepted
}

/// The rebalance the pool runs in peace.
fn in_peace() -> RebalanceOutcome {
    let mut honest = due_pool();
    pool::rebalance(&mut honest.chain, KEEPER, honest.pool, 0).expect("rebalance in peace")
}

/// The slice the pool sells in peace.
fn clean_slice() -> u128 {
    in_peace().sold
}

#[test]
fn liquidity_lent_to_the_venue_for_a_rebalance_neither_grows_the_slice_nor_pays() {
    // given the slice the pool sells in peace
    let clean = clean_slice();
    // when Mallory lends 5 to 100 times the venue's liquidity, in the rebalance's block, a block
    // before it or five minutes before, and dumps from 0.1% to 0.5% of the deepened venue's base
    let mut lends = Vec::new();
    for times in [5, 25, 100] {
        for wait_ms in [0, 6_000, FRESH_LIQUIDITY_MS / 2] {
            lends.push(Lend {
                times,
                wait_ms,
                carol_exits_bps: 0,
            });
        }
    }
    // then she always loses, and the slice is the one the venue's own liquidity allows (the
    // dump adds a little base to the venue, and so to the slice)
    let accepted = mallory_always_loses(&lends, &[10, 20, 25, 30, 40, 50], clean + clean / 100);
    assert!(
        accepted >= 12,
        "too few sandwiches got through to test anything: {accepted}"
    );
}

#[test]
fn a_providers_exit_after_the_loan_leaves_the_lent_liquidity_out_of_the_depth() {
    // given the slice the pool sells in peace
    let clean = clean_slice();
    // when Mallory lends 5 to 100 times the venue's liquidity and Carol, whose liquidity the
    // venue's depth is, then withdraws nine tenths of it
    let lends: Vec<Lend> = [5, 25, 100]
        .map(|times| Lend {
            times,
            wait_ms: 0,
            carol_exits_bps: 9_000,
        })
        .to_vec();
    // then Mallory always loses, and the slice is the one Carol's remaining tenth allows
    let accepted = mallory_always_loses(&lends, &[10, 25, 50], clean / 10 + clean / 100);
    assert!(
        accepted >= 3,
        "too few sandwiches got through to test anything: {accepted}"
    );
}

#[test]
fn liquidity_deposited_and_withdrawn_around_a_rebalance_leaves_its_slice_as_it_was() {
    // given the slice the pool sells in peace
    let clean = clean_slice();
    for rounds in [1, 10] {
        // when Mallory deposits the venue's whole liquidity and withdraws it, in one round or ten
        let mut m = due_pool();
        for _ in 0..rounds {
            let (base, quote) = venue::reserves(&mut m.chain, m.venue);
            let deposit = VenueDeposit::of(base / rounds, quote / rounds);
            let (_, _, shares) =
                venue::add_liquidity(&mut m.chain, MALLORY, m.venue, deposit).expect("deposit");
            venue::remove_liquidity(&mut m.chain, MALLORY, m.venue, VenueWithdraw::of(shares))
                .expect("withdraw");
        }
        // then the rebalance in the same block sells the slice it sells in peace
        let out = pool::rebalance(&mut m.chain, KEEPER, m.pool, 0);
        assert_eq!(out.map(|o| o.sold), Ok(clean), "{rounds} rounds");
        assert_solvent(&mut m);
    }
}

#[test]
fn liquidity_paid_for_by_one_account_is_fresh_for_the_account_it_is_minted_to() {
    // given the slice the pool sells in peace
    let clean = clean_slice();
    let mut m = due_pool();
    // when Carol, whose liquidity the venue's depth is, pays for 25 times the venue's liquidity
    // minted to Mallory, then withdraws nine tenths of her own
    let carol = venue::shares(&mut m.chain, m.venue, CAROL.account());
    let (base, quote) = venue::reserves(&mut m.chain, m.venue);
    let loan = VenueDeposit {
        to: Some(MALLORY.account()),
        ..VenueDeposit::of(base * 25, quote * 25)
    };
    venue::add_liquidity(&mut m.chain, CAROL, m.venue, loan).expect("Carol pays for Mallory's shares");
    let exit = VenueWithdraw::of(carol / 10 * 9);
    venue::remove_liquidity(&mut m.chain, CAROL, m.venue, exit).expect("Carol withdraws");
    // then the rebalance sells what Carol's remaining tenth allows: her exit took none of
    // Mallory's fresh shares off the count
    let out = pool::rebalance(&mut m.chain, KEEPER, m.pool, 0).expect("rebalance");
    assert!(
        out.sold <= clean / 10 + clean / 100,
        "sold {} against {clean} in peace",
        out.sold
    );
    assert_solvent(&mut m);
}
