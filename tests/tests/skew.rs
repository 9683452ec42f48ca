//! The inventory skew and the volatility input, observed through the deployed pool's quotes.

use keel_core::ONE;
use keel_harness::pool::{self, PoolSwap};
use keel_harness::{Fixture, Setup, BOB, UNIT};

#[test]
fn pool_long_base_quotes_base_cheaper_on_both_sides() {
    // given a balanced pool's bid and ask for 10 base
    let mut m = Fixture::standard();
    let (bid0, ask0) = pool::bid_ask(&mut m.chain, m.pool, 10 * UNIT).expect("quotes");
    let mid0 = pool::mid_price(&mut m.chain, m.pool).expect("mid");
    assert_eq!(mid0, 10 * UNIT);
    // when traders sell 5% of the base reserve to it, block by block, each sale described by a
    // reading (so the reference is back at the oracle and what is left is the skew)
    m.push_long_base(5_000);
    // then the pool is long base and both its bid and ask for base have dropped below the oracle
    let q = pool::inventory(&mut m.chain, m.pool).expect("q");
    assert!(q > 0, "{q}");
    let (bid1, ask1) = pool::bid_ask(&mut m.chain, m.pool, 10 * UNIT).expect("quotes");
    let mid1 = pool::mid_price(&mut m.chain, m.pool).expect("mid");
    assert!(mid1 < mid0, "{mid1} !< {mid0}");
    assert!(
        bid1 < bid0 && ask1 < ask0,
        "bid {bid0}->{bid1}, ask {ask0}->{ask1}"
    );
    assert!(bid1 < 10 * UNIT);
}

#[test]
fn pool_short_base_quotes_base_dearer_on_both_sides() {
    let mut m = Fixture::standard();
    let (bid0, ask0) = pool::bid_ask(&mut m.chain, m.pool, 10 * UNIT).expect("quotes");
    m.push(m.quote, 50_000 * UNIT);
    assert!(pool::inventory(&mut m.chain, m.pool).expect("q") < 0);
    let (bid1, ask1) = pool::bid_ask(&mut m.chain, m.pool, 10 * UNIT).expect("quotes");
    assert!(
        bid1 > bid0 && ask1 > ask0,
        "bid {bid0}->{bid1}, ask {ask0}->{ask1}"
    );
    assert!(ask1 > 10 * UNIT);
}

#[test]
fn order_flow_back_toward_target_restores_the_oracle_price() {
    let mut m = Fixture::standard();
    m.push_long_base(5_000);
    let got = pool::reserves(&mut m.chain, m.pool);
    // bought back as it was sold, a block at a time, each purchase described by a reading
    for _ in 0..10 {
        pool::swap_exact_out(
            &mut m.chain,
            BOB,
            m.pool,
            PoolSwap::exact_out(m.quote, 499 * UNIT),
        )
        .expect("buy back");
        m.chain.advance(6_000);
        m.report(10 * UNIT, Setup::default().volatility)
            .expect("a reading");
    }
    let q = pool::inventory(&mut m.chain, m.pool).expect("q");
    let mid = pool::mid_price(&mut m.chain, m.pool).expect("mid");
    assert!(q.unsigned_abs() < ONE / 1_000, "q {q} from reserves {got:?}");
    assert!(mid.abs_diff(10 * UNIT) < 10 * UNIT / 1_000, "{mid}");
}

/// Spread between bid and ask after the same imbalance, at a given volatility.
fn fee_k_and_skew_at(volatility: u128) -> (u128, u128, u128) {
    let mut m = Fixture::new(Setup {
        volatility,
        ..Setup::default()
    });
    m.push_long_base(5_000);
    let market = pool::market_status(&mut m.chain, m.pool).expect("market");
    let mid = pool::mid_price(&mut m.chain, m.pool).expect("mid");
    (market.fee, market.k, 10 * UNIT - mid)
}

#[test]
fn higher_volatility_widens_the_fee_and_steepens_the_skew() {
    let (calm_fee, calm_k, calm_skew) = fee_k_and_skew_at(ONE / 5);
    let (wild_fee, wild_k, wild_skew) = fee_k_and_skew_at(ONE / 10 * 12);
    assert!(wild_fee > calm_fee, "fee {calm_fee} -> {wild_fee}");
    assert!(wild_k > calm_k, "k {calm_k} -> {wild_k}");
    assert!(wild_skew > calm_skew, "skew {calm_skew} -> {wild_skew}");
}

#[test]
fn an_older_oracle_reading_widens_the_fee() {
    let mut m = Fixture::standard();
    let fresh = pool::market_status(&mut m.chain, m.pool).expect("market").fee;
    m.chain.advance(24_000);
    let four_blocks = pool::market_status(&mut m.chain, m.pool).expect("market").fee;
    assert!(four_blocks > fresh, "{fresh} -> {four_blocks}");
}
