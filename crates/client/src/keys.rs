//! Where the signing key comes from, and on which chains it may sign. Dev keys (`//Alice`, or
//! anything derived from the public dev phrase, whatever its source) sign only on a chain that
//! reports itself `Development` or `Local`. A real key is
//! a secret URI (mnemonic or `0x` seed, optionally with `//derivation` and `///password`) read
//! from an environment variable (removed from the environment once read; `/proc/<pid>/environ`
//! still holds the start-up copy) or a file that only its owner can read.
//! Neither the secret nor anything derived from it but the public account ever reaches a log,
//! a `Debug` print or an error message, and the secret's text is zeroed once the key is derived.

use secrecy::ExposeSecret;
use serde::Deserialize;
use std::fmt;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use subxt::utils::AccountId32;
use subxt_signer::sr25519::Keypair;
use subxt_signer::{SecretUri, DEV_PHRASE};
use zeroize::Zeroizing;

/// A key's origin, as written in a config file or on the command line:
/// `//Alice` (dev), `env:NAME` or `file:/path`.
#[derive(Clone, PartialEq, Eq)]
pub enum KeySource {
    /// A well-known development account: `//` followed by a name, no phrase.
    Dev(String),
    /// A secret URI in this environment variable.
    Env(String),
    /// A secret URI in this file (first line); refused when its group or others may read it.
    File(PathBuf),
}

/// Why a key could not be had. Messages name the source, never a secret.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("`env:` needs a variable name, as in env:KEEL_KEEPER_SURI")]
    NoVariable,
    #[error("`file:` needs a path, as in file:/etc/keel/keeper.key")]
    NoPath,
    /// Not a source at all; the spec itself is never echoed (it may be a pasted secret).
    #[error(
        "a key is `//Name` (dev accounts only), `env:VARIABLE` or `file:PATH`; \
         secrets themselves are never accepted inline"
    )]
    NotASource,
    #[error("key source env:{0}: variable not set")]
    Unset(String),
    #[error("key source file:{path}: {source}")]
    Unreadable { path: PathBuf, source: std::io::Error },
    #[error("key source {0}: not a secret URI (mnemonic or 0x seed)")]
    NotASecretUri(String),
    #[error("key source {0}: cannot derive a key")]
    Underivable(String),
    /// A key file others can read is a key others may have.
    #[error("key source file:{path}: readable by group or others (mode {mode:o}); chmod 600 it")]
    Exposed { path: PathBuf, mode: u32 },
    /// Dev keys are public; on a live chain anyone could sign as them.
    #[error("key source {key}: a public dev key, refused on a {chain} chain (dev keys sign only on Development or Local chains)")]
    DevKeyOffDevChain { key: String, chain: ChainType },
}

/// What a chain says it is (`system_chainType`), as its chain spec declares.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub enum ChainType {
    Development,
    Local,
    Live,
    Custom(String),
}

impl ChainType {
    /// Whether the public dev keys may sign here: only on chains declared for development.
    pub fn allows_dev_keys(&self) -> bool {
        matches!(self, ChainType::Development | ChainType::Local)
    }
}

impl fmt::Display for ChainType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChainType::Development => f.write_str("Development"),
            ChainType::Local => f.write_str("Local"),
            ChainType::Live => f.write_str("Live"),
            ChainType::Custom(name) => write!(f, "custom ({name})"),
        }
    }
}

/// A loaded signing key. Its `Debug` shows the source and account only; the key pair inside
/// (whose own `Debug` would print the secret) is reached through `Deref` for signing.
#[derive(Clone)]
pub struct SigningKey {
    pair: Keypair,
    source: KeySource,
}

impl Deref for SigningKey {
    type Target = Keypair;

    fn deref(&self) -> &Keypair {
        &self.pair
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKey({}, {})", self.source, account(&self.pair))
    }
}

impl FromStr for KeySource {
    type Err = KeyError;

    fn from_str(spec: &str) -> Result<Self, KeyError> {
        if let Some(name) = spec.strip_prefix("env:") {
            if name.is_empty() {
                return Err(KeyError::NoVariable);
            }
            return Ok(KeySource::Env(name.into()));
        }
        if let Some(path) = spec.strip_prefix("file:") {
            if path.is_empty() {
                return Err(KeyError::NoPath);
            }
            return Ok(KeySource::File(path.into()));
        }
        let name = spec.strip_prefix("//").unwrap_or_default();
        if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '/') {
            return Ok(KeySource::Dev(spec.into()));
        }
        Err(KeyError::NotASource)
    }
}

impl fmt::Display for KeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeySource::Dev(uri) => write!(f, "{uri}"),
            KeySource::Env(name) => write!(f, "env:{name}"),
            KeySource::File(path) => write!(f, "file:{}", path.display()),
        }
    }
}

impl fmt::Debug for KeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeySource({self})")
    }
}

impl KeySource {
    /// Whether this is one of the public dev keys.
    pub fn is_dev(&self) -> bool {
        matches!(self, KeySource::Dev(_))
    }

    /// Reads and derives the key for a chain of type `chain`: [`KeySource::read`], then
    /// [`Secret::derive`].
    ///
    /// # Errors
    /// As those two.
    pub fn load(&self, chain: &ChainType) -> Result<SigningKey, KeyError> {
        self.read()?.derive(chain)
    }

    /// Reads the secret, not yet derived. An `env:` variable is removed from the process
    /// environment once read, so a program reads its key before it starts other threads (a
    /// connection's), which may read the environment meanwhile.
    ///
    /// # Errors
    /// The variable unset; the file unreadable or readable by group or others. The message names
    /// the source, never its content.
    pub fn read(&self) -> Result<Secret, KeyError> {
        let text: Zeroizing<String> = match self {
            KeySource::Dev(uri) => Zeroizing::new(uri.clone()),
            KeySource::Env(name) => {
                let value = std::env::var(name).map_err(|_| KeyError::Unset(name.clone()))?;
                std::env::remove_var(name);
                Zeroizing::new(value)
            }
            KeySource::File(path) => read_key_file(path)?,
        };
        Ok(Secret {
            text,
            source: self.clone(),
        })
    }
}

/// A key's secret as its source holds it, read and not yet derived: wiped when dropped, and its
/// `Debug` names the source only.
pub struct Secret {
    text: Zeroizing<String>,
    source: KeySource,
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({})", self.source)
    }
}

impl Secret {
    /// Derives the key for a chain of type `chain`.
    ///
    /// # Errors
    /// A dev key on a chain that is not `Development` or `Local`; the content not a valid secret
    /// URI. The message names the source, never its content.
    pub fn derive(self, chain: &ChainType) -> Result<SigningKey, KeyError> {
        let first = self.text.lines().next().unwrap_or_default().trim();
        let uri = SecretUri::from_str(first).map_err(|_| KeyError::NotASecretUri(self.source.to_string()))?;
        let pair = Keypair::from_uri(&uri).map_err(|_| KeyError::Underivable(self.source.to_string()))?;
        let dev = is_dev_phrase(uri.phrase.expose_secret()) || is_dev_account(&account(&pair));
        if dev && !chain.allows_dev_keys() {
            return Err(KeyError::DevKeyOffDevChain {
                key: self.source.to_string(),
                chain: chain.clone(),
            });
        }
        Ok(SigningKey {
            pair,
            source: self.source,
        })
    }
}

/// Whether `phrase` is the public dev phrase every dev account derives from, however spaced or
/// cased.
fn is_dev_phrase(phrase: &str) -> bool {
    let words: Vec<String> = phrase.split_whitespace().map(str::to_lowercase).collect();
    words.join(" ") == DEV_PHRASE
}

/// Whether `who` is one of the well-known dev accounts (the dev phrase's root, `//Alice` to
/// `//Ferdie`, `//One`, `//Two`, and their `//stash`), however its secret was written (a hex seed
/// of one of them included).
fn is_dev_account(who: &AccountId32) -> bool {
    const NAMES: [&str; 8] = ["Alice", "Bob", "Charlie", "Dave", "Eve", "Ferdie", "One", "Two"];
    let junctions = NAMES
        .iter()
        .flat_map(|n| [format!("//{n}"), format!("//{n}//stash")])
        .chain([String::new()]);
    junctions
        .filter_map(|j| SecretUri::from_str(&format!("{DEV_PHRASE}{j}")).ok())
        .filter_map(|uri| Keypair::from_uri(&uri).ok())
        .any(|pair| account(&pair) == *who)
}

/// The key file's text, if only its owner may read it.
fn read_key_file(path: &Path) -> Result<Zeroizing<String>, KeyError> {
    let unreadable = |source| KeyError::Unreadable {
        path: path.to_owned(),
        source,
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_err(unreadable)?.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(KeyError::Exposed {
                path: path.to_owned(),
                mode,
            });
        }
    }
    std::fs::read_to_string(path)
        .map(Zeroizing::new)
        .map_err(unreadable)
}

/// The account a keypair signs for.
pub fn account(pair: &Keypair) -> AccountId32 {
    pair.public_key().to_account_id()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dev_uris_env_and_file_sources_parse() {
        assert_eq!(
            "//Alice".parse::<KeySource>().ok(),
            Some(KeySource::Dev("//Alice".into()))
        );
        assert_eq!(
            "env:K".parse::<KeySource>().ok(),
            Some(KeySource::Env("K".into()))
        );
        assert_eq!(
            "file:/k".parse::<KeySource>().ok(),
            Some(KeySource::File("/k".into()))
        );
    }

    #[test]
    fn inline_secrets_are_refused_without_being_echoed() {
        for secret in [DEV_PHRASE, "0x0123456789abcdef", "//", "env:", "file:"] {
            let err = secret.parse::<KeySource>().expect_err(secret).to_string();
            assert!(!err.contains("drive") && !err.contains("0123"), "{err}");
        }
    }

    const DEV: ChainType = ChainType::Development;

    #[test]
    fn a_secret_from_the_environment_derives_the_same_account_as_its_dev_uri_and_is_cleared() {
        let var = "KEEL_TEST_KEY_SURI";
        std::env::set_var(var, format!("{DEV_PHRASE}//Alice"));
        let from_env = KeySource::Env(var.into()).load(&DEV).expect("env key");
        let dev = KeySource::Dev("//Alice".into()).load(&DEV).expect("dev key");
        assert_eq!(account(&from_env), account(&dev));
        assert!(std::env::var(var).is_err(), "the variable is removed once read");
        assert_eq!(
            format!("{:?}", KeySource::Env(var.into())),
            format!("KeySource(env:{var})")
        );
    }

    #[test]
    fn dev_keys_sign_only_on_development_and_local_chains() {
        let alice = KeySource::Dev("//Alice".into());
        for chain in [ChainType::Development, ChainType::Local] {
            assert!(alice.load(&chain).is_ok(), "{chain}");
        }
        for chain in [ChainType::Live, ChainType::Custom("staging".into())] {
            let err = alice.load(&chain).expect_err("refused");
            assert!(
                matches!(err, KeyError::DevKeyOffDevChain { .. }),
                "{chain}: {err}"
            );
        }
        // the dev phrase from any source is a dev key; any other secret is not
        let var = "KEEL_TEST_DEV_PHRASE_SURI";
        let stash = format!("{DEV_PHRASE}//Alice//stash");
        for secret in ["//Bob", stash.as_str(), DEV_PHRASE] {
            std::env::set_var(var, secret);
            let err = KeySource::Env(var.into())
                .load(&ChainType::Live)
                .expect_err(secret);
            assert!(matches!(err, KeyError::DevKeyOffDevChain { .. }), "{err}");
        }
        std::env::set_var(var, format!("0x{}", "42".repeat(32)));
        assert!(KeySource::Env(var.into()).load(&ChainType::Live).is_ok());
        // Alice's own seed in hex is Alice, whatever the phrase check sees
        let alice_seed = "0xe5be9a5092b81bca64be81d212e7f2f9eba183bb7a90954f7b76361f6edb5c0a";
        std::env::set_var(var, alice_seed);
        let err = KeySource::Env(var.into())
            .load(&ChainType::Live)
            .expect_err("Alice's seed");
        assert!(matches!(err, KeyError::DevKeyOffDevChain { .. }), "{err}");
        let parsed: ChainType = serde_json::from_str(r#"{"Custom":"x"}"#).expect("custom");
        assert_eq!(parsed, ChainType::Custom("x".into()));
        let parsed: ChainType = serde_json::from_str(r#""Live""#).expect("live");
        assert!(!parsed.allows_dev_keys());
    }

    #[test]
    fn a_signing_key_debug_prints_its_source_and_account_not_its_secret() {
        let key = KeySource::Dev("//Alice".into()).load(&DEV).expect("dev key");
        let printed = format!("{key:?}");
        assert_eq!(printed, format!("SigningKey(//Alice, {})", account(&key)));
        let inner = format!("{:?}", *key);
        assert_ne!(printed, inner, "the inner pair's Debug is not what a log shows");
    }

    fn key_file(name: &str, text: &str, mode: u32) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = std::env::temp_dir().join(format!("keel-key-test-{}-{name}", std::process::id()));
        std::fs::write(&path, text).expect("write");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).expect("chmod");
        path
    }

    #[test]
    fn key_files_others_can_read_are_refused_and_owner_only_files_load() {
        let secret = format!("{DEV_PHRASE}//Alice\n");
        for mode in [0o644, 0o640, 0o604] {
            let path = key_file("open", &secret, mode);
            let err = KeySource::File(path.clone())
                .load(&ChainType::Live)
                .expect_err("exposed");
            assert!(matches!(err, KeyError::Exposed { .. }), "{mode:o}: {err}");
            assert!(!err.to_string().contains("drive"), "{err}");
            std::fs::remove_file(path).ok();
        }
        let path = key_file("closed", &secret, 0o600);
        let key = KeySource::File(path.clone()).load(&DEV).expect("owner-only");
        let dev = KeySource::Dev("//Alice".into()).load(&DEV).expect("dev key");
        assert_eq!(account(&key), account(&dev));
        std::fs::remove_file(path).ok();
    }

    #[test]
    fn unreadable_or_malformed_secrets_name_the_source_only() {
        let missing = KeySource::Env("KEEL_TEST_UNSET_VARIABLE".into())
            .load(&DEV)
            .expect_err("unset")
            .to_string();
        assert!(missing.contains("not set"), "{missing}");
        let path = key_file("bad", "not a mnemonic at all\n", 0o600);
        let bad = KeySource::File(path.clone())
            .load(&DEV)
            .expect_err("bad")
            .to_string();
        assert!(!bad.contains("mnemonic at all"), "{bad}");
        std::fs::remove_file(path).ok();
    }
}
