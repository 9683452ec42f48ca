//! Liquidity: deposits that mint LP shares and withdrawals that burn them, with the provider's
//! minimums; a leaving LP takes its share of the bounty budget with it.

use super::{Ledger, Refusal};
use crate::math::{mul_div_u128, Rounding};
use crate::{CurveError, Deposit, Withdrawal};

impl Ledger {
    /// A deposit of at most `base_max` and `quote_max`, refused below `min_shares`. Returns the
    /// deposit and the ledger it leaves (its share supply grown by the minted and locked shares).
    ///
    /// # Errors
    /// [`Refusal::ZeroAmount`], the curve's refusal (reserve limit, too small to mint a share),
    /// [`Refusal::MinSharesNotMet`].
    pub fn deposit(
        &self,
        base_max: u128,
        quote_max: u128,
        min_shares: u128,
    ) -> Result<(Deposit, Ledger), Refusal> {
        if base_max == 0 || quote_max == 0 {
            return Err(Refusal::ZeroAmount);
        }
        let deposit = crate::deposit(&self.state, self.total_shares, base_max, quote_max)?;
        if deposit.shares < min_shares {
            return Err(Refusal::MinSharesNotMet);
        }
        let minted = deposit
            .shares
            .checked_add(deposit.locked)
            .ok_or(CurveError::Overflow)?;
        let after = Ledger {
            state: deposit.after,
            total_shares: self
                .total_shares
                .checked_add(minted)
                .ok_or(CurveError::Overflow)?,
            ..*self
        };
        Ok((deposit, after))
    }

    /// Burning `shares` of the `held` a provider has, refused below `min_base` or `min_quote`.
    /// Returns what it pays and the ledger it leaves.
    ///
    /// # Errors
    /// [`Refusal::ZeroAmount`], [`Refusal::InsufficientShares`], [`Refusal::NoLiquidity`], the
    /// curve's refusal (all the shares, the locked ones included), [`Refusal::MinAmountsNotMet`].
    pub fn withdraw(
        &self,
        held: u128,
        shares: u128,
        min_base: u128,
        min_quote: u128,
    ) -> Result<(Withdrawal, Ledger), Refusal> {
        if shares == 0 {
            return Err(Refusal::ZeroAmount);
        }
        if held < shares {
            return Err(Refusal::InsufficientShares);
        }
        let total = self.total_shares;
        if total == 0 {
            return Err(Refusal::NoLiquidity);
        }
        let out = crate::withdraw(&self.state, total, shares)?;
        if out.base_out < min_base || out.quote_out < min_quote {
            return Err(Refusal::MinAmountsNotMet);
        }
        let kept = total.checked_sub(shares).ok_or(CurveError::Overflow)?;
        let mut after = Ledger {
            state: out.after,
            total_shares: kept,
            ..*self
        };
        after.rebalancing.bounty_budget =
            mul_div_u128(self.rebalancing.bounty_budget, kept, total, Rounding::Down)?;
        Ok((out, after))
    }
}
