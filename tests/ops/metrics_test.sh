#!/usr/bin/env bash
# GET /metrics of a real quantad after some traffic: `promtool check metrics` must pass, the
# counters must show that traffic, and every family must be documented in docs/operations.md.
# Usage: metrics_test.sh <quantad> <docs/operations.md>
# Exits 77 (skipped) without promtool or curl.
set -u
QUANTAD=${1:?quantad}
DOC=${2:?operations.md}
PROMTOOL=$(command -v promtool) || { echo "SKIP: promtool not found (Debian package prometheus)"; exit 77; }
command -v curl >/dev/null || { echo "SKIP: curl not found"; exit 77; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/quanta_metrics_XXXXXX")
PID=""
cleanup() {
  if [[ -n "$PID" ]]; then kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$QUANTAD" --data-dir "$WORK/data" --pb-listen 127.0.0.1:0 --http-listen 127.0.0.1:0 \
  --set storage.min_free_space=0 2>"$WORK/log" &
PID=$!
for _ in $(seq 1 100); do grep -q "HTTP on" "$WORK/log" && break; sleep 0.1; done
PORT=$(sed -n 's/.*HTTP on 127.0.0.1:\([0-9]*\).*/\1/p' "$WORK/log" | head -1)
[[ -n "$PORT" ]] || fail "quantad did not start: $(cat "$WORK/log")"
B="http://127.0.0.1:$PORT"

q() { curl -s -o /dev/null -XPOST "$B/ts/v1/query" --data "$1"; }
q "CREATE TABLE m (k VARCHAR NOT NULL, ts TIMESTAMP NOT NULL, v DOUBLE, PRIMARY KEY ((k, QUANTUM(ts, 15, 'm')), k, ts))"
curl -s -o /dev/null -XPOST "$B/ts/v1/tables/m/keys" --data '[{"k":"a","ts":1,"v":1.5},{"k":"a","ts":2,"v":2.5},{"k":"b","ts":3,"v":3.5}]'
q "SELECT * FROM m WHERE k = 'a' AND ts >= 0 AND ts < 100"
q "SELEC nonsense"
q "SELECT * FROM nosuchtable WHERE k = 'a' AND ts >= 0 AND ts < 100"
curl -s -o /dev/null "$B/ts/v1/tables/m/keys/k/a/ts/1"
curl -s -o /dev/null -XDELETE "$B/ts/v1/tables/m/keys/k/b/ts/3"
curl -s -o /dev/null "$B/ts/v1/tables/m/list_keys"

curl -s -D "$WORK/headers" "$B/metrics" >"$WORK/metrics" || fail "GET /metrics failed"
grep -qi "^content-type: text/plain; version=0.0.4" "$WORK/headers" || fail "content type: $(cat "$WORK/headers")"
"$PROMTOOL" check metrics <"$WORK/metrics" || fail "promtool check metrics found problems (above)"

expect() {  # $1: exact sample line
  grep -qxF -- "$1" "$WORK/metrics" || fail "missing sample: $1"
}
expect 'quanta_requests_total{op="put",transport="http"} 1'
expect 'quanta_requests_total{op="query",transport="http"} 4'
expect 'quanta_requests_total{op="get",transport="http"} 1'
expect 'quanta_requests_total{op="delete",transport="http"} 1'
expect 'quanta_requests_total{op="list_keys",transport="http"} 1'
expect 'quanta_request_errors_total{op="query",code="1020"} 1'
expect 'quanta_request_errors_total{op="query",code="1019"} 1'
expect 'quanta_request_duration_seconds_count{op="query"} 4'
expect 'quanta_rows_written_total 3'
expect 'quanta_rows_read_total 3'
expect 'quanta_query_slots 3'
grep -q '^quanta_storage_disk_bytes [1-9]' "$WORK/metrics" || fail "quanta_storage_disk_bytes is 0"
for m in received sent; do
  grep -Eq "^quanta_network_${m}_bytes_total\{listener=\"http\"\} [1-9][0-9]*$" "$WORK/metrics" ||
    fail "quanta_network_${m}_bytes_total of the HTTP listener"
done
for m in quanta_storage_compactions_total quanta_storage_compactions_running quanta_storage_compaction_pending_bytes; do
  grep -Eq "^$m [0-9]+$" "$WORK/metrics" || fail "$m missing"
done

# Every family is documented (a row of the metrics table names it).
for family in $(awk '$1 == "#" && $2 == "TYPE" {print $3}' "$WORK/metrics"); do
  grep -q "| \`$family\`" "$DOC" || fail "$family is not in $DOC"
done
echo "PASS: /metrics ($(grep -c '^# TYPE' "$WORK/metrics") families, promtool clean)"
