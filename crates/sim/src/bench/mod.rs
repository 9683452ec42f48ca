//! The economic benchmark: every strategy (Keel and constant-product pools) on every seed of
//! every case of a suite, measured ([`tally`]), swept in parallel ([`sweep`]), compared path by
//! path ([`stats`]), held to its targets ([`targets`]) and reported ([`report`], [`chart`]).

pub mod chart;
pub mod report;
pub mod spread;
pub mod stats;
pub mod strategy;
pub mod suite;
pub mod sweep;
pub mod tally;
pub mod targets;
