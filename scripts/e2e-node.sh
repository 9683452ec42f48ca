#!/usr/bin/env bash
# End to end on a real node: start substrate-contracts-node, deploy Keel, push oracle readings
# and swaps until the pool drifts past its rebalance trigger, run two competing keepers, and
# check on chain that exactly one rebalance landed and the pool is back in band. Then a rival
# landing between a keeper's dry-run and its transaction (ours reverts on chain, read back as
# already done), a keeper across a node restart, a keeper behind a node that lies about its
# transactions and a running reporter whose node turns out to be on another chain
# (scripts/e2e-lying.sh). Before the keepers run, what they refuse to
# sign for (scripts/e2e-trust.sh): another chain's record, other code, an address with no contract,
# a node that lags without the pool (exit 1), dev keys on a Live chain. Last, three keel-reporter services feed the
# oracle from local exchanges (one reporter also reads an exchange that lies by 20%, one is
# stopped halfway) while the price moves and a keeper rebalances: the feed answers the honest
# price at every step and the pool prices with it. Then the pool's owner moves it to another
# release of its layout and back with `keel-client upgrade` (scripts/e2e-upgrade.sh). Stops the
# node on the way out; exits non-zero on any failure.
#
# Needs the node (scripts/node.sh install) and the contracts built (scripts/build.sh).
# Runs on its own ports (RPC 19944, p2p 30555) and state directory, beside any node of yours.
set -euo pipefail
cd "$(dirname "$0")/.."
E2E_NAME=e2e-node
# shellcheck source=e2e-lib.sh
source scripts/e2e-lib.sh "${KEEL_E2E_PORT:-19944}" "${KEEL_E2E_P2P_PORT:-30555}"
# The chain outlives a node restart, which the last phase does to the keeper.
export KEEL_NODE_BASE_PATH="$WORK/chain"
PLAN="$WORK/plan.toml"

# Every refusal below must exit non-zero with its reason, and write no record.
refused() { # <expected message> <command...>
  fails_with "$@"
  [ ! -e "$DEPLOYMENT" ] || { echo "a refused deployment wrote $DEPLOYMENT" >&2; exit 1; }
}

# The local plan, with the shortest cooldown the pool accepts (one 6 s block) written out, so the
# last phase waits little chain time.
{ cat deploy/local.toml; echo "rebalance_cooldown_ms = 6000"; } >"$PLAN"

say "deploying with no node running"
refused "node unreachable" client --patience 2 deploy --plan "$PLAN" --out "$DEPLOYMENT"
# A keeper started before its node fails as systemd restarts (1), not as a refused
# configuration (78).
{ printf '[node]\nurl = "%s"\nsigner = "//Eve"\nreconnect_ms = 500\n' "$URL"
  printf 'pools = ["5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"]\n'
  printf 'pool_code_hashes = ["0x%s"]\n' "$(printf '22%.0s' $(seq 1 32))"
  printf 'genesis_hash = "0x%s"\n' "$(printf '33%.0s' $(seq 1 32))"; } >"$WORK/keeper-early.toml"
fails_with_status 1 "node unreachable" target/debug/keel-keeper run --config "$WORK/keeper-early.toml" --passes 1

say "starting the node"
scripts/node.sh start

say "deploying from an account with no funds"
sed 's|^deployer = .*|deployer = "//KeelNobody"|' "$PLAN" >"$WORK/unfunded.toml"
refused "has no funds" client deploy --plan "$WORK/unfunded.toml" --out "$DEPLOYMENT"

say "deploying"
client deploy --plan "$PLAN" --out "$DEPLOYMENT"
say "deploying again (must send nothing)"
client deploy --plan "$PLAN" --out "$DEPLOYMENT" | tee "$WORK/redeploy.txt"
grep -q "already deployed" "$WORK/redeploy.txt"
since=$(sed -n 's/.*"block": \([0-9]*\).*/\1/p' "$DEPLOYMENT")

say "oracle reading and one-sided flow until the pool is out of band"
client report --price 10.0 --volatility 0.8 --deployment "$DEPLOYMENT"
client drift --slice 1000 --max-swaps 40 --deployment "$DEPLOYMENT"
client report --price 10.0 --volatility 0.8 --deployment "$DEPLOYMENT"
client show --deployment "$DEPLOYMENT"

say "keepers whose ceilings are below what the rebalance needs sign nothing"
# A contract at a watched address can ask for any gas and deposit; the ceilings refuse it before
# the key signs. Here the honest pool asks for about 13.4e9 ref_time and some deposit.
# Each limit with the refusal it must cause. This keeper's first rebalance needs a storage
# deposit (its bounty balance is new storage), so `max_deposit = 1` stands for a contract asking
# for more deposit than allowed; the last prices the native token so high that the fee is worth
# more than the bounty.
for case in "max_ref_time = 1000000000|gas ref_time" "max_deposit = 1|storage deposit of" \
  "pool_hourly_budget = 1|Pool hourly budget" \
  "pool_hourly_transactions = 0|0 transactions" "native_price = 1000000.0|more than its bounty is worth"; do
  limit="${case%%|*}" reason="${case#*|}"
  { printf '[keeper]\nmax_retries = 0\n\n'; keeper_toml "//Eve"; echo "$limit"; } >"$WORK/keeper-limited.toml"
  target/debug/keel-keeper run --config "$WORK/keeper-limited.toml" --passes 1 >"$WORK/keeper-limited.log" 2>&1 || true
  grep -q "not sent: .*$reason" "$WORK/keeper-limited.log" || { cat "$WORK/keeper-limited.log"; exit 1; }
  if grep -q "rebalance submitted" "$WORK/keeper-limited.log"; then
    cat "$WORK/keeper-limited.log"; exit 1
  fi
  grep -o "not sent: .*" "$WORK/keeper-limited.log" | head -1
done
# shellcheck source=e2e-trust.sh
source scripts/e2e-trust.sh
client expect --since "$since" --rebalances 0 --deployment "$DEPLOYMENT"

say "two competing keepers, three passes each"
for who in Charlie Dave; do
  { printf '[keeper]\nmax_retries = 3\nbackoff_base_ms = 1000\n\n'; keeper_toml "//$who"; } >"$WORK/keeper-$who.toml"
done
# Dave waits for finality, Charlie for a best block.
echo "finalized = true" >>"$WORK/keeper-Dave.toml"

target/debug/keel-keeper run --config "$WORK/keeper-Charlie.toml" --passes 3 >"$WORK/keeper-Charlie.log" 2>&1 &
charlie=$!
target/debug/keel-keeper run --config "$WORK/keeper-Dave.toml" --passes 3 >"$WORK/keeper-Dave.log" 2>&1 &
dave=$!
wait "$charlie" || { cat "$WORK/keeper-Charlie.log"; exit 1; }
wait "$dave" || { cat "$WORK/keeper-Dave.log"; exit 1; }
grep -h "submitted\|rebalanced\|reverted\|already\|refused\|failure" "$WORK"/keeper-{Charlie,Dave}.log || true
# The plan lists two venues of different depth and fee: what was sent is a split with a leg on
# each (the cheaper one to its cap, the rest on the deeper one).
grep -q "legs=2" "$WORK"/keeper-{Charlie,Dave}.log \
  || { echo "no keeper sent a rebalance split across the two venues" >&2; exit 1; }

say "checking on chain"
client expect --since "$since" --rebalances 1 --in-band --deployment "$DEPLOYMENT"
# status reads only: a signer whose variable is unset does not stop it.
sed 's|^signer = .*|signer = "env:KEEL_E2E_NEVER_SET"|' "$WORK/keeper-Charlie.toml" >"$WORK/keeper-no-key.toml"
target/debug/keel-keeper status --config "$WORK/keeper-no-key.toml"

say "a rival lands between a keeper's dry-run and its transaction: ours reverts on chain"
# The race is staged in-process (crates/keeper/tests/node_race.rs) so that it happens every run:
# the rival's whole pass runs right after our dry-run is accepted.
cargo test --quiet "${KEEL_CARGO_SET[@]}" --test node_race --no-run
sleep 6 # past the 6 s cooldown in chain time: the drift's blocks come after it
client drift --slice 1000 --max-swaps 40 --deployment "$DEPLOYMENT"
client report --price 10.0 --volatility 0.8 --deployment "$DEPLOYMENT"
KEEL_E2E_URL="$URL" KEEL_E2E_DEPLOYMENT="$DEPLOYMENT" \
  cargo test --quiet "${KEEL_CARGO_SET[@]}" --test node_race -- --ignored --nocapture --test-threads 1
client expect --since "$since" --rebalances 2 --in-band --deployment "$DEPLOYMENT"

say "a keeper across a node restart: it reconnects and rebalances the next drift"
metrics_port="${KEEL_E2E_METRICS_PORT:-19947}"
sed "s/^\[keeper\]\$/[keeper]\nmetrics = \"127.0.0.1:$metrics_port\"/" "$WORK/keeper-Charlie.toml" >"$WORK/keeper-restart.toml"
grep -q '^metrics = ' "$WORK/keeper-restart.toml" || { echo "no metrics address in keeper-restart.toml" >&2; exit 1; }
target/debug/keel-keeper run --config "$WORK/keeper-restart.toml" >"$WORK/keeper-restart.log" 2>&1 &
keeper=$!
# A run that fails before the keeper is stopped below stops it too.
e2e_stop_extra() { kill "$keeper" 2>/dev/null || true; }
# The keeper's log, and a failure saying `$1`.
keeper_failed() { cat "$WORK/keeper-restart.log" >&2; echo "$1" >&2; exit 1; }
# Stopped once the keeper is up and has read the pool (its metrics, served after its start-up
# checks, carry the pool's Greeks): a stop during its start-up tests something else.
up=""
for _ in $(seq 1 60); do
  up=$(curl -fsS "http://127.0.0.1:$metrics_port/metrics" 2>/dev/null | grep '^keel_keeper_delta_base{') || true
  [ -n "$up" ] && break
  kill -0 "$keeper" 2>/dev/null || keeper_failed "the keeper stopped before the node did"
  sleep 1
done
[ -n "$up" ] || keeper_failed "the keeper did not serve the pool's metrics within 60 s"
scripts/node.sh stop
sleep 3
scripts/node.sh start
# The keeper's own count of reconnections, as Prometheus scrapes it.
reconnects=""
for _ in $(seq 1 20); do
  reconnects=$(curl -fsS "http://127.0.0.1:$metrics_port/metrics" | sed -n 's/^keel_keeper_reconnects_total //p') || true
  [ "${reconnects:-0}" -ge 1 ] 2>/dev/null && break
  sleep 1
done
echo "metrics: keel_keeper_reconnects_total ${reconnects:-none}"
[ "${reconnects:-0}" -ge 1 ] 2>/dev/null || {
  echo "the keeper's metrics do not count the reconnection; its log:" >&2
  cat "$WORK/keeper-restart.log" >&2
  exit 1
}
# The LPs' Greeks on the live pool: a 1% rise takes base out of it, a 1% fall puts base in.
greek() { sed -n "s/^keel_keeper_$1{[^}]*} //p" <<<"$scrape" | head -1; }
signed_right() {
  awk -v d="$delta" -v u="$up" -v w="$down" \
    'BEGIN { exit !(d != "" && u != "" && w != "" && d + 0 > 0 && u + 0 < 0 && w + 0 > 0) }'
}
for _ in $(seq 1 20); do
  scrape=$(curl -fsS "http://127.0.0.1:$metrics_port/metrics") || scrape=""
  delta=$(greek delta_base); up=$(greek gamma_up_base); down=$(greek gamma_down_base)
  signed_right && break
  sleep 1
done
echo "metrics: delta ${delta:-none} base, gamma ${down:-none} on a 1% fall, ${up:-none} on a 1% rise"
signed_right || {
  echo "the keeper's metrics lack the pool's Greeks, or give them the wrong signs:" >&2
  grep '^keel_keeper_' <<<"$scrape" >&2
  exit 1
}
client drift --slice 1000 --max-swaps 40 --deployment "$DEPLOYMENT"
client report --price 10.0 --volatility 0.8 --deployment "$DEPLOYMENT"
# Until the keeper counts the drift's rebalance as its own (however slowly the machine runs its
# passes), then stopped as a service manager would: it exits cleanly.
rebalanced=""
for _ in $(seq 1 120); do
  rebalanced=$(curl -fsS "http://127.0.0.1:$metrics_port/metrics" | sed -n 's/^keel_keeper_rebalances_total{[^}]*} //p' | head -1) || true
  [ "${rebalanced:-0}" -ge 1 ] 2>/dev/null && break
  kill -0 "$keeper" 2>/dev/null || keeper_failed "the keeper stopped before it rebalanced the drift"
  sleep 1
done
echo "metrics: keel_keeper_rebalances_total ${rebalanced:-none}"
[ "${rebalanced:-0}" -ge 1 ] 2>/dev/null || keeper_failed "the keeper did not rebalance the drift within 120 s"
kill -TERM "$keeper" 2>/dev/null || true
wait "$keeper" || keeper_failed "the keeper did not exit cleanly on SIGTERM"
e2e_stop_extra() { :; }
grep -h "reconnect\|rebalanced\|refused\|failure" "$WORK/keeper-restart.log" || true
client expect --since "$since" --rebalances 3 --in-band --deployment "$DEPLOYMENT"

# shellcheck source=e2e-lying.sh
source scripts/e2e-lying.sh
source scripts/e2e-reporters.sh
# shellcheck source=e2e-upgrade.sh
source scripts/e2e-upgrade.sh

say "e2e-node: PASSED in $(( $(date +%s) - start ))s"
