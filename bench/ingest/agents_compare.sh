#!/usr/bin/env bash
# Line protocol and Prometheus remote write into quantad and VictoriaMetrics, same data, one
# sitting (bench/README.md, "Ingest from agents"). Each run starts a fresh server on an empty
# data directory, sends the whole data set with agents_bench, stops the server.
#
#   bench/ingest/agents_compare.sh [BUILD_DIR] [RUNS]     # defaults: build 3
#
# Needs BUILD_DIR/quantad and BUILD_DIR/agents_bench, and Debian's victoria-metrics (installed
# when missing). Prints one JSON line per run and the medians. Ports: 19390-19392.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-$root/build}"
runs="${2:-3}"
points="${POINTS:-1000}"           # x 100 hosts x 10 metrics = 1M samples
connections="${CONNECTIONS:-2}"

if ! command -v victoria-metrics >/dev/null; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends victoria-metrics >/dev/null
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/quanta-agents-bench.XXXXXX")"
server_pid=""
stop_server() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"; wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
trap 'stop_server; rm -rf "$work"' EXIT

wait_ready() {  # URL
  for _ in $(seq 1 200); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.05
  done
  echo "server at $1 did not start" >&2; return 1
}

start_server() {  # quantad|victoria-metrics -> sets server_pid, url
  rm -rf "$work/data"; mkdir -p "$work/data"
  case "$1" in
    quantad)
      "$build/quantad" --data-dir "$work/data" --pb-listen 127.0.0.1:19391 \
        --http-listen 127.0.0.1:19390 >"$work/server.log" 2>&1 &
      server_pid=$!; url=http://127.0.0.1:19390; wait_ready "$url/ping" ;;
    victoria-metrics)
      victoria-metrics -storageDataPath="$work/data" -httpListenAddr=127.0.0.1:19392 \
        -retentionPeriod=1 -loggerLevel=ERROR >"$work/server.log" 2>&1 &
      server_pid=$!; url=http://127.0.0.1:19392; wait_ready "$url/health" ;;
  esac
}

results="$work/results.jsonl"
for rep in $(seq 1 "$runs"); do
  for server in quantad victoria-metrics; do
    for protocol in line remote; do
      start_server "$server"
      "$build/agents_bench" --url "$url" --protocol "$protocol" --pid "$server_pid" \
        --points "$points" --connections "$connections" --label "$server" | tee -a "$results"
      stop_server
    done
  done
done

python3 - "$results" <<'PY'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
print("\n| server | protocol | samples | rows/s (median) | samples/s (median) | CPU-s per 1M samples, load (median) | + 5 s after (median) |")
print("|---|---|---|---|---|---|---|")
for server in ("quantad", "victoria-metrics"):
    for protocol in ("line", "remote"):
        rs = [r for r in runs if r["label"] == server and r["protocol"] == protocol]
        if not rs: continue
        med = lambda k: statistics.median(r[k] for r in rs)
        print(f"| {server} | {protocol} | {rs[0]['samples']:,} | {med('rows_per_s'):,.0f} | "
              f"{med('samples_per_s'):,.0f} | {med('cpu_s_per_1M_samples'):.2f} | "
              f"{med('cpu_s_settled_per_1M_samples'):.2f} |")
PY
