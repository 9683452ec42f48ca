//! A CSV file of prices replayed against the clock.

use super::{Observation, Source, SourceError};
use crate::price::{parse_price, PriceError};
use std::path::Path;

/// Why a replay's text is not rows of `seconds,price`; each names its line (1-based).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReplayError {
    #[error("line {line}: expected `seconds,price`, found {found:?}")]
    Malformed { line: usize, found: String },
    #[error("line {0}: time out of range")]
    TimeOutOfRange(usize),
    #[error("line {0}: time goes backwards")]
    Backwards(usize),
    #[error("no rows")]
    Empty,
}

/// Rows of a replay: seconds from its start and the price then, in order.
///
/// # Errors
/// [`ReplayError`] naming the line that is not `seconds,price` (a first line that is not is
/// taken as a header; lines starting with `#` are comments), or whose time goes backwards.
pub fn parse_replay(text: &str) -> Result<Vec<(u64, u128)>, ReplayError> {
    let mut rows: Vec<(u64, u128)> = Vec::new();
    let mut first = true;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let header_allowed = std::mem::replace(&mut first, false);
        let parsed = line.split_once(',').and_then(|(t, p)| {
            // Seconds parse as a price would, zero included.
            let seconds = match parse_price(t) {
                Ok(units) => units,
                Err(PriceError::NotPositive(_)) if !t.trim().starts_with('-') => 0,
                Err(_) => return None,
            };
            Some((seconds / (keel_core::ONE / 1_000), parse_price(p).ok()?))
        });
        let Some((ms, price)) = parsed else {
            if header_allowed {
                continue;
            }
            return Err(ReplayError::Malformed {
                line: i + 1,
                found: line.to_owned(),
            });
        };
        let ms = u64::try_from(ms).map_err(|_| ReplayError::TimeOutOfRange(i + 1))?;
        if rows.last().is_some_and(|&(last, _)| ms < last) {
            return Err(ReplayError::Backwards(i + 1));
        }
        rows.push((ms, price));
    }
    if rows.is_empty() {
        return Err(ReplayError::Empty);
    }
    Ok(rows)
}

/// A CSV file of `seconds,price` rows replayed against the clock from the first round: at each
/// round the latest row whose time has come, observed now (a row's price holds until the next
/// row). Past the last row the file says nothing more: the last row keeps its own time and ages,
/// so the round drops the source as stale, as it would a feed that stopped.
pub struct Replay {
    name: String,
    rows: Vec<(u64, u128)>,
    start_ms: Option<u64>,
}

impl Replay {
    /// # Errors
    /// [`SourceError::Csv`] when the file cannot be read or a row is malformed.
    pub fn open(name: &str, path: &Path) -> Result<Replay, SourceError> {
        let csv = |message: String| SourceError::Csv {
            path: path.to_owned(),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| csv(e.to_string()))?;
        Ok(Replay::new(
            name,
            parse_replay(&text).map_err(|e| csv(e.to_string()))?,
        ))
    }

    pub fn new(name: &str, rows: Vec<(u64, u128)>) -> Replay {
        Replay {
            name: name.to_owned(),
            rows,
            start_ms: None,
        }
    }
}

impl Source for Replay {
    fn name(&self) -> &str {
        &self.name
    }

    fn fetch(&mut self, now_ms: u64) -> Result<Observation, SourceError> {
        let start = *self.start_ms.get_or_insert(now_ms);
        let into = now_ms.saturating_sub(start);
        let &(at, price) = self
            .rows
            .iter()
            .rev()
            .find(|&&(at, _)| at <= into)
            .ok_or(SourceError::NotYet(into))?;
        let ended = self.rows.last().is_some_and(|&(last, _)| into > last);
        Ok(Observation {
            price,
            observed_ms: if ended { start.saturating_add(at) } else { now_ms },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use keel_core::ONE;

    #[test]
    fn a_replay_takes_a_header_comments_and_fractional_seconds() {
        let rows = parse_replay("# recorded 2026-12-01\nt,price\n# warm-up\n0.0,10\n1.5,10.5\n\n60,9.75\n")
            .expect("parse");
        assert_eq!(
            rows,
            vec![
                (0, 10 * ONE),
                (1_500, 10 * ONE + ONE / 2),
                (60_000, 9 * ONE + ONE / 4 * 3)
            ]
        );
    }

    #[test]
    fn a_malformed_replay_names_its_line() {
        assert_eq!(
            parse_replay("0,10\nx,11").err().map(|e| e.to_string()).as_deref(),
            Some("line 2: expected `seconds,price`, found \"x,11\"")
        );
        assert_eq!(
            parse_replay("5,10\n4,11").err().map(|e| e.to_string()).as_deref(),
            Some("line 2: time goes backwards")
        );
        assert!(parse_replay("0,10\n-1,11").is_err());
        assert_eq!(
            parse_replay("# only a comment")
                .err()
                .map(|e| e.to_string())
                .as_deref(),
            Some("no rows")
        );
    }

    #[test]
    fn a_replay_follows_the_clock_from_its_first_round_and_then_ages() {
        let mut replay = Replay::new("csv", vec![(1_000, ONE), (3_000, 2 * ONE)]);
        let t0 = 1_700_000_000_000;
        assert!(matches!(replay.fetch(t0), Err(SourceError::NotYet(0))));
        let seen = |r: &mut Replay, t| r.fetch(t).map(|o| (o.price, o.observed_ms)).ok();
        assert_eq!(seen(&mut replay, t0 + 1_000), Some((ONE, t0 + 1_000)));
        assert_eq!(seen(&mut replay, t0 + 2_999), Some((ONE, t0 + 2_999)));
        assert_eq!(seen(&mut replay, t0 + 3_000), Some((2 * ONE, t0 + 3_000)));
        // Past its end the file ages from its last row.
        assert_eq!(seen(&mut replay, t0 + 90_000), Some((2 * ONE, t0 + 3_000)));
    }
}
