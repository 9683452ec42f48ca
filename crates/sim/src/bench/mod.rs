//! The economic benchmark: every strategy (Keel and its variants, constant-product pools) on
//! every seed of every case of a suite, measured ([`tally`]), swept in parallel ([`sweep`]) and
//! reported with its targets ([`report`], [`chart`]).

pub mod chart;
pub mod report;
pub mod strategy;
pub mod suite;
pub mod sweep;
pub mod tally;
