//! Liquidity: deposits that mint LP shares and withdrawals that burn them, with the provider's
//! minimums. The bounty budget is held per share: a deposit grows it by the shares it mints and a
//! withdrawal shrinks it by the shares it burns, so depositing and withdrawing leaves it as it was.

use super::{Ledger, Refusal};
use crate::math::{mul_div_u128, Rounding};
use crate::{CurveError, Deposit, Withdrawal};

impl Ledger {
    /// Books a deposit of at most `base_max` and `quote_max`, refused below `min_shares`: the
    /// reserves and targets grow, the share supply by the minted and locked shares, and the bounty
    /// budget in proportion (rounded down).
    ///
    /// # Errors
    /// [`Refusal::ZeroAmount`], the curve's refusal (reserve limit, too small to mint a share),
    /// [`Refusal::MinSharesNotMet`]. A refused deposit leaves the ledger unchanged.
    pub fn deposit(&mut self, base_max: u128, quote_max: u128, min_shares: u128) -> Result<Deposit, Refusal> {
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
        let total = self
            .total_shares
            .checked_add(minted)
            .ok_or(CurveError::Overflow)?;
        if self.total_shares > 0 {
            self.rebalancing.bounty_budget = mul_div_u128(
                self.rebalancing.bounty_budget,
                total,
                self.total_shares,
                Rounding::Down,
            )?;
        }
        self.total_shares = total;
        self.state = deposit.after;
        Ok(deposit)
    }

    /// Books burning `shares` of the `held` a provider has, refused below `min_base` or
    /// `min_quote`: the reserves, targets and share supply shrink, and the bounty budget with
    /// them. Returns what it pays.
    ///
    /// # Errors
    /// [`Refusal::ZeroAmount`], [`Refusal::InsufficientShares`], [`Refusal::NoLiquidity`], the
    /// curve's refusal (all the shares, the locked ones included; dust that would pay nothing),
    /// [`Refusal::MinAmountsNotMet`].
    /// A refused withdrawal leaves the ledger unchanged.
    pub fn withdraw(
        &mut self,
        held: u128,
        shares: u128,
        min_base: u128,
        min_quote: u128,
    ) -> Result<Withdrawal, Refusal> {
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
        self.rebalancing.bounty_budget =
            mul_div_u128(self.rebalancing.bounty_budget, kept, total, Rounding::Down)?;
        self.total_shares = kept;
        self.state = out.after;
        Ok(out)
    }
}
