#!/usr/bin/env bash
# Keel's benchmarks, each printing its numbers next to a baseline measured in the same process:
#   1. economic: Keel against constant-product pools (one at Keel's own mean fee) over the suite in
#      scenarios/bench.toml: oracle lags 0-10 blocks, deviation-and-heartbeat feeds, jumps, toxic
#      flow, imperfect reporters. It prints the LP P&L taken apart, the paired comparisons, the
#      LVR self-check and every target's PASS/MISS (report and charts in target/bench/), then the
#      keeper's thin, one-sided market in scenarios/bench-one-sided.toml (target/bench-one-sided/);
#      extra arguments go to `keel-sim bench` (e.g. --seeds 4 --days 3 for a quick look);
#   2. on-chain cost: ref_time and proof_size of every message on the compiled Wasm, and sizes
#      (KEEL_GAS_BASELINE=<a keel_pool.wasm> adds another build of the pool as a baseline);
#   3. keeper throughput: decisions per second, and the keeper's pass on drink per block.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/build.sh
printf '\n==> building the benchmarks\n'
cargo build --quiet -p keel-sim --features drink --bins --examples
cargo build --quiet -p keel-tests --examples

printf '\n==> economic benchmark (keel-sim bench --suite scenarios/bench.toml %s)\n' "$*"
target/debug/keel-sim bench --suite scenarios/bench.toml --out target/bench "$@"

printf '\n==> the keeper market (keel-sim bench --suite scenarios/bench-one-sided.toml %s)\n' "$*"
target/debug/keel-sim bench --suite scenarios/bench-one-sided.toml --out target/bench-one-sided "$@"

printf '\n==> on-chain cost\n'
cargo run --quiet -p keel-tests --example gas

printf '\n==> keeper throughput\n'
cargo run --quiet -p keel-sim --features drink --example keeper_throughput 100000 300
