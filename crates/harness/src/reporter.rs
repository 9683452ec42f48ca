//! The reporter's chain in drink's in-process runtime: the compiled oracle, no node. A
//! submission executes at once, in the current block.

use crate::keeper::from_drink;
use crate::{Actor, Sandbox};
use ink::primitives::AccountId;
use keel_calls::{Message, ToMessage};
use keel_core::oracle::FeedConfig;
use keel_interface::OracleError;
use keel_reporter::chain::{Chain, ChainError, Head, Included, Slot, Submission};

/// A reporter signing as `signer` for `oracle` on a drink chain it borrows.
pub struct ReporterChain<'a> {
    chain: &'a mut Sandbox,
    oracle: AccountId,
    signer: Actor,
}

impl<'a> ReporterChain<'a> {
    pub fn new(chain: &'a mut Sandbox, oracle: AccountId, signer: Actor) -> Self {
        ReporterChain {
            chain,
            oracle,
            signer,
        }
    }

    fn message(&self, s: &Submission) -> Message<Result<(), OracleError>> {
        keel_calls::oracle(self.oracle)
            .submit(s.feed, s.price, s.volatility, s.observed_ms)
            .message()
    }
}

impl Chain for ReporterChain<'_> {
    fn head(&mut self) -> Result<Head, ChainError> {
        Ok(Head {
            number: self.chain.block(),
            time_ms: self.chain.now(),
        })
    }

    fn slot(&mut self, feed: u32) -> Result<Option<Slot>, ChainError> {
        let me = self.signer.account();
        let slots = self
            .chain
            .try_call(
                self.signer,
                self.oracle,
                &keel_calls::oracle(self.oracle).readings(feed).message(),
            )
            .map_err(from_drink)?;
        Ok(Slot::own(slots, &me))
    }

    fn feed_config(&mut self, feed: u32) -> Result<Option<FeedConfig>, ChainError> {
        let message = keel_calls::oracle(self.oracle).feed_config(feed).message();
        self.chain
            .try_call(self.signer, self.oracle, &message)
            .map_err(from_drink)
    }

    fn dry_run(&mut self, s: &Submission) -> Result<Result<(), OracleError>, ChainError> {
        let (signer, oracle, message) = (self.signer, self.oracle, self.message(s));
        self.chain
            .dry_run(|c| c.try_call(signer, oracle, &message))
            .map_err(from_drink)
    }

    fn submit(&mut self, s: &Submission) -> Result<Included, ChainError> {
        let message = self.message(s);
        let result = self
            .chain
            .try_call(self.signer, self.oracle, &message)
            .map_err(from_drink)?;
        Ok(Included {
            block: self.chain.block(),
            result,
        })
    }
}
