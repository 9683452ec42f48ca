//! The pool's messages as one account can send them at a fixed oracle reading: deposits,
//! withdrawals and both kinds of swap, up to 64 in any order, next to an honest LP who never
//! moves. Never a panic; the reserves always equal the tokens that went in less those paid out;
//! and once the account withdraws its last share it is never ahead, valued at the oracle: no
//! mix of providing liquidity and trading takes value from the other LP.
#![no_main]

mod common;

use common::{asset, book, value, FuzzPool};
use keel_core::{deposit, swap_exact_in, swap_exact_out, withdraw, CurveError};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
enum Message {
    /// Deposit up to these thousandths of a percent of each reserve.
    AddLiquidity { base: u32, quote: u32 },
    /// Withdraw this many 65536ths of the account's shares.
    RemoveLiquidity { part: u16 },
    Swap { sell_base: bool, exact_out: bool, size: u32 },
}

#[derive(Arbitrary, Debug)]
struct Input {
    setup: FuzzPool,
    messages: Vec<Message>,
}

fn part_of(reserve: u128, size: u32) -> u128 {
    reserve / 100_000 * u128::from(size % 5_000_000) + 1
}

fuzz_target!(|input: Input| {
    let Some((seed_state, market, params)) = input.setup.build() else {
        return;
    };
    // The honest LP's first deposit, as the pool takes it.
    let Ok(first) = deposit(&seed_state, 0, seed_state.base_reserve, seed_state.quote_reserve) else {
        return;
    };
    let mut state = first.after;
    let mut total = first.shares + first.locked;
    let (mut mine, mut sent) = (0u128, 0usize);
    // The account's token flows: what it holds relative to its start.
    let mut flows = (0i128, 0i128);
    let pool_start = (state.base_reserve, state.quote_reserve);

    for message in input.messages.iter().take(64) {
        match *message {
            Message::AddLiquidity { base: b, quote: q } => {
                let (bmax, qmax) = (part_of(state.base_reserve, b), part_of(state.quote_reserve, q));
                let Ok(d) = deposit(&state, total, bmax, qmax) else { continue };
                assert!(d.base_in <= bmax && d.quote_in <= qmax && d.locked == 0);
                flows.0 -= d.base_in as i128;
                flows.1 -= d.quote_in as i128;
                mine += d.shares;
                total += d.shares;
                state = d.after;
            }
            Message::RemoveLiquidity { part } => {
                let shares = mine / 65_536 * u128::from(part);
                let Ok(w) = withdraw(&state, total, shares) else { continue };
                flows.0 += w.base_out as i128;
                flows.1 += w.quote_out as i128;
                mine -= shares;
                total -= shares;
                state = w.after;
            }
            Message::Swap { sell_base, exact_out, size } => {
                let asset_in = asset(sell_base);
                let traded = if exact_out {
                    let amount = part_of(state.reserve(asset_in.other()), size);
                    swap_exact_out(&state, &market, &params, asset_in, amount)
                } else {
                    let amount = part_of(state.reserve(asset_in), size);
                    swap_exact_in(&state, &market, &params, asset_in, amount)
                };
                let Ok(t) = traded else { continue };
                book(&mut flows, sell_base, &t);
                state = t.after;
            }
        }
        sent += 1;
        // Conservation: the reserves are the start plus what the account paid in, less what it took.
        assert_eq!(state.base_reserve as i128, pool_start.0 as i128 - flows.0);
        assert_eq!(state.quote_reserve as i128, pool_start.1 as i128 - flows.1);
    }
    if mine > 0 {
        // The last shares leave unless they are too few to pay anything (`ZeroOutput`): then
        // they stay, and the account's net is only smaller.
        match withdraw(&state, total, mine) {
            Ok(w) => {
                flows.0 += w.base_out as i128;
                flows.1 += w.quote_out as i128;
            }
            Err(e) => assert_eq!(e, CurveError::ZeroOutput, "the last shares can always leave"),
        }
    }
    let (base, quote) = flows;
    // Each message's rounding goes to the pool; `value` may flatter a loss by one unit.
    let net = value(base, quote, market.price);
    assert!(net <= 1, "{sent} messages profited {net} (base {base}, quote {quote}) at price {}", market.price);
});
