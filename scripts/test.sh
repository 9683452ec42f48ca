#!/usr/bin/env bash
# Keel's whole check, as CI runs it: set up, build the contracts, lint, and run every test
# (curve properties, contract unit tests, drink tests on the compiled Wasm, the web app's units).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
elapsed() { printf '[%4ss] ' "$(( $(date +%s) - start ))"; }

scripts/setup.sh
elapsed; echo "setup done"
scripts/build.sh
elapsed; echo "contracts built"

printf '\n==> rustfmt\n'
cargo fmt --all -- --check
source scripts/cargo-set.sh
printf '\n==> clippy (all targets, the drink backend included, warnings are errors)\n'
cargo clippy "${KEEL_CARGO_SET[@]}" --all-targets --quiet -- -D warnings
elapsed; echo "lints clean"
printf '\n==> the keeper library without its node backend, as the simulator and the harness build it\n'
# The workspace set turns the backend on for every crate; a path that needs it outside `node`
# would otherwise break only `scripts/bench.sh`.
cargo check --quiet -p keel-keeper --no-default-features --lib

printf '\n==> tests\n'
cargo test "${KEEL_CARGO_SET[@]}" 2>&1 | tee target/test-output.txt
elapsed; echo "tests done"

printf '\n==> web: typecheck and unit tests\n'
# The contracts' TypeScript types come from this build's metadata: a renamed message fails tsc.
(cd web && npm run --silent typegen >/dev/null && npx --no-install tsc --noEmit && NO_COLOR=1 npx --no-install vitest run) 2>&1 | tee target/web-test-output.txt
elapsed; echo "web tests done"

# One summary line for CI: the sum over every test binary.
awk '/^test result:/ { p += $4; f += $6; i += $8 } END { printf "\nkeel: %d passed, %d failed, %d skipped\n", p, f, i }' target/test-output.txt
grep -E '^ +Tests +' target/web-test-output.txt | sed 's/^ */web: /'
printf 'total time: %ss\n' "$(( $(date +%s) - start ))"
