//! Calls to the hostile PSP22 token of the attack tests (`contracts/attacker-token`).

use crate::{Actor, Sandbox};
use drink::session::bundle::ContractBundle;
use ink::primitives::AccountId;
use keel_calls::ToMessage;
use psp22::PSP22Error;
use std::sync::OnceLock;

/// Loaded on first use, so only the tests that attack need it built.
fn bundle() -> &'static ContractBundle {
    static BUNDLE: OnceLock<ContractBundle> = OnceLock::new();
    BUNDLE.get_or_init(|| crate::chain::load_bundle("keel_attacker_token"))
}

/// Deploys an unarmed attacker token.
pub fn deploy(chain: &mut Sandbox, deployer: Actor) -> AccountId {
    match chain.deploy(
        &bundle().wasm,
        keel_calls::constructors::attacker_token(),
        deployer,
    ) {
        Ok(Ok(address)) => address,
        other => panic!("attacker token deployment failed: {other:?}"),
    }
}

pub fn mint(
    chain: &mut Sandbox,
    who: Actor,
    token: AccountId,
    to: AccountId,
    value: u128,
) -> Result<(), PSP22Error> {
    chain.call(
        who,
        token,
        keel_calls::attacker_token(token).mint_to(to, value).message(),
    )
}

/// From now on every transfer of `token` calls `target` with `call_data`.
pub fn arm(chain: &mut Sandbox, who: Actor, token: AccountId, target: AccountId, data: Vec<u8>) {
    chain.call::<()>(
        who,
        token,
        keel_calls::attacker_token(token).arm(target, data).message(),
    );
}

pub fn disarm(chain: &mut Sandbox, who: Actor, token: AccountId) {
    chain.call::<()>(who, token, keel_calls::attacker_token(token).disarm().message());
}

/// Has `token` itself call `target` with `data` (to approve a spender of what it holds).
pub fn relay(
    chain: &mut Sandbox,
    who: Actor,
    token: AccountId,
    target: AccountId,
    data: Vec<u8>,
) -> Result<(), PSP22Error> {
    chain.call(
        who,
        token,
        keel_calls::attacker_token(token).relay(target, data).message(),
    )
}
