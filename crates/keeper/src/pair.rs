//! The one pair of tokens a keeper's amounts are stated in. `keeper.tx_cost`, `node.native_price`
//! and the metrics' amounts are in one quote token of `keeper.quote_decimals` (and one base token
//! of `keeper.base_decimals`): a pool quoting in another token would have its bounty weighed in
//! the wrong unit, off by powers of ten when the decimals differ, so the keeper refuses to start
//! on such a list.

use ink::primitives::AccountId;

/// A watched pool's tokens and their decimals, as the chain answers (`None` for a token that does
/// not answer `token_decimals`: PSP22's metadata is optional).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolTokens {
    /// The pool's name in logs.
    pub pool: String,
    pub base: (AccountId, Option<u8>),
    pub quote: (AccountId, Option<u8>),
}

/// Why the watched pools do not share the keeper's pair of tokens.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PairError {
    #[error("pool {pool} quotes in 0x{}, another watched pool in 0x{}: keeper.tx_cost and node.native_price are in one quote token; run a keeper per quote token", hex(found), hex(first))]
    QuoteTokens {
        pool: String,
        first: AccountId,
        found: AccountId,
    },
    #[error("pool {pool}'s {side} token has {found} decimals, keeper.{side}_decimals is {configured}")]
    Decimals {
        pool: String,
        side: &'static str,
        found: u8,
        configured: u32,
    },
}

/// Checks that every pool quotes in the same token, and that each pool's tokens that state their
/// decimals have the configured ones.
///
/// # Errors
/// The first pool that does not, as [`PairError`].
pub fn check(pools: &[PoolTokens], base_decimals: u32, quote_decimals: u32) -> Result<(), PairError> {
    let Some(first) = pools.first() else {
        return Ok(());
    };
    for p in pools {
        if p.quote.0 != first.quote.0 {
            return Err(PairError::QuoteTokens {
                pool: p.pool.clone(),
                first: first.quote.0,
                found: p.quote.0,
            });
        }
        for (side, stated, configured) in [
            ("base", p.base.1, base_decimals),
            ("quote", p.quote.1, quote_decimals),
        ] {
            let Some(found) = stated else { continue };
            if u32::from(found) != configured {
                return Err(PairError::Decimals {
                    pool: p.pool.clone(),
                    side,
                    found,
                    configured,
                });
            }
        }
    }
    Ok(())
}

fn hex(who: &AccountId) -> String {
    hex::encode(AsRef::<[u8]>::as_ref(who))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(byte: u8) -> AccountId {
        AccountId::from([byte; 32])
    }

    fn pool(n: u8, quote: u8, decimals: (u8, u8)) -> PoolTokens {
        PoolTokens {
            pool: format!("pool-{n}"),
            base: (at(100 + n), Some(decimals.0)),
            quote: (at(quote), Some(decimals.1)),
        }
    }

    #[test]
    fn pools_quoting_in_one_token_of_the_configured_decimals_pass() {
        assert_eq!(check(&[], 18, 6), Ok(()));
        assert_eq!(check(&[pool(1, 9, (18, 6)), pool(2, 9, (18, 6))], 18, 6), Ok(()));
    }

    #[test]
    fn a_second_quote_token_is_refused() {
        assert_eq!(
            check(&[pool(1, 9, (18, 18)), pool(2, 8, (18, 18))], 18, 18),
            Err(PairError::QuoteTokens {
                pool: "pool-2".into(),
                first: at(9),
                found: at(8)
            })
        );
    }

    #[test]
    fn decimals_other_than_the_configured_are_refused_side_by_side() {
        assert_eq!(
            check(&[pool(1, 9, (18, 6))], 18, 18),
            Err(PairError::Decimals {
                pool: "pool-1".into(),
                side: "quote",
                found: 6,
                configured: 18
            })
        );
        let unstated = PoolTokens {
            quote: (at(9), None),
            ..pool(1, 9, (18, 6))
        };
        assert_eq!(
            check(&[unstated], 18, 18),
            Ok(()),
            "a token that states no decimals is not judged by them"
        );
        assert_eq!(
            check(&[pool(1, 9, (10, 18))], 18, 18),
            Err(PairError::Decimals {
                pool: "pool-1".into(),
                side: "base",
                found: 10,
                configured: 18
            })
        );
    }
}
