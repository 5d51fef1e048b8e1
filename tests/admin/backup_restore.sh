#!/usr/bin/env bash
# quanta-admin backup under writes, then restore: a writer puts multi-partition batches over PB
# without pause while the backup runs; the backup restored into a new data directory and served
# by a second quantad holds every batch acknowledged before the backup began, no torn batch,
# and nothing sent after it finished, and the users and grants (security enabled or not). Also:
# the refusals (existing backup dir, non-empty data
# dir, running server, damaged backup).
# Usage: backup_restore.sh QUANTAD QUANTA_ADMIN BACKUP_WRITER
set -u
QUANTAD=$1
ADMIN=$2
WRITER=$3
source "$(dirname "$0")/lib.sh"
WRITER_PID=""
stop_writer() {
  if [[ -n "$WRITER_PID" ]]; then kill "$WRITER_PID" 2>/dev/null; wait "$WRITER_PID" 2>/dev/null; WRITER_PID=""; fi
}
trap 'stop_writer; cleanup' EXIT

start_server "$QUANTAD" "$WORK/data"
admin() { "$ADMIN" --http "127.0.0.1:$HTTP_PORT" --data-dir "$WORK/data" "$@"; }

# A user and a grant: the backup carries the security state (security stays disabled while the
# writer runs; it connects without TLS).
admin security add-user dora password=Pass1 >/dev/null || fail "add-user"
admin security grant riak_ts.put on any to dora >/dev/null || fail "grant"
"$WRITER" write 127.0.0.1 "$PB_PORT" >"$WORK/writer.log" 2>"$WORK/writer.err" &
WRITER_PID=$!
# Let the table fill a little and the writer reach full speed.
for _ in $(seq 1 100); do
  [[ $(grep -c '^ack' "$WORK/writer.log") -ge 2000 ]] && break
  sleep 0.1
done
acked=$(grep '^ack' "$WORK/writer.log" | tail -1 | cut -d' ' -f2)
[[ -n "$acked" ]] || fail "the writer acknowledged nothing: $(cat "$WORK/writer.err")"
admin backup "$WORK/backup" >"$WORK/backup.out" 2>"$WORK/backup.err" ||
  fail "backup exited $?: $(cat "$WORK/backup.err")"
started=$(grep '^start' "$WORK/writer.log" | tail -1 | cut -d' ' -f2)
sleep 0.5
stop_writer
final=$(grep '^ack' "$WORK/writer.log" | tail -1 | cut -d' ' -f2)
echo "acked before the backup: $acked; sent before it ended: $started; acked at the end: $final"
cat "$WORK/backup.out"
grep -q '^backup done: 1 tables, ' "$WORK/backup.out" || fail "backup said: $(cat "$WORK/backup.out")"
[[ -f "$WORK/backup/quanta-backup.json" ]] || fail "no manifest"
(( final > started )) || fail "the writer did not go on after the backup ($final <= $started)"

# Refusals.
admin backup "$WORK/backup" 2>"$WORK/err" && fail "a backup into an existing directory succeeded"
grep -q "already exists" "$WORK/err" || fail "existing-dir message: $(cat "$WORK/err")"
"$ADMIN" restore "$WORK/backup" "$WORK/data" 2>"$WORK/err" && fail "restore over a running server"
grep -q "a server is running on" "$WORK/err" || fail "running-server message: $(cat "$WORK/err")"
# A second backup with security enabled.
admin security enable >/dev/null || fail "security enable"
admin backup "$WORK/backup2" >/dev/null 2>"$WORK/err" || fail "backup2: $(cat "$WORK/err")"
stop_server

mkdir -p "$WORK/full" && echo x >"$WORK/full/file"
"$ADMIN" restore "$WORK/backup" "$WORK/full" 2>"$WORK/err" && fail "restore into a non-empty dir"
grep -q "is not empty" "$WORK/err" || fail "non-empty message: $(cat "$WORK/err")"
cp -r "$WORK/backup" "$WORK/damaged"
victim=$(ls "$WORK/damaged/data"/*.sst | head -1)
truncate -s 10 "$victim"
"$ADMIN" restore "$WORK/damaged" "$WORK/r2" 2>"$WORK/err" && fail "restore of a damaged backup"
grep -q "the manifest says" "$WORK/err" || fail "damaged message: $(cat "$WORK/err")"

"$ADMIN" restore "$WORK/backup" "$WORK/restored" >"$WORK/restore.out" 2>&1 ||
  fail "restore exited $?: $(cat "$WORK/restore.out")"
start_server "$QUANTAD" "$WORK/restored"
found=$("$WRITER" check 127.0.0.1 "$PB_PORT" "$acked" "$started" 2>"$WORK/check.err") ||
  fail "check: $(head -20 "$WORK/check.err")"
echo "batches in the restored copy: $found"
grep -q "taken 20[0-9][0-9]-[0-1][0-9]-[0-3][0-9]T" "$WORK/restore.out" ||
  fail "restore does not show when the backup was taken: $(cat "$WORK/restore.out")"
[[ "$(stat -c %a "$WORK/restored/security.json")" == 600 ]] || fail "security.json mode after restore"
restored_admin() { "$ADMIN" --http "127.0.0.1:$HTTP_PORT" --data-dir "$WORK/restored" "$@"; }
restored_admin security print-users | grep -q dora || fail "the restored server lost user dora"
restored_admin security print-grants dora | grep -q "riak_ts.put" || fail "the restored server lost dora's grant"
[[ "$(restored_admin security status)" == Disabled ]] || fail "security state of the first backup"
stop_server
"$ADMIN" restore "$WORK/backup2" "$WORK/restored2" >/dev/null 2>&1 || fail "restore of backup2"
start_server "$QUANTAD" "$WORK/restored2"
r2() { "$ADMIN" --http "127.0.0.1:$HTTP_PORT" --data-dir "$WORK/restored2" "$@"; }
[[ "$(r2 security status)" == Enabled ]] || fail "restored2: security is not enabled: $(r2 security status)"
r2 security print-users | grep -q dora || fail "restored2 lost user dora"
stop_server
# --force replaces what is there.
"$ADMIN" restore --force "$WORK/backup" "$WORK/full" >/dev/null 2>"$WORK/err" ||
  fail "restore --force: $(cat "$WORK/err")"
[[ ! -e "$WORK/full/file" ]] || fail "restore --force left the old file"

if (( FAILURES > 0 )); then exit 1; fi
echo "admin/backup_restore: ok"
