#![cfg_attr(not(feature = "std"), no_std, no_main)]

//! A hostile PSP22 token, for attack tests only: once armed, every `transfer` and
//! `transfer_from` moves the tokens and then calls a contract of the attacker's choosing with
//! call data of the attacker's choosing, in the middle of the caller's own call. A pool that
//! trades it must not be re-entered, in a write or a read, while it is half-way through a trade.
//!
//! If the callback fails, the transfer fails with `Custom("CallbackFailed")`; if it succeeds,
//! the transfer succeeds, so an attack that a defence fails to stop completes. For that the
//! token calls back with `ALLOW_REENTRY` (a callback that trades moves this token again, so the
//! victim must be able to call it), fires once per outermost transfer (the transfers inside the
//! callback do not call it again), and can hold and approve other tokens itself (`relay`), so a
//! callback that trades has something to pay with.

#[ink::contract]
pub mod attacker_token {
    use ink::env::call::{build_call, ExecutionInput, Selector};
    use ink::env::CallFlags;
    use ink::prelude::{string::String, vec::Vec};
    use ink::storage::Lazy;
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
        /// Set while the hook runs. Lazy, so it is written at once: a transfer inside the
        /// callback reads it from storage, where the root struct is still the one from before.
        /// (Balances and allowances are mappings, written at once too; the root struct itself,
        /// the supply and the hook, is written back when the outer message returns, so a callback
        /// that mints, arms or disarms this token is undone by it.)
        firing: Lazy<bool>,
    }

    impl AttackerToken {
        /// An empty token; anyone may mint and arm it (it exists only to attack).
        #[ink(constructor)]
        pub fn new() -> Self {
            Self {
                data: PSP22Data::default(),
                hook: None,
                firing: Lazy::new(),
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

        /// Calls `target` with `call_data` as this token (for instance another token's `approve`,
        /// so a callback can spend what the token holds).
        ///
        /// # Errors
        /// `Custom("CallDataTooShort")` for call data shorter than a selector;
        /// `Custom("CallbackFailed")` when the call fails or answers `Err`.
        #[ink(message)]
        pub fn relay(&mut self, target: AccountId, call_data: Vec<u8>) -> Result<(), PSP22Error> {
            invoke(&Hook { target, call_data })
        }

        /// Calls the hook, if armed and not already running; a failed call (denied, trapped or
        /// reverted) fails the transfer.
        fn call_back(&mut self) -> Result<(), PSP22Error> {
            let Some(hook) = self.hook.clone() else {
                return Ok(());
            };
            if self.firing.get().unwrap_or(false) {
                return Ok(());
            }
            self.firing.set(&true);
            let outcome = invoke(&hook);
            self.firing.set(&false);
            outcome
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

    /// Calls `hook.target` with `hook.call_data`, letting the callee call this token again.
    fn invoke(hook: &Hook) -> Result<(), PSP22Error> {
        let (selector, args) = hook.call_data.split_at(4.min(hook.call_data.len()));
        let selector: [u8; 4] = selector
            .try_into()
            .map_err(|_| PSP22Error::Custom(String::from("CallDataTooShort")))?;
        let outcome = build_call::<ink::env::DefaultEnvironment>()
            .call(hook.target)
            .call_flags(CallFlags::ALLOW_REENTRY)
            .exec_input(ExecutionInput::new(Selector::new(selector)).push_arg(Raw(args.to_vec())))
            .returns::<Raw>()
            .try_invoke();
        match outcome {
            // ink!'s messages answer `Result<_, _>`: a first byte of 0 is `Ok`.
            Ok(Ok(Raw(answer))) if answer.first() != Some(&1) => Ok(()),
            _ => Err(PSP22Error::Custom(String::from("CallbackFailed"))),
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
