#!/usr/bin/env bash
# Faults in cluster mode, on a throw-away Ceph of its own (killing OSDs of the shared "ceph"
# fixture would disturb the tests running beside this one) and two coordinators A and B with
# rados.op_timeout 3s, while two writers (tests/cluster/faults_client.py) insert rows through
# A and B and record every acknowledged one:
#  1. kill -9 an OSD during ingest, then start it again;
#  2. kill -9 an OSD during a long query (40 partitions), repeated: each answer is right or a
#     Riak error, never late;
#  3. SIGSTOP an OSD for longer than the heartbeat grace, then SIGCONT;
#  4. kill -9 coordinator A mid-batch: its writer moves to B; A is started again;
#  5. two OSDs down: every write fails with Riak's timeout (1013) within rados.op_timeout plus
#     a second, nothing hangs; after they are back, writes succeed;
#  6. the writers go on for 3 s on the healthy cluster, then stop;
#  7. a put whose one partition storage refuses (osd_max_write_size lowered): Riak's
#     partial-failure answer, the other partition's rows kept, the cause in the log.
# Afterwards every acknowledged row is there exactly once, read back from both coordinators,
# and no request ever went unanswered for HANG_S (30 s). Figures are printed for each fault.
# Usage: faults.sh QUANTAD
# Environment: QUANTA_FAULTS_MON_PORT (default 24340) and QUANTA_FAULTS_MS_PORTS (default
# 25200-25299), the ports of its Ceph.
set -u
QUANTAD=$1
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CEPH_DEV="$HERE/../../scripts/ceph-dev.sh"
CLIENT="$HERE/faults_client.py"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/quanta_faults_XXXXXX")
CEPH="$WORK/ceph"
export CEPH_DEV_MON_PORT=${QUANTA_FAULTS_MON_PORT:-24340}
export CEPH_DEV_MS_PORTS=${QUANTA_FAULTS_MS_PORTS:-25200-25299}
export CEPH_DEV_OSD_GIB=1
OP_TIMEOUT_S=3
PIDS=()
cleanup() {
  touch "$WORK/stop" "$WORK/stop.query"
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  # A stopped OSD would only end at the stop's SIGKILL: resume them all first.
  for n in 0 1 2; do bash "$CEPH_DEV" kill-osd "$CEPH" "$n" CONT 2>/dev/null; done
  bash "$CEPH_DEV" stop "$CEPH"
  if [ -n "${KEEP_WORK:-}" ]; then rm -rf "$CEPH"; echo "logs kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
FAILURES=0
fail() { echo "FAIL: $*" >&2; FAILURES=$((FAILURES + 1)); }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

source "$HERE/../support/ports.sh"
source "$HERE/lib.sh"

t_begin=$(date +%s)
out=$(CEPH_DEV_TIMEOUT=200 bash "$CEPH_DEV" start "$CEPH") || { echo "$out" >&2; exit 1; }
CONF=$(sed -n 's/^conf //p' <<<"$out")
POOL=$(sed -n 's/^pool //p' <<<"$out")
echo "Ceph started in $(( $(date +%s) - t_begin )) s"

# start NAME [PB HTTP]: a coordinator (lib.sh); sets PB_<NAME>, HTTP_<NAME> and PID_<NAME>.
start() {
  start_coordinator "$1" "${2:-}" "${3:-}" \
    --set rados.op_timeout=${OP_TIMEOUT_S}s --set storage.seal_idle=200ms
}

# q PORT SQL: prints "<http status> <riak code> <seconds> <body>", bounded by 60 s.
q() {
  local out
  out=$(curl -s -m 60 -D "$WORK/headers" -o "$WORK/body" -w '%{http_code} %{time_total}' \
    -X POST --data-binary "$2" "http://127.0.0.1:$1/ts/v1/query")
  local code
  code=$(sed -n 's/^X-Riak-Error-Code: *\([0-9]*\).*/\1/Ip' "$WORK/headers" 2>/dev/null)
  echo "${out% *} ${code:-0} ${out#* } $(head -c 200 "$WORK/body" 2>/dev/null)"
}

wait_clean() {
  local t0
  t0=$(now)
  CEPH_DEV_TIMEOUT=120 bash "$CEPH_DEV" wait-clean "$CEPH" 2>/dev/null || fail "Ceph not clean again: $1"
  echo "  active+clean again after $(secs "$t0" "$(now)") s"
}

report() {  # report FROM TO LOGS...: the figures of the requests started in [FROM, TO)
  python3 "$CLIENT" report "$@"
}

start A
start B
r=$(q "$HTTP_A" "CREATE TABLE f (dev VARCHAR NOT NULL, ts TIMESTAMP NOT NULL, seq SINT64 NOT NULL, PRIMARY KEY ((dev, QUANTUM(ts, 10, 'm')), dev, ts))")
[[ "$r" == 200* ]] || { echo "CREATE TABLE: $r" >&2; exit 1; }
for _ in $(seq 1 50); do [[ $(q "$HTTP_B" "DESCRIBE f") == 200* ]] && break; sleep 0.1; done
t0=$(now)
python3 "$CLIENT" fill --port "$HTTP_B" || exit 1
echo "20,000 rows for the long query written in $(secs "$t0" "$(now)") s"

for w in W1:A,B W2:B,A; do
  tag=${w%%:*} order=${w#*:}
  ports="" && for c in ${order//,/ }; do v="HTTP_$c"; ports+="${!v},"; done
  python3 "$CLIENT" write --ports "${ports%,}" --tag "$tag" --acked "$WORK/$tag.acked" \
    --log "$WORK/$tag.log" --stop "$WORK/stop" &
  PIDS+=($!)
done
WLOGS=("$WORK/W1.log" "$WORK/W2.log")
sleep 3

echo "1. kill -9 osd.0 during ingest, 6 s, then start it again"
t0=$(now)
bash "$CEPH_DEV" kill-osd "$CEPH" 0 KILL
sleep 6
t1=$(now)
bash "$CEPH_DEV" restart-osd "$CEPH" 0
wait_clean "after osd.0"
report "$t0" "$t1" "${WLOGS[@]}"

echo "2. kill -9 osd.1 while a query of 40 partitions runs again and again on A"
rm -f "$WORK/stop.query"
python3 "$CLIENT" query --port "$HTTP_A" --log "$WORK/query.log" --stop "$WORK/stop.query" &
qpid=$!
PIDS+=($qpid)
sleep 2
t0=$(now)
bash "$CEPH_DEV" kill-osd "$CEPH" 1 KILL
sleep 6
t1=$(now)
bash "$CEPH_DEV" restart-osd "$CEPH" 1
wait_clean "after osd.1"
sleep 1
touch "$WORK/stop.query"
wait "$qpid"
report "$t0" "$t1" "$WORK/query.log" "${WLOGS[@]}"
[ "$(grep -c '"outcome": "ok"' "$WORK/query.log")" -gt 0 ] || fail "the long query never answered"
grep -q '"outcome": "wrong"' "$WORK/query.log" &&
  fail "the long query gave a wrong answer: $(grep -m1 '"outcome": "wrong"' "$WORK/query.log")"
bad=$(grep '"outcome": "error"' "$WORK/query.log" | grep -cv '"code": 10[0-9][0-9]')
[ "$bad" -eq 0 ] || fail "the long query failed without a Riak error: $(grep '"outcome": "error"' "$WORK/query.log" | grep -v '"code": 10' | head -1)"

echo "3. SIGSTOP osd.2 for 12 s (past the heartbeat grace of 8 s), then SIGCONT"
t0=$(now)
bash "$CEPH_DEV" kill-osd "$CEPH" 2 STOP
sleep 12
t1=$(now)
bash "$CEPH_DEV" kill-osd "$CEPH" 2 CONT
wait_clean "after osd.2 resumed"
report "$t0" "$t1" "${WLOGS[@]}"

echo "4. kill -9 coordinator A mid-batch; its writer moves to B; A is started again"
sleep 1
t0=$(now)
kill -9 "$PID_A"
wait "$PID_A" 2>/dev/null
sleep 3
t1=$(now)
start A "$PB_A" "$HTTP_A"
report "$t0" "$t1" "${WLOGS[@]}"
moved=$(python3 - "$WORK/W1.log" "$t0" "$HTTP_B" <<'EOF'
import json, sys
log, t0, b = sys.argv[1], float(sys.argv[2]), sys.argv[3]
after = [json.loads(l) for l in open(log) if json.loads(l)["t"] >= t0 - 1]
down = [e for e in after if e["outcome"] == "down"]
ok_on_b = [e for e in after if e["outcome"] == "ok" and e["port"] == b and down and e["t"] > down[0]["t"]]
print(f"{len(down)} {len(ok_on_b)}")
EOF
)
echo "  W1: ${moved% *} requests found A gone, then ${moved#* } batches acknowledged by B"
[ "${moved% *}" -ge 1 ] && [ "${moved#* }" -ge 1 ] || fail "W1 did not move from A to B (${moved})"

echo "5. two OSDs down (osd.1, osd.2): writes fail with 1013 within rados.op_timeout (${OP_TIMEOUT_S} s)"
sleep 2
t0=$(now)
bash "$CEPH_DEV" kill-osd "$CEPH" 1 KILL
bash "$CEPH_DEV" kill-osd "$CEPH" 2 KILL
sleep 1
# The broken watch makes the coordinator read its catalog and security records again, in the
# background: no write waits for those reads, so every write fails after rados.op_timeout.
for i in 1 2 3 4; do
  r=$(q "$HTTP_A" "INSERT INTO f (dev, ts, seq) VALUES ('probe', $((1700000000000 + i)), $i)")
  read -r status code took _ <<<"$r"
  echo "  a write with two OSDs down: HTTP $status, Riak error $code, after $took s"
  [[ "$status" == 503 && "$code" == 1013 ]] || fail "two OSDs down: expected 503 / 1013, got $r"
  limit=$(( OP_TIMEOUT_S + 1 ))
  awk -v t="$took" -v m="$limit" 'BEGIN { exit !(t <= m) }' ||
    fail "two OSDs down: write $i failed after $took s, more than $limit s"
done
sleep 2
t1=$(now)
bash "$CEPH_DEV" restart-osd "$CEPH" 1
bash "$CEPH_DEV" restart-osd "$CEPH" 2
ok=""
for i in $(seq 1 60); do
  r=$(q "$HTTP_A" "INSERT INTO f (dev, ts, seq) VALUES ('probe', $((1700000000100 + i)), $i)")
  if [[ "$r" == 200* ]]; then ok=$(secs "$t1" "$(now)"); break; fi
done
[ -n "$ok" ] && echo "  writes succeed again $ok s after the OSDs were started again" ||
  fail "writes still fail after the OSDs came back: $r"
wait_clean "after osd.1 and osd.2"
report "$t0" "$(now)" "${WLOGS[@]}"

echo "6. writers go on for 3 s on a healthy cluster, then stop"
t0=$(now)
sleep 3
touch "$WORK/stop"
for p in "${PIDS[@]}"; do
  [ "$p" = "$PID_A" ] || [ "$p" = "$PID_B" ] || wait "$p" 2>/dev/null
done
t1=$(now)
report "$t0" "$t1" "${WLOGS[@]}"
for w in W1 W2; do
  last=$(python3 "$CLIENT" report "$t0" "$t1" "$WORK/$w.log")
  [[ "$last" == *'{"ok": '* ]] || fail "$w: not every write succeeded on the healthy cluster: $last"
done
hangs=$(cat "${WLOGS[@]}" "$WORK/query.log" | grep -c '"outcome": "hang"')
[ "$hangs" -eq 0 ] || fail "$hangs requests were not answered within 30 s"

echo "7. a put that storage refuses for one of its two partitions (osd_max_write_size 4 MB)"
r=$(q "$HTTP_A" "CREATE TABLE pp (k VARCHAR NOT NULL, ts TIMESTAMP NOT NULL, p VARCHAR, PRIMARY KEY ((k, QUANTUM(ts, 1, 'h')), k, ts))")
[[ "$r" == 200* ]] || fail "CREATE TABLE pp: $r"
ceph -c "$CONF" --connect-timeout 10 config set osd osd_max_write_size 4 ||
  fail "ceph config set osd_max_write_size 4"
# 5 small rows in one partition, 6 MB of rows in the other.
python3 -c '
import json
rows = [{"k": "small", "ts": 1700000000000 + i, "p": "x"} for i in range(5)]
rows += [{"k": "big", "ts": 1700000000000 + i, "p": "y" * 200000} for i in range(30)]
print(json.dumps(rows))' >"$WORK/pp.json"
# The OSDs take the setting from the monitor within moments: until they do, the put succeeds.
for _ in $(seq 1 50); do
  code=$(curl -s -m 60 -o "$WORK/pp.out" -w '%{http_code}' -X POST --data-binary @"$WORK/pp.json" \
    "http://127.0.0.1:$HTTP_A/ts/v1/tables/pp/keys")
  [[ "$code" == 400 ]] && break
  q "$HTTP_A" "DELETE FROM pp WHERE k = 'big' AND ts >= 1700000000000 AND ts < 1700000000030" >/dev/null
  q "$HTTP_A" "DELETE FROM pp WHERE k = 'small' AND ts >= 1700000000000 AND ts < 1700000000005" >/dev/null
  sleep 0.2
done
echo "  HTTP $code: $(cat "$WORK/pp.out")"
[[ "$code" == 400 && "$(cat "$WORK/pp.out")" == 'Failed to put 30 records to table "pp"' ]] ||
  fail "partial put: HTTP $code $(cat "$WORK/pp.out")"
ceph -c "$CONF" --connect-timeout 10 config set osd osd_max_write_size 90 ||
  fail "ceph config set osd_max_write_size 90"
small=$(q "$HTTP_B" "SELECT COUNT(*) FROM pp WHERE k = 'small' AND ts >= 1700000000000 AND ts < 1700000001000")
big=$(q "$HTTP_B" "SELECT COUNT(*) FROM pp WHERE k = 'big' AND ts >= 1700000000000 AND ts < 1700000001000")
echo "  afterwards: small ${small##* }, big ${big##* }"
[[ "$small" == *'"rows":[[5]]'* && "$big" == *'"rows":[[0]]'* ]] ||
  fail "partial put: the small partition's 5 rows kept and none of the big one's expected: $small / $big"
grep -q 'request failed op=put code=1004 error="Failed to put 30 record(s)" cause=' "$WORK/A.log" ||
  fail "partial put: A's log does not give the cause"
grep -h 'cause=' "$WORK/A.log" | tail -1 | sed 's/^/  log: /'

echo "every acknowledged row, read back from A and from B:"
python3 "$CLIENT" verify --dir "$WORK" --tags W1,W2 --ports "$HTTP_A,$HTTP_B" || fail "rows lost or duplicated"
grep -h -i "assert\|terminate\|segmentation" "$WORK/A.log" "$WORK/B.log" && fail "a coordinator crashed"

echo "took $(( $(date +%s) - t_begin )) s"
if (( FAILURES > 0 )); then
  echo "A's log:" >&2
  tail -20 "$WORK/A.log" >&2
  exit 1
fi
echo "cluster/faults: ok"
