//! What the bots sign for: the chain Keel was deployed to, and the code at the addresses they
//! call. A pool's owner can swap its code (`set_code`) or point it at another venue, and a
//! tampered record or a wrong `pools` entry can name any contract; the keeper signs only while
//! the node's genesis is the record's and the pool's and its venue's code hashes are on the
//! allow-list (the record's plus the configured ones). A mismatch stops the keeper for that pool
//! until an operator looks: a code change is not something to retry past. Without a record the
//! chain is the configured `genesis_hash`, so a key shared by two chains signs on one.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// A 32-byte hash (genesis or code), shown as `0x` hex.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hash(pub [u8; 32]);

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("0x")?;
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

impl Hash {
    /// Its first four bytes, `0x12345678…`: enough to tell one chain from another in a message,
    /// and too little of a secret seed pasted where a genesis hash belongs (both are 32 bytes) to
    /// give it away.
    pub fn short(&self) -> String {
        let [a, b, c, d, ..] = self.0;
        format!("0x{a:02x}{b:02x}{c:02x}{d:02x}…")
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

/// Text that is not a `0x`-prefixed 32-byte hex hash, and what is wrong with it. The text itself
/// is never kept, so neither the message nor the `Debug` form carries a phrase pasted into a
/// hash's field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NotAHash {
    #[error("not a 0x-prefixed 32-byte hex hash: no 0x prefix")]
    NoPrefix,
    #[error("not a 0x-prefixed 32-byte hex hash: {0} characters after 0x, not 64")]
    Length(usize),
    #[error("not a 0x-prefixed 32-byte hex hash: a character that is not a hex digit")]
    NotHex,
}

impl std::str::FromStr for Hash {
    type Err = NotAHash;

    fn from_str(s: &str) -> Result<Hash, NotAHash> {
        let hex = s.strip_prefix("0x").ok_or(NotAHash::NoPrefix)?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(NotAHash::NotHex);
        }
        if hex.len() != 64 {
            return Err(NotAHash::Length(hex.len()));
        }
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            let pair = hex.get(2 * i..2 * i + 2).ok_or(NotAHash::NotHex)?;
            *byte = u8::from_str_radix(pair, 16).map_err(|_| NotAHash::NotHex)?;
        }
        Ok(Hash(out))
    }
}

/// A hash a bot was given that does not read, with where it was given.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {hash}")]
pub struct HashField {
    pub field: String,
    pub hash: NotAHash,
}

/// A configured genesis hash a bot cannot sign on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GenesisField {
    #[error(transparent)]
    Hash(#[from] HashField),
    #[error("{field} {} is not the record's genesis_hash {record}", configured.short())]
    NotTheRecords {
        field: String,
        configured: Hash,
        record: Hash,
    },
}

/// Parses the hash `text` given in `field`.
///
/// # Errors
/// [`HashField`] when it is not a hash.
pub fn parse_hash(field: &str, text: &str) -> Result<Hash, HashField> {
    text.parse().map_err(|hash| HashField {
        field: field.to_owned(),
        hash,
    })
}

/// A bot's `node.genesis_hash` setting that cannot stand.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GenesisSetting {
    #[error(transparent)]
    Hash(#[from] HashField),
    /// Contracts named by address (in the setting named) without a record, and no chain named.
    #[error("{0} without node.deployment needs node.genesis_hash: a bot signs only on the chain it knows")]
    Missing(&'static str),
}

/// Checks a bot's `node.genesis_hash` setting before it runs: a hash when given, and given when
/// the contracts it signs for are named by address without a record (`by_address`, `named` the
/// setting that names them: `node.pools`, `node.oracle`).
///
/// # Errors
/// [`GenesisSetting`].
pub fn check_genesis_setting(
    text: Option<&str>,
    by_address: bool,
    named: &'static str,
) -> Result<(), GenesisSetting> {
    match text {
        Some(text) => Ok(parse_hash("node.genesis_hash", text).map(|_| ())?),
        None if by_address => Err(GenesisSetting::Missing(named)),
        None => Ok(()),
    }
}

/// A configured allow-list as [`Trust::configured`] takes it: each of `texts`, given in `field`,
/// for `role`.
pub fn listed<'a>(
    role: Role,
    field: &'a str,
    texts: &'a [String],
) -> impl Iterator<Item = (Role, &'a str, &'a str)> + 'a {
    texts.iter().map(move |t| (role, field, t.as_str()))
}

/// A contract a bot calls, by what it is to the bot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Pool,
    Venue,
    Oracle,
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Role::Pool => "pool",
            Role::Venue => "pool's venue",
            Role::Oracle => "oracle",
        })
    }
}

/// Why a bot will not sign.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Distrust {
    #[error("the node's chain (genesis {found}) is not the one this bot signs on (genesis {})", expected.short())]
    Genesis { expected: Hash, found: Hash },
    /// A node that lags (still syncing, or before the record's block): a restart, or the next
    /// read, may find it.
    #[error(
        "no contract at the {0}'s address yet: the node is syncing, or has not reached the record's block"
    )]
    NoContract(Role),
    /// A node that is synced, at or past the record's block, has nothing there: the address is
    /// wrong, or the record is of an earlier chain with the same genesis (a dev chain started
    /// again reads so once it passes the record's block; before, it lags).
    #[error("no contract at the {role}'s address on this chain (its node synced, at block {block})")]
    Absent { role: Role, block: u64 },
    #[error("the {role}'s code {found} is not on the allow-list")]
    Code { role: Role, found: Hash },
}

impl Distrust {
    /// Whether the node only lags ([`Distrust::NoContract`]): the next read, or a restart, may
    /// find what it lacks, so nothing is halted for it and it refuses no configuration.
    pub fn is_lag(&self) -> bool {
        matches!(self, Distrust::NoContract(_))
    }
}

/// The part of a deployment record trust rests on: its chain and when it was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordedChain<'a> {
    /// The record's genesis hash, as text.
    pub genesis_hash: &'a str,
    /// The block the record was written at.
    pub block: u64,
}

/// The chain and code a bot signs for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Trust {
    /// The record's genesis; `None` when no record is configured (contracts listed by address).
    pub genesis: Option<Hash>,
    /// Allowed code hashes by role; a role with none allows nothing.
    pub code: BTreeMap<Role, BTreeSet<Hash>>,
    /// The block the record was written at (`None` without a record): a node before it has not
    /// reached the record's contracts.
    pub recorded_at: Option<u64>,
}

impl Trust {
    /// The trust of a bot given its `record`'s chain (`None` without a record) and `allowed` code: `(role, field, hash text)`, each hash allowed for its role. The fields name
    /// where each text came from in the bot's error.
    ///
    /// # Errors
    /// The first text that is not a hash.
    pub fn configured<'a>(
        record: Option<RecordedChain<'_>>,
        allowed: impl IntoIterator<Item = (Role, &'a str, &'a str)>,
    ) -> Result<Trust, HashField> {
        let mut trust = Trust {
            genesis: record
                .map(|r| parse_hash("the record's genesis_hash", r.genesis_hash))
                .transpose()?,
            recorded_at: record.map(|r| r.block),
            ..Trust::default()
        };
        for (role, field, text) in allowed {
            trust.allow(role, parse_hash(field, text)?);
        }
        Ok(trust)
    }

    /// Pins the chain to the genesis hash `text` given in `field`, when one is given: the chain
    /// of a bot without a record, or the record's own chain named again.
    ///
    /// # Errors
    /// [`GenesisField::Hash`] when `text` is not a hash; [`GenesisField::NotTheRecords`] when
    /// the record names another chain.
    pub fn on_genesis(mut self, field: &str, text: Option<&str>) -> Result<Trust, GenesisField> {
        let Some(text) = text else {
            return Ok(self);
        };
        let configured = parse_hash(field, text)?;
        match self.genesis {
            Some(record) if record != configured => Err(GenesisField::NotTheRecords {
                field: field.to_owned(),
                configured,
                record,
            }),
            _ => {
                self.genesis = Some(configured);
                Ok(self)
            }
        }
    }

    /// Allows `hash` for `role`.
    pub fn allow(&mut self, role: Role, hash: Hash) {
        self.code.entry(role).or_default().insert(hash);
    }

    /// Whether the node's genesis is the one pinned (the record's, or the configured one; any
    /// when neither is given).
    ///
    /// # Errors
    /// [`Distrust::Genesis`].
    pub fn check_genesis(&self, found: Hash) -> Result<(), Distrust> {
        match self.genesis {
            Some(expected) if expected != found => Err(Distrust::Genesis { expected, found }),
            _ => Ok(()),
        }
    }

    /// Why the `role` contract is missing on a node whose best block is `best` and that says
    /// whether it is `syncing`: [`Distrust::NoContract`] while it lags (syncing, or before the
    /// record's block), else [`Distrust::Absent`].
    pub fn missing(&self, role: Role, best: u64, syncing: bool) -> Distrust {
        if syncing || self.recorded_at.is_some_and(|at| best < at) {
            Distrust::NoContract(role)
        } else {
            Distrust::Absent { role, block: best }
        }
    }

    /// Whether the code at the `role` contract (`None`: no contract there) is allowed.
    ///
    /// # Errors
    /// [`Distrust::NoContract`] (to be judged by [`Trust::missing`]), [`Distrust::Code`].
    pub fn check_code(&self, role: Role, found: Option<Hash>) -> Result<(), Distrust> {
        let found = found.ok_or(Distrust::NoContract(role))?;
        if self
            .code
            .get(&role)
            .is_some_and(|allowed| allowed.contains(&found))
        {
            Ok(())
        } else {
            Err(Distrust::Code { role, found })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `t` passes the chain of genesis `h(1)` and refuses another.
    fn signs_on_chain_one_only(t: &Trust) {
        assert_eq!(t.check_genesis(h(1)), Ok(()));
        assert_eq!(
            t.check_genesis(h(9)),
            Err(Distrust::Genesis {
                expected: h(1),
                found: h(9)
            })
        );
    }

    fn h(byte: u8) -> Hash {
        Hash([byte; 32])
    }

    #[test]
    fn a_phrase_given_as_a_code_hash_is_refused_without_quoting_it() {
        let phrase = "bottom drive obey lake curtain smoke basket hold race lonely fit walk";
        let err = phrase.parse::<Hash>().expect_err("no hash");
        let (refused, debug) = (err.to_string(), format!("{err:?}"));
        for shown in [&refused, &debug] {
            assert!(!shown.contains("bottom") && !shown.contains("walk"), "{shown}");
        }
        assert_eq!("0x12".parse::<Hash>(), Err(NotAHash::Length(2)));
        assert_eq!(
            format!("0x{}zz", "ab".repeat(31)).parse::<Hash>(),
            Err(NotAHash::NotHex)
        );
    }

    #[test]
    fn only_the_records_chain_and_code_allowed_for_its_role_pass() {
        let mut t = Trust {
            genesis: Some(h(1)),
            ..Trust::default()
        };
        t.allow(Role::Pool, h(2));
        t.allow(Role::Pool, h(3));
        t.allow(Role::Venue, h(4));
        signs_on_chain_one_only(&t);
        assert_eq!(t.check_code(Role::Pool, Some(h(2))), Ok(()));
        assert_eq!(t.check_code(Role::Pool, Some(h(3))), Ok(()));
        let venue_as_pool = t.check_code(Role::Pool, Some(h(4)));
        assert_eq!(
            venue_as_pool,
            Err(Distrust::Code {
                role: Role::Pool,
                found: h(4)
            })
        );
        assert_eq!(
            t.check_code(Role::Pool, None),
            Err(Distrust::NoContract(Role::Pool))
        );
        assert_eq!(t.check_code(Role::Venue, Some(h(4))), Ok(()));
        assert!(t.check_code(Role::Venue, Some(h(2))).is_err());
        assert!(
            t.check_code(Role::Oracle, Some(h(2))).is_err(),
            "no oracle code allowed"
        );
    }

    #[test]
    fn a_missing_contract_is_the_nodes_lag_only_while_it_syncs_or_is_before_the_record() {
        let recorded = Trust {
            recorded_at: Some(100),
            ..Trust::default()
        };
        let lag = Distrust::NoContract(Role::Pool);
        let absent = |block| Distrust::Absent {
            role: Role::Pool,
            block,
        };
        assert_eq!(recorded.missing(Role::Pool, 99, false), lag);
        assert_eq!(recorded.missing(Role::Pool, 100, true), lag);
        assert_eq!(recorded.missing(Role::Pool, 100, false), absent(100));
        assert_eq!(recorded.missing(Role::Pool, 5_000, false), absent(5_000));
        // Without a record, only the node's own word tells a lag.
        let listed = Trust::default();
        assert_eq!(listed.missing(Role::Pool, 0, true), lag);
        assert_eq!(listed.missing(Role::Pool, 0, false), absent(0));
    }

    #[test]
    fn without_a_record_any_genesis_passes_but_no_code_does() {
        let t = Trust::default();
        assert_eq!(t.check_genesis(h(9)), Ok(()));
        assert!(t.check_code(Role::Pool, Some(h(2))).is_err());
    }

    #[test]
    fn a_configured_genesis_pins_the_chain_and_must_be_the_records() {
        let (one, nine) = (format!("{}", h(1)), format!("{}", h(9)));
        // without a record: only the configured chain passes
        let t = Trust::default()
            .on_genesis("node.genesis_hash", Some(&one))
            .expect("a hash");
        signs_on_chain_one_only(&t);
        // with a record: its own chain again is fine, another is refused, and none changes nothing
        let record = Trust {
            genesis: Some(h(1)),
            ..Trust::default()
        };
        assert_eq!(record.clone().on_genesis("g", Some(&one)), Ok(record.clone()));
        let err = record
            .clone()
            .on_genesis("node.genesis_hash", Some(&nine))
            .expect_err("another chain");
        // the configured hash (perhaps a secret seed pasted there) shown by its first bytes only
        assert!(
            err.to_string()
                .starts_with("node.genesis_hash 0x09090909… is not"),
            "{err}"
        );
        assert!(!err.to_string().contains(&nine), "{err}");
        assert_eq!(record.clone().on_genesis("g", None), Ok(record));
        assert!(matches!(
            Trust::default().on_genesis("g", Some("0x12")),
            Err(GenesisField::Hash(_))
        ));
    }

    #[test]
    fn hashes_parse_from_and_print_as_prefixed_hex() {
        let text = format!("0x{}", "ab".repeat(32));
        let hash: Hash = text.parse().expect("a hash");
        assert_eq!(hash, Hash([0xab; 32]));
        assert_eq!(hash.to_string(), text);
        let signed = format!("0x+{}", "a".repeat(63));
        assert!(signed.parse::<Hash>().is_err(), "{signed}");
        for bad in [
            "ab".repeat(32),
            format!("0x{}", "ab".repeat(31)),
            format!("0x{}zz", "ab".repeat(31)),
        ] {
            assert!(bad.parse::<Hash>().is_err(), "{bad}");
        }
    }

    #[test]
    fn configured_trust_allows_each_listed_hash_for_its_role_and_names_a_bad_one() {
        let (a, b) = (format!("{}", h(2)), format!("{}", h(3)));
        let pools = [a.clone()];
        let genesis = format!("{}", h(1));
        let record = RecordedChain {
            genesis_hash: &genesis,
            block: 42,
        };
        let t = Trust::configured(
            Some(record),
            listed(Role::Pool, "node.pool_code_hashes", &pools).chain([(Role::Venue, "record", b.as_str())]),
        )
        .expect("hashes");
        assert_eq!((t.genesis, t.recorded_at), (Some(h(1)), Some(42)));
        assert_eq!(t.check_code(Role::Pool, Some(h(2))), Ok(()));
        assert_eq!(t.check_code(Role::Venue, Some(h(3))), Ok(()));
        assert!(
            t.check_code(Role::Pool, Some(h(3))).is_err(),
            "a venue's hash is not a pool's"
        );
        let bad = ["0x12".to_string()];
        let err = Trust::configured(None, listed(Role::Oracle, "node.oracle_code_hashes", &bad))
            .expect_err("not a hash");
        assert!(err.to_string().starts_with("node.oracle_code_hashes: "), "{err}");
        assert_eq!(
            Trust::configured(None, []).map(|t| (t.genesis, t.recorded_at)),
            Ok((None, None))
        );
    }
}
