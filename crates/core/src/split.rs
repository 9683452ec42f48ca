//! Rebalancing across several venues: one rebalance split into legs, one per venue.
//!
//! - Each leg is held to its own venue's oracle bound ([`Excess::leg`]): at most the venue's
//!   [`Excess::cap`], for at least what a constant-product venue at the oracle price with that
//!   venue's depth and fee pays, less the tolerance.
//! - No leg sells a unit for less than the last unit of the configured venue's slice alone
//!   (`rebalance`'s) pays: a split adds only what sells at least as well.
//! - The total sells at most the excess, so `|q|` never passes the target, and at least what
//!   `rebalance` would (so a dust split cannot use up the epoch and the cooldown), and must be
//!   expected to pay at least what filling the cheapest venues first pays for the same total
//!   ([`cheapest_first`]): a caller cannot route the pool's inventory through a dearer venue
//!   than the listed ones make necessary.
//! - A keeper's split ([`best`]) gives each part of the total to the venue whose next unit pays
//!   most, or is cheapest-first where that pays as much, and is checked with the pool's own
//!   [`Split::check`], so the pool accepts what it plans.

use crate::math::{mul_div_u128, Rounding, BPS, ONE};
use crate::pool::Refusal;
use crate::rebalance::{Excess, RebalanceParams, RebalancePlan, VenueDepth, MAX_VENUE_FEE_BPS};
use crate::CurveError;

/// Most venues a pool lists, and so most legs in one rebalance.
pub const MAX_VENUES: usize = 4;
/// The parts [`best`] allocates the total in: each goes where the next unit pays most.
const PARTS: u128 = 256;

/// One leg of a split rebalance: sell `amount_in` of the pool's long token on `venue`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "scale",
    derive(parity_scale_codec::Encode, parity_scale_codec::Decode, scale_info::TypeInfo)
)]
pub struct Leg<A> {
    pub venue: A,
    pub amount_in: u128,
}

/// A leg the pool's rules allow, with what its venue must pay.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LegPlan<A> {
    pub venue: A,
    pub plan: RebalancePlan,
}

/// A checked split: its legs in the caller's order, and their total (`min_out` the sum of the
/// legs', `partial` when the excess is not all sold).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Split<A> {
    pub legs: [Option<LegPlan<A>>; MAX_VENUES],
    pub total: RebalancePlan,
}

impl<A: Copy + PartialEq> Split<A> {
    /// Checks `legs` against the pool's `venues` (each with its depth for the token sold) for
    /// selling `excess` at `oracle_price`.
    ///
    /// # Errors
    /// [`Refusal::InvalidSplit`] for no legs, more legs than venues, a leg of nothing, or a leg
    /// on a venue not listed or listed twice; [`CurveError::InsufficientLiquidity`] when the
    /// configured venue (the first) is empty, as `rebalance` answers; [`Refusal::SplitTooLarge`]
    /// for a leg over its venue's cap (an empty venue's is zero) or a total over the excess; [`Refusal::CostlierSplit`] for a leg whose last unit pays less than
    /// the configured venue's slice's last; the curve's refusal of a leg (nothing to sell, worth
    /// nothing); [`Refusal::SplitTooSmall`] for a total under what `rebalance` would sell;
    /// [`Refusal::CostlierSplit`] when the legs are expected to pay less than cheapest-first.
    pub fn check(
        excess: &Excess,
        oracle_price: u128,
        params: &RebalanceParams,
        legs: &[Leg<A>],
        venues: &[(A, VenueDepth)],
    ) -> Result<Split<A>, Refusal> {
        if legs.is_empty() || legs.len() > venues.len().min(MAX_VENUES) {
            return Err(Refusal::InvalidSplit);
        }
        let floor = floor(excess, venues)?;
        let mut planned: [Option<LegPlan<A>>; MAX_VENUES] = [None; MAX_VENUES];
        for (i, leg) in legs.iter().enumerate() {
            if leg.amount_in == 0 {
                return Err(Refusal::InvalidSplit);
            }
            let repeated = legs
                .get(..i)
                .is_some_and(|earlier| earlier.iter().any(|e| e.venue == leg.venue));
            let depth = venues
                .iter()
                .find(|(venue, _)| *venue == leg.venue)
                .map(|(_, depth)| depth)
                .filter(|_| !repeated)
                .ok_or(Refusal::InvalidSplit)?;
            if leg.amount_in > Excess::cap(depth)? {
                return Err(Refusal::SplitTooLarge);
            }
            if next_unit_pays(depth, leg.amount_in)? < floor {
                return Err(Refusal::CostlierSplit);
            }
            let plan = excess.leg(oracle_price, params, depth, leg.amount_in)?;
            planned[i] = Some(LegPlan {
                venue: leg.venue,
                plan,
            });
        }
        let total = sum(excess, planned.iter().flatten().map(|l| &l.plan))?;
        if total.amount_in > excess.amount {
            return Err(Refusal::SplitTooLarge);
        }
        if total.amount_in < excess.amount.min(first_cap(venues)?) {
            return Err(Refusal::SplitTooSmall);
        }
        let reference = expected(
            excess,
            oracle_price,
            params,
            venues,
            &cheapest_first(venues, total.amount_in, floor)?,
        );
        if total.min_out < reference {
            return Err(Refusal::CostlierSplit);
        }
        Ok(Split { legs: planned, total })
    }

    /// The legs, as `rebalance_split` takes them.
    pub fn legs(&self) -> impl DoubleEndedIterator<Item = Leg<A>> + '_ {
        self.legs.iter().flatten().map(|l| Leg {
            venue: l.venue,
            amount_in: l.plan.amount_in,
        })
    }
}

/// The configured venue's (the first listed) cap: what `rebalance` alone would sell at most.
fn first_cap<A>(venues: &[(A, VenueDepth)]) -> Result<u128, CurveError> {
    venues.first().map_or(Ok(0), |(_, depth)| Excess::cap(depth))
}

/// What the last unit of the configured venue's slice alone pays (relative, 1e18): no leg may sell
/// a unit for less, so a split never adds a dearer tail to what `rebalance` would sell.
fn floor<A>(excess: &Excess, venues: &[(A, VenueDepth)]) -> Result<u128, CurveError> {
    match venues.first() {
        Some((_, depth)) if depth.reserve_in == 0 => Err(CurveError::InsufficientLiquidity),
        Some((_, depth)) => next_unit_pays(depth, excess.amount.min(Excess::cap(depth)?)),
        None => Ok(0),
    }
}

/// The total of the legs' plans, against the whole `excess`.
fn sum<'a>(
    excess: &Excess,
    plans: impl Iterator<Item = &'a RebalancePlan>,
) -> Result<RebalancePlan, CurveError> {
    let mut total = RebalancePlan {
        sell: excess.sell,
        amount_in: 0,
        fair_out: 0,
        min_out: 0,
        notional: 0,
        q_before: excess.q,
        partial: false,
    };
    for plan in plans {
        let add = |a: u128, b: u128| a.checked_add(b).ok_or(CurveError::Overflow);
        total.amount_in = add(total.amount_in, plan.amount_in)?;
        total.fair_out = add(total.fair_out, plan.fair_out)?;
        total.min_out = add(total.min_out, plan.min_out)?;
        total.notional = add(total.notional, plan.notional)?;
    }
    total.partial = total.amount_in < excess.amount;
    Ok(total)
}

/// What `amounts` (one per venue, in `venues`' order) are expected to pay at the least: the sum
/// of the legs' `min_out`, a leg the rules refuse (dust worth nothing) counting as zero.
fn expected<A>(
    excess: &Excess,
    oracle_price: u128,
    params: &RebalanceParams,
    venues: &[(A, VenueDepth)],
    amounts: &[u128; MAX_VENUES],
) -> u128 {
    venues
        .iter()
        .zip(amounts)
        .filter(|(_, amount)| **amount != 0)
        .map(|((_, depth), amount)| {
            excess
                .leg(oracle_price, params, depth, *amount)
                .map_or(0, |p| p.min_out)
        })
        .fold(0u128, u128::saturating_add)
}

/// `total` spread over `venues` cheapest fee first (the deeper first among equal fees), each up
/// to its cap: one amount per venue, in `venues`' order. What a total beyond every cap leaves
/// over is not placed.
///
/// # Errors
/// [`CurveError::Overflow`].
pub fn cheapest_first<A>(
    venues: &[(A, VenueDepth)],
    total: u128,
    floor: u128,
) -> Result<[u128; MAX_VENUES], CurveError> {
    let venues = venues.get(..venues.len().min(MAX_VENUES)).unwrap_or(venues);
    let key = |d: &VenueDepth| (d.fee_bps.min(MAX_VENUE_FEE_BPS), core::cmp::Reverse(d.reserve_in));
    let mut amounts = [0u128; MAX_VENUES];
    let mut filled = [false; MAX_VENUES];
    let mut left = total;
    // At most four venues: pick the cheapest unfilled one each round (no sort routine linked).
    for _ in venues {
        let next = venues
            .iter()
            .enumerate()
            .filter(|(i, _)| !filled[*i])
            .min_by_key(|(_, (_, d))| key(d));
        let Some((i, (_, depth))) = next else { break };
        filled[i] = true;
        let take = left.min(room_above(depth, floor)?);
        amounts[i] = take;
        left = left.saturating_sub(take);
    }
    Ok(amounts)
}

/// The most one slice sells on a venue of `depth` before its next unit pays less than `floor`,
/// at most its cap. In closed form, `reserve * (1 / s - 1)` with `s = sqrt(floor / (1 - fee))`
/// rounded up, then confirmed on [`next_unit_pays`] itself and stepped back where rounding left
/// it over: within a millionth of the last unit that pays the floor, and never past it.
///
/// # Errors
/// [`CurveError::Overflow`].
pub fn room_above(depth: &VenueDepth, floor: u128) -> Result<u128, CurveError> {
    let cap = Excess::cap(depth)?;
    if cap == 0 || next_unit_pays(depth, cap)? >= floor {
        return Ok(cap);
    }
    let kept = BPS.saturating_sub(u128::from(depth.fee_bps.min(MAX_VENUE_FEE_BPS)));
    if kept == 0 || next_unit_pays(depth, 0)? < floor {
        return Ok(0);
    }
    // floor < (1 - fee) here, so the ratio is under one and its root under ONE.
    let ratio = mul_div_u128(floor, BPS, kept, Rounding::Up)?;
    let root = crate::math::sqrt_wad(ratio)?.saturating_add(1).min(ONE);
    let mut room = mul_div_u128(depth.reserve_in, ONE.saturating_sub(root), root, Rounding::Down)?.min(cap);
    // Rounding leaves it at most a few units over; the step doubles, so this ends quickly.
    let mut step = (room / 1_000_000_000).max(1);
    while room > 0 && next_unit_pays(depth, room)? < floor {
        room = room.saturating_sub(step);
        step = step.saturating_mul(2);
    }
    Ok(room)
}

/// The pay of the next unit sold on a venue of `depth` already given `placed`, relative
/// (1e18 = the oracle value): `(1 - fee) * (reserve / (reserve + placed))^2`, the slope of the
/// constant-product venue's pay at the oracle price.
fn next_unit_pays(depth: &VenueDepth, placed: u128) -> Result<u128, CurveError> {
    let after = depth.reserve_in.checked_add(placed).ok_or(CurveError::Overflow)?;
    let kept = mul_div_u128(depth.reserve_in, ONE, after, Rounding::Down)?;
    let squared = mul_div_u128(kept, kept, ONE, Rounding::Down)?;
    let fee = u128::from(depth.fee_bps.min(MAX_VENUE_FEE_BPS));
    mul_div_u128(squared, BPS.saturating_sub(fee), BPS, Rounding::Down)
}

/// The split a keeper sends: the excess, up to what the usable venues take before a unit pays
/// less than the last unit of the configured venue's slice alone ([`room_above`]), in [`PARTS`]
/// parts, each on the venue whose next unit pays most; or cheapest-first where that is expected
/// to pay as much. A venue whose price now (its reserves, as a constant-product venue) would pay
/// less than its leg's `min_out` would revert the whole split, so it is left out and the rest
/// planned again. The pool accepts the result as planned, at the same depths.
///
/// # Errors
/// [`CurveError::InsufficientLiquidity`] when no venue takes any of it or every venue is off the
/// oracle; as [`Split::check`] (a split without a cheap venue that is off the oracle now may be
/// costlier than cheapest-first, which counts it).
pub fn best<A: Copy + PartialEq>(
    excess: &Excess,
    oracle_price: u128,
    params: &RebalanceParams,
    venues: &[(A, VenueDepth)],
) -> Result<Split<A>, Refusal> {
    let venues = venues.get(..venues.len().min(MAX_VENUES)).unwrap_or(venues);
    let mut usable = [true; MAX_VENUES];
    loop {
        let split = best_among(excess, oracle_price, params, venues, usable)?;
        let mut dropped = false;
        for leg in split.legs.iter().flatten() {
            let Some(i) = venues.iter().position(|(v, _)| *v == leg.venue) else {
                continue;
            };
            if pays_now(&venues[i].1, leg.plan.amount_in) < leg.plan.min_out {
                usable[i] = false;
                dropped = true;
            }
        }
        if !dropped {
            return Ok(split);
        }
    }
}

/// What a constant-product venue of `depth` pays now for `amount_in` (zero where it cannot).
fn pays_now(depth: &VenueDepth, amount_in: u128) -> u128 {
    let state = crate::cpmm::CpState {
        reserve_a: depth.reserve_in,
        reserve_b: depth.reserve_out,
    };
    crate::cpmm::swap(&state, crate::cpmm::Side::A, amount_in, depth.fee_bps).map_or(0, |s| s.amount_out)
}

/// [`best`] on the `usable` venues alone, checked against all of them.
fn best_among<A: Copy + PartialEq>(
    excess: &Excess,
    oracle_price: u128,
    params: &RebalanceParams,
    venues: &[(A, VenueDepth)],
    usable: [bool; MAX_VENUES],
) -> Result<Split<A>, Refusal> {
    // No unit pays less than the configured venue's slice alone pays for its last one (the
    // pool's rule too): a second venue adds what it sells at least as well, never a dearer tail.
    let floor = floor(excess, venues)?;
    let mut caps = [0u128; MAX_VENUES];
    for (i, (_, depth)) in venues.iter().enumerate() {
        if usable[i] {
            caps[i] = room_above(depth, floor)?;
        }
    }
    let room = caps.iter().fold(0u128, |a, c| a.saturating_add(*c));
    let most = excess.amount.min(room);
    if most == 0 {
        return Err(CurveError::InsufficientLiquidity.into());
    }
    let part = most.div_ceil(PARTS);
    let mut marginal = [0u128; MAX_VENUES];
    let mut left = most;
    while left > 0 {
        let step = part.min(left);
        let mut pick: Option<(usize, u128)> = None;
        for (i, (_, depth)) in venues.iter().enumerate() {
            let (placed, cap) = (marginal[i], caps[i]);
            if placed >= cap {
                continue;
            }
            let pays = next_unit_pays(depth, placed.saturating_add(step / 2).min(cap))?;
            if pick.is_none_or(|(_, best)| pays > best) {
                pick = Some((i, pays));
            }
        }
        let Some((i, _)) = pick else { break };
        let take = step.min(caps[i].saturating_sub(marginal[i]));
        marginal[i] = marginal[i].saturating_add(take);
        left = left.saturating_sub(take);
    }
    let total = most.saturating_sub(left);
    // Cheapest-first over the usable venues: the others with no reserve, so no room.
    let usable_venues: [(A, VenueDepth); MAX_VENUES] = {
        let mut out = [venues[0]; MAX_VENUES];
        for (i, slot) in out.iter_mut().enumerate().take(venues.len()) {
            *slot = if usable[i] {
                venues[i]
            } else {
                (
                    venues[i].0,
                    VenueDepth {
                        reserve_in: 0,
                        ..venues[i].1
                    },
                )
            };
        }
        out
    };
    let candidates = [
        cheapest_first(&usable_venues[..venues.len()], total, floor)?,
        marginal,
    ];
    let mut chosen: Option<Split<A>> = None;
    let mut refusal = Refusal::InvalidSplit;
    for amounts in candidates {
        let mut legs = [Leg {
            venue: venues[0].0,
            amount_in: 0,
        }; MAX_VENUES];
        let mut n = 0;
        for ((venue, _), amount) in venues.iter().zip(amounts) {
            if amount != 0 {
                legs[n] = Leg {
                    venue: *venue,
                    amount_in: amount,
                };
                n = n.saturating_add(1);
            }
        }
        match Split::check(excess, oracle_price, params, &legs[..n], venues) {
            Ok(split) if chosen.is_none_or(|c| split.total.min_out > c.total.min_out) => chosen = Some(split),
            Ok(_) => {}
            Err(e) => refusal = e,
        }
    }
    chosen.ok_or(refusal)
}

#[cfg(test)]
mod tests;
