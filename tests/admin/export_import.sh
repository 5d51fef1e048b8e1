#!/usr/bin/env bash
# quanta-admin export and import-csv against real servers: tables with every awkward value are
# exported from one server, imported into fresh tables on a second, and both answer SELECTs
# alike; the CSV text itself is checked (quoting, NULL against "", BLOB, --iso, --where,
# --query), and import-csv's line-numbered errors.
# Usage: export_import.sh QUANTAD QUANTA_ADMIN QUANTA_SHELL
set -u

QUANTAD=$1
ADMIN=$2
SHELL_BIN=$3
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/data_fixture.sh"
SECOND_PID=""
trap '[[ -n "$SECOND_PID" ]] && kill "$SECOND_PID" 2>/dev/null; cleanup' EXIT

start_server "$QUANTAD" "$WORK/a"
A=$PB_PORT A_PID=$SERVER_PID
fill_tables "$A" "$HTTP_PORT" 5000
start_server "$QUANTAD" "$WORK/b"
B=$PB_PORT SECOND_PID=$SERVER_PID SERVER_PID=$A_PID

for t in odd plain big; do
  dump "$A" "$t" "$WORK/$t.csv"
  # The fresh table on B: the same definition.
  create=$(grep "^CREATE TABLE $t " "$WORK/fill.sql")
  "$SHELL_BIN" --port "$B" -e "$create" >/dev/null 2>&1 || fail "CREATE on B: $create"
  "$ADMIN" --pb "127.0.0.1:$B" import-csv --table "$t" "$WORK/$t.csv" >"$WORK/imp.out" 2>&1 ||
    fail "import-csv $t: $(cat "$WORK/imp.out")"
  dump "$B" "$t" "$WORK/$t.b.csv"
  cmp -s "$WORK/$t.csv" "$WORK/$t.b.csv" || fail "$t: the export of the copy differs"
done
echo "rows exported: odd $(($(wc -l <"$WORK/odd.csv"))) lines, big $(($(wc -l <"$WORK/big.csv") - 1)) rows"
[[ $(($(wc -l <"$WORK/big.csv") - 1)) == 5000 ]] || fail "big exported $(wc -l <"$WORK/big.csv") lines"
same_select "$A" "$B" "SELECT * FROM odd WHERE site = 'a,b' AND dev = 1 AND ts >= 1700000000000 AND ts < 1700001000000"
same_select "$A" "$B" "SELECT * FROM odd WHERE site = 'été €' AND dev = 2 AND ts >= 1700000000000 AND ts < 1700004000000"
same_select "$A" "$B" "SELECT * FROM odd WHERE site = 'q\"uote' AND dev = -7 AND ts >= 0 AND ts < 1000"
same_select "$A" "$B" "SELECT * FROM plain WHERE k = 'y,z' AND n = 3"
same_select "$A" "$B" "SELECT COUNT(*), SUM(mem), MAX(cpu) FROM big WHERE host = 'h3' AND ts >= 1700000000000 AND ts < 1700000100000"

# --progress with stderr not a terminal: a last line with the count.
"$ADMIN" --pb "127.0.0.1:$A" export --table big --progress >/dev/null 2>"$WORK/progress" || fail "export --progress"
grep -Eq '^rows 5000 exported, [0-9]+ rows/s$' "$WORK/progress" || fail "export --progress: $(cat "$WORK/progress")"
"$ADMIN" --pb "127.0.0.1:$B" import-csv --table big --progress "$WORK/big.csv" >/dev/null 2>"$WORK/progress" ||
  fail "import-csv --progress"
grep -Eq '^rows 5000 imported, [0-9]+ rows/s$' "$WORK/progress" || fail "import-csv --progress: $(cat "$WORK/progress")"

# The CSV text.
head -1 "$WORK/odd.csv" | grep -q $'^site,dev,ts,note,raw,v,ok\r$' || fail "odd header: $(head -1 "$WORK/odd.csv")"
grep -q $'^"a,b",1,1700000900000,"",,,\r$' "$WORK/odd.csv" || fail "NULLs and the empty string"
grep -q '"comma, ""quote"" and '"'"'apostrophe'"'"'",0x00ff10,1.5,true' "$WORK/odd.csv" || fail "quoting"
grep -q '^"a,b",1,1700000001000,"line one$' "$WORK/odd.csv" || fail "a newline inside a field"
"$ADMIN" --pb "127.0.0.1:$A" export --table odd --iso --where "dev = 2" >"$WORK/iso.csv" || fail "export --iso"
[[ $(wc -l <"$WORK/iso.csv") == 3 ]] || fail "--where kept $(wc -l <"$WORK/iso.csv") lines"
grep -q '2023-11-14T22:13:20.500Z' "$WORK/iso.csv" || fail "--iso: $(cat "$WORK/iso.csv")"
"$ADMIN" --pb "127.0.0.1:$A" export --query "SELECT host, COUNT(*) AS n FROM big WHERE host = 'h1' AND ts >= 1700000000000 AND ts < 1700000060000 GROUP BY host" \
  >"$WORK/q.csv" || fail "export --query"
[[ "$(tr -d '\r' <"$WORK/q.csv")" == $'host,n\nh1,400' ]] || fail "export --query: $(cat "$WORK/q.csv")"
# An ISO import into a copy of the table reads back the same rows.
"$SHELL_BIN" --port "$B" -e "CREATE TABLE odd2 (site VARCHAR NOT NULL, dev SINT64 NOT NULL, ts TIMESTAMP NOT NULL, note VARCHAR, raw BLOB, v DOUBLE, ok BOOLEAN, PRIMARY KEY ((site, dev, QUANTUM(ts, 15, 'm')), site, dev, ts DESC))" >/dev/null
"$ADMIN" --pb "127.0.0.1:$B" import-csv --table odd2 "$WORK/iso.csv" >/dev/null 2>&1 || fail "import of ISO times"
"$ADMIN" --pb "127.0.0.1:$A" export --table odd --where "dev = 2" >"$WORK/ms.a.csv" || fail "export dev 2"
"$ADMIN" --pb "127.0.0.1:$B" export --table odd2 >"$WORK/ms.b.csv" || fail "export odd2"
cmp -s "$WORK/ms.a.csv" "$WORK/ms.b.csv" || fail "ISO timestamps read back wrong: $(cat "$WORK/ms.b.csv")"

# import-csv errors name the line and the column.
printf 'host,ts,cpu\nh1,1,0.5\nh1,2,fast\n' >"$WORK/bad.csv"
"$ADMIN" --pb "127.0.0.1:$B" import-csv --table big "$WORK/bad.csv" 2>"$WORK/err" && fail "a bad double was imported"
grep -q "line 3, column 'cpu': expected a finite number, got 'fast'" "$WORK/err" || fail "bad cell: $(cat "$WORK/err")"
printf 'host,nope\n' >"$WORK/bad.csv"
"$ADMIN" --pb "127.0.0.1:$B" import-csv --table big "$WORK/bad.csv" 2>"$WORK/err" && fail "an unknown column was accepted"
grep -q "line 1: 'nope' is not a column of big" "$WORK/err" || fail "unknown column: $(cat "$WORK/err")"
printf 'host,cpu\nh1,0.5\n' >"$WORK/bad.csv"
"$ADMIN" --pb "127.0.0.1:$B" import-csv --table big "$WORK/bad.csv" 2>"$WORK/err" && fail "a missing key column was accepted"
grep -q "NOT NULL column 'ts' is missing" "$WORK/err" || fail "missing column: $(cat "$WORK/err")"

kill "$SECOND_PID"; wait "$SECOND_PID" 2>/dev/null; SECOND_PID=""
if (( FAILURES > 0 )); then exit 1; fi
echo "admin/export_import: ok"
