#!/usr/bin/env bash
# Builds and serves Keel's wallet dApp (web/) on 127.0.0.1.
#
#   scripts/web.sh [--build-only] [deployment.json]   default: target/deployment.json
#   KEEL_WEB_PORT=5173                                port to serve on
#   KEEL_WEB_NODE_URL=wss://rpc.example.org           the node the app connects to (default: the
#                                                     record's); published with the app, so one
#                                                     carrying credentials or a query is refused
#
# It installs web/'s locked npm dependencies, copies the deployment record, the contracts'
# metadata and Keel's core for the browser (crates/web-core) into web/public/keel/ (the app loads
# them from there), builds, and serves the build.
# Start a node and deploy first: scripts/node.sh start && scripts/deploy.sh
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_ONLY=false
if [ "${1:-}" = "--build-only" ]; then BUILD_ONLY=true; shift; fi
DEPLOYMENT="${1:-target/deployment.json}"
PORT="${KEEL_WEB_PORT:-5173}"

[ -f "$DEPLOYMENT" ] || { echo "no deployment record at $DEPLOYMENT: run scripts/deploy.sh first" >&2; exit 1; }
for c in keel_pool keel_token keel_oracle keel_mirror keel_venue; do
  [ -f "target/ink/$c/$c.json" ] || { echo "no metadata for $c: run scripts/build.sh first" >&2; exit 1; }
done
CORE=target/wasm32-unknown-unknown/release/keel_web_core.wasm
[ -f "$CORE" ] || { echo "no $CORE: run scripts/build.sh first" >&2; exit 1; }

echo "==> npm dependencies (web/package-lock.json)"
(cd web && npm ci --no-audit --no-fund --loglevel=error)
echo "==> deployment and metadata into web/public/keel/"
mkdir -p web/public/keel
# The record, naming the node the app connects to (web/src/lib/publish.ts: wss://, or ws:// to
# this computer only, never a URL with credentials or a query).
RECORD="$(realpath "$DEPLOYMENT")"
(cd web && KEEL_WEB_NODE_URL="${KEEL_WEB_NODE_URL:-}" npx --no-install vite-node tools/publish-record.ts -- \
  "$RECORD" public/keel/deployment.json)
for c in keel_pool keel_token keel_oracle keel_mirror keel_venue; do cp "target/ink/$c/$c.json" web/public/keel/; done
cp "$CORE" web/public/keel/
echo "==> build"
(cd web && npm run --silent typegen >/dev/null && npx --no-install tsc --noEmit && npx --no-install vite build --logLevel warn)
$BUILD_ONLY && exit 0
echo "==> serving on http://127.0.0.1:$PORT (Ctrl-C stops)"
cd web && exec npx --no-install vite preview --host 127.0.0.1 --port "$PORT" --strictPort
