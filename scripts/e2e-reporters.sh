# Sourced by e2e-node.sh once the keeper phases are done (node running, $DEPLOYMENT live, $since
# the deployment's block, four rebalances so far): the oracle fed by three keel-reporter
# services instead of `keel-client report`.
#
# Exchanges: `exchange-a` and `liar` are JSON over HTTP from a local server, `exchange-b` a
# command that prints a file. The honest price steps 1% at a time from 10.0; the liar quotes 20%
# above it. The venue stays at 10.0, so the trade that pushes the pool out of band, and the
# keeper's rebalance, come first, while the reporters hold the price there. Reporter A (//Alice)
# reads all three and must leave the liar out; B (//Eve) and C (//Ferdie) read the two honest ones; B is stopped with SIGTERM halfway. At every step the feed
# must answer the honest price exactly and the pool price with it.

say "three reporters feed the oracle from local exchanges; one reads a liar, one stops halfway"
HTTP_PORT="${KEEL_E2E_HTTP_PORT:-19948}"
A_METRICS="${KEEL_E2E_REPORTER_METRICS_PORT:-19949}"
PRICES="$WORK/prices"
mkdir -p "$PRICES"
BOTS=()
e2e_stop_extra() { local p; for p in "${BOTS[@]}"; do kill -- -"$p" 2>/dev/null || kill "$p" 2>/dev/null || true; done; }

# The honest price at step $1 as the exchanges print it, and exactly in 1e18 fixed point.
price_text() { printf '%d.%d' $(( (100 + $1) / 10 )) $(( (100 + $1) % 10 )); }
price_fixed() { printf '%d00000000000000000' $(( 100 + $1 )); }
liar_text() { awk -v p="$(price_text "$1")" 'BEGIN { printf "%.2f", p * 1.2 }'; }
# Stops bot $1 (a pid) with SIGTERM; fails with its log ($2) unless it exits 0.
stop_cleanly() {
  kill -TERM "$1"
  wait "$1" || { cat "$2" >&2; echo "$2: the bot did not exit cleanly on SIGTERM" >&2; exit 1; }
}
# Publishes step $1 on all three exchanges, each file replaced whole.
publish() {
  local p liar
  p=$(price_text "$1")
  liar=$(liar_text "$1")
  printf '{"price": "%s"}\n' "$p" >"$PRICES/a.json.new" && mv "$PRICES/a.json.new" "$PRICES/a.json"
  printf '{"price": %s}\n' "$liar" >"$PRICES/liar.json.new" && mv "$PRICES/liar.json.new" "$PRICES/liar.json"
  printf '%s\n' "$p" >"$PRICES/b.txt.new" && mv "$PRICES/b.txt.new" "$PRICES/b.txt"
}
# A reporter's configuration: signer $1, metrics port $2 (or none), with the liar if $3 is "liar".
reporter_toml() {
  # The feed's own expiry (an idle dev chain seals no block to move the head's time on), and any
  # move at all resubmitted, so a round that read the exchanges mid-publish is mended a round later.
  printf '[reporter]\nfeed = 1\nround_ms = 1000\nexpiry_ms = 600000\ndeviation_bps = 1\n'
  [ -z "$2" ] || printf 'metrics = "127.0.0.1:%s"\n' "$2"
  cat <<TOML

[[sources]]
name = "exchange-a"
kind = "http"
url = "http://127.0.0.1:$HTTP_PORT/a.json"
path = "price"

[[sources]]
name = "exchange-b"
kind = "command"
command = ["cat", "$PRICES/b.txt"]
TOML
  [ "$3" != liar ] || cat <<TOML

[[sources]]
name = "liar"
kind = "http"
url = "http://127.0.0.1:$HTTP_PORT/liar.json"
path = "price"
TOML
  cat <<TOML

[node]
url = "$URL"
deployment = "$DEPLOYMENT"
signer = "$1"
confirm_timeout_ms = 30000
TOML
}
# Waits until the feed answers step $1's price exactly and the pool prices with it. A reporter
# sends nothing in the block its own reading filled, and this chain seals blocks only for
# transactions: a reading taken mid-publish that landed last would stand until another block
# comes, so one is sealed (a 1 BASE swap) if the answer is still wrong after 10 s.
expect_price() {
  local want out i
  want=$(price_fixed "$1")
  for i in $(seq 1 60); do
    out=$(client feed --deployment "$DEPLOYMENT" --expect-price "$want" 2>&1) && { tail -n 2 <<<"$out"; return 0; }
    if [ "$i" -eq 10 ]; then
      echo "step $1: the feed answers no $(price_text "$1") yet; a block for the reporters to follow"
      client swap --sell base --amount 1 --deployment "$DEPLOYMENT" >/dev/null || echo "step $1: the swap sealing that block failed" >&2
    fi
    sleep 1
  done
  echo "$out" >&2
  echo "step $1: the feed did not come to answer $(price_text "$1") within 60 s" >&2
  for who in A B C; do echo "--- reporter $who" >&2; tail -n 20 "$WORK/reporter-$who.log" >&2; done
  return 1
}

publish 0
setsid python3 -m http.server --bind 127.0.0.1 --directory "$PRICES" "$HTTP_PORT" >"$WORK/exchanges.log" 2>&1 &
BOTS+=($!)
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$HTTP_PORT/a.json" >/dev/null && break; sleep 0.2; done
curl -fsS "http://127.0.0.1:$HTTP_PORT/a.json"

reporter_toml "//Alice" "$A_METRICS" liar >"$WORK/reporter-A.toml"
reporter_toml "//Eve" "" honest >"$WORK/reporter-B.toml"
reporter_toml "//Ferdie" "" honest >"$WORK/reporter-C.toml"
target/debug/keel-reporter check --config "$WORK/reporter-A.toml" | tee "$WORK/check-A.txt"
grep -q '^left out: liar' "$WORK/check-A.txt" || { echo "check did not leave the liar out" >&2; exit 1; }
declare -A REPORTER_PID
for who in A B C; do
  setsid target/debug/keel-reporter run --config "$WORK/reporter-$who.toml" >"$WORK/reporter-$who.log" 2>&1 &
  REPORTER_PID[$who]=$!
  BOTS+=($!)
done

# The keeper's log line for a rebalance of its own ("epoch already rebalanced" is a rival's).
landed() { awk '/rebalanced/ && !/already/ { found = 1 } END { exit !found }' "$WORK/keeper-reporters.log"; }
STEPS=8
expect_price 0
say "a trader pushes the pool out of band while the reporters run; the keeper rebalances"
client drift --slice 1000 --max-swaps 40 --deployment "$DEPLOYMENT"
# Started once the drift is done: a keeper rebalancing mid-drift lets the drift push the pool out
# of band a second time.
keeper_toml "//Charlie" >"$WORK/keeper-reporters.toml"
setsid target/debug/keel-keeper run --config "$WORK/keeper-reporters.toml" >"$WORK/keeper-reporters.log" 2>&1 &
keeper=$!
BOTS+=("$keeper")
for _ in $(seq 1 60); do landed && break; sleep 1; done
landed || { cat "$WORK/keeper-reporters.log"; echo "the keeper did not rebalance within 60 s" >&2; exit 1; }
stop_cleanly "$keeper" "$WORK/keeper-reporters.log"
client expect --since "$since" --rebalances 5 --in-band --deployment "$DEPLOYMENT"

for step in $(seq 1 "$STEPS"); do
  if [ "$step" -eq $(( STEPS / 2 )) ]; then
    say "stopping reporter B (SIGTERM): it finishes its round and exits cleanly"
    stop_cleanly "${REPORTER_PID[B]}" "$WORK/reporter-B.log"
    grep -q "stopping on signal" "$WORK/reporter-B.log" || { cat "$WORK/reporter-B.log"; exit 1; }
  fi
  say "step $step: the exchanges quote $(price_text "$step") (the liar $(liar_text "$step"))"
  publish "$step"
  expect_price "$step"
done

say "reporter A left the liar out every round, and reports healthy"
metrics=$(curl -fsS "http://127.0.0.1:$A_METRICS/metrics")
grep -E '^keel_reporter_source_drops_total\{source="liar",kind="outlier"\} [1-9]' <<<"$metrics" \
  || { echo "$metrics" >&2; echo "reporter A's metrics count no liar drops" >&2; exit 1; }
grep -E '^keel_reporter_source_drops_total\{source="exchange-[ab]"' <<<"$metrics" \
  && { echo "reporter A dropped an honest exchange" >&2; exit 1; }
curl -fsS "http://127.0.0.1:$A_METRICS/healthz"; echo
! grep -q "refused\|submission failed" "$WORK"/reporter-*.log \
  || { grep "refused\|submission failed" "$WORK"/reporter-*.log >&2; exit 1; }
b_readings=$(grep -c "reading included" "$WORK/reporter-B.log" || true)
a_readings=$(grep -c "reading included" "$WORK/reporter-A.log" || true)
echo "readings included: A $a_readings, B $b_readings (stopped at step $(( STEPS / 2 )))"
(( b_readings < a_readings )) || { echo "reporter B kept reporting after it was stopped" >&2; exit 1; }

say "reporter C stopped and run once, as cron would: its reading is fresh, so nothing is sent"
stop_cleanly "${REPORTER_PID[C]}" "$WORK/reporter-C.log"
target/debug/keel-reporter run --once --config "$WORK/reporter-C.toml" 2>&1 | tee "$WORK/reporter-C-once.log"
! grep -q "reading included" "$WORK/reporter-C-once.log" || { echo "run --once resubmitted a fresh reading" >&2; exit 1; }
stop_cleanly "${REPORTER_PID[A]}" "$WORK/reporter-A.log"

say "a reporter at its transaction cap signs nothing, even for a move it would report"
publish $(( STEPS + 1 ))
# A block after the last reading (a reporter sends nothing in the block its slot was filled in).
client swap --sell base --amount 1 --deployment "$DEPLOYMENT"
{ cat "$WORK/reporter-C.toml"; echo "hourly_transactions = 0"; } >"$WORK/reporter-capped.toml"
target/debug/keel-reporter run --once --config "$WORK/reporter-capped.toml" >"$WORK/reporter-capped.log" 2>&1 || true
if ! grep -q "reading refused before signing" "$WORK/reporter-capped.log" ||
  grep -q "reading included" "$WORK/reporter-capped.log"; then
  cat "$WORK/reporter-capped.log"; exit 1
fi
grep -m1 -o "not sent: [^\"]*" "$WORK/reporter-capped.log" | cut -c1-160 || true
