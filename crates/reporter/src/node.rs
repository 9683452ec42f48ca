//! The reporter's chain on a real node (`keel_client`): the slot and the dry-run through
//! `ContractsApi_call`, `submit` signed as `Contracts::call` with limits from its dry-run plus a
//! margin, watched until in a block (or finalized).

use crate::chain::{Chain, ChainError, Head, Included, Slot, Submission};
use crate::config::NodeConfig;
use ink::primitives::AccountId;
use keel_calls::{Message, ToMessage};
use keel_client::events::ink_account;
use keel_client::{keys, Node, SendOptions};
use keel_core::oracle::{FeedConfig, OracleError};
use keel_keeper::node::chain_error;
use std::time::Duration;
use subxt::utils::AccountId32;
use subxt_signer::sr25519::Keypair;

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

    pub fn options(&self) -> SendOptions {
        SendOptions {
            margin_pct: self.margin_pct,
            tip: u128::from(self.tip),
            finalized: self.finalized,
            timeout: Duration::from_millis(self.confirm_timeout_ms),
        }
    }
}

/// A reporter signing with `signer` for `oracle` on a node.
pub struct NodeOracle {
    node: Node,
    signer: Keypair,
    account: AccountId32,
    oracle: AccountId,
    opts: SendOptions,
}

impl NodeOracle {
    pub fn new(node: Node, signer: Keypair, oracle: AccountId, opts: SendOptions) -> NodeOracle {
        let account = keys::account(&signer);
        NodeOracle {
            node,
            signer,
            account,
            oracle,
            opts,
        }
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

impl Chain for NodeOracle {
    fn head(&mut self) -> Result<Head, ChainError> {
        let b = self.node.best_block().map_err(chain_error)?;
        Ok(Head {
            number: b.number,
            time_ms: b.time_ms,
        })
    }

    fn slot(&mut self, feed: u32) -> Result<Option<Slot>, ChainError> {
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

    fn submit(&mut self, s: &Submission) -> Result<Included, ChainError> {
        let message = self.message(s);
        let (answer, block) = self
            .node
            .exec(&self.signer, self.oracle, &message, &self.opts)
            .map_err(chain_error)?;
        let block = match block {
            Some(b) => b.number,
            // Refused by exec's own dry-run: nothing was signed.
            None => self.head()?.number,
        };
        Ok(Included {
            block,
            result: answer,
        })
    }
}
