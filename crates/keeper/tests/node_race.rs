//! On a real node: a competitor's rebalance lands between our keeper's dry-run and its
//! transaction. Ours must be sent, revert on chain, be read back as `StaleEpoch` from the state of
//! its block, and end the pass as "already done" rather than a failure: one rebalance, one bounty.
//!
//! Ignored by `cargo test`: `scripts/e2e-node.sh` runs it against its node, with `KEEL_E2E_URL`,
//! `KEEL_E2E_DEPLOYMENT` and a pool it has pushed out of band.

use ink::primitives::AccountId;
use keel_calls::{ToMessage, PSP22};
use keel_client::era::{era_blocks, MIN_ERA_BLOCKS, MORTAL_BLOCKS};
use keel_client::keys::{self, KeySource};
use keel_client::record::{Addresses, Deployment};
use keel_client::submit::SendLimits;
use keel_client::Node;
use keel_interface::pool::{PoolError, RebalanceOutcome};
use keel_keeper::chain::{Chain, ChainError, Head, Included, Snapshot, Submitted, Views};
use keel_keeper::config::{Config, NodeConfig};
use keel_keeper::decide::{decide, Decision, Route};
use keel_keeper::executor::{tick, Action, Report, Settings, Watched};
use keel_keeper::metrics::Metrics;
use keel_keeper::node::NodeChain;
use std::time::Duration;

/// What our transaction's block said, as the keeper read it back.
#[derive(Debug)]
struct OursIncluded {
    block: u64,
    result: String,
    events: usize,
}

/// Our keeper's chain, with a rival keeper that runs a whole pass (and lands its rebalance) right
/// after our first dry-run is accepted.
struct RivalFirst {
    ours: NodeChain,
    rival: NodeChain,
    rival_pool: Watched,
    settings: Settings,
    rival_report: Option<Report>,
    ours_included: Option<OursIncluded>,
}

impl Chain for RivalFirst {
    fn head(&mut self) -> Result<Head, ChainError> {
        self.ours.head()
    }

    fn read_pool(&mut self, pool: AccountId) -> Result<Snapshot, ChainError> {
        self.ours.read_pool(pool)
    }

    fn dry_run_rebalance(
        &mut self,
        pool: AccountId,
        epoch: u64,
        route: &Route,
    ) -> Result<Result<RebalanceOutcome, PoolError>, ChainError> {
        let answer = self.ours.dry_run_rebalance(pool, epoch, route)?;
        if answer.is_ok() && self.rival_report.is_none() {
            let report = tick(&mut self.rival, &mut self.rival_pool, &self.settings, None);
            self.rival_report = Some(report);
        }
        Ok(answer)
    }

    fn submit_rebalance(
        &mut self,
        pool: AccountId,
        epoch: u64,
        route: &Route,
    ) -> Result<Submitted, ChainError> {
        self.ours.submit_rebalance(pool, epoch, route)
    }

    fn wait_included(&mut self, tx: &Submitted) -> Result<Included, ChainError> {
        let included = self.ours.wait_included(tx)?;
        self.ours_included = Some(OursIncluded {
            block: included.block,
            result: format!("{:?}", included.result),
            events: included.events.len(),
        });
        Ok(included)
    }

    fn sleep_ms(&mut self, ms: u64) {
        self.ours.sleep_ms(ms);
    }
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: run scripts/e2e-node.sh"))
}

/// A keeper signing as `uri` with the default node settings; `finalized` waits for finality
/// rather than a best block.
fn keeper(url: &str, uri: &str, finalized: bool, record: &Deployment) -> NodeChain {
    let settings = NodeConfig {
        finalized,
        ..NodeConfig::default()
    };
    let mut node =
        Node::connect(url, Duration::from_millis(settings.reconnect_ms)).expect("the node answers");
    let chain = node.chain_type().expect("the chain's type");
    let signer = uri
        .parse::<KeySource>()
        .and_then(|k| k.load(&chain))
        .unwrap_or_else(|e| panic!("{uri}: {e}"));
    let trust = keel_keeper::node::trust(&settings, Some(record)).expect("the record's hashes");
    NodeChain::new(node, signer, settings.options(18), trust)
}

fn quote_balance(chain: &mut NodeChain, a: &Addresses) -> u128 {
    let me = AccountId::from(chain.account().0);
    chain
        .view(a.quote, keel_calls::token(a.quote).balance_of(me).message())
        .expect("balance_of")
}

#[test]
#[ignore = "needs a node: scripts/e2e-node.sh runs it"]
fn a_transactions_era_is_sized_by_the_block_time_the_chain_runs_at() {
    // given: the dev node, past its first blocks, which seals a block for each transaction, its
    // blocks' timestamps at least `Timestamp::MinimumPeriod` (5 ms) apart
    let mut node = Node::connect(&env("KEEL_E2E_URL"), Duration::from_secs(5)).expect("the node");
    let best = node.best_block().expect("the best block");
    assert!(best.number > 16, "the chain has {} blocks", best.number);
    // then: its block time is measured from its blocks' timestamps
    let block_ms = node.block_ms().expect("the chain").expect("a block time");
    assert!(block_ms >= 5, "{block_ms} ms");
    let era = era_blocks(
        Some(keel_keeper::chain::REBALANCE_LANDS_WITHIN_MS),
        Some(block_ms),
    );
    assert!(
        (MIN_ERA_BLOCKS..=MORTAL_BLOCKS).contains(&era) && era.is_power_of_two(),
        "{era}"
    );
}

#[test]
#[ignore = "needs a node: scripts/e2e-node.sh runs it"]
fn a_call_with_a_deadline_goes_out_with_the_era_sized_for_it() {
    // given: the dev node, a deployment's quote token, and a harmless call (an approval of 0)
    let url = env("KEEL_E2E_URL");
    let deployment = Deployment::load(env("KEEL_E2E_DEPLOYMENT").as_ref()).expect("deployment");
    let a = deployment.addresses().expect("addresses");
    let mut node = Node::connect(&url, Duration::from_secs(5)).expect("the node");
    let chain = node.chain_type().expect("the chain's type");
    let signer = "//Ferdie"
        .parse::<KeySource>()
        .and_then(|k| k.load(&chain))
        .expect("a dev key");
    let data = keel_calls::token(a.quote)
        .approve(a.pool, 0)
        .message()
        .data()
        .to_vec();
    let dry = node
        .dry_call(&keys::account(&signer), a.quote, data.clone(), None)
        .expect("the dry-run");
    let limits = (
        dry.gas_required.with_margin(20),
        dry.storage_deposit.limit_with_margin(20),
    );
    let block_ms = node.block_ms().expect("the chain").expect("a block time");
    let mut send = |valid_for_ms: Option<u64>| {
        let within = SendLimits {
            valid_for_ms,
            ..SendLimits::default()
        };
        let sent = node
            .send_call_within(&signer, a.quote, data.clone(), limits, 0, within)
            .expect("sent");
        let block = node
            .wait(sent.hash, false, Duration::from_secs(60))
            .expect("in a block");
        node.included_era(block.hash, sent.hash).expect("its era")
    };

    // when: one call asks to stay valid for twenty blocks' time, the next asks for nothing
    let bounded = send(Some(20 * block_ms));
    let open = send(None);

    // then: the first was signed valid for 16 blocks (the longest power of two that fits: not
    // the shortest era, nor the one for an unknown block time), the second for the default 64,
    // as the chain's own copy of each says
    assert_eq!(bounded, Some(16), "at {block_ms} ms a block");
    assert_eq!(open, Some(MORTAL_BLOCKS));
}

#[test]
#[ignore = "needs a node with a due pool: scripts/e2e-node.sh runs it"]
fn a_rival_landing_between_dry_run_and_send_makes_ours_revert_on_chain_as_already_done() {
    // given: a pool out of band, and two keepers that both see it due
    let url = env("KEEL_E2E_URL");
    let deployment = Deployment::load(env("KEEL_E2E_DEPLOYMENT").as_ref()).expect("deployment");
    let a = deployment.addresses().expect("addresses");
    let settings = Config::default().settings(false);
    // Ours waits for finality, the rival for a best block: both paths of `wait_included`.
    let mut ours = keeper(&url, "//Eve", true, &deployment);
    let rival = keeper(&url, "//Ferdie", false, &deployment);
    let before_block = Node::connect(&url, Duration::from_secs(5))
        .and_then(|mut node| node.best_block())
        .expect("the best block")
        .hash;
    let Snapshot { head, view: before } = ours.read_pool(a.pool).expect("pool");
    let due = decide(
        &before,
        &settings.policy,
        &keel_keeper::backoff::Health::default(),
        head.time_ms,
    );
    assert!(
        matches!(due, Decision::Rebalance { .. }),
        "the pool must be due for this test: {due:?}"
    );
    let epoch = before.rebalancing.epoch;
    let mut rival_chain = rival;
    let rival_before = quote_balance(&mut rival_chain, &a);
    let ours_before = quote_balance(&mut ours, &a);
    let metrics = Metrics::default();
    let mut race = RivalFirst {
        ours,
        rival: rival_chain,
        rival_pool: Watched::new("rival", a.pool),
        settings,
        rival_report: None,
        ours_included: None,
    };

    // when: our keeper runs one pass; the rival lands right after our dry-run
    let report = tick(
        &mut race,
        &mut Watched::new("ours", a.pool),
        &settings,
        Some(&metrics),
    );

    // then: the rival landed this epoch and was paid
    let rival_report = race.rival_report.take().expect("the rival ran");
    let Action::Landed { outcome, block } = rival_report.action else {
        panic!("the rival did not land: {:?}", rival_report.action)
    };
    assert_eq!(outcome.epoch, epoch + 1);
    assert!(outcome.bounty > 0);
    assert_eq!(quote_balance(&mut race.rival, &a), rival_before + outcome.bounty);
    // ours was sent, reverted in a later block, and was read back as the epoch already done
    assert_eq!(report.submissions, 1, "ours must have been sent");
    let ours = race.ours_included.take().expect("ours was included");
    assert!(
        ours.block > block,
        "ours in {} after the rival's {block}",
        ours.block
    );
    assert_eq!(ours.result, "Err(StaleEpoch)");
    assert_eq!(ours.events, 0);
    assert_eq!(report.action, Action::AlreadyDone { epoch });
    // exactly one rebalance, and no bounty for us
    let after = race.ours.read_pool(a.pool).expect("pool").view;
    assert_eq!(after.rebalancing.epoch, epoch + 1);
    // and a view read at a block before the race is that block's, every field of it
    let pinned = race.ours.read_pool_at(a.pool, before_block).expect("pool");
    assert_eq!(pinned.rebalancing.epoch, epoch, "a pinned read saw a later block");
    assert_eq!(
        (pinned.state, pinned.total_shares),
        (before.state, before.total_shares)
    );
    assert_eq!(quote_balance(&mut race.ours, &a), ours_before);
    let text = metrics.render();
    assert!(
        text.contains("keel_keeper_already_done_total{pool=\"ours\"} 1"),
        "{text}"
    );
    // ours paid a fee for nothing: counted, and the pool backs off
    assert!(
        text.contains("keel_keeper_reverted_total{pool=\"ours\"} 1"),
        "{text}"
    );
    assert!(!text.contains("keel_keeper_failures_total{"), "{text}");
    println!(
        "race: the rival rebalanced epoch {epoch} in block {block} (epoch now {}, bounty {}); \
         ours was sent, reverted in block {} and read back as {}: {:?}",
        outcome.epoch, outcome.bounty, ours.block, ours.result, report.action
    );
}
