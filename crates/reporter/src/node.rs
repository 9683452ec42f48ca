//! The reporter's chain on a real node (`keel_client`): the slot and the dry-run through
//! `ContractsApi_call`, `submit` signed as `Contracts::call` with limits from its dry-run plus a
//! margin, watched until in a block (or finalized). Like the keeper, it signs only within its
//! spending limits (`keel_keeper::spending`, with the oracle as the one contract it pays for)
//! and only for the chain and oracle code it trusts.

use crate::chain::{Chain, ChainError, Head, Included, Slot, Submission};
use crate::config::NodeConfig;
use ink::primitives::AccountId;
use keel_calls::{Message, ToMessage};
use keel_client::events::ink_account;
use keel_client::keys::{self, SigningKey};
use keel_client::submit::Sent;
use keel_client::{Node, NodeError, SendOptions};
use keel_core::oracle::{FeedConfig, OracleError};
use keel_keeper::node::{chain_error, recorded_chain, send_within, Budgeted, Unsent};
use keel_keeper::spending::{bumped_tip, ledger_ms, Ledger, Limits, OverLimit};
use keel_keeper::trust::{listed, Distrust, Hash, Role, Trust};
use std::time::Duration;
use subxt::utils::AccountId32;

/// Why `[node]` names no oracle.
#[derive(Debug, thiserror::Error)]
pub enum OracleAddressError {
    #[error("node.oracle: {0}")]
    Address(keel_client::record::AddressError),
    #[error("node.deployment {}: {source}", path.display())]
    Record {
        path: std::path::PathBuf,
        source: keel_client::ClientError,
    },
    #[error("set node.oracle or node.deployment, not both")]
    Both,
    #[error("no oracle: set node.oracle or node.deployment")]
    Neither,
    #[error("a code or genesis hash: {0}")]
    Hash(keel_keeper::trust::HashField),
    #[error("{0}")]
    Genesis(keel_keeper::trust::GenesisField),
}

impl NodeConfig {
    /// The oracle's address: `oracle`, or the record's.
    ///
    /// # Errors
    /// [`OracleAddressError`]: neither is set, both are, or the address does not read.
    pub fn oracle_address(&self) -> Result<AccountId, OracleAddressError> {
        match (&self.oracle, &self.deployment) {
            (Some(a), None) => keel_client::record::address(a).map_err(OracleAddressError::Address),
            (None, Some(path)) => keel_client::record::Deployment::load(path)
                .and_then(|d| Ok(d.addresses()?.oracle))
                .map_err(|source| OracleAddressError::Record {
                    path: path.clone(),
                    source,
                }),
            (Some(_), Some(_)) => Err(OracleAddressError::Both),
            (None, None) => Err(OracleAddressError::Neither),
        }
    }

    /// The chain and oracle code this reporter signs for: the record's genesis and oracle code
    /// hash, when there is a record, `genesis_hash` and `oracle_code_hashes`.
    ///
    /// # Errors
    /// A hash that does not parse, or an unreadable record.
    pub fn trust(&self) -> Result<Trust, OracleAddressError> {
        let record = match &self.deployment {
            Some(path) => Some(keel_client::record::Deployment::load(path).map_err(|source| {
                OracleAddressError::Record {
                    path: path.clone(),
                    source,
                }
            })?),
            None => None,
        };
        let listed = listed(Role::Oracle, "node.oracle_code_hashes", &self.oracle_code_hashes);
        let recorded = record.iter().map(|d| {
            (
                Role::Oracle,
                "the record's oracle code hash",
                d.code_hashes.oracle.as_str(),
            )
        });
        Trust::configured(record.as_ref().map(recorded_chain), listed.chain(recorded))
            .map_err(OracleAddressError::Hash)?
            .on_genesis("node.genesis_hash", self.genesis_hash.as_deref())
            .map_err(OracleAddressError::Genesis)
    }

    /// The spending limits on what the reporter signs: per submission, and per hour.
    pub fn limits(&self) -> Limits {
        Limits {
            max_ref_time: self.max_ref_time,
            max_proof_size: self.max_proof_size,
            max_deposit: u128::from(self.max_deposit),
            hourly: u128::from(self.hourly_budget),
            hourly_per_pool: u128::from(self.hourly_budget),
            pool_hourly_transactions: self.hourly_transactions,
        }
    }

    pub fn options(&self) -> SendOptions {
        SendOptions {
            margin_pct: self.margin_pct,
            tip: u128::from(self.tip),
            finalized: self.finalized,
            timeout: Duration::from_millis(self.confirm_timeout_ms),
            valid_for_ms: None,
        }
    }
}

/// A reporter signing with `signer` for `oracle` on a node.
pub struct NodeOracle {
    node: Node,
    signer: SigningKey,
    account: AccountId32,
    oracle: AccountId,
    opts: SendOptions,
    /// The chain and oracle code this reporter signs for, checked every round and before every
    /// submission.
    trust: Trust,
    /// Why it stopped signing, if it did: it stays stopped until restart.
    halted: Option<Distrust>,
    limits: Limits,
    /// What was sent in the last hour, against the budget.
    ledger: Ledger,
    /// Most tip a replacement may offer.
    tip_cap: u128,
    /// The last submission, while it has not been seen in a block: the next one replaces it.
    stuck: Option<Stuck>,
}

/// A submission whose wait ended without a block ([`still_waiting`]), and how many sends in a
/// row have.
#[derive(Clone, Copy, Debug)]
struct Stuck {
    nonce: u64,
    sends: u32,
}

impl NodeOracle {
    pub fn new(
        node: Node,
        signer: SigningKey,
        oracle: AccountId,
        (opts, limits): (SendOptions, Limits),
        trust: Trust,
    ) -> NodeOracle {
        let account = keys::account(&signer);
        NodeOracle {
            node,
            signer,
            account,
            oracle,
            opts,
            trust,
            halted: None,
            limits,
            ledger: Ledger::default(),
            tip_cap: 0,
            stuck: None,
        }
    }

    /// Lets a submission that follows a timed-out one offer up to `cap` in tips to replace it.
    #[must_use]
    pub fn with_tip_cap(mut self, cap: u128) -> Self {
        self.tip_cap = cap;
        self
    }

    /// Whether the node is on the trusted chain and the oracle runs trusted code; the first
    /// mismatch stops the reporter until restart, but for a node that lags without the oracle
    /// yet (syncing, or before the record's block), which is checked again next time. Checked
    /// at start, every round and before every submission.
    ///
    /// # Errors
    /// [`ChainError::Untrusted`]; transport failures.
    pub fn check(&mut self) -> Result<(), ChainError> {
        if let Some(why) = &self.halted {
            return Err(ChainError::Untrusted(why.clone()));
        }
        let genesis = self.node.genesis_hash().map_err(chain_error)?;
        let code = self.node.code_hash(self.oracle).map_err(chain_error)?;
        let verdict = self
            .trust
            .check_genesis(Hash(genesis.0))
            .and_then(|()| self.trust.check_code(Role::Oracle, code.map(|h| Hash(h.0))));
        let Err(why) = verdict else {
            return Ok(());
        };
        let why = keel_keeper::node::judged(&mut self.node, &self.trust, why, self.oracle)?;
        // A node that lags (syncing, before the record's block) may have the oracle next round.
        if !why.is_lag() {
            tracing::error!(reason = %why, "stopped signing until restart: check the oracle and the node");
            self.halted = Some(why.clone());
        }
        Err(ChainError::Untrusted(why))
    }

    /// Why signing stopped until restart, once [`Self::check`] found an untrusted chain or code.
    #[must_use]
    pub fn halted(&self) -> Option<&Distrust> {
        self.halted.as_ref()
    }

    pub fn account(&self) -> &AccountId32 {
        &self.account
    }

    /// Connections made again after the node went away.
    pub fn reconnects(&self) -> u64 {
        self.node.reconnects()
    }

    /// The signing account's free native balance.
    ///
    /// # Errors
    /// The node cannot be reached.
    pub fn balance(&mut self) -> Result<u128, ChainError> {
        let who = self.account.clone();
        self.node.free_balance(&who).map_err(chain_error)
    }

    fn message(&self, s: &Submission) -> Message<Result<(), OracleError>> {
        keel_calls::oracle(self.oracle)
            .submit(s.feed, s.price, s.volatility, s.observed_ms)
            .message()
    }
}

/// Whether a transaction whose wait ended so may still be in the node's pool, to be replaced by
/// the next submission rather than queued behind it: a timeout, or a watch lost with the
/// connection (the transaction was sent; nothing says it left). In a block, dropped or refused,
/// it is gone.
fn still_waiting<T>(waited: &Result<T, NodeError>) -> bool {
    matches!(
        waited,
        Err(NodeError::Timeout | NodeError::Rpc(_) | NodeError::Unreachable(_))
    )
}

/// The nonce a submission names: a stuck one's, whatever the tip. While that one waits in the
/// node's pool, a higher tip replaces it and an equal one is refused with nothing paid (the
/// round fails and backs off), so a new reading never queues behind it under the next nonce, to
/// land in the same block and revert `AlreadyReported` for a fee. Once the stuck one has left
/// the pool (landed, expired, dropped) the name is ignored and the next nonce is used.
fn named_nonce(stuck: Option<Stuck>) -> Option<u64> {
    stuck.map(|s| s.nonce)
}

/// `sent` as the stuck submission after `previous`. A send that did not take the
/// previous one's nonce (it had left the pool) starts the count again: a wait that failed after
/// its transaction landed does not raise the next tip.
fn stuck_after(previous: Option<Stuck>, sent: &Sent) -> Stuck {
    let replaced = previous.filter(|s| s.nonce == sent.nonce);
    Stuck {
        nonce: sent.nonce,
        sends: replaced.map_or(1, |s| s.sends.saturating_add(1)),
    }
}

/// How long a submission may wait in the node's pool (ms): half the time the oracle still takes
/// it, as the keeper's rebalance, so a reading that waits expires there rather than land too old
/// and revert for a fee. Counted from the later of the chain's time when the reading was judged
/// and the machine's now: a machine clock behind the chain's would otherwise lengthen it.
fn lifetime_ms(s: &Submission, wall_ms: u64) -> u64 {
    s.expires_ms.saturating_sub(s.judged_ms.max(wall_ms)) / 2
}

impl Chain for NodeOracle {
    fn head(&mut self) -> Result<Head, ChainError> {
        let b = self.node.best_block().map_err(chain_error)?;
        Ok(Head {
            number: b.number,
            time_ms: b.time_ms,
        })
    }

    fn slot(&mut self, feed: u32) -> Result<Option<Slot>, ChainError> {
        self.check()?;
        let me = ink_account(&self.account);
        let readings = keel_calls::oracle(self.oracle).readings(feed).message();
        let slots = self
            .node
            .query(&self.account, self.oracle, &readings)
            .map_err(chain_error)?;
        Ok(Slot::own(slots, &me))
    }

    fn feed_config(&mut self, feed: u32) -> Result<Option<FeedConfig>, ChainError> {
        let message = keel_calls::oracle(self.oracle).feed_config(feed).message();
        self.node
            .query(&self.account, self.oracle, &message)
            .map_err(chain_error)
    }

    fn dry_run(&mut self, s: &Submission) -> Result<Result<(), OracleError>, ChainError> {
        let message = self.message(s);
        self.node
            .query(&self.account, self.oracle, &message)
            .map_err(chain_error)
    }

    /// Dry-runs the submission, and signs it only if the oracle accepts it and it fits the
    /// spending limits; a refusal comes back as the answer with nothing signed.
    fn submit(&mut self, s: &Submission) -> Result<Included, ChainError> {
        self.check()?;
        let message = self.message(s);
        let data = message.data().to_vec();
        let dry = self
            .node
            .dry_call(&self.account, self.oracle, data.clone(), None)
            .map_err(chain_error)?;
        let ret = match dry.result {
            Ok(ret) => ret,
            Err(e) => return Err(ChainError::Reverted(self.node.describe_dispatch_error(&e))),
        };
        let answer = message
            .decode(&ret.data)
            .map_err(|e| ChainError::Decode(e.to_string()))?;
        if ret.reverted() {
            let block = self.head()?.number;
            return Ok(Included {
                block,
                result: answer,
            });
        }
        let gas = dry.gas_required.with_margin(self.opts.margin_pct);
        let deposit = dry
            .storage_deposit
            .limit_with_margin(u128::from(self.opts.margin_pct));
        let sends = self.stuck.map_or(0, |s| s.sends);
        let tip = bumped_tip(self.opts.tip, self.tip_cap, sends);
        let refused = |over: &OverLimit| tracing::error!(%over, "reading refused before signing");
        self.limits
            .check_call(gas.ref_time, gas.proof_size, deposit)
            .inspect_err(refused)?;
        let call = Budgeted {
            contract: self.oracle,
            data,
            gas,
            deposit,
            tip,
            replace: named_nonce(self.stuck),
            worth: None,
            valid_for_ms: Some(lifetime_ms(s, keel_keeper::backoff::wall_ms())),
        };
        let sent = match send_within(
            "reading",
            &mut self.node,
            &self.signer,
            &mut self.ledger,
            &self.limits,
            call,
            ledger_ms(),
        ) {
            Ok(sent) => sent,
            Err(Unsent::Node(NodeError::MaybeSent { sent, cause })) => {
                // It may be in the pool: the next round names its nonce.
                self.stuck = Some(stuck_after(self.stuck, &sent));
                return Err(chain_error(NodeError::MaybeSent { sent, cause }));
            }
            Err(Unsent::Node(NodeError::Invalid(refusal))) if self.stuck.is_some() => {
                // Most often the node keeping the stuck reading over one that does not outbid it.
                return Err(ChainError::Reverted(format!(
                    "not sent: {refusal}; an earlier reading of this key may still wait in the node's pool (raise node.tip_cap to replace it)"
                )));
            }
            Err(unsent) => return Err(unsent.into()),
        };
        let waited = self.node.wait(sent.hash, self.opts.finalized, self.opts.timeout);
        self.stuck = still_waiting(&waited).then(|| stuck_after(self.stuck, &sent));
        let block = waited.map_err(chain_error)?;
        if let Some(failure) = block.failure {
            return Err(ChainError::Reverted(failure));
        }
        Ok(Included {
            block: block.number,
            result: answer,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stuck_submissions_nonce_is_named_whatever_the_tip() {
        // whatever the tip (not raised without tip_cap, or at it): named, so the node refuses the
        // new reading while the stuck one waits rather than queue it behind under the next nonce
        for sends in [1, 3] {
            assert_eq!(named_nonce(Some(Stuck { nonce: 7, sends })), Some(7));
        }
        assert_eq!(named_nonce(None), None);
    }

    #[test]
    fn a_stuck_count_goes_on_only_when_the_send_took_the_stuck_ones_nonce() {
        let sent = |nonce| Sent {
            hash: subxt::utils::H256([1; 32]),
            nonce,
            fee: 1,
        };
        let stuck = Stuck { nonce: 7, sends: 2 };
        // replaced in the pool (or lost with the connection as it left): the count goes on
        let after = stuck_after(Some(stuck), &sent(7));
        assert_eq!((after.nonce, after.sends), (7, 3));
        // the stuck one had left the pool, so the send took the next nonce: counted afresh
        let after = stuck_after(Some(stuck), &sent(8));
        assert_eq!((after.nonce, after.sends), (8, 1));
        assert_eq!(stuck_after(None, &sent(3)).sends, 1);
    }

    #[test]
    fn a_readings_lifetime_counts_from_the_later_of_the_chains_clock_and_the_machines() {
        let s = Submission {
            feed: 1,
            price: 10,
            volatility: 1,
            observed_ms: 100_000,
            expires_ms: 160_000,
            judged_ms: 140_000,
        };
        // the machine 40 s behind the chain: the oracle takes the reading for 20 s more, so it
        // may wait 10 s, not the 30 s the machine's clock alone would give
        assert_eq!(lifetime_ms(&s, 100_000), 10_000);
        // the machine ahead of the chain: its own clock
        assert_eq!(lifetime_ms(&s, 150_000), 5_000);
        assert_eq!(lifetime_ms(&s, 170_000), 0);
    }

    #[test]
    fn a_submission_whose_watch_was_lost_is_replaced_not_queued_behind() {
        // may still be in the pool: the next submission takes its nonce
        for waited in [
            NodeError::Timeout,
            NodeError::Rpc("transaction watch ended".into()),
            NodeError::Unreachable("ws://127.0.0.1:9944".into()),
        ] {
            assert!(still_waiting::<()>(&Err(waited)));
        }
        // gone from the pool: the next submission takes the next nonce
        for gone in [
            NodeError::Dropped("usurped".into()),
            NodeError::Invalid("stale".into()),
            NodeError::Failed("Contracts::ContractReverted".into()),
        ] {
            assert!(!still_waiting::<()>(&Err(gone)));
        }
        assert!(!still_waiting(&Ok(())));
    }
}
