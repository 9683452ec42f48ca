//! The keeper's chain in drink's in-process runtime: the compiled contracts, no node.
//!
//! Reads are calls of the pool's view messages; the dry-run is a call inside a snapshot that is
//! rolled back; a submission executes at once, in the current block, and its result and
//! `Rebalanced` events wait for [`Chain::wait_included`].

use crate::calls;
use crate::chain::{read_pool_views, Chain, ChainError, Head, Included, Submitted, Views};
use crate::decide::PoolView;
use ink::primitives::AccountId;
use keel_pool::{Error as PoolError, RebalanceOutcome};
use keel_sandbox::{Actor, ChainError as DrinkError};
use parity_scale_codec::Decode;
use std::collections::HashMap;

/// How long a sandbox transaction stays valid (its `deadline`), in milliseconds.
const DEADLINE_MS: u64 = 60_000;

/// A keeper signing as `signer` on a drink chain it borrows.
pub struct SandboxChain<'a> {
    chain: &'a mut keel_sandbox::Chain,
    signer: Actor,
    pending: HashMap<Vec<u8>, Included>,
    sent: u64,
}

impl<'a> SandboxChain<'a> {
    pub fn new(chain: &'a mut keel_sandbox::Chain, signer: Actor) -> Self {
        SandboxChain {
            chain,
            signer,
            pending: HashMap::new(),
            sent: 0,
        }
    }

    /// The drink chain underneath, for tests and tools that act beside the keeper (a rival
    /// keeper, a trader) between its calls.
    pub fn sandbox(&mut self) -> &mut keel_sandbox::Chain {
        self.chain
    }
}

fn from_drink(e: DrinkError) -> ChainError {
    match e {
        DrinkError::Dispatch(d) => ChainError::Reverted(format!("{d:?}")),
        DrinkError::Lang(l) => ChainError::Decode(format!("{l:?}")),
        DrinkError::Decode(d) => ChainError::Decode(d),
    }
}

impl Views for SandboxChain<'_> {
    fn view<T: Decode>(&mut self, pool: AccountId, data: Vec<u8>) -> Result<T, ChainError> {
        self.chain.try_call(self.signer, pool, data).map_err(from_drink)
    }
}

impl Chain for SandboxChain<'_> {
    fn head(&mut self) -> Result<Head, ChainError> {
        Ok(Head {
            number: self.chain.block(),
            time_ms: self.chain.now(),
        })
    }

    fn read_pool(&mut self, pool: AccountId) -> Result<PoolView, ChainError> {
        read_pool_views(self, pool)
    }

    fn dry_run_rebalance(
        &mut self,
        pool: AccountId,
        epoch: u64,
    ) -> Result<Result<RebalanceOutcome, PoolError>, ChainError> {
        let data = calls::rebalance(pool, epoch, self.chain.now().saturating_add(DEADLINE_MS));
        let signer = self.signer;
        self.chain
            .dry_run(|c| c.try_call(signer, pool, data))
            .map_err(from_drink)
    }

    fn submit_rebalance(&mut self, pool: AccountId, epoch: u64) -> Result<Submitted, ChainError> {
        let data = calls::rebalance(pool, epoch, self.chain.now().saturating_add(DEADLINE_MS));
        self.chain.take_events();
        let result: Result<RebalanceOutcome, PoolError> =
            self.chain.try_call(self.signer, pool, data).map_err(from_drink)?;
        let events = keel_client::events::rebalanced(pool, &self.chain.take_events());
        self.sent = self.sent.saturating_add(1);
        let handle = self.sent.to_le_bytes().to_vec();
        let included = Included {
            block: self.chain.block(),
            result,
            events,
        };
        self.pending.insert(handle.clone(), included);
        Ok(Submitted { pool, epoch, handle })
    }

    fn wait_included(&mut self, tx: &Submitted) -> Result<Included, ChainError> {
        self.pending.remove(&tx.handle).ok_or(ChainError::Dropped)
    }

    fn sleep_ms(&mut self, _ms: u64) {}
}
