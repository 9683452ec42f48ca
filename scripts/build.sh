#!/usr/bin/env bash
# Builds every ink! contract in release mode with cargo-contract into target/ink/<name>/.
# Usage: scripts/build.sh [contract-dir-name ...]   (default: all of contracts/*)
set -euo pipefail
cd "$(dirname "$0")/.."

contracts=("$@")
if [ ${#contracts[@]} -eq 0 ]; then
  contracts=(token oracle pool venue attacker-token)
fi

for c in "${contracts[@]}"; do
  printf '\n==> building contracts/%s\n' "$c"
  start=$(date +%s)
  cargo contract build --release --quiet --manifest-path "contracts/$c/Cargo.toml"
  printf '    done in %ss\n' "$(( $(date +%s) - start ))"
done

printf '\n%-20s %10s\n' "contract" "wasm bytes"
for f in target/ink/*/*.wasm; do
  printf '%-20s %10s\n' "$(basename "$f" .wasm)" "$(stat -c %s "$f")"
done
