#!/usr/bin/env bash
# The web console's browser test (console.test.mjs): installs playwright-core and pngjs from
# package-lock.json on first use (no browser download: it drives Debian's chromium), then runs it
# against the given quantad, saving screenshots into the given directory.
#
#   tests/console/run.sh build/quantad build/tests/console/screenshots [login.test.mjs]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
quantad="$(realpath "${1:?usage: run.sh <quantad> <screenshot dir>}")"
shots="$(realpath -m "${2:?usage: run.sh <quantad> <screenshot dir>}")"
cd "$here"
if [[ ! -d node_modules/playwright-core || ! -d node_modules/pngjs ]]; then
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
fi
exec node "${3:-console.test.mjs}" "$quantad" "$shots"
