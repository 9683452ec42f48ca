//! The pool's events. Off-chain tools decode them with these types, told apart by their signature
//! topics (`keel-calls`).

use ink::prelude::vec::Vec;
use ink::primitives::AccountId;

/// A swap settled.
#[ink::event]
pub struct Swapped {
    #[ink(topic)]
    pub trader: AccountId,
    pub to: AccountId,
    pub token_in: AccountId,
    pub amount_in: u128,
    pub amount_out: u128,
    pub fee: u128,
    /// Oracle price the swap was priced at.
    pub oracle_price: u128,
}

/// The pool sold excess inventory on its venue and paid the caller's bounty.
#[ink::event]
pub struct Rebalanced {
    #[ink(topic)]
    pub caller: AccountId,
    /// The rebalance's number: `rebalance_status().epoch` before it, plus one.
    #[ink(topic)]
    pub epoch: u64,
    pub token_sold: AccountId,
    pub sold: u128,
    pub bought: u128,
    /// Paid to `caller`, in quote.
    pub bounty: u128,
    /// Inventory `q` (1e18) before and after.
    pub q_before: i128,
    pub q_after: i128,
}

/// Liquidity was deposited.
#[ink::event]
pub struct LiquidityAdded {
    #[ink(topic)]
    pub provider: AccountId,
    pub to: AccountId,
    pub base_in: u128,
    pub quote_in: u128,
    pub shares: u128,
}

/// Liquidity was withdrawn.
#[ink::event]
pub struct LiquidityRemoved {
    #[ink(topic)]
    pub provider: AccountId,
    pub to: AccountId,
    pub base_out: u128,
    pub quote_out: u128,
    pub shares: u128,
}

/// The pool's configuration: a new pool's, then each the owner sets.
#[ink::event]
pub struct ConfigUpdated {
    // Spelled `crate::PoolConfig`: ink! derives the signature topic from the field's tokens, and
    // indexers key on the topic (`keel_calls::events` pins every event's).
    pub config: crate::PoolConfig,
}

/// The venues rebalances sell on (the configured `venue` first), each time the owner changes
/// them: by `set_venues`, or by a `set_config` with another `venue`.
#[ink::event]
pub struct VenuesUpdated {
    pub venues: Vec<AccountId>,
}

/// The owner paused or unpaused trading and deposits.
#[ink::event]
pub struct PauseChanged {
    pub paused: bool,
}

/// The owner offered the pool to a new owner, who has yet to accept.
#[ink::event]
pub struct OwnershipOffered {
    #[ink(topic)]
    pub owner: AccountId,
    #[ink(topic)]
    pub pending: AccountId,
}

/// Ownership moved to a new account.
#[ink::event]
pub struct OwnershipTransferred {
    #[ink(topic)]
    pub previous: AccountId,
    #[ink(topic)]
    pub new: AccountId,
}

/// The owner replaced the pool's code.
#[ink::event]
pub struct CodeUpgraded {
    pub code_hash: ink::primitives::Hash,
}

impl Rebalanced {
    /// The event of a rebalance `caller` made with `outcome`.
    pub fn new(caller: AccountId, outcome: &super::RebalanceOutcome) -> Rebalanced {
        Rebalanced {
            caller,
            epoch: outcome.epoch,
            token_sold: outcome.token_sold,
            sold: outcome.sold,
            bought: outcome.bought,
            bounty: outcome.bounty,
            q_before: outcome.q_before,
            q_after: outcome.q_after,
        }
    }

    /// What the rebalance did, as `rebalance` returned it.
    pub fn outcome(&self) -> super::RebalanceOutcome {
        super::RebalanceOutcome {
            epoch: self.epoch,
            token_sold: self.token_sold,
            sold: self.sold,
            bought: self.bought,
            bounty: self.bounty,
            q_before: self.q_before,
            q_after: self.q_after,
        }
    }
}
