#!/usr/bin/env bash
# quantad starts with a stock Riak TS riak.conf (tests/ops/riak.conf) used as it is: the keys
# Quanta does not use are listed once in one log line (keys unknown to both in one warning line),
# the server answers, and stops cleanly.
# Only the listeners and the data directory are moved by flags (flags win over the file).
# Usage: riakconf_test.sh <quantad> <riak.conf>
set -u
QUANTAD=${1:?quantad}
CONF=${2:?riak.conf}
command -v curl >/dev/null || { echo "SKIP: curl not found"; exit 0; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/quanta_riakconf_XXXXXX")
PID=""
cleanup() {
  if [[ -n "$PID" ]]; then kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; cat "$WORK/log" >&2; exit 1; }

# Keys of other Riak versions and backends that Quanta does not list: ignored with a warning.
cp "$CONF" "$WORK/riak.conf"
printf 'memory_backend.max_memory_per_vnode = 1GB\nriak_future_feature = on\n' >>"$WORK/riak.conf"
"$QUANTAD" --config "$WORK/riak.conf" --data-dir "$WORK/data" --pb-listen 127.0.0.1:0 \
  --http-listen 127.0.0.1:0 --set storage.min_free_space=0 2>"$WORK/log" &
PID=$!
for _ in $(seq 1 100); do grep -q "HTTP on" "$WORK/log" && break; sleep 0.1; done
PORT=$(sed -n 's/.*HTTP on 127.0.0.1:\([0-9]*\).*/\1/p' "$WORK/log" | head -1)
[[ -n "$PORT" ]] || fail "quantad did not start with $CONF"
[[ "$(curl -s "http://127.0.0.1:$PORT/ping")" == "OK" ]] || fail "/ping"

[[ $(grep -c "have no meaning for Quanta and are ignored" "$WORK/log") == 1 ]] || fail "expected one line listing the ignored keys"
line=$(grep "have no meaning for Quanta and are ignored" "$WORK/log")
for k in ring_size anti_entropy storage_backend search.solr.port log.console.file \
         riak_kv.query.timeseries.qbuf_root_path erlang.async_threads; do
  [[ "$line" == *" $k,"* || "$line" == *" $k" ]] || fail "$k not listed as ignored"
done
for k in riak_kv.query.timeseries.timeout listener.http.internal platform_data_dir nodename \
         object.size.maximum log.console.level leveldb.expiration; do
  [[ "$line" == *" $k,"* || "$line" == *" $k" ]] && fail "$k is honoured, yet listed as ignored"
done
[[ $(grep -c "warning quantad: 2 configuration key(s) are neither Quanta's nor known Riak keys and are ignored (a typo?): memory_backend.max_memory_per_vnode, riak_future_feature$" "$WORK/log") == 1 ]] ||
  fail "expected one warning listing the unknown keys"
kill -TERM "$PID"; wait "$PID"; rc=$?; PID=""
[[ $rc == 0 ]] || fail "exit status $rc"
echo "PASS: quantad runs with a stock riak.conf ($(echo "$line" | sed 's/.*info quantad: \([0-9]*\).*/\1/') keys ignored)"
