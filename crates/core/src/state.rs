//! The pool's curve state: reserves, targets and which side is short.
//!
//! The LPs' claim is the pair of targets: the inventory the curve returns to at the oracle price.
//! Only the *long* side's target is authoritative; the short side's target is derived from the
//! long side's excess at the current oracle price and `k` ([`PoolState::equilibrate`]), so a
//! moving oracle re-anchors the curve without a transaction and a round trip at a fixed price
//! follows one path both ways.

use crate::math::{mul_div, narrow, wide, Rounding, ONE};
use crate::pmm::{premium, solve_target, Ratio};
use crate::CurveError;

/// One of the pool's two tokens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "scale",
    derive(parity_scale_codec::Encode, parity_scale_codec::Decode, scale_info::TypeInfo)
)]
#[cfg_attr(
    all(feature = "ink", feature = "std"),
    derive(ink::storage::traits::StorageLayout)
)]
pub enum Asset {
    Base,
    Quote,
}

impl Asset {
    /// The pool's other token.
    #[must_use]
    pub fn other(self) -> Asset {
        match self {
            Asset::Base => Asset::Quote,
            Asset::Quote => Asset::Base,
        }
    }

    /// The oracle price `i` (quote per base, 1e18) as the price of this asset in the other one.
    pub fn price_in_other(self, oracle_price: u128) -> Ratio {
        match self {
            Asset::Base => Ratio {
                num: oracle_price,
                den: ONE,
            },
            Asset::Quote => Ratio {
                num: ONE,
                den: oracle_price,
            },
        }
    }
}

/// Which token the pool is short of, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[cfg_attr(
    feature = "scale",
    derive(parity_scale_codec::Encode, parity_scale_codec::Decode, scale_info::TypeInfo)
)]
#[cfg_attr(
    all(feature = "ink", feature = "std"),
    derive(ink::storage::traits::StorageLayout)
)]
pub enum Regime {
    /// Both reserves sit at their targets.
    #[default]
    Balanced,
    /// The pool holds less base than its target (and more quote).
    BaseShort,
    /// The pool holds less quote than its target (and more base).
    QuoteShort,
}

impl Regime {
    pub fn short(self) -> Option<Asset> {
        match self {
            Regime::Balanced => None,
            Regime::BaseShort => Some(Asset::Base),
            Regime::QuoteShort => Some(Asset::Quote),
        }
    }

    pub fn short_of(asset: Asset) -> Regime {
        match asset {
            Asset::Base => Regime::BaseShort,
            Asset::Quote => Regime::QuoteShort,
        }
    }
}

/// Amounts of both tokens: a pool's reserves or its targets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Holdings {
    pub base: u128,
    pub quote: u128,
}

impl Holdings {
    /// The reserves of `state`.
    pub fn of(state: &PoolState) -> Holdings {
        Holdings {
            base: state.base_reserve,
            quote: state.quote_reserve,
        }
    }

    /// Their value in quote at `price` (quote per base, 1e18), rounded down.
    ///
    /// # Errors
    /// [`CurveError::Overflow`] past `u128`.
    pub fn value(&self, price: u128) -> Result<u128, CurveError> {
        let base = narrow(mul_div(wide(self.base), wide(price), wide(ONE), Rounding::Down)?)?;
        base.checked_add(self.quote).ok_or(CurveError::Overflow)
    }
}

/// Reserves and targets in token units.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[cfg_attr(
    feature = "scale",
    derive(parity_scale_codec::Encode, parity_scale_codec::Decode, scale_info::TypeInfo)
)]
#[cfg_attr(
    all(feature = "ink", feature = "std"),
    derive(ink::storage::traits::StorageLayout)
)]
pub struct PoolState {
    pub base_reserve: u128,
    pub quote_reserve: u128,
    pub base_target: u128,
    pub quote_target: u128,
    pub regime: Regime,
}

impl PoolState {
    /// A pool holding exactly its targets.
    pub fn balanced(base: u128, quote: u128) -> PoolState {
        PoolState {
            base_reserve: base,
            quote_reserve: quote,
            base_target: base,
            quote_target: quote,
            regime: Regime::Balanced,
        }
    }

    pub fn reserve(&self, asset: Asset) -> u128 {
        match asset {
            Asset::Base => self.base_reserve,
            Asset::Quote => self.quote_reserve,
        }
    }

    pub fn target(&self, asset: Asset) -> u128 {
        match asset {
            Asset::Base => self.base_target,
            Asset::Quote => self.quote_target,
        }
    }

    pub fn set_reserve(&mut self, asset: Asset, value: u128) {
        match asset {
            Asset::Base => self.base_reserve = value,
            Asset::Quote => self.quote_reserve = value,
        }
    }

    pub fn set_target(&mut self, asset: Asset, value: u128) {
        match asset {
            Asset::Base => self.base_target = value,
            Asset::Quote => self.quote_target = value,
        }
    }

    /// The state with the short side's target re-derived for `oracle_price` and `k`.
    ///
    /// A long side with no excess left collapses to [`Regime::Balanced`] with targets equal to
    /// reserves. `rounding` applies to the derived target.
    ///
    /// # Errors
    /// [`CurveError::InsufficientLiquidity`] when the short reserve is empty.
    pub fn equilibrate(
        &self,
        oracle_price: u128,
        k: u128,
        rounding: Rounding,
    ) -> Result<PoolState, CurveError> {
        #[cfg(feature = "memo")]
        return crate::memo::equilibrate(&(*self, oracle_price, k), rounding, || {
            self.derive(oracle_price, k, rounding)
        });
        // Unwrapped and wrapped again on purpose: the contracts compile this form into swaps
        // 0.02-0.03% and a rebalance 0.04% cheaper than `derive`'s result passed on as it is
        // (the gas report; 22 bytes more).
        #[cfg(not(feature = "memo"))]
        {
            let out = self.derive(oracle_price, k, rounding)?;
            Ok(out)
        }
    }

    fn derive(&self, oracle_price: u128, k: u128, rounding: Rounding) -> Result<PoolState, CurveError> {
        let Some(short) = self.regime.short() else {
            return Ok(PoolState::balanced(self.base_reserve, self.quote_reserve));
        };
        let long = short.other();
        let excess = self.reserve(long).saturating_sub(self.target(long));
        if excess == 0 {
            return Ok(PoolState::balanced(self.base_reserve, self.quote_reserve));
        }
        let s1 = self.reserve(short);
        let s0 = solve_target(s1, excess, short.price_in_other(oracle_price), k, rounding)?;
        let mut out = *self;
        out.set_target(short, s0);
        Ok(out)
    }

    /// Marginal price of base in quote (1e18) on an equilibrated state: the oracle price times the
    /// premium when base is short, divided by it when quote is short.
    ///
    /// # Errors
    /// [`CurveError::DivisionByZero`] for an empty short reserve.
    pub fn marginal_price(&self, oracle_price: u128, k: u128) -> Result<u128, CurveError> {
        match self.regime.short() {
            None => Ok(oracle_price),
            Some(Asset::Base) => {
                let f = premium(self.base_target, self.base_reserve, k, Rounding::Up)?;
                narrow(mul_div(wide(oracle_price), wide(f), wide(ONE), Rounding::Up)?)
            }
            Some(Asset::Quote) => {
                let f = premium(self.quote_target, self.quote_reserve, k, Rounding::Up)?;
                narrow(mul_div(wide(oracle_price), wide(ONE), wide(f), Rounding::Down)?)
            }
        }
    }

    /// Inventory imbalance `q` (1e18, signed) on an equilibrated state: the base excess over its
    /// target, valued at the oracle price, as a share of the targets' value. Positive when the
    /// pool is long base.
    ///
    /// # Errors
    /// [`CurveError::Overflow`] past the bounds; a pool with zero target value has `q = 0`.
    pub fn inventory(&self, oracle_price: u128) -> Result<i128, CurveError> {
        let value = self.target_value(oracle_price)?;
        if value == 0 {
            return Ok(0);
        }
        let (diff, long_base) = if self.base_reserve >= self.base_target {
            (self.base_reserve.saturating_sub(self.base_target), true)
        } else {
            (self.base_target.saturating_sub(self.base_reserve), false)
        };
        let diff_value = mul_div(wide(diff), wide(oracle_price), wide(ONE), Rounding::Down)?;
        let q = mul_div(diff_value, wide(ONE), wide(value), Rounding::Down)?;
        let q = i128::try_from(narrow(q)?).map_err(|_| CurveError::Overflow)?;
        Ok(if long_base {
            q
        } else {
            q.checked_neg().ok_or(CurveError::Overflow)?
        })
    }

    /// Value of the targets in quote at the oracle price: the LPs' claim at equilibrium.
    ///
    /// # Errors
    /// [`CurveError::Overflow`] past the bounds.
    pub fn target_value(&self, oracle_price: u128) -> Result<u128, CurveError> {
        Holdings {
            base: self.base_target,
            quote: self.quote_target,
        }
        .value(oracle_price)
    }
}
