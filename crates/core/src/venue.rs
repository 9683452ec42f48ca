//! The constant-product venue's rules as the `Venue` interface speaks them: a swap with its
//! slippage bound, refused with a [`VenueError`]. The venue contract and the simulator's venue
//! both trade through [`swap_exact_in`].

use crate::cpmm::{self, CpState, CpSwap, Side};
use crate::CurveError;

/// Why a venue refused a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "scale",
    derive(parity_scale_codec::Encode, parity_scale_codec::Decode, scale_info::TypeInfo)
)]
pub enum VenueError {
    /// The block time is past the caller's `deadline`.
    Expired,
    /// An amount is zero.
    ZeroAmount,
    /// The token is not traded by this venue.
    UnknownToken,
    /// The venue holds too little liquidity for the trade (or none yet).
    InsufficientLiquidity,
    /// The trade would pay less than `min_out`.
    SlippageExceeded,
    /// An amount is beyond what the venue's math can hold.
    Overflow,
    /// A token refused a transfer (e.g. missing allowance or balance).
    TransferFailed,
}

impl From<CurveError> for VenueError {
    /// A refusal of the swap math as the venue reports it. A trade too small to pay anything is
    /// `ZeroAmount` (its output is zero); every bound of the math is `Overflow`.
    fn from(e: CurveError) -> Self {
        match e {
            CurveError::ZeroAmount | CurveError::ZeroOutput => VenueError::ZeroAmount,
            CurveError::InsufficientLiquidity | CurveError::DivisionByZero => {
                VenueError::InsufficientLiquidity
            }
            _ => VenueError::Overflow,
        }
    }
}

/// Prices selling exactly `amount_in` of `side_in` on `state` at `fee_bps`, refusing unless at
/// least `min_out` comes out. Nothing is applied until the caller stores `after`.
///
/// # Errors
/// The math's refusal as a [`VenueError`]; [`VenueError::SlippageExceeded`] below `min_out`.
pub fn swap_exact_in(
    state: &CpState,
    side_in: Side,
    amount_in: u128,
    min_out: u128,
    fee_bps: u32,
) -> Result<CpSwap, VenueError> {
    let swap = cpmm::swap(state, side_in, amount_in, fee_bps)?;
    if swap.amount_out < min_out {
        return Err(VenueError::SlippageExceeded);
    }
    Ok(swap)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_slippage_bound_refuses_less_than_asked_and_dust_is_zero_amount() {
        let state = CpState {
            reserve_a: 1_000_000,
            reserve_b: 1_000_000,
        };
        let swap = swap_exact_in(&state, Side::A, 1_000, 0, 30).expect("swap");
        assert_eq!(
            swap_exact_in(&state, Side::A, 1_000, swap.amount_out + 1, 30),
            Err(VenueError::SlippageExceeded)
        );
        assert_eq!(
            swap_exact_in(&state, Side::A, 1_000, swap.amount_out, 30),
            Ok(swap)
        );
        assert_eq!(
            swap_exact_in(&state, Side::A, 0, 0, 30),
            Err(VenueError::ZeroAmount)
        );
        assert_eq!(
            swap_exact_in(&CpState::default(), Side::B, 10, 0, 30),
            Err(VenueError::InsufficientLiquidity)
        );
    }
}
