//! The keeper's chain in drink's in-process runtime: the compiled contracts, no node.
//!
//! Reads are calls of the pool's view messages; the dry-run is a call inside a snapshot that is
//! rolled back; a submission executes at once, in the current block, and its result and
//! `Rebalanced` events wait for [`Chain::wait_included`].

use crate::{Actor, CallError, Sandbox};
use ink::primitives::AccountId;
use keel_calls::Message;
use keel_interface::pool::{PoolError, RebalanceOutcome};
use keel_keeper::chain::{
    read_pool_views, rebalance_message, Chain, ChainError, Head, Included, Snapshot, Submitted, Views,
    REBALANCE_DEADLINE_MS,
};
use keel_keeper::decide::Route;
use parity_scale_codec::Decode;
use std::collections::HashMap;

/// A keeper signing as `signer` on a drink chain it borrows.
pub struct SandboxChain<'a> {
    chain: &'a mut Sandbox,
    signer: Actor,
    pending: HashMap<Vec<u8>, Included>,
    sent: u64,
}

impl<'a> SandboxChain<'a> {
    pub fn new(chain: &'a mut Sandbox, signer: Actor) -> Self {
        SandboxChain {
            chain,
            signer,
            pending: HashMap::new(),
            sent: 0,
        }
    }

    /// The drink chain underneath, for tests and tools that act beside the keeper (a rival
    /// keeper, a trader) between its calls.
    pub fn sandbox(&mut self) -> &mut Sandbox {
        self.chain
    }

    fn rebalance(
        &self,
        pool: AccountId,
        epoch: u64,
        route: &Route,
    ) -> Message<Result<RebalanceOutcome, PoolError>> {
        rebalance_message(
            pool,
            epoch,
            route,
            self.chain.now().saturating_add(REBALANCE_DEADLINE_MS),
        )
    }
}

/// A drink call's failure as the bots' chains report it.
pub(crate) fn from_drink(e: CallError) -> ChainError {
    match e {
        CallError::Dispatch(d) => ChainError::Reverted(format!("{d:?}")),
        CallError::Answer(a) => ChainError::Decode(a.to_string()),
    }
}

impl Views for SandboxChain<'_> {
    fn view<R: Decode>(&mut self, pool: AccountId, message: Message<R>) -> Result<R, ChainError> {
        self.chain
            .try_call(self.signer, pool, &message)
            .map_err(from_drink)
    }
}

impl Chain for SandboxChain<'_> {
    fn head(&mut self) -> Result<Head, ChainError> {
        Ok(Head {
            number: self.chain.block(),
            time_ms: self.chain.now(),
        })
    }

    fn read_pool(&mut self, pool: AccountId) -> Result<Snapshot, ChainError> {
        Ok(Snapshot {
            head: self.head()?,
            view: read_pool_views(self, pool)?,
        })
    }

    fn dry_run_rebalance(
        &mut self,
        pool: AccountId,
        epoch: u64,
        route: &Route,
    ) -> Result<Result<RebalanceOutcome, PoolError>, ChainError> {
        let message = self.rebalance(pool, epoch, route);
        let signer = self.signer;
        self.chain
            .dry_run(|c| c.try_call(signer, pool, &message))
            .map_err(from_drink)
    }

    fn submit_rebalance(
        &mut self,
        pool: AccountId,
        epoch: u64,
        route: &Route,
    ) -> Result<Submitted, ChainError> {
        let message = self.rebalance(pool, epoch, route);
        self.chain.take_events();
        let result = self
            .chain
            .try_call(self.signer, pool, &message)
            .map_err(from_drink)?;
        let events = keel_calls::events::rebalanced(pool, &self.chain.take_events());
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
