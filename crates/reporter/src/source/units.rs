//! A source's whole-token prices restated as the oracle's: quote units per base unit. Sources
//! quote whole tokens (7.5 USDT a DOT); the pool trades token units, so a feed for tokens of
//! different decimals publishes `price * 10^(quote_decimals - base_decimals)`.

use super::{Observation, Source, SourceError};
use crate::price::to_units;

/// `inner`, its prices restated in the units of a base with `base_decimals` and a quote with
/// `quote_decimals` ([`to_units`]); its name and observation times are `inner`'s.
pub struct InUnits {
    inner: Box<dyn Source + Send>,
    base_decimals: u8,
    quote_decimals: u8,
}

impl InUnits {
    pub fn new(inner: Box<dyn Source + Send>, base_decimals: u8, quote_decimals: u8) -> InUnits {
        InUnits {
            inner,
            base_decimals,
            quote_decimals,
        }
    }
}

impl Source for InUnits {
    fn name(&self) -> &str {
        self.inner.name()
    }

    fn fetch(&mut self, now_ms: u64) -> Result<Observation, SourceError> {
        let observed = self.inner.fetch(now_ms)?;
        Ok(Observation {
            price: to_units(observed.price, self.base_decimals, self.quote_decimals)?,
            ..observed
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::price::PriceError;
    use keel_core::ONE;

    /// A source answering one price, observed at a fixed time.
    struct Fixed(u128);

    impl Source for Fixed {
        fn name(&self) -> &'static str {
            "fixed"
        }

        fn fetch(&mut self, _now_ms: u64) -> Result<Observation, SourceError> {
            Ok(Observation {
                price: self.0,
                observed_ms: 1_000,
            })
        }
    }

    #[test]
    fn a_whole_token_price_is_published_in_token_units_with_its_time_and_name() {
        // DOT (10 decimals) at 7.5 USDT (6 decimals)
        let mut dot = InUnits::new(Box::new(Fixed(75 * ONE / 10)), 10, 6);
        assert_eq!(dot.name(), "fixed");
        assert_eq!(
            dot.fetch(5_000).expect("a price"),
            Observation {
                price: 75 * ONE / 100_000,
                observed_ms: 1_000
            }
        );
    }

    #[test]
    fn a_price_with_no_units_price_is_the_sources_failure_not_a_zero() {
        let mut tiny = InUnits::new(Box::new(Fixed(4_000_000)), 1, 0);
        assert!(matches!(
            tiny.fetch(0),
            Err(SourceError::Price(PriceError::OutsideUnits(_)))
        ));
    }
}
