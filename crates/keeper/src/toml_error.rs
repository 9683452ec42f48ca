//! A configuration file's syntax or type error, told without the file's text. The TOML parser's
//! own message quotes the offending line, and serde's quotes the offending value; a
//! configuration's offending line can be a secret pasted without quotes, under a misspelt key or
//! under a key of another type: that text would reach the bots' logs.

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
            message: without_values(error.message()),
        }
    }
}

/// `message` with the values serde quotes in it (`string "…"`, ``unknown variant `…` ``) left
/// out; the names of keys and of the expected variants stay.
fn without_values(message: &str) -> String {
    let told = message
        .split('"')
        .enumerate()
        .map(|(i, part)| if i % 2 == 1 { "…" } else { part })
        .collect::<Vec<_>>()
        .join("\"");
    match told
        .strip_prefix("unknown variant `")
        .and_then(|rest| rest.split_once('`'))
    {
        Some((_, expected)) => format!("unknown variant `…`{expected}"),
        None => told,
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
    #[serde(rename_all = "lowercase")]
    enum Kind {
        Http,
        Csv,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Node {
        signer: String,
        #[serde(default)]
        poll_ms: u64,
        kind: Option<Kind>,
    }

    #[test]
    fn a_secret_on_the_offending_line_is_never_quoted() {
        // given a secret pasted without quotes, under a misspelt key, as a hex seed, under a key
        // that takes a number, and as a variant's name, each on the file's third line
        let secret = "bottom drive obey lake curtain smoke basket hold race lonely fit walk";
        let head = "# a node\nkind = \"csv\"\n";
        for line in [
            format!("signer = {secret}"),
            format!("singer = \"{secret}\""),
            format!("signer = 0x{}", "e5".repeat(32)),
            format!("signer = \"env:K\"\npoll_ms = \"{secret}\""),
            format!("signer = \"env:K\"\nkind = \"{secret}\""),
        ] {
            // when it is read, then the error names the line and none of the secret
            let e = from_str::<Node>(&format!("{head}{line}\n")).expect_err("refused");
            let told = e.to_string();
            assert!(e.line >= 3, "{told}");
            for word in ["bottom", "obey", "walk", "e5e5"] {
                assert!(!told.contains(word), "{told}");
            }
        }
    }

    #[test]
    fn the_error_names_the_line_and_column_and_what_was_expected() {
        let e = from_str::<Node>("signer = \"a\"\nsigner = \"b\"\n").expect_err("a duplicate key");
        assert_eq!((e.line, e.column), (2, 1), "{e}");
        let e = from_str::<Node>("signer = \"a\"\nkind = \"ftp\"\n").expect_err("no such kind");
        assert!(e.message.contains("`http`") && !e.message.contains("ftp"), "{e}");
    }
}
