#!/usr/bin/env bash
# Builds every ink! contract in release mode with cargo-contract into target/ink/<name>/, and
# Keel's core for the wallet dApp (crates/web-core) to target/wasm32-unknown-unknown/release/.
# Usage: scripts/build.sh [contract-dir-name | web-core ...]   (default: all of contracts/*, web-core)
#
# The pool is built eight times: with its next storage layout (`--features layout-next`, copied to
# target/ink/keel_pool_next, the code the upgrade tests move a pool to), as the build a pool of an
# earlier layout upgrades through (`--features from-earlier`, copied to target/ink/keel_pool_from_earlier),
# as the code its views and owner's messages run in (`--features cold`, target/ink/keel_pool_cold),
# as shipped but naming the next-layout build as its cold code (target/ink/keel_pool_mispaired),
# in two codes with the next layout but naming this layout's cold code
# (target/ink/keel_pool_next_mispaired; the tests' mis-paired upgrades), in two codes of this
# layout with one more view (`--features variant`: target/ink/keel_pool_variant and its cold code
# keel_pool_cold_variant, the upgrade tests' other release of the same layout), then as shipped
# (`--features hot`, with the cold code's hash; see contracts/pool/cold.rs). The oracle's mirror is built twice likewise: refusing every write
# (`--features refusing`, target/ink/keel_mirror_refusing, the tests' failing mirror), then as shipped.
#
# cargo-contract gives each contract of a workspace a target dir of its own, target/ink/<name>,
# where it would compile ink!, its dependencies and `core` (build-std) again for every contract.
# Here each of those is a link to one shared dir, target/ink/shared: the contracts' artifacts
# keep their own names in it, and what they have in common is compiled once.
set -euo pipefail
cd "$(dirname "$0")/.."

contracts=()
web_core=false
for arg in "$@"; do
  if [ "$arg" = web-core ]; then web_core=true; else contracts+=("$arg"); fi
done
if [ $# -eq 0 ]; then
  contracts=(token oracle mirror pool venue attacker-token rigged-venue)
  web_core=true
fi

artifact() {
  local name
  name=$(sed -n 's/^name = "\(.*\)"/\1/p;T;q' "contracts/$1/Cargo.toml" | tr - _)
  [ -n "$name" ] || { echo "contracts/$1/Cargo.toml: no package name" >&2; return 1; }
  printf '%s\n' "$name"
}

# The code hash a contract's metadata records.
source_hash() {
  command -v python3 >/dev/null 2>&1 || { echo "build.sh: the pool's build needs python3" >&2; return 1; }
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["source"]["hash"])' "$1"
}

mkdir -p target/ink/shared
for variant in keel_pool_next keel_pool_from_earlier keel_pool_cold keel_pool_mispaired keel_pool_next_mispaired \
  keel_pool_cold_variant keel_pool_variant keel_mirror_refusing; do
  [ -L "target/ink/$variant" ] || { rm -rf "target/ink/$variant"; ln -s shared "target/ink/$variant"; }
done
for c in "${contracts[@]}"; do
  name=$(artifact "$c") || exit 1
  # A per-contract dir from an older build would be rebuilt from scratch anyway; link it instead.
  if [ ! -L "target/ink/$name" ]; then
    rm -rf "target/ink/$name"
    ln -s shared "target/ink/$name"
  fi
done

for c in "${contracts[@]}"; do
  if [ "$c" = pool ]; then
    for variant in "layout-next keel_pool_next" "from-earlier keel_pool_from_earlier" "cold keel_pool_cold"; do
      read -r feature name <<<"$variant"
      printf '\n==> building contracts/pool with --features %s\n' "$feature"
      start=$(date +%s)
      cargo contract build --release --quiet --features "$feature" --manifest-path contracts/pool/Cargo.toml
      # Moved, not copied: until the shipped build writes keel_pool.* again, no variant can pass
      # for it (an interrupted build leaves no keel_pool.* at all, so the next one rebuilds it).
      for ext in wasm contract json; do
        mv "target/ink/shared/keel_pool.$ext" "target/ink/shared/$name.$ext"
      done
      printf '    done in %ss\n' "$(( $(date +%s) - start ))"
    done
    printf '\n==> building contracts/pool with --features cold,variant\n'
    cargo contract build --release --quiet --features cold,variant --manifest-path contracts/pool/Cargo.toml
    for ext in wasm contract json; do
      mv "target/ink/shared/keel_pool.$ext" "target/ink/shared/keel_pool_cold_variant.$ext"
    done
    for variant in "hot keel_pool_next keel_pool_mispaired" "hot,layout-next keel_pool_cold keel_pool_next_mispaired" \
      "hot,variant keel_pool_cold_variant keel_pool_variant"; do
      read -r features cold name <<<"$variant"
      printf '\n==> building contracts/pool with --features %s, its cold code %s\n' "$features" "$cold"
      KEEL_POOL_COLD_HASH="$(source_hash "target/ink/shared/$cold.json")" cargo contract build --release \
        --quiet --features "$features" --manifest-path contracts/pool/Cargo.toml
      for ext in wasm contract json; do
        mv "target/ink/shared/keel_pool.$ext" "target/ink/shared/$name.$ext"
      done
    done
  fi
  if [ "$c" = mirror ]; then
    printf '\n==> building contracts/mirror with --features refusing\n'
    cargo contract build --release --quiet --features refusing --manifest-path contracts/mirror/Cargo.toml
    for ext in wasm contract json; do
      mv "target/ink/shared/keel_mirror.$ext" "target/ink/shared/keel_mirror_refusing.$ext"
    done
  fi
  printf '\n==> building contracts/%s\n' "$c"
  start=$(date +%s)
  if [ "$c" = pool ]; then
    # The shipped pool names the cold code it hands its other messages to by its hash.
    KEEL_POOL_COLD_HASH="$(source_hash target/ink/shared/keel_pool_cold.json)" cargo contract build --release --quiet --features hot \
      --manifest-path contracts/pool/Cargo.toml
  else
    cargo contract build --release --quiet --manifest-path "contracts/$c/Cargo.toml"
  fi
  printf '    done in %ss\n' "$(( $(date +%s) - start ))"
done

web_core_wasm=target/wasm32-unknown-unknown/release/keel_web_core.wasm
if $web_core; then
  # A plain Wasm library for the browser, not a contract: cargo builds it; the page loads it.
  printf '\n==> building crates/web-core for the browser\n'
  start=$(date +%s)
  cargo build --release --quiet --target wasm32-unknown-unknown -p keel-web-core
  printf '    done in %ss\n' "$(( $(date +%s) - start ))"
fi

printf '\n%-20s %10s\n' "contract" "wasm bytes"
for c in "${contracts[@]}"; do
  name=$(artifact "$c")
  printf '%-20s %10s\n' "$name" "$(stat -c %s "target/ink/$name/$name.wasm")"
done
if $web_core; then printf '%-20s %10s\n' "keel_web_core" "$(stat -c %s "$web_core_wasm")"; fi
