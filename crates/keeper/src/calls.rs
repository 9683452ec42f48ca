//! Call data for the pool messages the keeper sends, encoded with the pool's own ink! call
//! builders: a renamed or re-typed message breaks this build, not a running bot. Every backend
//! (drink now, a node later) sends these bytes.

use ink::codegen::TraitCallBuilder;
use ink::env::call::FromAccountId;
use ink::env::DefaultEnvironment;
use ink::primitives::AccountId;
use keel_pool::pool::PoolRef;
use parity_scale_codec::Encode;
use psp22::PSP22;

fn at(pool: AccountId) -> PoolRef {
    <PoolRef as FromAccountId<DefaultEnvironment>>::from_account_id(pool)
}

macro_rules! data {
    ($builder:expr) => {
        $builder.params().exec_input().encode()
    };
}

/// The view messages that make up a [`crate::decide::PoolView`], in its field order.
pub struct ViewCalls {
    pub curve_state: Vec<u8>,
    pub market_status: Vec<u8>,
    pub config: Vec<u8>,
    pub rebalance_status: Vec<u8>,
    pub is_paused: Vec<u8>,
    pub total_supply: Vec<u8>,
}

pub fn views(pool: AccountId) -> ViewCalls {
    let p = at(pool);
    ViewCalls {
        curve_state: data!(p.call().curve_state()),
        market_status: data!(p.call().market_status()),
        config: data!(p.call().config()),
        rebalance_status: data!(p.call().rebalance_status()),
        is_paused: data!(p.call().is_paused()),
        total_supply: data!(p.call().total_supply()),
    }
}

/// `rebalance(epoch, deadline)`.
pub fn rebalance(pool: AccountId, epoch: u64, deadline: u64) -> Vec<u8> {
    data!(at(pool).call_mut().rebalance(epoch, deadline))
}
