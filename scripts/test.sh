#!/usr/bin/env bash
# Runs the whole test suite with ctest. Usage: scripts/test.sh BUILD_DIR [ctest args...]
set -euo pipefail
build=${1:-build}
shift || true
cd "$(dirname "$0")/.."
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" --timeout 600 "$@"
