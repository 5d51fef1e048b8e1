#!/usr/bin/env bash
# quanta-admin import: a second quantad stands in for a Riak TS cluster. Tables with every
# awkward value (DESC local key, NULLs, VARCHAR with commas/quotes/UTF-8, BLOB, no quantum) are
# copied and compared (the definition from SHOW CREATE TABLE, and rebuilt from DESCRIBE as for
# Riak TS 1.5); --since/--until copy a time slice; an import killed midway resumes from its
# resume file and leaves nothing missing. Prints the copy's throughput.
# Usage: import_riak.sh QUANTAD QUANTA_ADMIN QUANTA_SHELL
set -u
QUANTAD=$1
ADMIN=$2
SHELL_BIN=$3
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/data_fixture.sh"
PIDS=()
IMPORT_PID=""
trap '[[ -n "$IMPORT_PID" ]] && kill -9 "$IMPORT_PID" 2>/dev/null; for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; cleanup' EXIT
ROWS=${IMPORT_TEST_ROWS:-60000}

start_server "$QUANTAD" "$WORK/source"; SRC=$PB_PORT; PIDS+=("$SERVER_PID")
fill_tables "$SRC" "$HTTP_PORT" "$ROWS"
start_server "$QUANTAD" "$WORK/t1"; T1=$PB_PORT; PIDS+=("$SERVER_PID")
start_server "$QUANTAD" "$WORK/t2"; T2=$PB_PORT; PIDS+=("$SERVER_PID")
SERVER_PID=""
imp() { local port=$1; shift; "$ADMIN" --pb "127.0.0.1:$port" import --from "127.0.0.1:$SRC" "$@"; }

# Definitions: odd rebuilt from DESCRIBE (as from Riak TS 1.5), plain from SHOW CREATE TABLE.
imp "$T1" --table odd --from-describe >"$WORK/out" 2>&1 || fail "import odd: $(cat "$WORK/out")"
grep -q "rebuilt from DESCRIBE" "$WORK/out" || fail "odd was not rebuilt from DESCRIBE: $(cat "$WORK/out")"
imp "$T1" --table plain >"$WORK/out" 2>&1 || fail "import plain: $(cat "$WORK/out")"
grep -q "(SHOW CREATE TABLE)" "$WORK/out" || fail "plain not from SHOW CREATE TABLE: $(cat "$WORK/out")"
# SHOW CREATE TABLE lists bucket properties as Riak does (dw = one), which CREATE TABLE refuses
# as they are: the import makes them acceptable (tests/cluster/embedded_to_cluster.sh copies
# properties set by CREATE and ALTER TABLE).
grep -q "without its WITH properties" "$WORK/out" &&
  fail "plain: the definition from SHOW CREATE TABLE was refused: $(cat "$WORK/out")"
for t in odd plain; do
  same_select "$SRC" "$T1" "SHOW CREATE TABLE $t"
  dump "$SRC" "$t" "$WORK/$t.src.csv"
  dump "$T1" "$t" "$WORK/$t.t1.csv"
  cmp -s "$WORK/$t.src.csv" "$WORK/$t.t1.csv" || fail "$t differs after the import"
done
same_select "$SRC" "$T1" "SELECT * FROM odd WHERE site = 'été €' AND dev = 2 AND ts >= 1700000000000 AND ts < 1700004000000"
# Again: the table exists with the same definition; rows are upserted, none doubled.
imp "$T1" --table odd >"$WORK/out" 2>&1 || fail "second import of odd: $(cat "$WORK/out")"
grep -q "exists here with the same definition" "$WORK/out" || fail "second import: $(cat "$WORK/out")"
dump "$T1" odd "$WORK/odd.t1b.csv"
cmp -s "$WORK/odd.src.csv" "$WORK/odd.t1b.csv" || fail "odd differs after a second import"
# A table of the same name but another shape is refused.
"$SHELL_BIN" --port "$T2" -e "CREATE TABLE plain (k VARCHAR NOT NULL, n SINT64 NOT NULL, PRIMARY KEY ((k, n), k, n))" >/dev/null
imp "$T2" --table plain 2>"$WORK/err" && fail "an import into a different table succeeded"
grep -q "exists here with another definition" "$WORK/err" || fail "different table: $(cat "$WORK/err")"

# A time slice: [1700000000000, 1700000900000) holds 3 rows of odd.
imp "$T2" --table odd --since 1700000000000 --until 2023-11-14T22:28:20Z >"$WORK/out" 2>&1 ||
  fail "import --since/--until: $(cat "$WORK/out")"
grep -q "^imported 3 rows" "$WORK/out" || fail "the slice: $(cat "$WORK/out")"

# big, whole, timed.
imp "$T1" --table big --progress >"$WORK/out" 2>"$WORK/progress" || fail "import big: $(cat "$WORK/out")"
echo "whole import: $(cat "$WORK/out" | tail -1)"
# --progress with stderr not a terminal: lines, the last one with every partition done.
last=$(tail -1 "$WORK/progress")
[[ "$last" =~ ^rows\ $ROWS,\ partitions\ ([0-9]+)/([0-9]+),\ [0-9]+\ rows/s$ && ${BASH_REMATCH[1]} == "${BASH_REMATCH[2]}" ]] ||
  fail "import --progress: $(cat "$WORK/progress")"
dump "$SRC" big "$WORK/big.src.csv"
dump "$T1" big "$WORK/big.t1.csv"
cmp -s "$WORK/big.src.csv" "$WORK/big.t1.csv" || fail "big differs after the import"
[[ $(($(wc -l <"$WORK/big.src.csv") - 1)) == "$ROWS" ]] || fail "the source's big has $(wc -l <"$WORK/big.src.csv") lines"

# big into T2, killed midway, resumed.
# Started directly (not through imp) so that $! is quanta-admin itself.
"$ADMIN" --pb "127.0.0.1:$T2" import --from "127.0.0.1:$SRC" --table big --batch 100 \
  --resume-file "$WORK/resume" >"$WORK/out1" 2>&1 &
IMPORT_PID=$!
for _ in $(seq 1 2000); do
  [[ -s "$WORK/resume" ]] && break
  kill -0 "$IMPORT_PID" 2>/dev/null || break
  sleep 0.01
done
imp "$T2" --table big --resume-file "$WORK/resume" 2>"$WORK/err" &&
  fail "a second import with the same resume file ran"
grep -q "another import is using" "$WORK/err" || fail "second import: $(cat "$WORK/err")"
kill -9 "$IMPORT_PID" 2>/dev/null && killed=1 || killed=0
wait "$IMPORT_PID" 2>/dev/null
IMPORT_PID=""
(( killed )) || fail "the import ended before it could be killed: $(cat "$WORK/out1")"
dump "$T2" big "$WORK/big.partial.csv"
partial=$(($(wc -l <"$WORK/big.partial.csv") - 1))
(( partial > 0 && partial < ROWS )) || fail "after the kill, $partial of $ROWS rows"
echo "killed after $partial of $ROWS rows; position: $(tail -1 "$WORK/resume")"
imp "$T2" --table big --batch 100 --resume-file "$WORK/resume" >"$WORK/out2" 2>&1 ||
  fail "the resumed import: $(cat "$WORK/out2")"
grep -q "resuming after the position" "$WORK/out2" || fail "did not resume: $(cat "$WORK/out2")"
grep -qE "^imported [0-9]+ rows of big in [0-9]+ partitions \([1-9][0-9]* done before\)" "$WORK/out2" ||
  fail "resume summary: $(tail -1 "$WORK/out2")"
echo "resumed: $(tail -1 "$WORK/out2")"
dump "$T2" big "$WORK/big.t2.csv"
cmp -s "$WORK/big.src.csv" "$WORK/big.t2.csv" || fail "big differs after the resumed import"

if (( FAILURES > 0 )); then exit 1; fi
echo "admin/import_riak: ok"
