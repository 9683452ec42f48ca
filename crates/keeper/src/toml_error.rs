//! A configuration file's syntax or type error, told without the file's text. The TOML parser's
//! own message quotes the offending line, and a configuration's offending line can be a secret
//! pasted without quotes or under a misspelt key: that text would reach the bots' logs.

/// Where a TOML text failed to read and why, without quoting it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct TomlError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl TomlError {
    /// `error`, met reading `text`, located by line and column (1-based).
    pub fn of(text: &str, error: &toml::de::Error) -> TomlError {
        let at = error.span().map_or(0, |s| s.start).min(text.len());
        let before = text.get(..at).unwrap_or_default();
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        TomlError {
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
            message: error.message().to_owned(),
        }
    }
}

/// `text` as a `T`, its errors told without quoting it.
///
/// # Errors
/// [`TomlError`] where the text is no TOML or no `T`.
pub fn from_str<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, TomlError> {
    toml::from_str(text).map_err(|e| TomlError::of(text, &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Node {
        signer: String,
    }

    #[test]
    fn a_secret_on_the_offending_line_is_never_quoted() {
        let secret = "bottom drive obey lake curtain smoke basket hold race lonely fit walk";
        for text in [
            format!("# a node\nsigner = {secret}\n"),
            format!("# a node\nsinger = \"{secret}\"\n"),
            format!("# a node\nsigner = 0x{}\n", "e5".repeat(32)),
        ] {
            let e = from_str::<Node>(&text).expect_err("refused");
            let told = e.to_string();
            assert_eq!(e.line, 2, "{told}");
            for word in ["bottom", "obey", "walk", "e5e5"] {
                assert!(!told.contains(word), "{told}");
            }
        }
    }

    #[test]
    fn the_error_names_the_line_and_column() {
        let e = from_str::<Node>("signer = \"a\"\nsigner = \"b\"\n").expect_err("a duplicate key");
        assert_eq!((e.line, e.column), (2, 1), "{e}");
    }
}
