# Sourced by the end-to-end scripts: timing, a scratch directory, a node on ports of their own,
# the binaries built, and a cleanup that stops the node (and whatever `e2e_stop_extra` stops) and
# keeps the scratch directory when the run failed.
#
#   E2E_NAME=e2e-x; source scripts/e2e-lib.sh <rpc port> <p2p port>
# Defines: say, client, keeper_toml, fails_with, WORK, URL, DEPLOYMENT; exports the KEEL_NODE_* settings
# node.sh reads.

start=$(date +%s)
say() { printf '\n[%4ss] ==> %s\n' "$(( $(date +%s) - start ))" "$*"; }

export KEEL_NODE_PORT="$1"
export KEEL_NODE_P2P_PORT="$2"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/keel-$E2E_NAME.XXXXXX")"
export KEEL_NODE_DIR="$WORK/node"
URL="ws://127.0.0.1:$KEEL_NODE_PORT"
DEPLOYMENT="$WORK/deployment.json"
client() { target/debug/keel-client --url "$URL" "$@"; }
# A keeper's [node] table for this node and deployment, signing as $1 (lines appended after it
# set node options).
keeper_toml() {
  cat <<TOML
[node]
url = "$URL"
deployment = "$DEPLOYMENT"
signer = "$1"
poll_ms = 1000
confirm_timeout_ms = 30000
TOML
}

# A reporter of feed 1 whose two sources print 10.0, signing as //Ferdie through node URL $1
# with the record $2; further [reporter] lines in $3.
echo_reporter_toml() { # <node url> <record> [reporter lines]
  printf '[reporter]\nfeed = 1\n%b\n' "${3:-}"
  for source in a b; do
    printf '[[sources]]\nname = "%s"\nkind = "command"\ncommand = ["echo", "10.0"]\n\n' "$source"
  done
  printf '[node]\nurl = "%s"\ndeployment = "%s"\nsigner = "//Ferdie"\n' "$1" "$2"
}

# Runs a command that must fail, with `expected` in its output.
fails_with() { # <expected message> <command...>
  fails_with_status any "$@"
}

# The same, and the command must exit with `status` (`any` for any failure): the bots exit 78
# for a configuration they refuse (the systemd units do not restart it), 1 for other failures.
fails_with_status() { # <status> <expected message> <command...>
  local status="$1" expected="$2" out rc=0
  shift 2
  out=$("$@" 2>&1) || rc=$?
  if [ "$rc" -eq 0 ]; then
    echo "expected a refusal ($expected), got success: $out" >&2
    exit 1
  fi
  if [ "$status" != any ] && [ "$rc" -ne "$status" ]; then
    echo "expected exit status $status ($expected), got $rc: $out" >&2
    exit 1
  fi
  grep -q "$expected" <<<"$out" || { echo "expected \"$expected\" in: $out" >&2; exit 1; }
  printf 'refused as expected (exit %s): %s\n' "$rc" "$(grep -m1 -o "$expected.*" <<<"$out" | cut -c1-160)"
}

e2e_stop_extra() { :; }
e2e_cleanup() {
  local rc=$?
  e2e_stop_extra || true
  scripts/node.sh stop >/dev/null || true
  if [ "$rc" -ne 0 ]; then
    echo "$E2E_NAME: FAILED (exit $rc); the node's and the run's logs are kept in $WORK" >&2
  else
    rm -rf "$WORK"
  fi
}
trap e2e_cleanup EXIT

scripts/node.sh path >/dev/null || { echo "$E2E_NAME: the node is not installed (scripts/node.sh install)" >&2; exit 1; }
for c in keel_token keel_oracle keel_mirror keel_venue keel_pool keel_pool_cold; do
  [ -f "target/ink/$c/$c.wasm" ] || scripts/build.sh
done

# The tests' package and feature set (scripts/cargo-set.sh): after scripts/test.sh, only the
# client's binary is new.
source scripts/cargo-set.sh
say "building keel-client, keel-keeper and keel-reporter"
cargo build --quiet "${KEEL_CARGO_SET[@]}" --all-targets
