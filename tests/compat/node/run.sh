#!/usr/bin/env bash
# Runs the Node.js client compatibility test against a fresh quantad.
#
#   tests/compat/node/run.sh            # uses build/quantad
#   QUANTAD=build-x/quantad tests/compat/node/run.sh
#
# Installs basho-riak-client@2.4.0 from package-lock.json into tests/compat/node/node_modules,
# starts quantad on free ports with a temporary data directory, runs `node --test`, stops the
# server. Exit status: that of the test run.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
quantad="${QUANTAD:-$root/build/quantad}"
[[ "$quantad" = /* ]] || quantad="$root/$quantad"

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
pb_port="$(free_port)"
http_port="$(free_port)"
while [[ "$http_port" == "$pb_port" ]]; do http_port="$(free_port)"; done

data_dir="$(mktemp -d "${TMPDIR:-/tmp}/quanta-node-compat.XXXXXX")"
log="$data_dir.log"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$data_dir"
}
trap cleanup EXIT

"$quantad" --data-dir "$data_dir" --pb-listen "127.0.0.1:$pb_port" \
  --http-listen "127.0.0.1:$http_port" >"$log" 2>&1 &
server_pid=$!

# Wait for the PB port to accept connections.
for _ in $(seq 1 100); do
  if node -e 'const s=require("net").connect(+process.argv[1],"127.0.0.1");s.on("connect",()=>process.exit(0));s.on("error",()=>process.exit(1));' "$pb_port" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "run.sh: quantad exited early:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.1
done

status=0
QUANTA_PB_PORT="$pb_port" node --test --test-concurrency=1 ts_commands.test.js || status=$?
if [[ $status -ne 0 ]]; then
  echo "--- quantad log ($log) ---" >&2
  cat "$log" >&2
fi
rm -f "$log"
exit $status
