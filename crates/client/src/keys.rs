//! Where the signing key comes from. Dev URIs (`//Alice`) are public and fine on a local chain;
//! a real key is a secret URI (mnemonic or `0x` seed, optionally with `//derivation` and
//! `///password`) read from an environment variable or a file. Neither the secret nor anything
//! derived from it but the public account ever reaches a log or an error message.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use subxt::utils::AccountId32;
use subxt_signer::sr25519::Keypair;
use subxt_signer::SecretUri;

/// A key's origin, as written in a config file or on the command line:
/// `//Alice` (dev), `env:NAME` or `file:/path`.
#[derive(Clone, PartialEq, Eq)]
pub enum KeySource {
    /// A well-known development account: `//` followed by a name, no phrase.
    Dev(String),
    /// A secret URI in this environment variable.
    Env(String),
    /// A secret URI in this file (first line; the file should be readable by the keeper only).
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
    /// Reads and derives the key.
    ///
    /// # Errors
    /// The variable is unset, the file unreadable, or the content not a valid secret URI. The
    /// message names the source, never its content.
    pub fn load(&self) -> Result<Keypair, KeyError> {
        let secret = match self {
            KeySource::Dev(uri) => uri.clone(),
            KeySource::Env(name) => std::env::var(name).map_err(|_| KeyError::Unset(name.clone()))?,
            KeySource::File(path) => std::fs::read_to_string(path)
                .map_err(|source| KeyError::Unreadable {
                    path: path.clone(),
                    source,
                })?
                .lines()
                .next()
                .unwrap_or_default()
                .to_owned(),
        };
        let uri =
            SecretUri::from_str(secret.trim()).map_err(|_| KeyError::NotASecretUri(self.to_string()))?;
        Keypair::from_uri(&uri).map_err(|_| KeyError::Underivable(self.to_string()))
    }
}

/// The account a keypair signs for.
pub fn account(pair: &Keypair) -> AccountId32 {
    pair.public_key().to_account_id()
}

#[cfg(test)]
mod tests {
    use super::*;

    // The dev phrase every Substrate dev chain derives //Alice from; public by design.
    const DEV_PHRASE: &str = "bottom drive obey lake curtain smoke basket hold race lonely fit walk";

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

    #[test]
    fn a_secret_from_the_environment_derives_the_same_account_as_its_dev_uri() {
        let var = "KEEL_TEST_KEY_SURI";
        std::env::set_var(var, format!("{DEV_PHRASE}//Alice"));
        let from_env = KeySource::Env(var.into()).load().expect("env key");
        let dev = KeySource::Dev("//Alice".into()).load().expect("dev key");
        assert_eq!(account(&from_env), account(&dev));
        assert_eq!(
            format!("{:?}", KeySource::Env(var.into())),
            format!("KeySource(env:{var})")
        );
    }

    #[test]
    fn unreadable_or_malformed_secrets_name_the_source_only() {
        let missing = KeySource::Env("KEEL_TEST_UNSET_VARIABLE".into())
            .load()
            .expect_err("unset")
            .to_string();
        assert!(missing.contains("not set"), "{missing}");
        let dir = std::env::temp_dir().join("keel-key-test");
        std::fs::write(&dir, "not a mnemonic at all\n").expect("write");
        let bad = KeySource::File(dir.clone()).load().expect_err("bad").to_string();
        assert!(!bad.contains("mnemonic at all"), "{bad}");
        std::fs::remove_file(dir).ok();
    }
}
