//! The pool's transitions on their own: every named refusal at its boundary, and a refused
//! transition leaves the ledger as it was (the contract reverts its storage too; a shell that
//! reuses these rules may not).

use super::*;
use crate::{Priced, ONE};

#[test]
fn with_discovery_on_readings_older_than_the_flow_record_are_not_accepted() {
    let mut config = PoolConfig::<()>::default();
    config.curve = config.curve.discovering();
    assert!(config.is_valid(), "60 s within 11 blocks of 6 s");
    config.max_oracle_age_ms = discovery_reach_ms(&config.curve) + 1;
    assert!(!config.is_valid());
    config.curve.discovery_depth = 0;
    assert!(
        config.is_valid(),
        "without discovery the age limit is the plain one"
    );
}

#[test]
fn a_sliced_rebalance_continues_for_ten_cooldowns_after_its_last_slice() {
    let status = RebalanceStatus {
        last_ms: 60_000,
        continuing: Some(Asset::Base),
        ..RebalanceStatus::default()
    };
    let cooldown = 6_000;
    assert_eq!(
        status.continuing_at(60_000 + 10 * cooldown, cooldown),
        Some(Asset::Base)
    );
    assert_eq!(status.continuing_at(60_001 + 10 * cooldown, cooldown), None);
    let done = RebalanceStatus {
        continuing: None,
        ..status
    };
    assert_eq!(done.continuing_at(60_000, cooldown), None);
}

const NOW: u64 = 1_700_000_000_000;
const PRICE: u128 = 10 * ONE;

/// The oracle's reading at `NOW`: 10 quote a base, 80%/yr.
fn reading() -> OracleData {
    OracleData {
        price: PRICE,
        volatility: ONE / 10 * 8,
        timestamp: NOW,
    }
}

/// A pool without discovery (its price the oracle's, skewed by inventory alone), its venue `0`.
fn config() -> PoolConfig<u8> {
    PoolConfig {
        curve: CurveParams::without_discovery(),
        venue: Some(0),
        ..PoolConfig::default()
    }
}

/// A pool of 100,000 base and 1,000,000 quote at the oracle, with a bounty budget of 1,000 quote.
fn funded() -> Ledger {
    let mut ledger = Ledger::default();
    ledger
        .deposit(100_000 * ONE, 1_000_000 * ONE, 0)
        .expect("first deposit");
    ledger.rebalancing.bounty_budget = 1_000 * ONE;
    ledger
}

/// A venue as deep as the pool, at the oracle price, for the base the pool sells.
fn venue() -> VenueDepth {
    VenueDepth {
        reserve_in: 100_000 * ONE,
        reserve_out: 1_000_000 * ONE,
        fee_bps: 30,
    }
}

/// `ledger` after a trader's sale of `base` whole units at `NOW`, and the sale as priced.
fn sale(ledger: &Ledger, base: u128) -> (Ledger, Priced) {
    let mut ledger = *ledger;
    let priced = ledger
        .price_swap(
            &config(),
            NOW,
            &reading(),
            SwapKind::ExactIn,
            Asset::Base,
            base * ONE,
        )
        .expect("priced");
    ledger
        .book_swap(&priced, SwapKind::ExactIn, 0, NOW)
        .expect("booked");
    (ledger, priced)
}

/// `ledger` after a trader's sale of `base` whole units at `NOW`.
fn sold(ledger: &Ledger, base: u128) -> Ledger {
    sale(ledger, base).0
}

/// [`funded`], pushed long base past its band.
fn due() -> Ledger {
    sold(&funded(), 12_000)
}

/// Runs `call` on a copy of `ledger`, asserts it refused with `expected`, and that the copy is
/// unchanged.
fn refused<T: core::fmt::Debug>(
    ledger: &Ledger,
    expected: Refusal,
    call: impl FnOnce(&mut Ledger) -> Result<T, Refusal>,
) {
    let mut copy = *ledger;
    assert_eq!(call(&mut copy).map(|_| ()), Err(expected));
    assert_eq!(copy, *ledger, "a refused transition changed the ledger");
}

#[test]
fn a_deposit_missing_either_side_is_zero_and_changes_nothing() {
    let ledger = funded();
    refused(&ledger, Refusal::ZeroAmount, |l| l.deposit(0, ONE, 0));
    refused(&ledger, Refusal::ZeroAmount, |l| l.deposit(ONE, 0, 0));
}

#[test]
fn a_deposit_mints_its_minimum_exactly_and_refuses_one_share_more() {
    let ledger = funded();
    let mut probe = ledger;
    let minted = probe
        .deposit(1_000 * ONE, 10_000 * ONE, 0)
        .expect("deposit")
        .shares;
    refused(&ledger, Refusal::MinSharesNotMet, |l| {
        l.deposit(1_000 * ONE, 10_000 * ONE, minted + 1)
    });
    let mut exact = ledger;
    assert_eq!(
        exact
            .deposit(1_000 * ONE, 10_000 * ONE, minted)
            .expect("at its minimum")
            .shares,
        minted
    );
}

#[test]
fn a_deposit_grows_the_bounty_budget_by_the_shares_it_mints_and_a_withdrawal_shrinks_it() {
    let mut ledger = funded();
    let before = ledger.total_shares;
    let d = ledger
        .deposit(100_000 * ONE, 1_000_000 * ONE, 0)
        .expect("deposit");
    assert_eq!(ledger.total_shares, before + d.shares);
    // the deposit matches the pool, so it doubles the shares and the budget exactly
    assert_eq!(ledger.total_shares, 2 * before);
    assert_eq!(ledger.rebalancing.bounty_budget, 2_000 * ONE);
    ledger.withdraw(d.shares, d.shares, 0, 0).expect("withdraw");
    assert!(ledger.rebalancing.bounty_budget.abs_diff(1_000 * ONE) <= 1);
}

#[test]
fn a_withdrawal_burns_up_to_the_shares_held_and_refuses_one_more() {
    let mut ledger = funded();
    let shares = ledger
        .deposit(1_000 * ONE, 10_000 * ONE, 0)
        .expect("deposit")
        .shares;
    refused(&ledger, Refusal::InsufficientShares, |l| {
        l.withdraw(shares - 1, shares, 0, 0)
    });
    let mut part = ledger;
    part.withdraw(shares, shares / 2, 0, 0)
        .expect("part of what is held");
    let mut all = ledger;
    all.withdraw(shares, shares, 0, 0).expect("all that is held");
    refused(&ledger, Refusal::ZeroAmount, |l| l.withdraw(shares, 0, 0, 0));
}

#[test]
fn a_withdrawal_pays_its_minimums_exactly_and_refuses_a_unit_more_of_either() {
    let ledger = funded();
    let shares = ledger.total_shares / 10;
    let mut probe = ledger;
    let out = probe.withdraw(shares, shares, 0, 0).expect("withdraw");
    refused(&ledger, Refusal::MinAmountsNotMet, |l| {
        l.withdraw(shares, shares, out.base_out + 1, out.quote_out)
    });
    refused(&ledger, Refusal::MinAmountsNotMet, |l| {
        l.withdraw(shares, shares, out.base_out, out.quote_out + 1)
    });
    let mut exact = ledger;
    assert_eq!(
        exact.withdraw(shares, shares, out.base_out, out.quote_out),
        Ok(out)
    );
    assert!(out.base_out > 0 && out.quote_out > 0);
}

#[test]
fn bid_and_ask_are_the_average_prices_of_a_sale_and_a_purchase_of_the_size() {
    let ledger = funded();
    let size = 100 * ONE;
    let (bid, ask) = ledger
        .bid_ask(&config(), NOW, &reading(), size)
        .expect("bid and ask");
    let sell = ledger
        .price_swap(&config(), NOW, &reading(), SwapKind::ExactIn, Asset::Base, size)
        .expect("sale");
    let buy = ledger
        .price_swap(&config(), NOW, &reading(), SwapKind::ExactOut, Asset::Quote, size)
        .expect("purchase");
    // (`size` is a hundred whole units: dividing by it is dividing by 100, rounded as stated)
    assert_eq!(bid, sell.trade.amount_out / 100);
    assert_eq!(ask, buy.trade.amount_in.div_ceil(100));
    assert!(bid < PRICE && PRICE < ask, "{bid} < {PRICE} < {ask}");
}

#[test]
fn a_rebalance_runs_only_at_the_current_epoch() {
    let ledger = due();
    let epoch = ledger.rebalancing.epoch;
    refused(&ledger, Refusal::StaleEpoch, |l| {
        l.plan_rebalance(&config(), epoch + 1, NOW, &reading(), &venue())
    });
    let mut planned = ledger;
    let step = planned
        .plan_rebalance(&config(), epoch, NOW, &reading(), &venue())
        .expect("due at its epoch");
    assert_eq!(step.next.epoch, epoch + 1);
    assert_eq!(planned.rebalancing, step.next);
    // and the same rebalance again, at the epoch it has left behind, is stale too
    let mut later = planned;
    later.rebalancing.last_ms = 0;
    refused(&later, Refusal::StaleEpoch, |l| {
        l.plan_rebalance(&config(), epoch, NOW, &reading(), &venue())
    });
}

#[test]
fn a_rebalance_needs_a_venue_and_a_pool_past_its_band() {
    let no_venue = PoolConfig {
        venue: None,
        ..config()
    };
    refused(&due(), Refusal::NoVenue, |l| {
        l.plan_rebalance(&no_venue, 0, NOW, &reading(), &venue())
    });
    refused(&funded(), Refusal::RebalanceNotDue, |l| {
        l.plan_rebalance(&config(), 0, NOW, &reading(), &venue())
    });
}

#[test]
fn a_swap_books_at_its_limit_and_refuses_a_unit_past_it() {
    let ledger = funded();
    let price = |kind, asset, amount| {
        ledger
            .price_swap(&config(), NOW, &reading(), kind, asset, amount)
            .expect("priced")
    };
    // exact in: the least the trader takes
    let sale = price(SwapKind::ExactIn, Asset::Base, 1_000 * ONE);
    let out = sale.trade.amount_out;
    refused(&ledger, Refusal::SlippageExceeded, |l| {
        l.book_swap(&sale, SwapKind::ExactIn, out + 1, NOW)
    });
    let mut at_limit = ledger;
    at_limit
        .book_swap(&sale, SwapKind::ExactIn, out, NOW)
        .expect("at its limit");
    // exact out: the most the trader pays
    let purchase = price(SwapKind::ExactOut, Asset::Quote, 1_000 * ONE);
    let paid = purchase.trade.amount_in;
    refused(&ledger, Refusal::SlippageExceeded, |l| {
        l.book_swap(&purchase, SwapKind::ExactOut, paid - 1, NOW)
    });
    let mut at_limit = ledger;
    at_limit
        .book_swap(&purchase, SwapKind::ExactOut, paid, NOW)
        .expect("at its limit");
}

#[test]
fn nothing_trades_or_withdraws_from_an_empty_pool_and_a_zero_swap_is_refused() {
    let empty = Ledger::default();
    let swap =
        |l: &Ledger, amount| l.price_swap(&config(), NOW, &reading(), SwapKind::ExactIn, Asset::Base, amount);
    assert_eq!(swap(&empty, ONE).map(|_| ()), Err(Refusal::NoLiquidity));
    assert_eq!(swap(&funded(), 0).map(|_| ()), Err(Refusal::ZeroAmount));
    refused(&empty, Refusal::NoLiquidity, |l| l.withdraw(ONE, ONE, 0, 0));
}

#[test]
fn a_rebalance_waits_out_its_cooldown_to_the_millisecond() {
    let mut ledger = due();
    let cooldown = config().rebalance.cooldown_ms;
    ledger.rebalancing.last_ms = NOW - cooldown + 1;
    let epoch = ledger.rebalancing.epoch;
    refused(&ledger, Refusal::RebalanceCooldown, |l| {
        l.plan_rebalance(&config(), epoch, NOW, &reading(), &venue())
    });
    ledger.rebalancing.last_ms = NOW - cooldown;
    assert!(ledger
        .plan_rebalance(&config(), epoch, NOW, &reading(), &venue())
        .is_ok());
}

#[test]
fn a_rebalance_settles_when_the_venue_pays_its_minimum_and_refuses_a_unit_less() {
    let mut ledger = due();
    let epoch = ledger.rebalancing.epoch;
    let step = ledger
        .plan_rebalance(&config(), epoch, NOW, &reading(), &venue())
        .expect("due");
    let min_out = step.plan.min_out;
    refused(&ledger, Refusal::VenueCallFailed, |l| {
        step.settle(l, &[min_out - 1])
    });
    refused(&ledger, Refusal::VenueCallFailed, |l| step.settle(l, &[]));
    refused(&ledger, Refusal::VenueCallFailed, |l| {
        step.settle(l, &[min_out, min_out])
    });
    let mut paid_more = ledger;
    assert_eq!(
        step.settle(&mut paid_more, &[min_out + 1]).expect("more").bought,
        min_out + 1
    );
    let outcome = step.settle(&mut ledger, &[min_out]).expect("its minimum");
    assert_eq!((outcome.sold, outcome.bought), (step.plan.amount_in, min_out));
    assert!(outcome.q_after.unsigned_abs() < outcome.q_before.unsigned_abs());
}

/// The oracle's reading observed `age_ms` before `NOW`, at `volatility`.
fn aged(age_ms: u64, volatility: u128) -> OracleData {
    OracleData {
        timestamp: NOW - age_ms,
        volatility,
        ..reading()
    }
}

#[test]
fn a_swap_adds_its_fee_to_the_bounty_budget_at_the_oracle_price() {
    for (asset, amount) in [(Asset::Base, 1_000 * ONE), (Asset::Quote, 10_000 * ONE)] {
        let mut ledger = funded();
        let priced = ledger
            .price_swap(&config(), NOW, &reading(), SwapKind::ExactIn, asset, amount)
            .expect("priced");
        ledger
            .book_swap(&priced, SwapKind::ExactIn, 0, NOW)
            .expect("booked");
        let fee = priced.trade.fee;
        let value = match asset {
            Asset::Base => fee * 10,
            Asset::Quote => fee,
        };
        assert!(fee > 0);
        assert_eq!(ledger.rebalancing.bounty_budget, 1_000 * ONE + value, "{asset:?}");
    }
}

#[test]
fn a_balanced_pools_targets_are_its_reserves_and_a_sale_leaves_it_long() {
    let ledger = funded();
    let market = ledger
        .market_status(&config(), &reading(), NOW)
        .expect("market")
        .priced();
    assert_eq!(ledger.targets(&market), Ok((100_000 * ONE, 1_000_000 * ONE)));
    assert_eq!(ledger.inventory(&market), Ok(0));
    // and a pool a trader sold base to is long base, its base target grown by the fee alone
    let (long, priced) = sale(&ledger, 1_000);
    assert!(long.inventory(&market).expect("q") > 0);
    assert_eq!(
        long.targets(&market).expect("targets").0,
        100_000 * ONE + priced.trade.fee
    );
}

#[test]
fn a_reading_at_the_age_bound_prices_and_a_millisecond_older_is_stale() {
    let ledger = funded();
    let bound = config().max_oracle_age_ms;
    let vol = reading().volatility;
    let swap =
        |l: &mut Ledger, r: OracleData| l.price_swap(&config(), NOW, &r, SwapKind::ExactIn, Asset::Base, ONE);
    let mut at_bound = ledger;
    assert!(swap(&mut at_bound, aged(bound, vol)).is_ok());
    let status = |r: OracleData| ledger.market_status(&config(), &r, NOW).expect("readable");
    assert!(!status(aged(bound, vol)).stale);
    for older in [bound + 1, bound * 10] {
        // (pricing reads the ledger only; the refusal's name is what this checks)
        refused(&ledger, Refusal::OracleStale, |l| swap(l, aged(older, vol)));
        assert!(status(aged(older, vol)).stale, "{older} ms");
    }
}

#[test]
fn k_moves_one_ramp_step_a_block_from_the_k_last_priced() {
    // given a pool that priced a swap at 80%/yr
    let ledger = sold(&funded(), 10);
    let calm = ledger.priced_k.k;
    assert_eq!(ledger.priced_k.at_ms, NOW);
    // when the volatility jumps a block later
    let later = NOW + 6_000;
    let wild = OracleData {
        timestamp: later,
        volatility: 3 * ONE,
        ..reading()
    };
    let status = ledger.market_status(&config(), &wild, later).expect("market");
    // then k moves one step toward its new target, not to it
    let ramp = config().curve.k_ramp;
    assert!(
        status.k_target > calm + ramp,
        "the test needs a rise of more than one step"
    );
    assert_eq!(status.k, calm + ramp);
    // and within the same block it does not move at all
    let same_block = ledger.market_status(
        &config(),
        &OracleData {
            timestamp: NOW,
            ..wild
        },
        NOW,
    );
    assert_eq!(same_block.expect("market").k, calm);
}

#[test]
fn a_sale_may_fill_a_reserve_to_its_limit_and_not_a_unit_past() {
    // given a pool whose quote reserve is 1,000 quote short of the limit, at the oracle's price
    let quote = crate::MAX_RESERVE - 1_000 * ONE;
    let mut ledger = Ledger::default();
    ledger.deposit(quote / 10, quote, 0).expect("first deposit");
    let sell = |l: &mut Ledger, amount: u128| {
        let priced = l.price_swap(
            &config(),
            NOW,
            &reading(),
            SwapKind::ExactIn,
            Asset::Quote,
            amount,
        )?;
        l.book_swap(&priced, SwapKind::ExactIn, 0, NOW)
    };
    // then a sale of a unit more than fits is refused by name, and changes nothing
    refused(&ledger, Refusal::Curve(CurveError::ReserveLimitExceeded), |l| {
        sell(l, 1_000 * ONE + 1)
    });
    // and the sale that fills the reserve exactly trades
    sell(&mut ledger, 1_000 * ONE).expect("to the limit");
    assert_eq!(ledger.state.quote_reserve, crate::MAX_RESERVE);
}
