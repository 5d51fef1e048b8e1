#!/usr/bin/env bash
# The GeoCheckin seed example from the Riak TS docs, over HTTP with curl, against a real quantad:
# create, put two rows with one POST, get by key URL, query, list keys, delete, and four bad
# calls. Every status code and body is checked byte for byte.
#
# Usage: seed_example.sh <path to quantad>
# Exits 0 with a message (skip) when curl is not installed.
set -u

QUANTAD=${1:-}
if ! command -v curl >/dev/null 2>&1; then
  echo "SKIP: curl not found; the HTTP seed example needs it"
  exit 0
fi
if [[ -z "$QUANTAD" || ! -x "$QUANTAD" ]]; then
  echo "FAIL: quantad binary not given or not executable: '$QUANTAD'" >&2
  exit 1
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/quanta_seed_XXXXXX")
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]]; then
    kill "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

source "$(dirname "${BASH_SOURCE[0]}")/../support/ports.sh"

# Starts quantad on fresh ports; retried when a port turns out to be taken after all.
start_server() {
  PB_PORT=$(free_port) || return 1
  HTTP_PORT=$(free_port) || return 1
  while [[ "$HTTP_PORT" == "$PB_PORT" ]]; do HTTP_PORT=$(free_port); done
  BASE="http://127.0.0.1:$HTTP_PORT"
  "$QUANTAD" --data-dir "$WORK/data" --pb-listen "127.0.0.1:$PB_PORT" \
    --http-listen "127.0.0.1:$HTTP_PORT" >"$WORK/quantad.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    if [[ "$(curl -s "$BASE/ping" 2>/dev/null)" == "OK" ]]; then return 0; fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      wait "$SERVER_PID" 2>/dev/null
      SERVER_PID=""
      return 2
    fi
    sleep 0.1
  done
  return 3
}

started=""
for attempt in 1 2 3; do
  start_server
  rc=$?
  if [[ $rc -eq 0 ]]; then started=1; break; fi
  if [[ $rc -eq 2 ]] && grep -q "Address already in use" "$WORK/quantad.log"; then continue; fi
  break
done
if [[ -z "$started" ]]; then
  echo "FAIL: quantad did not come up; log:" >&2
  cat "$WORK/quantad.log" >&2
  exit 1
fi

FAILURES=0
# check <name> <expected status> <expected body> <curl args...>
check() {
  local name=$1 want_status=$2 want_body=$3
  shift 3
  local status body
  status=$(curl -s -o "$WORK/body" -w '%{http_code}' "$@")
  body=$(cat "$WORK/body"; echo x)
  body=${body%x}
  if [[ "$status" == "$want_status" && "$body" == "$want_body" ]]; then
    echo "ok   $name"
  else
    echo "FAIL $name"
    echo "     want: $want_status $want_body"
    echo "     got:  $status $body"
    FAILURES=$((FAILURES + 1))
  fi
}
query() { check "$1" "$2" "$3" -X POST "$BASE/ts/v1/query" --data-binary "$4"; }

KEYS="$BASE/ts/v1/tables/GeoCheckin/keys"

query "create GeoCheckin" 200 '{"success":true}' \
  "CREATE TABLE GeoCheckin (region varchar not null, state varchar not null, time timestamp not null, weather varchar not null, temperature double, PRIMARY KEY ((region, state, QUANTUM(time, 15, 'm')), region, state, time))"

check "put two rows" 200 '{"success":true}' -X POST "$KEYS" --data-binary \
  '[{"region":"North West","state":"WA","time":1451606400000,"weather":"rain","temperature":12.5},
    {"region":"South Atlantic","state":"FL","time":1451607300000,"weather":"sunny","temperature":24}]'

check "get by key" 200 \
  '{"region":"North West","state":"WA","time":1451606400000,"weather":"rain","temperature":12.5}' \
  "$KEYS/region/North%20West/state/WA/time/1451606400000"

check "get by key (+ for space, integer stored as double)" 200 \
  '{"region":"South Atlantic","state":"FL","time":1451607300000,"weather":"sunny","temperature":24.0}' \
  "$KEYS/time/1451607300000/region/South+Atlantic/state/FL"

query "select" 200 \
  '{"columns":["region","state","time","weather","temperature"],"rows":[["North West","WA",1451606400000,"rain",12.5]]}' \
  "SELECT * FROM GeoCheckin WHERE region = 'North West' AND state = 'WA' AND time >= 1451606400000 AND time < 1451607300000"

# list_keys order is storage order; compare sorted.
status=$(curl -s -o "$WORK/keys" -w '%{http_code}' "$BASE/ts/v1/tables/GeoCheckin/list_keys")
sort "$WORK/keys" >"$WORK/keys.sorted"
printf '%s\n' \
  "$KEYS/region/North%20West/state/WA/time/1451606400000" \
  "$KEYS/region/South%20Atlantic/state/FL/time/1451607300000" | sort >"$WORK/keys.want"
if [[ "$status" == 200 ]] && cmp -s "$WORK/keys.sorted" "$WORK/keys.want"; then
  echo "ok   list keys"
else
  echo "FAIL list keys: status $status"
  diff "$WORK/keys.want" "$WORK/keys.sorted"
  FAILURES=$((FAILURES + 1))
fi

check "delete" 200 '{"success":true}' -X DELETE "$KEYS/region/North%20West/state/WA/time/1451606400000"
check "get deleted" 404 'Key not found' "$KEYS/region/North%20West/state/WA/time/1451606400000"

# The four bad calls.
query "create with mismatched local key" 400 'Query error: Local key does not match primary key' \
  "CREATE TABLE GeoCheckin2 (region varchar not null, state varchar not null, time timestamp not null, PRIMARY KEY ((region, state, QUANTUM(time, 15, 'm')), state, region, time))"
check "varchar given a number" 400 'Bad value for field "weather" of type varchar in table "GeoCheckin"' \
  -X POST "$KEYS" --data-binary \
  '{"region":"North West","state":"WA","time":1451606400000,"weather":42,"temperature":12.5}'
check "table does not exist" 404 'Table "NoSuchTable" does not exist' \
  -X POST "$BASE/ts/v1/tables/NoSuchTable/keys" --data-binary '{"a":1}'
query "lexer error" 400 "Query error: Unexpected token '?'." "SELECT ?"

if [[ $FAILURES -ne 0 ]]; then
  echo "$FAILURES check(s) failed; quantad log:"
  cat "$WORK/quantad.log"
  exit 1
fi
echo "all HTTP seed example checks passed"
