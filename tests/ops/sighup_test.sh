#!/usr/bin/env bash
# SIGHUP against a real quantad started with --config (docs/operations.md, "SIGHUP").
#   reopen: log.file is renamed (as logrotate does), SIGHUP, a request: its line lands in a new
#           file under the old name, the renamed file keeps the old lines, the server answers.
#   reload: log.level changed in the file + SIGHUP takes effect; a changed key that cannot
#           change at run time is reported as needing a restart; a broken file is reported
#           and the running configuration stays; log.slow_query off and on again (a line for a
#           statement over the threshold); the server never stops.
# Usage: sighup_test.sh <quantad> reopen|reload
set -u
QUANTAD=${1:?quantad}
MODE=${2:?mode}
command -v curl >/dev/null || { echo "SKIP: curl not found"; exit 0; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/quanta_sighup_XXXXXX")
PID=""
cleanup() {
  if [[ -n "$PID" ]]; then kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; echo "--- log files:" >&2; tail -n 20 "$WORK"/quantad.log* >&2; exit 1; }

LOG="$WORK/quantad.log"
write_conf() {  # $1: log level, $2: block cache MB, $3: extra line
  cat >"$WORK/quanta.conf" <<CONF
# written by sighup_test.sh
data_dir = $WORK/data
pb_listen = 127.0.0.1:0
http_listen = 127.0.0.1:0
storage.min_free_space = 0
log.file = $LOG
log.level = $1
storage.block_cache_mb = $2
$3
CONF
}

wait_for() {  # $1: file, $2: pattern; up to 10 s
  for _ in $(seq 1 100); do
    grep -q -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

bad_query() { curl -s -o /dev/null -XPOST "$BASE/ts/v1/query" --data 'SELEC nonsense'; }
alive() {
  kill -0 "$PID" 2>/dev/null || fail "quantad exited"
  [[ "$(curl -s "$BASE/ping")" == "OK" ]] || fail "/ping does not answer OK"
}

write_conf "$([[ $MODE == reopen ]] && echo debug || echo info)" 64 ""
"$QUANTAD" --config "$WORK/quanta.conf" 2>"$WORK/stderr" &
PID=$!
wait_for "$LOG" "HTTP on" || fail "quantad did not start: $(cat "$WORK/stderr")"
PORT=$(sed -n 's/.*HTTP on 127.0.0.1:\([0-9]*\).*/\1/p' "$LOG" | head -1)
BASE="http://127.0.0.1:$PORT"
alive

case "$MODE" in
reopen)
  bad_query
  wait_for "$LOG" "request failed op=query code=1020" || fail "no line for the failed request"
  mv "$LOG" "$LOG.1"
  kill -HUP "$PID"
  wait_for "$LOG" "SIGHUP: log reopened" || fail "no new log file after SIGHUP"
  bad_query
  wait_for "$LOG" "request failed op=query code=1020" || fail "the request after SIGHUP is not in the new file"
  grep -q "SIGHUP" "$LOG.1" && fail "the SIGHUP line went to the renamed file"
  [[ $(grep -c "request failed" "$LOG.1") == 1 ]] || fail "the renamed file should keep exactly the first request's line"
  alive
  ;;
reload)
  bad_query
  sleep 0.3
  grep -q "request failed" "$LOG" && fail "a client error was logged at level info"
  write_conf debug 128 ""
  kill -HUP "$PID"
  wait_for "$LOG" "changed: log.level" || fail "log.level was not reported as reloaded"
  wait_for "$LOG" "needs a restart to take effect: storage.block_cache_mb" || fail "storage.block_cache_mb not reported as needing a restart"
  bad_query
  wait_for "$LOG" "debug request failed op=query code=1020" || fail "log.level = debug did not take effect"
  alive
  # A broken file: reported, the running configuration (debug) stays.
  write_conf info 128 "no_equals_sign_here"
  kill -HUP "$PID"
  wait_for "$LOG" "configuration not reloaded" || fail "a broken file was not reported"
  n=$(grep -c "request failed" "$LOG")
  bad_query
  for _ in $(seq 1 50); do [[ $(grep -c "request failed" "$LOG") -gt $n ]] && break; sleep 0.1; done
  [[ $(grep -c "request failed" "$LOG") -gt $n ]] || fail "the level changed although the file was broken"
  # Back to info, with log.slow_query off: both reload.
  write_conf info 128 "log.slow_query = 0"
  kill -HUP "$PID"
  wait_for "$LOG" "changed: log.level, log.slow_query" || fail "log.level/log.slow_query not reloaded"
  grep -q "slow_query_ms=0" "$LOG" || fail "log.slow_query = 0 not applied"
  alive
  # The slow-query log: a statement over 3,000 quanta takes more than 1 ms.
  curl -s -o /dev/null -XPOST "$BASE/ts/v1/query" \
    --data "CREATE TABLE s (k VARCHAR NOT NULL, t TIMESTAMP NOT NULL, PRIMARY KEY ((k, QUANTUM(t, 1, 's')), k, t))"
  slow="SELECT COUNT(*) FROM s WHERE k = 'a' AND t >= 0 AND t < 3000000"
  curl -s -o /dev/null -XPOST "$BASE/ts/v1/query" --data "$slow"
  sleep 0.3
  grep -q "slow query" "$LOG" && fail "a slow query was logged with log.slow_query = 0"
  write_conf info 128 "log.slow_query = 1ms"
  kill -HUP "$PID"
  wait_for "$LOG" "changed: log.slow_query" || fail "log.slow_query = 1ms not reloaded"
  curl -s -o /dev/null -XPOST "$BASE/ts/v1/query" --data "$slow"
  wait_for "$LOG" "warning slow query ms=[0-9.]* rows=1 code=0 transport=http peer=127.0.0.1:" ||
    fail "no slow-query line for a statement over 1 ms"
  grep -F "statement=\"$slow\"" "$LOG" | grep -q "warning slow query" || fail "the slow-query line lacks the statement"
  alive
  ;;
*) fail "unknown mode $MODE" ;;
esac
kill -TERM "$PID"
wait "$PID"
rc=$?
PID=""
[[ $rc == 0 ]] || fail "quantad exit status $rc after SIGTERM"
grep -q "stopped cleanly" "$LOG" || fail "no clean stop line"
echo "PASS: sighup $MODE"
