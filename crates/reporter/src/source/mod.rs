//! Where prices come from: an HTTP(S) JSON endpoint, a command, or a CSV file replayed against the
//! clock. Each answers with an [`Observation`]: the price and when it was observed, stamped at the
//! moment the reporter asked (never later than the source could have seen it, so the age the pool
//! prices with is never understated).

mod command;
mod http;
mod replay;

pub use command::Command;
pub use http::Http;
pub use replay::{parse_replay, Replay};

use crate::price::{parse_price, PriceError};
use std::path::PathBuf;

/// The most output a command or an HTTP body may have (bytes): a price needs a few dozen.
pub const MAX_OUTPUT: u64 = 65_536;

/// A price and the time it describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Observation {
    /// Quote per base, 1e18.
    pub price: u128,
    /// When the price was observed (ms since the Unix epoch).
    pub observed_ms: u64,
}

/// Why a source gave no price.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("request failed: {0}")]
    Http(String),
    #[error("HTTP status {0}")]
    Status(u16),
    #[error("the body is not JSON: {0}")]
    Json(String),
    #[error("no value at {0:?}")]
    Field(String),
    #[error("the value at {path:?} is neither a number nor a string: {found}")]
    NotScalar { path: String, found: String },
    #[error("{0}")]
    Price(#[from] PriceError),
    #[error("{program}: {message}")]
    Command { program: String, message: String },
    #[error("no answer within {0} ms")]
    Timeout(u64),
    #[error("{path}: {message}")]
    Csv { path: PathBuf, message: String },
    #[error("the replay has no row before {0} ms into it")]
    NotYet(u64),
}

/// A source of prices, asked once per round.
pub trait Source {
    /// The operator's name for it (logs and metrics).
    fn name(&self) -> &str;

    /// The price now; `now_ms` is the round's clock (ms since the Unix epoch).
    ///
    /// # Errors
    /// [`SourceError`], saying what failed; the round goes on without this source.
    fn fetch(&mut self, now_ms: u64) -> Result<Observation, SourceError>;
}

/// The value at `path` in a JSON `body`: a JSON pointer (`/data/0/price`) or dotted keys
/// (`data.0.price`), a number or a numeric string, as a 1e18 price.
///
/// # Errors
/// [`SourceError::Json`], [`SourceError::Field`], [`SourceError::NotScalar`] or the price's
/// [`PriceError`].
pub fn json_price(body: &str, path: &str) -> Result<u128, SourceError> {
    let value: serde_json::Value =
        serde_json::from_str(body).map_err(|e| SourceError::Json(e.to_string()))?;
    let pointer = if path.starts_with('/') || path.is_empty() {
        path.to_owned()
    } else {
        path.split('.').fold(String::new(), |p, key| p + "/" + key)
    };
    match value.pointer(&pointer) {
        // A JSON number's shortest text is the decimal the source wrote for up to 15 digits.
        Some(serde_json::Value::Number(n)) => Ok(parse_price(&n.to_string())?),
        Some(serde_json::Value::String(s)) => Ok(parse_price(s)?),
        Some(other) => Err(SourceError::NotScalar {
            path: path.to_owned(),
            found: other.to_string().chars().take(80).collect(),
        }),
        None => Err(SourceError::Field(path.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use keel_core::ONE;

    #[test]
    fn a_json_field_is_found_by_pointer_or_dotted_path_as_number_or_string() {
        let body = r#"{"data": [{"price": 64123.45}, {"price": "0.25"}], "ok": true, "n": null}"#;
        let expected = 64_123 * ONE + ONE / 100 * 45;
        assert_eq!(json_price(body, "/data/0/price").ok(), Some(expected));
        assert_eq!(json_price(body, "data.0.price").ok(), Some(expected));
        assert_eq!(json_price(body, "data.1.price").ok(), Some(ONE / 4));
        assert!(matches!(
            json_price(body, "data.2.price"),
            Err(SourceError::Field(_))
        ));
        assert!(matches!(
            json_price(body, "ok"),
            Err(SourceError::NotScalar { .. })
        ));
        assert!(matches!(
            json_price(body, "n"),
            Err(SourceError::NotScalar { .. })
        ));
        assert!(matches!(
            json_price(body, "data"),
            Err(SourceError::NotScalar { .. })
        ));
        assert!(matches!(json_price("<html>", "price"), Err(SourceError::Json(_))));
        assert!(matches!(
            json_price(r#"{"price": -3}"#, "price"),
            Err(SourceError::Price(PriceError::NotPositive(_)))
        ));
    }
}
