//! The keeper's chain on a real node (`keel_client`): reads and dry-runs through
//! `ContractsApi_call`, `rebalance` signed as `Contracts::call` with limits from its dry-run
//! plus a margin, watched until in a block (or finalized), its `Rebalanced` event read back.
//!
//! The submission reuses the executor's dry-run (its call data and limits) rather than making
//! another: a competitor landing in between then makes ours revert on chain, which is read back
//! as the pool's answer, instead of a second dry-run's refusal surfacing as a chain failure.
//!
//! A transaction that reverts on chain does not carry the pool's error; the keeper dry-runs the
//! call data it sent on the state of the block it landed in to learn it (after a competitor's
//! rebalance that answer is `StaleEpoch`, which the executor reads as "already done").

use crate::chain::{
    read_pool_views, rebalance_message, Chain, ChainError, Head, Included, Snapshot, Submitted, Views,
    REBALANCE_DEADLINE_MS, REBALANCE_LANDS_WITHIN_MS,
};
use crate::decide::{PoolView, Route};
use crate::spending::{ledger_ms, Ledger};
use crate::trust::{Distrust, Hash, Trust};
use ink::primitives::AccountId;
use keel_calls::{Message, ToMessage};
use keel_client::api::{ExecReturn, RawDispatchError};
use keel_client::keys::{self, SigningKey};
use keel_client::record;
use keel_client::{Node, NodeError};
use keel_interface::pool::{PoolError, RebalanceOutcome};
use parity_scale_codec::Decode;
use resend::{forget_before, replaced_nonce, Attempts, LastSend};
use std::collections::HashMap;
use std::time::Duration;
use subxt::utils::{AccountId32, H256};
use terms::Terms;

mod budgeted;
mod checks;
pub use checks::judged;
pub mod process;
mod resend;
mod settings;
mod terms;
pub use budgeted::{send_within, Budgeted, Unsent};
use keel_client::submit::Sent;
pub(crate) use settings::check_sources;
pub use settings::{chain_error, escalated_tip, recorded_chain, trust, NodeOptions};

/// The rebalance message: what is sent, dry-run, and replayed to explain a revert.
type RebalanceCall = Message<Result<RebalanceOutcome, PoolError>>;

/// A second node's dry-run of a rebalance and the pool's answer in it.
type SecondOpinion = (
    keel_client::api::DryRun<ExecReturn>,
    Result<RebalanceOutcome, PoolError>,
);

/// A keeper signing with `signer` on a node, or reading only.
pub struct NodeChain {
    node: Node,
    /// None for a chain that reads only ([`NodeChain::reader`]).
    signer: Option<SigningKey>,
    account: AccountId32,
    opts: NodeOptions,
    /// Submissions so far per (pool, epoch), for the tip escalation and replacement.
    sends: HashMap<(AccountId, u64), Attempts>,
    /// What was sent in the last hour, against the budgets.
    ledger: Ledger,
    /// The last transaction this keeper sent, for any pool.
    last_sent: Option<H256>,
    /// The last accepted dry-run of a rebalance, which the next submission of it sends.
    prepared: Option<Prepared>,
    /// Call data of transactions sent and not yet seen in a block, by transaction hash, with the
    /// pool and epoch they rebalance: a revert is explained by replaying exactly what was sent
    /// (its deadline included).
    in_flight: HashMap<H256, (AccountId, u64, RebalanceCall)>,
    /// The chain and code this keeper signs for, checked on every read and before every dry-run
    /// that may be sent.
    trust: Trust,
    /// A second node that must also accept a rebalance's dry-run before it is signed.
    confirm: Option<Node>,
    /// The block a pool's views are being read at, while they are.
    reading_at: Option<H256>,
    /// Whether the chain declares itself for development (`Development` or `Local`), once read.
    dev_chain: Option<bool>,
}

/// A rebalance the pool accepted in a dry-run: what to send, and the limits it needs.
struct Prepared {
    pool: AccountId,
    epoch: u64,
    route: Route,
    call: RebalanceCall,
    gas: keel_client::api::Weight,
    deposit: u128,
    /// What the dry-run says the rebalance pays the keeper (quote units).
    bounty: u128,
}

impl NodeChain {
    pub fn new(node: Node, signer: SigningKey, opts: NodeOptions, trust: Trust) -> Self {
        let account = keys::account(&signer);
        Self::with(node, Some(signer), account, opts, trust)
    }

    /// This chain as the node declares it (`system_chainType`), read once by the caller: what
    /// the backoff's clock depends on (`Chain::clock_ms`), so no pass asks the node for it.
    #[must_use]
    pub fn on_chain_type(mut self, chain_type: &keys::ChainType) -> Self {
        self.dev_chain = Some(chain_type.allows_dev_keys());
        self
    }

    /// A chain that reads and dry-runs as a public dev account and signs nothing (`status`): a
    /// read needs no key, and sending answers [`ChainError::ReadOnly`].
    pub fn reader(node: Node, opts: NodeOptions, trust: Trust) -> Self {
        let account = keys::account(&subxt_signer::sr25519::dev::alice());
        Self::with(node, None, account, opts, trust)
    }

    fn with(
        node: Node,
        signer: Option<SigningKey>,
        account: AccountId32,
        opts: NodeOptions,
        trust: Trust,
    ) -> Self {
        NodeChain {
            node,
            signer,
            account,
            opts,
            sends: HashMap::new(),
            ledger: Ledger::default(),
            last_sent: None,
            prepared: None,
            in_flight: HashMap::new(),
            trust,
            confirm: None,
            reading_at: None,
            dev_chain: None,
        }
    }

    /// Has `second` confirm every rebalance before it is signed: the same call data, dry-run from
    /// the same account at its best block, must be accepted there too. A node that fakes "due"
    /// or an accepted dry-run then needs the second node to lie with it.
    ///
    /// # Errors
    /// The second node is on another chain than the record's or the first node's.
    pub fn confirmed_by(mut self, mut second: Node) -> Result<Self, ChainError> {
        let first = self.node.genesis_hash().map_err(chain_error)?;
        let other = second.genesis_hash().map_err(chain_error)?;
        self.trust.check_genesis(Hash(other.0))?;
        if first != other {
            return Err(Distrust::Genesis {
                expected: Hash(first.0),
                found: Hash(other.0),
            }
            .into());
        }
        self.confirm = Some(second);
        Ok(self)
    }

    /// The second node's dry-run of `call` and the pool's answer in it, if there is a second node.
    /// A second node that cannot be reached fails as a refusal does (not retryable): the pool
    /// backs off rather than every pass waiting out a reconnection to it.
    fn second_opinion(
        &mut self,
        pool: AccountId,
        call: &RebalanceCall,
    ) -> Result<Option<SecondOpinion>, ChainError> {
        let Some(second) = self.confirm.as_mut() else {
            return Ok(None);
        };
        let dry = second
            .dry_call(&self.account, pool, call.data().to_vec(), None)
            .map_err(|e| match chain_error(e) {
                e if e.is_retryable() => {
                    ChainError::Reverted(format!("the second node cannot be reached: {e}"))
                }
                e => e,
            })?;
        let said = answer(second, call, dry.result.clone()).map_err(|e| match e {
            ChainError::Reverted(why) => ChainError::Reverted(format!("the second node: {why}")),
            e => e,
        })?;
        Ok(Some((dry, said)))
    }

    /// `pool`'s view with every field read from the state of block `at`, so one view never
    /// mixes two blocks (a swap landing between two of its reads).
    ///
    /// # Errors
    /// As [`Views::view`]; a block whose state the node no longer keeps.
    pub fn read_pool_at(&mut self, pool: AccountId, at: H256) -> Result<PoolView, ChainError> {
        self.reading_at = Some(at);
        let view = read_pool_views(self, pool);
        self.reading_at = None;
        view
    }

    pub fn account(&self) -> &AccountId32 {
        &self.account
    }

    /// How many times the connection to the node was made again after it went away.
    pub fn reconnects(&self) -> u64 {
        self.node.reconnects()
    }

    /// Books `sent`, the rebalance of `pool`'s `epoch` after `attempts`: the next send of that
    /// epoch names its nonce and raises its tip, and a revert is explained by replaying `call`.
    fn remember(&mut self, pool: AccountId, epoch: u64, attempts: Attempts, sent: Sent, call: RebalanceCall) {
        self.sends.insert(
            (pool, epoch),
            Attempts {
                sent: attempts.sent.saturating_add(1),
                last: Some(LastSend {
                    hash: sent.hash,
                    nonce: sent.nonce,
                }),
            },
        );
        self.last_sent = Some(sent.hash);
        self.in_flight.insert(sent.hash, (pool, epoch, call));
    }

    /// A dry-run of the rebalance of `epoch` along `route` now; an accepted one is kept for the
    /// next submission if its gas and deposit (margins included) are within the ceilings. With a
    /// second node, an accepted answer's bounty is the smaller of the two nodes'.
    fn prepare(
        &mut self,
        pool: AccountId,
        epoch: u64,
        route: &Route,
    ) -> Result<Result<RebalanceOutcome, PoolError>, ChainError> {
        self.prepared = None;
        self.check_pool(pool)?;
        // The venues too: the owner may have pointed the pool at others since the last read.
        let config = self.view(pool, keel_calls::pool(pool).config().message())?;
        self.check_venue(config.venue)?;
        for leg in route.legs() {
            self.check_venue(Some(leg.venue))?;
        }
        let call = self.rebalance_call(pool, epoch, route)?;
        let (dry, mut answer) = self.dry(pool, &call, None)?;
        if let Ok(outcome) = &mut answer {
            let margin = self.opts.margin_pct;
            let first = Terms::of(&dry, outcome, margin);
            // With a second node, its answer must agree, and the less favourable of the two
            // nodes' terms are what the keeper signs on.
            let second = match self.second_opinion(pool, &call)? {
                Some((second, said)) => {
                    let confirmed = said.map_err(|refusal| {
                        tracing::warn!(pool = %pool_name(&pool), epoch, ?refusal, "the second node does not confirm the rebalance; not signed");
                        ChainError::Reverted(format!("the second node refuses what the first accepts: {refusal:?}"))
                    })?;
                    Some(Terms::of(&second, &confirmed, margin))
                }
                None => None,
            };
            let terms = Terms::agreed(outcome, first, second);
            if let Err(over) =
                self.opts
                    .limits
                    .check_call(terms.gas.ref_time, terms.gas.proof_size, terms.deposit)
            {
                tracing::error!(pool = %pool_name(&pool), epoch, %over, "rebalance refused before signing");
                return Err(over.into());
            }
            self.prepared = Some(Prepared {
                pool,
                epoch,
                route: *route,
                call,
                gas: terms.gas,
                deposit: terms.deposit,
                bounty: terms.bounty,
            });
        }
        Ok(answer)
    }

    /// `rebalance(epoch)`, or `rebalance_split(epoch, legs)` for a split `route`, with a deadline
    /// from the later of the best block's time and the wall clock (a dev chain seals blocks only
    /// on demand, so its head can be old).
    fn rebalance_call(
        &mut self,
        pool: AccountId,
        epoch: u64,
        route: &Route,
    ) -> Result<RebalanceCall, ChainError> {
        let now = self.node.deadline_base_ms().map_err(chain_error)?;
        Ok(rebalance_message(
            pool,
            epoch,
            route,
            now.saturating_add(REBALANCE_DEADLINE_MS),
        ))
    }

    fn dry(
        &mut self,
        pool: AccountId,
        call: &RebalanceCall,
        at: Option<H256>,
    ) -> Result<
        (
            keel_client::api::DryRun<ExecReturn>,
            Result<RebalanceOutcome, PoolError>,
        ),
        ChainError,
    > {
        let dry = self
            .node
            .dry_call(&self.account, pool, call.data().to_vec(), at)
            .map_err(chain_error)?;
        let answer = answer(&mut self.node, call, dry.result.clone())?;
        Ok((dry, answer))
    }
}

impl Views for NodeChain {
    fn view<R: Decode>(&mut self, pool: AccountId, message: Message<R>) -> Result<R, ChainError> {
        self.node
            .query_at(&self.account, pool, &message, self.reading_at)
            .map_err(chain_error)
    }
}

impl Chain for NodeChain {
    fn head(&mut self) -> Result<Head, ChainError> {
        let head = self.node.best_block().map_err(chain_error)?;
        Ok(Head {
            number: head.number,
            time_ms: head.time_ms,
        })
    }

    fn read_pool(&mut self, pool: AccountId) -> Result<Snapshot, ChainError> {
        self.check_pool(pool)?;
        let best = self.node.best_block().map_err(chain_error)?;
        let view = self.read_pool_at(pool, best.hash)?;
        self.check_venue(view.config.venue)?;
        for (venue, _) in view.more_venues.iter().flatten() {
            self.check_venue(Some(*venue))?;
        }
        Ok(Snapshot {
            head: Head {
                number: best.number,
                time_ms: best.time_ms,
            },
            view,
        })
    }

    fn dry_run_rebalance(
        &mut self,
        pool: AccountId,
        epoch: u64,
        route: &Route,
    ) -> Result<Result<RebalanceOutcome, PoolError>, ChainError> {
        self.prepare(pool, epoch, route)
    }

    /// Sends the rebalance the last dry-run accepted, or dry-runs it first if there is none.
    fn submit_rebalance(
        &mut self,
        pool: AccountId,
        epoch: u64,
        route: &Route,
    ) -> Result<Submitted, ChainError> {
        let ready = self
            .prepared
            .take()
            .filter(|p| p.pool == pool && p.epoch == epoch && p.route == *route);
        let p = if let Some(p) = ready {
            p
        } else {
            if let Err(refusal) = self.prepare(pool, epoch, route)? {
                return Err(ChainError::Reverted(format!("the pool refuses now: {refusal:?}")));
            }
            self.prepared
                .take()
                .ok_or_else(|| ChainError::Decode("no accepted dry-run to send".into()))?
        };
        let signer = self.signer.as_ref().ok_or(ChainError::ReadOnly)?;
        forget_before(&mut self.sends, pool, epoch, |k, _| *k);
        forget_before(&mut self.in_flight, pool, epoch, |_, (p, e, _)| (*p, *e));
        let attempts = self.sends.get(&(pool, epoch)).copied().unwrap_or_default();
        let tip = escalated_tip(&self.opts, attempts.sent);
        let call = Budgeted {
            contract: pool,
            data: p.call.data().to_vec(),
            gas: p.gas,
            deposit: p.deposit,
            tip,
            replace: replaced_nonce(attempts.last, self.last_sent),
            worth: self.opts.native_price.map(|price| (price, p.bounty)),
            valid_for_ms: Some(REBALANCE_LANDS_WITHIN_MS),
        };
        let span = tracing::error_span!("rebalance", pool = %pool_name(&pool), epoch);
        let sent = span.in_scope(|| {
            send_within(
                "rebalance",
                &mut self.node,
                signer,
                &mut self.ledger,
                &self.opts.limits,
                call,
                ledger_ms(),
            )
        });
        let sent = match sent {
            Ok(sent) => sent,
            Err(Unsent::Node(NodeError::MaybeSent { sent, cause })) => {
                // Remembered as sent: the resend after the pass's re-read names its nonce.
                self.remember(pool, epoch, attempts, sent, p.call);
                tracing::warn!(
                    pool = %pool_name(&pool), epoch, tx = ?sent.hash, nonce = sent.nonce, %cause,
                    "rebalance may have been sent: the connection failed as it left"
                );
                return Err(chain_error(NodeError::MaybeSent { sent, cause }));
            }
            Err(unsent) => return Err(unsent.into()),
        };
        self.remember(pool, epoch, attempts, sent, p.call);
        let hash = sent.hash;
        tracing::info!(
            pool = %pool_name(&pool), epoch, tx = ?hash, nonce = sent.nonce, fee = sent.fee,
            deposit_limit = p.deposit, tip, legs = p.route.legs().len(), "rebalance submitted"
        );
        Ok(Submitted {
            pool,
            epoch,
            handle: hash.0.to_vec(),
        })
    }

    fn wait_included(&mut self, tx: &Submitted) -> Result<Included, ChainError> {
        let hash: [u8; 32] = tx
            .handle
            .clone()
            .try_into()
            .map_err(|_| ChainError::Decode("not a transaction hash".into()))?;
        let waited = self
            .node
            .wait(H256(hash), self.opts.finalized, self.opts.confirm_timeout);
        // Still pending after a timeout; any other outcome is final for this transaction.
        let sent = match &waited {
            Err(NodeError::Timeout) => None,
            _ => self.in_flight.remove(&H256(hash)).map(|(_, _, call)| call),
        };
        let block = waited.map_err(chain_error)?;
        let found = keel_calls::events::rebalanced(tx.pool, &block.events);
        let result = match &block.failure {
            None => match found.first() {
                Some(outcome) => Ok(*outcome),
                None => {
                    return Err(ChainError::Decode(
                        "rebalance landed without a Rebalanced event".into(),
                    ))
                }
            },
            Some(failure) => {
                // Ask the pool, on the state this block left, why it refused what was sent.
                let call =
                    sent.unwrap_or_else(|| keel_calls::pool(tx.pool).rebalance(tx.epoch, u64::MAX).message());
                match self.dry(tx.pool, &call, Some(block.hash))?.1 {
                    Err(refusal) => {
                        tracing::info!(
                            pool = %pool_name(&tx.pool), epoch = tx.epoch, block = block.number,
                            ?refusal, "rebalance reverted on chain"
                        );
                        Err(refusal)
                    }
                    Ok(_) => return Err(ChainError::Reverted(failure.clone())),
                }
            }
        };
        self.sends.remove(&(tx.pool, tx.epoch));
        Ok(Included {
            block: block.number,
            result,
            events: found,
        })
    }

    fn sleep_ms(&mut self, ms: u64) {
        std::thread::sleep(Duration::from_millis(ms));
    }

    /// On a chain declared for development, the later of the head's time and the machine's
    /// clock (it seals a block only for a transaction); elsewhere the head's time, so a chain that
    /// halts holds the backoff as it holds everything else, rather than let the keeper resend,
    /// at a higher tip and against its budget, into a pool that includes nothing.
    fn clock_ms(&mut self, head_ms: u64) -> u64 {
        if self.dev_chain.is_none() {
            // Not given (`on_chain_type`): asked once the node answers; block time until then,
            // as on a live chain.
            self.dev_chain = self.node.chain_type().ok().map(|t| t.allows_dev_keys());
        }
        crate::backoff::backoff_clock_ms(self.dev_chain == Some(true), head_ms, crate::backoff::wall_ms())
    }
}

/// The pool's answer in a dry-run's `result` from `node`; a dispatch error is described in words.
fn answer(
    node: &mut Node,
    call: &RebalanceCall,
    result: Result<ExecReturn, RawDispatchError>,
) -> Result<Result<RebalanceOutcome, PoolError>, ChainError> {
    match result {
        Ok(ret) => call
            .decode(&ret.data)
            .map_err(|e| ChainError::Decode(e.to_string())),
        Err(e) => Err(ChainError::Reverted(node.describe_dispatch_error(&e))),
    }
}

fn pool_name(pool: &AccountId) -> String {
    record::ss58(pool)
}
