//! The record of a deployment (`target/deployment.json`): where the contracts live, on which
//! chain, and since which block; what the keeper's config and the web app read.

use crate::error::{ClientError, NodeError};
use crate::events::{ink_account, runtime_account};
use crate::node::Node;
use ink::primitives::AccountId;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::str::FromStr;
use subxt::utils::AccountId32;

/// The record of a deployment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deployment {
    /// The node the deployment went through, as `endpoint::shown` gives it: scheme, host and
    /// port, never the credentials, path or query a provider's key rides in (the web app
    /// publishes the record).
    pub node_url: String,
    pub genesis_hash: String,
    /// The block the last deployment transaction landed in.
    pub block: u64,
    pub deployer: String,
    /// The feed's reporters (SS58).
    pub reporters: Vec<String>,
    pub feed: u32,
    pub decimals: u8,
    pub contracts: RecordedAddresses,
    pub code_hashes: RecordedCodeHashes,
}

/// Addresses, SS58 (prefix 42).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedAddresses {
    pub base: String,
    pub quote: String,
    pub oracle: String,
    /// The oracle's mirror, which the pool reads (deployments before it had none: the pool
    /// read the oracle).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mirror: Option<String>,
    pub venue: String,
    pub pool: String,
    /// A second venue the pool also rebalances on (`set_venues`), if the plan had one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_venue: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedCodeHashes {
    pub token: String,
    pub oracle: String,
    /// The oracle mirror's code, when the deployment has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mirror: Option<String>,
    pub venue: String,
    pub pool: String,
    /// The code the pool hands the messages it does not run to (locked by the pool), when the
    /// pool's build has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pool_cold: Option<String>,
}

/// `input` as an error may quote it: addresses and hashes are public, but a phrase (words apart),
/// a secret URI with a derivation path (`/`), a long run of hex digits without the `0x` of a hex
/// address (a raw seed), or anything longer than a hex address is likely a secret pasted into the
/// wrong field, and is named by its length only, so it never reaches a log.
#[must_use]
pub fn quotable(input: &str) -> String {
    let words = input.split_whitespace().count();
    let bare_hex =
        !input.starts_with("0x") && input.len() >= 60 && input.bytes().all(|b| b.is_ascii_hexdigit());
    if words > 1 {
        format!("(a phrase of {words} words, not shown: a key belongs in the signer's field)")
    } else if bare_hex || input.contains('/') || input.chars().count() > 66 {
        let n = input.chars().count();
        format!("({n} characters, not shown: a key belongs in the signer's field)")
    } else {
        format!("{input:?}")
    }
}

/// A string that is neither an SS58 nor a `0x` hex address. It keeps the string only as
/// [`quotable`] gives it, so neither its message nor its `Debug` form carries a phrase.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{quoted}: {reason}")]
pub struct AddressError {
    pub quoted: String,
    pub reason: String,
}

/// Parses an SS58 or `0x` hex address.
///
/// # Errors
/// Neither form.
pub fn address(s: &str) -> Result<AccountId, AddressError> {
    let refuse = |reason: String| AddressError {
        quoted: quotable(s),
        reason,
    };
    if let Some(hex) = s.strip_prefix("0x") {
        let bytes: [u8; 32] = hex::decode(hex)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| refuse("not a 32-byte hex address".into()))?;
        return Ok(AccountId::from(bytes));
    }
    AccountId32::from_str(s)
        .map(|a| ink_account(&a))
        .map_err(|e| refuse(format!("not an SS58 address ({e})")))
}

pub fn ss58(a: &AccountId) -> String {
    runtime_account(a).to_string()
}

/// Addresses of a deployment, parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Addresses {
    pub base: AccountId,
    pub quote: AccountId,
    pub oracle: AccountId,
    /// The copy of the oracle's answers the pool reads, if the deployment has one.
    pub mirror: Option<AccountId>,
    pub venue: AccountId,
    pub pool: AccountId,
    pub second_venue: Option<AccountId>,
}

impl Deployment {
    /// Reads a deployment record.
    ///
    /// # Errors
    /// Unreadable or malformed.
    pub fn load(path: &Path) -> Result<Deployment, ClientError> {
        let text = std::fs::read_to_string(path).map_err(|source| ClientError::File {
            path: path.to_owned(),
            source,
        })?;
        serde_json::from_str(&text).map_err(|e| ClientError::Malformed {
            path: path.to_owned(),
            reason: e.to_string(),
        })
    }

    /// Writes the record as pretty JSON, creating its directory; atomically on one filesystem.
    ///
    /// # Errors
    /// The file cannot be written.
    pub fn save(&self, path: &Path) -> Result<(), ClientError> {
        let file = |source| ClientError::File {
            path: path.to_owned(),
            source,
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(file)?;
        }
        let json = serde_json::to_string_pretty(self).map_err(|e| ClientError::Malformed {
            path: path.to_owned(),
            reason: e.to_string(),
        })?;
        // Written beside and renamed over: a reader never sees half a record.
        let partial = path.with_extension("json.partial");
        std::fs::write(&partial, json + "\n").map_err(file)?;
        std::fs::rename(&partial, path).map_err(file)
    }

    /// # Errors
    /// A malformed address in the record.
    pub fn addresses(&self) -> Result<Addresses, AddressError> {
        let c = &self.contracts;
        Ok(Addresses {
            base: address(&c.base)?,
            quote: address(&c.quote)?,
            oracle: address(&c.oracle)?,
            mirror: c.mirror.as_deref().map(address).transpose()?,
            venue: address(&c.venue)?,
            pool: address(&c.pool)?,
            second_venue: c.second_venue.as_deref().map(address).transpose()?,
        })
    }

    /// Whether this record was written on the chain `node` is connected to (its genesis hash):
    /// a record of another chain names addresses that hold other contracts, or none, there.
    ///
    /// # Errors
    /// Transport failures.
    pub fn is_of_chain(&self, node: &mut Node) -> Result<bool, NodeError> {
        Ok(self.genesis_hash == genesis(node)?)
    }

    /// Whether this record describes live contracts on the chain `node` is connected to.
    ///
    /// # Errors
    /// Transport failures.
    pub fn is_live(&self, node: &mut Node) -> Result<bool, NodeError> {
        if !self.is_of_chain(node)? {
            return Ok(false);
        }
        let Ok(a) = self.addresses() else { return Ok(false) };
        for c in [a.base, a.quote, a.oracle, a.venue, a.pool]
            .into_iter()
            .chain(a.mirror)
        {
            if !node.contract_exists(c)? {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

pub(crate) fn genesis(node: &mut Node) -> Result<String, NodeError> {
    node.genesis_hash().map(|h| format!("{h:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_parse_as_ss58_or_hex_and_round_trip() {
        let alice = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
        let a = address(alice).expect("ss58");
        assert_eq!(ss58(&a), alice);
        let hex = format!("0x{}", hex::encode(AsRef::<[u8; 32]>::as_ref(&a)));
        assert_eq!(address(&hex), Ok(a));
        assert!(address("0x1234").is_err());
        assert!(address("not an address").is_err());
    }

    #[test]
    fn a_phrase_given_as_an_address_is_refused_without_quoting_it() {
        let phrase = "bottom drive obey lake curtain smoke basket hold race lonely fit walk";
        let err = address(phrase).expect_err("a phrase is no address");
        let (refused, debug) = (err.to_string(), format!("{err:?}"));
        for shown in [&refused, &debug] {
            assert!(!shown.contains("bottom") && !shown.contains("walk"), "{shown}");
        }
        assert!(refused.contains("12 words"), "{refused}");
        let seed = format!("0x{}//hard", "ab".repeat(32));
        let refused = address(&seed)
            .expect_err("a secret URI is no address")
            .to_string();
        assert!(
            !refused.contains("abab") && refused.contains("72 characters"),
            "{refused}"
        );
        // a raw seed without its 0x, and anything longer than a hex address
        let bare = "ab".repeat(32);
        let refused = address(&bare).expect_err("no address").to_string();
        assert!(
            !refused.contains("abab") && refused.contains("64 characters"),
            "{refused}"
        );
        let long = format!("5{}", "x".repeat(70));
        let refused = address(&long).expect_err("no address").to_string();
        assert!(
            !refused.contains("xxxx") && refused.contains("71 characters"),
            "{refused}"
        );
        let typo = address("5Grwva").expect_err("too short").to_string();
        assert!(typo.starts_with("\"5Grwva\""), "an address is quoted: {typo}");
    }
}
