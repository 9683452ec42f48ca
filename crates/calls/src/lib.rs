//! Call data for Keel's contracts, encoded by the contracts' own ink! call builders, and their
//! events decoded by their own types. Every transport (drink in the harness, a node in the
//! client and the keeper) sends these bytes and reads answers through [`Message::decode`], so a
//! renamed or re-typed message breaks the build, not a running bot.
//!
//! - [`pool`], [`token`], [`oracle`], [`mirror`], [`venue`], [`attacker_token`]: a contract's call builder at
//!   an address; any of its messages becomes a typed [`Message`] with [`ToMessage::message`].
//! - [`constructors`]: every constructor's call data, typed by its refusal.
//! - [`events`]: contract events told apart by their signature topics.

pub mod constructors;
pub mod events;

use ink::codegen::TraitCallBuilder;
use ink::env::call::utils::{ReturnType, Set};
use ink::env::call::{Call, CallBuilder, ExecutionInput, FromAccountId};
use ink::env::DefaultEnvironment;
use ink::primitives::{AccountId, LangError};
use keel_attacker_token::attacker_token::AttackerTokenRef;
use keel_mirror::mirror::KeelMirrorRef;
use keel_oracle::oracle::KeelOracleRef;
use keel_pool::pool::PoolRef;
use keel_token::token::TokenRef;
use keel_venue::venue::ConstantProductRef;
use parity_scale_codec::{Decode, Encode};
use std::marker::PhantomData;

pub use psp22::{PSP22Metadata, PSP22};

/// The pool's messages, at an address.
pub type PoolCalls = <PoolRef as TraitCallBuilder>::Builder;
/// A test token's messages (PSP22 and `mint_to`), at an address.
pub type TokenCalls = <TokenRef as TraitCallBuilder>::Builder;
/// The oracle's messages, at an address.
pub type OracleCalls = <KeelOracleRef as TraitCallBuilder>::Builder;
/// An oracle mirror's messages (`keel_interface::Oracle` and `OracleMirror`), at an address.
pub type MirrorCalls = <KeelMirrorRef as TraitCallBuilder>::Builder;
/// The constant-product venue's messages, at an address.
pub type VenueCalls = <ConstantProductRef as TraitCallBuilder>::Builder;
/// The attack tests' hostile token's messages, at an address.
pub type AttackerTokenCalls = <AttackerTokenRef as TraitCallBuilder>::Builder;

/// The pool at `address`: `pool(a).curve_state().message()`.
pub fn pool(address: AccountId) -> PoolCalls {
    FromAccountId::from_account_id(address)
}

/// The test token at `address` (its PSP22 messages need [`PSP22`] in scope).
pub fn token(address: AccountId) -> TokenCalls {
    FromAccountId::from_account_id(address)
}

/// The oracle at `address`.
pub fn oracle(address: AccountId) -> OracleCalls {
    FromAccountId::from_account_id(address)
}

/// The oracle mirror at `address` (its messages need `keel_interface::Oracle` and
/// `OracleMirror` in scope).
pub fn mirror(address: AccountId) -> MirrorCalls {
    FromAccountId::from_account_id(address)
}

/// The venue at `address` (its swap and quote need `keel_interface::Venue` in scope).
pub fn venue(address: AccountId) -> VenueCalls {
    FromAccountId::from_account_id(address)
}

/// The hostile token at `address`.
pub fn attacker_token(address: AccountId) -> AttackerTokenCalls {
    FromAccountId::from_account_id(address)
}

/// A message's call data (selector and arguments), and the type `R` it answers with.
#[derive(Clone, PartialEq, Eq)]
pub struct Message<R> {
    data: Vec<u8>,
    answer: PhantomData<fn() -> R>,
}

impl<R> core::fmt::Debug for Message<R> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Message(0x")?;
        self.data.iter().try_for_each(|b| write!(f, "{b:02x}"))?;
        write!(f, ")")
    }
}

/// Why a contract's answer could not be read as its message's type.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    /// ink! refused to dispatch the message (an unknown selector: another contract, or other
    /// code, at that address).
    #[error("ink! refused the message: {0:?} (wrong contract address or metadata?)")]
    Lang(LangError),
    /// The bytes are not an answer of the expected type.
    #[error("undecodable answer: {0} (wrong contract address or metadata?)")]
    Undecodable(String),
}

impl<R> Message<R> {
    /// The bytes to send.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    pub fn into_data(self) -> Vec<u8> {
        self.data
    }
}

impl<R: Decode> Message<R> {
    /// Decodes a contract's answer to this message (ink!'s `Result<R, LangError>`). For messages
    /// that can refuse, `R` is a `Result` and a refusal is `Ok(Err(..))`.
    ///
    /// # Errors
    /// The answer is not this message's.
    pub fn decode(&self, answer: &[u8]) -> Result<R, AnswerError> {
        let mut input = answer;
        let decoded = <Result<R, LangError>>::decode(&mut input)
            .map_err(|e| AnswerError::Undecodable(e.to_string()))?;
        if !input.is_empty() {
            return Err(AnswerError::Undecodable(format!(
                "{} bytes left over",
                input.len()
            )));
        }
        decoded.map_err(AnswerError::Lang)
    }
}

/// A message built with a contract's ink! call builder, as call data typed by its answer.
pub trait ToMessage<R> {
    fn message(self) -> Message<R>;
}

impl<Args: Encode, R> ToMessage<R>
    for CallBuilder<
        DefaultEnvironment,
        Set<Call<DefaultEnvironment>>,
        Set<ExecutionInput<Args>>,
        Set<ReturnType<R>>,
    >
{
    fn message(self) -> Message<R> {
        Message {
            data: self.params().exec_input().encode(),
            answer: PhantomData,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use keel_interface::pool::{PoolError, RebalanceOutcome};

    const ALICE: &str = "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d";
    const BOB: &str = "8eaf04151687736326c9fea17e25fc5287613693c912909cb226aa4794f26a48";

    fn account(hex_id: &str) -> AccountId {
        let bytes: [u8; 32] = hex::decode(hex_id).expect("hex").try_into().expect("32 bytes");
        AccountId::from(bytes)
    }

    /// Call data as polkadot.js (`@polkadot/api-contract` 15, `Abi.findMessage(..).toU8a`, length
    /// prefix removed) encodes it from `target/ink/keel_pool/keel_pool.json`: a wallet and the
    /// keeper send the same bytes for the same call.
    #[test]
    fn pool_calls_encode_as_polkadot_js_encodes_them_from_the_metadata() {
        let (alice, bob) = (account(ALICE), account(BOB));
        let swap = pool(alice)
            .swap_exact_in(alice, 10u128.pow(21), 5, bob, 1 << 63)
            .message();
        assert_eq!(
            hex::encode(swap.data()),
            format!("cc6c7c50{ALICE}0000a0dec5adc935360000000000000005000000000000000000000000000000{BOB}0000000000000080")
        );
        let rebalance = pool(alice).rebalance(7, 1_795_316_017_530).message();
        assert_eq!(
            hex::encode(rebalance.data()),
            "7b80fb0307000000000000007a692c01a2010000"
        );
    }

    #[test]
    fn answers_decode_as_the_message_type_and_anything_else_is_an_error() {
        let m: Message<Result<RebalanceOutcome, PoolError>> = pool(account(ALICE)).rebalance(0, 0).message();
        let refused: Result<Result<RebalanceOutcome, PoolError>, LangError> = Ok(Err(PoolError::StaleEpoch));
        assert_eq!(m.decode(&refused.encode()), Ok(Err(PoolError::StaleEpoch)));
        let lang: Result<(), LangError> = Err(LangError::CouldNotReadInput);
        assert_eq!(
            m.decode(&lang.encode()),
            Err(AnswerError::Lang(LangError::CouldNotReadInput))
        );
        assert!(matches!(m.decode(&[0, 0, 9]), Err(AnswerError::Undecodable(_))));
        let mut long = refused.encode();
        long.push(0);
        assert!(matches!(m.decode(&long), Err(AnswerError::Undecodable(_))));
    }
}
