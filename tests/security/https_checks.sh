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
expect 401 "" -u mallory:x -X POST --data "$sel" "$https/ts/v1/query"
expect 200 '"rows":[[1000,1.5],[2000,2.5]]' -u alice:Secret1 -X POST --data "$sel" "$https/ts/v1/query"
expect 200 '"rows":[[1000,1.5],[2000,2.5]]' -u bob:Other2 -X POST --data "$sel" "$https/ts/v1/query"
expect 200 '' -u alice:Secret1 -X POST --data '[{"region":"north","station":"s1","time":3000,"temp":3.5}]' "$https/ts/v1/tables/GeoSec/keys"
expect 401 "Access to table \"GeoSec\" not allowed (Permission denied: User 'bob' does not have 'riak_ts.put' on GeoSec)" \
  -u bob:Other2 -X POST --data '[{"region":"north","station":"s1","time":4000,"temp":4.5}]' "$https/ts/v1/tables/GeoSec/keys"
expect 401 "Access to table \"GeoSec\" not allowed (Permission denied: User 'alice' does not have 'riak_ts.delete' on GeoSec)" \
  -u alice:Secret1 -X DELETE "$https/ts/v1/tables/GeoSec/keys/region/north/station/s1/time/1000"
expect 401 "Access to table \"GeoSec\" not allowed (Permission denied: User 'alice' does not have 'riak_ts.describe_table' on GeoSec)" \
  -u alice:Secret1 -X POST --data "DESCRIBE GeoSec" "$https/ts/v1/query"
# Each statement kind and endpoint needs its own permission (bob holds query_select on GeoSec).
for pair in "EXPLAIN $sel|riak_ts.query_explain" "ALTER TABLE GeoSec WITH (n_val = 3)|riak_ts.alter_table" \
            "DROP TABLE GeoSec|riak_ts.drop_table" "SHOW TABLES|riak_ts.show_tables" \
            "CREATE TABLE Other (k VARCHAR NOT NULL, PRIMARY KEY ((k), k))|riak_ts.create_table"; do
  expect 401 "does not have '${pair#*|}'" -u bob:Other2 -X POST --data "${pair%|*}" "$https/ts/v1/query"
done
expect 401 "does not have 'riak_ts.list_keys' on GeoSec" -u bob:Other2 "$https/ts/v1/tables/GeoSec/list_keys"
expect 401 "does not have 'riak_ts.get' on GeoSec" -u bob:Other2 "$https/ts/v1/tables/GeoSec/keys/region/north/station/s1/time/1000"
expect 200 '"rows":[[1000,1.5],[2000,2.5],[3000,3.5]]' -u bob:Other2 -X POST --data "$sel" "$https/ts/v1/query"
# The console's row estimates: as a TS endpoint, and the list needs riak_ts.show_tables.
expect 426 "Try HTTPS instead." "$http/console/api/tables"
expect 401 "Authentication failed" "$https/console/api/tables"
expect 401 "does not have 'riak_ts.show_tables'" -u alice:Secret1 "$https/console/api/tables"
# Ingest (Influx line protocol, Prometheus remote write) is a TS endpoint too: HTTPS, a user,
# riak_ts.put on each table written and riak_ts.create_table on each table it creates.
line='GeoSec,region=north,station=s1 temp=9.5 1000'
expect 426 "Try HTTPS instead." -X POST --data-binary "$line" "$http/write?precision=ms"
expect 426 "Try HTTPS instead." -X POST --data-binary "x" "$http/api/v1/write"
expect 401 "" -X POST --data-binary "$line" "$https/write?precision=ms"
expect 401 "" -X POST --data-binary "x" "$https/api/v1/write"
expect 403 "GeoSec\\\" not allowed (Permission denied: User 'bob' does not have 'riak_ts.put' on GeoSec)\"}" \
  -u bob:Other2 -X POST --data-binary "$line" "$https/write?precision=ms"
expect 403 "does not have 'riak_ts.create_table' on ingested" \
  -u bob:Other2 -X POST --data-binary 'ingested,host=a v=1 1000' "$https/write?precision=ms"
# Refused as a whole: the row bob tried to overwrite is unchanged.
expect 200 '"rows":[[1000,1.5],[2000,2.5],[3000,3.5]]' -u alice:Secret1 -X POST --data "$sel" "$https/ts/v1/query"
expect 204 "" -u alice:Secret1 -X POST --data-binary 'ingested,host=a v=1 1000' "$https/write?precision=ms"
expect 200 '"rows":[[1000,1.0]]' -u alice:Secret1 -X POST \
  --data "SELECT \"time\", v FROM ingested WHERE host = 'a' AND \"time\" >= 0 AND \"time\" < 5000" "$https/ts/v1/query"
# A remote write WriteRequest with one sample of `up` (protobuf, in a snappy stream of one
# literal).
python3 - "$(dirname "$ca")/rw.bin" <<'PY'
import struct, sys
def varint(n):
    out = b""
    while True:
        b, n = n & 0x7F, n >> 7
        if not n:
            return out + bytes([b])
        out += bytes([b | 0x80])
def field(num, wire, payload):
    return varint(num << 3 | wire) + (varint(len(payload)) + payload if wire == 2 else payload)
label = field(1, 2, b"__name__") + field(2, 2, b"up")
sample = field(1, 1, struct.pack("<d", 1.0)) + field(2, 0, varint(1700000000000))
msg = field(1, 2, field(1, 2, label) + field(2, 2, sample))
assert len(msg) <= 60
open(sys.argv[1], "wb").write(varint(len(msg)) + bytes([(len(msg) - 1) << 2]) + msg)
PY
rw=(-X POST -H "Content-Encoding: snappy" -H "Content-Type: application/x-protobuf" --data-binary "@$(dirname "$ca")/rw.bin")
expect 403 "does not have 'riak_ts.create_table' on prometheus_samples" -u bob:Other2 "${rw[@]}" "$https/api/v1/write"
expect 204 "" -u alice:Secret1 "${rw[@]}" "$https/api/v1/write"
expect 200 '"rows":[["up",1700000000000,1.0]]' -u alice:Secret1 -X POST \
  --data "SELECT metric, \"time\", value FROM prometheus_samples WHERE metric = 'up' AND labels = '' AND \"time\" >= 1700000000000 AND \"time\" < 1700000001000" "$https/ts/v1/query"
# The admin channel keeps its token, on both listeners.
token=$(cat "$data/admin.token")
expect 200 '"version"' -X POST -H "Authorization: Bearer $token" "$https/admin/v1/status"
expect 200 '"version"' -X POST -H "Authorization: Bearer $token" "$http/admin/v1/status"
if [[ $failures -ne 0 ]]; then
  echo "https_checks.sh: $failures failure(s)" >&2
  exit 1
fi
echo "https_checks.sh: all HTTPS checks passed"
