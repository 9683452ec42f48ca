//! What the keeper may spend, in the chain's native units: ceilings per transaction on gas and
//! storage deposit, and budgets per rolling hour, over all pools and per pool, on what a
//! transaction can cost at most (the node's fee quote, the deposit limit and the tip).
//!
//! The ceilings bound what one dry-run can ask the keeper to sign for (a contract at a watched
//! address can ask for any gas and deposit); the budgets bound how often, so a node or a contract
//! that makes every pass look due cannot drain the keeper's balance. Pure: the caller passes the
//! time, from [`ledger_ms`] (not the chain's: a dev chain's time stands still between blocks).

use ink::primitives::AccountId;
use std::collections::{HashMap, VecDeque};
use std::sync::OnceLock;
use std::time::Instant;

/// Milliseconds since this process first asked, on a clock that never steps: the budgets' hours
/// are timed on it, so a wall clock stepped forward (NTP, a resumed machine) cannot empty them.
pub fn ledger_ms() -> u64 {
    static START: OnceLock<Instant> = OnceLock::new();
    let start = *START.get_or_init(Instant::now);
    u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// The window the budgets are counted over.
pub const HOUR_MS: u64 = 3_600_000;

/// The operator's limits (`[node]` in `keeper.toml`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Most gas `ref_time` one transaction may carry, margin included.
    pub max_ref_time: u64,
    /// Most gas `proof_size` one transaction may carry, margin included.
    pub max_proof_size: u64,
    /// Most storage deposit one transaction may commit, margin included.
    pub max_deposit: u128,
    /// Most all transactions together may cost in any hour.
    pub hourly: u128,
    /// Most one pool's transactions may cost in any hour.
    pub hourly_per_pool: u128,
    /// Most transactions for one pool in any hour, whatever the node quotes their costs at (a
    /// node can quote a fee of 0 and a dry-run can ask for no deposit; the chain still charges).
    pub pool_hourly_transactions: u32,
}

/// Which budget a transaction would exceed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    AllPools,
    Pool,
}

/// Why a transaction is not signed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OverLimit {
    #[error("the transaction needs {needed} gas ref_time, above the {max} allowed per transaction")]
    RefTime { needed: u64, max: u64 },
    #[error("the transaction needs {needed} gas proof_size, above the {max} allowed per transaction")]
    ProofSize { needed: u64, max: u64 },
    #[error("the transaction needs a storage deposit of {needed}, above the {max} allowed per transaction")]
    Deposit { needed: u128, max: u128 },
    #[error("the rebalance may cost {cost} (native units), more than its bounty is worth ({worth}) at node.native_price")]
    Unprofitable { cost: u128, worth: u128 },
    #[error("{sent} transactions for this contract in the last hour, the most allowed")]
    Transactions { sent: u32 },
    #[error("{scope:?} hourly budget: this transaction may cost {needed}, {left} of {per_hour} is left")]
    Budget {
        scope: Scope,
        needed: u128,
        left: u128,
        per_hour: u128,
    },
}

/// The tip for send number `sent` (0 for the first) of one transaction that has to be sent
/// again: `tip` first, then doubled per send up to `cap` (no escalation when `cap <= tip`). A
/// send with a higher tip than the one it follows can replace it in the node's pool.
pub fn bumped_tip(tip: u128, cap: u128, sent: u32) -> u128 {
    if sent == 0 || cap <= tip {
        return tip;
    }
    let doubled = 1u128
        .checked_shl(sent.min(127))
        .and_then(|factor| tip.max(1).checked_mul(factor))
        .unwrap_or(u128::MAX);
    doubled.min(cap)
}

impl Limits {
    /// The hourly budget of `scope`.
    pub fn per_hour(&self, scope: Scope) -> u128 {
        match scope {
            Scope::AllPools => self.hourly,
            Scope::Pool => self.hourly_per_pool,
        }
    }

    /// Checks a dry-run's gas and deposit (margins included) against the per-transaction ceilings.
    ///
    /// # Errors
    /// The first ceiling exceeded.
    pub fn check_call(&self, ref_time: u64, proof_size: u64, deposit: u128) -> Result<(), OverLimit> {
        if ref_time > self.max_ref_time {
            return Err(OverLimit::RefTime {
                needed: ref_time,
                max: self.max_ref_time,
            });
        }
        if proof_size > self.max_proof_size {
            return Err(OverLimit::ProofSize {
                needed: proof_size,
                max: self.max_proof_size,
            });
        }
        if deposit > self.max_deposit {
            return Err(OverLimit::Deposit {
                needed: deposit,
                max: self.max_deposit,
            });
        }
        Ok(())
    }
}

/// Costs recorded over the last hour, oldest first.
#[derive(Clone, Debug, Default)]
struct Window(VecDeque<(u64, u128)>);

impl Window {
    fn spent(&mut self, now_ms: u64) -> u128 {
        while self
            .0
            .front()
            .is_some_and(|(at, _)| now_ms.saturating_sub(*at) >= HOUR_MS)
        {
            self.0.pop_front();
        }
        self.0
            .iter()
            .fold(0u128, |sum, (_, cost)| sum.saturating_add(*cost))
    }
}

/// What the keeper has spent, overall and per pool, in the last hour.
#[derive(Clone, Debug, Default)]
pub struct Ledger {
    all: Window,
    pools: HashMap<AccountId, Window>,
}

impl Ledger {
    /// The most a transaction for `pool` may cost now: the smaller of what is left of the two
    /// budgets.
    pub fn allowance(&mut self, limits: &Limits, pool: AccountId, now_ms: u64) -> (u128, Scope) {
        let all = limits.hourly.saturating_sub(self.all.spent(now_ms));
        let one = limits
            .hourly_per_pool
            .saturating_sub(self.pools.entry(pool).or_default().spent(now_ms));
        if one < all {
            (one, Scope::Pool)
        } else {
            (all, Scope::AllPools)
        }
    }

    /// Checks that one more transaction for `pool`, of at least `fixed` (deposit limit and tip),
    /// fits the budgets, and gives the most its fee may be.
    ///
    /// # Errors
    /// [`OverLimit::Transactions`] when the pool's count for the hour is reached;
    /// [`OverLimit::Budget`] when `fixed` alone does not fit.
    pub fn max_fee(
        &mut self,
        limits: &Limits,
        pool: AccountId,
        now_ms: u64,
        fixed: u128,
    ) -> Result<u128, OverLimit> {
        let window = self.pools.entry(pool).or_default();
        window.spent(now_ms);
        let sent = u32::try_from(window.0.len()).unwrap_or(u32::MAX);
        if sent >= limits.pool_hourly_transactions {
            return Err(OverLimit::Transactions { sent });
        }
        match self.allowance(limits, pool, now_ms).0.checked_sub(fixed) {
            Some(max_fee) => Ok(max_fee),
            None => Err(self.refusal(limits, pool, now_ms, fixed)),
        }
    }

    /// The refusal of a transaction for `pool` that may cost `needed` and does not fit.
    pub fn refusal(&mut self, limits: &Limits, pool: AccountId, now_ms: u64, needed: u128) -> OverLimit {
        let (left, scope) = self.allowance(limits, pool, now_ms);
        OverLimit::Budget {
            scope,
            needed,
            left,
            per_hour: limits.per_hour(scope),
        }
    }

    /// Records a transaction sent for `pool` that may cost `cost`.
    pub fn record(&mut self, pool: AccountId, now_ms: u64, cost: u128) {
        self.all.0.push_back((now_ms, cost));
        self.pools.entry(pool).or_default().0.push_back((now_ms, cost));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budgets_clock_counts_from_the_process_not_the_calendar() {
        let first = ledger_ms();
        std::thread::sleep(std::time::Duration::from_millis(5));
        let later = ledger_ms();
        assert!(later >= first + 5, "{first} -> {later}");
        // A wall clock in milliseconds since 1970 is past 1.7e12; this clock is the test's age.
        assert!(later < HOUR_MS, "{later}");
    }

    #[test]
    fn bumped_tips_double_to_the_cap_and_never_wrap() {
        let tips: Vec<u128> = (0..5).map(|n| bumped_tip(100, 1_000, n)).collect();
        assert_eq!(tips, [100, 200, 400, 800, 1_000]);
        assert_eq!(
            bumped_tip(1 << 40, u128::MAX, 88),
            u128::MAX,
            "2^40 * 2^88 saturates"
        );
        assert_eq!(bumped_tip(1 << 40, u128::MAX, 1_000), u128::MAX);
        assert_eq!(
            bumped_tip(50, 10, 3),
            50,
            "no escalation with a cap below the tip"
        );
    }

    const LIMITS: Limits = Limits {
        max_ref_time: 100,
        max_proof_size: 10,
        max_deposit: 5,
        hourly: 1_000,
        hourly_per_pool: 600,
        pool_hourly_transactions: 3,
    };

    #[test]
    fn each_ceiling_refuses_one_above_and_accepts_it_exactly() {
        assert_eq!(LIMITS.check_call(100, 10, 5), Ok(()));
        assert_eq!(
            LIMITS.check_call(101, 10, 5),
            Err(OverLimit::RefTime {
                needed: 101,
                max: 100
            })
        );
        assert_eq!(
            LIMITS.check_call(100, 11, 5),
            Err(OverLimit::ProofSize { needed: 11, max: 10 })
        );
        assert_eq!(
            LIMITS.check_call(100, 10, 6),
            Err(OverLimit::Deposit { needed: 6, max: 5 })
        );
    }

    #[test]
    fn the_pool_budget_binds_first_then_the_overall_one() {
        let (a, b) = (AccountId::from([1; 32]), AccountId::from([2; 32]));
        let mut ledger = Ledger::default();
        assert_eq!(ledger.max_fee(&LIMITS, a, 0, 100), Ok(500));
        ledger.record(a, 0, 550);
        assert_eq!(
            ledger.max_fee(&LIMITS, a, 1, 100),
            Err(OverLimit::Budget {
                scope: Scope::Pool,
                needed: 100,
                left: 50,
                per_hour: 600
            })
        );
        // b has its whole pool budget, but only 450 is left overall
        assert_eq!(ledger.allowance(&LIMITS, b, 1), (450, Scope::AllPools));
        ledger.record(b, 2, 450);
        assert!(matches!(
            ledger.max_fee(&LIMITS, b, 3, 1),
            Err(OverLimit::Budget {
                scope: Scope::AllPools,
                left: 0,
                ..
            })
        ));
    }

    #[test]
    fn transactions_quoted_at_nothing_are_still_counted() {
        let a = AccountId::from([1; 32]);
        let mut ledger = Ledger::default();
        for at in 0..3 {
            assert_eq!(ledger.max_fee(&LIMITS, a, at, 0), Ok(600));
            ledger.record(a, at, 0);
        }
        assert_eq!(
            ledger.max_fee(&LIMITS, a, 3, 0),
            Err(OverLimit::Transactions { sent: 3 })
        );
        assert_eq!(ledger.max_fee(&LIMITS, a, HOUR_MS, 0), Ok(600));
    }

    #[test]
    fn spending_leaves_the_budget_an_hour_after_it_was_recorded() {
        let a = AccountId::from([1; 32]);
        let mut ledger = Ledger::default();
        ledger.record(a, 1_000, 600);
        assert_eq!(ledger.allowance(&LIMITS, a, 1_000 + HOUR_MS - 1).0, 0);
        assert_eq!(ledger.allowance(&LIMITS, a, 1_000 + HOUR_MS), (600, Scope::Pool));
    }
}
