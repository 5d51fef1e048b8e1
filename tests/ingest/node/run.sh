#!/usr/bin/env bash
# npm's `influx` client against a fresh quantad (see influx_client.test.js).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
command -v node >/dev/null || { echo "$0: node is not installed" >&2; exit 2; }
cd "$here/node"
if [[ ! -d node_modules/influx ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
start_quantad
QUANTA_HTTP_PORT="$quantad_port" node --test --test-concurrency=1 influx_client.test.js
