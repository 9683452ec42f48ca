//! Prices as sources write them (decimal text, JSON numbers and strings) turned into the oracle's
//! 1e18 fixed point exactly, without passing through a float.

use keel_core::ONE;

/// The most digits after the point a 1e18 price keeps.
const DECIMALS: u32 = 18;

/// Why a text is not a price.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PriceError {
    #[error("no digits in {0:?}")]
    NotANumber(String),
    #[error("{0:?} is not a positive price")]
    NotPositive(String),
    #[error("{0:?} is too large for 1e18 fixed point")]
    TooLarge(String),
    #[error("{0:?} has more precision than 1e18 fixed point holds")]
    TooPrecise(String),
    /// A price of whole tokens whose price of token units is outside the oracle's bounds
    /// (`MIN_PRICE..=MAX_PRICE`, 1e-12 to 1e18): the oracle would refuse it.
    #[error("{0} per whole token is outside the oracle's price bounds in token units")]
    OutsideUnits(String),
}

/// The oracle's price of token units, quote units per base unit in 1e18 fixed point, for a
/// `price` of whole tokens (what sources quote) of a base with `base_decimals` and a quote with
/// `quote_decimals`: `price * 10^(quote_decimals - base_decimals)`, to the nearest unit (half
/// up) when the quote has fewer decimals, so off by at most half a unit in `MIN_PRICE` (5e-7).
/// Equal decimals leave the price as it is.
///
/// # Errors
/// [`PriceError::OutsideUnits`] when the result is outside `MIN_PRICE..=MAX_PRICE`, the prices
/// the oracle takes.
pub fn to_units(price: u128, base_decimals: u8, quote_decimals: u8) -> Result<u128, PriceError> {
    let outside = || PriceError::OutsideUnits(format_price(price));
    let shift = u32::from(base_decimals.abs_diff(quote_decimals));
    let factor = 10u128.checked_pow(shift).ok_or_else(outside)?;
    let units = if quote_decimals >= base_decimals {
        price.checked_mul(factor)
    } else {
        let (whole, rest) = (price / factor, price % factor);
        whole.checked_add(u128::from(rest >= factor.div_ceil(2)))
    };
    units
        .filter(|u| (keel_core::MIN_PRICE..=keel_core::MAX_PRICE).contains(u))
        .ok_or_else(outside)
}

/// `text` (optional sign `+`, digits, optional point and digits, optional exponent `e`/`E` with a
/// sign) as a 1e18 price, exactly.
///
/// # Errors
/// [`PriceError::NotANumber`] for anything else (including `NaN`, `inf` and a comma as decimal
/// separator); [`PriceError::NotPositive`] for zero or a negative value;
/// [`PriceError::TooLarge`] past `u128`; [`PriceError::TooPrecise`] for a non-zero digit beyond
/// the 18th decimal (a price rounded silently would differ from what the source said).
pub fn parse_price(text: &str) -> Result<u128, PriceError> {
    let raw = text.trim();
    let nan = || PriceError::NotANumber(raw.to_owned());
    let (mantissa, exponent) = match raw.find(['e', 'E']) {
        Some(at) => (&raw[..at], raw[at + 1..].parse::<i32>().map_err(|_| nan())?),
        None => (raw, 0),
    };
    let (negative, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, mantissa.strip_prefix('+').unwrap_or(mantissa)),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = || whole.chars().chain(fraction.chars());
    if whole.len() + fraction.len() == 0 || !digits().all(|c| c.is_ascii_digit()) {
        return Err(nan());
    }
    if negative {
        return Err(PriceError::NotPositive(raw.to_owned()));
    }
    // The value is `digits * 10^(exponent - fraction.len())`; in 1e18 units the power is
    // `exponent - fraction.len() + 18`.
    let fraction_len = i32::try_from(fraction.len()).map_err(|_| nan())?;
    let power = exponent
        .checked_sub(fraction_len)
        .and_then(|p| p.checked_add(i32::try_from(DECIMALS).ok()?))
        .ok_or_else(|| PriceError::TooLarge(raw.to_owned()))?;
    let mut units: u128 = 0;
    let mut dropped_nonzero = false;
    let kept = if power >= 0 {
        digits().count()
    } else {
        digits()
            .count()
            .saturating_sub(usize::try_from(power.unsigned_abs()).unwrap_or(usize::MAX))
    };
    for (i, c) in digits().enumerate() {
        let d = u128::from(c.to_digit(10).unwrap_or(0));
        if i < kept {
            units = units
                .checked_mul(10)
                .and_then(|u| u.checked_add(d))
                .ok_or_else(|| PriceError::TooLarge(raw.to_owned()))?;
        } else {
            dropped_nonzero |= d != 0;
        }
    }
    if dropped_nonzero {
        return Err(PriceError::TooPrecise(raw.to_owned()));
    }
    if units == 0 {
        return Err(PriceError::NotPositive(raw.to_owned()));
    }
    if power > 0 {
        let scale = 10u128
            .checked_pow(power.unsigned_abs())
            .ok_or_else(|| PriceError::TooLarge(raw.to_owned()))?;
        units = units
            .checked_mul(scale)
            .ok_or_else(|| PriceError::TooLarge(raw.to_owned()))?;
    }
    Ok(units)
}

/// A 1e18 price as decimal text, for logs and messages (`12.5`, `0.000001`).
pub fn format_price(units: u128) -> String {
    let whole = units / ONE;
    let fraction = units % ONE;
    if fraction == 0 {
        return whole.to_string();
    }
    let digits = format!("{fraction:018}");
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_token_prices_become_prices_of_token_units() {
        // DOT (10 decimals) at 7.5 USDT (6): 7.5e6 units of USDT buy 1e10 units of DOT
        assert_eq!(to_units(75 * ONE / 10, 10, 6), Ok(75 * ONE / 100_000));
        // the other way round, and equal decimals unchanged
        assert_eq!(to_units(75 * ONE / 10, 6, 10), Ok(75_000 * ONE));
        assert_eq!(to_units(75 * ONE / 10, 18, 18), Ok(75 * ONE / 10));
        // rounded to the nearest unit, half up, where the quote has fewer decimals
        assert_eq!(to_units(10_000_014, 1, 0), Ok(1_000_001));
        assert_eq!(to_units(10_000_015, 1, 0), Ok(1_000_002));
        assert_eq!(
            to_units(1_000_000_000_000_000_015, 1, 0),
            Ok(100_000_000_000_000_002)
        );
        // outside the oracle's bounds (MIN_PRICE 1e6 units, MAX_PRICE 1e36) or past u128: refused
        // by name, never saturated, zero, or sent for the oracle to refuse
        assert_eq!(to_units(10_000_000, 1, 0), Ok(keel_core::MIN_PRICE));
        assert!(matches!(
            to_units(9_999_994, 1, 0),
            Err(PriceError::OutsideUnits(_))
        ));
        assert_eq!(to_units(ONE, 0, 18), Ok(keel_core::MAX_PRICE));
        assert!(matches!(
            to_units(ONE + 1, 0, 18),
            Err(PriceError::OutsideUnits(_))
        ));
        assert!(matches!(
            to_units(u128::MAX / 10, 0, 2),
            Err(PriceError::OutsideUnits(_))
        ));
        assert!(matches!(to_units(ONE, 0, 39), Err(PriceError::OutsideUnits(_))));
        assert!(matches!(to_units(ONE, 39, 0), Err(PriceError::OutsideUnits(_))));
    }

    #[test]
    fn decimal_text_becomes_exact_fixed_point() {
        assert_eq!(parse_price("10"), Ok(10 * ONE));
        assert_eq!(parse_price(" 12.5\n"), Ok(12 * ONE + ONE / 2));
        assert_eq!(parse_price("+0.000001"), Ok(ONE / 1_000_000));
        assert_eq!(parse_price(".5"), Ok(ONE / 2));
        assert_eq!(parse_price("3."), Ok(3 * ONE));
        assert_eq!(parse_price("64123.45"), Ok(64_123 * ONE + ONE / 100 * 45));
        assert_eq!(parse_price("0.000000000000000001"), Ok(1));
        assert_eq!(parse_price("1.2000000000000000000000"), Ok(ONE / 10 * 12));
    }

    #[test]
    fn exponents_move_the_point_both_ways() {
        assert_eq!(parse_price("1e3"), Ok(1_000 * ONE));
        assert_eq!(parse_price("2.5E-3"), Ok(ONE / 10_000 * 25));
        assert_eq!(parse_price("1e-18"), Ok(1));
        assert_eq!(parse_price("12345e-4"), Ok(ONE / 10_000 * 12_345));
    }

    #[test]
    fn anything_but_a_positive_decimal_is_refused_by_name() {
        for text in [
            "", " ", ".", "abc", "1,5", "1.2.3", "NaN", "inf", "0x10", "1e", "e5", "--1",
        ] {
            assert!(
                matches!(parse_price(text), Err(PriceError::NotANumber(_))),
                "{text:?}"
            );
        }
        for text in ["0", "0.0", "-1", "-0.5", "0e10", "0e40"] {
            assert!(
                matches!(parse_price(text), Err(PriceError::NotPositive(_))),
                "{text:?}"
            );
        }
        for text in ["1e40", "340282366920938463463.374607431768211456", "1e2147483647"] {
            assert!(
                matches!(parse_price(text), Err(PriceError::TooLarge(_))),
                "{text:?}"
            );
        }
        for text in ["1e-19", "0.0000000000000000015", "1.0000000000000000001"] {
            assert!(
                matches!(parse_price(text), Err(PriceError::TooPrecise(_))),
                "{text:?}"
            );
        }
    }

    #[test]
    fn formatting_round_trips() {
        for units in [1, ONE, ONE / 2, 64_123 * ONE + ONE / 100 * 45, u128::MAX] {
            assert_eq!(parse_price(&format_price(units)), Ok(units));
        }
        assert_eq!(format_price(12 * ONE + ONE / 2), "12.5");
    }
}
