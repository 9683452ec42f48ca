//! Call data for the messages Keel's tools send, encoded with the contracts' own ink! call
//! builders: a renamed or re-typed message breaks this build, not a running bot. Every
//! transport (drink in the keeper's sandbox backend, a node here) sends these bytes.

use ink::codegen::TraitCallBuilder;
use ink::env::call::FromAccountId;
use ink::env::DefaultEnvironment;
use ink::primitives::AccountId;
use keel_oracle::oracle::KeelOracleRef;
use keel_pool::pool::PoolRef;
use keel_token::token::TokenRef;
use keel_traits::FeedId;
use keel_venue::venue::ConstantProductRef;
use parity_scale_codec::Encode;
use psp22::PSP22;

fn at<R: FromAccountId<DefaultEnvironment>>(address: AccountId) -> R {
    R::from_account_id(address)
}

macro_rules! data {
    ($builder:expr) => {
        $builder.params().exec_input().encode()
    };
}

/// The pool's view messages that make up the keeper's `PoolView`, in its field order.
pub struct ViewCalls {
    pub curve_state: Vec<u8>,
    pub market_status: Vec<u8>,
    pub config: Vec<u8>,
    pub rebalance_status: Vec<u8>,
    pub is_paused: Vec<u8>,
    pub total_supply: Vec<u8>,
}

pub fn views(pool: AccountId) -> ViewCalls {
    let p: PoolRef = at(pool);
    ViewCalls {
        curve_state: data!(p.call().curve_state()),
        market_status: data!(p.call().market_status()),
        config: data!(p.call().config()),
        rebalance_status: data!(p.call().rebalance_status()),
        is_paused: data!(p.call().is_paused()),
        total_supply: data!(p.call().total_supply()),
    }
}

/// Pool `rebalance(epoch, deadline)`.
pub fn rebalance(pool: AccountId, epoch: u64, deadline: u64) -> Vec<u8> {
    data!(at::<PoolRef>(pool).call_mut().rebalance(epoch, deadline))
}

/// Pool `inventory()`.
pub fn inventory(pool: AccountId) -> Vec<u8> {
    data!(at::<PoolRef>(pool).call().inventory())
}

/// Pool `reserves()`.
pub fn reserves(pool: AccountId) -> Vec<u8> {
    data!(at::<PoolRef>(pool).call().reserves())
}

/// Pool `add_liquidity(base_max, quote_max, min_shares, to, deadline)`.
pub fn add_liquidity(
    pool: AccountId,
    base_max: u128,
    quote_max: u128,
    to: AccountId,
    deadline: u64,
) -> Vec<u8> {
    data!(at::<PoolRef>(pool)
        .call_mut()
        .add_liquidity(base_max, quote_max, 0, to, deadline))
}

/// Pool `swap_exact_in(token_in, amount_in, min_out, to, deadline)`.
pub fn swap_exact_in(
    pool: AccountId,
    token_in: AccountId,
    amount_in: u128,
    min_out: u128,
    to: AccountId,
    deadline: u64,
) -> Vec<u8> {
    data!(at::<PoolRef>(pool)
        .call_mut()
        .swap_exact_in(token_in, amount_in, min_out, to, deadline))
}

/// Venue `add_liquidity(a_max, b_max, min_shares, to, deadline)`.
pub fn venue_add_liquidity(
    venue: AccountId,
    a_max: u128,
    b_max: u128,
    to: AccountId,
    deadline: u64,
) -> Vec<u8> {
    data!(at::<ConstantProductRef>(venue)
        .call_mut()
        .add_liquidity(a_max, b_max, 0, to, deadline))
}

/// Oracle `add_reporter(reporter)`.
pub fn add_reporter(oracle: AccountId, reporter: AccountId) -> Vec<u8> {
    data!(at::<KeelOracleRef>(oracle).call_mut().add_reporter(reporter))
}

/// Oracle `submit(feed, price, volatility, timestamp)`.
pub fn submit_reading(
    oracle: AccountId,
    feed: FeedId,
    price: u128,
    volatility: u128,
    timestamp: u64,
) -> Vec<u8> {
    data!(at::<KeelOracleRef>(oracle)
        .call_mut()
        .submit(feed, price, volatility, timestamp))
}

/// Token `mint_to(to, value)` (owner only).
pub fn mint(token: AccountId, to: AccountId, value: u128) -> Vec<u8> {
    data!(at::<TokenRef>(token).call_mut().mint_to(to, value))
}

/// PSP22 `approve(spender, value)`.
pub fn approve(token: AccountId, spender: AccountId, value: u128) -> Vec<u8> {
    data!(at::<TokenRef>(token).call_mut().approve(spender, value))
}

/// PSP22 `balance_of(owner)`.
pub fn balance_of(token: AccountId, owner: AccountId) -> Vec<u8> {
    data!(at::<TokenRef>(token).call().balance_of(owner))
}

/// Constructor call data, from a contract ref's `new(..)`.
pub mod constructors {
    use ink::env::call::utils::{ReturnType, Set, Unset};
    use ink::env::call::{CreateBuilder, ExecutionInput, LimitParamsV2};
    use ink::env::DefaultEnvironment;
    use ink::primitives::AccountId;
    use keel_oracle::oracle::KeelOracleRef;
    use keel_pool::pool::PoolRef;
    use keel_pool::PoolConfig;
    use keel_token::token::TokenRef;
    use keel_traits::FeedId;
    use keel_venue::venue::ConstantProductRef;

    /// A contract ref's `new(..)` before the deployment details are filled in.
    pub type Constructor<C, Args, R> = CreateBuilder<
        DefaultEnvironment,
        C,
        Unset<ink::primitives::Hash>,
        Set<LimitParamsV2<DefaultEnvironment>>,
        Unset<u128>,
        Set<ExecutionInput<Args>>,
        Unset<ink::env::call::state::Salt>,
        Set<ReturnType<R>>,
    >;

    /// Call data of a constructor built with a contract ref's `new(..)`.
    pub fn data<C, Args: parity_scale_codec::Encode, R>(builder: Constructor<C, Args, R>) -> Vec<u8> {
        let params = builder
            .code_hash(Default::default())
            .endowment(0)
            .salt_bytes(Vec::<u8>::new())
            .params();
        parity_scale_codec::Encode::encode(params.exec_input())
    }

    /// A PSP22 test token with no initial supply.
    pub fn token(symbol: &str, decimals: u8) -> Vec<u8> {
        data(TokenRef::new(
            0,
            Some(symbol.into()),
            Some(symbol.into()),
            decimals,
        ))
    }

    pub fn oracle(max_jump_bps: u32) -> Vec<u8> {
        data(KeelOracleRef::new(max_jump_bps))
    }

    pub fn venue(token_a: AccountId, token_b: AccountId, fee_bps: u32) -> Vec<u8> {
        data(ConstantProductRef::new(token_a, token_b, fee_bps))
    }

    pub fn pool(
        base: AccountId,
        quote: AccountId,
        oracle: AccountId,
        feed: FeedId,
        config: PoolConfig,
    ) -> Vec<u8> {
        data(PoolRef::new(base, quote, oracle, feed, config))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALICE: &str = "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d";
    const BOB: &str = "8eaf04151687736326c9fea17e25fc5287613693c912909cb226aa4794f26a48";

    fn account(hex_id: &str) -> AccountId {
        let bytes: [u8; 32] = hex::decode(hex_id).expect("hex").try_into().expect("32 bytes");
        AccountId::from(bytes)
    }

    /// Call data as polkadot.js (`@polkadot/api-contract` 15, `Abi.findMessage(..).toU8a`, length
    /// prefix removed) encodes it from `target/ink/keel_pool/keel_pool.json`: a wallet and the
    /// keeper send the same bytes for the same call.
    #[test]
    fn pool_calls_encode_as_polkadot_js_encodes_them_from_the_metadata() {
        let (alice, bob) = (account(ALICE), account(BOB));
        let swap = swap_exact_in(alice, alice, 10u128.pow(21), 5, bob, 1 << 63);
        assert_eq!(
            hex::encode(swap),
            format!("cc6c7c50{ALICE}0000a0dec5adc935360000000000000005000000000000000000000000000000{BOB}0000000000000080")
        );
        let rebalance = rebalance(alice, 7, 1_795_316_017_530);
        assert_eq!(hex::encode(rebalance), "7b80fb0307000000000000007a692c01a2010000");
    }
}
