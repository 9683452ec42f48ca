//! Values more than one crate relies on: the contracts, the deployment tool, the drink harness and
//! the simulator all read them from here, so a change in one place is a change everywhere.

/// Holder of the LP shares locked at a pool's or venue's first deposit: the all-zero account,
/// whose key nobody has.
pub const LOCKED_SHARES_HOLDER: [u8; 32] = [0u8; 32];

/// Decimals of Keel's test tokens and of its LP shares.
pub const TOKEN_DECIMALS: u8 = 18;

/// The oracle feed a deployment's pool reads unless its plan names another.
pub const DEFAULT_FEED: crate::oracle::FeedId = 1;

/// A constant-product venue's swap fee unless its deployer sets another: Uniswap v2's 0.30%.
pub const DEFAULT_VENUE_FEE_BPS: u32 = 30;

/// The block time simulated chains (the drink harness, the simulator's in-memory chain) start at:
/// 2026-01-01T00:00:00Z in milliseconds.
pub const SIMULATION_START_MS: u64 = 1_767_225_600_000;
