#!/usr/bin/env bash
# Moving an embedded data directory into a cluster, as docs/cluster.md tells: the commands of
# its section "Moving an embedded data directory into a cluster" are taken from the page and
# run (with this test's ports and directories) against an embedded quantad holding tables with
# every awkward value, a table without a quantum, one with WITH properties changed by ALTER
# TABLE, and 5,000 rows over 250 partitions; then every table's SHOW CREATE TABLE and every
# row (the exports, sorted) must be the same on the coordinator as on the embedded server; and
# the security state moved by the page's step 4 must export the same from both.
# Needs QUANTA_TEST_RADOS_CONF and QUANTA_TEST_RADOS_POOL (the ctest fixture "ceph").
# Usage: embedded_to_cluster.sh QUANTAD QUANTA_ADMIN QUANTA_SHELL
set -u
QUANTAD=$(realpath "$1")
ADMIN=$(realpath "$2")
SHELL_BIN=$(realpath "$3")
CONF=${QUANTA_TEST_RADOS_CONF:?}
POOL=${QUANTA_TEST_RADOS_POOL:?}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/../admin/lib.sh"
source "$HERE/../admin/data_fixture.sh"
COORD_PID=""
trap '[[ -n "$COORD_PID" ]] && kill "$COORD_PID" 2>/dev/null; cleanup' EXIT

# The old server: the embedded backend.
start_server "$QUANTAD" "$WORK/old"
OLD_PB=$PB_PORT OLD_HTTP=$HTTP_PORT
fill_tables "$OLD_PB" "$OLD_HTTP" 5000
cat >"$WORK/props.sql" <<'SQL'
CREATE TABLE props (a VARCHAR NOT NULL, b TIMESTAMP NOT NULL, c SINT64, PRIMARY KEY ((a, QUANTUM(b, 1, 'h')), a, b)) WITH (n_val = 5, note = 'it''s kept', expiration = enabled);
ALTER TABLE props WITH (default_time_to_live = '3650d', w = 2);
INSERT INTO props VALUES ('x', 1700000000000, 1), ('y', 1700003600000, NULL);
SQL
"$SHELL_BIN" --port "$OLD_PB" -f "$WORK/props.sql" >"$WORK/props.out" 2>&1 ||
  fail "props: $(cat "$WORK/props.out")"

# The coordinator, in a namespace of its own.
NEW_PB=$(free_port) && NEW_HTTP=$(free_port) || { echo "no free port" >&2; exit 1; }
"$QUANTAD" --data-dir "$WORK/coordinator" --pb-listen "127.0.0.1:$NEW_PB" \
  --http-listen "127.0.0.1:$NEW_HTTP" --set storage.backend=rados --set rados.conf="$CONF" \
  --set rados.pool="$POOL" --set rados.namespace="embedded-to-cluster-$$-$RANDOM" \
  >"$WORK/coordinator.log" 2>&1 &
COORD_PID=$!
for _ in $(seq 1 300); do
  curl -sf "http://127.0.0.1:$NEW_HTTP/ping" >/dev/null 2>&1 && break
  sleep 0.1
done

# The page's copy loop: the fenced block of the section holding "import --from", with its
# ports (18087 the old server, 8087 the coordinator) made this test's, and the installed
# commands this build's.
section=$(awk '/^## Moving an embedded data directory into a cluster/ { on = 1; next }
               on && /^## / { exit } on' "$HERE/../../docs/cluster.md")
loop=$(awk '/^```/ { if (block) { if (text ~ /import --from/) { print text; exit } block = 0; text = "" }
                      else block = 1; next }
            block { text = text $0 "\n" }' <<<"$section" |
  sed -n '/^for t in/,/^done/p' |
  sed -e "s/127\.0\.0\.1:18087/127.0.0.1:$OLD_PB/g; s/--port 18087/--port $OLD_PB/g" \
      -e "s/127\.0\.0\.1:8087/127.0.0.1:$NEW_PB/g")
[[ "$loop" == *"import --from 127.0.0.1:$OLD_PB"* ]] || { echo "no copy loop found in docs/cluster.md: $loop" >&2; exit 1; }
quanta-shell() { "$SHELL_BIN" "$@"; }
quanta-admin() { "$ADMIN" "$@"; }
t0=$(date +%s%N)
(cd "$WORK" && eval "$loop") >"$WORK/import.out" 2>&1 || fail "the copy loop: $(tail -5 "$WORK/import.out")"
echo "copied in $(( ($(date +%s%N) - t0) / 1000000 )) ms:"
grep '^imported' "$WORK/import.out"

# The same tables, definitions and rows on both.
tables() { curl -s -X POST --data-binary "SHOW TABLES" "http://127.0.0.1:$1/ts/v1/query"; }
[[ "$(tables "$OLD_HTTP")" == "$(tables "$NEW_HTTP")" ]] ||
  fail "SHOW TABLES differs: $(tables "$OLD_HTTP") // $(tables "$NEW_HTTP")"
for t in odd plain big props; do
  old=$(curl -s -X POST --data-binary "SHOW CREATE TABLE $t" "http://127.0.0.1:$OLD_HTTP/ts/v1/query")
  new=$(curl -s -X POST --data-binary "SHOW CREATE TABLE $t" "http://127.0.0.1:$NEW_HTTP/ts/v1/query")
  [[ "$old" == "$new" && "$old" == *CREATE* ]] || fail "$t: SHOW CREATE TABLE differs: $old // $new"
  dump "$OLD_PB" "$t" "$WORK/$t.old.csv"
  dump "$NEW_PB" "$t" "$WORK/$t.new.csv"
  sort "$WORK/$t.old.csv" >"$WORK/$t.old.sorted"
  sort "$WORK/$t.new.csv" >"$WORK/$t.new.sorted"
  cmp -s "$WORK/$t.old.sorted" "$WORK/$t.new.sorted" || fail "$t: the rows differ"
  echo "$t: $(($(wc -l <"$WORK/$t.new.csv") - 1)) lines of rows alike"
done
grep -q "default_time_to_live = '3650d'" <<<"$(curl -s -X POST --data-binary "SHOW CREATE TABLE props" \
  "http://127.0.0.1:$NEW_HTTP/ts/v1/query")" || fail "props lost its ALTERed property"
[[ $(($(wc -l <"$WORK/big.new.csv") - 1)) == 5000 ]] || fail "big: $(wc -l <"$WORK/big.new.csv") lines"

# Step 4, the security state, as the page writes it (its ports and directories made this
# test's): afterwards the coordinator exports exactly what the old server does.
sec=$(awk '/^```/ { if (block) { if (text ~ /security export/) { print text; exit } block = 0; text = "" }
                     else block = 1; next }
           block { text = text $0 "\n" }' <<<"$section" |
  sed -e "s/127\.0\.0\.1:18098/127.0.0.1:$OLD_HTTP/g; s/127\.0\.0\.1:8098/127.0.0.1:$NEW_HTTP/g" \
      -e "s#/var/lib/quanta-coordinator#$WORK/coordinator#g; s#/var/lib/quanta #$WORK/old #g")
[[ "$sec" == *"security import"* ]] || { echo "no security step found in docs/cluster.md: $sec" >&2; exit 1; }
old_admin=("$ADMIN" --http "127.0.0.1:$OLD_HTTP" --data-dir "$WORK/old" security)
"${old_admin[@]}" add-group ops >/dev/null &&
  "${old_admin[@]}" add-user alice password=Secret1 groups=ops >/dev/null &&
  "${old_admin[@]}" add-user bob password=Other2 >/dev/null &&
  "${old_admin[@]}" add-source all 127.0.0.1/32 password >/dev/null &&
  "${old_admin[@]}" grant riak_ts.query_select,riak_ts.get on big to ops >/dev/null ||
  fail "setting up security on the old server"
(cd "$WORK" && eval "$sec") >"$WORK/security.out" 2>&1 || fail "step 4: $(cat "$WORK/security.out")"
cat "$WORK/security.out"
"${old_admin[@]}" export >"$WORK/security.old"
"$ADMIN" --http "127.0.0.1:$NEW_HTTP" --data-dir "$WORK/coordinator" security export >"$WORK/security.new"
grep -q '"alice"' "$WORK/security.new" && cmp -s "$WORK/security.old" "$WORK/security.new" ||
  fail "the security state differs after step 4"
[[ ! -e "$WORK/security.json" ]] || fail "step 4 left security.json behind"

kill "$COORD_PID"; wait "$COORD_PID" 2>/dev/null; COORD_PID=""
if (( FAILURES > 0 )); then exit 1; fi
echo "cluster/embedded_to_cluster: ok"
