use ink::primitives::AccountId;

/// A swap settled.
#[ink::event]
pub struct VenueSwapped {
    #[ink(topic)]
    pub trader: AccountId,
    pub to: AccountId,
    pub token_in: AccountId,
    pub amount_in: u128,
    pub amount_out: u128,
}

/// Liquidity was deposited.
#[ink::event]
pub struct VenueLiquidityAdded {
    #[ink(topic)]
    pub provider: AccountId,
    pub to: AccountId,
    pub amount_a: u128,
    pub amount_b: u128,
    pub shares: u128,
}

/// Liquidity was withdrawn.
#[ink::event]
pub struct VenueLiquidityRemoved {
    #[ink(topic)]
    pub provider: AccountId,
    pub to: AccountId,
    pub amount_a: u128,
    pub amount_b: u128,
    pub shares: u128,
}
