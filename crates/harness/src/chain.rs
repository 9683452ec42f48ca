//! An in-process chain (drink's pallet-contracts runtime) that deploys the compiled Wasm and
//! takes the typed call data of `keel-calls`.

use drink::minimal::{MinimalSandbox, RuntimeEvent};
use drink::pallet_contracts::{Determinism, ExecReturnValue};
use drink::sandbox_api::prelude::*;
use drink::session::{ContractBundle, Session};
use drink::{AccountId32, DispatchError, Sandbox as _, Weight};
use ink::primitives::AccountId;
use keel_calls::constructors::Constructor;
use keel_calls::events::Emitted;
use keel_calls::{AnswerError, Message};
use parity_scale_codec::Decode;
use std::path::PathBuf;
use std::sync::OnceLock;

/// Block time the tests start at.
pub const START_MS: u64 = keel_core::consts::SIMULATION_START_MS;

/// Native balance every actor starts with (for storage deposits).
const ACTOR_FUNDS: u128 = 1_000_000_000_000_000;

/// A named account on the test chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Actor(pub u8);

pub const OWNER: Actor = Actor(1);
pub const ALICE: Actor = Actor(2);
pub const BOB: Actor = Actor(3);
pub const CAROL: Actor = Actor(4);
pub const REPORTER: Actor = Actor(5);
pub const MALLORY: Actor = Actor(6);
/// Signs rebalances in the keeper's sandbox backend and in tests of it.
pub const KEEPER: Actor = Actor(7);
/// The fixture oracle's other two reporters, with [`REPORTER`].
pub const REPORTER_B: Actor = Actor(8);
pub const REPORTER_C: Actor = Actor(9);
/// Every reporter of the fixture's feed.
pub const REPORTERS: [Actor; 3] = [REPORTER, REPORTER_B, REPORTER_C];

impl Actor {
    pub fn account(self) -> AccountId {
        AccountId::from([self.0; 32])
    }

    fn runtime(self) -> AccountId32 {
        AccountId32::new([self.0; 32])
    }
}

/// Why a call did not produce its message's answer.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// The runtime refused the call (contract trapped, out of gas, unknown contract).
    #[error("the runtime refused the call: {0:?}")]
    Dispatch(DispatchError),
    /// The answer is not the message's (unknown selector, or not its type).
    #[error(transparent)]
    Answer(#[from] AnswerError),
}

/// Weight consumed by a call.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cost {
    pub ref_time: u64,
    pub proof_size: u64,
}

/// The compiled contracts, loaded once per test process from `target/ink`.
pub struct Bundles {
    pub token: ContractBundle,
    pub oracle: ContractBundle,
    pub mirror: ContractBundle,
    /// The mirror built to refuse every write and its retirement (`--features refusing`): the
    /// tests' failing mirror.
    pub mirror_refusing: ContractBundle,
    /// The shipped pool (`--features hot`): trading, liquidity and rebalancing run in its code.
    pub pool: ContractBundle,
    /// The code the shipped pool hands the messages it does not run to (`--features cold`),
    /// which every [`Sandbox::new`] chain holds, as a deployed chain does.
    pub pool_cold: ContractBundle,
    /// The shipped pool built to name the next-layout build (`pool_next`) as its cold code,
    /// which reads and writes another storage layout: the tests' mis-paired upgrade.
    pub pool_mispaired: ContractBundle,
    /// The pool in two codes with the next storage layout, naming this layout's cold code
    /// (`pool_cold`): a new release paired with the old cold code.
    pub pool_next_mispaired: ContractBundle,
    /// A second release of this layout in two codes (`--features variant`: one more view), whose
    /// cold code (`pool_cold_variant`) is another code of the same layout: the upgrade tests'
    /// move between cold codes.
    pub pool_variant: ContractBundle,
    pub pool_cold_variant: ContractBundle,
    pub venue: ContractBundle,
    /// The pool built with its next storage layout (`--features layout-next`), which upgrade
    /// tests move a pool to.
    pub pool_next: ContractBundle,
    /// The pool built to read layouts 1 and 2 too (`--features from-earlier`): the code a pool
    /// of an earlier release upgrades through, since the shipped build refuses it.
    pub pool_from_earlier: ContractBundle,
}

/// Directory cargo-contract wrote the bundles to: `$KEEL_INK_DIR` or `<workspace>/target/ink`.
pub fn ink_dir() -> PathBuf {
    std::env::var_os("KEEL_INK_DIR").map_or_else(
        || {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../..")
                .join("target")
                .join("ink")
        },
        PathBuf::from,
    )
}

/// The bundle cargo-contract wrote for `name` under [`ink_dir`].
///
/// # Panics
/// When it is not there: the test fails, naming the build to run.
pub fn load_bundle(name: &str) -> ContractBundle {
    let path = ink_dir().join(name).join(format!("{name}.contract"));
    ContractBundle::load(&path).unwrap_or_else(|e| {
        panic!(
            "cannot load {}: {e:?}; build the contracts first (scripts/build.sh)",
            path.display()
        )
    })
}

pub fn bundles() -> &'static Bundles {
    static BUNDLES: OnceLock<Bundles> = OnceLock::new();
    BUNDLES.get_or_init(|| Bundles {
        token: load_bundle("keel_token"),
        oracle: load_bundle("keel_oracle"),
        mirror: load_bundle("keel_mirror"),
        mirror_refusing: load_bundle("keel_mirror_refusing"),
        pool: load_bundle("keel_pool"),
        pool_cold: load_bundle("keel_pool_cold"),
        pool_mispaired: load_bundle("keel_pool_mispaired"),
        pool_next_mispaired: load_bundle("keel_pool_next_mispaired"),
        pool_variant: load_bundle("keel_pool_variant"),
        pool_cold_variant: load_bundle("keel_pool_cold_variant"),
        venue: load_bundle("keel_venue"),
        pool_next: load_bundle("keel_pool_next"),
        pool_from_earlier: load_bundle("keel_pool_from_earlier"),
    })
}

/// The test chain: a drink session with funded actors and an explicit clock.
pub struct Sandbox {
    session: Session<MinimalSandbox>,
    now_ms: u64,
    block: u64,
    last_cost: Cost,
    salt: u32,
}

impl Default for Sandbox {
    fn default() -> Self {
        Self::new()
    }
}

impl Sandbox {
    /// A chain with funded actors and the pool's cold code uploaded (by [`OWNER`]).
    pub fn new() -> Self {
        let mut chain = Self::without_cold_code();
        chain.upload(&bundles().pool_cold.wasm, OWNER);
        chain
    }

    /// As [`Sandbox::new`], without the pool's cold code: a chain where no pool can deploy yet.
    pub fn without_cold_code() -> Self {
        let mut session = Session::<MinimalSandbox>::default();
        for actor in [
            OWNER, ALICE, BOB, CAROL, REPORTER, MALLORY, KEEPER, REPORTER_B, REPORTER_C,
        ] {
            session
                .sandbox()
                .mint_into(&actor.runtime(), ACTOR_FUNDS)
                .expect("fund actor");
        }
        let mut chain = Sandbox {
            session,
            now_ms: START_MS,
            block: 0,
            last_cost: Cost::default(),
            salt: 0,
        };
        chain.set_time(START_MS);
        chain
    }

    /// Current block time in milliseconds.
    pub fn now(&self) -> u64 {
        self.now_ms
    }

    /// Sets the block time. drink's blocks default to wall-clock seconds, so tests always set it.
    pub fn set_time(&mut self, ms: u64) {
        self.now_ms = ms;
        self.session.sandbox().set_timestamp(ms);
    }

    /// Moves the clock forward by `ms` in a new block.
    pub fn advance(&mut self, ms: u64) {
        let next = self.now_ms.saturating_add(ms);
        self.session.sandbox().build_block();
        self.block = self.block.saturating_add(1);
        self.set_time(next);
    }

    /// Blocks built since the chain started.
    pub fn block(&self) -> u64 {
        self.block
    }

    /// Contract events emitted since the last call, oldest first.
    pub fn take_events(&mut self) -> Vec<Emitted> {
        let records = self.session.sandbox().events();
        self.session.sandbox().reset_events();
        records
            .into_iter()
            .filter_map(|record| match record.event {
                RuntimeEvent::Contracts(drink::pallet_contracts::Event::ContractEmitted {
                    contract,
                    data,
                }) => Some(Emitted {
                    contract: AccountId::from(*AsRef::<[u8; 32]>::as_ref(&contract)),
                    topics: record.topics.iter().map(|t| t.0).collect(),
                    data,
                }),
                _ => None,
            })
            .collect()
    }

    /// Weight consumed by the last call or deployment.
    pub fn last_cost(&self) -> Cost {
        self.last_cost
    }

    /// Deploys `wasm` with a constructor's call data, returning the address or the decoded
    /// refusal.
    ///
    /// # Errors
    /// The runtime refused the deployment, or its refusal did not decode as `E`.
    pub fn deploy<E: Decode>(
        &mut self,
        wasm: &[u8],
        constructor: Constructor<E>,
        origin: Actor,
    ) -> Result<Result<AccountId, E>, CallError> {
        self.deploy_data(wasm, constructor.into_data(), origin)
    }

    /// As [`Sandbox::deploy`], with the constructor's call data already encoded: for code whose
    /// constructor takes other types than today's (an earlier release of a contract).
    ///
    /// # Errors
    /// As [`Sandbox::deploy`].
    pub fn deploy_data<E: Decode>(
        &mut self,
        wasm: &[u8],
        data: Vec<u8>,
        origin: Actor,
    ) -> Result<Result<AccountId, E>, CallError> {
        self.salt = self.salt.wrapping_add(1);
        let gas = self.session.get_gas_limit();
        let result = self.session.sandbox().deploy_contract(
            wasm.to_vec(),
            0,
            data,
            self.salt.to_le_bytes().to_vec(),
            origin.runtime(),
            gas,
            None,
        );
        self.record(result.gas_consumed);
        let ok = result.result.map_err(CallError::Dispatch)?;
        if ok.result.did_revert() {
            return Ok(Err(decode_revert::<E>(&ok.result)?));
        }
        Ok(Ok(AccountId::from(*AsRef::<[u8; 32]>::as_ref(&ok.account_id))))
    }

    /// Uploads `wasm` as `origin` without instantiating it, as an upgrade's new code is.
    ///
    /// # Panics
    /// When the runtime refuses the code.
    pub fn upload(&mut self, wasm: &[u8], origin: Actor) -> ink::primitives::Hash {
        let uploaded = self
            .session
            .sandbox()
            .upload_contract(wasm.to_vec(), origin.runtime(), None, Determinism::Enforced)
            .unwrap_or_else(|e| panic!("code upload refused: {e:?}"));
        ink::primitives::Hash::from(uploaded.code_hash.to_fixed_bytes())
    }

    /// Removes uploaded code `code_hash` as `origin`, as `pallet_contracts::remove_code` does
    /// for the code's uploader while no contract runs or locks it.
    ///
    /// # Errors
    /// The name of the runtime's refusal (`CodeInUse`, `CodeNotFound`, ...).
    pub fn remove_code(
        &mut self,
        code_hash: ink::primitives::Hash,
        origin: Actor,
    ) -> Result<(), &'static str> {
        use drink::frame_support::dispatch::RawOrigin;
        let hash = drink::frame_support::sp_runtime::testing::H256(<[u8; 32]>::from(code_hash));
        let who = origin.runtime();
        self.session
            .sandbox()
            .execute_with(|| {
                drink::pallet_contracts::Pallet::<drink::minimal::MinimalSandboxRuntime>::remove_code(
                    RawOrigin::Signed(who).into(),
                    hash,
                )
            })
            .map(|_| ())
            .map_err(|e| match e.error {
                DispatchError::Module(module) => module.message.unwrap_or("an unnamed module error"),
                _ => "a dispatch error other than a module's",
            })
    }

    /// Sends `message` to `contract` as `origin` and decodes its answer `R` (for fallible
    /// messages, `Result<T, E>`: a revert decodes as `Err(E)`).
    ///
    /// # Errors
    /// The runtime refused the call (a trap), or the answer is not the message's.
    pub fn try_call<R: Decode>(
        &mut self,
        origin: Actor,
        contract: AccountId,
        message: &Message<R>,
    ) -> Result<R, CallError> {
        let gas = self.session.get_gas_limit();
        let dest = AccountId32::new(*AsRef::<[u8; 32]>::as_ref(&contract));
        let result = self.session.sandbox().call_contract(
            dest,
            0,
            message.data().to_vec(),
            origin.runtime(),
            gas,
            None,
            Determinism::Enforced,
        );
        self.record(result.gas_consumed);
        let ret = result.result.map_err(CallError::Dispatch)?;
        Ok(message.decode(&ret.data)?)
    }

    /// [`Sandbox::try_call`] for calls that must reach the contract.
    ///
    /// # Panics
    /// On a trap or an undecodable answer: the test fails there.
    // Taken by value: callers build the message in the argument, `pool(p).x().message()`.
    #[allow(clippy::needless_pass_by_value)]
    pub fn call<R: Decode>(&mut self, origin: Actor, contract: AccountId, message: Message<R>) -> R {
        self.try_call(origin, contract, &message)
            .unwrap_or_else(|e| panic!("call to {contract:?} failed: {e}"))
    }

    /// Runs `f` and rolls back every state change it made.
    pub fn dry_run<T>(&mut self, f: impl FnOnce(&mut Sandbox) -> T) -> T {
        let snapshot = self.session.sandbox().take_snapshot();
        let out = f(self);
        self.session.sandbox().restore_snapshot(snapshot);
        out
    }

    fn record(&mut self, weight: Weight) {
        self.last_cost = Cost {
            ref_time: weight.ref_time(),
            proof_size: weight.proof_size(),
        };
    }
}

/// A reverted constructor's refusal: it answers `Result<Result<(), E>, LangError>`.
fn decode_revert<E: Decode>(ret: &ExecReturnValue) -> Result<E, CallError> {
    let mut input = &ret.data[..];
    let answer = <Result<Result<(), E>, ink::primitives::LangError>>::decode(&mut input)
        .map_err(|e| AnswerError::Undecodable(e.to_string()))?;
    match answer.map_err(AnswerError::Lang)? {
        Err(e) => Ok(e),
        Ok(()) => Err(AnswerError::Undecodable("constructor reverted with Ok".into()).into()),
    }
}
