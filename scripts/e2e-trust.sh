# Sourced by scripts/e2e-node.sh once Keel is deployed and its pool is due: what the bots refuse
# to sign for. A record naming another chain (keeper, reporter and keel-client), a watched address
# whose code is not the pool's or that holds no contract, a metrics port in use,
# a chain whose spec says it is Live (where the public dev keys must not sign), and a second node
# that does not confirm the rebalance each stop the bot before anything is signed. Leaves no rebalance behind.

# Keeper passes with config $1 must halt the pool as untrusted and sign nothing.
halts_untrusted() { # <config> <log>
  target/debug/keel-keeper run --config "$1" --passes 2 >"$2" 2>&1 || true
  grep -q "stopped signing for this pool" "$2" || { cat "$2"; exit 1; }
  if grep -q "rebalance submitted" "$2"; then cat "$2"; exit 1; fi
  grep -m1 -o "untrusted: [^\"]*" "$2" | cut -c1-160
}

say "keepers that do not trust what they would sign for sign nothing"
other_genesis="0x$(printf '11%.0s' $(seq 1 32))"
sed "s/\"genesis_hash\": \"0x[0-9a-f]*\"/\"genesis_hash\": \"$other_genesis\"/" "$DEPLOYMENT" >"$WORK/other-chain.json"
grep -q "$other_genesis" "$WORK/other-chain.json"
{ printf '[keeper]\nmax_retries = 0\n\n'; keeper_toml "//Eve" | sed "s|^deployment = .*|deployment = \"$WORK/other-chain.json\"|"; } \
  >"$WORK/keeper-other-chain.toml"
fails_with_status 78 "untrusted: the node's chain" target/debug/keel-keeper run --config "$WORK/keeper-other-chain.toml" --passes 1
# The reporter given the same record stops at start too.
echo_reporter_toml "$URL" "$WORK/other-chain.json" >"$WORK/reporter-other-chain.toml"
fails_with_status 78 "untrusted: the node's chain" target/debug/keel-reporter run --once --config "$WORK/reporter-other-chain.toml"
# A reporter pointed at a contract of other code (the venue) under the record's oracle code hash
# refuses at start too, before it signs anything.
oracle_code=$(sed -n '/"code_hashes"/,/}/s/.*"oracle": "\(0x[0-9a-f]*\)".*/\1/p' "$DEPLOYMENT")
venue_address=$(grep -o '"venue": "5[^"]*"' "$DEPLOYMENT" | head -1 | cut -d'"' -f4)
[ -n "$oracle_code" ] && [ -n "$venue_address" ] || { echo "cannot read the oracle's code hash or the venue from $DEPLOYMENT" >&2; exit 1; }
genesis=$(grep -o '"genesis_hash": "0x[0-9a-f]*"' "$DEPLOYMENT" | cut -d'"' -f4)
[ -n "$genesis" ] || { echo "cannot read the genesis hash from $DEPLOYMENT" >&2; exit 1; }
sed -e "s|^deployment = .*|oracle = \"$venue_address\"\noracle_code_hashes = [\"$oracle_code\"]\ngenesis_hash = \"$genesis\"|" \
  -e "s|^signer = .*|signer = \"//Ferdie\"|" "$WORK/reporter-other-chain.toml" >"$WORK/reporter-other-code.toml"
grep -q "^oracle_code_hashes" "$WORK/reporter-other-code.toml"
fails_with_status 78 "the oracle's code 0x[0-9a-f]* is not on the allow-list" \
  target/debug/keel-reporter run --once --config "$WORK/reporter-other-code.toml"
# The record's oracle and code named without the record, on a chain named by another genesis.
oracle_address=$(grep -o '"oracle": "5[^"]*"' "$DEPLOYMENT" | head -1 | cut -d'"' -f4)
[ -n "$oracle_address" ] || { echo "cannot read the oracle from $DEPLOYMENT" >&2; exit 1; }
sed -e "s|^oracle = .*|oracle = \"$oracle_address\"|" -e "s|^genesis_hash = .*|genesis_hash = \"$other_genesis\"|" \
  "$WORK/reporter-other-code.toml" >"$WORK/reporter-listed-other-chain.toml"
grep -q "$other_genesis" "$WORK/reporter-listed-other-chain.toml"
fails_with_status 78 "untrusted: the node's chain" \
  target/debug/keel-reporter run --once --config "$WORK/reporter-listed-other-chain.toml"
# And keel-client's commands that sign or read at a record's addresses.
fails_with "written on another chain" client swap --sell base --amount 1 --deployment "$WORK/other-chain.json"
fails_with "written on another chain" client show --deployment "$WORK/other-chain.json"
# The venue listed as a pool: a contract at a watched address that is not the pool's code.
venue=$(grep -o '"venue": "5[^"]*"' "$DEPLOYMENT" | head -1 | cut -d'"' -f4)
pool_code=$(sed -n '/"code_hashes"/,/}/s/.*"pool": "\(0x[0-9a-f]*\)".*/\1/p' "$DEPLOYMENT")
[ -n "$venue" ] && [ -n "$pool_code" ] || { echo "cannot read the venue or the pool's code hash from $DEPLOYMENT" >&2; exit 1; }
{ printf '[keeper]\nmax_retries = 0\n\n'; keeper_toml "//Eve" | grep -v '^deployment = ';
  echo "pools = [\"$venue\"]"; echo "pool_code_hashes = [\"$pool_code\"]"; echo "genesis_hash = \"$genesis\""; } \
  >"$WORK/keeper-other-code.toml"
halts_untrusted "$WORK/keeper-other-code.toml" "$WORK/keeper-other-code.log"
# The pool listed without a record, its code allowed, on a chain named by another genesis hash:
# the keeper stops at start, before it signs (a key may hold funds on more than one chain).
pool=$(grep -o '"pool": "5[^"]*"' "$DEPLOYMENT" | head -1 | cut -d'"' -f4)
[ -n "$pool" ] || { echo "cannot read the pool from $DEPLOYMENT" >&2; exit 1; }
{ printf '[keeper]\nmax_retries = 0\n\n'; keeper_toml "//Eve" | grep -v '^deployment = ';
  echo "pools = [\"$pool\"]"; echo "pool_code_hashes = [\"$pool_code\"]"; echo "genesis_hash = \"$other_genesis\""; } \
  >"$WORK/keeper-listed-other-chain.toml"
fails_with_status 78 "untrusted: the node's chain" \
  target/debug/keel-keeper run --config "$WORK/keeper-listed-other-chain.toml" --passes 1
# An address with no contract on this synced node (an account): that pool is halted, not waited for.
alice=5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY
{ printf '[keeper]\nmax_retries = 0\n\n'; keeper_toml "//Eve" | grep -v '^deployment = ';
  echo "pools = [\"$alice\"]"; echo "pool_code_hashes = [\"$pool_code\"]"; echo "genesis_hash = \"$genesis\""; } \
  >"$WORK/keeper-absent.toml"
halts_untrusted "$WORK/keeper-absent.toml" "$WORK/keeper-absent.log"
grep -q "no contract at the pool's address on this chain" "$WORK/keeper-absent.log" || { cat "$WORK/keeper-absent.log"; exit 1; }
# A metrics port another process holds (here the node's) is a failure a restart may outlast.
{ printf '[keeper]\ndry_run = true\nmetrics = "127.0.0.1:%s"\n\n' "$KEEL_NODE_PORT"; keeper_toml "//Eve"; } \
  >"$WORK/keeper-metrics-in-use.toml"
fails_with_status 1 "cannot listen on metrics address" target/debug/keel-keeper run --config "$WORK/keeper-metrics-in-use.toml" --passes 1

say "a chain whose spec says Live: the public dev keys sign nothing there"
# The dev chain's own spec with chainType Live (the node still runs it as a dev chain, by its id).
LIVE_PORT=$((KEEL_NODE_PORT + 33))
live_bin="$(scripts/node.sh path)"
"$live_bin" build-spec --dev 2>/dev/null |
  sed 's/"chainType": "Development"/"chainType": "Live"/; 1s/^{/{\n  "relay_chain": "rococo-local",\n  "para_id": 1000,/' \
    >"$WORK/live-spec.json"
grep -q '"chainType": "Live"' "$WORK/live-spec.json"
"$live_bin" --chain "$WORK/live-spec.json" --tmp --rpc-port "$LIVE_PORT" \
  --listen-addr "/ip4/127.0.0.1/tcp/$((KEEL_NODE_P2P_PORT + 33))" \
  --no-prometheus --no-telemetry --no-mdns >"$WORK/live-node.log" 2>&1 &
LIVE_PID=$!
e2e_stop_extra() { kill "$LIVE_PID" 2>/dev/null; }
chain_type() {
  curl -s -H 'Content-Type: application/json' \
    -d '{"id":1,"jsonrpc":"2.0","method":"system_chainType","params":[]}' "http://127.0.0.1:$LIVE_PORT"
}
for _ in $(seq 1 120); do
  chain_type | grep -q '"Live"' && break
  kill -0 "$LIVE_PID" 2>/dev/null || { tail -20 "$WORK/live-node.log"; exit 1; }
  sleep 0.5
done
chain_type | grep -q '"Live"' || { echo "the Live node did not answer" >&2; exit 1; }
LIVE_URL="ws://127.0.0.1:$LIVE_PORT"
keeper_toml "//Bob" | sed "s|^url = .*|url = \"$LIVE_URL\"|" >"$WORK/keeper-live.toml"
fails_with_status 78 "refused on a Live chain" target/debug/keel-keeper run --passes 1 --config "$WORK/keeper-live.toml"
fails_with "refused on a Live chain" target/debug/keel-client --url "$LIVE_URL" \
  report --price 10.0 --volatility 0.8 --deployment "$DEPLOYMENT"
# The dev phrase is a dev key from any source; any other secret from the environment loads there.
# The Live node shares the dev chain's genesis but none of its blocks, as a node still syncing
# would: before the record's block, the keeper finds no contract at the pool's address yet and
# exits 1 (systemd starts it again) rather than watch a pool whose pair it cannot check.
sed 's|^signer = .*|signer = "env:KEEL_E2E_SURI"|' "$WORK/keeper-live.toml" >"$WORK/keeper-live-env.toml"
export KEEL_E2E_SURI="bottom drive obey lake curtain smoke basket hold race lonely fit walk//Bob"
fails_with_status 78 "refused on a Live chain" target/debug/keel-keeper run --passes 1 --config "$WORK/keeper-live-env.toml"
export KEEL_E2E_SURI="0x$(printf '42%.0s' $(seq 1 32))"
fails_with_status 1 "no contract at the pool's address" target/debug/keel-keeper run --passes 1 --config "$WORK/keeper-live-env.toml"
# The reporter on the same node: no oracle there yet, status 1 too.
sed -e "s|^url = .*|url = \"$LIVE_URL\"|" -e "s|^deployment = .*|deployment = \"$DEPLOYMENT\"|" \
  -e 's|^signer = .*|signer = "env:KEEL_E2E_SURI"|' "$WORK/reporter-other-chain.toml" >"$WORK/reporter-syncing.toml"
grep -q "$LIVE_URL" "$WORK/reporter-syncing.toml"
fails_with_status 1 "no contract at the oracle's address" target/debug/keel-reporter run --once --config "$WORK/reporter-syncing.toml"
unset KEEL_E2E_SURI
echo "a secret seed from the environment loads on the Live chain"

say "a second node that does not confirm the rebalance: nothing is signed"
# The Live node shares the dev chain's genesis but not its state: it has no pool, so its dry-run
# of the rebalance the first node accepts fails, and the keeper does not sign.
{ printf '[keeper]\nmax_retries = 0\n\n'; keeper_toml "//Eve"; echo "confirm_url = \"$LIVE_URL\""; } \
  >"$WORK/keeper-confirmed.toml"
target/debug/keel-keeper run --config "$WORK/keeper-confirmed.toml" --passes 1 >"$WORK/keeper-confirmed.log" 2>&1 || true
if ! grep -q "the second node" "$WORK/keeper-confirmed.log" || grep -q "rebalance submitted" "$WORK/keeper-confirmed.log"; then
  cat "$WORK/keeper-confirmed.log"; exit 1
fi
grep -m1 -o "the second node[^\"]*" "$WORK/keeper-confirmed.log" | cut -c1-160
kill "$LIVE_PID" 2>/dev/null || true
for _ in $(seq 1 20); do kill -0 "$LIVE_PID" 2>/dev/null || break; sleep 0.5; done
kill -KILL "$LIVE_PID" 2>/dev/null || true
e2e_stop_extra() { :; }
