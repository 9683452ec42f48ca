//! Where prices come from: an HTTP(S) JSON endpoint, a command, or a CSV file replayed against the
//! clock. Each answers with an [`Observation`]: the price and when it was observed. An HTTP
//! source with a `time_path`, or a command that prints `price timestamp`, says when; otherwise
//! the answer is stamped at the moment the reporter asked, and a source serving a frozen price
//! looks fresh. Either way the stamp is never later than the reporter's clock.

mod command;
mod http;
mod replay;
mod units;

pub use command::Command;
pub use http::Http;
pub use replay::{parse_replay, Replay, ReplayError};
pub use units::InUnits;

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
    json_decimal(&value, path)
}

/// The decimal at `path` in a parsed JSON `value`, in 1e18 units.
fn json_decimal(value: &serde_json::Value, path: &str) -> Result<u128, SourceError> {
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

/// The price at `price_path` and, when `time_path` is given, the observation time there, from
/// a JSON `body`.
///
/// # Errors
/// As [`json_price`], for either field.
pub fn json_observation(
    body: &str,
    price_path: &str,
    time_path: Option<&str>,
) -> Result<(u128, Option<u64>), SourceError> {
    let value: serde_json::Value =
        serde_json::from_str(body).map_err(|e| SourceError::Json(e.to_string()))?;
    let price = json_decimal(&value, price_path)?;
    let time = time_path
        .map(|p| json_decimal(&value, p).map(time_ms))
        .transpose()?;
    Ok((price, time))
}

/// A Unix time a source reported, in 1e18 units of its own unit, as milliseconds: values below
/// 1e11 are seconds (until the year 5138), below 1e14 milliseconds, and larger ones micro- or
/// nanoseconds, brought down by thousands until they read as milliseconds.
pub fn time_ms(units: u128) -> u64 {
    const SECONDS_BELOW: u128 = 100_000_000_000;
    const MS_BELOW: u128 = SECONDS_BELOW * 1_000;
    let mut ms = if units < SECONDS_BELOW * keel_core::ONE {
        units / (keel_core::ONE / 1_000)
    } else {
        units / keel_core::ONE
    };
    while ms >= MS_BELOW {
        ms /= 1_000;
    }
    u64::try_from(ms).unwrap_or(u64::MAX)
}

/// The time an answer describes: the source's own stamp when it gave one, never later than
/// `now_ms` (a source clock ahead of ours does not make its answer fresher).
pub fn observed_at(reported_ms: Option<u64>, now_ms: u64) -> u64 {
    reported_ms.map_or(now_ms, |t| t.min(now_ms))
}

#[cfg(test)]
mod tests {
    use super::*;
    use keel_core::ONE;

    #[test]
    fn a_reported_time_is_read_in_seconds_milliseconds_or_finer_and_never_after_now() {
        let body = r#"{"p": "10", "s": 1700000000, "ms": "1700000000123", "f": 1700000000.5,
            "us": 1700000000123456, "ns": "1700000000123456789"}"#;
        let at = |path| {
            json_observation(body, "p", Some(path))
                .map(|(_, t)| t)
                .ok()
                .flatten()
        };
        assert_eq!(at("s"), Some(1_700_000_000_000));
        assert_eq!(at("ms"), Some(1_700_000_000_123));
        assert_eq!(at("f"), Some(1_700_000_000_500));
        // Micro- and nanoseconds read as the same millisecond, not as a time far ahead.
        assert_eq!(at("us"), Some(1_700_000_000_123));
        assert_eq!(at("ns"), Some(1_700_000_000_123));
        assert!(matches!(
            json_observation(body, "p", Some("none")),
            Err(SourceError::Field(_))
        ));
        assert_eq!(json_observation(body, "p", None).ok(), Some((10 * ONE, None)));
        assert_eq!(observed_at(Some(5), 9), 5);
        assert_eq!(observed_at(Some(12), 9), 9);
        assert_eq!(observed_at(None, 9), 9);
    }

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
