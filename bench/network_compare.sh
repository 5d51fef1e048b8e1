#!/usr/bin/env bash
# Runs ../shared/bench against quantad (PB, then HTTP; a fresh server each) and against
# ClickHouse and VictoriaMetrics, one after the other, and writes the two reports.
#   bench/network_compare.sh [BUILD_DIR]     (default build-bench; needs quantad built there)
# ClickHouse and VictoriaMetrics come from Debian (run_peers.sh installs them). BASE=/tmp/tsbench.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build-bench}"
shared="$root/../shared/bench"
B="${BASE:-/tmp/tsbench}"
mkdir -p "$B"
cd "$shared"
[ -f "$B/data/manifest.json" ] || python3 tsgen.py --out "$B/data" >/dev/null
run_quanta() {
  local target=$1 port=$2
  rm -rf "$B/q"
  mkdir -p "$B/q"
  "$build/quantad" --data-dir "$B/q/data" --pb-listen 127.0.0.1:18087 \
    --http-listen 127.0.0.1:18098 >"$B/q.log" 2>&1 &
  local pid=$!
  sleep 1
  BASE="$B" OUT="$B/results" TARGET="$target" PORT="$port" PID="$pid" DATADIR="$B/q/data" \
    LAYOUT_B=1 RUNS=5 WORKERS=4 ./run_ours.sh
  kill "$pid"
  wait "$pid" || true
}
rm -rf "$B/results" "$B/results-peers"
run_quanta riak-pb 18087
run_quanta riak-http 18098
BASE="$B" OUT="$B/results-peers" REPS=3 RUNS=5 WORKERS=4 ./run_peers.sh ch vm-influx
python3 report.py "$B/results/results.jsonl" | tee "$B/report-quanta.txt"
python3 report.py "$B/results-peers/results.jsonl" | tee "$B/report-peers.txt"
