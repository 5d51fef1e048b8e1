#!/usr/bin/env bash
# curl over HTTPS against a quantad with security enabled, run by
# tests/compat/node/run_security.sh after the Node.js client tests (users alice/Secret1 and
# bob/Other2, table GeoSec with two rows for region north, station s1).
#   https_checks.sh HTTPS_PORT HTTP_PORT CA_FILE DATA_DIR
set -uo pipefail
https="https://127.0.0.1:$1"
http="http://127.0.0.1:$2"
ca="$3"
data="$4"
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# expect STATUS BODY_SUBSTRING CURL_ARGS...
expect() {
  local want=$1 text=$2
  shift 2
  local out status body
  out=$(curl -s --cacert "$ca" -w '\n%{http_code}' "$@")
  status=${out##*$'\n'}
  body=${out%$'\n'*}
  [[ "$status" == "$want" ]] || { fail "$* -> $status (want $want): $body"; return; }
  [[ -z "$text" || "$body" == *"$text"* ]] || fail "$* -> body '$body' lacks '$text'"
}

sel="SELECT time, temp FROM GeoSec WHERE region = 'north' AND station = 's1' AND time >= 0 AND time < 10000"
expect 200 "OK" "$https/ping"
expect 200 "OK" "$http/ping"
expect 426 "Security is enabled and Riak does not accept credentials over HTTP. Try HTTPS instead." \
  -X POST --data "$sel" "$http/ts/v1/query"
expect 401 "" -X POST --data "$sel" "$https/ts/v1/query"
hdr=$(curl -s --cacert "$ca" -o /dev/null -D - -X POST --data "$sel" "$https/ts/v1/query")
[[ "$hdr" == *'WWW-Authenticate: Basic realm="Riak"'* ]] || fail "no WWW-Authenticate header: $hdr"
expect 401 "" -u alice:wrong -X POST --data "$sel" "$https/ts/v1/query"
expect 200 '"rows":[[1000,1.5],[2000,2.5]]' -u alice:Secret1 -X POST --data "$sel" "$https/ts/v1/query"
expect 200 '"rows":[[1000,1.5],[2000,2.5]]' -u bob:Other2 -X POST --data "$sel" "$https/ts/v1/query"
expect 200 '' -u alice:Secret1 -X POST --data '[{"region":"north","station":"s1","time":3000,"temp":3.5}]' "$https/ts/v1/tables/GeoSec/keys"
expect 401 "Access to table \"GeoSec\" not allowed (Permission denied: User 'bob' does not have 'riak_ts.put' on GeoSec)" \
  -u bob:Other2 -X POST --data '[{"region":"north","station":"s1","time":4000,"temp":4.5}]' "$https/ts/v1/tables/GeoSec/keys"
expect 401 "Access to table \"GeoSec\" not allowed (Permission denied: User 'alice' does not have 'riak_ts.delete' on GeoSec)" \
  -u alice:Secret1 -X DELETE "$https/ts/v1/tables/GeoSec/keys/region/north/station/s1/time/1000"
expect 401 "Access to table \"GeoSec\" not allowed (Permission denied: User 'alice' does not have 'riak_ts.describe_table' on GeoSec)" \
  -u alice:Secret1 -X POST --data "DESCRIBE GeoSec" "$https/ts/v1/query"
# The console's row estimates: as a TS endpoint, and the list needs riak_ts.show_tables.
expect 426 "Try HTTPS instead." "$http/console/api/tables"
expect 401 "Authentication failed" "$https/console/api/tables"
expect 401 "does not have 'riak_ts.show_tables'" -u alice:Secret1 "$https/console/api/tables"
# The admin channel keeps its token, on both listeners.
token=$(cat "$data/admin.token")
expect 200 '"version"' -X POST -H "Authorization: Bearer $token" "$https/admin/v1/status"
expect 200 '"version"' -X POST -H "Authorization: Bearer $token" "$http/admin/v1/status"
if [[ $failures -ne 0 ]]; then
  echo "https_checks.sh: $failures failure(s)" >&2
  exit 1
fi
echo "https_checks.sh: all HTTPS checks passed"
