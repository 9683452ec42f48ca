//! Attacks on the pool, each run against the compiled Wasm: the attacker ends with no profit,
//! honest users lose nothing (or at most the documented bound), and the pool holds at least the
//! reserves it accounts for. `docs/security.md` lists each attack with its defence and test.

mod discovery;
mod dump;
mod feed;
mod flash_liquidity;
mod k_ramp;
mod liquidity;
mod lying_venue;
mod oracle_sandwich;
mod owner;
mod rebalance;
mod reentrancy;
mod value_leaks;

use ink::primitives::AccountId;
use keel_core::math::{mul_div_u128, Rounding};
use keel_harness::{pool, token, Actor, Fixture, UNIT};

/// The owner makes `venue` the pool's venue with the loosest rebalancing the bounds allow: the
/// least trigger, a target of zero and the widest venue tolerance. Returns the configuration set.
pub fn rebalance_loosely_on(m: &mut Fixture, venue: AccountId) -> keel_interface::pool::PoolConfig {
    use keel_core::rebalance::{MAX_SLIPPAGE_BPS, MIN_TRIGGER};
    let mut config = pool::config(&mut m.chain, m.pool);
    config.venue = Some(venue);
    config.rebalance.trigger = MIN_TRIGGER;
    config.rebalance.target = 0;
    config.rebalance.max_venue_slippage_bps = MAX_SLIPPAGE_BPS;
    pool::set_config(&mut m.chain, keel_harness::OWNER, m.pool, config).expect("within bounds");
    config
}

/// What `who` holds of both tokens, in quote at `price` (1e18), pool shares left out.
pub fn worth(m: &mut Fixture, who: Actor, price: u128) -> u128 {
    let base = m.balance(m.base, who);
    let quote = m.balance(m.quote, who);
    value(base, quote, price)
}

/// `base` and `quote` in quote at `price`, rounded down.
pub fn value(base: u128, quote: u128, price: u128) -> u128 {
    mul_div_u128(base, price, UNIT, Rounding::Down).expect("value fits") + quote
}

/// The pool's reserves in quote at `price`.
pub fn pool_value_at(m: &mut Fixture, price: u128) -> u128 {
    let (base, quote) = pool::reserves(&mut m.chain, m.pool);
    value(base, quote, price)
}

/// The largest sale of base, to 100 tokens, the pool quotes at once on `m` (past it, the price
/// band refuses: the reference's own shift and the skew together reach it).
pub fn band_maximal_sale(m: &mut Fixture) -> u128 {
    let base = m.base;
    band_maximal(m, base, 100 * UNIT)
}

/// The largest purchase of base, to 1,000 quote, the pool quotes at once on `m`.
pub fn band_maximal_buy(m: &mut Fixture) -> u128 {
    let quote = m.quote;
    band_maximal(m, quote, 1_000 * UNIT)
}

/// The largest amount of `token_in`, to `step`, the pool quotes a sale of at once on `m`.
fn band_maximal(m: &mut Fixture, token_in: AccountId, step: u128) -> u128 {
    let mut amount = step;
    while pool::quote_exact_in(&mut m.chain, m.pool, token_in, amount + step).is_ok() {
        amount += step;
    }
    amount
}

/// The pool holds at least what it accounts for, in both tokens.
pub fn assert_solvent(m: &mut Fixture) {
    let (base_reserve, quote_reserve) = pool::reserves(&mut m.chain, m.pool);
    let held_base = token::balance(&mut m.chain, m.base, m.pool);
    let held_quote = token::balance(&mut m.chain, m.quote, m.pool);
    assert!(
        held_base >= base_reserve && held_quote >= quote_reserve,
        "pool insolvent: holds ({held_base}, {held_quote}), accounts ({base_reserve}, {quote_reserve})"
    );
}
