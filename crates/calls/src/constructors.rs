//! Every constructor's call data, from the contracts' own `new(..)`, typed by what a refused
//! deployment answers with.

use ink::env::call::utils::{ReturnType, Set, Unset};
use ink::env::call::{ConstructorReturnType, CreateBuilder, ExecutionInput, LimitParamsV2};
use ink::env::DefaultEnvironment;
use ink::primitives::AccountId;
use keel_attacker_token::attacker_token::AttackerTokenRef;
use keel_interface::pool::PoolConfig;
use keel_interface::FeedId;
use keel_mirror::mirror::KeelMirrorRef;
use keel_oracle::oracle::KeelOracleRef;
use keel_pool::pool::PoolRef;
use keel_token::token::TokenRef;
use keel_venue::venue::ConstantProductRef;
use parity_scale_codec::Encode;
use std::marker::PhantomData;

/// A constructor's call data; `E` is its refusal (`()` for constructors that cannot refuse).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Constructor<E> {
    data: Vec<u8>,
    refusal: PhantomData<fn() -> E>,
}

impl<E> Constructor<E> {
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    pub fn into_data(self) -> Vec<u8> {
        self.data
    }
}

/// A contract ref's constructor builder, as `Ref::new(..)` returns it.
pub type Builder<C, Args, R> = CreateBuilder<
    DefaultEnvironment,
    C,
    Unset<ink::primitives::Hash>,
    Set<LimitParamsV2<DefaultEnvironment>>,
    Unset<u128>,
    Set<ExecutionInput<Args>>,
    Unset<ink::env::call::state::Salt>,
    Set<ReturnType<R>>,
>;

/// The call data of a contract ref's `new(..)`: any contract's constructor, typed by its refusal
/// (the measuring contracts of the cost reports use it too).
pub fn constructor<C, Args: Encode, R: ConstructorReturnType<C>>(
    builder: Builder<C, Args, R>,
) -> Constructor<R::Error> {
    let params = builder
        .code_hash(ink::primitives::Hash::default())
        .endowment(0)
        .salt_bytes(Vec::<u8>::new())
        .params();
    Constructor {
        data: params.exec_input().encode(),
        refusal: PhantomData,
    }
}

/// A PSP22 test token with no initial supply, owned by its deployer.
pub fn token(symbol: &str, decimals: u8) -> Constructor<()> {
    constructor(TokenRef::new(
        0,
        Some(symbol.into()),
        Some(symbol.into()),
        decimals,
    ))
}

/// An oracle owned by its deployer, with no feeds yet.
pub fn oracle() -> Constructor<()> {
    constructor(KeelOracleRef::new())
}

/// An empty mirror of `source`'s answers, which only that oracle may write.
pub fn mirror(source: AccountId) -> Constructor<()> {
    constructor(KeelMirrorRef::new(source))
}

/// A constant-product venue trading `token_a` against `token_b` at `fee_bps`.
pub fn venue(
    token_a: AccountId,
    token_b: AccountId,
    fee_bps: u32,
) -> Constructor<keel_venue::ConstantProductError> {
    constructor(ConstantProductRef::new(token_a, token_b, fee_bps))
}

/// A pool of `base` against `quote`, priced by `feed` of `oracle`.
pub fn pool(
    base: AccountId,
    quote: AccountId,
    oracle: AccountId,
    feed: FeedId,
    config: PoolConfig,
) -> Constructor<keel_interface::PoolError> {
    constructor(PoolRef::new(base, quote, oracle, feed, config))
}

/// The attack tests' hostile token, unarmed.
pub fn attacker_token() -> Constructor<()> {
    constructor(AttackerTokenRef::new())
}
