//! Moving a deployment's pool to another build of its code: the build's cold code uploaded first
//! (the new code's `migrate` locks it, and refuses without it), the pool's code uploaded, the
//! owner's `set_code`, and the record's code hashes rewritten, so the bots that trust the record
//! sign for the new code once restarted.

use crate::error::ClientError;
use crate::events::ink_account;
use crate::node::Node;
use crate::record::Deployment;
use crate::submit::SendOptions;
use ink::primitives::AccountId;
use keel_calls::ToMessage;
use keel_interface::pool::PoolError;
use subxt::utils::H256;
use subxt_signer::sr25519::Keypair;

/// The codes a pool moved to, and the block the move landed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Upgraded {
    pub pool: H256,
    pub pool_cold: H256,
    pub block: u64,
}

/// Uploads `cold` and `hot` (skipped where the chain has them) and moves `pool` to `hot` as
/// `owner`, waiting for finality: the record follows only a move no fork takes back. `cold` is
/// what the returned codes name as the pool's cold code: pass the one `hot` was built with (the
/// pool itself refuses when that one is not on the chain, whatever `cold` is).
///
/// # Errors
/// The node is unreachable, an upload fails, or the pool refuses: `NotOwner` (asked before
/// anything is uploaded, so another key pays for nothing, when the pool's views answer), or
/// `IncompatibleUpgrade` when `hot` cannot migrate the pool or its cold code is not on the chain.
pub fn upgrade(
    node: &mut Node,
    owner: &Keypair,
    pool: AccountId,
    hot: &[u8],
    cold: &[u8],
) -> Result<Upgraded, ClientError> {
    let me = crate::keys::account(owner);
    // `owner()` runs in the pool's cold code; a pool whose cold code gives no answer is one an
    // upgrade is the way off, so only an answer naming another account stops here.
    if let Ok(current) = node.query(&me, pool, &keel_calls::pool(pool).owner().message()) {
        if current != ink_account(&me) {
            return Err(ClientError::refused("set_code", PoolError::NotOwner));
        }
    }
    let opts = SendOptions {
        finalized: true,
        ..SendOptions::default()
    };
    let pool_cold = node.upload(owner, cold, &opts)?;
    let code = node.upload(owner, hot, &opts)?;
    let call = keel_calls::pool(pool)
        .set_code(ink::primitives::Hash::from(code.0))
        .message();
    let (answer, block) = node.exec(owner, pool, &call, &opts)?;
    answer.map_err(|e| ClientError::refused("set_code", e))?;
    let block = block.ok_or_else(|| ClientError::refused("set_code", "no block reported"))?;
    Ok(Upgraded {
        pool: code,
        pool_cold,
        block: block.number,
    })
}

impl Deployment {
    /// The record once its pool runs `upgraded`'s codes; everything else as it was.
    #[must_use]
    pub fn upgraded(&self, upgraded: &Upgraded) -> Deployment {
        let mut d = self.clone();
        d.code_hashes.pool = format!("{:?}", upgraded.pool);
        d.code_hashes.pool_cold = Some(format!("{:?}", upgraded.pool_cold));
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_upgraded_record_names_the_new_codes_and_keeps_everything_else() {
        let hash = |b: u8| format!("0x{}", format!("{b:02x}").repeat(32));
        let before = Deployment {
            node_url: "ws://127.0.0.1:9944".into(),
            genesis_hash: hash(1),
            block: 40,
            deployer: "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY".into(),
            reporters: Vec::new(),
            feed: 1,
            decimals: 18,
            contracts: crate::record::RecordedAddresses {
                base: "b".into(),
                quote: "q".into(),
                oracle: "o".into(),
                mirror: None,
                venue: "v".into(),
                pool: "p".into(),
                second_venue: None,
            },
            code_hashes: crate::record::RecordedCodeHashes {
                token: hash(2),
                oracle: hash(3),
                mirror: None,
                venue: hash(4),
                pool: hash(5),
                pool_cold: Some(hash(6)),
            },
        };
        let upgraded = Upgraded {
            pool: H256([0xab; 32]),
            pool_cold: H256([0xcd; 32]),
            block: 9,
        };
        let after = before.upgraded(&upgraded);
        assert_eq!(after.code_hashes.pool, format!("0x{}", "ab".repeat(32)));
        assert_eq!(
            after.code_hashes.pool_cold,
            Some(format!("0x{}", "cd".repeat(32)))
        );
        let unchanged = Deployment {
            code_hashes: before.code_hashes.clone(),
            ..after.clone()
        };
        assert_eq!(unchanged, before);
    }
}
