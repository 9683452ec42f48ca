#!/usr/bin/env bash
# Keel in one command, from a fresh machine: install the pinned toolchain and cargo-contract,
# build the contracts, then run the embedded simulation (tokens, oracle, venue, pool and keeper in
# an in-process chain, a seeded market for 1,000 blocks) and write its CSV and chart.
# Extra arguments go to `keel-keeper simulate` (e.g. --blocks 300 --sigma 1.2 --seed 3).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/build.sh
printf '\n==> building the keeper\n'
cargo build --quiet -p keel-keeper
printf '\n==> keel-keeper simulate --scenario scenarios/default.toml %s\n' "$*"
target/debug/keel-keeper simulate --scenario scenarios/default.toml --out target/sim "$@"
