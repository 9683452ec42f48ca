//! Rebalancing: when inventory has drifted past a trigger, sell the excess on an external venue.
//!
//! The pool quotes its long token cheaper to attract flow that restores it, but flow may not come;
//! a rebalance trades the excess away on a venue (a constant-product pool) so `|q|` falls from
//! beyond `trigger` to `target`. `trigger > target` gives hysteresis: right after a rebalance the
//! pool is well inside the band, so it cannot flicker in and out of "due". The pool and the keeper
//! both plan with [`plan`], so a keeper's decision is exactly the chain's.

use crate::band::{Band, MAX_COST_BPS};
use crate::math::{mul_div, mul_div_u128, narrow, wide, Rounding, BPS, ONE};
use crate::state::{Asset, PoolState};
use crate::CurveError;

/// Widest tolerance a pool may give a venue beyond its fee and the trade's own impact (1%).
pub const MAX_SLIPPAGE_BPS: u32 = 100;
/// Largest bounty rate (1% of the notional traded).
pub const MAX_BOUNTY_BPS: u32 = 100;
/// Longest cooldown between rebalances (one day).
pub const MAX_COOLDOWN_MS: u64 = 86_400_000;
/// Shortest cooldown between rebalances (one second): never two slices in one block.
pub const MIN_COOLDOWN_MS: u64 = 1_000;
/// Lowest trigger (1% of the targets' value): a rebalance is never due on noise.
pub const MIN_TRIGGER: u128 = ONE / 100;
/// The highest venue fee a rebalance counts on (1%): a venue that reports more is priced at it.
pub const MAX_VENUE_FEE_BPS: u32 = 100;
/// A slice sells at most the venue's reserve of the token sold times its fee over this divisor:
/// a sandwich must move the venue by the tolerance and pay the venue's fee both ways on a trade
/// that size, and it recovers twice the tolerance on the slice, so it loses while a slice is
/// under half the fee times the reserve. Four leaves a factor of two of margin.
pub const SLICE_DIVISOR: u128 = 4;

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
    /// A rebalance sells, slice by slice, until `|q|` is down to this (below `trigger`).
    pub target: u128,
    /// Least time between two rebalances (milliseconds).
    pub cooldown_ms: u64,
    /// How far below the venue's expected pay, at the oracle price and the venue's depth and fee,
    /// a rebalance still accepts (basis points): the venue's drift from the oracle.
    pub max_venue_slippage_bps: u32,
    /// The caller's bounty as a share of the notional traded (basis points of its quote value).
    pub bounty_bps: u32,
    /// Most quote units one rebalance pays as bounty.
    pub bounty_cap: u128,
    /// What one rebalance costs per unit sold (basis points of the notional: the venue's fee and
    /// impact, the bounty, gas). Zero keeps `trigger` and `target` fixed; otherwise they are the
    /// band at the reference volatility and cost, and the band follows the oracle's volatility
    /// and this cost by the rule of [`crate::band`].
    pub cost_bps: u32,
}

impl Default for RebalanceParams {
    /// Due at `|q| >= 5%`, back to 1% in slices at most one a block (6 s), within 50 bps of what
    /// the venue should pay at the oracle price, a 0.1% bounty capped at 100 quote tokens (18
    /// decimals), and a fixed band.
    ///
    /// With the default curve the 10% price band binds near `|q|` of 10-15% (less when volatility
    /// steepens `k`), so the trigger sits well inside it: by 5% the pool already quotes its long
    /// token about 5% under the oracle.
    fn default() -> Self {
        RebalanceParams {
            trigger: ONE / 20,
            target: ONE / 100,
            cooldown_ms: 6_000,
            max_venue_slippage_bps: 50,
            bounty_bps: 10,
            bounty_cap: 100 * ONE,
            cost_bps: 0,
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
            && (MIN_TRIGGER..=ONE).contains(&self.trigger)
            && (MIN_COOLDOWN_MS..=MAX_COOLDOWN_MS).contains(&self.cooldown_ms)
            && self.max_venue_slippage_bps <= MAX_SLIPPAGE_BPS
            && self.bounty_bps <= MAX_BOUNTY_BPS
            && self.cost_bps <= MAX_COST_BPS;
        if ok {
            Ok(())
        } else {
            Err(CurveError::InvalidParameter)
        }
    }
}

/// The venue's side of a rebalance, as the venue reports it: its reserves of the token the pool
/// sells and of the one it buys, and its fee.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "scale",
    derive(parity_scale_codec::Encode, parity_scale_codec::Decode, scale_info::TypeInfo)
)]
pub struct VenueDepth {
    pub reserve_in: u128,
    pub reserve_out: u128,
    pub fee_bps: u32,
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
    /// What the venue should pay at the oracle price, its depth and fee, less
    /// `max_venue_slippage_bps` (rounded up: the pool never accepts less).
    pub min_out: u128,
    /// Quote value of the trade at the oracle: the bounty's base.
    pub notional: u128,
    pub q_before: i128,
    /// Whether more remains to sell after this slice.
    pub partial: bool,
}

/// The excess a due rebalance sells in all: the long token and how much of it, down to the
/// target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Excess {
    pub sell: Asset,
    pub amount: u128,
    /// Inventory `q` before the rebalance.
    pub q: i128,
}

/// What an equilibrated `state` at `oracle_price` has to sell, or `None` when no rebalance is due:
/// `|q|` below the `band`'s trigger, or, while a sliced rebalance is `continuing` to sell the token
/// the pool is long, at or below its target.
///
/// # Errors
/// [`CurveError::Overflow`] past the bounds; [`CurveError::ZeroOutput`] when the excess is too
/// small to trade.
pub fn excess(
    state: &PoolState,
    oracle_price: u128,
    band: &Band,
    continuing: Option<Asset>,
) -> Result<Option<Excess>, CurveError> {
    let q = state.inventory(oracle_price)?;
    let size = q.unsigned_abs();
    let sell = if q > 0 { Asset::Base } else { Asset::Quote };
    let due = size >= band.trigger || (continuing == Some(sell) && size > band.target);
    if !due || size == 0 {
        return Ok(None);
    }
    // Sell the long token's own (authoritative) excess over its target, keeping `target` of the
    // targets' value: the premium the pool was paid for that excess is sold with it, so `|q|`
    // lands on the target from either side. Rounded to sell less.
    let over = state
        .reserve(sell)
        .checked_sub(state.target(sell))
        .ok_or(CurveError::Overflow)?;
    let value = state.target_value(oracle_price)?;
    let keep_value = narrow(mul_div(wide(band.target), wide(value), wide(ONE), Rounding::Up)?)?;
    let keep = match sell {
        Asset::Base => mul_div_u128(keep_value, ONE, oracle_price, Rounding::Up)?,
        Asset::Quote => keep_value,
    };
    let amount = over.checked_sub(keep).ok_or(CurveError::ZeroOutput)?;
    if amount == 0 {
        return Err(CurveError::ZeroOutput);
    }
    Ok(Some(Excess { sell, amount, q }))
}

impl Excess {
    /// The most one slice may sell on a venue of `depth`: its reserve of the token sold times its
    /// fee (at most [`MAX_VENUE_FEE_BPS`]) over [`SLICE_DIVISOR`], so no sandwich on the venue
    /// pays.
    ///
    /// # Errors
    /// [`CurveError::Overflow`].
    pub fn cap(depth: &VenueDepth) -> Result<u128, CurveError> {
        let fee_bps = depth.fee_bps.min(MAX_VENUE_FEE_BPS);
        mul_div_u128(
            depth.reserve_in,
            u128::from(fee_bps),
            BPS.checked_mul(SLICE_DIVISOR).ok_or(CurveError::Overflow)?,
            Rounding::Down,
        )
    }

    /// The next slice to sell on a venue of `depth` at `oracle_price`: the excess, at most
    /// [`Excess::cap`], priced by [`Excess::leg`].
    ///
    /// # Errors
    /// [`CurveError::InsufficientLiquidity`] when the venue is too shallow (or fee-free) for any
    /// slice; as [`Excess::leg`].
    pub fn slice(
        &self,
        oracle_price: u128,
        params: &RebalanceParams,
        depth: &VenueDepth,
    ) -> Result<RebalancePlan, CurveError> {
        let amount_in = self.amount.min(Self::cap(depth)?);
        let mut plan = self.leg(oracle_price, params, depth, amount_in)?;
        plan.partial = amount_in < self.amount;
        Ok(plan)
    }

    /// Selling exactly `amount_in` of the excess on a venue of `depth` at `oracle_price`, for at
    /// least what a constant-product venue at the oracle price with that depth and fee pays, less
    /// the tolerance. `partial` is left false: whether more remains is the caller's sum.
    ///
    /// # Errors
    /// [`CurveError::InsufficientLiquidity`] when `amount_in` is over [`Excess::cap`] (or the
    /// venue too shallow for any slice); [`CurveError::ZeroAmount`] for nothing;
    /// [`CurveError::ZeroOutput`] for a leg worth nothing; [`CurveError::Overflow`].
    pub fn leg(
        &self,
        oracle_price: u128,
        params: &RebalanceParams,
        depth: &VenueDepth,
        amount_in: u128,
    ) -> Result<RebalancePlan, CurveError> {
        let cap = Self::cap(depth)?;
        if cap == 0 || amount_in > cap {
            return Err(CurveError::InsufficientLiquidity);
        }
        if amount_in == 0 {
            return Err(CurveError::ZeroAmount);
        }
        let price = self.sell.price_in_other(oracle_price);
        let fair_out = mul_div_u128(amount_in, price.num, price.den, Rounding::Down)?;
        if fair_out == 0 {
            return Err(CurveError::ZeroOutput);
        }
        let notional = match self.sell {
            Asset::Base => fair_out,
            Asset::Quote => amount_in,
        };
        let min_out = expected_pay(
            fair_out,
            amount_in,
            depth.reserve_in,
            depth.fee_bps.min(MAX_VENUE_FEE_BPS),
            params.max_venue_slippage_bps,
        )?;
        Ok(RebalancePlan {
            sell: self.sell,
            amount_in,
            fair_out,
            min_out,
            notional,
            q_before: self.q,
            partial: false,
        })
    }
}

/// Plans the next slice of a rebalance: [`excess`] past the band `params` give at `volatility`,
/// then [`Excess::slice`] on a venue of `depth`.
///
/// # Errors
/// As [`RebalanceParams::band`], [`excess`] and [`Excess::slice`].
pub fn plan(
    state: &PoolState,
    oracle_price: u128,
    volatility: u128,
    params: &RebalanceParams,
    continuing: Option<Asset>,
    depth: &VenueDepth,
) -> Result<Option<RebalancePlan>, CurveError> {
    excess(state, oracle_price, &params.band(volatility)?, continuing)?
        .map(|e| e.slice(oracle_price, params, depth))
        .transpose()
}

/// The least a venue of `reserve_in` and `fee_bps` must pay for `amount_in` worth `fair_out` at
/// the oracle: what a constant-product venue priced at the oracle pays,
/// `fair_out * (1 - fee) * reserve_in / (reserve_in + amount_in)`, less `tolerance_bps`. Rounded
/// up at the end, never accepting less; the impact term counts the whole input against the
/// reserve, a shade more than the venue's fee leaves it, so an honest venue at the oracle pays it.
fn expected_pay(
    fair_out: u128,
    amount_in: u128,
    reserve_in: u128,
    fee_bps: u32,
    tolerance_bps: u32,
) -> Result<u128, CurveError> {
    let after_fee = BPS
        .checked_sub(u128::from(fee_bps))
        .ok_or(CurveError::InvalidParameter)?;
    let kept = BPS
        .checked_sub(u128::from(tolerance_bps))
        .ok_or(CurveError::InvalidParameter)?;
    let priced = mul_div(wide(fair_out), wide(after_fee), wide(BPS), Rounding::Down)?;
    let depth_in = wide(reserve_in)
        .checked_add(wide(amount_in))
        .ok_or(CurveError::Overflow)?;
    let impacted = mul_div(priced, wide(reserve_in), depth_in, Rounding::Down)?;
    narrow(mul_div(impacted, wide(kept), wide(BPS), Rounding::Up)?)
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
/// [`CurveError::InsufficientLiquidity`] when a reserve cannot pay;
/// [`CurveError::ReserveLimitExceeded`] when the bought side, before the bounty is paid, would
/// pass [`crate::MAX_RESERVE`], the bound every other way into the reserves keeps and the curve's
/// closed forms assume.
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
    // Held to the limit before the bounty is paid from quote bought: stricter by at most a
    // bounty at 2^96, for 48 bytes less on every call than checking the reserve after it.
    let gained = crate::liquidity::add_within_limit(state.reserve(buy), bought)?;
    after.set_reserve(buy, gained);
    let quote = after
        .quote_reserve
        .checked_sub(bounty)
        .ok_or(CurveError::InsufficientLiquidity)?;
    after.quote_reserve = quote;
    Ok(after)
}

#[cfg(test)]
mod tests;
