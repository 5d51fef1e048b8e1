# Shared by the cluster tests (sourced). Needs QUANTAD, WORK, CONF (a ceph.conf), POOL, an
# array PIDS, and free_port (tests/support/ports.sh).

# start_coordinator NAME PB HTTP [QUANTAD ARGS...]: a coordinator on the pool, logging to
# $WORK/NAME.log (appended, so a restart keeps the first run's lines), data directory
# $WORK/NAME; PB and HTTP empty for free ports. Sets PID_<NAME>, PB_<NAME> and HTTP_<NAME>,
# and adds the PID to PIDS. Exits the test when it does not answer /ping within 30 s.
start_coordinator() {
  local name=$1 pb=$2 http=$3
  shift 3
  if [ -z "$pb" ]; then
    pb=$(free_port) && http=$(free_port) || { echo "no free port" >&2; exit 1; }
  fi
  "$QUANTAD" --data-dir "$WORK/$name" --pb-listen "127.0.0.1:$pb" --http-listen "127.0.0.1:$http" \
    --set storage.backend=rados --set rados.conf="$CONF" --set rados.pool="$POOL" "$@" \
    >>"$WORK/$name.log" 2>&1 &
  PIDS+=($!)
  printf -v "PID_$name" '%s' "$!"
  printf -v "PB_$name" '%s' "$pb"
  printf -v "HTTP_$name" '%s' "$http"
  for _ in $(seq 1 300); do
    curl -sf "http://127.0.0.1:$http/ping" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "coordinator $name did not start:" >&2
  cat "$WORK/$name.log" >&2
  exit 1
}
