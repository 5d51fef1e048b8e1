#!/usr/bin/env bash
# quanta-admin security against a real quantad: each subcommand's output and exit status
# (add-user, alter-user, del-user, add-group, del-group, add-source, del-source, grant, revoke,
# print-users, print-groups, print-sources, print-grants, enable, disable, status), the
# state file (no plain password, mode 0600) and that the state survives a restart.
# Usage: admin_security.sh QUANTAD QUANTA_ADMIN
set -u
QUANTAD=$1
ADMIN=$2
source "$(dirname "$0")/lib.sh"

start_server "$QUANTAD" "$WORK/data"
sec() { "$ADMIN" --http "127.0.0.1:$HTTP_PORT" --data-dir "$WORK/data" security "$@"; }

[[ "$(sec status)" == "Disabled" ]] || fail "status before enable: $(sec status)"
sec add-group ops || fail "add-group"
sec add-user alice password=Pw-alice1 groups=ops || fail "add-user alice"
sec add-user bob || fail "add-user bob"
sec add-user alice 2>"$WORK/err"; [[ $? == 1 ]] || fail "duplicate add-user must exit 1"
grep -qx "Error: User 'alice' already exists" "$WORK/err" || fail "duplicate user: $(cat "$WORK/err")"
sec add-source all 127.0.0.1/32 password || fail "add-source"
sec add-source bob 10.1.2.3/8 trust || fail "add-source bob"
sec add-source bob 10.0.0.0/8 kerberos 2>"$WORK/err"; [[ $? == 1 ]] || fail "unknown source type must exit 1"
sec grant riak_ts.get,riak_ts.put on GeoCheckin to alice || fail "grant to alice"
sec grant riak_ts.query_select on any to ops || fail "grant to ops"
sec grant riak_ts.fly on any to ops 2>"$WORK/err"; [[ $? == 1 ]] || fail "unknown permission must exit 1"
grep -qx "Error: Unknown permission riak_ts.fly" "$WORK/err" || fail "unknown permission: $(cat "$WORK/err")"
sec grant riak_ts.get 2>/dev/null; [[ $? == 2 ]] || fail "a malformed grant must exit 2"

out=$(sec print-users)
[[ "$out" == *"| alice    | ops    |"* && "$out" != *Pw-alice1* ]] || fail "print-users: $out"
out=$(sec print-sources)
[[ "$out" == *"| all   | 127.0.0.1/32 | password | []      |"* && "$out" == *"| bob   | 10.0.0.0/8   | trust"* ]] ||
  fail "print-sources: $out"
out=$(sec print-grants alice)
[[ "$out" == *"| ops   | ANY   | riak_ts.query_select |"* && "$out" == *"| GeoCheckin | riak_ts.get,riak_ts.put |"* ]] ||
  fail "print-grants: $out"
sec revoke riak_ts.put on GeoCheckin from alice || fail "revoke"
[[ "$(sec print-grants alice)" != *riak_ts.put* ]] || fail "revoke left riak_ts.put"
sec del-source bob 10.0.0.0/8 || fail "del-source"
sec enable || fail "enable"
[[ "$(sec status)" == "Enabled" ]] || fail "status after enable: $(sec status)"

mode=$(stat -c %a "$WORK/data/security.json")
[[ "$mode" == 600 ]] || fail "security.json has mode $mode"
grep -q Pw-alice1 "$WORK/data/security.json" && fail "the password is stored in clear"
grep -q '"algorithm": "pbkdf2-hmac-sha256"' "$WORK/data/security.json" || fail "no PBKDF2 hash"

# The state is read back at start.
stop_server
start_server "$QUANTAD" "$WORK/data"
[[ "$(sec status)" == "Enabled" ]] || fail "security not enabled after a restart"
[[ "$(sec print-users)" == *"| bob "* ]] || fail "users lost in the restart"
sec del-user bob || fail "del-user"
[[ "$(sec print-users)" != *"| bob "* ]] || fail "del-user left bob"

# alter-user: a new password (a new salted hash, the old one gone) and other groups.
sec add-group dev || fail "add-group dev"
hash_before=$(grep -o '"hash": "[^"]*"' "$WORK/data/security.json" | head -1)
sec alter-user alice password=Pw-alice2 groups=dev || fail "alter-user"
hash_after=$(grep -o '"hash": "[^"]*"' "$WORK/data/security.json" | head -1)
[[ -n "$hash_before" && "$hash_before" != "$hash_after" ]] || fail "alter-user kept the password hash"
grep -q Pw-alice2 "$WORK/data/security.json" && fail "the new password is stored in clear"
out=$(sec print-users)
[[ "$out" == *"| alice    | dev    |"* ]] || fail "alter-user groups: $out"
sec alter-user nobody password=x 2>"$WORK/err"; [[ $? == 1 ]] || fail "alter-user of a missing user must exit 1"
out=$(sec print-groups)
[[ "$out" == *"| dev "* && "$out" == *"| ops "* ]] || fail "print-groups: $out"
sec del-group ops || fail "del-group"
[[ "$(sec print-groups)" != *"| ops "* ]] || fail "del-group left ops"
[[ "$(sec print-grants alice)" != *riak_ts.query_select* ]] || fail "del-group left the group's grant to alice"
sec del-group ops 2>/dev/null; [[ $? == 1 ]] || fail "del-group of a missing group must exit 1"
sec disable || fail "disable"
[[ "$(sec status)" == "Disabled" ]] || fail "status after disable: $(sec status)"

if [[ $FAILURES -ne 0 ]]; then
  echo "--- quantad log ---" >&2
  cat "$WORK/quantad.log" >&2
  exit 1
fi
echo "admin_security: all checks passed"
