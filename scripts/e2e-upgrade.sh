# Sourced by scripts/e2e-node.sh last: the pool's owner moves it to another release of its layout
# whose cold code is another (the tests' `variant` build) with `keel-client upgrade`, and back.
# The record follows each move, so a keeper reading it signs for the new code, while one reading
# the record from before the move halts the pool; a key that is not the owner's moves nothing.

say "the owner moves the pool to another release of its layout and back; the record follows"
record_pool_code() { sed -n '/"code_hashes"/,/}/s/.*"pool": "\(0x[0-9a-f]*\)".*/\1/p' "$1"; }
shipped_code=$(record_pool_code "$DEPLOYMENT")
cp "$DEPLOYMENT" "$WORK/before-upgrade.json"
fails_with "NotOwner" client upgrade --owner //Bob --build keel_pool_variant \
  --deployment "$DEPLOYMENT"
cmp -s "$DEPLOYMENT" "$WORK/before-upgrade.json" || { echo "a refused upgrade rewrote the record" >&2; exit 1; }
client upgrade --build keel_pool_variant --deployment "$DEPLOYMENT"
variant_code=$(record_pool_code "$DEPLOYMENT")
[ -n "$variant_code" ] && [ "$variant_code" != "$shipped_code" ] || { echo "the record still names $shipped_code" >&2; exit 1; }
# The moved pool trades and answers its views (the new cold code's).
client swap --sell base --amount 1 --deployment "$DEPLOYMENT"
client show --deployment "$DEPLOYMENT" | sed -n 1,2p # sed reads it all: the client is never cut off mid-print
# A keeper reading the moved record trusts the new code; one reading the old record halts the pool.
{ printf '[keeper]\ndry_run = true\n\n'; keeper_toml "//Eve"; } >"$WORK/keeper-upgraded.toml"
target/debug/keel-keeper run --config "$WORK/keeper-upgraded.toml" --passes 1 >"$WORK/keeper-upgraded.log" 2>&1 \
  || { cat "$WORK/keeper-upgraded.log"; exit 1; }
if grep -q "untrusted\|stopped signing" "$WORK/keeper-upgraded.log"; then cat "$WORK/keeper-upgraded.log"; exit 1; fi
{ printf '[keeper]\nmax_retries = 0\n\n'; keeper_toml "//Eve" | sed "s|^deployment = .*|deployment = \"$WORK/before-upgrade.json\"|"; } \
  >"$WORK/keeper-before-upgrade.toml"
halts_untrusted "$WORK/keeper-before-upgrade.toml" "$WORK/keeper-before-upgrade.log"
# And back to the shipped release, the record with it: a keeper reading the record from before
# the first move trusts the pool again.
client upgrade --deployment "$DEPLOYMENT"
[ "$(record_pool_code "$DEPLOYMENT")" = "$shipped_code" ] || { echo "the record does not name the shipped code again" >&2; exit 1; }
client swap --sell base --amount 1 --deployment "$DEPLOYMENT"
{ printf '[keeper]\ndry_run = true\n\n'; keeper_toml "//Eve" | sed "s|^deployment = .*|deployment = \"$WORK/before-upgrade.json\"|"; } \
  >"$WORK/keeper-back.toml"
target/debug/keel-keeper run --config "$WORK/keeper-back.toml" --passes 1 >"$WORK/keeper-back.log" 2>&1 \
  || { cat "$WORK/keeper-back.log"; exit 1; }
if grep -q "untrusted\|stopped signing" "$WORK/keeper-back.log"; then cat "$WORK/keeper-back.log"; exit 1; fi
