//! The pool's code in two parts: what trades run, and the rest.
//!
//! Every call on pallet-contracts pays for loading the called contract's code, by the byte. The
//! shipped pool (the `hot` build) holds the code of the calls traders, LPs and keepers make most:
//! swaps, liquidity and `rebalance`; and of those that must never depend on the other code:
//! pausing and upgrading (`set_code`, `migrate`), so an owner can always move a pool off a wrong
//! cold code. Every other message (the views, `rebalance_split`, the share token's transfers and
//! allowances, the owner's settings) keeps its signature, selector and documentation, so wallets
//! and callers see one pool, but its body in the `hot` build hands the
//! call to the `cold` build's code: a delegate call on the pool's own storage, with this call's
//! input, whose answer ends the call (`TAIL_CALL`). The `cold` build answers those messages and
//! nothing else; its trading messages trap, so its code never runs alone.
//!
//! The `hot` build names the cold code's hash at compile time (`KEEL_POOL_COLD_HASH`, set by
//! `scripts/build.sh` from the `cold` build), and a pool locks that code as a delegate dependency
//! (constructor and `migrate`), so it cannot be removed from the chain while a pool needs it.
//! Both ask it first for the layout it reads (`code_layout`) and refuse code of another. A
//! build with neither feature (the tests' upgrade targets, the metadata of `keel-calls`) is the
//! whole pool in one code.

/// The body of a message the `hot` build leaves to the cold code: in that build, [`forward`];
/// in every other build, the body as written.
macro_rules! runs_cold {
    ($($body:tt)*) => {{
        #[cfg(feature = "hot")]
        {
            $crate::cold::forward()
        }
        #[cfg(not(feature = "hot"))]
        {
            $($body)*
        }
    }};
}

/// The body of a message only the `hot` build answers: in the `cold` build it traps, so that
/// code is left out of it.
macro_rules! runs_hot {
    ($($body:tt)*) => {{
        #[cfg(feature = "cold")]
        {
            $crate::cold::unanswered()
        }
        #[cfg(not(feature = "cold"))]
        {
            $($body)*
        }
    }};
}

pub(crate) use {runs_cold, runs_hot};

/// The cold code's hash, as `scripts/build.sh` computed it from the `cold` build. Without
/// `KEEL_POOL_COLD_HASH` (cargo-contract's lint pass, which builds with every feature), the zero
/// hash, which no code has: a pool of such a build does not deploy.
#[cfg(feature = "hot")]
pub const CODE: [u8; 32] = match option_env!("KEEL_POOL_COLD_HASH") {
    Some(hex) => parse_hash(hex),
    None => [0; 32],
};

/// Runs this call's message in the cold code on this pool's storage and ends the call with its
/// answer, reverted or not. Traps if the cold code is not on the chain.
#[cfg(feature = "hot")]
pub fn forward() -> ! {
    use ink::env::call::{build_call, ExecutionInput, Selector};
    use ink::env::{CallFlags, DefaultEnvironment};
    // The selector is ignored: `CLONE_INPUT` passes this call's own input, selector included.
    let _ = build_call::<DefaultEnvironment>()
        .delegate(ink::primitives::Hash::from(CODE))
        .call_flags(CallFlags::CLONE_INPUT | CallFlags::TAIL_CALL)
        .exec_input(ExecutionInput::new(Selector::new([0; 4])))
        .returns::<()>()
        .try_invoke();
    // A tail call that runs never returns here.
    panic!()
}

/// The `cold` build's body for the messages it does not answer.
#[cfg(feature = "cold")]
pub fn unanswered() -> ! {
    panic!()
}

impl crate::pool::Pool {
    /// Makes this build's cold code the one the pool holds locked as a delegate dependency, and
    /// records it in `cold_code`: locks it and unlocks the one recorded before; changes no lock
    /// when it is that one already. Returns `false`, and changes no lock, when the cold code does
    /// not answer `code_layout` with this build's layout: it is missing, answers no such message,
    /// or reads and writes another layout (it would turn the pool's storage into one this code
    /// cannot read); the caller refuses then, which reverts the call's writes. That answer is the
    /// whole check: which code answers it is fixed when this build is (`CODE`).
    ///
    /// The cold code answers only on storage whose root it can read, so the `hot` build first
    /// writes the pool's root as it is now. Builds other than `hot` leave the lock as it is.
    #[must_use]
    pub(crate) fn relock_cold_code(&mut self) -> bool {
        #[cfg(feature = "hot")]
        {
            use ink::env::DefaultEnvironment;
            use ink::storage::traits::StorageKey;
            ink::env::set_contract_storage(&<Self as StorageKey>::KEY, self);
            let code = ink::primitives::Hash::from(CODE);
            let layout = crate::calls::delegate::<u32>(code, ink::selector_bytes!("code_layout"), ());
            if layout != Some(crate::book::LAYOUT) {
                return false;
            }
            let previous = self.cold_code.get();
            if previous == Some(code) {
                return true;
            }
            if let Some(old) = previous {
                ink::env::unlock_delegate_dependency::<DefaultEnvironment>(&old);
            }
            ink::env::lock_delegate_dependency::<DefaultEnvironment>(&code);
            self.cold_code.set(&code);
            true
        }
        #[cfg(not(feature = "hot"))]
        true
    }

    /// Makes a new pool's `config` its configuration as the owner's `set_config` does
    /// (`apply_config`): refused outside its bounds, announced with `ConfigUpdated`. The `hot`
    /// build runs the cold code's `set_config` (the deployer is the owner), so that the bounds,
    /// which run once a pool, are not code that every call of it loads. It runs on the root
    /// [`Self::relock_cold_code`] wrote; the constructor then writes the pool as it holds it over
    /// the cold code's write, which the same configuration leaves identical (`set_config`
    /// changes nothing else).
    ///
    /// # Errors
    /// `InvalidConfig`; in the `hot` build, `IncompatibleUpgrade` when the cold code gives no
    /// answer, and whatever else its `set_config` answers.
    pub(crate) fn check_config(
        &mut self,
        config: keel_interface::pool::PoolConfig,
    ) -> keel_interface::pool::PoolResult<()> {
        #[cfg(feature = "hot")]
        {
            let code = ink::primitives::Hash::from(CODE);
            crate::calls::delegate::<keel_interface::pool::PoolResult<()>>(
                code,
                ink::selector_bytes!("set_config"),
                config,
            )
            .unwrap_or(Err(keel_interface::pool::PoolError::IncompatibleUpgrade))
        }
        #[cfg(not(feature = "hot"))]
        self.apply_config(config)
    }
}

/// `hex` (64 hex digits, an optional `0x` before them) as 32 bytes; a compile error otherwise.
/// Compile-time only. Every index and digit value is bounded (`i < 32`, a digit below 16), so
/// the wrapping operations never wrap.
#[cfg(feature = "hot")]
const fn parse_hash(hex: &str) -> [u8; 32] {
    let digits = match hex.as_bytes() {
        [b'0', b'x', rest @ ..] => rest,
        all => all,
    };
    assert!(digits.len() == 64, "KEEL_POOL_COLD_HASH: 64 hex digits");
    let mut out = [0u8; 32];
    let mut i: usize = 0;
    while i < 32 {
        let high = digit(digits[i.wrapping_mul(2)]);
        let low = digit(digits[i.wrapping_mul(2).wrapping_add(1)]);
        out[i] = high.wrapping_mul(16) | low;
        i = i.wrapping_add(1);
    }
    out
}

#[cfg(feature = "hot")]
const fn digit(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c.wrapping_sub(b'0'),
        b'a'..=b'f' => c.wrapping_sub(b'a').wrapping_add(10),
        b'A'..=b'F' => c.wrapping_sub(b'A').wrapping_add(10),
        _ => panic!("KEEL_POOL_COLD_HASH: not a hex digit"),
    }
}

/// A message the pool runs itself must never call a message whose body is cold: in the shipped
/// build that body hands the call's own input to the cold code, where the hot message's selector
/// traps, so the hot message would fail every time (a `remove_liquidity` or `set_code` that can
/// never succeed). The internal forms (`token_pair`, `listed_venues`) are what hot code calls
/// instead. Read from the sources (whitespace removed, so a call split across lines counts), so a
/// call on a branch no other test runs fails here rather than on a chain. A call through a macro
/// or a function pointer would pass it; the helper modules are read whole, cold-only helpers
/// included, which errs towards refusing.
#[cfg(test)]
mod tests {
    use std::path::Path;

    fn source(file: &str) -> String {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// The text of the block that opens at the first `{` at or after `from`.
    fn block(text: &str, from: usize) -> &str {
        let open = text[from..].find('{').map(|i| from + i).expect("a block");
        let mut depth = 0_usize;
        for (i, c) in text[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        return &text[open..=open + i];
                    }
                }
                _ => {}
            }
        }
        panic!("an unclosed block at {open}");
    }

    /// The messages of `lib` whose body is `runs_cold!`.
    fn cold_messages(lib: &str) -> Vec<String> {
        let mut names = Vec::new();
        for (at, _) in lib.match_indices("fn ") {
            let rest = &lib[at + 3..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let Some(open) = rest.find('{') else { continue };
            if rest[open + 1..].trim_start().starts_with("runs_cold!") {
                names.push(name);
            }
        }
        names
    }

    #[test]
    fn no_code_the_pool_runs_itself_calls_a_message_whose_body_is_cold() {
        let lib = source("lib.rs");
        let cold = cold_messages(&lib);
        for expected in ["tokens", "venues", "config", "owner", "transfer", "balance_of"] {
            assert!(
                cold.iter().any(|n| n == expected),
                "{expected} reads as cold: {cold:?}"
            );
        }
        let mut hot: Vec<(String, String)> = lib
            .match_indices("runs_hot!")
            .map(|(at, _)| (format!("lib.rs at byte {at}"), block(&lib, at).to_owned()))
            .collect();
        assert!(hot.len() >= 8, "the hot messages: {}", hot.len());
        for file in ["internals.rs", "book.rs", "calls.rs"] {
            hot.push((file.to_owned(), source(file)));
        }
        // This file's code, up to these tests: the constructor and `migrate` run it.
        let own = source("cold.rs");
        let own = own
            .split("#[cfg(test)]\nmod tests")
            .next()
            .expect("the code before the tests");
        hot.push(("cold.rs".to_owned(), own.to_owned()));
        for (place, body) in &hot {
            let body: String = body.chars().filter(|c| !c.is_whitespace()).collect();
            for name in &cold {
                let calls = [
                    format!("self.{name}("),
                    format!("Self::{name}("),
                    format!("Pool::{name}("),
                    format!("PSP22::{name}("),
                    format!("PSP22Metadata::{name}("),
                    format!("PSP22>::{name}("),
                    format!("PSP22Metadata>::{name}("),
                ];
                let found = calls.iter().find(|c| body.contains(c.as_str()));
                assert!(
                    found.is_none(),
                    "{place} calls `{name}`, whose body is cold: {found:?}"
                );
            }
        }
    }
}
