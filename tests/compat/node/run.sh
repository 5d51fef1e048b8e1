#!/usr/bin/env bash
# Runs the Node.js client compatibility test against a fresh quantad, or against several
# quantad coordinators over one Ceph RADOS pool (docs/cluster.md).
#
#   tests/compat/node/run.sh                       # uses build/quantad
#   QUANTAD=build-x/quantad tests/compat/node/run.sh
#   QUANTA_TEST_RADOS_CONF=/tmp/ceph/ceph.conf QUANTA_TEST_RADOS_POOL=quanta \
#     tests/compat/node/run.sh --coordinators 2
#
# Installs basho-riak-client@2.4.0 from package-lock.json into tests/compat/node/node_modules,
# starts quantad on free ports with a temporary data directory, runs `node --test`, stops the
# server. Exit status: that of the test run.
#
# --coordinators N: N quantad processes with storage.backend = rados on the pool named by
# QUANTA_TEST_RADOS_CONF / QUANTA_TEST_RADOS_POOL, in a fresh RADOS namespace. The suite runs
# unmodified; cluster_nodes.js (preloaded) hands the client all N PB addresses, and its
# round-robin node manager alternates the commands between them. Afterwards every
# coordinator must have answered some of the requests (its /stats), and the namespace's
# objects are removed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
quantad="${QUANTAD:-$root/build/quantad}"
[[ "$quantad" = /* ]] || quantad="$root/$quantad"

coordinators=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --coordinators) coordinators="${2:-}"; shift 2 ;;
    *) echo "usage: $0 [--coordinators N]" >&2; exit 2 ;;
  esac
done
if ! [[ "$coordinators" =~ ^[1-9]$ ]]; then
  echo "run.sh: --coordinators needs a number from 1 to 9" >&2
  exit 2
fi
rados_args=()
namespace=""
if [[ $coordinators -gt 1 ]]; then
  if [[ -z "${QUANTA_TEST_RADOS_CONF:-}" || -z "${QUANTA_TEST_RADOS_POOL:-}" ]]; then
    echo "run.sh: --coordinators needs QUANTA_TEST_RADOS_CONF and QUANTA_TEST_RADOS_POOL" >&2
    exit 2
  fi
  namespace="node-compat-$$-$(date +%s)"
  rados_args=(--set storage.backend=rados --set "rados.conf=$QUANTA_TEST_RADOS_CONF"
              --set "rados.pool=$QUANTA_TEST_RADOS_POOL" --set "rados.namespace=$namespace")
fi

if [[ ! -x "$quantad" ]]; then
  echo "run.sh: $quantad not found; build it first (or set QUANTAD)" >&2
  exit 2
fi
command -v node >/dev/null || { echo "run.sh: node is not installed" >&2; exit 2; }

cd "$here"
if [[ ! -d node_modules/basho-riak-client ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});'
}
used=" "
new_port() {
  local p
  p="$(free_port)"
  while [[ "$used" == *" $p "* ]]; do p="$(free_port)"; done
  used+="$p "
  echo "$p"
}

tmp="$(mktemp -d "${TMPDIR:-/tmp}/quanta-node-compat.XXXXXX")"
pb_ports=()
http_ports=()
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  if [[ -n "$namespace" ]] && command -v rados >/dev/null; then
    local r=(rados -c "$QUANTA_TEST_RADOS_CONF" -p "$QUANTA_TEST_RADOS_POOL" -N "$namespace")
    timeout 60 "${r[@]}" ls 2>/dev/null | while read -r obj; do
      timeout 10 "${r[@]}" rm "$obj" 2>/dev/null || true
    done || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

for i in $(seq 1 "$coordinators"); do
  pb_ports+=("$(new_port)")
  http_ports+=("$(new_port)")
  mkdir -p "$tmp/data$i"
  "$quantad" --data-dir "$tmp/data$i" --pb-listen "127.0.0.1:${pb_ports[-1]}" \
    --http-listen "127.0.0.1:${http_ports[-1]}" ${rados_args[@]+"${rados_args[@]}"} \
    >"$tmp/quantad$i.log" 2>&1 &
  pids+=($!)
done

dump_logs() {
  for i in $(seq 1 "$coordinators"); do
    echo "--- quantad $i log ---" >&2
    cat "$tmp/quantad$i.log" >&2
  done
}

# Wait for every PB port to accept connections (a RADOS coordinator connects to Ceph first).
for i in $(seq 0 $((coordinators - 1))); do
  for attempt in $(seq 1 300); do
    if node -e 'const s=require("net").connect(+process.argv[1],"127.0.0.1");s.on("connect",()=>process.exit(0));s.on("error",()=>process.exit(1));' "${pb_ports[$i]}" 2>/dev/null; then
      break
    fi
    if ! kill -0 "${pids[$i]}" 2>/dev/null || [[ $attempt -eq 300 ]]; then
      echo "run.sh: quantad $((i + 1)) did not start" >&2
      dump_logs
      exit 1
    fi
    sleep 0.1
  done
done

nodes=""
node_options="${NODE_OPTIONS:-}"
if [[ $coordinators -gt 1 ]]; then
  for p in "${pb_ports[@]}"; do nodes+="${nodes:+,}127.0.0.1:$p"; done
  node_options+=" --require $here/cluster_nodes.js"
fi

status=0
QUANTA_PB_PORT="${pb_ports[0]}" QUANTA_PB_NODES="$nodes" NODE_OPTIONS="$node_options" \
  node --test --test-concurrency=1 ts_commands.test.js || status=$?

# Each coordinator's share of the requests, from its /stats: with several, each must have had
# some, or the run did not test what it claims to.
if [[ $status -eq 0 && $coordinators -gt 1 ]]; then
  for i in $(seq 0 $((coordinators - 1))); do
    line="$(node -e '
      require("http").get({host: "127.0.0.1", port: +process.argv[1], path: "/stats"}, (res) => {
        let body = "";
        res.on("data", (c) => { body += c; });
        res.on("end", () => {
          const s = JSON.parse(body);
          const ops = ["query", "put", "get", "delete", "list_keys"];
          const total = ops.reduce((n, op) => n + (s[op + "_requests"] || 0), 0);
          console.log(total + " " + ops.map((op) => op + "=" + (s[op + "_requests"] || 0)).join(" "));
        });
      }).on("error", (e) => { console.log("0 error " + e.message); });' "${http_ports[$i]}")"
    echo "run.sh: coordinator $((i + 1)) answered ${line#* } requests"
    if [[ "${line%% *}" == "0" ]]; then
      echo "run.sh: coordinator $((i + 1)) answered no request: the commands did not alternate" >&2
      status=1
    fi
  done
fi
if [[ $status -ne 0 ]]; then
  dump_logs
fi
exit $status
