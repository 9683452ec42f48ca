#!/usr/bin/env bash
# The wallet dApp end to end in a real browser: starts a contracts node, deploys Keel, builds
# and serves web/, has a keeper land one rebalance, and drives Debian's Chromium through
# web/e2e/run.ts (a swap lands; a swap with no slippage room after the price moved is refused
# and moves nothing; add liquidity, the position and its fees, remove it; the activity list; a
# first-time trader's approval (none for a swap a paused pool refuses); the mode switched
# mid-flow changes nothing sent; pool health with the Greeks, the charts and the rebalance; an injected wallet extension signs and declines;
# price-impact warnings, confirmation and block; phone width and keyboard; a record from another
# chain, and one whose pool address holds other code, are refused; the node stopped shows the
# unreachable banner). Exits non-zero on any failure; screenshots go to target/web-e2e/.
#
# Needs the node (scripts/node.sh install), the contracts (scripts/build.sh) and chromium
# (apt install chromium). Runs on its own ports (RPC 19945, p2p 30556, web 15173).
set -euo pipefail
cd "$(dirname "$0")/.."
CHROMIUM="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
[ -n "$CHROMIUM" ] || { echo "e2e-web: chromium is not installed (apt install chromium)" >&2; exit 1; }
E2E_NAME=e2e-web
# shellcheck source=e2e-lib.sh
source scripts/e2e-lib.sh "${KEEL_E2E_WEB_PORT:-19945}" "${KEEL_E2E_WEB_P2P_PORT:-30556}"
WEB_PORT="${KEEL_E2E_WEB_HTTP_PORT:-15173}"
SERVER_PID=""
e2e_stop_extra() { [ -z "$SERVER_PID" ] || kill -- -"$SERVER_PID" 2>/dev/null; }

say "starting the node"
scripts/node.sh start
say "deploying"
client deploy --plan deploy/local.toml --out "$DEPLOYMENT"
say "a rebalance for the health page's history: drift past the trigger, one keeper pass"
client report --price 10.0 --volatility 0.8 --deployment "$DEPLOYMENT"
client drift --slice 1000 --max-swaps 40 --deployment "$DEPLOYMENT"
keeper_toml "//Charlie" >"$WORK/keeper.toml"
target/debug/keel-keeper run --config "$WORK/keeper.toml" --passes 1 >"$WORK/keeper.log" 2>&1 || { cat "$WORK/keeper.log"; exit 1; }
grep -q "rebalanced" "$WORK/keeper.log" || { cat "$WORK/keeper.log"; echo "e2e-web: the keeper did not rebalance" >&2; exit 1; }

say "building web/"
scripts/web.sh --build-only "$DEPLOYMENT"
say "serving web/ on 127.0.0.1:$WEB_PORT"
# In a process group of its own: npx starts vite as a child, and the cleanup stops both.
setsid bash -c 'cd web && exec npx --no-install vite preview --host 127.0.0.1 --port "$1" --strictPort' _ "$WEB_PORT" \
  >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
served=""
for _ in $(seq 1 300); do
  curl -fs --max-time 5 "http://127.0.0.1:$WEB_PORT/" >/dev/null && { served=1; break; }
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; echo "e2e-web: the web server stopped" >&2; exit 1; }
  sleep 0.2
done
[ -n "$served" ] || { cat "$WORK/server.log" >&2; echo "e2e-web: the web server did not answer within a minute" >&2; exit 1; }
curl -fs "http://127.0.0.1:$WEB_PORT/keel/deployment.json" | cmp -s - "$DEPLOYMENT" \
  || { echo "e2e-web: 127.0.0.1:$WEB_PORT does not serve this deployment (another server on the port?)" >&2; exit 1; }
mkdir -p target/web-e2e
# A reading taken now, not before the build: the run has the feed's whole expiry.
client report --price 10.0 --volatility 0.8 --deployment "$DEPLOYMENT"
say "driving Chromium ($CHROMIUM)"
(cd web && KEEL_WEB_URL="http://127.0.0.1:$WEB_PORT" KEEL_NODE_URL="$URL" KEEL_DEPLOYMENT="$DEPLOYMENT" \
  KEEL_SHOTS="$PWD/../target/web-e2e" KEEL_STOP_NODE="cd .. && scripts/node.sh stop" CHROMIUM="$CHROMIUM" \
  npx --no-install vite-node e2e/run.ts)
say "e2e-web: PASSED in $(( $(date +%s) - start ))s"
