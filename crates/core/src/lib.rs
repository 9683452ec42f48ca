//! Keel's core: the pricing math and the pool's rules, shared by the contracts, the keeper and the
//! simulator, so chain and bot can never disagree. `no_std`, and free of ink! types: accounts are
//! type parameters, so another contract platform's shell can reuse it unchanged.
//!
//! - The curve: an oracle-anchored PMM ([`pmm`], [`state`], [`swap`]) whose skew steepens and
//!   whose fee widens with the oracle's volatility and age ([`dynamic`]); LP share arithmetic
//!   ([`liquidity`]); rebalance planning ([`rebalance`]).
//! - Price discovery between readings: the flow since the reading's observation time
//!   ([`discovery`]) moves the pool's reference, priced with a guard fee ([`anchor`]).
//! - [`pool`]: the pool's state machine, every transition of the pool contract as a pure function.
//! - [`oracle`]: what a reading is and which readings a feed accepts.
//! - [`cpmm`] and [`venue`]: the constant-product venue's math and its swap rule; [`fresh`]: the
//!   liquidity its depth leaves out, so that liquidity lent for one rebalance does not size it.
//! - [`consts`]: values several crates rely on; [`fixed`] (`std`): fixed point as `f64` for
//!   people and the simulator.
//!
//! Amounts are `u128` token units; prices, `k`, fees and ratios are 1e18 fixed point
//! ([`math::ONE`]); every step is checked and rounds toward the pool. The math and its
//! derivation: `docs/protocol.md`.
#![cfg_attr(not(feature = "std"), no_std)]

pub mod anchor;
pub mod band;
pub mod consts;
pub mod cpmm;
pub mod discovery;
mod div128;
mod division;
pub mod dynamic;
mod error;
#[cfg(feature = "std")]
pub mod fixed;
pub mod fresh;
pub mod greeks;
pub mod liquidity;
pub mod math;
#[cfg(feature = "memo")]
pub mod memo;
pub mod oracle;
pub mod pmm;
pub mod pool;
mod product;
pub mod rebalance;
pub mod split;
mod sqrt;
pub mod state;
pub mod swap;
pub mod venue;

pub use anchor::{Anchor, Priced, SwapKind};
pub use band::Band;
pub use discovery::Discovery;
pub use dynamic::{CurveParams, Market, OracleReading};
pub use error::CurveError;
pub use greeks::Greeks;
pub use liquidity::{deposit, withdraw, Deposit, Withdrawal, MINIMUM_LIQUIDITY};
pub use math::ONE;
pub use rebalance::{RebalanceParams, RebalancePlan};
pub use state::{Asset, PoolState, Regime};
pub use swap::{swap_exact_in, swap_exact_out, Trade};

/// Largest reserve of either token (2^96, about 7.9e28 units: 79 billion tokens of 18 decimals).
/// It keeps `reserve^2 * 1e18` inside 256 bits, which the closed forms need.
pub const MAX_RESERVE: u128 = 1 << 96;

/// Lowest oracle price accepted (1e-12 quote per base).
pub const MIN_PRICE: u128 = 1_000_000;

/// Highest oracle price accepted (1e18 quote per base).
pub const MAX_PRICE: u128 = ONE * ONE;

/// Highest annualised volatility accepted from an oracle (1000%/yr).
pub const MAX_VOLATILITY: u128 = 10 * ONE;
