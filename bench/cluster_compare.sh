#!/usr/bin/env bash
# Ingest and Q1-Q5 against the embedded backend and against a RADOS coordinator, in one
# sitting, runs interleaved (embedded, RADOS, embedded, ...): tsbench.py over the PB port, a
# fresh quantad per run (a new data directory, or a new RADOS namespace), layout A (`cpu`,
# per host) and B (`cpu_t`, cross-host GROUP BY). Per phase it records quantad's CPU (from
# tsbench.py) and the OSDs' CPU (utime + stime of the PIDs ceph-dev.sh recorded, from
# /proc/PID/stat before and after). Prints the medians (summarize at the end).
#
#   CEPH_DEV_OSD_GIB=8 scripts/ceph-dev.sh start /tmp/ceph   # 2 GiB OSDs fill up (see README)
#   BENCH=<tsbench.py's folder> DATA=<its tsgen.py pb output> CEPH_DIR=/tmp/ceph RUNS=3 \
#     bench/cluster_compare.sh OUT_DIR
#
# Environment: QUANTAD (default build/quantad), PORT_BASE (default 30087: PB on it, HTTP on
# +11), LAYOUTS (default "A B"), BACKENDS (default "rocksdb rados"), WORKERS (4), QRUNS (5).
set -euo pipefail
OUT=${1:?usage: cluster_compare.sh OUT_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
QUANTAD=${QUANTAD:-$HERE/../build/quantad}
BENCH=${BENCH:?the folder of tsbench.py}
DATA=${DATA:?tsgen.py output with the pb format}
CEPH_DIR=${CEPH_DIR:?a ceph-dev.sh cluster}
RUNS=${RUNS:-3}
LAYOUTS=${LAYOUTS:-A B}
BACKENDS=${BACKENDS:-rocksdb rados}
WORKERS=${WORKERS:-4}
QRUNS=${QRUNS:-5}
PB=${PORT_BASE:-30087}
HTTP=$((PB + 11))
mkdir -p "$OUT"
RESULTS=$OUT/results.jsonl
SERVER=""
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; true' EXIT

osd_cpu() {  # CPU seconds of the cluster's OSDs so far
  local total=0 f pid
  for f in "$CEPH_DIR"/pids/osd.*; do
    pid=$(cat "$f")
    [ -r "/proc/$pid/stat" ] || { echo "an OSD (pid $pid) is gone" >&2; exit 1; }
    total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat")))
  done
  awk -v t="$total" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }'
}

emit() {  # emit BACKEND RUN LAYOUT PHASE OSD_CPU_S JSON
  python3 -c 'import json,sys; d=json.loads(sys.argv[6]); d.update(backend=sys.argv[1], run=int(sys.argv[2]), layout=sys.argv[3], phase=sys.argv[4], osd_cpu_s=float(sys.argv[5])); print(json.dumps(d))' \
    "$@" | tee -a "$RESULTS"
}

if [ ! -f "$DATA-cpu_t/manifest.json" ]; then
  python3 "$BENCH/tsgen.py" --out "$DATA-cpu_t" --formats pb --table cpu_t >/dev/null
fi

for run in $(seq 1 "$RUNS"); do
  for backend in $BACKENDS; do
    dir=$(mktemp -d "${TMPDIR:-/tmp}/quanta_cluster_bench_XXXXXX")
    args=(--data-dir "$dir" --pb-listen "127.0.0.1:$PB" --http-listen "127.0.0.1:$HTTP")
    if [ "$backend" = rados ]; then
      args+=(--set storage.backend=rados --set rados.conf="$CEPH_DIR/ceph.conf"
             --set rados.pool=quanta --set rados.namespace="bench-$run-$$")
    fi
    "$QUANTAD" "${args[@]}" >"$OUT/quantad-$backend-$run.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 1 100); do
      curl -sf "http://127.0.0.1:$HTTP/ping" >/dev/null 2>&1 && break
      sleep 0.1
    done
    for layout in $LAYOUTS; do
      table=cpu data=$DATA
      [ "$layout" = B ] && table=cpu_t data=$DATA-cpu_t
      python3 "$BENCH/tsbench.py" setup --target riak-pb --port "$PB" --table "$table" \
        --layout "$layout" >/dev/null
      o0=$(osd_cpu)
      load=$(python3 "$BENCH/tsbench.py" load --target riak-pb --port "$PB" --table "$table" \
        --data "$data" --workers "$WORKERS" --pid "$SERVER")
      emit "$backend" "$run" "$layout" load "$(awk -v a="$o0" -v b="$(osd_cpu)" 'BEGIN { print b - a }')" "$load"
      sleep 5
      o0=$(osd_cpu)
      query=$(python3 "$BENCH/tsbench.py" query --target riak-pb --port "$PB" --table "$table" \
        --layout "$layout" --data "$DATA" --runs "$QRUNS" --workers "$WORKERS" --pid "$SERVER")
      emit "$backend" "$run" "$layout" query "$(awk -v a="$o0" -v b="$(osd_cpu)" 'BEGIN { print b - a }')" "$query"
    done
    kill "$SERVER"
    wait "$SERVER" 2>/dev/null || true
    SERVER=""
    rm -rf "$dir"
    [ "$backend" = rados ] && bash "$HERE/../scripts/ceph-dev.sh" purge "$CEPH_DIR"
  done
done

python3 - "$RESULTS" <<'EOF'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
med = lambda xs: statistics.median(xs) if xs else float("nan")
print("| backend | layout | ingest rows/s | quantad CPU-s/1M rows | OSD CPU-s/1M rows | Q1 ms | Q2 ms | Q4 ms | Q5 ms | foreign CPU-s (load) |")
print("|---|---|---|---|---|---|---|---|---|---|")
for backend in ("rocksdb", "rados"):
    for layout in ("A", "B"):
        loads = [r for r in rows if r["backend"] == backend and r["layout"] == layout and r["phase"] == "load"]
        queries = [r for r in rows if r["backend"] == backend and r["layout"] == layout and r["phase"] == "query"]
        if not loads:
            continue
        mrows = loads[0]["rows"] / 1e6
        q = lambda qid: med([r["queries"][qid]["ms_median"] for r in queries
                             if r["queries"].get(qid, {}).get("ms_median") is not None])
        print(f"| {backend} | {layout} | {med([r['rows_per_s'] for r in loads]) / 1e3:.0f}k "
              f"| {med([r['server_cpu_s_per_Mrows'] for r in loads]):.2f} "
              f"| {med([r['osd_cpu_s'] / mrows for r in loads]):.2f} "
              f"| {q('q1_max_1h_1host'):.1f} | {q('q2_max_12h_by_host'):.1f} "
              f"| {q('q4_high_cpu_12h_1host'):.1f} | {q('q5_avg10_all_by_host'):.1f} "
              f"| {', '.join(str(r['foreign_cpu_s']) for r in loads)} |  ({len(loads)} runs)")
EOF
