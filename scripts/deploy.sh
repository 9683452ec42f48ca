#!/usr/bin/env bash
# Deploys Keel (two PSP22 tokens, oracle and its mirror, venue, pool) to a contracts node from a plan, seeds
# liquidity, and writes the deployment record the keeper and the web app read.
#
#   scripts/deploy.sh [plan.toml] [deployment.json]
#   defaults: deploy/local.toml, target/deployment.json; node: $KEEL_NODE_URL or ws://127.0.0.1:9944
#
# Idempotent: if the record describes contracts that are live on this chain, nothing is sent.
# Builds the contracts (scripts/build.sh) if target/ink lacks them. Start a local node first
# with scripts/node.sh start.
set -euo pipefail
# Paths given are the caller's, so they are made absolute before the script moves to the repo.
PLAN="${1:+$(realpath -m -- "$1")}"
OUT="${2:+$(realpath -m -- "$2")}"
cd "$(dirname "$0")/.."

PLAN="${PLAN:-deploy/local.toml}"
OUT="${OUT:-target/deployment.json}"
URL="${KEEL_NODE_URL:-ws://127.0.0.1:9944}"

for c in keel_token keel_oracle keel_mirror keel_venue keel_pool keel_pool_cold; do
  if [ ! -f "target/ink/$c/$c.wasm" ]; then
    scripts/build.sh
    break
  fi
done
# The tests' package and feature set (scripts/cargo-set.sh), so this build is theirs.
source scripts/cargo-set.sh
cargo build --quiet "${KEEL_CARGO_SET[@]}" --all-targets
# The URL goes through the environment, not the command line other users' `ps` shows.
KEEL_NODE_URL="$URL" target/debug/keel-client deploy --plan "$PLAN" --out "$OUT"
