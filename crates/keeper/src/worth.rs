//! Whether a rebalance pays for itself: its bounty (in the pool's quote token) against what the
//! transaction may cost (fee quote, deposit limit and tip, in the chain's native token), at a
//! native price the operator sets. The decision's static `tx_cost` skips bounties too small to
//! bother with; this bounds what one transaction may cost by what its own bounty is worth, so
//! a node that quotes a high fee, or a pool that asks for a large deposit, makes the keeper
//! decline rather than pay more than it earns.

use crate::spending::OverLimit;
use keel_core::math::{mul_div_u128, Rounding};

/// One native unit's worth in quote units, 1e18 = one quote unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NativePrice {
    pub quote_per_native_wad: u128,
}

const WAD: u128 = 1_000_000_000_000_000_000;

impl NativePrice {
    /// `price` whole quote tokens per whole native token, for tokens of these decimals; `None`
    /// when the price is not a positive number or its scale does not fit.
    pub fn new(price: f64, native_decimals: u32, quote_decimals: u32) -> Option<NativePrice> {
        // Rounded up, as below: a native unit is never counted as worth less than it is.
        let scaled = (price * 1e18).ceil();
        if !(scaled.is_finite() && scaled >= 1.0 && scaled < u128::MAX as f64) {
            return None;
        }
        // In range and integral after the checks above.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let price_wad = scaled as u128;
        let quote_unit = 10u128.checked_pow(quote_decimals)?;
        let native_unit = 10u128.checked_pow(native_decimals)?;
        let wad = mul_div_u128(price_wad, quote_unit, native_unit, Rounding::Up).ok()?;
        Some(NativePrice {
            quote_per_native_wad: wad,
        })
    }

    /// What `bounty` quote units are worth in native units, rounded down: the keeper never
    /// counts a bounty as worth more than it is.
    pub fn worth(&self, bounty: u128) -> u128 {
        mul_div_u128(bounty, WAD, self.quote_per_native_wad, Rounding::Down).unwrap_or(u128::MAX)
    }

    /// The most fee a rebalance paying `bounty` may be quoted at, when `fixed` (deposit limit and
    /// tip) is spent besides.
    ///
    /// # Errors
    /// [`OverLimit::Unprofitable`] when `fixed` alone exceeds what the bounty is worth.
    pub fn fee_allowance(&self, bounty: u128, fixed: u128) -> Result<u128, OverLimit> {
        let worth = self.worth(bounty);
        worth
            .checked_sub(fixed)
            .ok_or(OverLimit::Unprofitable { cost: fixed, worth })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // A 12-decimal native token worth 5 of an 18-decimal quote token.
    fn price() -> NativePrice {
        NativePrice::new(5.0, 12, 18).expect("a price")
    }

    #[test]
    fn a_bounty_is_worth_its_quote_value_in_native_units_rounded_down() {
        let p = price();
        // one native unit (1e-12 of a token) is worth 5e6 quote units
        assert_eq!(p.quote_per_native_wad, 5_000_000 * WAD);
        assert_eq!(p.worth(5_000_000), 1);
        assert_eq!(p.worth(9_999_999), 1, "rounded down");
        assert_eq!(
            p.worth(5 * 10u128.pow(18)),
            10u128.pow(12),
            "5 quote tokens buy one native token"
        );
        assert_eq!(p.worth(u128::MAX), u128::MAX / 5_000_000);
    }

    #[test]
    fn the_fee_allowance_is_what_is_left_after_deposit_and_tip() {
        let p = price();
        let bounty = 5 * 10u128.pow(18); // worth 1e12 native units
        assert_eq!(
            p.fee_allowance(bounty, 4 * 10u128.pow(11)),
            Ok(6 * 10u128.pow(11))
        );
        assert_eq!(p.fee_allowance(bounty, 10u128.pow(12)), Ok(0));
        assert_eq!(
            p.fee_allowance(bounty, 10u128.pow(12) + 1),
            Err(OverLimit::Unprofitable {
                cost: 10u128.pow(12) + 1,
                worth: 10u128.pow(12)
            })
        );
    }

    #[test]
    fn prices_that_mean_nothing_are_refused() {
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert_eq!(NativePrice::new(bad, 12, 18), None, "{bad}");
        }
        assert_eq!(NativePrice::new(1.0, 40, 18), None, "no such native unit");
        assert_eq!(NativePrice::new(1e30, 0, 30), None, "beyond u128");
        assert!(NativePrice::new(0.001, 18, 6).is_some());
    }
}
