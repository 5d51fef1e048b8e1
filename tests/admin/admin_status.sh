#!/usr/bin/env bash
# quanta-admin status against a real quantad: the answer, the token file's mode, and that the
# admin channel refuses requests without the token (401) and unknown commands (400).
# Usage: admin_status.sh QUANTAD QUANTA_ADMIN
set -u
QUANTAD=$1
ADMIN=$2
source "$(dirname "$0")/lib.sh"

start_server "$QUANTAD" "$WORK/data"
admin() { "$ADMIN" --http "127.0.0.1:$HTTP_PORT" --data-dir "$WORK/data" "$@"; }

out=$(admin status) || fail "status exited $?"
[[ "$out" == '{"version":"0.1.0","backend":"rocksdb","data_dir":"'"$WORK/data"'","tables":0,'* ]] ||
  fail "status answered: $out"
mode=$(stat -c %a "$WORK/data/admin.token")
[[ "$mode" == 600 ]] || fail "admin.token has mode $mode, not 600"

code=$(curl -s -o "$WORK/body" -w '%{http_code}' -X POST "http://127.0.0.1:$HTTP_PORT/admin/v1/status")
[[ "$code" == 401 ]] || fail "status without a token: HTTP $code"
code=$(curl -s -o "$WORK/body" -w '%{http_code}' -X POST -H "Authorization: Bearer wrong" \
  "http://127.0.0.1:$HTTP_PORT/admin/v1/status")
[[ "$code" == 401 ]] || fail "status with a wrong token: HTTP $code"
code=$(curl -s -o "$WORK/body" -w '%{http_code}' -X POST \
  -H "Authorization: Bearer $(cat "$WORK/data/admin.token")" "http://127.0.0.1:$HTTP_PORT/admin/v1/nope")
[[ "$code" == 400 && "$(cat "$WORK/body")" == "unknown admin command 'nope'" ]] ||
  fail "unknown command: HTTP $code $(cat "$WORK/body")"

echo x > "$WORK/other.token"
if "$ADMIN" --http "127.0.0.1:$HTTP_PORT" --token-file "$WORK/other.token" status 2>"$WORK/err"; then
  fail "status with another token file succeeded"
fi
grep -q "admin commands need the token" "$WORK/err" || fail "wrong-token message: $(cat "$WORK/err")"
if "$ADMIN" --http "127.0.0.1:1" --data-dir "$WORK/data" status 2>"$WORK/err"; then
  fail "status against a closed port succeeded"
fi
grep -q "cannot connect" "$WORK/err" || fail "closed-port message: $(cat "$WORK/err")"
"$ADMIN" frobnicate 2>/dev/null; [[ $? == 2 ]] || fail "an unknown command must exit 2"

# The token survives a restart.
token=$(cat "$WORK/data/admin.token")
stop_server
start_server "$QUANTAD" "$WORK/data"
[[ "$(cat "$WORK/data/admin.token")" == "$token" ]] || fail "the token changed across a restart"
admin status >/dev/null || fail "status after a restart"

if (( FAILURES > 0 )); then exit 1; fi
echo "admin/status: ok"
