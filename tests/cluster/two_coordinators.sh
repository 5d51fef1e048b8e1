#!/usr/bin/env bash
# Two quantad coordinators on one RADOS pool and namespace, driven over HTTP with curl:
#  - a table created on A is usable on B within a second (watch/notify), and so are ALTER and
#    DROP TABLE;
#  - the same CREATE TABLE sent to both at once creates one table: the other answers 1014;
#  - a security change on one is in force on the other (the state is in the pool);
#  - both write the same partitions at once, upserting each other's rows, while both seal
#    (storage.seal_idle 100ms): afterwards every row is there exactly once with one of the
#    values written to it, and both coordinators answer the same;
#  - a table with time_slices stores each slice of a quantum as an object of its own.
# Needs QUANTA_TEST_RADOS_CONF and QUANTA_TEST_RADOS_POOL (the ctest fixture "ceph").
# Usage: two_coordinators.sh QUANTAD
set -u
QUANTAD=$1
CONF=${QUANTA_TEST_RADOS_CONF:?}
POOL=${QUANTA_TEST_RADOS_POOL:?}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/quanta_cluster_XXXXXX")
NS="two-coordinators-$$-$RANDOM"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT
FAILURES=0
fail() { echo "FAIL: $*" >&2; FAILURES=$((FAILURES + 1)); }

source "$(dirname "${BASH_SOURCE[0]}")/../support/ports.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# start NAME: a coordinator (lib.sh) in this test's namespace; sets HTTP_<NAME>.
start() {
  start_coordinator "$1" "" "" --set rados.namespace="$NS" --set storage.seal_idle=100ms
}

# q PORT SQL: prints "<http status> <body>".
q() {
  local out code
  out=$(curl -s -o - -w '\n%{http_code}' -X POST --data-binary "$2" "http://127.0.0.1:$1/ts/v1/query")
  code=${out##*$'\n'}
  echo "$code ${out%$'\n'*}"
}

now_ms() { date +%s%3N; }

# until_ok PORT SQL PATTERN: retries for up to 5 s until the answer matches; prints the ms taken.
until_ok() {
  local t0 r
  t0=$(now_ms)
  while (( $(now_ms) - t0 < 5000 )); do
    r=$(q "$1" "$2")
    if [[ "$r" == $3 ]]; then echo $(( $(now_ms) - t0 )); return 0; fi
    sleep 0.02
  done
  echo "never (last: $r)"
  return 1
}

start A
start B

CREATE="CREATE TABLE m (dev VARCHAR NOT NULL, ts TIMESTAMP NOT NULL, v SINT64, w VARCHAR, PRIMARY KEY ((dev, QUANTUM(ts, 1, 'h')), dev, ts))"
r=$(q "$HTTP_A" "$CREATE")
[[ "$r" == 200* ]] || fail "CREATE on A: $r"
took=$(until_ok "$HTTP_B" "DESCRIBE m" "200*") || fail "B never saw the table A created: $took"
echo "table created on A usable on B after ${took} ms"
(( ${took%% *} <= 1000 )) 2>/dev/null || fail "B saw A's table after ${took} ms (more than a second)"

# The same CREATE on both at once: one table, one 1014.
CREATE2="CREATE TABLE race (k VARCHAR NOT NULL, ts TIMESTAMP NOT NULL, PRIMARY KEY ((k, QUANTUM(ts, 1, 'd')), k, ts))"
# (HTTP renders Riak's 1014 as 409 'Table "race" already exists'.)
q "$HTTP_A" "$CREATE2" > "$WORK/race.A" &
ra=$!
q "$HTTP_B" "$CREATE2" > "$WORK/race.B" &
rb=$!
wait $ra $rb
ok=$(cat "$WORK/race.A" "$WORK/race.B" | grep -c '^200 ')
refused=$(cat "$WORK/race.A" "$WORK/race.B" | grep -c '^409 Table "race" already exists')
[[ "$ok" == 1 && "$refused" == 1 ]] ||
  fail "concurrent CREATE: A '$(cat "$WORK/race.A")', B '$(cat "$WORK/race.B")'"

# Both write the same partitions at once, upserting each other's rows, while both seal.
BASE=1700000000000
writer() {  # writer PORT TAG
  local i b sql
  for b in $(seq 0 19); do
    sql="INSERT INTO m (dev, ts, v, w) VALUES "
    for i in $(seq 0 49); do
      (( i > 0 )) && sql+=", "
      sql+="('d$((i % 5))', $((BASE + (b * 50 + i) * 1000)), $((b * 50 + i)), '$2')"
    done
    r=$(q "$1" "$sql")
    [[ "$r" == 200* ]] || echo "INSERT on $2: $r" >> "$WORK/writer.errors"
  done
}
for round in 1 2 3; do
  writer "$HTTP_A" A &
  wa=$!
  writer "$HTTP_B" B &
  wb=$!
  wait $wa $wb
done
[[ -s "$WORK/writer.errors" ]] && fail "writes failed: $(head -3 "$WORK/writer.errors")"
sleep 1.5  # both sealers run (seal_idle 100ms)
for dev in d0 d1 d2 d3 d4; do
  sql="SELECT COUNT(*), SUM(v), COUNT(w) FROM m WHERE dev = '$dev' AND ts >= $BASE AND ts < $((BASE + 1000000))"
  ra=$(q "$HTTP_A" "$sql")
  rb=$(q "$HTTP_B" "$sql")
  [[ "$ra" == "$rb" ]] || fail "A and B differ on $dev: '$ra' vs '$rb'"
  # 1000 distinct keys, 200 per device; v = the row's index, whoever wrote it last.
  expect_sum=0
  for n in $(seq 0 999); do (( n % 50 % 5 == ${dev#d} )) && expect_sum=$((expect_sum + n)); done
  [[ "$ra" == *"[[200,$expect_sum,200]]"* ]] || fail "$dev: expected 200 rows summing to $expect_sum, got $ra"
done
sql="SELECT COUNT(*) FROM m WHERE dev = 'd0' AND ts >= $BASE AND ts < $((BASE + 1000000)) AND w != 'A' AND w != 'B'"
r=$(q "$HTTP_A" "$sql")
[[ "$r" == *"[[0]]"* ]] || fail "rows with a value nobody wrote: $r"

# Time slices: one quantum of one series written through A is 4 RADOS objects, read in time
# order through B.
objects() { rados -c "$CONF" -p "$POOL" -N "$NS" ls 2>/dev/null | grep -c '^g'; }
r=$(q "$HTTP_A" "CREATE TABLE sl (dev VARCHAR NOT NULL, ts TIMESTAMP NOT NULL, v SINT64, PRIMARY KEY ((dev, QUANTUM(ts, 1, 'h')), dev, ts)) WITH (time_slices = 4)")
[[ "$r" == 200* ]] || fail "CREATE TABLE sl on A: $r"
before=$(objects)
H=3600000
Q0=$((BASE / H * H))
r=$(q "$HTTP_A" "INSERT INTO sl VALUES ('x', $((Q0 + 3)), 1), ('x', $((Q0 + 900000)), 2), ('x', $((Q0 + 2700001)), 4), ('x', $((Q0 + 1800000)), 3)")
[[ "$r" == 200* ]] || fail "INSERT INTO sl on A: $r"
after=$(objects)
(( after - before == 4 )) || fail "time_slices = 4: $((after - before)) new objects for one quantum, not 4"
took=$(until_ok "$HTTP_B" "SELECT v FROM sl WHERE dev = 'x' AND ts >= $Q0 AND ts < $((Q0 + H))" '200*"rows":\[\[1\],\[2\],\[3\],\[4\]\]*') ||
  fail "B does not read the 4 slices in order: $took"
echo "a quantum with time_slices = 4: $((after - before)) objects, read in order on B"

# ALTER on B, seen on A; DROP on A, seen on B.
r=$(q "$HTTP_B" "ALTER TABLE m WITH (default_time_to_live = '7d')")
[[ "$r" == 200* ]] || fail "ALTER on B: $r"
took=$(until_ok "$HTTP_A" "SHOW CREATE TABLE m" "*7d*") || fail "A never saw B's ALTER: $took"
echo "ALTER on B seen on A after ${took} ms"
r=$(q "$HTTP_A" "DROP TABLE m")
[[ "$r" == 200* ]] || fail "DROP on A: $r"
took=$(until_ok "$HTTP_B" "DESCRIBE m" "404*") || fail "B still has the table A dropped: $took"
echo "DROP on A seen on B after ${took} ms"

# A third coordinator started now finds the catalog in RADOS alone.
start C
r=$(q "$HTTP_C" "DESCRIBE race")
[[ "$r" == 200* ]] || fail "a new coordinator does not know table race: $r"

# Security lives in the pool too: a user added through A's admin channel is known to B, and
# security enabled on B is enabled on A (its plain HTTP then refuses queries with 426).
admin() {  # admin NAME OP ARGS...: the security command on coordinator NAME
  local name=$1 op=$2 port_var json
  shift 2
  port_var="HTTP_$name"
  json=""
  (( $# > 0 )) && json=$(printf '"%s",' "$@")
  curl -s -X POST -H "Authorization: Bearer $(cat "$WORK/$name/admin.token")" \
    --data-binary "{\"op\":\"$op\",\"args\":[${json%,}]}" \
    "http://127.0.0.1:${!port_var}/admin/v1/security"
}
r=$(admin A add-user alice password=Secret1)
[[ "$r" == *'"text"'* ]] || fail "add-user on A: $r"
r=$(admin B print-users)
[[ "$r" == *alice* ]] || fail "B does not know the user A added: $r"
r=$(admin B enable)
[[ "$r" == *'"text"'* ]] || fail "enable on B: $r"
took=$(until_ok "$HTTP_A" "SHOW TABLES" "426*") || fail "security enabled on B is not on A: $took"
echo "security enabled on B is enforced on A after ${took} ms"

if (( FAILURES > 0 )); then
  echo "logs in $WORK kept? no; A's log:" >&2
  tail -5 "$WORK/A.log" >&2
  exit 1
fi
echo "cluster/two_coordinators: ok"
