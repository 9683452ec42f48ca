//! Calls to the hostile PSP22 token of the attack tests (`contracts/attacker-token`).

use crate::{call_data, Actor, Chain};
use drink::session::bundle::ContractBundle;
use ink::codegen::TraitCallBuilder;
use ink::env::call::FromAccountId;
use ink::env::DefaultEnvironment;
use ink::primitives::AccountId;
use keel_attacker_token::attacker_token::AttackerTokenRef;
use psp22::PSP22Error;
use std::sync::OnceLock;

fn at(token: AccountId) -> AttackerTokenRef {
    <AttackerTokenRef as FromAccountId<DefaultEnvironment>>::from_account_id(token)
}

/// Loaded on first use, so only the tests that attack need it built.
fn bundle() -> &'static ContractBundle {
    static BUNDLE: OnceLock<ContractBundle> = OnceLock::new();
    BUNDLE.get_or_init(|| {
        let path = crate::chain::ink_dir().join("keel_attacker_token/keel_attacker_token.contract");
        ContractBundle::load(&path)
            .unwrap_or_else(|e| panic!("cannot load {}: {e:?}; run scripts/build.sh", path.display()))
    })
}

/// Deploys an unarmed attacker token.
pub fn deploy(chain: &mut Chain, deployer: Actor) -> AccountId {
    let data = crate::fixture::constructor_data(AttackerTokenRef::new());
    match chain.deploy::<()>(&bundle().wasm, data, deployer) {
        Ok(Ok(address)) => address,
        other => panic!("attacker token deployment failed: {other:?}"),
    }
}

pub fn mint(
    chain: &mut Chain,
    who: Actor,
    token: AccountId,
    to: AccountId,
    value: u128,
) -> Result<(), PSP22Error> {
    chain.call(who, token, call_data!(at(token).call_mut().mint_to(to, value)))
}

/// From now on every transfer of `token` calls `target` with `call_data`.
pub fn arm(chain: &mut Chain, who: Actor, token: AccountId, target: AccountId, data: Vec<u8>) {
    chain.call::<()>(who, token, call_data!(at(token).call_mut().arm(target, data)));
}

pub fn disarm(chain: &mut Chain, who: Actor, token: AccountId) {
    chain.call::<()>(who, token, call_data!(at(token).call_mut().disarm()));
}
