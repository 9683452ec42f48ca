//! The terms the keeper signs a rebalance on: the bounty it expects and the limits it sends, from
//! its node's dry-run, or the less favourable of two nodes' when a second node must confirm.

use keel_client::api::{DryRun, ExecReturn, Weight};
use keel_interface::pool::RebalanceOutcome;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Terms {
    /// What the rebalance pays the keeper (quote units): the executor holds it to `tx_cost`.
    pub bounty: u128,
    pub gas: Weight,
    pub deposit: u128,
}

impl Terms {
    /// A dry-run's terms: the bounty it answered, its gas and deposit with `margin_pct` on top.
    pub(super) fn of(dry: &DryRun<ExecReturn>, outcome: &RebalanceOutcome, margin_pct: u64) -> Terms {
        Terms {
            bounty: outcome.bounty,
            gas: dry.gas_required.with_margin(margin_pct),
            deposit: dry.storage_deposit.limit_with_margin(u128::from(margin_pct)),
        }
    }

    /// What the keeper signs on, from its node's terms and, with a second node, that node's:
    /// the less favourable of the two ([`Terms::with`]). `outcome`, the answer the executor holds
    /// to `tx_cost`, is given the agreed bounty.
    pub(super) fn agreed(outcome: &mut RebalanceOutcome, first: Terms, second: Option<Terms>) -> Terms {
        let terms = second.map_or(first, |second| first.with(second));
        outcome.bounty = terms.bounty;
        terms
    }

    /// The less favourable of two nodes' terms, whichever node said which: the smaller bounty
    /// and the larger of each limit.
    #[must_use]
    pub(super) fn with(self, other: Terms) -> Terms {
        Terms {
            bounty: self.bounty.min(other.bounty),
            gas: Weight {
                ref_time: self.gas.ref_time.max(other.gas.ref_time),
                proof_size: self.gas.proof_size.max(other.gas.proof_size),
            },
            deposit: self.deposit.max(other.deposit),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use keel_client::api::StorageDeposit;

    fn dry(ref_time: u64, proof_size: u64, deposit: StorageDeposit) -> DryRun<ExecReturn> {
        DryRun {
            gas_consumed: Weight::default(),
            gas_required: Weight { ref_time, proof_size },
            storage_deposit: deposit,
            debug_message: vec![],
            result: Ok(ExecReturn {
                flags: 0,
                data: vec![],
            }),
        }
    }

    fn paying(bounty: u128) -> RebalanceOutcome {
        RebalanceOutcome {
            epoch: 1,
            token_sold: [1; 32].into(),
            sold: 1,
            bought: 1,
            bounty,
            q_before: 0,
            q_after: 0,
        }
    }

    #[test]
    fn a_dry_runs_terms_carry_its_bounty_and_its_limits_with_the_margin() {
        let terms = Terms::of(&dry(1_000, 200, StorageDeposit::Charge(50)), &paying(7), 10);
        assert_eq!(terms.bounty, 7);
        assert_eq!((terms.gas.ref_time, terms.gas.proof_size), (1_100, 220));
        assert_eq!(terms.deposit, 55);
        let refund = Terms::of(&dry(1_000, 200, StorageDeposit::Refund(50)), &paying(7), 10);
        assert_eq!(refund.deposit, 0);
    }

    #[test]
    fn the_answer_judged_against_tx_cost_carries_the_smaller_bounty_of_two_nodes() {
        let first = Terms::of(&dry(1_000, 300, StorageDeposit::Charge(50)), &paying(9), 0);
        let second = Terms::of(&dry(2_000, 100, StorageDeposit::Charge(40)), &paying(4), 0);
        let mut outcome = paying(9);
        let terms = Terms::agreed(&mut outcome, first, Some(second));
        assert_eq!((outcome.bounty, terms), (4, first.with(second)));
        // one node: its own terms and answer
        let mut alone = paying(9);
        assert_eq!(Terms::agreed(&mut alone, first, None), first);
        assert_eq!(alone.bounty, 9);
    }

    #[test]
    fn two_nodes_terms_are_the_smaller_bounty_and_the_larger_limits_either_way_round() {
        let first = Terms::of(&dry(1_000, 300, StorageDeposit::Charge(50)), &paying(9), 0);
        let second = Terms::of(&dry(2_000, 100, StorageDeposit::Charge(40)), &paying(4), 0);
        let expected = Terms {
            bounty: 4,
            gas: Weight {
                ref_time: 2_000,
                proof_size: 300,
            },
            deposit: 50,
        };
        assert_eq!(first.with(second), expected);
        assert_eq!(second.with(first), expected);
    }
}
