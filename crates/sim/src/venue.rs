//! A constant-product venue in memory: the venue contract's swap rule (`keel_core::venue`) on its
//! reserves, with no tokens. The fast backend's venue, and the constant-product pools the
//! benchmark compares Keel with.

use keel_core::cpmm::{self, CpState, Side};
use keel_core::pool::{Depth, Refusal};
use keel_core::rebalance::VenueDepth;
use keel_core::venue::{self, VenueError};
use keel_core::{Asset, CurveError};

/// A constant-product pool, base as token A.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InMemoryVenue {
    pub state: CpState,
    pub fee_bps: u32,
}

impl InMemoryVenue {
    /// A venue seeded with `(base, quote)`, as its first deposit leaves it.
    ///
    /// # Errors
    /// The deposit is refused by the curve.
    pub fn seeded(base: u128, quote: u128, fee_bps: u32) -> Result<InMemoryVenue, CurveError> {
        let deposit = cpmm::deposit(&CpState::default(), 0, base, quote)?;
        Ok(InMemoryVenue {
            state: deposit.after,
            fee_bps,
        })
    }

    pub fn reserves(&self) -> (u128, u128) {
        (self.state.reserve_a, self.state.reserve_b)
    }

    /// Its depth for a trade selling `sell`, as the venue contract's `depth` reports it.
    pub fn depth(&self, sell: Asset) -> VenueDepth {
        let (reserve_in, reserve_out) = match sell {
            Asset::Base => (self.state.reserve_a, self.state.reserve_b),
            Asset::Quote => (self.state.reserve_b, self.state.reserve_a),
        };
        VenueDepth {
            reserve_in,
            reserve_out,
            fee_bps: self.fee_bps,
        }
    }

    /// Sells exactly `amount_in` of `sell` for at least `min_out`, as the venue contract's
    /// `swap_exact_in`; a refusal changes nothing.
    ///
    /// # Errors
    /// The venue's [`VenueError`].
    pub fn swap_exact_in(&mut self, sell: Asset, amount_in: u128, min_out: u128) -> Result<u128, VenueError> {
        let side = match sell {
            Asset::Base => Side::A,
            Asset::Quote => Side::B,
        };
        let swap = venue::swap_exact_in(&self.state, side, amount_in, min_out, self.fee_bps)?;
        self.state = swap.after;
        Ok(swap.amount_out)
    }
}

/// The pool's rebalance reads this venue's depth, whatever address the configuration names.
impl<A> Depth<A> for InMemoryVenue {
    fn depth(&self, _venue: A, sell: Asset) -> Result<VenueDepth, Refusal> {
        Ok(InMemoryVenue::depth(self, sell))
    }
}
