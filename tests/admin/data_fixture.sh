# Shared by export_import.sh and import_riak.sh: tables with every awkward case, filled over
# PB by quanta-shell. Needs SHELL_BIN and fail() (lib.sh).
#
# fill_tables PB_PORT HTTP_PORT [ROWS]: creates and fills
#   odd    VARCHAR with commas, quotes, newlines, UTF-8 and the empty string; NULLs; BLOB;
#          DOUBLE; BOOLEAN; a DESC local key; two partition-key columns
#   plain  a table without a quantum
#   big    ROWS rows (default 20000) over 10 series and 25 one-minute quanta
fill_tables() {
  local port=$1 http=$2 rows=${3:-20000}
  cat >"$WORK/fill.sql" <<'SQL'
CREATE TABLE odd (site VARCHAR NOT NULL, dev SINT64 NOT NULL, ts TIMESTAMP NOT NULL, note VARCHAR, raw BLOB, v DOUBLE, ok BOOLEAN, PRIMARY KEY ((site, dev, QUANTUM(ts, 15, 'm')), site, dev, ts DESC));
INSERT INTO odd VALUES ('a,b', 1, 1700000000000, 'comma, "quote" and ''apostrophe''', 0x00ff10, 1.5, true);
INSERT INTO odd VALUES ('a,b', 1, 1700000900000, '', NULL, NULL, NULL);
INSERT INTO odd VALUES ('été €', 2, 1700000000500, 'ünïcødé ✓', 0xdeadbeef, 1e300, true);
INSERT INTO odd VALUES ('été €', 2, 1700003600000, NULL, 0x41, 3.0, NULL);
INSERT INTO odd VALUES ('q"uote', -7, 1, 'first ms', NULL, 0.1, false);
CREATE TABLE plain (k VARCHAR NOT NULL, n SINT64 NOT NULL, label VARCHAR, PRIMARY KEY ((k, n), k, n));
INSERT INTO plain VALUES ('x', 1, 'one');
INSERT INTO plain VALUES ('x', 2, NULL);
INSERT INTO plain VALUES ('y,z', 3, 'three, with a comma');
CREATE TABLE big (host VARCHAR NOT NULL, ts TIMESTAMP NOT NULL, cpu DOUBLE, mem SINT64, PRIMARY KEY ((host, QUANTUM(ts, 1, 'm')), host, ts));
SQL
  "$SHELL_BIN" --port "$port" -f "$WORK/fill.sql" >"$WORK/fill.out" 2>&1 ||
    fail "filling the tables: $(tail -5 "$WORK/fill.out")"
  # SQL string literals cannot hold a line break: this row goes in through the HTTP API.
  curl -sf -X POST -H 'Content-Type: application/json' "http://127.0.0.1:$http/ts/v1/tables/odd/keys" \
    -d '{"site":"a,b","dev":1,"ts":1700000001000,"note":"line one\nline two","raw":"","v":-0.25,"ok":false}' \
    >/dev/null || fail "the HTTP put into odd"
  # big: generated as CSV, loaded by import-csv (itself checked by the round trips).
  awk -v n="$rows" 'BEGIN { print "host,ts,cpu,mem";
    for (i = 0; i < n; i++) printf "h%d,%.0f,%.3f,%d\n", i % 10, 1700000000000 + int(i / 10) * 150, (i % 997) / 10, i }' \
    >"$WORK/big.csv"
  "$ADMIN" --pb "127.0.0.1:$port" import-csv --table big "$WORK/big.csv" >"$WORK/fill.out" 2>&1 ||
    fail "loading big: $(cat "$WORK/fill.out")"
}

# dump PORT TABLE FILE: the table as CSV, exported through PORT.
dump() {
  "$ADMIN" --pb "127.0.0.1:$1" export --table "$2" --out "$3" 2>"$WORK/dump.err" ||
    fail "export of $2 on $1: $(cat "$WORK/dump.err")"
}

# same_select PORT_A PORT_B SQL: both servers answer SQL alike (JSON).
same_select() {
  local a b
  a=$("$SHELL_BIN" --port "$1" --json -e "$3" 2>&1)
  b=$("$SHELL_BIN" --port "$2" --json -e "$3" 2>&1)
  [[ "$a" == "$b" && -n "$a" && "$a" != Error* ]] || fail "'$3' differs: $a // $b"
}
