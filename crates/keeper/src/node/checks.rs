//! What the keeper checks before it reads a pool or signs for it: the node's chain, the code at
//! the pool's and its venue's addresses, and the pool's tokens against the keeper's pair.

use super::{chain_error, NodeChain};
use crate::chain::{ChainError, Views};
use crate::trust::{Distrust, Hash, Role, Trust};
use ink::primitives::AccountId;
use keel_calls::ToMessage;
use keel_client::Node;

impl NodeChain {
    /// Whether the node is on the record's chain: the keeper checks it at start, and again with
    /// every pool it reads.
    ///
    /// # Errors
    /// [`ChainError::Untrusted`] on another chain; transport failures.
    pub fn check_genesis(&mut self) -> Result<(), ChainError> {
        let genesis = self.node.genesis_hash().map_err(chain_error)?;
        Ok(self.trust.check_genesis(Hash(genesis.0))?)
    }

    /// Whether the node is on the trusted chain and `pool` runs trusted code.
    pub(super) fn check_pool(&mut self, pool: AccountId) -> Result<(), ChainError> {
        self.check_genesis()?;
        self.check_code(Role::Pool, pool)
    }

    /// Whether `role`'s contract at `address` runs trusted code; a missing one judged by
    /// [`judged`].
    fn check_code(&mut self, role: Role, address: AccountId) -> Result<(), ChainError> {
        let code = self.node.code_hash(address).map_err(chain_error)?;
        match self.trust.check_code(role, code.map(|h| Hash(h.0))) {
            Ok(()) => Ok(()),
            Err(why) => Err(judged(&mut self.node, &self.trust, why, address)?.into()),
        }
    }

    /// `pool`'s tokens and their decimals (`None` for a token that does not answer
    /// `token_decimals`), read once its code is trusted.
    ///
    /// # Errors
    /// [`ChainError::Untrusted`] for a pool of code the keeper does not trust; transport failures.
    pub fn pool_tokens(
        &mut self,
        pool: AccountId,
        name: &str,
    ) -> Result<crate::pair::PoolTokens, ChainError> {
        use keel_calls::PSP22Metadata as _;
        self.check_pool(pool)?;
        let (base, quote) = self.view(pool, keel_calls::pool(pool).tokens().message())?;
        let mut decimals =
            |token: AccountId| match self.view(token, keel_calls::token(token).token_decimals().message()) {
                Ok(d) => Ok(Some(d)),
                Err(e) if e.is_retryable() => Err(e),
                Err(_) => Ok(None),
            };
        Ok(crate::pair::PoolTokens {
            pool: name.to_owned(),
            base: (base, decimals(base)?),
            quote: (quote, decimals(quote)?),
        })
    }

    /// Whether the pool's venue (if it has one) runs trusted code.
    pub(super) fn check_venue(&mut self, venue: Option<AccountId>) -> Result<(), ChainError> {
        let Some(venue) = venue else {
            return Ok(());
        };
        self.check_code(Role::Venue, venue)
    }
}

/// `why`, with a contract missing at `address` judged on `node` ([`Trust::missing`]): the node's
/// lag, or an address that holds nothing on this chain. The code is read again after the head,
/// so a contract the node imported meanwhile reads as its lag, never as absent at that head.
/// Both bots judge a missing contract so.
///
/// # Errors
/// Transport failures.
pub fn judged(
    node: &mut Node,
    trust: &Trust,
    why: Distrust,
    address: AccountId,
) -> Result<Distrust, ChainError> {
    let Distrust::NoContract(role) = why else {
        return Ok(why);
    };
    let best = node.best_number().map_err(chain_error)?;
    let syncing = node.is_syncing().map_err(chain_error)?;
    if node.code_hash(address).map_err(chain_error)?.is_some() {
        return Ok(why);
    }
    Ok(trust.missing(role, best, syncing))
}
