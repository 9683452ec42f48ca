//! Rebalancing: when inventory has drifted past a trigger, sell the excess on an external venue.
//!
//! The pool quotes its long token cheaper to attract flow that restores it, but flow may not come;
//! a rebalance trades the excess away on a venue (a constant-product pool) so `|q|` falls from
//! beyond `trigger` to `target`. `trigger > target` gives hysteresis: right after a rebalance the
//! pool is well inside the band, so it cannot flicker in and out of "due". The pool and the keeper
//! both plan with [`plan`], so a keeper's decision is exactly the chain's.

use crate::math::{mul_div, mul_div_u128, narrow, wide, Rounding, BPS, ONE};
use crate::state::{Asset, PoolState};
use crate::CurveError;

/// Widest venue slippage a pool may accept (10%).
pub const MAX_SLIPPAGE_BPS: u32 = 1_000;
/// Largest bounty rate (1% of the notional traded).
pub const MAX_BOUNTY_BPS: u32 = 100;
/// Longest cooldown between rebalances (one day).
pub const MAX_COOLDOWN_MS: u64 = 86_400_000;

/// When and how a pool rebalances; `q` values are 1e18 fractions of the targets' value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "scale",
    derive(parity_scale_codec::Encode, parity_scale_codec::Decode, scale_info::TypeInfo)
)]
#[cfg_attr(
    all(feature = "ink", feature = "std"),
    derive(ink::storage::traits::StorageLayout)
)]
pub struct RebalanceParams {
    /// A rebalance is due once `|q|` reaches this.
    pub trigger: u128,
    /// A rebalance sells enough to bring `|q|` down to this (below `trigger`).
    pub target: u128,
    /// Least time between two rebalances (milliseconds).
    pub cooldown_ms: u64,
    /// The venue must pay at least the oracle value of the excess less this (basis points).
    pub max_venue_slippage_bps: u32,
    /// The caller's bounty as a share of the notional traded (basis points of its quote value).
    pub bounty_bps: u32,
    /// Most quote units one rebalance pays as bounty.
    pub bounty_cap: u128,
}

impl Default for RebalanceParams {
    /// Due at `|q| >= 5%`, back to 1%, at most once a minute, at most 2% below the oracle on the
    /// venue (fee and price impact together), a 0.1% bounty capped at 100 quote tokens (18 decimals).
    ///
    /// With the default curve the 10% price band binds near `|q|` of 10-15% (less when volatility
    /// steepens `k`), so the trigger sits well inside it: by 5% the pool already quotes its long
    /// token about 5% under the oracle.
    fn default() -> Self {
        RebalanceParams {
            trigger: ONE / 20,
            target: ONE / 100,
            cooldown_ms: 60_000,
            max_venue_slippage_bps: 200,
            bounty_bps: 10,
            bounty_cap: 100 * ONE,
        }
    }
}

impl RebalanceParams {
    /// Checks every field against its hard bound.
    ///
    /// # Errors
    /// [`CurveError::InvalidParameter`].
    pub fn validate(&self) -> Result<(), CurveError> {
        let ok = self.target < self.trigger
            && self.trigger <= ONE
            && self.cooldown_ms <= MAX_COOLDOWN_MS
            && self.max_venue_slippage_bps <= MAX_SLIPPAGE_BPS
            && self.bounty_bps <= MAX_BOUNTY_BPS;
        if ok {
            Ok(())
        } else {
            Err(CurveError::InvalidParameter)
        }
    }
}

/// A due rebalance: what to sell, how much, and the least the venue must pay.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "scale",
    derive(parity_scale_codec::Encode, parity_scale_codec::Decode, scale_info::TypeInfo)
)]
pub struct RebalancePlan {
    /// The pool's long token.
    pub sell: Asset,
    pub amount_in: u128,
    /// The oracle value of `amount_in` in the other token (rounded down).
    pub fair_out: u128,
    /// `fair_out` less the allowed slippage (rounded up: the pool never accepts less).
    pub min_out: u128,
    /// Quote value of the trade at the oracle: the bounty's base.
    pub notional: u128,
    pub q_before: i128,
}

/// Plans a rebalance of an equilibrated `state` at `oracle_price`, or `None` when `|q|` is below
/// the trigger.
///
/// # Errors
/// [`CurveError::Overflow`] past the bounds; [`CurveError::ZeroOutput`] when the excess is too
/// small to trade.
pub fn plan(
    state: &PoolState,
    oracle_price: u128,
    params: &RebalanceParams,
) -> Result<Option<RebalancePlan>, CurveError> {
    let q = state.inventory(oracle_price)?;
    let size = q.unsigned_abs();
    if size < params.trigger || size == 0 {
        return Ok(None);
    }
    // Sell the long token's own (authoritative) excess over its target, keeping `target` of the
    // targets' value: the premium the pool was paid for that excess is sold with it, so `|q|`
    // lands on the target from either side. Rounded to sell less.
    let sell = if q > 0 { Asset::Base } else { Asset::Quote };
    let excess = state
        .reserve(sell)
        .checked_sub(state.target(sell))
        .ok_or(CurveError::Overflow)?;
    let value = state.target_value(oracle_price)?;
    let keep_value = narrow(mul_div(
        wide(params.target),
        wide(value),
        wide(ONE),
        Rounding::Up,
    )?)?;
    let keep = match sell {
        Asset::Base => mul_div_u128(keep_value, ONE, oracle_price, Rounding::Up)?,
        Asset::Quote => keep_value,
    };
    let amount_in = excess.checked_sub(keep).ok_or(CurveError::ZeroOutput)?;
    let price = sell.price_in_other(oracle_price);
    let fair_out = mul_div_u128(amount_in, price.num, price.den, Rounding::Down)?;
    if amount_in == 0 || fair_out == 0 {
        return Err(CurveError::ZeroOutput);
    }
    let notional = match sell {
        Asset::Base => fair_out,
        Asset::Quote => amount_in,
    };
    let kept = BPS
        .checked_sub(u128::from(params.max_venue_slippage_bps))
        .ok_or(CurveError::InvalidParameter)?;
    let min_out = mul_div_u128(fair_out, kept, BPS, Rounding::Up)?;
    Ok(Some(RebalancePlan {
        sell,
        amount_in,
        fair_out,
        min_out,
        notional,
        q_before: q,
    }))
}

/// The bounty budget after a swap that paid `fee` in `asset_in`: fees are valued in quote at the
/// oracle `price` (rounded down) and added, saturating, since the budget only bounds bounties.
///
/// # Errors
/// [`CurveError::Overflow`] valuing a base fee.
pub fn accrue_fee(budget: u128, asset_in: Asset, fee: u128, price: u128) -> Result<u128, CurveError> {
    let value = match asset_in {
        Asset::Quote => fee,
        Asset::Base => mul_div_u128(fee, price, ONE, Rounding::Down)?,
    };
    Ok(budget.saturating_add(value))
}

/// The bounty for a planned rebalance: `bounty_bps` of its notional, at most `bounty_cap` and at
/// most what the pool's fees have put aside (`budget`).
///
/// # Errors
/// [`CurveError::Overflow`].
pub fn bounty(plan: &RebalancePlan, params: &RebalanceParams, budget: u128) -> Result<u128, CurveError> {
    let rate = mul_div_u128(plan.notional, u128::from(params.bounty_bps), BPS, Rounding::Down)?;
    Ok(rate.min(params.bounty_cap).min(budget))
}

/// The state after selling `sold` of the long token for `bought` and paying `bounty` quote from
/// the reserves. The long side's target (the LPs' claim) is kept; the caller re-derives the short
/// side's with [`PoolState::equilibrate`].
///
/// # Errors
/// [`CurveError::InsufficientLiquidity`] when a reserve cannot pay; [`CurveError::Overflow`].
pub fn apply(
    state: &PoolState,
    sell: Asset,
    sold: u128,
    bought: u128,
    bounty: u128,
) -> Result<PoolState, CurveError> {
    let mut after = *state;
    let out = state
        .reserve(sell)
        .checked_sub(sold)
        .ok_or(CurveError::InsufficientLiquidity)?;
    after.set_reserve(sell, out);
    let buy = sell.other();
    let gained = state
        .reserve(buy)
        .checked_add(bought)
        .ok_or(CurveError::Overflow)?;
    after.set_reserve(buy, gained);
    let quote = after
        .quote_reserve
        .checked_sub(bounty)
        .ok_or(CurveError::InsufficientLiquidity)?;
    after.quote_reserve = quote;
    Ok(after)
}

#[cfg(test)]
// Inventory values are 1e18 fractions, far below `i128::MAX`.
#[allow(clippy::cast_possible_wrap)]
mod tests {
    use super::*;
    use crate::state::Regime;

    const P: u128 = 10 * ONE;

    fn long_base(excess: u128) -> PoolState {
        let base = PoolState::balanced(100_000 * ONE, 1_000_000 * ONE);
        PoolState {
            base_reserve: base.base_reserve + excess,
            quote_reserve: base.quote_reserve - excess * 9,
            regime: Regime::QuoteShort,
            ..base
        }
        .equilibrate(P, ONE / 4, Rounding::Down)
        .unwrap()
    }

    #[test]
    fn below_trigger_plans_nothing() {
        let state = long_base(2_000 * ONE);
        assert!(state.inventory(P).unwrap() < RebalanceParams::default().trigger as i128);
        assert_eq!(plan(&state, P, &RebalanceParams::default()).unwrap(), None);
    }

    #[test]
    fn long_base_sells_base_down_to_target() {
        let state = long_base(60_000 * ONE);
        let params = RebalanceParams::default();
        let p = plan(&state, P, &params).unwrap().expect("due");
        assert_eq!(p.sell, Asset::Base);
        assert!(p.q_before >= params.trigger as i128);
        // Selling at exactly the oracle price lands on the target (up to rounding).
        let after = apply(&state, p.sell, p.amount_in, p.fair_out, 0).unwrap();
        let after = after.equilibrate(P, ONE / 4, Rounding::Down).unwrap();
        let q = after.inventory(P).unwrap();
        assert!(
            q > 0 && q.unsigned_abs() <= params.target + ONE / 1000,
            "q after {q}"
        );
        assert!(p.min_out < p.fair_out && p.min_out >= p.fair_out / 100 * 98);
    }

    #[test]
    fn long_quote_sells_quote() {
        let base = PoolState::balanced(100_000 * ONE, 1_000_000 * ONE);
        let state = PoolState {
            base_reserve: 60_000 * ONE,
            quote_reserve: 1_450_000 * ONE,
            regime: Regime::BaseShort,
            ..base
        }
        .equilibrate(P, ONE / 4, Rounding::Down)
        .unwrap();
        let p = plan(&state, P, &RebalanceParams::default())
            .unwrap()
            .expect("due");
        assert_eq!(p.sell, Asset::Quote);
        assert!(p.q_before < 0);
        assert_eq!(p.notional, p.amount_in);
        // Bought at the oracle price, the pool lands on the target, short base.
        let after = apply(&state, p.sell, p.amount_in, p.fair_out, 0).unwrap();
        let q = after
            .equilibrate(P, ONE / 4, Rounding::Down)
            .unwrap()
            .inventory(P)
            .unwrap();
        let target = RebalanceParams::default().target as i128;
        assert!(q < 0 && (q + target).abs() <= ONE as i128 / 1000, "q after {q}");
    }

    #[test]
    fn bounty_is_capped_by_rate_cap_and_budget() {
        let p = plan(&long_base(60_000 * ONE), P, &RebalanceParams::default())
            .unwrap()
            .unwrap();
        let params = RebalanceParams::default();
        let rate = p.notional / 1_000;
        assert_eq!(
            bounty(&p, &params, u128::MAX).unwrap(),
            rate.min(params.bounty_cap)
        );
        assert_eq!(bounty(&p, &params, 7).unwrap(), 7);
        let uncapped = RebalanceParams {
            bounty_cap: u128::MAX,
            ..params
        };
        assert_eq!(bounty(&p, &uncapped, u128::MAX).unwrap(), rate);
    }

    #[test]
    fn params_need_hysteresis_and_bounds() {
        let ok = RebalanceParams::default();
        assert!(ok.validate().is_ok());
        for bad in [
            RebalanceParams {
                target: ok.trigger,
                ..ok
            },
            RebalanceParams {
                trigger: ONE + 1,
                ..ok
            },
            RebalanceParams {
                max_venue_slippage_bps: MAX_SLIPPAGE_BPS + 1,
                ..ok
            },
            RebalanceParams {
                bounty_bps: MAX_BOUNTY_BPS + 1,
                ..ok
            },
            RebalanceParams {
                cooldown_ms: MAX_COOLDOWN_MS + 1,
                ..ok
            },
        ] {
            assert_eq!(bad.validate(), Err(CurveError::InvalidParameter));
        }
    }

    #[test]
    fn apply_refuses_overdrawn_reserves() {
        let state = long_base(60_000 * ONE);
        assert_eq!(
            apply(&state, Asset::Base, state.base_reserve + 1, 0, 0),
            Err(CurveError::InsufficientLiquidity)
        );
        assert_eq!(
            apply(&state, Asset::Base, 0, 0, state.quote_reserve + 1),
            Err(CurveError::InsufficientLiquidity)
        );
    }
}
