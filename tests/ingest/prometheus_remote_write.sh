#!/usr/bin/env bash
# Debian's Prometheus scrapes itself every second and remote-writes into a fresh quantad; the
# test passes once SQL finds samples of `up` for that target (bounded: 90 s).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
prometheus="${PROMETHEUS:-$(command -v prometheus || true)}"
[[ -x "$prometheus" ]] || { echo "$0: prometheus is not installed" >&2; exit 2; }

start_quantad
next_port prom_port
cat >"$work/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: quanta_selftest
    static_configs:
      - targets: ["127.0.0.1:$prom_port"]
  - job_name: quantad
    metrics_path: /metrics
    static_configs:
      - targets: ["127.0.0.1:$quantad_port"]
remote_write:
  - url: $quantad_http/api/v1/write
    queue_config:
      batch_send_deadline: 1s
      max_samples_per_send: 2000
YAML
"$prometheus" --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address="127.0.0.1:$prom_port" >"$work/prometheus.log" 2>&1 &
pids+=($!)

now_ms() { date +%s%3N; }
start=$(( $(now_ms) - 60000 ))
query_up() {
  local job="$1" target="$2"
  sql "SELECT COUNT(value), MIN(value) FROM prometheus_samples WHERE metric = 'up' AND labels = 'instance=\"$target\",job=\"$job\"' AND time > $start AND time < $(( $(now_ms) + 60000 ))" 2>/dev/null || true
}
found=""
t0=$SECONDS
for _ in $(seq 1 90); do
  answer="$(query_up quanta_selftest "127.0.0.1:$prom_port")"
  if [[ "$answer" =~ \"rows\":\[\[([0-9]+),1\.0\]\] ]] && (( BASH_REMATCH[1] >= 3 )); then
    found="$answer"
    break
  fi
  sleep 1
done
[[ -n "$found" ]] || { echo "FAIL: no up samples from Prometheus within 90 s (last: $answer)" >&2; exit 1; }
echo "ok: up samples of Prometheus itself after $((SECONDS - t0)) s: $found"
# quantad's own /metrics, scraped by Prometheus, came back through remote write too.
answer="$(query_up quantad "127.0.0.1:$quantad_port")"
[[ "$answer" =~ \"rows\":\[\[[1-9][0-9]*,1\.0\]\] ]] || { echo "FAIL: no up samples for quantad: $answer" >&2; exit 1; }
echo "ok: up samples of quantad: $answer"
# Prometheus never got a 4xx/5xx from quantad.
if grep -Ei "non-recoverable|server returned HTTP status" "$work/prometheus.log" >&2; then
  echo "FAIL: Prometheus reported remote write errors" >&2
  exit 1
fi
echo "ok: no remote write errors in Prometheus's log"
