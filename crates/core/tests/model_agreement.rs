//! The integer curve against the f64 reference model (`model/mod.rs`): closed forms and whole
//! swaps agree to the units their roundings can cost.

// The float model's values become token units by truncation, on purpose.
#![allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap
)]

#[macro_use]
mod common;

use common::*;
use proptest::prelude::*;

// Agreement with the f64 model

/// Relative tolerance between the integer curve and the model, for amounts of 1e12 units and up
/// (where each unit of integer rounding is 1e-12). Below that, each result is also checked to
/// within the units its roundings can cost; the model itself is good to ~1e-14 relative, hence
/// the 1e-12 relative slack in those checks.
const REL: f64 = 1e-9;
const BIG: u128 = 1_000_000_000_000;

/// A price as the integer curve takes it (either token's, from an oracle reading) and as a float.
fn ratio() -> impl Strategy<Value = (Ratio, f64)> {
    (log_u128(1e15, 1e21), asset()).prop_map(|(price, a)| {
        let r = a.price_in_other(price);
        (r, r.num as f64 / r.den as f64)
    })
}

fn k() -> impl Strategy<Value = (u128, f64)> {
    (ONE / 100..=ONE / 100 * 90).prop_map(|k| (k, k as f64 / ONE as f64))
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn integrate_matches_the_model(
        s0 in log_f64(1e6, 1e27), lo in 0.05f64..=1.0, span in log_f64(1e-12, 1.0),
        (price, p) in ratio(), (k, kf) in k(),
    ) {
        let s0 = s0 as u128;
        let lo = ((s0 as f64 * lo) as u128).clamp(1, s0);
        let hi = lo + ((s0 - lo) as f64 * span) as u128;
        let want = model::value_of_move(s0 as f64, lo as f64, (hi - lo) as f64, p, kf);
        let (Ok(down), Ok(up)) =
            (integrate(s0, hi, lo, price, k, Rounding::Down), integrate(s0, hi, lo, price, k, Rounding::Up))
        else {
            // Only a value past u128 may be refused.
            prop_assert!(want > 1e38, "refused a value of {want}");
            return Ok(());
        };
        // One rounding of the exact value, each way.
        prop_assert!(down <= up && up - down <= 1, "{down} {up}");
        prop_assert!(close(down, want, 1e-12, 1.0) && close(up, want, 1e-12, 1.0), "{down} {up} vs model {want}");
        if want >= BIG as f64 {
            prop_assert!(close(down, want, REL, 0.0) && close(up, want, REL, 0.0), "{down} {up} vs model {want}");
        }
    }

    #[test]
    fn solve_trade_matches_the_model(
        s0 in log_f64(1e6, 1e27), s1 in 0.1f64..=1.0, size in log_f64(1e-9, 10.0),
        (price, p) in ratio(), (k, kf) in k(), drain in any::<bool>(),
    ) {
        let s0 = s0 as u128;
        let s1 = ((s0 as f64 * s1) as u128).max(1);
        // A long amount worth `size` of the short reserve at the oracle.
        let long = to_amount(size * s1 as f64 * p);
        let direction = if drain { Direction::Drain } else { Direction::Refill };
        let Ok(x) = solve_trade(s0, s1, long, price, k, direction) else { reject!() };
        let (moved, want) = if drain {
            (s1 - x, model::drain_out(s0 as f64, s1 as f64, long as f64, p, kf))
        } else {
            (x - s1, model::refill_in(s0 as f64, s1 as f64, long as f64, p, kf))
        };
        // The level is the exact one rounded up: a drain pays out the exact amount rounded down,
        // a refill asks for it rounded up.
        let (moved_f, slack) = (moved as f64, want * 1e-12 + 1e-6);
        if drain {
            prop_assert!(moved_f <= want + slack && moved_f > want - 1.0 - slack, "drain pays {moved}, model {want}");
        } else {
            prop_assert!(moved_f >= want - slack && moved_f < want + 1.0 + slack, "refill asks {moved}, model {want}");
        }
        if want >= BIG as f64 {
            prop_assert!(close(moved, want, REL, 0.0), "moved {moved} vs model {want}");
        }
    }

    #[test]
    fn solve_target_matches_the_model(
        s1 in log_f64(1e6, 1e27), size in log_f64(1e-9, 10.0), (price, p) in ratio(), (k, kf) in k(),
    ) {
        let s1 = s1 as u128;
        let excess = to_amount(size * s1 as f64 * p);
        let want = model::target_gap(s1 as f64, excess as f64, p, kf);
        let down = solve_target(s1, excess, price, k, Rounding::Down).expect("target") - s1;
        let up = solve_target(s1, excess, price, k, Rounding::Up).expect("target") - s1;
        // The exact gap rounded each way.
        let slack = want * 1e-12 + 1e-6;
        prop_assert!(down as f64 <= want + slack && down as f64 > want - 1.0 - slack, "down {down}, model {want}");
        prop_assert!(up as f64 >= want - slack && (up as f64) < want + 1.0 + slack, "up {up}, model {want}");
        prop_assert!(up - down <= 1, "{down} {up}");
        if want >= BIG as f64 {
            prop_assert!(close(down, want, REL, 0.0) && close(up, want, REL, 0.0), "{down} {up} vs model {want}");
        }
    }

    /// Full exact-in swaps, crossings included (about one case in ten). Below the REL regime
    /// the output may differ by the units the integer code rounds: the fee and the crossing's
    /// extra unit of input (each worth up to about `2 p_x` of output), and the payout.
    #[test]
    fn swap_exact_in_matches_the_model(s in scenario(), x in asset(), f in fraction()) {
        let a = s.amount_in(x, f);
        let Ok(trade) = s.exact_in(x, a) else { reject!() };
        let m = s.float();
        let want = model::exact_in(&s.state, &m, x, a as f64);
        let out = trade.amount_out;
        prop_assert!(close(out, want, 1e-12, 2.0 + 4.0 * m.price_of(x)), "out {out} vs model {want}");
        if a >= BIG && out >= BIG {
            prop_assert!(close(out, want, REL, 0.0), "out {out} vs model {want}");
        }
    }

    /// Full exact-out swaps, crossings included. Below the REL regime the input may differ by
    /// the curve input's, the fee's and the crossing's unit each, and a unit of the output.
    #[test]
    fn swap_exact_out_matches_the_model(s in scenario(), x in asset(), f in fraction()) {
        let o = s.amount_out(x.other(), f);
        let Ok(trade) = s.exact_out(x, o) else { reject!() };
        let m = s.float();
        let want = model::exact_out(&s.state, &m, x, o as f64);
        let paid = trade.amount_in;
        prop_assert!(close(paid, want, 1e-12, 4.0 + 2.0 * m.price_of(x.other())), "in {paid} vs model {want}");
        if o >= BIG && paid >= BIG {
            prop_assert!(close(paid, want, REL, 0.0), "in {paid} vs model {want}");
        }
    }
}
