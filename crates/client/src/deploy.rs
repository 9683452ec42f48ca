//! A deployment: tokens, oracle, venue and pool from a TOML plan, seeded with liquidity, written
//! to a JSON record (addresses, code hashes, block) that the keeper's config and the web app read.
//!
//! The record itself is [`crate::record`].
//!
//! Idempotent: when the record exists, was made on the same chain (genesis hash) and every
//! contract in it still exists, nothing is sent. Otherwise everything is deployed afresh under
//! a new salt, so a restarted dev chain just gets a new deployment.

use crate::calls::{self, constructors};
use crate::error::NodeError;
use crate::events::ink_account;
use crate::keys::{self, KeySource};
use crate::node::Node;
use crate::record::genesis;
pub use crate::record::{address, ss58, Addresses, CodeHashes, Contracts, Deployment};
use crate::submit::SendOptions;
use ink::primitives::AccountId;
use keel_pool::PoolConfig;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use subxt::utils::H256;
use subxt_signer::sr25519::Keypair;

/// What to deploy. Amounts are whole tokens; prices and volatility are decimals.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Signs every deployment transaction and owns the contracts. Default `//Alice`.
    #[serde(default = "alice")]
    pub deployer: String,
    /// Authorised to report prices. Default: the deployer.
    pub reporter: Option<String>,
    /// Accounts minted `trader_funds` of both tokens, with the pool and venue approved.
    #[serde(default)]
    pub traders: Vec<String>,
    #[serde(default)]
    pub trader_funds: u64,
    pub base_symbol: String,
    pub quote_symbol: String,
    /// The oracle's first reading.
    pub price: f64,
    pub volatility: f64,
    #[serde(default = "default_jump")]
    pub max_jump_bps: u32,
    #[serde(default = "default_feed")]
    pub feed: u32,
    /// Whole tokens the deployer puts into the pool and into the venue.
    pub pool_base: u64,
    pub pool_quote: u64,
    pub venue_base: u64,
    pub venue_quote: u64,
    #[serde(default = "default_venue_fee")]
    pub venue_fee_bps: u32,
    /// Overrides of the pool's default configuration.
    pub max_oracle_age_ms: Option<u64>,
    pub rebalance_cooldown_ms: Option<u64>,
}

fn alice() -> String {
    "//Alice".into()
}
fn default_jump() -> u32 {
    2_000
}
fn default_feed() -> u32 {
    1
}
fn default_venue_fee() -> u32 {
    30
}

/// Token decimals of the deployed test tokens.
pub const DECIMALS: u8 = 18;
const UNIT: u128 = 1_000_000_000_000_000_000;

/// Whole tokens to units.
fn units(whole: u64) -> Result<u128, String> {
    u128::from(whole)
        .checked_mul(UNIT)
        .ok_or_else(|| format!("{whole} tokens overflow u128 units"))
}

/// A decimal to 1e18 fixed point.
pub fn fixed(x: f64) -> Result<u128, String> {
    if !(x.is_finite() && x > 0.0 && x < 1e20) {
        return Err(format!("{x}: expected a positive decimal"));
    }
    Ok((x * UNIT as f64).round() as u128)
}

fn step(what: &str) {
    eprintln!("==> {what}");
}

fn must<T, E: std::fmt::Debug>(what: &str, answer: Result<T, E>) -> Result<T, String> {
    answer.map_err(|e| format!("{what}: refused with {e:?}"))
}

/// Deploys `plan` through `node` using the bundles in `ink_dir`, unless `existing` is live.
///
/// # Errors
/// The node is unreachable, the deployer unfunded, a bundle missing, or a step refused.
pub fn deploy(
    node: &mut Node,
    plan: &Plan,
    ink_dir: &Path,
    existing: Option<&Deployment>,
) -> Result<(Deployment, bool), String> {
    if let Some(d) = existing {
        if d.is_live(node).map_err(|e| e.to_string())? {
            return Ok((d.clone(), false));
        }
    }
    let deployer = KeySource::from_str(&plan.deployer)?.load()?;
    let reporter = match &plan.reporter {
        Some(r) => KeySource::from_str(r)?.load()?,
        None => deployer.clone(),
    };
    let me = keys::account(&deployer);
    let funds = node.free_balance(&me).map_err(|e| e.to_string())?;
    if funds == 0 {
        return Err(format!(
            "the deployer {me} has no funds on this chain; fund it or pick another key"
        ));
    }
    let opts = SendOptions::default();
    let bundles = Bundles::read(ink_dir)?;
    let e = |e: NodeError| e.to_string();

    step("uploading code (skipped where the chain has it)");
    let token_code = node.upload(&deployer, &bundles.token, &opts).map_err(e)?;
    let oracle_code = node.upload(&deployer, &bundles.oracle, &opts).map_err(e)?;
    let venue_code = node.upload(&deployer, &bundles.venue, &opts).map_err(e)?;
    let pool_code = node.upload(&deployer, &bundles.pool, &opts).map_err(e)?;

    let salt = salt();
    let mut new = |code: H256, data: Vec<u8>, label: &str| {
        step(&format!("instantiating {label}"));
        let mut s = salt.clone();
        s.extend(label.as_bytes());
        node.instantiate(&deployer, code, data, s, &opts).map_err(e)
    };
    let base = new(
        token_code,
        constructors::token(&plan.base_symbol, DECIMALS),
        "base token",
    )?;
    let quote = new(
        token_code,
        constructors::token(&plan.quote_symbol, DECIMALS),
        "quote token",
    )?;
    let oracle = new(oracle_code, constructors::oracle(plan.max_jump_bps), "oracle")?;
    let venue = new(
        venue_code,
        constructors::venue(base, quote, plan.venue_fee_bps),
        "venue",
    )?;
    let mut config = PoolConfig {
        venue: Some(venue),
        ..PoolConfig::default()
    };
    if let Some(age) = plan.max_oracle_age_ms {
        config.max_oracle_age_ms = age;
    }
    if let Some(cooldown) = plan.rebalance_cooldown_ms {
        config.rebalance.cooldown_ms = cooldown;
    }
    let pool = new(
        pool_code,
        constructors::pool(base, quote, oracle, plan.feed, config),
        "pool",
    )?;

    step("authorising the reporter and submitting the first reading");
    let reporter_account = ink_account(&keys::account(&reporter));
    let (r, _) = node
        .exec::<Result<(), keel_traits::OracleError>>(
            &deployer,
            oracle,
            calls::add_reporter(oracle, reporter_account),
            &opts,
        )
        .map_err(e)?;
    must("add_reporter", r)?;
    let a = Addresses {
        base,
        quote,
        oracle,
        venue,
        pool,
    };
    crate::market::report(
        node,
        &reporter,
        &a,
        plan.feed,
        fixed(plan.price)?,
        fixed(plan.volatility)?,
    )?;

    step("seeding liquidity");
    let me_ink = ink_account(&me);
    let mut last_block = 0;
    for (token, amount) in [
        (base, plan.pool_base.checked_add(plan.venue_base)),
        (quote, plan.pool_quote.checked_add(plan.venue_quote)),
    ] {
        let amount = amount.ok_or("pool plus venue liquidity overflows")?;
        send_ok(
            node,
            &deployer,
            token,
            calls::mint(token, me_ink, units(amount)?),
            &opts,
            "mint",
        )?;
        for spender in [pool, venue] {
            send_ok(
                node,
                &deployer,
                token,
                calls::approve(token, spender, u128::MAX),
                &opts,
                "approve",
            )?;
        }
    }
    let deadline = u64::MAX;
    let data = calls::venue_add_liquidity(
        venue,
        units(plan.venue_base)?,
        units(plan.venue_quote)?,
        me_ink,
        deadline,
    );
    send_ok_value::<(u128, u128, u128), keel_traits::VenueError>(
        node,
        &deployer,
        venue,
        data,
        &opts,
        "venue add_liquidity",
    )?;
    let data = calls::add_liquidity(
        pool,
        units(plan.pool_base)?,
        units(plan.pool_quote)?,
        me_ink,
        deadline,
    );
    last_block = last_block.max(send_ok_value::<(u128, u128, u128), keel_pool::Error>(
        node,
        &deployer,
        pool,
        data,
        &opts,
        "pool add_liquidity",
    )?);

    for trader in &plan.traders {
        step(&format!("funding trader {trader}"));
        let key = KeySource::from_str(trader)?.load()?;
        let who = ink_account(&keys::account(&key));
        for token in [base, quote] {
            send_ok(
                node,
                &deployer,
                token,
                calls::mint(token, who, units(plan.trader_funds)?),
                &opts,
                "mint",
            )?;
            for spender in [pool, venue] {
                last_block = last_block.max(send_ok(
                    node,
                    &key,
                    token,
                    calls::approve(token, spender, u128::MAX),
                    &opts,
                    "approve",
                )?);
            }
        }
    }

    let deployment = Deployment {
        node_url: node.url().to_owned(),
        genesis_hash: genesis(node).map_err(e)?,
        block: last_block,
        deployer: me.to_string(),
        reporter: keys::account(&reporter).to_string(),
        feed: plan.feed,
        decimals: DECIMALS,
        contracts: Contracts {
            base: ss58(&base),
            quote: ss58(&quote),
            oracle: ss58(&oracle),
            venue: ss58(&venue),
            pool: ss58(&pool),
        },
        code_hashes: CodeHashes {
            token: format!("{token_code:?}"),
            oracle: format!("{oracle_code:?}"),
            venue: format!("{venue_code:?}"),
            pool: format!("{pool_code:?}"),
        },
    };
    Ok((deployment, true))
}

/// Sends a PSP22 message that answers `Result<(), PSP22Error>`; returns its block.
fn send_ok(
    node: &mut Node,
    signer: &Keypair,
    dest: AccountId,
    data: Vec<u8>,
    opts: &SendOptions,
    what: &str,
) -> Result<u64, String> {
    send_ok_value::<(), psp22::PSP22Error>(node, signer, dest, data, opts, what)
}

fn send_ok_value<T: parity_scale_codec::Decode, E: parity_scale_codec::Decode + std::fmt::Debug>(
    node: &mut Node,
    signer: &Keypair,
    dest: AccountId,
    data: Vec<u8>,
    opts: &SendOptions,
    what: &str,
) -> Result<u64, String> {
    let (answer, block) = node
        .exec::<Result<T, E>>(signer, dest, data, opts)
        .map_err(|e| format!("{what}: {e}"))?;
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
    venue: Vec<u8>,
    pool: Vec<u8>,
}

impl Bundles {
    fn read(dir: &Path) -> Result<Bundles, String> {
        let read = |name: &str| {
            let path: PathBuf = dir.join(name).join(format!("{name}.wasm"));
            std::fs::read(&path).map_err(|e| {
                format!(
                    "{}: {e}; build the contracts first (scripts/build.sh)",
                    path.display()
                )
            })
        };
        Ok(Bundles {
            token: read("keel_token")?,
            oracle: read("keel_oracle")?,
            venue: read("keel_venue")?,
            pool: read("keel_pool")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_become_fixed_point_and_nonsense_is_refused() {
        assert_eq!(fixed(10.0), Ok(10 * UNIT));
        assert_eq!(fixed(0.8), Ok(UNIT / 10 * 8));
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(fixed(bad).is_err(), "{bad}");
        }
        assert_eq!(units(u64::MAX).map(|u| u / UNIT), Ok(u128::from(u64::MAX)));
    }

    #[test]
    fn the_shipped_plan_parses() {
        let text = include_str!("../../../deploy/local.toml");
        let plan: Plan = toml::from_str(text).expect("deploy/local.toml parses");
        assert_eq!(plan.deployer, "//Alice");
        assert!(plan.pool_base > 0 && plan.venue_base > 0);
    }
}
