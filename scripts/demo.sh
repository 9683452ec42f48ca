#!/usr/bin/env bash
# Keel in one command, from a fresh machine: install the pinned toolchain and cargo-contract,
# build the contracts, then run the simulation (tokens, oracle, venue, pool and keeper deployed
# into an in-process chain, a seeded market for 1,000 blocks) and write its CSV and chart.
# Extra arguments go to `keel-sim simulate` (e.g. --blocks 300 --sigma 1.2 --seed 3).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/build.sh
printf '\n==> building the simulator\n'
cargo build --quiet -p keel-sim --features drink
printf '\n==> keel-sim simulate --scenario scenarios/default.toml %s\n' "$*"
target/debug/keel-sim simulate --scenario scenarios/default.toml --out target/sim "$@"
