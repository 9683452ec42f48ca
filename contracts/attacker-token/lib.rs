#![cfg_attr(not(feature = "std"), no_std, no_main)]

//! A hostile PSP22 token, for attack tests only: once armed, every `transfer` and
//! `transfer_from` moves the tokens and then calls a contract of the attacker's choosing with
//! call data of the attacker's choosing, in the middle of the caller's own call. A pool that
//! trades it must not be re-entered, in a write or a read, while it is half-way through a trade.
//!
//! If the callback fails, the transfer fails with `Custom("CallbackFailed")`; if it succeeds,
//! the transfer succeeds, so an attack that a defence fails to stop completes.

#[ink::contract]
pub mod attacker_token {
    use ink::env::call::{build_call, ExecutionInput, Selector};
    use ink::prelude::{string::String, vec::Vec};
    use parity_scale_codec::{Decode, Encode, Input, Output};
    use psp22::{PSP22Data, PSP22Error, PSP22Event, PSP22};

    /// Call data passed through as it is (selector and arguments, already SCALE-encoded).
    struct Raw(Vec<u8>);

    impl Encode for Raw {
        fn size_hint(&self) -> usize {
            self.0.len()
        }
        fn encode_to<T: Output + ?Sized>(&self, dest: &mut T) {
            dest.write(&self.0);
        }
    }

    impl Decode for Raw {
        fn decode<I: Input>(input: &mut I) -> Result<Self, parity_scale_codec::Error> {
            let len = input.remaining_len()?.unwrap_or(0);
            let mut bytes = ink::prelude::vec![0u8; len];
            input.read(&mut bytes)?;
            Ok(Raw(bytes))
        }
    }

    /// What the token calls back into, and with what.
    #[derive(Debug, Clone)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct Hook {
        pub target: AccountId,
        /// Selector followed by the encoded arguments.
        pub call_data: Vec<u8>,
    }

    #[ink(storage)]
    pub struct AttackerToken {
        data: PSP22Data,
        hook: Option<Hook>,
    }

    impl AttackerToken {
        /// An empty token; anyone may mint and arm it (it exists only to attack).
        #[ink(constructor)]
        pub fn new() -> Self {
            Self {
                data: PSP22Data::default(),
                hook: None,
            }
        }

        /// Mints `value` to `to`.
        ///
        /// # Errors
        /// PSP22 errors when the supply would overflow.
        #[ink(message)]
        pub fn mint_to(&mut self, to: AccountId, value: u128) -> Result<(), PSP22Error> {
            let events = self.data.mint(to, value)?;
            self.emit_events(events);
            Ok(())
        }

        /// From now on every transfer calls `target` with `call_data` once it has moved the tokens.
        #[ink(message)]
        pub fn arm(&mut self, target: AccountId, call_data: Vec<u8>) {
            self.hook = Some(Hook { target, call_data });
        }

        /// Transfers behave like an honest token's again.
        #[ink(message)]
        pub fn disarm(&mut self) {
            self.hook = None;
        }

        /// The callback, if armed.
        #[ink(message)]
        pub fn hook(&self) -> Option<Hook> {
            self.hook.clone()
        }

        /// Calls the hook, if any; a failed call (denied, trapped or reverted) fails the transfer.
        fn call_back(&self) -> Result<(), PSP22Error> {
            let Some(hook) = &self.hook else {
                return Ok(());
            };
            let (selector, args) = hook.call_data.split_at(4.min(hook.call_data.len()));
            let selector: [u8; 4] = selector
                .try_into()
                .map_err(|_| PSP22Error::Custom(String::from("CallDataTooShort")))?;
            let outcome = build_call::<ink::env::DefaultEnvironment>()
                .call(hook.target)
                .exec_input(ExecutionInput::new(Selector::new(selector)).push_arg(Raw(args.to_vec())))
                .returns::<Raw>()
                .try_invoke();
            match outcome {
                // ink!'s messages answer `Result<_, _>`: a first byte of 0 is `Ok`.
                Ok(Ok(Raw(answer))) if answer.first() != Some(&1) => Ok(()),
                _ => Err(PSP22Error::Custom(String::from("CallbackFailed"))),
            }
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

    impl Default for AttackerToken {
        fn default() -> Self {
            Self::new()
        }
    }

    impl PSP22 for AttackerToken {
        #[ink(message)]
        fn total_supply(&self) -> u128 {
            self.data.total_supply()
        }

        #[ink(message)]
        fn balance_of(&self, owner: AccountId) -> u128 {
            self.data.balance_of(owner)
        }

        #[ink(message)]
        fn allowance(&self, owner: AccountId, spender: AccountId) -> u128 {
            self.data.allowance(owner, spender)
        }

        /// Moves the tokens, then calls the hook.
        #[ink(message)]
        fn transfer(&mut self, to: AccountId, value: u128, _data: Vec<u8>) -> Result<(), PSP22Error> {
            let events = self.data.transfer(self.env().caller(), to, value)?;
            self.emit_events(events);
            self.call_back()
        }

        /// Moves the tokens, then calls the hook.
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
            self.call_back()
        }

        #[ink(message)]
        fn approve(&mut self, spender: AccountId, value: u128) -> Result<(), PSP22Error> {
            let events = self.data.approve(self.env().caller(), spender, value)?;
            self.emit_events(events);
            Ok(())
        }

        #[ink(message)]
        fn increase_allowance(&mut self, spender: AccountId, delta_value: u128) -> Result<(), PSP22Error> {
            let events = self
                .data
                .increase_allowance(self.env().caller(), spender, delta_value)?;
            self.emit_events(events);
            Ok(())
        }

        #[ink(message)]
        fn decrease_allowance(&mut self, spender: AccountId, delta_value: u128) -> Result<(), PSP22Error> {
            let events = self
                .data
                .decrease_allowance(self.env().caller(), spender, delta_value)?;
            self.emit_events(events);
            Ok(())
        }
    }
}
