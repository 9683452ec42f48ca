//! Three reporters on the compiled oracle in drink, each reading CSV replays of two honest
//! exchanges; one reporter also reads an exchange that lies by 20%, and one stops halfway. The
//! feed keeps answering the honest median, the pool prices with it, and a keeper rebalances
//! in the meantime.

use keel_harness::keeper::SandboxChain;
use keel_harness::pool::{self, PoolSwap};
use keel_harness::reporter::ReporterChain;
use keel_harness::{oracle, Actor, Fixture, Setup, BOB, KEEPER, REPORTER, REPORTER_B, REPORTER_C, UNIT};
use keel_interface::pool::PoolConfig;
use keel_keeper::backoff::Backoff;
use keel_keeper::config::Config;
use keel_keeper::executor::{tick, Action as KeeperAction, Watched as Pool};
use keel_reporter::combine::{Drop, Rules};
use keel_reporter::policy::Policy;
use keel_reporter::price::parse_price;
use keel_reporter::service::{Action, Reporter, Watched};
use keel_reporter::source::Replay;
use keel_reporter::volatility::{Estimator, Settings};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const BLOCK_MS: u64 = 6_000;
const STEPS: u64 = 24;

/// Price text of the honest path at block `i` (0.2% a block, 6 decimals), and an exchange
/// `bps` basis points above it.
fn price_text(i: u64, bps: f64) -> String {
    format!("{:.6}", 10.0 * 1.002f64.powf(i as f64) * (1.0 + bps / 10_000.0))
}

/// A replay of the path `bps` above honest: one row a block.
fn write_path(dir: &Path, name: &str, bps: f64) -> PathBuf {
    let mut rows = String::new();
    for i in 0..=STEPS {
        let _ = writeln!(rows, "{},{}", i * BLOCK_MS / 1_000, price_text(i, bps));
    }
    let path = dir.join(format!("{name}.csv"));
    std::fs::write(&path, format!("seconds,price\n{rows}")).expect("write replay");
    path
}

/// What an honest reporter submits at row `i`: the two honest exchanges' median.
fn honest(i: u64) -> u128 {
    let a = parse_price(&price_text(i, 0.0)).expect("price");
    let b = parse_price(&price_text(i, 1.0)).expect("price");
    a / 2 + b / 2 + (a % 2 + b % 2) / 2
}

fn reporter(paths: &[&Path]) -> Reporter {
    let sources = paths
        .iter()
        .map(|p| Watched {
            source: Box::new(Replay::open(&p.display().to_string(), p).expect("replay")),
            max_age_ms: 30_000,
        })
        .collect();
    Reporter::new(
        oracle::FEED,
        sources,
        Rules {
            min_sources: 2,
            max_spread_bps: 100,
        },
        Policy {
            deviation_bps: 50,
            heartbeat_ms: 30_000,
            expiry_ms: 60_000,
        },
        Backoff {
            base_ms: 6_000,
            max_ms: 60_000,
        },
        Estimator::new(Settings {
            half_life_ms: 1_800_000,
            sample_ms: 6_000,
            prior: UNIT / 2,
            floor: 0,
        }),
    )
}

/// Every running reporter's round in this block; returns the readings included. Reporter A drops
/// its lying exchange every round, the others drop nothing, and every reading is honest.
fn report_round(m: &mut Fixture, reporters: &mut [(Actor, Reporter)], step: u64) -> u32 {
    let now = m.chain.now();
    let mut landed = 0;
    for (who, r) in reporters {
        let round = r.round(&mut ReporterChain::new(&mut m.chain, m.oracle, *who), now);
        let dropped = round
            .outcome
            .as_ref()
            .map(|o| o.dropped.clone())
            .unwrap_or_default();
        if *who == REPORTER {
            assert!(
                matches!(dropped[..], [(2, Drop::Outlier { off_bps })] if off_bps >= 1_900),
                "{dropped:?}"
            );
        } else {
            assert!(dropped.is_empty(), "{dropped:?}");
        }
        match round.action {
            Action::Landed { submission, .. } => {
                landed += 1;
                assert_eq!(submission.price, honest(step), "step {step}");
            }
            Action::Held => {}
            other => panic!("step {step}: {other:?}"),
        }
    }
    landed
}

/// The feed's answer is the honest median of the row it was observed at, and the pool prices
/// with it, fresh.
fn assert_priced_honestly(m: &mut Fixture, start: u64, step: u64) {
    let answer = oracle::latest(&mut m.chain, m.oracle).expect("the feed answers");
    if answer.timestamp >= start {
        let row = (answer.timestamp - start) / BLOCK_MS;
        assert_eq!(answer.price, honest(row), "step {step}");
    }
    let market = pool::market_status(&mut m.chain, m.pool).expect("the pool prices");
    assert_eq!(market.price, answer.price);
    assert!(market.age_ms <= 30_000, "step {step}: {} ms old", market.age_ms);
}

#[test]
fn three_reporters_keep_the_pool_at_the_honest_median_past_a_liar_and_a_stopped_reporter() {
    // given a market, two honest exchanges and a lying one, and three reporters
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b, liar) = (
        write_path(dir.path(), "a", 0.0),
        write_path(dir.path(), "b", 1.0),
        write_path(dir.path(), "liar", 2_000.0),
    );
    // (the pool prices at the oracle, without discovery between readings, so that one sale makes
    // a rebalance due; how discovery meets flow between readings is the attack suite's)
    let mut m = Fixture::new(Setup {
        venue_base_liquidity: 10_000_000 * UNIT,
        venue_quote_liquidity: 100_000_000 * UNIT,
        ..Setup::without_discovery()
    });
    let mut reporters: Vec<(Actor, Reporter)> = vec![
        (REPORTER, reporter(&[&a, &b, &liar])),
        (REPORTER_B, reporter(&[&a, &b])),
        (REPORTER_C, reporter(&[&a, &b])),
    ];
    let keeper_settings = Config::default().settings(false);
    let mut watched = Pool::new("pool", m.pool);
    let (mut landed, mut rebalanced) = (0, 0);
    let start = m.chain.now() + BLOCK_MS;

    for step in 0..STEPS {
        m.chain.advance(BLOCK_MS);
        // when reporter B stops halfway
        if step == STEPS / 2 {
            reporters.retain(|(who, _)| *who != REPORTER_B);
        }
        landed += report_round(&mut m, &mut reporters, step);
        // a trader leaves the pool long base, and the keeper watches every block
        if step == 1 {
            pool::swap_exact_in(
                &mut m.chain,
                BOB,
                m.pool,
                PoolSwap::exact_in(m.base, 12_000 * UNIT),
            )
            .expect("sell base");
        }
        let report = tick(
            &mut SandboxChain::new(&mut m.chain, KEEPER),
            &mut watched,
            &keeper_settings,
            None,
        );
        if matches!(report.action, KeeperAction::Landed { .. }) {
            rebalanced += 1;
        }

        // then the feed answers an honest reading, and the pool prices with it
        assert_priced_honestly(&mut m, start, step);
    }

    // A move past 50 bps every third block: 7 readings each from A and C, 3 from B before it stopped.
    assert_eq!(landed, 17, "submissions");
    // One rebalance in two slices: the venue's slice cap (7,500 base), then the rest a block later.
    assert_eq!(rebalanced, 2, "the keeper's slices");
    let trigger = i128::try_from(PoolConfig::default().rebalance.trigger).expect("trigger");
    assert!(
        pool::inventory(&mut m.chain, m.pool).expect("q").abs() < trigger,
        "back in band"
    );
    let slots = oracle::readings(&mut m.chain, m.oracle);
    let last = |who: Actor| {
        slots
            .iter()
            .find(|s| s.reporter == who.account())
            .and_then(|s| s.reading)
            .expect("a reading")
    };
    assert!(
        last(REPORTER_B).timestamp < start + STEPS / 2 * BLOCK_MS,
        "B stopped"
    );
    assert!(
        last(REPORTER).timestamp >= start + (STEPS - 6) * BLOCK_MS,
        "A kept reporting"
    );
    assert!(
        slots
            .iter()
            .filter_map(|s| s.reading)
            .all(|r| r.price < 11 * UNIT),
        "no lie reached the chain"
    );
}
