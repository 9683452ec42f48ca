//! Why a simulation or a benchmark could not run.

use keel_keeper::chain::ChainError;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// A scenario or suite value is out of range; the message names it.
    #[error("{0}")]
    Invalid(String),
    #[error("{path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path}: {source}")]
    Parse { path: PathBuf, source: toml::de::Error },
    #[error("{path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    /// The simulated chain failed in a way a simulation cannot continue from (a trap, an
    /// undecodable answer, a planned arbitrage the pool priced differently).
    #[error(transparent)]
    Chain(#[from] ChainError),
    /// The starting liquidity was refused.
    #[error("the starting liquidity was refused: {0}")]
    Liquidity(String),
    #[error("chart: {0}")]
    Chart(String),
    /// One path of a benchmark failed.
    #[error("{case} seed {seed}: {source}")]
    Path {
        case: String,
        seed: u64,
        source: Box<SimError>,
    },
}

impl SimError {
    /// A file `path` could not be read.
    pub fn read(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> SimError + '_ {
        move |source| SimError::Read {
            path: path.to_owned(),
            source,
        }
    }

    /// A file `path` could not be written.
    pub fn write(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> SimError + '_ {
        move |source| SimError::Write {
            path: path.to_owned(),
            source,
        }
    }
}
