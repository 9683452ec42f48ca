//! Calls to the lying venue of the attack tests (`contracts/rigged-venue`).

use crate::{Actor, Sandbox};
use drink::session::bundle::ContractBundle;
use ink::codegen::TraitCallBuilder;
use ink::env::call::FromAccountId;
use ink::primitives::AccountId;
use keel_calls::ToMessage;
pub use keel_rigged_venue::rigged_venue::Lies;
use keel_rigged_venue::rigged_venue::RiggedVenueRef;
use std::sync::OnceLock;

/// Loaded on first use, so only the tests that need a liar need it built.
fn bundle() -> &'static ContractBundle {
    static BUNDLE: OnceLock<ContractBundle> = OnceLock::new();
    BUNDLE.get_or_init(|| crate::chain::load_bundle("keel_rigged_venue"))
}

fn calls(venue: AccountId) -> <RiggedVenueRef as TraitCallBuilder>::Builder {
    FromAccountId::from_account_id(venue)
}

/// Deploys a lying venue for `base` against `quote` that tells nothing yet.
pub fn deploy(chain: &mut Sandbox, deployer: Actor, base: AccountId, quote: AccountId) -> AccountId {
    let ctor = keel_calls::constructors::constructor(RiggedVenueRef::new(base, quote));
    match chain.deploy(&bundle().wasm, ctor, deployer) {
        Ok(Ok(address)) => address,
        other => panic!("rigged venue deployment failed: {other:?}"),
    }
}

/// Sets what the venue says and does from now on.
pub fn lie(chain: &mut Sandbox, who: Actor, venue: AccountId, lies: Lies) {
    chain.call::<()>(who, venue, calls(venue).set_lies(lies).message());
}

/// The venue takes `value` of `token` from `from` with the allowance `from` left it.
pub fn take(
    chain: &mut Sandbox,
    who: Actor,
    venue: AccountId,
    token: AccountId,
    from: AccountId,
    value: u128,
) -> Result<(), keel_interface::VenueError> {
    chain.call(who, venue, calls(venue).take(token, from, value).message())
}
