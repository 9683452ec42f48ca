//! A funded market: two tokens, an oracle with a fresh reading, and a pool with liquidity.

use crate::oracle::{Reading, FEED};
use crate::pool::{Deposit, PoolSetup};
use crate::{oracle, pool, token, Actor, Chain, ALICE, BOB, CAROL, MALLORY, OWNER, REPORTER, UNIT};
use ink::env::call::utils::{ReturnType, Set, Unset};
use ink::env::call::{CreateBuilder, ExecutionInput, LimitParamsV2};
use ink::env::DefaultEnvironment;
use ink::primitives::AccountId;
use keel_pool::PoolConfig;

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
pub fn constructor_data<C, Args: parity_scale_codec::Encode, R>(builder: Constructor<C, Args, R>) -> Vec<u8> {
    let params = builder
        .code_hash(Default::default())
        .endowment(0)
        .salt_bytes(Vec::<u8>::new())
        .params();
    parity_scale_codec::Encode::encode(params.exec_input())
}

/// How a fixture market is stood up.
#[derive(Clone, Copy, Debug)]
pub struct Setup {
    /// Oracle price, quote per base (1e18).
    pub price: u128,
    /// Oracle annualised volatility (1e18).
    pub volatility: u128,
    /// Alice's first deposit.
    pub base_liquidity: u128,
    pub quote_liquidity: u128,
    /// Tokens of each kind every trader starts with.
    pub trader_funds: u128,
    pub config: PoolConfig,
}

impl Default for Setup {
    /// Base at 10 quote, 80%/yr volatility, 100,000 base + 1,000,000 quote of liquidity.
    fn default() -> Self {
        Setup {
            price: 10 * UNIT,
            volatility: UNIT / 10 * 8,
            base_liquidity: 100_000 * UNIT,
            quote_liquidity: 1_000_000 * UNIT,
            trader_funds: 1_000_000 * UNIT,
            config: PoolConfig::default(),
        }
    }
}

/// A deployed, funded market.
pub struct Market {
    pub chain: Chain,
    pub base: AccountId,
    pub quote: AccountId,
    pub oracle: AccountId,
    pub pool: AccountId,
}

/// Everyone's token and share balances, the pool's accounted reserves and its share supply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub balances: Vec<(Actor, u128, u128, u128)>,
    pub pool_tokens: (u128, u128),
    pub reserves: (u128, u128),
    pub total_shares: u128,
}

pub const TRADERS: [Actor; 4] = [ALICE, BOB, CAROL, MALLORY];

impl Market {
    /// Deploys and funds everything; Alice provides the first liquidity.
    pub fn new(setup: Setup) -> Market {
        let mut chain = Chain::new();
        let base = token::deploy(&mut chain, OWNER, "BASE");
        let quote = token::deploy(&mut chain, OWNER, "QUOTE");
        let oracle = oracle::deploy(&mut chain, OWNER, 2_000);
        oracle::add_reporter(&mut chain, OWNER, oracle, REPORTER.account()).expect("add reporter");
        let now = chain.now();
        let reading = Reading {
            price: setup.price,
            volatility: setup.volatility,
            timestamp: now,
        };
        oracle::submit(&mut chain, REPORTER, oracle, reading).expect("first reading");
        let pool = pool::deploy(
            &mut chain,
            OWNER,
            PoolSetup {
                base,
                quote,
                oracle,
                feed: FEED,
                config: setup.config,
            },
        )
        .expect("pool deploys");
        for trader in TRADERS {
            for t in [base, quote] {
                token::mint(&mut chain, OWNER, t, trader.account(), setup.trader_funds).expect("mint");
                token::approve(&mut chain, trader, t, pool, u128::MAX).expect("approve");
            }
        }
        let mut market = Market {
            chain,
            base,
            quote,
            oracle,
            pool,
        };
        if setup.base_liquidity > 0 {
            let deposit = Deposit::of(setup.base_liquidity, setup.quote_liquidity);
            pool::add_liquidity(&mut market.chain, ALICE, pool, deposit).expect("first deposit");
        }
        market
    }

    /// A market with the default setup.
    pub fn standard() -> Market {
        Market::new(Setup::default())
    }

    pub fn snapshot(&mut self) -> Snapshot {
        let (base, quote, pool) = (self.base, self.quote, self.pool);
        let balances = TRADERS
            .iter()
            .map(|a| {
                let who = a.account();
                (
                    *a,
                    token::balance(&mut self.chain, base, who),
                    token::balance(&mut self.chain, quote, who),
                    pool::shares(&mut self.chain, pool, who),
                )
            })
            .collect();
        Snapshot {
            balances,
            pool_tokens: (
                token::balance(&mut self.chain, base, pool),
                token::balance(&mut self.chain, quote, pool),
            ),
            reserves: pool::reserves(&mut self.chain, pool),
            total_shares: pool::total_shares(&mut self.chain, pool),
        }
    }

    /// Submits a new oracle reading taken now.
    pub fn report(&mut self, price: u128, volatility: u128) -> Result<(), keel_traits::OracleError> {
        let timestamp = self.chain.now();
        oracle::submit(
            &mut self.chain,
            REPORTER,
            self.oracle,
            Reading {
                price,
                volatility,
                timestamp,
            },
        )
    }

    pub fn balance(&mut self, token: AccountId, who: Actor) -> u128 {
        token::balance(&mut self.chain, token, who.account())
    }
}
