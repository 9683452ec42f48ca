#!/usr/bin/env bash
# The wallet dApp end to end in a real browser: starts a contracts node, deploys Keel, builds
# and serves web/, and drives Debian's Chromium through web/e2e/run.ts (a swap lands; a swap
# with no slippage room after the price moved is refused and moves nothing; add then remove
# liquidity; pool health; the node stopped shows the unreachable banner). Exits non-zero on any
# failure; screenshots go to target/web-e2e/.
#
# Needs the node (scripts/node.sh install), the contracts (scripts/build.sh) and chromium
# (apt install chromium). Runs on its own ports (RPC 19945, p2p 30556, web 15173).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
say() { printf '\n[%4ss] ==> %s\n' "$(( $(date +%s) - start ))" "$*"; }

CHROMIUM="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
[ -n "$CHROMIUM" ] || { echo "e2e-web: chromium is not installed (apt install chromium)" >&2; exit 1; }
scripts/node.sh path >/dev/null || { echo "e2e-web: the node is not installed (scripts/node.sh install)" >&2; exit 1; }

export KEEL_NODE_PORT="${KEEL_E2E_WEB_PORT:-19945}"
export KEEL_NODE_P2P_PORT="${KEEL_E2E_WEB_P2P_PORT:-30556}"
WEB_PORT="${KEEL_E2E_WEB_HTTP_PORT:-15173}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/keel-e2e-web.XXXXXX")"
export KEEL_NODE_DIR="$WORK/node"
URL="ws://127.0.0.1:$KEEL_NODE_PORT"
DEPLOYMENT="$WORK/deployment.json"
SERVER_PID=""

cleanup() {
  local rc=$?
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  scripts/node.sh stop >/dev/null || true
  if [ "$rc" -ne 0 ]; then
    echo "e2e-web: FAILED (exit $rc); node log and server log kept in $WORK" >&2
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

say "starting the node"
scripts/node.sh start
say "deploying"
KEEL_NODE_URL="$URL" scripts/deploy.sh deploy/local.toml "$DEPLOYMENT"
say "building web/"
scripts/web.sh --build-only "$DEPLOYMENT"
say "serving web/ on 127.0.0.1:$WEB_PORT"
(cd web && exec npx --no-install vite preview --host 127.0.0.1 --port "$WEB_PORT" --strictPort) >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$WEB_PORT/" >/dev/null && break; sleep 0.2; done
mkdir -p target/web-e2e
say "driving Chromium ($CHROMIUM)"
(cd web && KEEL_WEB_URL="http://127.0.0.1:$WEB_PORT" KEEL_NODE_URL="$URL" KEEL_DEPLOYMENT="$DEPLOYMENT" \
  KEEL_SHOTS="$PWD/../target/web-e2e" KEEL_STOP_NODE="cd .. && scripts/node.sh stop" CHROMIUM="$CHROMIUM" \
  npx --no-install vite-node e2e/run.ts)
say "e2e-web: PASSED in $(( $(date +%s) - start ))s"
