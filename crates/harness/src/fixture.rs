//! A funded market: two tokens, an oracle with a fresh reading, and a pool and a constant-product
//! venue with liquidity.

use crate::oracle::{Reading, FEED};
use crate::pool::{PoolDeposit, PoolSetup};
use crate::venue::VenueDeposit;
use crate::{
    oracle, pool, token, venue, Actor, Sandbox, ALICE, BOB, CAROL, KEEPER, MALLORY, OWNER, REPORTERS, UNIT,
};
use ink::primitives::AccountId;
use keel_calls::ToMessage;
use keel_core::consts::DEFAULT_VENUE_FEE_BPS;
use keel_core::oracle::FeedConfig;
use keel_interface::pool::PoolConfig;

/// The most base one sale of [`Fixture::push`] sells (0.125% of the default pool's value): with
/// discovery on it shifts the reference by about 0.7%. Near the rebalance trigger (`q` 4.9%) the
/// default pool's skew alone puts its mid price 7% below the oracle (measured: 9.305 against 10),
/// leaving 3% of its 10% price band, so a sale much larger than this would be refused there.
pub const PUSH_SLICE: u128 = 250;

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
    /// Carol's first deposit into the venue (token A = base, token B = quote), minted to her on
    /// top of her trader funds.
    pub venue_base_liquidity: u128,
    pub venue_quote_liquidity: u128,
    /// Tokens of each kind every trader starts with.
    pub trader_funds: u128,
    /// The pool's configuration; its `venue` defaults to the fixture's venue.
    pub config: PoolConfig,
    /// The oracle feed's configuration; its three reporters are [`REPORTERS`].
    pub feed: FeedConfig,
    /// Whether the pool reads the oracle's answers from a mirror (`keel_mirror`, written by the
    /// oracle with every answer) instead of from the oracle: as Keel deploys it.
    pub mirror: bool,
}

impl Default for Setup {
    /// Base at 10 quote, 80%/yr volatility, 100,000 base + 1,000,000 quote of liquidity in the pool
    /// and the same in the venue, so both start at the oracle's price.
    fn default() -> Self {
        Setup {
            price: 10 * UNIT,
            volatility: UNIT / 10 * 8,
            base_liquidity: 100_000 * UNIT,
            quote_liquidity: 1_000_000 * UNIT,
            venue_base_liquidity: 100_000 * UNIT,
            venue_quote_liquidity: 1_000_000 * UNIT,
            trader_funds: 1_000_000 * UNIT,
            config: PoolConfig::default(),
            feed: FeedConfig::default(),
            mirror: true,
        }
    }
}

/// A deployed, funded market: two tokens, an oracle, a pool and a venue on a [`Sandbox`].
pub struct Fixture {
    pub chain: Sandbox,
    pub base: AccountId,
    pub quote: AccountId,
    pub oracle: AccountId,
    /// The oracle's mirror the pool reads, when [`Setup::mirror`].
    pub mirror: Option<AccountId>,
    pub pool: AccountId,
    /// A constant-product venue trading base (token A) against quote (token B) at
    /// [`DEFAULT_VENUE_FEE_BPS`].
    pub venue: AccountId,
}

/// What a refused call must leave as it was: everyone's token and pool share balances, the
/// pool's tokens, accounted reserves, share supply, targets and rebalancing record (epoch, bounty
/// budget), and every venue it rebalances on (the fixture's included): its reserves, share supply
/// and everyone's venue shares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    /// Each of [`TRADERS`], [`KEEPER`] and [`OWNER`]: base, quote, pool shares.
    pub balances: Vec<(Actor, u128, u128, u128)>,
    pub pool_tokens: (u128, u128),
    pub reserves: (u128, u128),
    pub total_shares: u128,
    pub curve: keel_core::PoolState,
    pub rebalancing: keel_interface::RebalanceStatus,
    /// Each account the pool lists as a venue, and the fixture's venue, with what it holds. A
    /// listed account that answers no venue's read (an owner's mistake some tests make) holds
    /// nothing to compare and is left out; the fixture's venue must answer.
    pub venues: Vec<(AccountId, VenueSnapshot)>,
}

/// One venue the pool rebalances on, as [`Snapshot`] holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VenueSnapshot {
    pub reserves: (u128, u128),
    pub total_shares: u128,
    /// Each actor's shares in it, in [`Snapshot::balances`]' order.
    pub shares: Vec<u128>,
}

pub const TRADERS: [Actor; 4] = [ALICE, BOB, CAROL, MALLORY];

impl Setup {
    /// The default market next to a venue a thousand times deeper than the pool: one slice (at
    /// most the venue's reserve times its fee over four) sells the whole excess, at little price
    /// impact.
    pub fn deep_venue() -> Setup {
        Setup {
            venue_base_liquidity: 100_000_000 * UNIT,
            venue_quote_liquidity: 1_000_000_000 * UNIT,
            ..Setup::default()
        }
    }

    /// The default market with its pool on `CurveParams::without_discovery()`, as pools of the
    /// earlier releases and plans with `discovery = false` run: the reference stays at the oracle
    /// and the age-scaled fee carries its full weight.
    pub fn without_discovery() -> Setup {
        Setup {
            config: PoolConfig {
                curve: keel_core::CurveParams::without_discovery(),
                ..PoolConfig::default()
            },
            ..Setup::default()
        }
    }
}

impl Fixture {
    /// Deploys and funds everything; Alice provides the pool's first liquidity, Carol the venue's.
    pub fn new(setup: Setup) -> Fixture {
        Fixture::with_pool_code(setup, &crate::chain::bundles().pool.wasm)
    }

    /// [`Fixture::new`] with the pool deployed from `pool_wasm`.
    pub fn with_pool_code(setup: Setup, pool_wasm: &[u8]) -> Fixture {
        Fixture::deployed_by(&setup, |chain, pool| {
            pool::deploy_code(chain, OWNER, pool, pool_wasm)
        })
    }

    /// [`Fixture::with_pool_code`] for a pool built in two codes: `cold_wasm`, the cold code
    /// `pool_wasm` names, is uploaded before the pool deploys.
    pub fn with_pool_codes(setup: Setup, pool_wasm: &[u8], cold_wasm: &[u8]) -> Fixture {
        Fixture::deployed_by(&setup, |chain, pool| {
            chain.upload(cold_wasm, OWNER);
            pool::deploy_code(chain, OWNER, pool, pool_wasm)
        })
    }

    /// [`Fixture::new`] with the pool as `release` deployed it ([`pool::deploy_release`]), the
    /// code a deployed pool upgrades from.
    pub fn release(setup: Setup, release: pool::Release) -> Fixture {
        Fixture::deployed_by(&setup, |chain, pool| {
            pool::deploy_release(chain, OWNER, pool, release)
        })
    }

    fn deployed_by(
        setup: &Setup,
        deploy: impl FnOnce(&mut Sandbox, PoolSetup) -> Result<AccountId, keel_interface::pool::PoolError>,
    ) -> Fixture {
        let setup = *setup;
        let mut chain = Sandbox::new();
        let base = token::deploy(&mut chain, OWNER, "BASE");
        let quote = token::deploy(&mut chain, OWNER, "QUOTE");
        let venue =
            venue::deploy(&mut chain, OWNER, base, quote, DEFAULT_VENUE_FEE_BPS).expect("venue deploys");
        let oracle = oracle::deploy(&mut chain, OWNER);
        oracle::configure_feed(&mut chain, OWNER, oracle, setup.feed).expect("configure the feed");
        for reporter in REPORTERS {
            oracle::add_reporter(&mut chain, OWNER, oracle, reporter.account()).expect("add reporter");
        }
        let mirror = setup.mirror.then(|| {
            let mirror = oracle::deploy_mirror(&mut chain, OWNER, oracle);
            oracle::set_mirror(&mut chain, OWNER, oracle, Some(mirror)).expect("set the mirror");
            mirror
        });
        let now = chain.now();
        let reading = Reading {
            price: setup.price,
            volatility: setup.volatility,
            timestamp: now,
        };
        for reporter in REPORTERS {
            oracle::submit(&mut chain, reporter, oracle, reading).expect("first reading");
        }
        let pool = deploy(
            &mut chain,
            PoolSetup {
                base,
                quote,
                oracle: mirror.unwrap_or(oracle),
                feed: FEED,
                config: PoolConfig {
                    venue: setup.config.venue.or(Some(venue)),
                    ..setup.config
                },
            },
        )
        .expect("pool deploys");
        for trader in TRADERS {
            for t in [base, quote] {
                token::mint(&mut chain, OWNER, t, trader.account(), setup.trader_funds).expect("mint");
                token::approve(&mut chain, trader, t, pool, u128::MAX).expect("approve");
                token::approve(&mut chain, trader, t, venue, u128::MAX).expect("approve");
            }
        }
        let mut market = Fixture {
            chain,
            base,
            quote,
            oracle,
            mirror,
            pool,
            venue,
        };
        if setup.base_liquidity > 0 {
            let deposit = PoolDeposit::of(setup.base_liquidity, setup.quote_liquidity);
            pool::add_liquidity(&mut market.chain, ALICE, pool, deposit).expect("first deposit");
        }
        if setup.venue_base_liquidity > 0 {
            let (a, b) = (setup.venue_base_liquidity, setup.venue_quote_liquidity);
            let carol = CAROL.account();
            token::mint(&mut market.chain, OWNER, base, carol, a).expect("mint");
            token::mint(&mut market.chain, OWNER, quote, carol, b).expect("mint");
            venue::add_liquidity(&mut market.chain, CAROL, venue, VenueDeposit::of(a, b))
                .expect("first venue deposit");
        }
        market
    }

    /// What deploys another pool on this market with `config`: its tokens, its oracle (the
    /// mirror, where the market has one) and the feed its pool reads.
    pub fn pool_setup(&self, config: PoolConfig) -> PoolSetup {
        PoolSetup {
            base: self.base,
            quote: self.quote,
            oracle: self.mirror.unwrap_or(self.oracle),
            feed: FEED,
            config,
        }
    }

    /// Deploys another venue of `fee_bps` holding `base` and `quote` (Carol's, minted to her),
    /// which every trader may trade on, and lists it after the pool's other venues.
    pub fn add_venue(&mut self, fee_bps: u32, base: u128, quote: u128) -> AccountId {
        let venue =
            venue::deploy(&mut self.chain, OWNER, self.base, self.quote, fee_bps).expect("venue deploys");
        for trader in TRADERS {
            for t in [self.base, self.quote] {
                token::approve(&mut self.chain, trader, t, venue, u128::MAX).expect("approve");
            }
        }
        let carol = CAROL.account();
        token::mint(&mut self.chain, OWNER, self.base, carol, base).expect("mint");
        token::mint(&mut self.chain, OWNER, self.quote, carol, quote).expect("mint");
        venue::add_liquidity(&mut self.chain, CAROL, venue, VenueDeposit::of(base, quote))
            .expect("venue deposit");
        let mut venues = pool::venues(&mut self.chain, self.pool);
        venues.push(venue);
        pool::set_venues(&mut self.chain, OWNER, self.pool, &venues).expect("list the venue");
        venue
    }

    /// Bob sells `base` whole tokens to the pool, leaving it long base with its reference back at
    /// the oracle ([`Fixture::push`]).
    pub fn push_long_base(&mut self, base: u128) {
        self.push(self.base, base * UNIT);
    }

    /// Bob sells `amount` of `token_in` to the pool as a market's flow arrives: in sales of at
    /// most [`PUSH_SLICE`] base (or its worth in quote), one a block, each followed by the
    /// reporters' reading of the oracle's standing price a block later. With discovery on (the
    /// default) one sale shifts the pool's reference by four times its share of the pool's value
    /// over the discovery depth, so a push of several percent in one sale reaches the price band;
    /// a reading observed after each sale knows it, and the reference returns to the oracle.
    ///
    /// The chain advances a block per sale (48 for 12,000 base), and every reading refreshes the
    /// oracle: its age, its realised volatility and `k`'s ramp move as in a live market.
    ///
    /// # Panics
    /// When `token_in` is neither of the pool's tokens, or the pool refuses a sale or the oracle
    /// a reading.
    pub fn push(&mut self, token_in: AccountId, amount: u128) {
        assert!(
            token_in == self.base || token_in == self.quote,
            "push sells the pool's base or quote"
        );
        let answer = oracle::answer(&mut self.chain, self.oracle).expect("the feed answers");
        let block_ms = pool::config(&mut self.chain, self.pool).curve.block_time_ms;
        let slice = if token_in == self.base {
            PUSH_SLICE * UNIT
        } else {
            keel_core::math::mul_div_u128(
                PUSH_SLICE * UNIT,
                answer.price,
                UNIT,
                keel_core::math::Rounding::Down,
            )
            .expect("a slice's worth")
        };
        let mut left = amount;
        while left > 0 {
            let sale = left.min(slice);
            pool::swap_exact_in(
                &mut self.chain,
                BOB,
                self.pool,
                pool::PoolSwap::exact_in(token_in, sale),
            )
            .expect("a push's sale");
            left -= sale;
            self.chain.advance(block_ms);
            self.report(answer.price, answer.reported_volatility)
                .expect("a reading after the sale");
        }
    }

    /// The split a keeper sends now: the pool's excess from its own views, each listed venue's
    /// depth from the venue, and `keel_core::split::best`.
    pub fn keeper_split(&mut self) -> keel_core::split::Split<AccountId> {
        use keel_core::math::Rounding;
        let state = crate::pool::curve_state(&mut self.chain, self.pool);
        let market = crate::pool::market_status(&mut self.chain, self.pool).expect("market");
        let config = crate::pool::config(&mut self.chain, self.pool);
        let eq = state
            .equilibrate(market.price, market.k, Rounding::Down)
            .expect("equilibrate");
        let band = config.rebalance.band(market.volatility).expect("band");
        let excess = keel_core::rebalance::excess(&eq, market.price, &band, None)
            .expect("excess")
            .expect("due");
        let sold = match excess.sell {
            keel_core::Asset::Base => self.base,
            keel_core::Asset::Quote => self.quote,
        };
        let venues: Vec<_> = crate::pool::venues(&mut self.chain, self.pool)
            .into_iter()
            .map(|v| (v, venue::depth(&mut self.chain, v, sold)))
            .collect();
        keel_core::split::best(&excess, market.price, &config.rebalance, &venues).expect("a split")
    }

    /// A market with the default setup.
    pub fn standard() -> Fixture {
        Fixture::new(Setup::default())
    }

    pub fn snapshot(&mut self) -> Snapshot {
        let (base, quote, pool) = (self.base, self.quote, self.pool);
        let actors: Vec<Actor> = TRADERS.iter().copied().chain([KEEPER, OWNER]).collect();
        let balances = actors
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
        let mut venues = pool::venues(&mut self.chain, pool);
        if !venues.contains(&self.venue) {
            venues.push(self.venue);
        }
        Snapshot {
            balances,
            pool_tokens: (
                token::balance(&mut self.chain, base, pool),
                token::balance(&mut self.chain, quote, pool),
            ),
            reserves: pool::reserves(&mut self.chain, pool),
            total_shares: pool::total_shares(&mut self.chain, pool),
            curve: pool::curve_state(&mut self.chain, pool),
            rebalancing: pool::rebalance_status(&mut self.chain, pool),
            venues: venues
                .into_iter()
                .filter_map(|v| {
                    let read = self
                        .chain
                        .try_call(OWNER, v, &keel_calls::venue(v).reserves().message());
                    assert!(
                        read.is_ok() || v != self.venue,
                        "the fixture's venue answers no read"
                    );
                    let held = VenueSnapshot {
                        reserves: read.ok()?,
                        total_shares: venue::total_shares(&mut self.chain, v),
                        shares: actors
                            .iter()
                            .map(|a| venue::shares(&mut self.chain, v, a.account()))
                            .collect(),
                    };
                    Some((v, held))
                })
                .collect(),
        }
    }

    /// Every reporter submits a reading taken now (the first refusal is the answer).
    pub fn report(&mut self, price: u128, volatility: u128) -> Result<(), keel_interface::OracleError> {
        let reading = Reading {
            price,
            volatility,
            timestamp: self.chain.now(),
        };
        REPORTERS
            .iter()
            .try_for_each(|r| oracle::submit(&mut self.chain, *r, self.oracle, reading))
    }

    /// Reporter `index` (of [`REPORTERS`]) submits a reading it observed at `timestamp`.
    pub fn report_as(
        &mut self,
        index: usize,
        price: u128,
        volatility: u128,
        timestamp: u64,
    ) -> Result<(), keel_interface::OracleError> {
        let reading = Reading {
            price,
            volatility,
            timestamp,
        };
        let reporter = REPORTERS
            .get(index)
            .copied()
            .ok_or(keel_interface::OracleError::NotReporter)?;
        oracle::submit(&mut self.chain, reporter, self.oracle, reading)
    }

    pub fn balance(&mut self, token: AccountId, who: Actor) -> u128 {
        token::balance(&mut self.chain, token, who.account())
    }

    /// Runs `call`, asserts it failed with `expected`, and asserts it moved nothing a
    /// [`Snapshot`] holds (balances, the pool's book, targets and rebalancing record, every
    /// venue), comparing one before and after.
    pub fn assert_refused<T: std::fmt::Debug, E: std::fmt::Debug + PartialEq>(
        &mut self,
        expected: E,
        call: impl FnOnce(&mut Fixture) -> Result<T, E>,
    ) {
        let before = self.snapshot();
        let got = call(self);
        assert_eq!(got.map(|_| ()), Err(expected));
        assert_eq!(self.snapshot(), before, "a refused call moved something");
    }
}
