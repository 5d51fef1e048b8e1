# Shared by the ingest sender tests: free ports, a fresh quantad, cleanup, SQL over curl.
# Sourced; expects $QUANTAD (or build/quantad) and sets quantad_http, data_dir.

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
quantad="${QUANTAD:-$root/build/quantad}"
[[ "$quantad" = /* ]] || quantad="$root/$quantad"
[[ -x "$quantad" ]] || { echo "$0: $quantad not found; build it first (or set QUANTAD)" >&2; exit 2; }
command -v curl >/dev/null || { echo "$0: curl is not installed" >&2; exit 2; }

# next_port VAR: a free port. QUANTA_TEST_PORTS="p1 p2 ..." takes them from that list instead.
read -r -a fixed_ports <<<"${QUANTA_TEST_PORTS:-}"
port_index=0
next_port() {
  if (( ${#fixed_ports[@]} > 0 )); then
    printf -v "$1" '%s' "${fixed_ports[$port_index]}"
    port_index=$((port_index + 1))
  else
    printf -v "$1" '%s' "$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
  fi
}

work="$(mktemp -d "${TMPDIR:-/tmp}/quanta-ingest.XXXXXX")"
data_dir="$work/data"
pids=()
cleanup() {
  local status=$?
  # Last started first: a sender (Prometheus) stops while its receiver still answers, so its
  # shutdown does not wait for a flush that cannot succeed.
  local i pid
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    pid="${pids[$i]}"
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  if [[ $status -ne 0 ]]; then
    for f in "$work"/*.log; do
      [[ -f "$f" ]] && { echo "--- $f ---" >&2; tail -50 "$f" >&2; }
    done
  fi
  rm -rf "$work"
  exit $status
}
trap cleanup EXIT

start_quantad() {
  local pb_port
  next_port pb_port
  next_port quantad_port
  "$quantad" --data-dir "$data_dir" --pb-listen "127.0.0.1:$pb_port" \
    --http-listen "127.0.0.1:$quantad_port" >"$work/quantad.log" 2>&1 &
  pids+=($!)
  quantad_http="http://127.0.0.1:$quantad_port"
  for _ in $(seq 1 100); do
    curl -fsS "$quantad_http/ping" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "$0: quantad did not start" >&2
  return 1
}

# sql "SELECT ..." -> the JSON answer on stdout (fails on a non-2xx status).
sql() {
  curl -fsS -XPOST "$quantad_http/ts/v1/query" --data-binary "$1"
}

# expect_eq what actual expected
expect_eq() {
  if [[ "$2" != "$3" ]]; then
    echo "FAIL: $1" >&2
    echo "  got:      $2" >&2
    echo "  expected: $3" >&2
    exit 1
  fi
  echo "ok: $1"
}
