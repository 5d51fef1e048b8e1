# Shared by the tests/admin scripts: a temporary directory, free ports, a quantad started on
# them and stopped (with the directory removed) when the script exits.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/quanta_admin_XXXXXX")
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]]; then
    kill "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
  fi
  [[ -n "${KEEP_WORK:-}" ]] || rm -rf "$WORK"
}
trap cleanup EXIT

FAILURES=0
fail() { echo "FAIL: $*" >&2; FAILURES=$((FAILURES + 1)); }

source "$(dirname "${BASH_SOURCE[0]}")/../support/ports.sh"

# start_server QUANTAD DATA_DIR [quantad args...]: sets PB_PORT, HTTP_PORT, SERVER_PID; waits
# until /ping answers (at most 20 s).
start_server() {
  local quantad=$1 data=$2
  shift 2
  PB_PORT=$(free_port) && HTTP_PORT=$(free_port) || { echo "no free port" >&2; exit 1; }
  "$quantad" --data-dir "$data" --pb-listen "127.0.0.1:$PB_PORT" \
    --http-listen "127.0.0.1:$HTTP_PORT" "$@" >"$WORK/quantad.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 200); do
    if curl -sf "http://127.0.0.1:$HTTP_PORT/ping" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "quantad exited:" >&2
      cat "$WORK/quantad.log" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "quantad did not answer /ping in 20 s" >&2
  exit 1
}

stop_server() {
  if [[ -n "$SERVER_PID" ]]; then
    kill "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
    SERVER_PID=""
  fi
}
