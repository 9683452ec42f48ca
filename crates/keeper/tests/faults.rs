//! The keeper against the compiled contracts while its chain fails: RPC errors and timeouts,
//! dropped and unconfirmed submissions, dry-runs that trap, a process stopped mid-submission and
//! rival keepers. What reached the chain is booked by the fault wrapper (`faulty`), not taken from
//! the keeper's word.
//!
//! Promises checked: no rebalance executed twice by one keeper, no retry after a non-retryable
//! failure, nothing sent after a pool refusal, state consistent after a restart, and every due
//! rebalance landing while 5% of all calls fail.

mod faulty;

use faulty::{Executions, Fault, Injector, Keeper, Op};
use keel_core::consts::DEFAULT_VENUE_FEE_BPS;
use keel_core::Asset;
use keel_harness::keeper::SandboxChain;
use keel_harness::pool::{self, PoolSwap};
use keel_harness::token;
use keel_harness::venue::{self, VenueSwap};
use keel_harness::{Fixture, Setup, BOB, CAROL, KEEPER, MALLORY, OWNER, UNIT};
use keel_interface::pool::PoolConfig;
use keel_keeper::backoff::Health;
use keel_keeper::chain::{Chain as _, Snapshot};
use keel_keeper::config::Config;
use keel_keeper::decide::{decide, Decision};
use keel_keeper::executor::{Action, Settings};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const BLOCK_MS: u64 = 6_000;
/// The oracle's (and the reference) price, quote per base.
const PRICE: u128 = 10;

fn settings() -> Settings {
    Config::default().settings(false)
}

/// A pool next to a venue a hundred times deeper, so rebalances barely move the venue, with a
/// two-block rebalance cooldown and a 3% trigger, so that a run makes many rebalances due.
fn market() -> Fixture {
    let mut config = PoolConfig::default();
    config.rebalance.cooldown_ms = 2 * BLOCK_MS;
    config.rebalance.trigger = keel_core::ONE / 100 * 3;
    Fixture::new(Setup {
        venue_base_liquidity: 10_000_000 * UNIT,
        venue_quote_liquidity: 100_000_000 * UNIT,
        config,
        ..Setup::default()
    })
}

/// A market Bob has left long base past its trigger.
fn due_market() -> Fixture {
    let mut m = market();
    m.push_long_base(12_000);
    m
}

fn epoch(m: &mut Fixture) -> u64 {
    pool::rebalance_status(&mut m.chain, m.pool).epoch
}

/// Whether a keeper with a clean record would rebalance now, from a read no fault touches.
fn due(m: &mut Fixture, settings: &Settings) -> bool {
    let pool = m.pool;
    let mut chain = SandboxChain::new(&mut m.chain, OWNER);
    let Ok(Snapshot { head, view }) = chain.read_pool(pool) else {
        return false;
    };
    matches!(
        decide(&view, &settings.policy, &Health::default(), head.time_ms),
        Decision::Rebalance { .. }
    )
}

fn scripted(faults: impl IntoIterator<Item = (Op, Fault)>, pool: ink::primitives::AccountId) -> Keeper {
    Keeper::new(KEEPER, CAROL, pool, Injector::script(faults))
}

#[test]
fn a_keeper_stopped_just_after_sending_does_not_send_again_once_restarted() {
    // given a due pool and a keeper whose process stops right after its rebalance is sent
    let mut m = due_market();
    let mut keeper = scripted([(Op::Submit, Fault::CrashAfterSend)], m.pool);
    let quote_before = m.balance(m.quote, KEEPER);

    // when it runs, is restarted with no memory, and runs again
    let first = keeper.pass(&mut m.chain, &settings());
    let second = keeper.pass(&mut m.chain, &settings());

    // then the one transaction landed, the restarted keeper read that and sent nothing
    assert!(matches!(first.action, Action::Failed(_)), "{:?}", first.action);
    assert_eq!(keeper.ledger.restarts, 1);
    assert_eq!(second.action, Action::None);
    assert_eq!(second.submissions, 0);
    assert_eq!(keeper.ledger.executed, 1);
    assert_eq!(keeper.ledger.duplicates, 0);
    assert_eq!(epoch(&mut m), 1);
    assert_eq!(m.balance(m.quote, KEEPER) - quote_before, keeper.ledger.bounties);
    assert!(keeper.ledger.bounties > 0);
}

#[test]
fn a_keeper_stopped_just_before_sending_lands_the_rebalance_once_restarted() {
    let mut m = due_market();
    let mut keeper = scripted([(Op::Submit, Fault::CrashBeforeSend)], m.pool);

    let first = keeper.pass(&mut m.chain, &settings());
    assert_eq!(epoch(&mut m), 0, "nothing was sent before the stop");
    let second = keeper.pass(&mut m.chain, &settings());

    assert!(matches!(first.action, Action::Failed(_)), "{:?}", first.action);
    assert!(matches!(second.action, Action::Landed { ref outcome, .. } if outcome.epoch == 1));
    assert_eq!(keeper.ledger.executed, 1);
    assert_eq!(epoch(&mut m), 1);
}

#[test]
fn a_trapping_dry_run_is_not_retried_and_the_pool_is_tried_again_after_backoff() {
    // given a due pool whose first dry-run traps (not a pool refusal: nothing says it will pass)
    let mut m = due_market();
    let mut keeper = scripted([(Op::DryRun, Fault::Reverted)], m.pool);

    // when the keeper runs twice in the same block, then once a block later
    let first = keeper.pass(&mut m.chain, &settings());
    let same_block = keeper.pass(&mut m.chain, &settings());
    m.chain.advance(settings().backoff.base_ms);
    let after_backoff = keeper.pass(&mut m.chain, &settings());

    // then the trap ended the first pass at once, the second waited, the third landed
    assert!(matches!(
        first.action,
        Action::Failed(keel_keeper::chain::ChainError::Reverted(_))
    ));
    assert_eq!(first.submissions, 0);
    assert_eq!(keeper.ledger.calls_after_fatal, 0);
    assert_eq!(same_block.decision.map(|d| d.label()), Some("backoff"));
    assert_eq!(same_block.submissions, 0);
    assert!(
        matches!(after_backoff.action, Action::Landed { .. }),
        "{:?}",
        after_backoff.action
    );
    assert_eq!(keeper.ledger.executed, 1);
}

#[test]
fn a_backoff_ends_on_the_keepers_clock_while_the_chain_stands_still() {
    // given a due pool whose first dry-run traps, on a chain that seals no block meanwhile
    let mut m = due_market();
    let mut keeper = scripted([(Op::DryRun, Fault::Reverted)], m.pool);
    let first = keeper.pass(&mut m.chain, &settings());
    assert!(matches!(first.action, Action::Failed(_)));

    // when the keeper's clock has run half the backoff, then all of it, the chain's time unmoved
    keeper.clock_ahead_ms = settings().backoff.base_ms / 2;
    let half_way = keeper.pass(&mut m.chain, &settings());
    keeper.clock_ahead_ms = settings().backoff.base_ms;
    let after_backoff = keeper.pass(&mut m.chain, &settings());

    // then it waited half way, and retried and landed once its clock passed the backoff
    assert_eq!(half_way.decision.map(|d| d.label()), Some("backoff"));
    assert_eq!(half_way.submissions, 0);
    assert!(
        matches!(after_backoff.action, Action::Landed { .. }),
        "{:?}",
        after_backoff.action
    );
    assert_eq!(keeper.ledger.executed, 1);
}

#[test]
fn a_keeper_beaten_by_a_rival_stops_and_the_bounty_is_paid_once() {
    let mut m = due_market();
    let mut keeper = scripted([(Op::Submit, Fault::Raced)], m.pool);
    let (keeper_before, rival_before) = (m.balance(m.quote, KEEPER), m.balance(m.quote, CAROL));

    let report = keeper.pass(&mut m.chain, &settings());

    assert_eq!(report.action, Action::AlreadyDone { epoch: 0 });
    assert_eq!((keeper.ledger.executed, keeper.ledger.beaten), (1, 1));
    assert_eq!(keeper.ledger.rival_landed, 1);
    assert_eq!(
        m.balance(m.quote, KEEPER),
        keeper_before,
        "the loser is paid nothing"
    );
    assert_eq!(
        m.balance(m.quote, CAROL) - rival_before,
        keeper.ledger.rival_bounties
    );
    assert_eq!(epoch(&mut m), 1);
}

#[test]
fn a_submission_whose_answer_is_lost_is_found_landed_and_not_sent_again() {
    let mut m = due_market();
    let mut keeper = scripted(
        [(Op::Submit, Fault::LostAnswer), (Op::Wait, Fault::Timeout)],
        m.pool,
    );

    let report = keeper.pass(&mut m.chain, &settings());

    assert_eq!(report.action, Action::AlreadyDone { epoch: 0 });
    assert_eq!(report.submissions, 1);
    assert_eq!(keeper.ledger.executed, 1);
    assert_eq!(epoch(&mut m), 1);
}

/// What one faulty run measured.
struct Run {
    blocks: u64,
    due_blocks: u32,
    rebalances: u64,
    /// Blocks from a rebalance becoming due to one landing, for each landing.
    latencies: Vec<u64>,
    /// Blocks for which each due spell lasted that ended with the pool back in band by trading,
    /// before any rebalance landed.
    unlanded: Vec<u64>,
    /// Due and still not landed when the run ended, in blocks.
    open: u64,
    keepers: [Executions; 2],
    bounties_paid: u128,
    bounties_booked: u128,
}

/// Two keepers (and, on `Raced`, a rival in front of them) watch a pool that a trader pushes
/// out of band, first selling base and then buying it back, while `rate` of their calls fail.
fn run(seed: u64, rate: f64, blocks: u64) -> Run {
    let settings = settings();
    let mut m = market();
    for t in [m.base, m.quote] {
        token::mint(&mut m.chain, OWNER, t, MALLORY.account(), ARBITRAGE_FUNDS).expect("mint");
    }
    let mut flow = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed);
    let mut keepers = [
        Keeper::new(KEEPER, CAROL, m.pool, Injector::random(seed, rate)),
        Keeper::new(
            CAROL,
            KEEPER,
            m.pool,
            Injector::random(seed.wrapping_add(1), rate),
        ),
    ];
    let balances = |m: &mut Fixture| m.balance(m.quote, KEEPER) + m.balance(m.quote, CAROL);
    let paid_before = balances(&mut m);
    let (mut due_since, mut latencies, mut unlanded, mut due_blocks) = (None, Vec::new(), Vec::new(), 0);
    for block in 0..blocks {
        m.chain.advance(BLOCK_MS);
        m.report(PRICE * UNIT, UNIT / 10 * 8).expect("oracle reading");
        let sell = if (block / 40) % 2 == 0 { m.base } else { m.quote };
        // 0.5% of the pool's value a block: the reading before it has returned the reference to
        // the oracle, and the sale moves it about 2.7%, inside the price band with the skew
        let size = if sell == m.base {
            1_000 * UNIT
        } else {
            10_000 * UNIT
        };
        let _ = pool::swap_exact_in(&mut m.chain, BOB, m.pool, PoolSwap::exact_in(sell, size));
        arbitrage_venue(&mut m);
        let epoch_before = epoch(&mut m);
        if due(&mut m, &settings) {
            due_blocks += 1;
            due_since.get_or_insert(block);
        } else if let Some(since) = due_since.take() {
            // The flow took the pool back into band before any keeper landed a rebalance.
            unlanded.push(block - since);
        }
        let first = flow.gen_range(0..2);
        for i in [first, 1 - first] {
            keepers[i].pass(&mut m.chain, &settings);
        }
        if epoch(&mut m) > epoch_before {
            latencies.push(block - due_since.take().unwrap_or(block));
        }
    }
    let rebalances = epoch(&mut m);
    let bounties_paid = balances(&mut m) - paid_before;
    let bounties_booked = keepers
        .iter()
        .map(|k| k.ledger.bounties + k.ledger.rival_bounties)
        .sum();
    Run {
        blocks,
        due_blocks,
        rebalances,
        latencies,
        unlanded,
        open: due_since.map_or(0, |since| blocks - since),
        keepers: keepers.map(|k| k.ledger),
        bounties_paid,
        bounties_booked,
    }
}

fn print(label: &str, r: &Run) {
    let [a, b] = &r.keepers;
    let sum = |f: fn(&Executions) -> u32| f(a) + f(b);
    let mut faults = std::collections::BTreeMap::new();
    for (fault, n) in a.faults.iter().chain(b.faults.iter()) {
        *faults.entry(format!("{fault:?}")).or_insert(0u32) += n;
    }
    let mean = r.latencies.iter().sum::<u64>() as f64 / r.latencies.len().max(1) as f64;
    println!(
        "{label}: {} blocks, due in {}, {} rebalances; latency mean {mean:.2} max {} blocks, back in band unlanded {:?}, open {}; \
         calls {}, faults {} {faults:?}; executed {}, beaten {}, rival {}, restarts {}; \
         duplicates {}, calls after fatal {}, submits after refusal {}; refusals {:?} {:?}",
        r.blocks,
        r.due_blocks,
        r.rebalances,
        r.latencies.iter().max().unwrap_or(&0),
        r.unlanded,
        r.open,
        sum(|l| l.calls),
        sum(Executions::faults_total),
        sum(|l| l.executed),
        sum(|l| l.beaten),
        sum(|l| l.rival_landed),
        sum(|l| l.restarts),
        sum(|l| l.duplicates),
        sum(|l| l.calls_after_fatal),
        sum(|l| l.submits_after_refusal),
        a.refusals,
        b.refusals,
    );
}

/// The longest a due rebalance may wait while 5% of calls fail: a failed pass backs off 6 s, 12 s,
/// 24 s..., so several failures in a row cost a few blocks, not more.
const MAX_LATENCY_BLOCKS: u64 = 12;

const ARBITRAGE_FUNDS: u128 = 100_000_000 * UNIT;

/// Mallory trades the venue back to the oracle's price, as arbitrageurs do: otherwise the
/// keepers' own rebalances would walk it out of the pool's slippage bound.
fn arbitrage_venue(m: &mut Fixture) {
    let reserves = venue::reserves(&mut m.chain, m.venue);
    let funds = (ARBITRAGE_FUNDS, ARBITRAGE_FUNDS);
    let Some(trade) =
        keel_sim::arbitrage::on_venue(reserves, DEFAULT_VENUE_FEE_BPS, PRICE as f64, funds, 0.01)
    else {
        return;
    };
    let token = if trade.sell == Asset::Base {
        m.base
    } else {
        m.quote
    };
    let _ = venue::swap_exact_in(
        &mut m.chain,
        MALLORY,
        m.venue,
        VenueSwap::exact_in(token, trade.amount_in),
    );
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Runs at 5% by default; `KEEL_FAULT_RATE`, `KEEL_FAULT_SEEDS` and `KEEL_FAULT_BLOCKS` make it
/// harsher or longer.
#[test]
fn at_a_five_percent_fault_rate_every_due_rebalance_lands_and_none_twice() {
    let blocks = env_or("KEEL_FAULT_BLOCKS", 160);
    let rate = env_or("KEEL_FAULT_RATE", 0.05);
    let seeds = env_or("KEEL_FAULT_SEEDS", 2);
    let calm = run(1, 0.0, blocks);
    print("no faults", &calm);
    assert_eq!(calm.keepers.iter().map(Executions::faults_total).sum::<u32>(), 0);
    assert!(calm.rebalances >= blocks / 8, "the flow must make rebalances due");
    assert!(calm.latencies.iter().all(|&l| l == 0), "{:?}", calm.latencies);

    for seed in 1..=seeds {
        let r = run(seed, rate, blocks);
        print(&format!("{:.0}% faults, seed {seed}", rate * 100.0), &r);
        for k in &r.keepers {
            assert_eq!(k.duplicates, 0, "a keeper executed an epoch it had landed");
            assert_eq!(k.calls_after_fatal, 0, "a keeper retried a non-retryable failure");
            assert_eq!(k.submits_after_refusal, 0, "a keeper sent what the pool refused");
        }
        let landed: u64 = r
            .keepers
            .iter()
            .map(|k| k.landed.len() as u64 + u64::from(k.rival_landed))
            .sum();
        assert_eq!(
            landed, r.rebalances,
            "every epoch landed by exactly one transaction"
        );
        assert_eq!(r.bounties_paid, r.bounties_booked, "bounties paid once per epoch");
        assert!(r.keepers.iter().map(Executions::faults_total).sum::<u32>() > 0);
        // Fewer rebalances than without faults is no failure: one that lands a block late sells
        // a little more drift at once. Waiting is what the latency bound below checks.
        assert!(r.rebalances >= blocks / 8, "{} rebalances", r.rebalances);
        let spells = r.latencies.iter().chain(&r.unlanded).copied();
        let worst = spells.chain([r.open]).max().unwrap_or(0);
        assert!(
            worst <= MAX_LATENCY_BLOCKS,
            "a due rebalance waited {worst} blocks"
        );
    }
}
