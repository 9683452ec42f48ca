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
KEEL_WEB_NODE_URL="${KEEL_WEB_NODE_URL:-}" node -e '
  const fs = require("fs");
  const [from, to] = process.argv.slice(1);
  const record = JSON.parse(fs.readFileSync(from, "utf8"));
  const url = process.env.KEEL_WEB_NODE_URL || record.node_url;
  let parsed;
  try { parsed = new URL(url); } catch { console.error("the node URL to publish does not parse"); process.exit(1); }
  if (parsed.username || parsed.password || parsed.search) {
    console.error(`refusing to publish ${parsed.protocol}//${parsed.host}: its URL carries credentials or a query; set KEEL_WEB_NODE_URL to a public one`);
    process.exit(1);
  }
  // The app connects over wss://, or ws:// to this computer only (web/src/lib/node.ts).
  const loopback = ["localhost", "[::1]"].includes(parsed.hostname) || /^127(\.\d{1,3}){3}$/.test(parsed.hostname);
  if (!(parsed.protocol === "wss:" || (parsed.protocol === "ws:" && loopback))) {
    console.error(`refusing to publish ${parsed.protocol}//${parsed.host}: the app connects over wss://, or ws:// to a loopback host only`);
    process.exit(1);
  }
  if (url === record.node_url) fs.copyFileSync(from, to);
  else fs.writeFileSync(to, JSON.stringify({ ...record, node_url: url }, null, 2) + "\n");
' "$DEPLOYMENT" web/public/keel/deployment.json
for c in keel_pool keel_token keel_oracle keel_mirror keel_venue; do cp "target/ink/$c/$c.json" web/public/keel/; done
cp "$CORE" web/public/keel/
echo "==> build"
(cd web && npm run --silent typegen >/dev/null && npx --no-install tsc --noEmit && npx --no-install vite build --logLevel warn)
$BUILD_ONLY && exit 0
echo "==> serving on http://127.0.0.1:$PORT (Ctrl-C stops)"
cd web && exec npx --no-install vite preview --host 127.0.0.1 --port "$PORT" --strictPort
