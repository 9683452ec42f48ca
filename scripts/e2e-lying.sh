# Sourced by scripts/e2e-node.sh after the restart phase (node running, three rebalances so far):
# a keeper behind a node that lies about its transactions (scripts/lying-node.mjs). One that
# swallows every transaction and reports it dropped cannot make the keeper sign more than its
# per-pool transaction cap; one that swallows only the first does not stall the next: the keeper
# reads its nonce from the chain again, and its resend lands, confirmed by the node itself as the
# second node. Last, a reporter already running whose node turns out to be on another chain
# stops with status 78, as at start.

LYING_PORT=$((KEEL_NODE_PORT + 44))

# Starts the lying node in front of ours in mode $1; sets LYING_PID.
lying_node() {
  node scripts/lying-node.mjs "$LYING_PORT" "$URL" "$1" >"$WORK/lying-$1.log" 2>&1 &
  LYING_PID=$!
  e2e_stop_extra() { kill "$LYING_PID" 2>/dev/null; }
  for _ in $(seq 1 40); do
    grep -q "lying node on" "$WORK/lying-$1.log" && return 0
    kill -0 "$LYING_PID" 2>/dev/null || break
    sleep 0.25
  done
  cat "$WORK/lying-$1.log" >&2
  exit 1
}

stop_lying_node() {
  kill "$LYING_PID" 2>/dev/null || true
  wait "$LYING_PID" 2>/dev/null || true
  e2e_stop_extra() { :; }
}

# A keeper config through the lying node, signing as $1, with further [node] lines in $2.
lying_keeper_toml() {
  printf '[keeper]\nmax_retries = 3\nbackoff_base_ms = 1000\n\n'
  keeper_toml "$1" | sed "s|^url = .*|url = \"ws://127.0.0.1:$LYING_PORT\"|"
  printf '%b' "${2:-}"
}

say "a node that swallows every transaction and says it was dropped: the keeper stops at its cap"
sleep 6 # past the 6 s cooldown in chain time
client drift --slice 1000 --max-swaps 40 --deployment "$DEPLOYMENT"
client report --price 10.0 --volatility 0.8 --deployment "$DEPLOYMENT"
lying_node swallow-all
lying_keeper_toml "//Eve" 'pool_hourly_transactions = 2\n' >"$WORK/keeper-lied-to.toml"
target/debug/keel-keeper run --config "$WORK/keeper-lied-to.toml" --passes 6 >"$WORK/keeper-lied-to.log" 2>&1 || true
stop_lying_node
sent=$(grep -c "rebalance submitted" "$WORK/keeper-lied-to.log" || true)
swallowed=$(grep -c "^swallowed" "$WORK/lying-swallow-all.log" || true)
echo "signed and sent: $sent; swallowed by the node: $swallowed"
if [ "$sent" -ne 2 ] || [ "$swallowed" -ne 2 ] || ! grep -q "not sent: .*transactions" "$WORK/keeper-lied-to.log"; then
  cat "$WORK/keeper-lied-to.log"; exit 1
fi
grep -m1 -o "not sent: .*transactions[^\"]*" "$WORK/keeper-lied-to.log"
client expect --since "$since" --rebalances 3 --deployment "$DEPLOYMENT"

say "a node that swallows the first transaction: the next one lands, confirmed by our node"
lying_node swallow-first
# The node itself, beside the proxy, is the second node that confirms each rebalance before it
# is signed: the path where both agree, to a landed rebalance.
lying_keeper_toml "//Ferdie" "confirm_url = \"$URL\"\n" >"$WORK/keeper-dropped.toml"
target/debug/keel-keeper run --config "$WORK/keeper-dropped.toml" --passes 3 >"$WORK/keeper-dropped.log" 2>&1 || true
stop_lying_node
grep -q "^swallowed transaction 1" "$WORK/lying-swallow-first.log" || { cat "$WORK/keeper-dropped.log"; exit 1; }
grep -q "rebalanced" "$WORK/keeper-dropped.log" || { cat "$WORK/keeper-dropped.log"; exit 1; }
grep -q "confirmed by a second node" "$WORK/keeper-dropped.log" || { cat "$WORK/keeper-dropped.log"; exit 1; }
grep -h "submitted\|dropped\|rebalanced" "$WORK/keeper-dropped.log" | cut -c1-200 || true
client expect --since "$since" --rebalances 4 --in-band --deployment "$DEPLOYMENT"

say "a reporter running when its node turns out to be on another chain: it stops with status 78"
lying_node other-chain-on-usr1
{ echo_reporter_toml "ws://127.0.0.1:$LYING_PORT" "$DEPLOYMENT" 'round_ms = 1000\ndry_run = true'
  printf 'reconnect_ms = 500\n'; } >"$WORK/reporter-switched.toml"
# A round that read the chain and decided (at debug, a held round shows too) before the switch.
RUST_LOG=info,keel_reporter=debug target/debug/keel-reporter run --config "$WORK/reporter-switched.toml" \
  >"$WORK/reporter-switched.log" 2>&1 &
reporter_pid=$!
decided="dry run: would submit\|held"
for _ in $(seq 1 60); do grep -q "$decided" "$WORK/reporter-switched.log" && break; sleep 0.5; done
grep -q "$decided" "$WORK/reporter-switched.log" || { kill "$reporter_pid"; cat "$WORK/reporter-switched.log"; exit 1; }
kill -USR1 "$LYING_PID"
rc=0
for _ in $(seq 1 60); do kill -0 "$reporter_pid" 2>/dev/null || break; sleep 0.5; done
if kill -0 "$reporter_pid" 2>/dev/null; then
  kill "$reporter_pid"; cat "$WORK/reporter-switched.log"; echo "the reporter kept running on another chain" >&2; exit 1
fi
wait "$reporter_pid" || rc=$?
stop_lying_node
grep -q "answered another chain's genesis hash" "$WORK/lying-other-chain-on-usr1.log" || { cat "$WORK/lying-other-chain-on-usr1.log"; exit 1; }
[ "$rc" -eq 78 ] && grep -q "error: stopped signing: the node's chain" "$WORK/reporter-switched.log" \
  || { cat "$WORK/reporter-switched.log"; echo "expected status 78, got $rc" >&2; exit 1; }
grep -m1 -o "error: stopped signing: [^\"]*" "$WORK/reporter-switched.log" | cut -c1-160

# The reporters' phase drifts next: its blocks must come after this rebalance's 6 s cooldown in
# chain time, or its keeper waits for blocks nobody seals.
sleep 6
