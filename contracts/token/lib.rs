#![cfg_attr(not(feature = "std"), no_std, no_main)]

//! A PSP22 token whose owner can mint: the base and quote tokens of Keel's tests, demo and local
//! chains. Production pools trade whatever PSP22 tokens the chain already has.

#[ink::contract]
pub mod token {
    use ink::prelude::{string::String, vec::Vec};
    use psp22::{PSP22Data, PSP22Error, PSP22Event, PSP22Metadata, PSP22};

    #[ink(storage)]
    pub struct Token {
        data: PSP22Data,
        owner: AccountId,
        name: Option<String>,
        symbol: Option<String>,
        decimals: u8,
    }

    impl Token {
        /// Creates the token with `supply` units held by the deployer, who becomes its owner.
        #[ink(constructor)]
        pub fn new(supply: u128, name: Option<String>, symbol: Option<String>, decimals: u8) -> Self {
            let owner = Self::env().caller();
            let (data, events) = PSP22Data::new(supply, owner);
            let token = Self {
                data,
                owner,
                name,
                symbol,
                decimals,
            };
            token.emit_events(events);
            token
        }

        /// Mints `value` new units to `to`. Only the owner may mint.
        ///
        /// # Errors
        /// `Custom("NotOwner")` for any other caller; `Custom("Overflow")`-style PSP22 errors when
        /// the supply would overflow.
        #[ink(message)]
        pub fn mint_to(&mut self, to: AccountId, value: u128) -> Result<(), PSP22Error> {
            if self.env().caller() != self.owner {
                return Err(PSP22Error::Custom(String::from("NotOwner")));
            }
            let events = self.data.mint(to, value)?;
            self.emit_events(events);
            Ok(())
        }

        /// The account allowed to mint.
        #[ink(message)]
        pub fn owner(&self) -> AccountId {
            self.owner
        }

        fn emit_events(&self, events: Vec<PSP22Event>) {
            for event in events {
                match event {
                    PSP22Event::Transfer(e) => self.env().emit_event(e),
                    PSP22Event::Approval(e) => self.env().emit_event(e),
                }
            }
        }
    }

    impl PSP22 for Token {
        /// Units in existence.
        #[ink(message)]
        fn total_supply(&self) -> u128 {
            self.data.total_supply()
        }

        /// Units held by `owner`.
        #[ink(message)]
        fn balance_of(&self, owner: AccountId) -> u128 {
            self.data.balance_of(owner)
        }

        /// Units `spender` may still move from `owner`'s balance.
        #[ink(message)]
        fn allowance(&self, owner: AccountId, spender: AccountId) -> u128 {
            self.data.allowance(owner, spender)
        }

        /// Sends `value` units from the caller to `to`.
        ///
        /// # Errors
        /// `InsufficientBalance` when the caller holds less than `value`.
        #[ink(message)]
        fn transfer(&mut self, to: AccountId, value: u128, _data: Vec<u8>) -> Result<(), PSP22Error> {
            let events = self.data.transfer(self.env().caller(), to, value)?;
            self.emit_events(events);
            Ok(())
        }

        /// Moves `value` units from `from` to `to` using the caller's allowance.
        ///
        /// # Errors
        /// `InsufficientAllowance` or `InsufficientBalance`.
        #[ink(message)]
        fn transfer_from(
            &mut self,
            from: AccountId,
            to: AccountId,
            value: u128,
            _data: Vec<u8>,
        ) -> Result<(), PSP22Error> {
            let events = self.data.transfer_from(self.env().caller(), from, to, value)?;
            self.emit_events(events);
            Ok(())
        }

        /// Lets `spender` move up to `value` of the caller's units, replacing any allowance.
        #[ink(message)]
        fn approve(&mut self, spender: AccountId, value: u128) -> Result<(), PSP22Error> {
            let events = self.data.approve(self.env().caller(), spender, value)?;
            self.emit_events(events);
            Ok(())
        }

        /// Raises `spender`'s allowance by `delta_value`.
        #[ink(message)]
        fn increase_allowance(&mut self, spender: AccountId, delta_value: u128) -> Result<(), PSP22Error> {
            let events = self
                .data
                .increase_allowance(self.env().caller(), spender, delta_value)?;
            self.emit_events(events);
            Ok(())
        }

        /// Lowers `spender`'s allowance by `delta_value`.
        ///
        /// # Errors
        /// `InsufficientAllowance` when the allowance is smaller than `delta_value`.
        #[ink(message)]
        fn decrease_allowance(&mut self, spender: AccountId, delta_value: u128) -> Result<(), PSP22Error> {
            let events = self
                .data
                .decrease_allowance(self.env().caller(), spender, delta_value)?;
            self.emit_events(events);
            Ok(())
        }
    }

    impl PSP22Metadata for Token {
        /// The token's name, if it has one.
        #[ink(message)]
        fn token_name(&self) -> Option<String> {
            self.name.clone()
        }

        /// The token's ticker symbol, if it has one.
        #[ink(message)]
        fn token_symbol(&self) -> Option<String> {
            self.symbol.clone()
        }

        /// Decimal places a wallet should show.
        #[ink(message)]
        fn token_decimals(&self) -> u8 {
            self.decimals
        }
    }
}
