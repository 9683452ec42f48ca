#!/usr/bin/env bash
# A local Substrate contracts chain for Keel: substrate-contracts-node 0.42.0 (crates.io
# `contracts-node`), the release that pairs with ink! 5.1.
#
#   scripts/node.sh install   build and install the node once (about an hour on 2 cores)
#   scripts/node.sh start     start `--dev` on 127.0.0.1 only, wait until RPC answers
#   scripts/node.sh stop      stop it (SIGTERM, then SIGKILL if it lingers)
#   scripts/node.sh status    say whether it is installed and running
#   scripts/node.sh path      print the binary's path, or fail if not installed
#
# Every port binds to loopback: RPC on KEEL_NODE_PORT (9944), p2p on KEEL_NODE_P2P_PORT (30444),
# no Prometheus, no telemetry, no mDNS. The chain lives in a temporary base path, so each start
# is a fresh chain, unless KEEL_NODE_BASE_PATH names a directory that keeps it across restarts. The binary goes to ~/.cargo/bin, outside the repo.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_VERSION=0.42.0
NODE_BIN_NAME=substrate-contracts-node
PORT="${KEEL_NODE_PORT:-9944}"
P2P_PORT="${KEEL_NODE_P2P_PORT:-30444}"
# The user's own state directory, not a shared /tmp path another user could create first.
STATE_DIR="${KEEL_NODE_DIR:-${XDG_STATE_HOME:-$HOME/.local/state}/keel/node}"
PID_FILE="$STATE_DIR/node.pid"
LOG_FILE="$STATE_DIR/node.log"
NODE_CRATE_SHA256=eec86b7f9619375abb6ea559856b72bfedffe89c6097fa04853da7779ef4da72
SRC_DIR="${KEEL_NODE_SRC:-$HOME/.cache/keel/contracts-node-$NODE_VERSION}"

die() { echo "node.sh: $*" >&2; exit 1; }
need_curl() { command -v curl >/dev/null 2>&1 || die "curl is required (the RPC check and the node's source download use it)"; }

node_bin() {
  if [ -n "${KEEL_NODE_BIN:-}" ]; then
    [ -x "$KEEL_NODE_BIN" ] && { echo "$KEEL_NODE_BIN"; return 0; }
    return 1
  fi
  local candidate
  for candidate in "$(command -v "$NODE_BIN_NAME" 2>/dev/null || true)" "$HOME/.cargo/bin/$NODE_BIN_NAME"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

rpc_answers() {
  curl -sf -m 2 -H 'Content-Type: application/json' \
    -d '{"id":1,"jsonrpc":"2.0","method":"system_health","params":[]}' \
    "http://127.0.0.1:$PORT" >/dev/null 2>&1
}

# The recorded node's pid, if that process is still a node: a pid file that outlived a crash or
# a reboot can name a process that reused the number, which must never be signalled.
running_pid() {
  [ -f "$PID_FILE" ] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  kill -0 "$pid" 2>/dev/null || return 1
  # By the binary's name, resolved through links; a binary replaced while it runs reads as
  # "<path> (deleted)".
  local expected actual
  expected="$(basename "$(readlink -f "$(node_bin || echo "$NODE_BIN_NAME")")")"
  actual="$(readlink "/proc/$pid/exe" 2>/dev/null || ps -o comm= -p "$pid" 2>/dev/null || true)"
  [ "$(basename "${actual% (deleted)}")" = "$expected" ] || return 1
  echo "$pid"
}

install() {
  need_curl
  if bin="$(node_bin)" && "$bin" --version 2>/dev/null | grep -q "$NODE_VERSION"; then
    echo "$NODE_BIN_NAME $NODE_VERSION already installed: $bin"
    return 0
  fi
  local missing=()
  command -v protoc >/dev/null 2>&1 || missing+=(protobuf-compiler)
  command -v clang >/dev/null 2>&1 || missing+=(clang)
  ls /usr/lib/llvm-*/lib/libclang.so* >/dev/null 2>&1 || missing+=(libclang-dev)
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "==> apt packages the node build needs: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update >/dev/null || die "apt-get update failed"
    $sudo apt-get install -y "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
  fi
  # The runtime's Wasm is built by substrate-wasm-builder in a project of its own. Without a
  # workspace hint it resolves fresh dependency versions (substrate-bip39 0.6.1 breaks on Rust
  # 1.86); pointing it at the published crate's source makes it use that crate's Cargo.lock.
  if [ ! -f "$SRC_DIR/Cargo.lock" ]; then
    echo "==> fetching contracts-node $NODE_VERSION source (for its Cargo.lock)"
    mkdir -p "$(dirname "$SRC_DIR")"
    local crate
    crate="$(mktemp)"
    curl -sSfL -o "$crate" "https://static.crates.io/crates/contracts-node/$NODE_VERSION/download" \
      || die "could not fetch the contracts-node crate"
    # The crates.io index's checksum of contracts-node 0.42.0: a tampered download stops here.
    echo "$NODE_CRATE_SHA256  $crate" | sha256sum -c --quiet - \
      || { rm -f "$crate"; die "the contracts-node crate does not match its pinned checksum"; }
    tar xzf "$crate" -C "$(dirname "$SRC_DIR")" || die "could not unpack the contracts-node crate"
    rm -f "$crate"
  fi
  echo "==> cargo install contracts-node $NODE_VERSION (about an hour on 2 cores)"
  # A target directory that outlives the command, so an interrupted build resumes where it was.
  WASM_BUILD_WORKSPACE_HINT="$SRC_DIR" cargo install contracts-node --version "$NODE_VERSION" --locked \
    --target-dir "${KEEL_NODE_TARGET:-$HOME/.cache/keel/node-target}"
  node_bin >/dev/null || die "the build finished but $NODE_BIN_NAME is not on PATH or in ~/.cargo/bin"
}

start() {
  need_curl
  local bin
  bin="$(node_bin)" || die "$NODE_BIN_NAME is not installed; run: scripts/node.sh install"
  if pid="$(running_pid)"; then
    rpc_answers && { echo "node already running (pid $pid) on ws://127.0.0.1:$PORT"; return 0; }
    die "a node process (pid $pid) is running but RPC on 127.0.0.1:$PORT does not answer"
  fi
  if rpc_answers; then
    die "something else already answers RPC on 127.0.0.1:$PORT; stop it or set KEEL_NODE_PORT"
  fi
  mkdir -p -m 700 "$STATE_DIR"
  # A throwaway chain unless KEEL_NODE_BASE_PATH keeps it across restarts.
  local storage=(--tmp)
  [ -z "${KEEL_NODE_BASE_PATH:-}" ] || storage=(--base-path "$KEEL_NODE_BASE_PATH")
  # Browser pages on this machine (the dApp, any port) and polkadot.js apps (the dApp's block
  # links) may call it; a dev node otherwise answers every origin, any web page included.
  "$bin" --dev "${storage[@]}" \
    --rpc-port "$PORT" --rpc-cors "http://localhost:*,http://127.0.0.1:*,https://polkadot.js.org" \
    --listen-addr "/ip4/127.0.0.1/tcp/$P2P_PORT" \
    --no-prometheus --no-telemetry --no-mdns \
    >"$LOG_FILE" 2>&1 &
  echo $! >"$PID_FILE"
  local waited=0
  until rpc_answers; do
    if ! kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
      tail -n 20 "$LOG_FILE" >&2
      die "the node exited during start; log: $LOG_FILE"
    fi
    [ "$waited" -lt 120 ] || { stop; die "RPC did not answer within 60 s; log: $LOG_FILE"; }
    sleep 0.5
    waited=$((waited + 1))
  done
  echo "node running (pid $(cat "$PID_FILE")) on ws://127.0.0.1:$PORT; log: $LOG_FILE"
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PID_FILE"
    echo "node not running"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  # It stops slowly on SIGTERM; give it 20 s, then kill.
  for _ in $(seq 40); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
    echo "node did not stop within 20 s of SIGTERM; killed"
  fi
  rm -f "$PID_FILE"
  echo "node stopped"
}

status() {
  if bin="$(node_bin)"; then echo "installed: $bin ($("$bin" --version))"; else echo "installed: no"; fi
  if pid="$(running_pid)"; then echo "running: pid $pid, ws://127.0.0.1:$PORT"; else echo "running: no"; fi
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  path) node_bin || exit 1 ;;
  *) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
