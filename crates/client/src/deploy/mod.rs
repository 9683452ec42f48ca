//! A deployment: tokens, oracle, venue and pool from a TOML plan, seeded with liquidity, written
//! to a JSON record (addresses, code hashes, block) that the keeper's config and the web app read.
//!
//! The record itself is [`crate::record`].
//!
//! Idempotent: when the record exists, was made on the same chain (genesis hash) and every
//! contract in it still exists, nothing is sent. Otherwise everything is deployed afresh under
//! a new salt, so a restarted dev chain just gets a new deployment.

use crate::error::ClientError;
use crate::events::ink_account;
use crate::keys::{self, KeySource};
use crate::node::Node;
pub use crate::plan::Plan;
use crate::record::{genesis, ss58, Addresses, Deployment, RecordedAddresses, RecordedCodeHashes};
use crate::submit::SendOptions;
use ink::primitives::AccountId;
use keel_calls::constructors::{self, Constructor};
use keel_calls::{Message, ToMessage};
use keel_core::consts::TOKEN_DECIMALS;
use keel_core::fixed;
use parity_scale_codec::Decode;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use subxt::utils::H256;
use subxt_signer::sr25519::Keypair;

mod seed;
use seed::{fund_traders, seed_liquidity};

/// Whole tokens to units of an 18-decimal token.
fn units(whole: u64) -> Result<u128, ClientError> {
    u128::from(whole)
        .checked_mul(keel_core::ONE)
        .ok_or_else(|| ClientError::OutOfRange(format!("{whole} tokens overflow u128 units")))
}

/// A positive decimal (a price, a volatility) to 1e18 fixed point.
///
/// # Errors
/// Not a positive number below 1e20.
pub fn decimal(x: f64) -> Result<u128, ClientError> {
    match fixed::from_f64(x) {
        Some(v) if v > 0 && x < 1e20 => Ok(v),
        _ => Err(ClientError::OutOfRange(format!(
            "{x}: expected a positive decimal"
        ))),
    }
}

fn step(what: &str) {
    eprintln!("==> {what}");
}

fn must<T, E: std::fmt::Debug>(what: &str, answer: Result<T, E>) -> Result<T, ClientError> {
    answer.map_err(|e| ClientError::refused(what, e))
}

/// Deploys `plan` through `node` using the bundles in `ink_dir`, unless `existing` is live.
/// Returns the record and whether anything was deployed.
///
/// # Errors
/// The node is unreachable, the deployer unfunded, a bundle missing, or a step refused.
pub fn deploy(
    node: &mut Node,
    plan: &Plan,
    ink_dir: &Path,
    existing: Option<&Deployment>,
) -> Result<(Deployment, bool), ClientError> {
    if let Some(d) = existing {
        if d.is_live(node)? {
            if d.contracts.mirror.is_none() {
                step("the record's pool reads the oracle itself (deployed before mirrors): move the record away and deploy again for a mirror");
            }
            return Ok((d.clone(), false));
        }
    }
    let chain = node.chain_type()?;
    let deployer = KeySource::from_str(&plan.deployer)?.load(&chain)?;
    let reporters = if plan.reporters.is_empty() {
        vec![deployer.clone()]
    } else {
        plan.reporters
            .iter()
            .map(|r| KeySource::from_str(r)?.load(&chain))
            .collect::<Result<Vec<_>, _>>()?
    };
    // Both configurations are checked before anything is sent (the pool's venue is not known
    // yet; it does not bear on the bounds).
    plan.feed_config(reporters.len())?;
    plan.pool_config(AccountId::from([0; 32]))?;
    let me = keys::account(&deployer);
    if node.free_balance(&me)? == 0 {
        return Err(ClientError::Unfunded(me.to_string()));
    }
    let opts = SendOptions::default();
    let bundles = Bundles::read(ink_dir)?;

    step("uploading code (skipped where the chain has it)");
    let codes = Codes {
        token: node.upload(&deployer, &bundles.token, &opts)?,
        oracle: node.upload(&deployer, &bundles.oracle, &opts)?,
        mirror: node.upload(&deployer, &bundles.mirror, &opts)?,
        venue: node.upload(&deployer, &bundles.venue, &opts)?,
        // Before the pool: its constructor locks the cold code, and refuses without it.
        pool_cold: node.upload(&deployer, &bundles.pool_cold, &opts)?,
        pool: node.upload(&deployer, &bundles.pool, &opts)?,
    };
    let a = instantiate_all(node, &deployer, plan, &codes)?;

    step("configuring the feed, authorising its reporters, and each reporter's first reading");
    let configure = keel_calls::oracle(a.oracle)
        .configure_feed(plan.feed, plan.feed_config(reporters.len())?)
        .message();
    send(node, &deployer, a.oracle, &configure, &opts, "configure_feed")?;
    for reporter in &reporters {
        let add_reporter = keel_calls::oracle(a.oracle)
            .add_reporter(plan.feed, ink_account(&keys::account(reporter)))
            .message();
        send(node, &deployer, a.oracle, &add_reporter, &opts, "add_reporter")?;
    }
    crate::market::report(
        node,
        &reporters,
        &a,
        plan.feed,
        decimal(plan.price)?,
        decimal(plan.volatility)?,
    )?;

    let seeded = seed_liquidity(node, &deployer, plan, &a)?;
    let funded = fund_traders(node, &deployer, plan, &a)?;
    if crate::endpoint::shown_drops_parts(node.url()) {
        tracing::warn!(
            recorded = %node.shown(),
            "the record keeps the node URL without its credentials, path, query or fragment; if the web app needs a path to reach the node, give scripts/web.sh KEEL_WEB_NODE_URL"
        );
    }
    let deployment = Deployment {
        node_url: node.shown().to_owned(),
        genesis_hash: genesis(node)?,
        block: seeded.max(funded),
        deployer: me.to_string(),
        reporters: reporters.iter().map(|r| keys::account(r).to_string()).collect(),
        feed: plan.feed,
        decimals: TOKEN_DECIMALS,
        contracts: RecordedAddresses {
            base: ss58(&a.base),
            quote: ss58(&a.quote),
            oracle: ss58(&a.oracle),
            mirror: a.mirror.as_ref().map(ss58),
            venue: ss58(&a.venue),
            pool: ss58(&a.pool),
            second_venue: a.second_venue.as_ref().map(ss58),
        },
        code_hashes: codes.recorded(),
    };
    Ok((deployment, true))
}

/// The code hashes a deployment instantiates.
struct Codes {
    token: H256,
    oracle: H256,
    mirror: H256,
    venue: H256,
    pool: H256,
    pool_cold: H256,
}

impl Codes {
    fn recorded(&self) -> RecordedCodeHashes {
        RecordedCodeHashes {
            token: format!("{:?}", self.token),
            oracle: format!("{:?}", self.oracle),
            mirror: Some(format!("{:?}", self.mirror)),
            venue: format!("{:?}", self.venue),
            pool: format!("{:?}", self.pool),
            pool_cold: Some(format!("{:?}", self.pool_cold)),
        }
    }
}

/// Both tokens, the oracle and its mirror (the oracle pointed at it), the venue and the pool
/// reading the mirror, under a salt no earlier deployment used.
fn instantiate_all(
    node: &mut Node,
    deployer: &Keypair,
    plan: &Plan,
    codes: &Codes,
) -> Result<Addresses, ClientError> {
    let salt = salt();
    let base = instantiate(
        node,
        deployer,
        codes.token,
        &constructors::token(&plan.base_symbol, TOKEN_DECIMALS),
        &salt,
        "base token",
    )?;
    let quote = instantiate(
        node,
        deployer,
        codes.token,
        &constructors::token(&plan.quote_symbol, TOKEN_DECIMALS),
        &salt,
        "quote token",
    )?;
    let oracle = instantiate(
        node,
        deployer,
        codes.oracle,
        &constructors::oracle(),
        &salt,
        "oracle",
    )?;
    let mirror = instantiate(
        node,
        deployer,
        codes.mirror,
        &constructors::mirror(oracle),
        &salt,
        "oracle mirror",
    )?;
    let point = keel_calls::oracle(oracle).set_mirror(Some(mirror)).message();
    send(
        node,
        deployer,
        oracle,
        &point,
        &SendOptions::default(),
        "set_mirror",
    )?;
    let venue = instantiate(
        node,
        deployer,
        codes.venue,
        &constructors::venue(base, quote, plan.venue_fee_bps),
        &salt,
        "venue",
    )?;
    let config = plan.pool_config(venue)?;
    let pool = instantiate(
        node,
        deployer,
        codes.pool,
        &constructors::pool(base, quote, mirror, plan.feed, config),
        &salt,
        "pool",
    )?;
    let second_venue = if plan.has_second_venue() {
        let second = instantiate(
            node,
            deployer,
            codes.venue,
            &constructors::venue(base, quote, plan.second_venue_fee_bps),
            &salt,
            "second venue",
        )?;
        let list = keel_calls::pool(pool).set_venues(vec![venue, second]).message();
        send(node, deployer, pool, &list, &SendOptions::default(), "set_venues")?;
        Some(second)
    } else {
        None
    };
    Ok(Addresses {
        base,
        quote,
        oracle,
        mirror: Some(mirror),
        venue,
        pool,
        second_venue,
    })
}

/// Instantiates `code` with `constructor` under this deployment's salt and `label`.
fn instantiate<E: Decode + std::fmt::Debug>(
    node: &mut Node,
    deployer: &Keypair,
    code: H256,
    constructor: &Constructor<E>,
    salt: &[u8],
    label: &str,
) -> Result<AccountId, ClientError> {
    step(&format!("instantiating {label}"));
    let mut salt = salt.to_vec();
    salt.extend(label.as_bytes());
    let at = node.instantiate(deployer, code, constructor, salt, &SendOptions::default())?;
    // The record is written only once every step has landed: a deployment that fails later
    // leaves its contracts' addresses here, in the log.
    step(&format!("{label} at {}", ss58(&at)));
    Ok(at)
}

/// Sends a message that answers `Result<T, E>`, refusing to sign what the contract refuses;
/// returns the block it landed in.
fn send<T: Decode, E: Decode + std::fmt::Debug>(
    node: &mut Node,
    signer: &Keypair,
    dest: AccountId,
    message: &Message<Result<T, E>>,
    opts: &SendOptions,
    what: &str,
) -> Result<u64, ClientError> {
    let (answer, block) = node.exec(signer, dest, message, opts)?;
    must(what, answer)?;
    Ok(block.map_or(0, |b| b.number))
}

/// A salt no earlier deployment used: the current time in nanoseconds.
fn salt() -> Vec<u8> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    nanos.to_le_bytes().to_vec()
}

/// The contracts' Wasm, from cargo-contract's output.
struct Bundles {
    token: Vec<u8>,
    oracle: Vec<u8>,
    mirror: Vec<u8>,
    venue: Vec<u8>,
    pool: Vec<u8>,
    pool_cold: Vec<u8>,
}

/// The Wasm of the build `name` in cargo-contract's output `dir`.
///
/// # Errors
/// [`ClientError::File`] when it does not read (most often: the contracts are not built).
pub fn read_wasm(dir: &Path, name: &str) -> Result<Vec<u8>, ClientError> {
    let path: PathBuf = dir.join(name).join(format!("{name}.wasm"));
    std::fs::read(&path).map_err(|source| ClientError::File {
        path: path.clone(),
        source: std::io::Error::new(
            source.kind(),
            format!("{source}; build the contracts first (scripts/build.sh)"),
        ),
    })
}

impl Bundles {
    fn read(dir: &Path) -> Result<Bundles, ClientError> {
        let read = |name: &str| read_wasm(dir, name);
        Ok(Bundles {
            token: read("keel_token")?,
            oracle: read("keel_oracle")?,
            mirror: read("keel_mirror")?,
            venue: read("keel_venue")?,
            pool: read("keel_pool")?,
            pool_cold: read("keel_pool_cold")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_become_fixed_point_and_nonsense_is_refused() {
        let one = keel_core::ONE;
        assert_eq!(decimal(10.0).ok(), Some(10 * one));
        assert_eq!(decimal(0.8).ok(), Some(one / 10 * 8));
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY, 1e21] {
            assert!(decimal(bad).is_err(), "{bad}");
        }
        assert_eq!(units(u64::MAX).ok().map(|u| u / one), Some(u128::from(u64::MAX)));
    }
}
